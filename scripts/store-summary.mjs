// What a measureplan store holds, per conversion, as `npm start` prints it after the crowd.
import Database from 'better-sqlite3';

/**
 * @param {string} file  the store (read-only; the server may still be writing)
 * @param {{ conversions?: Record<string, { kind: string }>, currency?: string }} plan
 * @returns {string}
 */
export function storeSummary(file, plan) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT event, context_measureplan_kind AS kind, count(*) AS events, count(DISTINCT anonymous_id) AS visitors, sum(value) AS value
      FROM events WHERE type = 'track' GROUP BY event, kind`).all();
    const byEvent = new Map(rows.map((r) => [r.event, r]));
    const names = Object.keys(plan.conversions ?? {}).sort((a, b) => (plan.conversions[a].kind === plan.conversions[b].kind ? 0 : plan.conversions[a].kind === 'macro' ? -1 : 1));
    const money = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en'));
    const lines = [`  ${'conversion'.padEnd(20)} ${'kind'.padEnd(6)} ${'events'.padStart(7)} ${'visitors'.padStart(9)} ${`value (${plan.currency ?? '?'})`.padStart(13)}`];
    for (const name of names) {
      const r = byEvent.get(name);
      lines.push(`  ${name.padEnd(20)} ${plan.conversions[name].kind.padEnd(6)} ${String(r?.events ?? 0).padStart(7)} ${String(r?.visitors ?? 0).padStart(9)} ${money(r?.value).padStart(13)}`);
    }
    const vitals = db.prepare(`SELECT metric_name AS name, count(*) AS n, sum(metric_rating = 'good') AS good FROM events WHERE event = 'web_vital' GROUP BY metric_name ORDER BY metric_name`).all();
    const variants = db.prepare(`SELECT variant_id AS variant, count(DISTINCT anonymous_id) AS n FROM events WHERE event = 'experiment_viewed' GROUP BY variant_id ORDER BY variant_id`).all();
    const totals = db.prepare(`SELECT (SELECT count(*) FROM events) AS events, (SELECT count(DISTINCT anonymous_id) FROM events) AS visitors, (SELECT count(*) FROM quarantine) AS quarantined`).get();
    if (variants.length) lines.push(`  experiment exposures  ${variants.map((v) => `${v.variant} ${v.n}`).join(', ')} visitors`);
    if (vitals.length) lines.push(`  web vitals            ${vitals.map((v) => `${v.name} ${v.n} (${Math.round((100 * v.good) / v.n)} % good)`).join(', ')}`);
    lines.push(`  in all                ${totals.events} events from ${totals.visitors} visitors; ${totals.quarantined} in quarantine`);
    return lines.join('\n');
  } finally {
    db.close();
  }
}
