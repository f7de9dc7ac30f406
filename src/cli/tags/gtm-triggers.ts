/**
 * A Tag Manager trigger as a plan trigger, only where the plan's says the same thing: a phone or
 * e-mail link, an element id, a CSS selector, a form id, a page path. Where the two still count
 * differently (Tag Manager's "Click Element" is the element clicked itself, the plan's click
 * counts a click inside it too) the mapping says so in `differs`. Everything else (every click, a
 * regex on a link's text, several conditions, a dataLayer event the site pushes) gets no trigger
 * and a reason in words. The export's shape is described in gtm.ts.
 */
import type { ClickTrigger, PageViewTrigger, SubmitTrigger } from '../../plan/types';
import { selectorProblem } from '../lint-selector';

export interface Param { type?: string; key?: string; value?: string; list?: Param[]; map?: Param[] }
export interface Condition { type?: string; parameter?: Param[] }
export interface GtmTrigger {
  triggerId?: string;
  name?: string;
  type?: string;
  filter?: Condition[];
  customEventFilter?: Condition[];
  autoEventFilter?: Condition[];
  /** Form submission and link click: fire only when no handler cancelled the event. */
  checkValidation?: Param;
}

export type Exact = ClickTrigger | SubmitTrigger | PageViewTrigger;
export interface Mapped {
  trigger?: Exact;
  why?: string;
  /** With a trigger: what it counts that Tag Manager did not, or the reverse, in words. */
  differs?: string;
  /** A custom event trigger's dataLayer event: where the site pushes it, the track call goes. */
  dataLayerEvent?: string;
}

/** `LINK_CLICK` (an export) and `linkClick` (the API) alike: `linkclick`. */
export const norm = (s: string | undefined): string => (s ?? '').toLowerCase().replace(/_/g, '');
export const paramValue = (ps: Param[] | undefined, key: string): string | undefined => ps?.find((p) => p.key === key)?.value;

/** A condition's value with the export's constant variables put in (gtm.ts); any other `{{…}}` stays. */
export type Resolve = (s: string) => string;

interface Test { op: string; left: string; right: string; negate: boolean; ignoreCase: boolean }
const test = (c: Condition, resolve: Resolve = (s) => s): Test => ({
  op: norm(c.type),
  left: (paramValue(c.parameter, 'arg0') ?? '').trim(),
  right: resolve(paramValue(c.parameter, 'arg1') ?? ''),
  negate: paramValue(c.parameter, 'negate') === 'true',
  ignoreCase: paramValue(c.parameter, 'ignore_case') === 'true',
});
const OPS: Record<string, string> = { equals: 'equals', contains: 'contains', startswith: 'starts with', endswith: 'ends with', matchregex: 'matches RegEx', cssselector: 'matches CSS selector' };
/** `{{Click URL}} starts with "tel:"`, as GTM shows a condition. */
export const says = (c: Condition): string => {
  const t = test(c);
  return `${t.left} ${t.negate ? 'does not ' : ''}${OPS[t.op] ?? t.op} "${t.right}"`;
};

/** GTM's "Enable this trigger when" default: `{{Page URL}} matches RegEx .*`, true everywhere. */
const always = (c: Condition) => { const t = test(c); return t.op === 'matchregex' && !t.negate && (t.right === '.*' || t.right === ''); };
const ID = /^[A-Za-z][\w-]*$/;

/** The plan trigger a Tag Manager trigger is, or why none. `resolve` puts in constant variables. */
export function planTrigger(t: GtmTrigger, resolve?: Resolve): Mapped {
  const kind = norm(t.type);
  const enable = (t.autoEventFilter ?? []).filter((c) => !always(c));
  if (enable.length) return { why: `it is enabled only where ${enable.map(says).join(' and ')}` };
  const filter = t.filter ?? [];
  if (kind === 'customevent') return customEvent(t.customEventFilter ?? [], filter);
  if (kind === 'triggergroup') return { why: 'it is a trigger group (it fires once each of its triggers has fired on the page): a plan trigger counts one thing' };
  const one = filter.length === 1 ? test(filter[0]!, resolve) : undefined;
  const named = kind === 'linkclick' ? 'link click' : kind === 'formsubmission' ? 'form submission' : kind;
  if (!filter.length) {
    if (kind === 'click' || kind === 'linkclick') return { why: `it fires on every ${kind === 'click' ? 'click' : 'link click'} (no condition): a plan trigger names the elements` };
    if (kind === 'formsubmission') return { why: 'it fires on every form: a plan trigger names the form' };
    if (isPageView(kind)) return { why: 'it fires on every page: a conversion on every page view is not an action' };
  }
  if (filter.length > 1) return { why: `its conditions (${filter.map(says).join('; ')}) together are more than one plan trigger says` };
  if (!one) return { why: `a ${named} trigger: the plan has no trigger for it` };
  if (one.negate) return { why: `its condition ${says(filter[0]!)} is a negation: a plan trigger names what counts` };
  // A value only the page knows (a data layer variable, a lookup table) cannot be written into the plan.
  if (one.right.includes('{{')) return { why: `its condition ${says(filter[0]!)} compares with a Tag Manager variable: the plan needs the value itself` };
  // Tag Manager offers "ignore case" for regexes only; a plan path or selector always minds case.
  if (one.ignoreCase && one.op !== 'matchregex') return { why: `its condition ${says(filter[0]!)} ignores case: a plan trigger minds it` };
  const exact = kind === 'click' || kind === 'linkclick' ? click(one, kind) : kind === 'formsubmission' ? submit(one, t) : isPageView(kind) ? pageView(one) : undefined;
  if (exact) return exact;
  return { why: `its condition ${says(filter[0]!)} is not one a plan trigger says exactly` };
}

