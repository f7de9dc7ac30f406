/**
 * The report for a terminal (`--format text`) and as Markdown (`--format md`). Names in it come
 * from browsers (event, experiment and variant names, quarantine reasons, item names): each is
 * escaped where it is put in, for Markdown (no HTML, no Markdown syntax, one line) or for a
 * terminal (control characters written out), never the template's own markup around it.
 */
import { markdownText, printable } from '../cli/safe-text';
import type { Report } from './build';
import { formatCount } from './stats';
import { CHANNEL_NAMES } from './channels';
import { CHANNELS_LEAD, campaignsLeftOutWords, rateWithInterval, sourceMedium, withoutSessionWords } from './format';
import { browseOpenWords, comparisonNumbers, DATED, duration, leftOutWords, localTime, mixedWords, money, moneyIn, nothingInQuarantine, outsidePlanWords, PAGE_LOADS_LEAD, pageLoadRows, pct, verdictWords } from './format';

type Style = 'text' | 'md';

/** A name or other text from the store, as the style writes it. */
const escaper = (style: Style) => (s: string | null | undefined): string => (style === 'md' ? markdownText(s ?? '') : printable(s ?? ''));

/** A table of plain texts (escaped here): padded columns for text, pipes for Markdown. Columns after the first are right-aligned. */
function table(style: Style, head: string[], cells: string[][]): string {
  if (style === 'md') {
    const esc = (s: string) => markdownText(s, true);
    return [`| ${head.map(esc).join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...cells.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
  }
  const rows = cells.map((r) => r.map(printable));
  head = head.map(printable);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function renderText(r: Report, style: Style = 'text'): string {
  const day = (iso: string | null) => localTime(iso, r.range.timezone);
  const h1 = (s: string) => (style === 'md' ? `# ${s}` : `${s}\n${'='.repeat(s.length)}`);
  const h2 = (s: string) => (style === 'md' ? `## ${s}` : `${s}\n${'-'.repeat(s.length)}`);
  const para = (s: string) => (style === 'md' ? s : s.replace(/\*\*|`/g, ''));
  const x = escaper(style);
  const out: string[] = [];
  const cur = r.plan.currency;
  out.push(h1(`${x(r.plan.name)}: what the measurement plan shows`));
  out.push(para(`${r.range.from || r.range.to ? `From ${day(r.range.from)} to ${day(r.range.to)}` : 'All stored events'} (first ${day(r.range.first_event)}, last ${day(r.range.last_event)}; times in ${x(r.range.timezone)}): **${formatCount(r.totals.visitors)} visitors**, ${formatCount(r.totals.events)} events${r.totals.quarantined ? `, ${formatCount(r.totals.quarantined)} in quarantine (see the end)` : ''}. Visitors who did not allow analytics are not counted: nothing of theirs is stored.${r.range.from || r.range.to ? ` ${DATED}` : ''}`));

  out.push(h2('Conversions'));
  const row = (c: Report['conversions'][number]) => [c.name, c.kind, formatCount(c.events), formatCount(c.visitors), pct(c.rate.rate), moneyIn(c.value, cur, c.other_currencies)];
  out.push(table(style, ['conversion', 'kind', 'events', 'visitors', 'of visitors', 'value'], r.conversions.map(row)));

  const ch = r.channels;
  out.push(h2('Where the orders came from'));
  if (!ch.sessions && !ch.orders) out.push('No session in this period.');
  else {
    out.push(para(CHANNELS_LEAD));
    out.push(table(style, ['channel', 'sessions', 'visitors', 'orders', 'revenue', 'visitors who ordered (95 % interval)'], ch.channels.map((c) => [c.name, formatCount(c.sessions), formatCount(c.visitors), formatCount(c.orders), moneyIn(c.revenue, cur, c.other_currencies), rateWithInterval(c.rate)])));
    if (ch.orders_without_session) out.push(para(withoutSessionWords(ch.orders_without_session)));
    if (ch.campaigns.length) {
      out.push(para('**Campaigns** (utm_campaign), the most orders first:'));
      out.push(table(style, ['campaign', 'source / medium', 'channel', 'sessions', 'orders', 'revenue'], ch.campaigns.map((c) => [c.campaign, sourceMedium(c), CHANNEL_NAMES[c.channel], formatCount(c.sessions), formatCount(c.orders), moneyIn(c.revenue, cur, c.other_currencies)])));
    }
    if (ch.campaigns_left_out) out.push(para(campaignsLeftOutWords(ch.campaigns_left_out, ch.campaigns.length)));
  }

  if (r.supports.length) {
    out.push(h2('Do the micro conversions lead to the goals?'));
    out.push(table(style, ['claim', 'with', 'without', 'ratio', 'verdict'], r.supports.map((s) => [`${s.micro} → ${s.macro}`, `${pct(s.with.rate)} of ${formatCount(s.with.of)}`, `${pct(s.without.rate)} of ${formatCount(s.without.of)}`, s.ratio === null ? '—' : `${s.ratio.toFixed(1)}×`, verdictWords(s.verdict)])));
    out.push(r.supports.map((s) => para(`- **${x(s.micro)} → ${x(s.macro)}**: ${x(s.text)}`)).join('\n'));
  }

  for (const f of r.funnels) {
    out.push(h2(`Funnel ${x(f.name)}${f.withinMs ? ` (within ${duration(f.withinMs)} of the first step)` : ''}`));
    if (f.description) out.push(x(f.description));
    out.push(table(style, ['step', 'visitors', 'from previous', 'dropped', 'from step 1', 'median time'], f.steps.map((s) => [`${s.step}. ${s.event}`, formatCount(s.visitors), pct(s.fromPrevious), s.step === 1 ? '—' : `${formatCount(s.dropOff)} (${pct(s.dropOffRate)})`, pct(s.fromFirst), duration(s.medianMsFromPrevious)])));
    const worst = f.steps.slice(1).reduce<(typeof f.steps)[number] | undefined>((w, s) => (s.dropOffRate !== null && s.dropOff > 0 && (!w || s.dropOffRate > (w.dropOffRate ?? -1)) ? s : w), undefined);
    out.push(para(f.entered ? `${formatCount(f.entered)} visitors entered, ${formatCount(f.completed)} completed (${pct(f.conversion)}).${worst ? ` The biggest drop is before **${x(worst.event)}**: ${pct(worst.dropOffRate)} of those who got to step ${worst.step - 1} went no further.` : ''}` : 'Nobody entered this funnel in the period.'));
  }

  const { cart, browse } = r.abandonment;
  if (cart || browse) {
    out.push(h2(`Abandoned carts and browses (as of ${day(r.abandonment.now)})`));
    if (cart) {
      out.push(para(`**Carts**: ${formatCount(cart.carts)} started, ${formatCount(cart.completed)} ordered (${formatCount(cart.recovered)} of them after being left for ${duration(cart.after_ms)}), **${formatCount(cart.abandoned)} abandoned** worth ${moneyIn(cart.abandoned_value, cur, cart.abandoned_other_currencies)}, ${formatCount(cart.open)} still open, ${formatCount(cart.emptied)} emptied.`));
      if (cart.list.length) out.push(table(style, ['left at', 'who', 'items', 'value'], cart.list.slice(0, 20).map((c) => [day(c.last_activity), c.email ?? c.user_id ?? `visitor ${c.visitor.slice(0, 8)}`, c.items.map((i) => `${i.quantity}× ${i.item_name ?? i.item_id}`).join(', '), money(c.value, c.currency ?? cur)])));
      if (cart.abandoned > 20) out.push(`(the 20 newest of ${formatCount(cart.abandoned)}; --format json lists up to ${cart.listed})`);
    }
    if (browse) {
      // `browses` counts every browse (one product viewed is one); only the abandoned ones had `min` products and no add.
      out.push(para(`**Browses**: ${formatCount(browse.browses)} started, **${formatCount(browse.abandoned)} abandoned** (${browse.min}+ products viewed, nothing added, left for ${duration(browse.after_ms)}), ${formatCount(browse.cancelled)} ended by an add to cart or an order, ${browseOpenWords(browse)}.`));
      const known = browse.list.filter((b) => b.email || b.user_id);
      if (known.length) {
        out.push(table(style, ['left at', 'who', 'products viewed'], known.slice(0, 10).map((b) => [day(b.last_activity), b.email ?? b.user_id ?? '', b.items.map((i) => i.item_name ?? i.item_id).join(', ')])));
        out.push(`(the ${formatCount(Math.min(known.length, 10))} newest of those by visitors who gave an e-mail or a user id: only they can be reminded; --format json lists up to ${browse.listed} abandoned browses)`);
      }
    }
  }

  for (const e of r.experiments) {
    out.push(h2(`Experiment ${x(e.name)}${e.in_plan ? '' : ' (not in the plan)'}`));
    if (e.description) out.push(x(e.description));
    out.push(table(style, ['variant', 'visitors', `reached ${e.goal ?? 'a goal'}`, 'rate', '95 % interval'], e.variants.map((v) => [v.name, formatCount(v.visitors), formatCount(v.conversions), pct(v.rate), v.low === null ? '—' : `${pct(v.low)} – ${pct(v.high)}`])));
    if (e.mixed_visitors) out.push(para(mixedWords(e.mixed_visitors)));
    for (const c of e.comparisons) out.push(para(`**${x(c.variant)} vs ${x(c.control)}**: ${x(c.text)} ${comparisonNumbers(c, e.comparisons.length)}`.trimEnd()));
  }
  if (r.experiments_left_out) out.push(para(leftOutWords(r.experiments_left_out)));

  const loads = pageLoadRows(r.vitals.page_loads, formatCount);
  if (loads.length || r.vitals.metrics.some((m) => m.units)) out.push(h2('Page experience and conversion'));
  if (loads.length) {
    out.push(para(PAGE_LOADS_LEAD));
    out.push(table(style, ['metric', 'page loads', '75th percentile', 'rating'], loads));
  }
  if (r.vitals.metrics.some((m) => m.units)) {
    out.push(para(`Visitors by the worst rating each had on a metric, and the share who reached ${x(r.vitals.converted || 'a goal')}.`));
    out.push(table(style, ['metric', 'good', 'needs improvement', 'poor'], r.vitals.metrics.filter((m) => m.units).map((m) => [m.metric, ...(['good', 'needs-improvement', 'poor'] as const).map((k) => (m[k].units ? `${pct(m[k].rate)} of ${formatCount(m[k].units)}` : '—'))])));
  }

  out.push(h2('Quarantine'));
  if (r.outside_plan.total) out.push(para(outsidePlanWords(r.outside_plan, x)));
  if (!r.quarantine.total) out.push(nothingInQuarantine(r.outside_plan.total));
  else {
    out.push(para(`${formatCount(r.quarantine.total)} events broke the plan and were kept aside, not counted above. Fix the site or the plan, by reason:`));
    out.push(table(style, ['reason', 'event', 'count'], r.quarantine.reasons.map((q) => [q.reason, q.event ?? '—', formatCount(q.count)])));
  }
  return `${out.join('\n\n')}\n`;
}
