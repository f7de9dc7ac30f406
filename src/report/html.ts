/**
 * The report as one self-contained HTML file: inline CSS and SVG charts (funnel bars, variant
 * intervals, conversion by page-experience rating), no script, no font, no request to any host,
 * so it can be mailed to a manager or opened from a disk.
 */
import type { Report } from './build';
import { formatCount } from './stats';
import { CHANNEL_NAMES } from './channels';
import { CHANNELS_LEAD, campaignsLeftOutWords, rateWithInterval, sourceMedium, withoutSessionWords } from './format';
import { browseOpenWords, comparisonNumbers, DATED, duration, endsSentence, leftOutWords, localTime, mixedWords, money, moneyIn, nothingInQuarantine, outsidePlanWords, PAGE_LOADS_LEAD, pageLoadRows, pct } from './format';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/**
 * Free text from the plan or a browser (the plan's name, descriptions, product names), isolated:
 * an Arabic or Hebrew description cannot pull the English words and numbers around it into its
 * own order, and its own punctuation stays on its side.
 */
const bdi = (s: unknown) => `<bdi>${esc(s)}</bdi>`;
/** A description as the first sentence of a lead, with its own full stop or one added. */
const sentence = (s: string) => `${bdi(s)}${endsSentence(s) ? '' : '.'} `;

/**
 * A table with its caption (for screen readers: the heading above already says it on screen).
 * The header row is in `<thead>`, which makes its cells the columns' headers; with `rowHeader`
 * the first cell of each row is the row's header (`<th scope="row">`). A table still too wide for
 * a phone scrolls in its own box (focusable and named, for the keyboard), not the whole page.
 */
