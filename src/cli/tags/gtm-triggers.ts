/**
 * A Tag Manager trigger as a plan trigger, only where the plan's says exactly the same thing:
 * a phone or e-mail link, an element id, a CSS selector, a form id, a page path. Everything
 * else (every click, a regex on a link's text, several conditions, a dataLayer event the site
 * pushes) gets no trigger and a reason in words. The export's shape is described in gtm.ts.
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
}

export type Exact = ClickTrigger | SubmitTrigger | PageViewTrigger;
export interface Mapped {
  trigger?: Exact;
  why?: string;
  /** A custom event trigger's dataLayer event: where the site pushes it, the track call goes. */
  dataLayerEvent?: string;
}

/** `LINK_CLICK` (an export) and `linkClick` (the API) alike: `linkclick`. */
export const norm = (s: string | undefined): string => (s ?? '').toLowerCase().replace(/_/g, '');
export const paramValue = (ps: Param[] | undefined, key: string): string | undefined => ps?.find((p) => p.key === key)?.value;

interface Test { op: string; left: string; right: string; negate: boolean; ignoreCase: boolean }
const test = (c: Condition): Test => ({
  op: norm(c.type),
  left: (paramValue(c.parameter, 'arg0') ?? '').trim(),
  right: paramValue(c.parameter, 'arg1') ?? '',
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

export function planTrigger(t: GtmTrigger): Mapped {
  const kind = norm(t.type);
  const enable = (t.autoEventFilter ?? []).filter((c) => !always(c));
  if (enable.length) return { why: `it is enabled only where ${enable.map(says).join(' and ')}` };
  const filter = t.filter ?? [];
  if (kind === 'customevent') return customEvent(t.customEventFilter ?? [], filter);
  const one = filter.length === 1 ? test(filter[0]!) : undefined;
  const named = kind === 'linkclick' ? 'link click' : kind === 'formsubmission' ? 'form submission' : kind;
  if (!filter.length) {
    if (kind === 'click' || kind === 'linkclick') return { why: `it fires on every ${kind === 'click' ? 'click' : 'link click'} (no condition): a plan trigger names the elements` };
    if (kind === 'formsubmission') return { why: 'it fires on every form: a plan trigger names the form' };
    if (isPageView(kind)) return { why: 'it fires on every page: a conversion on every page view is not an action' };
  }
  if (filter.length > 1) return { why: `its conditions (${filter.map(says).join('; ')}) together are more than one plan trigger says` };
  if (!one) return { why: `a ${named} trigger: the plan has no trigger for it` };
  if (one.negate) return { why: `its condition ${says(filter[0]!)} is a negation: a plan trigger names what counts` };
  const exact = kind === 'click' || kind === 'linkclick' ? click(one) : kind === 'formsubmission' ? submit(one) : isPageView(kind) ? pageView(one) : undefined;
  if (exact) return { trigger: exact };
  return { why: `its condition ${says(filter[0]!)} is not one a plan trigger says exactly` };
}

const isPageView = (kind: string) => kind === 'pageview' || kind === 'domready' || kind === 'windowloaded';

function click(t: Test): ClickTrigger | undefined {
  if (t.left === '{{Click URL}}' && t.op === 'startswith' && /^(tel|mailto):$/i.test(t.right)) return { on: 'click', selector: `a[href^="${t.right.toLowerCase()}"]` };
  if (t.left === '{{Click ID}}' && t.op === 'equals' && ID.test(t.right)) return { on: 'click', selector: `#${t.right}` };
  if (t.left === '{{Click Element}}' && t.op === 'cssselector' && !selectorProblem(t.right)) return { on: 'click', selector: t.right.trim() };
  return undefined;
}

function submit(t: Test): SubmitTrigger | undefined {
  if (t.left === '{{Form ID}}' && t.op === 'equals' && ID.test(t.right)) return { on: 'submit', selector: `#${t.right}` };
  if (t.left === '{{Form Element}}' && t.op === 'cssselector' && !selectorProblem(t.right)) return { on: 'submit', selector: t.right.trim() };
  return undefined;
}

/**
 * A Page Path condition as the plan's path pattern (`*` any characters): only for a path without
 * `*`, `?` or `#`, which a pattern would read otherwise. A Page URL also holds the host and the
 * query, which a path does not: none.
 */
function pageView(t: Test): PageViewTrigger | undefined {
  if (t.left !== '{{Page Path}}') return undefined;
  if (t.op === 'matchregex') return t.ignoreCase ? undefined : { on: 'page_view', regex: t.right };
  if (!t.right || /[*?#]/.test(t.right)) return undefined;
  const path = t.op === 'equals' ? t.right : t.op === 'startswith' ? `${t.right}*` : t.op === 'endswith' ? `*${t.right}` : t.op === 'contains' ? `*${t.right}*` : undefined;
  return path && /^[/*]/.test(path) ? { on: 'page_view', path } : undefined;
}

function customEvent(events: Condition[], filter: Condition[]): Mapped {
  const t = events.length === 1 ? test(events[0]!) : undefined;
  if (!t || t.left !== '{{_event}}' || t.op !== 'equals' || t.negate) {
    return { why: `it fires on dataLayer events where ${events.map(says).join(' and ') || 'any event'}: say where the site pushes them` };
  }
  const extra = filter.length ? ` (when ${filter.map(says).join(' and ')})` : '';
  return { dataLayerEvent: t.right, why: `the site pushes the dataLayer event "${t.right}"${extra}: the measureplan.track call goes where that dataLayer.push is` };
}
