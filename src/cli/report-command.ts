/**
 * `measureplan report`: the plan's questions answered from the collect server's store, for a
 * terminal, as Markdown, as one self-contained HTML file, or as stable JSON.
 */
import { writeFileSync } from 'node:fs';
import { reportInParallel } from '../report/parallel';
import { renderHtml } from '../report/html';
import { renderText } from '../report/text';
import { choice, parse } from './args';
import { docPath } from './package';
import { fromWall, parseTime, parseZone, UTC, type Zone } from '../offline/time';
import { checkText, readPlanFile } from './check';
import { cannot, colours, UsageError, type IO } from './io';
import { openStoreFor } from './open-store';
import { storeTrouble } from '../server/store';
import { fileLine, formatFindings } from './report';

export const reportHelp = `Usage: measureplan report --plan <plan.json> [options]

Answers the plan's questions from the store that "measureplan collect" writes: conversions
(macro and micro), whether each micro conversion's "supports" claim holds, each funnel's
visitors and drop-off per step, abandoned carts and browses, experiments per variant (with
intervals, p-values, the visitors still needed and a plain verdict), each Core Web Vital's
75th percentile of page loads and the conversion rate by rating, and what is in quarantine.
Reads the store without blocking the server.

Options:
  --plan <plan.json>     the plan (required)
  --db <file>            the store (default measureplan.db)
  --from <date>          events from this day or time on (2026-12-01, or ISO-8601)
  --to <date>            events up to this day (the whole day) or before this time
  --timezone <zone>      the shop's time zone (Europe/Oslo, +01:00): the days of --from and
                         --to are its days, and text and HTML show its times (default UTC)
  --format text|md|html|json
                         text for a terminal (default), Markdown, one self-contained HTML
                         file with charts, or JSON (stable, ${docPath('report-json.md')})
  --out <file>           write to a file instead of standard output
  --mde <percent>        the smallest lift an experiment should detect (default 10)
  -h, --help             this help

Exit codes: 0 the report was written, 1 the plan has problems or the store cannot be
opened or read, 2 usage error (a plan or --out file that cannot be read or written, too).

Examples:
  measureplan report --plan plan.json --db measureplan.db
  measureplan report --plan plan.json --from 2026-11-01 --to 2026-11-30 --timezone Europe/Oslo --format html --out november.html`;

/** A day in `zone` (the day's start, or its end for --to) or an ISO-8601 time, in ms. */
function when(text: string | undefined, flag: string, endOfDay: boolean, zone: Zone): number | undefined {
  if (text === undefined) return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  // A zone whose clocks skip midnight (a few do, on their change day) starts that day an hour later.
  const midnight = (d: number) => fromWall(d, zone) ?? fromWall(d + 3_600_000, zone)!;
  let t = Number.NaN;
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    // Date.UTC rolls 2026-13-01 over into 2027 and 30 February into March: such a day does not exist.
    if (check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d) t = midnight(Date.UTC(y, m - 1, d + (endOfDay ? 1 : 0)));
  } else {
    // ISO-8601 only (Date.parse would read "1" as 2001); a time without an offset is in --timezone.
    const parsed = parseTime(text, zone);
    if ('time' in parsed) t = parsed.time;
  }
  if (!Number.isFinite(t)) throw new UsageError(`--${flag} "${text}" is not a date.`, 'Give a day (2026-12-01) or an ISO-8601 time (2026-12-01T12:00:00Z).');
  return t;
}

export async function report(argv: string[], io: IO): Promise<number> {
  const { values, positionals } = parse(argv, {
    plan: { type: 'string' }, db: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
    format: { type: 'string' }, out: { type: 'string' }, mde: { type: 'string' }, timezone: { type: 'string' },
  }, 'report');
  if (positionals.length) throw new UsageError(`report takes no file names (got "${positionals[0]}").`, 'Give the plan with --plan and the store with --db.');
  const format = choice(values.format, ['text', 'md', 'html', 'json'] as const, 'format', 'text');
  const planFile = values.plan as string | undefined;
  if (!planFile) throw new UsageError('report needs the plan: --plan plan.json', 'The plan says which events are conversions, funnels, experiments and carts.');
  const zoneText = values.timezone as string | undefined;
  const zone = zoneText === undefined ? UTC : parseZone(zoneText);
  if (!zone) throw new UsageError(`--timezone "${zoneText}" is not a time zone.`, 'Give an IANA zone such as Europe/Oslo, or an offset such as +01:00.');
  const from = when(values.from as string | undefined, 'from', false, zone);
  const to = when(values.to as string | undefined, 'to', true, zone);
  if (from !== undefined && to !== undefined && to <= from) throw new UsageError('--to must come after --from.');
  const mdeText = values.mde as string | undefined;
  const mde = mdeText === undefined ? 10 : Number(mdeText);
  if (!(mde > 0 && mde < 1000)) throw new UsageError(`--mde must be a percentage above 0, not "${mdeText}".`, 'Example: --mde 10 (to detect a +10 % lift).');

  const checked = checkText(planFile, readPlanFile(planFile));
  const c = colours(io.err, values['no-color'] === true);
  if (!checked.valid || !checked.plan) {
    io.err.write(formatFindings(checked, c) + fileLine(checked, c));
    io.err.write(`measureplan report: the plan has problems; fix them first (measureplan validate ${planFile}).\n`);
    return 1;
  }
  const dbFile = (values.db as string | undefined) ?? 'measureplan.db';
  const store = openStoreFor('report', dbFile, { readonly: true }, io);
  if (!store) return 1;
  let text: string;
  try {
    const r = await reportInParallel(dbFile, store.db, checked.plan, {
      range: { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
      minDetectableEffect: mde / 100,
      timezone: zone === UTC ? 'UTC' : zone.name,
      onFallback: (why) => io.err.write(`measureplan report: ${why}; reading it on one core instead.\n`),
    });
    text = format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : format === 'html' ? renderHtml(r) : renderText(r, format === 'md' ? 'md' : 'text');
  } catch (e) {
    throw storeTrouble(dbFile, e) ?? e; // a damaged page is met by a query, not at the open: exit 1
  } finally {
    store.close();
  }
  const out = values.out as string | undefined;
  if (out) {
    try { writeFileSync(out, text); } catch (e) { throw cannot('write', out, e, 'Give --out a file path in a folder you can write to.'); }
    io.err.write(`measureplan report: wrote ${out} (${format}).\n`);
  } else io.out.write(text);
  return 0;
}