function tableHtml(caption: string, head: string[], rows: string[][], { numeric = true, rowHeader = true } = {}): string {
  // A narrow column would wrap a share between its number and "%" ("100 / %"): kept on one line (the text stays "100 %").
  const cell = (c: string, i: number) => (i === 0 && rowHeader ? `<th scope="row">${c}</th>` : i && numeric ? `<td class="n">${c.replace(/[\d.,]+ %/g, '<span class="nw">$&</span>')}</td>` : `<td>${c}</td>`);
  return `<div class="table" role="region" tabindex="0" aria-label="${esc(caption)}"><table><caption class="sr">${esc(caption)}</caption><thead><tr>${head.map((h, i) => `<th${i && numeric ? ' class="n"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table></div>`;
}

/**
 * Horizontal bars, one per step, widths relative to the first step. Each step's name has a line
 * of its own above its bar (a name may have 40 characters and must not run into the bar or the
 * numbers), and the bar leaves room on its right for the count. The rows are spaced for the
 * larger text the CSS gives charts on narrow screens. The table under it has the same numbers.
 */
function funnelChart(f: Report['funnels'][number]): string {
  const w = 640; const bar = 26; const row = 84; const room = 190;
  const top = Math.max(1, f.steps[0]?.visitors ?? 1);
  const h = f.steps.length * row;
  const bars = f.steps.map((s, i) => {
    const y = i * row;
    const bw = Math.max(2, ((w - room) * s.visitors) / top);
    const drop = i ? `<text x="0" y="${y + 20}" class="drop">▼ ${formatCount(s.dropOff)} left (${pct(s.dropOffRate)})</text>` : '';
    return `${drop}<text x="0" y="${y + 44}" class="lbl">${esc(`${s.step}. ${s.event}`)}</text><rect x="0" y="${y + 52}" width="${bw.toFixed(1)}" height="${bar}" rx="3" class="bar"/><text x="${(bw + 8).toFixed(1)}" y="${y + 52 + bar / 2 + 5}" class="val">${formatCount(s.visitors)} · ${pct(s.fromFirst)}</text>`;
  }).join('');
  // The median time from the previous step, as the text report gives it: a step that takes days is a finding too.
  const numbers = tableHtml(`Funnel ${f.name}, step by step`, ['step', 'visitors', 'of the first step', 'left before this step', 'median time from the previous step'],
    f.steps.map((s, i) => [esc(`${s.step}. ${s.event}`), formatCount(s.visitors), pct(s.fromFirst), i ? `${formatCount(s.dropOff)} (${pct(s.dropOffRate)})` : '—', duration(s.medianMsFromPrevious)]));
  return `<figure><svg class="fit" viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="${esc(`Funnel ${f.name}: visitors per step, as in the table below`)}">${bars}</svg>${numbers}</figure>`;
}

/** Each variant's rate with its 95 % interval on one shared axis; the name on a line of its own above (as in the funnel). */
function intervalChart(e: Report['experiments'][number]): string {
  const vs = e.variants.filter((v) => v.rate !== null);
  if (!vs.length) return '';
  const w = 640; const row = 60; const left = 8; const axis = w - left - 110;
  // A round axis of four steps that holds every interval, never past 100 %.
  const top = Math.max(0.01, ...vs.map((v) => v.high ?? 0));
  const step = [0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25].find((st) => st * 4 >= top) ?? 0.25;
  const max = step * 4;
  const x = (r: number) => left + (axis * r) / max;
  const rows = vs.map((v, i) => {
    const y = i * row + 46;
    return `<text x="0" y="${y - 18}" class="lbl">${esc(v.name)}</text><line x1="${x(v.low!).toFixed(1)}" x2="${x(v.high!).toFixed(1)}" y1="${y}" y2="${y}" class="ci"/><circle cx="${x(v.rate!).toFixed(1)}" cy="${y}" r="5" class="dot"/><text x="${(x(v.high!) + 8).toFixed(1)}" y="${y + 6}" class="val">${pct(v.rate)}</text>`;
  }).join('');
  const h = vs.length * row + 40;
  const ticks = [0, 1, 2, 3, 4].map((k) => `<text x="${x(step * k).toFixed(1)}" y="${h - 4}" class="tick"${k ? ' text-anchor="middle"' : ' text-anchor="start"'}>${pct(step * k)}</text>`).join('');
  return `<svg class="fit" viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="${esc(`Experiment ${e.name}: conversion rate per variant with 95 % intervals, as in the table below`)}">${rows}${ticks}</svg>`;
}

/** Per metric, three bars: the conversion rate of visitors rated good, needs improvement, poor. */
function vitalsChart(metrics: Report['vitals']['metrics']): string {
  const ms = metrics.filter((m) => m.units);
  if (!ms.length) return '';
  const ratings = ['good', 'needs-improvement', 'poor'] as const;
  const words = { good: ['good'], 'needs-improvement': ['needs ', 'improvement'], poor: ['poor'] }; // on one or two lines
  const group = 150; const bw = 38; const base = 140; const h = 186;
  const max = Math.max(0.01, ...ms.flatMap((m) => ratings.map((k) => m[k].rate ?? 0)));
  const cols = ms.map((m, i) => {
    const x0 = i * group + 10;
    const bars = ratings.map((k, j) => {
      const r = m[k].rate;
      if (r === null) return '';
      const bh = Math.max(1, ((base - 20) * r) / max);
      const cx = x0 + j * (bw + 6) + bw / 2;
      // The rating in words under its bar: the colour is not the only thing that tells them apart.
      const rating = `<text x="${cx}" y="${base + 12}" class="val c small rating">${words[k].map((w, l) => `<tspan x="${cx}" dy="${l ? 11 : 0}">${w}</tspan>`).join('')}</text>`;
      return `<rect x="${x0 + j * (bw + 6)}" y="${(base - bh).toFixed(1)}" width="${bw}" height="${bh.toFixed(1)}" class="r-${k}"><title>${esc(`${m.metric} ${k}: ${pct(r)} of ${m[k].units} visitors`)}</title></rect><text x="${cx}" y="${(base - 4 - bh).toFixed(1)}" class="val c small">${pct(r)}</text>${rating}`;
    }).join('');
    return `${bars}<text x="${x0 + (3 * bw + 12) / 2}" y="${h - 4}" class="lbl c">${m.metric}</text>`;
  }).join('');
  const share = (m: (typeof ms)[number], k: (typeof ratings)[number]) => (m[k].rate === null ? '—' : `${pct(m[k].rate)} of ${formatCount(m[k].units)}`);
  const numbers = tableHtml('Share of visitors who converted, by the worst rating they had on each metric', ['metric', 'good', 'needs improvement', 'poor'], ms.map((m) => [esc(m.metric), ...ratings.map((k) => share(m, k))]));
  return `<figure><svg viewBox="0 0 ${ms.length * group + 20} ${h}" width="100%" role="img" aria-label="Conversion rate by Core Web Vitals rating">${cols}</svg>
<p class="legend">${ratings.map((k) => `<span class="key"><span class="sw r-${k}" aria-hidden="true"></span>${k.replace('-', ' ')}</span>`).join(' ')}</p>${numbers}</figure>`;
}

// Long names (40 characters, no spaces) break rather than push a phone's page sideways: prose at
// any point when it must, and on a phone the names in a table's first column too (kept 6em wide,
// where the numbers beside it would squeeze it to a few letters). Chart text gets
// larger in the SVG's own units on a narrow screen, where the chart is drawn at half size or less
// (the .fit charts leave room for it). Print keeps headings with what follows and the colours.
const CSS = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;max-width:880px;margin:2rem auto;padding:0 1rem;overflow-wrap:break-word}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #dde3e8;padding-bottom:.2rem}
.lead{color:#4a5560}table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}th,td{padding:.3rem .5rem;border-bottom:1px solid #eef1f4;text-align:left;vertical-align:top}
th{color:#4a5560;font-weight:600}tbody th{color:inherit;font-weight:normal}figure{margin:0}.n{text-align:right;font-variant-numeric:tabular-nums}.verdict{padding:.6rem .8rem;border-left:4px solid #8a99a8;background:#f5f7f9;margin:.6rem 0}
.holds,.variant-better{border-color:#1f8a4c}.contradicted,.variant-worse{border-color:#c0392b}.early-difference,.not-enough-data,.sample-ratio-mismatch{border-color:#d4a017}
svg text{font:12px system-ui,sans-serif;fill:#1d2329}.lbl{font-weight:600}.val{fill:#4a5560}.drop{fill:#c0392b;font-size:11px}.tick{fill:#5f6b77}.small{font-size:10px}.c{text-anchor:middle}
.bar{fill:#2e6da4}.ci{stroke:#2e6da4;stroke-width:3}.dot{fill:#1d2329}.r-good{fill:#1f8a4c;background:#1f8a4c}.r-needs-improvement{fill:#d4a017;background:#d4a017}.r-poor{fill:#c0392b;background:#c0392b}
.legend{font-size:.85rem;color:#4a5560}.key,.nw{white-space:nowrap}.key{margin-right:.8em}.sw{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 0;vertical-align:-.05em}.muted{color:#5f6b77}footer{margin-top:3rem;font-size:.8rem;color:#5f6b77}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.table{overflow-x:auto;margin:.6rem 0}.table>table{margin:0}
@media (max-width:30em){svg.fit text{font-size:22px}svg.fit .drop{font-size:20px}th,td{padding:.3rem .25rem}tr>:first-child{min-width:6em;overflow-wrap:anywhere}}
@media print{body{max-width:none;margin:0;padding:0;font-size:10.5pt}h2,h3{break-after:avoid;page-break-after:avoid}h2+.lead,h3+.lead{break-after:avoid}figure,tr,.verdict{break-inside:avoid}thead{display:table-header-group;break-after:avoid}tbody>tr:first-child{break-before:avoid}.table{overflow:visible}.sw,.verdict,svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}}`;

export function renderHtml(r: Report): string {
  const day = (iso: string | null) => localTime(iso, r.range.timezone);
  const cur = r.plan.currency;
  const parts: string[] = [];
  parts.push(`<h1 dir="auto">${esc(r.plan.name)}</h1><p class="lead">What the measurement plan shows: ${r.range.from || r.range.to ? `from ${esc(day(r.range.from))} to ${esc(day(r.range.to))}` : 'all stored events'} (first ${esc(day(r.range.first_event))}, last ${esc(day(r.range.last_event))}; times in ${esc(r.range.timezone)}). <strong>${formatCount(r.totals.visitors)} visitors</strong>, ${formatCount(r.totals.events)} events. Visitors who did not allow analytics are not counted.${r.range.from || r.range.to ? ` ${esc(DATED)}` : ''}</p>`);

  parts.push('<h2>Conversions</h2>');
  for (const kind of ['macro', 'micro'] as const) {
    const list = r.conversions.filter((c) => c.kind === kind);
    if (!list.length) continue;
    parts.push(`<h3>${kind === 'macro' ? 'Goals (macro conversions)' : 'Steps on the way (micro conversions)'}</h3>`);
    parts.push(tableHtml(kind === 'macro' ? 'Goals' : 'Micro conversions', ['conversion', 'events', 'visitors', 'of visitors', 'value'], list.map((c) => [`<strong>${esc(c.name)}</strong>${c.description ? `<br><bdi class="muted">${esc(c.description)}</bdi>` : ''}`, formatCount(c.events), formatCount(c.visitors), pct(c.rate.rate), esc(moneyIn(c.value, cur, c.other_currencies))]), { rowHeader: false }));
  }

  const ch = r.channels;
  parts.push('<h2>Where the orders came from</h2>');
  if (!ch.sessions && !ch.orders) parts.push('<p>No session in this period.</p>');
  else {
    parts.push(`<p class="lead">${esc(CHANNELS_LEAD)}</p>`);
    parts.push(tableHtml('Sessions, visitors, orders and revenue per channel', ['channel', 'sessions', 'visitors', 'orders', 'revenue', 'visitors who ordered (95 % interval)'], ch.channels.map((c) => [esc(c.name), formatCount(c.sessions), formatCount(c.visitors), formatCount(c.orders), esc(moneyIn(c.revenue, cur, c.other_currencies)), esc(rateWithInterval(c.rate))])));
    if (ch.orders_without_session) parts.push(`<p>${esc(withoutSessionWords(ch.orders_without_session))}</p>`);
    if (ch.campaigns.length) {
      parts.push('<h3>Campaigns</h3><p class="lead">By utm_campaign, the most orders first.</p>');
      parts.push(tableHtml('Campaigns by orders', ['campaign', 'source / medium', 'channel', 'sessions', 'orders', 'revenue'], ch.campaigns.map((c) => [bdi(c.campaign), bdi(sourceMedium(c)), esc(CHANNEL_NAMES[c.channel]), formatCount(c.sessions), formatCount(c.orders), esc(moneyIn(c.revenue, cur, c.other_currencies))])));
    }
    if (ch.campaigns_left_out) parts.push(`<p>${esc(campaignsLeftOutWords(ch.campaigns_left_out, ch.campaigns.length))}</p>`);
  }

  if (r.supports.length) {
    parts.push('<h2>Do the micro conversions lead to the goals?</h2>');
    parts.push(tableHtml('Goal rate of visitors with and without each micro conversion', ['claim', 'with', 'without', 'ratio'], r.supports.map((s) => [`${esc(s.micro)} → ${esc(s.macro)}`, `${pct(s.with.rate)} of ${formatCount(s.with.of)}`, `${pct(s.without.rate)} of ${formatCount(s.without.of)}`, s.ratio === null ? '—' : `${s.ratio.toFixed(1)}×`])));
    parts.push(r.supports.map((s) => `<p class="verdict ${s.verdict}"><strong>${esc(s.micro)} → ${esc(s.macro)}</strong>: ${esc(s.text)}</p>`).join(''));
  }

  for (const f of r.funnels) {
    parts.push(`<h2>Funnel ${esc(f.name)}</h2>`);
    parts.push(`<p class="lead">${f.description ? sentence(f.description) : ''}${formatCount(f.entered)} visitors entered, ${formatCount(f.completed)} completed (${pct(f.conversion)})${f.withinMs ? `, within ${duration(f.withinMs)} of the first step` : ''}.</p>`);
    parts.push(funnelChart(f));
  }

  const { cart, browse } = r.abandonment;
  if (cart || browse) {
    parts.push(`<h2>Abandoned carts and browses</h2><p class="lead">As of ${esc(day(r.abandonment.now))}.</p>`);
    if (cart) {
      parts.push(`<p><strong>${formatCount(cart.abandoned)} carts abandoned</strong>, worth ${esc(moneyIn(cart.abandoned_value, cur, cart.abandoned_other_currencies))} (left ${duration(cart.after_ms)} or more without an order); ${formatCount(cart.completed)} of ${formatCount(cart.carts)} carts were ordered, ${formatCount(cart.recovered)} of them after being left; ${formatCount(cart.open)} still open, ${formatCount(cart.emptied)} emptied.</p>`);
      if (cart.list.length) parts.push(tableHtml('Abandoned carts', ['left at', 'who', 'items', 'value'], cart.list.slice(0, 50).map((c) => [esc(day(c.last_activity)), esc(c.email ?? c.user_id ?? `visitor ${c.visitor.slice(0, 8)}`), c.items.map((i) => `${i.quantity}× ${bdi(i.item_name ?? i.item_id)}`).join(', '), esc(money(c.value, c.currency ?? cur))]), { numeric: false, rowHeader: false }));
    }
    if (browse) parts.push(`<p><strong>${formatCount(browse.abandoned)} browses abandoned</strong> (${browse.min} or more products viewed, nothing added, left ${duration(browse.after_ms)}); ${formatCount(browse.cancelled)} ended in the cart or an order; ${esc(browseOpenWords(browse))}.</p>`);
  }

  for (const e of r.experiments) {
    parts.push(`<h2>Experiment ${esc(e.name)}</h2><p class="lead">${e.description ? sentence(e.description) : ''}Goal: ${esc(e.goal ?? '—')}.</p>`);
    // The chart and the table with its numbers, as one figure.
    parts.push(`<figure>${intervalChart(e)}${tableHtml(`Experiment ${e.name}: variants`, ['variant', 'visitors', 'reached the goal', 'rate', '95 % interval'], e.variants.map((v) => [esc(v.name), formatCount(v.visitors), formatCount(v.conversions), pct(v.rate), v.low === null ? '—' : `${pct(v.low)} – ${pct(v.high)}`]))}</figure>`);
    if (e.mixed_visitors) parts.push(`<p>${mixedWords(e.mixed_visitors)}</p>`);
    parts.push(e.comparisons.map((c) => `<p class="verdict ${c.verdict}"><strong>${esc(c.variant)} vs ${esc(c.control)}</strong>: ${esc(c.text)} ${esc(comparisonNumbers(c, e.comparisons.length))}</p>`).join(''));
  }
  if (r.experiments_left_out) parts.push(`<p>${leftOutWords(r.experiments_left_out)}</p>`);

  const loads = pageLoadRows(r.vitals.page_loads, formatCount);
  if (loads.length || r.vitals.metrics.some((m) => m.units)) parts.push('<h2>Page experience and conversion</h2>');
  if (loads.length) {
    parts.push(`<p class="lead">${esc(PAGE_LOADS_LEAD)}</p>`);
    parts.push(tableHtml('Page loads: 75th percentile and rating per metric', ['metric', 'page loads', '75th percentile', 'rating'], loads.map(([m, n, v, rating]) => [esc(m!), n!, esc(v!), `<span class="sw r-${rating!.replace(' ', '-')}" aria-hidden="true"></span>${esc(rating!)}`])));
  }
  if (r.vitals.metrics.some((m) => m.units)) {
    parts.push(`<p class="lead">Visitors by the worst Core Web Vitals rating they had on each metric, and the share who reached ${esc(r.vitals.converted || 'a goal')}.</p>`);
    parts.push(vitalsChart(r.vitals.metrics));
  }

  parts.push('<h2>Quarantine</h2>');
  if (r.outside_plan.total) parts.push(`<p>${outsidePlanWords(r.outside_plan, esc)}</p>`);
  parts.push(r.quarantine.total
    ? `<p>${formatCount(r.quarantine.total)} events broke the plan: kept aside, not counted above.</p>${tableHtml('Events in quarantine by reason', ['reason', 'event', 'count'], r.quarantine.reasons.map((q) => [esc(q.reason), esc(q.event ?? '—'), formatCount(q.count)]), { numeric: false, rowHeader: false })}`
    : `<p>${nothingInQuarantine(r.outside_plan.total)}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.plan.name)}: measurement plan report</title><style>${CSS}</style></head>
<body><main>${parts.join('\n')}</main>
<footer>measureplan report, format ${r.version}, made ${esc(day(r.generated_at))} (${esc(r.range.timezone)}).</footer></body></html>
`;
}
