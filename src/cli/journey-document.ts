/**
 * The journey sections of the plan document: the funnels with their time windows, abandonment
 * in words, the experiments with their split and goal, and page experience.
 */
import type { Plan } from '../plan/types';
import { code, free, join, strong, type Block, type Rich } from './document';
import { durationWords, toolName } from './words';

type Send = (send: Plan['conversions'][string]['send']) => Rich;

const names = (list: string[], last = ' and '): Rich => {
  const parts = list.map((n): Rich => [code(n)]);
  return parts.length < 2 ? parts.flat() : [...join(parts.slice(0, -1), ', '), last, ...parts[parts.length - 1]!];
};

export function funnelBlocks(plan: Plan): Block[] {
  const funnels = Object.entries(plan.funnels);
  const blocks: Block[] = [{ h: 2, text: ['Funnels'], id: 'funnels' }];
  if (!funnels.length) return [...blocks, { p: ['The plan defines no funnel.'] }];
  blocks.push({ p: ['The steps people take towards a goal, in order. A visitor moves on when they take the next step (other things may happen in between); reports show how many reach each step and where they drop out.'] });
  for (const [name, f] of funnels) {
    blocks.push({ h: 3, text: [code(name)] });
    if (f.description) blocks.push({ p: [free(f.description)] });
    blocks.push({ ol: f.steps.map((s) => {
      const d = plan.conversions[s]?.description;
      return d ? [code(s), ': ', free(d)] : [code(s)];
    }) });
    blocks.push({ p: [strong('Time allowed:'), ' ', f.within ? `${durationWords(f.within)} from the first step to the last; a later step does not count after that.` : 'no limit: a step counts however long after the first it comes.'] });
  }
  return blocks;
}

/** How an abandonment is reported: the conversion it is tracked as (and where that goes), or the site's code only. */
function reported(plan: Plan, kind: 'cart' | 'browse', sendWords: Send): Rich {
  const fallback = `${kind}_abandoned`;
  const name = plan.abandonment[kind]?.conversion ?? (plan.conversions[fallback] ? fallback : undefined);
  const c = name ? plan.conversions[name] : undefined;
  if (!c) return [`only to the site's code (`, code(`tracker.on('${fallback}')`), '): the plan has no conversion for it.'];
  return ['as ', code(c.name), ' (', ...sendWords(c.send), ').'];
}

export function abandonmentBlocks(plan: Plan, sendWords: Send): Block[] {
  const { cart, browse } = plan.abandonment;
  if (!cart && !browse) return [];
  const items: Rich[] = [];
  if (cart) {
    items.push([
      strong('Cart:'), ' ', code(cart.add), ' puts products into the cart',
      ...(cart.remove ? [', ', code(cart.remove), ' takes them out again'] : []), ', ', code(cart.complete), ' completes it. ',
      `A cart not completed within ${durationWords(cart.after)} of its last change counts as abandoned. It is reported once, when the visitor comes back, `,
      ...reported(plan, 'cart', sendWords),
    ]);
  }
  if (browse) {
    const viewed = browse.min === 1 ? 'a product' : `at least ${browse.min} products`;
    items.push([
      strong('Browse:'), ' ', `a visitor who viewed ${viewed} (`, code(browse.view), ') ',
      ...(browse.cancel.length ? ['and did not go on to ', ...names(browse.cancel, ' or '), ` within ${durationWords(browse.after)}`] : [`and is still browsing ${durationWords(browse.after)} later (nothing ends a browse)`]),
      ' has abandoned the browse. It is reported once, when the visitor comes back, ', ...reported(plan, 'browse', sendWords),
    ]);
  }
  return [
    { h: 2, text: ['Abandonment'], id: 'abandonment' },
    { p: ['Carts and browses left without an order, noticed when the visitor comes back to the site, so that they can be reminded of what they left.'] },
    { ul: items },
  ];
}

/** `50%`, `33.3%`: a weight as the share of visitors it gets. */
const share = (w: number, total: number) => `${Math.round((w / total) * 1000) / 10}%`;

export function experimentBlocks(plan: Plan): Block[] {
  const experiments = Object.entries(plan.experiments);
  if (!experiments.length) return [];
  const tools = (['ga4', 'collector'] as const).filter((d) => plan.destinations[d]).map((d) => (d === 'collector' ? 'your own collector' : toolName(d)));
  return [
    { h: 2, text: ['Experiments'], id: 'experiments' },
    { p: [
      'A/B tests: each visitor gets one variant, the same on every page and every visit, split by the weights. The first variant is the control. ',
      'Visitors who have not agreed to analytics see the control and are not counted. ',
      tools.length ? `Each visitor's variant is recorded with ${tools.join(' and ')} when they first see it, and every conversion after that carries it.` : 'No tool records the variants: the plan configures neither GA4 nor a collector.',
    ] },
    { table: {
      head: ['Experiment', 'Variants', 'Judged on', 'What it tests'],
      rows: experiments.map(([name, x]) => {
        const total = x.weights.reduce((a, b) => a + b, 0);
        return [
          [code(name)],
          join(x.variants.map((v, i): Rich => [code(v), ` ${share(x.weights[i]!, total)}${i === 0 ? ' (the control)' : ''}`]), ' · '),
          x.goal ? [code(x.goal)] : ['no goal set'],
          x.description ? [free(x.description)] : ['—'],
        ];
      }),
    } },
  ];
}

export function vitalsBlocks(plan: Plan): Block[] {
  if (!plan.vitals) return [];
  const to = (Object.keys(plan.vitals.send) as ('ga4' | 'collector')[]).map((d): Rich =>
    d === 'ga4' ? ['GA4 (one event per metric: ', code('LCP'), ', ', code('INP'), ', …)'] : ['your own collector (', code('web_vital'), ')']);
  return [
    { h: 2, text: ['Page experience'], id: 'page-experience' },
    { p: ['How fast and stable the pages feel, measured on every page view with Google\'s web-vitals library, under analytics consent.'] },
    { ul: [
      [strong('Metrics:'), ' LCP (loading: when the main content shows), INP (responsiveness to clicks and taps), CLS (layout shifts), FCP (first content) and TTFB (server response).'],
      [strong('Sent to:'), ' ', ...join(to, ' and '), '.'],
      [strong('Attribution:'), ' ', plan.vitals.attribution ? 'a slow or unstable value also names the element or interaction that caused it.' : 'not recorded (add "attribution": true to name the element behind a poor value).'],
    ] },
  ];
}

export function linkerBlocks(plan: Plan): Block[] {
  if (!plan.linker) return [];
  return [
    { h: 2, text: ['Linked sites'], id: 'linked-sites' },
    { p: ['A visitor who follows a link or sends a form to one of these sites (or their subdomains) stays the same visitor there, in the same session, with the campaign and the ad click they came with, under analytics consent (the ad click under ads consent too).'] },
    { ul: plan.linker.domains.map((d): Rich => [code(d)]) },
    { p: ['Each of these sites needs the same plan, with the same list, to take the visitor up. Carts, funnels and exactly-once keys stay per site.'] },
  ];
}
