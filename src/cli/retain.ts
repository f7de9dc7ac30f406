/**
 * `measureplan retain --db … --days N`: keeps the last N days in the collect server's store and
 * deletes everything older (a retention policy). See src/server/retain.ts.
 */
import { daysOf, MAX_DAYS, retain, shortRetention } from '../server/retain';
import { choice, parse } from './args';
import { colours, UsageError, type IO } from './io';
import { openStoreFor } from './open-store';
import { storeTrouble } from '../server/store';

export const retainHelp = `Usage: measureplan retain --db <file> --days <n> [options]

Keeps the last <n> days in the store that "measureplan collect" writes and deletes everything
older, for a retention policy (how long the shop keeps what it measured, as its privacy notice
says): events that happened before then (their time as stored, corrected for the browser's
clock) with their messages, quarantined messages received and abandonment hand-offs made before
then. The per-visitor and page-experience summaries are recounted from what stays, so a report
afterwards is what it would be had the store never held the older events. Deleted content is
overwritten; the file does not shrink (new events reuse the space). Run it daily (cron, a
systemd timer). Safe while the server runs: it deletes in short transactions (progress on stderr).

Options:
  --db <file>            the store (required; a file that does not exist is not created: exit 1)
  --days <n>             how many days to keep, counted back from now (a whole number, 1 or more;
                         GA4 offers 60 days or 14 months, about 425 days)
  --dry-run              count what would be deleted, delete nothing
  --format text|json     json prints the result for scripts
  -h, --help             this help

Exit codes: 0 done (also when nothing was old enough), 1 the store cannot be opened (it does not
exist, is a folder or is not a measureplan store) or written, 2 usage error.

Examples:
  measureplan retain --db measureplan.db --days 425 --dry-run
  measureplan retain --db measureplan.db --days 425`;

export function retainCommand(argv: string[], io: IO): number {
  const { values, positionals } = parse(argv, { db: { type: 'string' }, days: { type: 'string' }, 'dry-run': { type: 'boolean' }, format: { type: 'string' } }, 'retain');
  if (positionals.length) throw new UsageError(`retain takes no file names (got "${positionals[0]}").`, 'Give the store with --db and how long to keep with --days.');
  const format = choice(values.format, ['text', 'json'] as const, 'format', 'text');
  const dbFile = values.db as string | undefined;
  if (!dbFile) throw new UsageError('retain needs the store: --db measureplan.db', 'The file measureplan collect writes.');
  const raw = values.days as string | undefined;
  if (raw === undefined) throw new UsageError('retain needs how many days to keep: --days 425', 'Everything that happened before those days is deleted; --dry-run counts it first.');
  const days = daysOf(raw);
  if (days === undefined) throw new UsageError(`--days "${raw}" is not a whole number of days from 1 to ${MAX_DAYS}.`, 'Such as --days 425 (14 months) or --days 60.');
  const dryRun = values['dry-run'] === true;
  const short = shortRetention(days);
  if (short) io.err.write(`${colours(io.err, values['no-color'] === true).yellow(`measureplan retain: ${short}`)}\n`);
  const store = openStoreFor('retain', dbFile, { mustExist: true }, io);
  if (!store) return 1;
  let r;
  const started = Date.now();
  let shown = started;
  try {
    r = retain(store.db, {
      days, dryRun,
      progress: ({ done, of }) => {
        const now = Date.now();
        if (now - shown < 2000 || done >= of) return;
        shown = now;
        io.err.write(`measureplan retain: went through ${done.toLocaleString('en')} of ${of.toLocaleString('en')} events …\n`);
      },
    });
  } catch (e) {
    const trouble = storeTrouble(dbFile, e);
    io.err.write(`measureplan retain: the store ${dbFile} could not be changed: ${(e as Error).message}\nWhat was deleted before this stays deleted, and the summaries of what was not are unchanged. ${trouble?.kind === 'damaged' ? trouble.hint : 'Run retain again.'}\n`);
    return 1;
  } finally {
    store.close();
  }
  if (format === 'json') { io.out.write(`${JSON.stringify(r, null, 2)}\n`); return 0; }

  const c = colours(io.out, values['no-color'] === true);
  const n = (k: number, one: string, many = `${one}s`) => `${k.toLocaleString('en')} ${k === 1 ? one : many}`;
  const day = r.cutoff.slice(0, 16).replace('T', ' ');
  const out = [`measureplan retain: ${dbFile}, keeping ${n(days, 'day')}: everything before ${day} UTC${dryRun ? c.yellow(' (dry run: nothing deleted)') : ''}`];
  const nothing = !r.events && !r.quarantined && !r.handoffs;
  if (nothing) out.push('  nothing is older: no event, quarantined message or hand-off before then.');
  else {
    out.push(`  ${dryRun ? 'would delete' : 'deleted'} ${n(r.events, 'event')}, ${n(r.quarantined, 'quarantined message')}, ${n(r.handoffs, 'abandonment hand-off')}`);
    const v = r.visitors;
    out.push(`  visitors ${n(v.removed, 'summary', 'summaries')} ${dryRun ? 'would go' : 'removed'} (every event of theirs was older), ${n(v.recounted, 'summary', 'summaries')} ${dryRun ? 'would be recounted' : 'recounted'} from the events that stay`);
  }
  out.push(`  kept     ${n(r.kept.events, 'event')}${r.kept.oldest ? `, the oldest from ${r.kept.oldest.slice(0, 16).replace('T', ' ')} UTC` : ''}`);
  if (!dryRun && !nothing && !r.checkpointed) out.push(c.yellow('  deleted content is overwritten; a reader (a running report) held the write-ahead log, so old copies stay in it until the server\'s next checkpoint.'));
  io.out.write(`${out.join('\n')}\n`);
  return 0;
}