const isPageView = (kind: string) => kind === 'pageview' || kind === 'domready' || kind === 'windowloaded';

/**
 * A click (All Elements) sees the element clicked itself: `{{Click ID}} equals chat` misses a click
 * on the icon inside #chat, and `{{Click URL}}` is empty there. A link click sees the link the click
 * was in, so a click inside it counts, but only links do. The plan's click counts a click on a
 * matching element or anything inside it: exact for a link click on a phone or e-mail link.
 */
function click(t: Test, kind: string): Mapped | undefined {
  let selector: string | undefined;
  if (t.left === '{{Click URL}}' && t.op === 'startswith' && /^(tel|mailto):$/.test(t.right)) selector = `a[href^="${t.right}"]`;
  else if (t.left === '{{Click ID}}' && t.op === 'equals' && ID.test(t.right)) selector = `#${t.right}`;
  else if (t.left === '{{Click Element}}' && t.op === 'cssselector' && !selectorProblem(t.right)) selector = t.right.trim();
  if (!selector) return undefined;
  const trigger: ClickTrigger = { on: 'click', selector };
  if (kind === 'click') return { trigger, differs: `Tag Manager counted a click only when the element clicked was itself ${selector}; the plan also counts a click on what is inside it (an icon, a text span), so expect more` };
  if (selector.startsWith('a[href^=')) return { trigger };
  return { trigger, differs: `Tag Manager (Just Links) counted clicks in a link that is ${selector}; the plan counts a click in any element that is ${selector}, and one in an element inside it: the same where ${selector} names links` };
}

/** Without Check Validation Tag Manager counts every attempt to send; the plan's submit counts what the browser sends. */
function submit(t: Test, trigger: GtmTrigger): Mapped | undefined {
  let selector: string | undefined;
  if (t.left === '{{Form ID}}' && t.op === 'equals' && ID.test(t.right)) selector = `#${t.right}`;
  else if (t.left === '{{Form Element}}' && t.op === 'cssselector' && !selectorProblem(t.right)) selector = t.right.trim();
  if (!selector) return undefined;
  const checked = trigger.checkValidation?.value === 'true';
  return { trigger: { on: 'submit', selector }, ...(!checked && { differs: 'Check Validation is off, so Tag Manager also counted a send that a script of the site stopped (its own validation, an AJAX send); the plan counts the forms the browser sends' }) };
}

/**
 * A Page Path condition as the plan's page_view: a pattern (`*` any characters) for starts with and
 * contains, and a regex for equals and ends with, which a pattern would also let end in a slash
 * (`/takk` counts `/takk/`). Only for a path of plain characters, without `*`, `?`, `#`, `%`, spaces
 * or letters beyond ASCII (Tag Manager compares the path as the browser gives it, percent-encoded;
 * the plan also tries it decoded). A Page URL also holds the host and the query, which a path does
 * not: none. Tag Manager's page view triggers fire once per page load; the plan's is checked after
 * each route change of a single-page app too.
 */
function pageView(t: Test): Mapped | undefined {
  if (t.left !== '{{Page Path}}') return undefined;
  const differs = 'on a single-page app the plan also counts a route change to a matching path; Tag Manager counted page loads only';
  if (t.op === 'matchregex') return t.ignoreCase || t.right.includes('%') ? undefined : { trigger: { on: 'page_view', regex: t.right }, differs };
  if (!t.right || /[*?#%]|[^\x21-\x7e]/.test(t.right)) return undefined;
  const text = t.right.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const trigger: PageViewTrigger | undefined = t.op === 'equals' ? { on: 'page_view', regex: `^${text}$` }
    : t.op === 'endswith' ? { on: 'page_view', regex: `${text}$` }
      : t.op === 'startswith' && t.right.startsWith('/') ? { on: 'page_view', path: `${t.right}*` }
        : t.op === 'contains' ? { on: 'page_view', path: `*${t.right}*` } : undefined;
  return trigger && { trigger, differs };
}

function customEvent(events: Condition[], filter: Condition[]): Mapped {
  const t = events.length === 1 ? test(events[0]!) : undefined;
  if (!t || t.left !== '{{_event}}' || t.op !== 'equals' || t.negate) {
    return { why: `it fires on dataLayer events where ${events.map(says).join(' and ') || 'any event'}: say where the site pushes them` };
  }
  const extra = filter.length ? ` (when ${filter.map(says).join(' and ')})` : '';
  return { dataLayerEvent: t.right, why: `the site pushes the dataLayer event "${t.right}"${extra}: the measureplan.track call goes where that dataLayer.push is` };
}
