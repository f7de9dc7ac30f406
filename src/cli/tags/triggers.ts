/**
 * The plan triggers a draft writes in place of the site's own code: an inline handler's, or a
 * listener's whose element and event are plain (listeners.ts), and per listener what replaces it
 * or why it stays code.
 */
import type { ClickTrigger, PageViewTrigger, PlanInput, SubmitTrigger } from '../../plan/types';
import type { Finding } from './recognise';

export interface Replaced {
  /** `tracking.js:12` */
  at: string;
  /** `a click listener on document.getElementById('call')` */
  what: string;
  conversion: string;
  trigger?: ClickTrigger | SubmitTrigger | PageViewTrigger;
  why?: string;
  /** querySelector's first match only, where the trigger counts every match. */
  firstOnly?: boolean;
  /** The calls found in it. */
  findings: Finding[];
}

/** `a click on #call`, `a page view on /order/done*`. */
export const triggerWords = (t: ClickTrigger | SubmitTrigger | PageViewTrigger): string =>
  (t.on === 'page_view' ? `a page view on ${t.path ?? `paths matching ${t.regex}`}` : `a ${t.on} on ${t.selector}`);

const NOT_ALONE = 'the same action is also sent from other code or elements: one trigger cannot count all of them';

/** Per listener with calls in a conversion: the trigger that now does its work, or why it stays code. */
export function replaced(findings: Finding[], placed: Map<Finding, string>, plan: PlanInput, noTrigger: Map<string, string>): Replaced[] {
  const out = new Map<string, Replaced>();
  for (const f of findings) {
    const l = f.listener;
    const name = placed.get(f);
    if (!l || !name || !f.event || !plan.conversions[name]) continue;
    const c = plan.conversions[name]!;
    const k = `${f.page}\u0000${l.key}`;
    const have = out.get(k);
    const trigger = l.trigger && JSON.stringify(c.trigger) === JSON.stringify(l.trigger) ? l.trigger : undefined;
    if (have) {
      have.findings.push(f);
      if (!trigger && have.trigger) { delete have.trigger; delete have.firstOnly; have.why = l.why ?? noTrigger.get(name) ?? NOT_ALONE; }
      continue;
    }
    const why = trigger ? undefined : l.why ?? noTrigger.get(name) ?? NOT_ALONE;
    out.set(k, { at: l.at, what: l.what, conversion: name, findings: [f], ...(trigger ? { trigger } : { why }), ...(trigger && l.firstOnly && { firstOnly: true }) });
  }
  return [...out.values()];
}

/**
 * The plan trigger that can replace an action's inline handlers (`onclick="gtag(…)"`): when every
 * call of it sits in one, on elements one selector names (a phone or e-mail link, or an element
 * with an id), and it has no properties a handler would have to compute. Otherwise it stays a
 * `track` call for the site's code.
 */
export function triggerOf(g: { findings: Finding[]; properties: Record<string, unknown> }): ClickTrigger | SubmitTrigger | PageViewTrigger | string | undefined {
  if (!g.findings.length) return undefined;
  const one = (f: Finding) => (f.handler ? handlerTrigger(f.handler) : f.listener?.trigger);
  const all = new Set(g.findings.map((f) => JSON.stringify(one(f) ?? null)));
  const [only] = all;
  if (all.size !== 1 || only === 'null') {
    return g.findings.some((f) => f.listener?.trigger) ? NOT_ALONE : undefined;
  }
  if (Object.keys(g.properties).length) return `its calls send values the page computes (${Object.keys(g.properties).join(', ')}): a trigger cannot compute them`;
  return JSON.parse(only!);
}

const attribute = (element: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(element);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
};

export function handlerTrigger(h: NonNullable<Finding['handler']>): ClickTrigger | SubmitTrigger | undefined {
  const on = h.on === 'click' || h.on === 'submit' ? h.on : undefined;
  if (!on || h.stops) return undefined;
  const href = attribute(h.element, 'href')?.trim();
  const scheme = on === 'click' && /^<a\s/i.test(h.element) ? /^(tel|mailto):/i.exec(href ?? '')?.[1]?.toLowerCase() : undefined;
  if (scheme) return { on, selector: `a[href^="${scheme}:"]` };
  const id = attribute(h.element, 'id');
  return id && /^[A-Za-z][\w-]*$/.test(id) ? { on, selector: `#${id}` } : undefined;
}
