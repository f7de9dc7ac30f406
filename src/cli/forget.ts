/**
 * `measureplan forget --email … | --user-id … | --anonymous-id …`: erases one person from the
 * collect server's store, for a data-subject (erasure) request. See src/server/forget.ts.
 */
import { forget, type Leftover, type Person, type Progress } from '../server/forget';
import { choice, parse } from './args';
import { colours, UsageError, type IO } from './io';
import { openStoreFor } from './open-store';
import { storeTrouble } from '../server/store';
import { printable } from './safe-text';

export const forgetHelp = `Usage: measureplan forget --db <file> (--email <address> | --user-id <id> | --anonymous-id <id>)... [options]

Erases one person from the store that "measureplan collect" writes, for a request to delete
their data: every event of theirs (and its message), their quarantined messages, abandoned-cart
hand-offs and summaries. Besides the ids given, it covers every browser (anonymous id) that was
seen with their user id or e-mail address. An e-mail address is looked for wherever the store
holds it: in the e-mail field, as a user id, and anywhere in a message (a page URL with
?email=kari%40example.com): such a message is erased, and its browser too unless that browser
signed in as someone else. That search reads every stored message (progress on stderr).
Deleted content is overwritten; then the file is searched for their ids and address, and
rewritten (VACUUM) when one is found other than inside someone else's longer value (the
server's requests wait or are retried meanwhile).
What is still found after that is reported with where it is. Events the relay (--forward) had
already delivered must also be deleted where they went: the output says how many, per target.
Safe while the server runs.

Options:
  --db <file>            the store (required; a file that does not exist is not created:
                         exit 1)
  --email <address>      their e-mail address (any case); may be given more than once
  --user-id <id>         their user id, as identify() sent it; may be given more than once
                         (a user id that is an e-mail address is also looked for as one)
  --anonymous-id <id>    a browser's anonymous id (mp_aid); may be given more than once
  --dry-run              count what would be erased, erase nothing
  --format text|json     json prints the result for scripts
  -h, --help             this help

Exit codes: 0 done, nothing of theirs left in the store file (also when nothing matched: the
output says so), 1 the store cannot be opened (it does not exist, is a folder or is not a
measureplan store) or written, or the erasure is incomplete: the file still holds their ids or
address (the output says what and where), 2 usage error.

Examples:
  measureplan forget --db measureplan.db --email kari.nordmann@example.com --dry-run
  measureplan forget --db measureplan.db --email kari.nordmann@example.com --user-id 4711`;

/** Long passes (the messages, the file's rewrite) say how far they are on stderr, every 2 s. */
export function searchProgress(io: IO, command: string): (p: Progress) => void {
  let shown = Date.now();
  let said = false;
  return (p) => {
    const now = Date.now();
    if ('rewriting' in p) {
      io.err.write(`measureplan ${command}: the file check found their ids or address: rewriting the file (VACUUM; about 30 s for a 2 GB store)\n`);
      return;
    }
    const end = p.searched >= p.of;
    if (end ? !said : now - shown < 2000) return;
    io.err.write(`measureplan ${command}: searched ${p.searched.toLocaleString('en')} of ${p.of.toLocaleString('en')} messages${end ? '' : ' …'}\n`);
    shown = now;
    said = !end;
  };
}

/** The person a command is about, from --email, --user-id and --anonymous-id (each may repeat). */
export function personOf(values: Record<string, unknown>, command: string): { person: Required<Person>; all: string[] } {
  const ids = (k: string) => ((values[k] as string[] | undefined) ?? []).map((v) => v.trim());
  const person = { emails: ids('email'), userIds: ids('user-id'), anonymousIds: ids('anonymous-id') };
  const all = [...person.emails, ...person.userIds, ...person.anonymousIds];
  if (!all.length) throw new UsageError(`${command} needs the person: --email, --user-id or --anonymous-id.`, `Example: measureplan ${command} --db measureplan.db --email kari.nordmann@example.com`);
  if (all.some((v) => !v)) throw new UsageError('an empty --email, --user-id or --anonymous-id would match nothing.', 'Give each id its value.');
  const bad = person.emails.find((e) => !/^[^\s@]+@[^\s@]+$/.test(e));
  if (bad) throw new UsageError(`--email "${bad}" is not an e-mail address.`, 'Give the address as the person gave it, such as kari.nordmann@example.com.');
  return { person, all };
}

export function forgetCommand(argv: string[], io: IO): number {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' }, email: { type: 'string', multiple: true }, 'user-id': { type: 'string', multiple: true },
    'anonymous-id': { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, format: { type: 'string' },
  }, 'forget');
  if (positionals.length) throw new UsageError(`forget takes no file names (got "${positionals[0]}").`, 'Give the store with --db and the person with --email, --user-id or --anonymous-id.');
  const format = choice(values.format, ['text', 'json'] as const, 'format', 'text');
  const { person, all } = personOf(values, 'forget');
  const dbFile = values.db as string | undefined;
  if (!dbFile) throw new UsageError('forget needs the store: --db measureplan.db', 'The file measureplan collect writes.');
  const dryRun = values['dry-run'] === true;
  // A missing store is not created: an erasure on a mistyped path must not "succeed". It is
  // exit 1, as for report and offline (a store that cannot be opened), not a usage error.
  const store = openStoreFor('forget', dbFile, { mustExist: true }, io);
  if (!store) return 1;
  let r;
  try {
    r = forget(store.db, person, { dryRun, progress: searchProgress(io, 'forget') });
  } catch (e) {
    const trouble = storeTrouble(dbFile, e);
    io.err.write(`measureplan forget: the store ${dbFile} could not be changed: ${(e as Error).message}\nNothing was erased (the change is one transaction). ${trouble?.kind === 'damaged' ? trouble.hint : 'Try again; a running server waits up to 5 s for it.'}\n`);
    return 1;
  } finally {
    store.close();
  }
  const code = dryRun || r.complete ? 0 : 1;
  if (format === 'json') { io.out.write(`${JSON.stringify(r, null, 2)}\n`); return code; }

  const c = colours(io.out, values['no-color'] === true);
  const n = (k: number, one: string, many = `${one}s`) => `${k.toLocaleString('en')} ${k === 1 ? one : many}`;
  const out: string[] = [`measureplan forget: ${all.map(printable).join(', ')}${dryRun ? c.yellow(' (dry run: nothing erased)') : ''}`];
  const nothing = !r.events && !r.quarantined && !r.handoffs && !r.visitors;
  if (nothing) {
    out.push(`  nothing in ${dbFile} matches: no event, quarantined message or hand-off has these ids.`);
  } else {
    out.push(`  who      ${n(r.anonymousIds.length, 'browser')} (anonymous ids)${r.userIds.length ? `, ${r.userIds.length === 1 ? 'user id' : 'user ids'} ${r.userIds.map(printable).join(', ')}` : ''}`);
    out.push(`  ${dryRun ? 'would erase' : 'erased  '} ${n(r.events, 'event')}, ${n(r.quarantined, 'quarantined message')}, ${n(r.handoffs, 'abandonment hand-off')}, ${n(r.visitors, 'visitor summary', 'visitor summaries')}`);
    const m = r.eventsFoundInMessages;
    const b = r.browsersFoundInMessages;
    if (m) {
      out.push(`  named    ${n(m, 'event')} ${m === 1 ? 'names' : 'name'} the address only in the message (a URL, a property)${b.length ? `; ${n(b.length, 'browser')} (${b.map(printable).join(', ')}) ${b.length === 1 ? 'is' : 'are'} linked to them by that alone: never signed in as anyone` : ''}`);
    }
    const o = r.othersNamingAddress;
    if (o.events) {
      out.push(`  others   ${n(o.events, 'event')} of other people${o.browsers ? ` (${n(o.browsers, 'browser')} signed in as someone else)` : ''} ${o.events === 1 ? 'names' : 'name'} the address: ${o.events === 1 ? 'it' : 'they'} ${dryRun ? 'would be' : o.events === 1 ? 'is' : 'are'} erased too, their other events kept`);
    }
    for (const f of r.forwarded) out.push(c.yellow(`  relayed  ${n(f.events, 'event')} of these had already been delivered to ${f.target}: delete them there too (Segment and RudderStack take user-deletion requests).`));
  }
  if (!dryRun) {
    const where = (ls: Leftover[]) => ls.map((l) => `${l.table} (${n(l.rows, 'row')}: ${l.table === 'visitors' || l.table === 'sessions' || l.table === 'webhook_outbox' ? '' : 'seq '}${l.keys.map((k) => printable(String(k))).join(', ')}${l.rows > l.keys.length ? ', …' : ''})`).join(', ');
    const held = (ls: Leftover[]) => {
      const rows = ls.filter((l) => l.table !== 'file');
      return [rows.length ? `in rows that are theirs: ${where(rows)}` : '', ls.some((l) => l.table === 'file') ? 'outside the rows forget reads' : ''].filter(Boolean).join(', and ');
    };
    // The browser ids linked to them came from browsers: control characters are shown escaped.
    const texts = (ls: Leftover[]) => [...new Set(ls.map((l) => l.text))].map(printable);
    const theirs = r.left.filter((l) => l.theirs);
    const others = r.left.filter((l) => !l.theirs);
    if (!nothing && !r.checkpointed) {
      out.push(c.yellow('  deleted content is overwritten; a reader (a running report) held the write-ahead log, so old copies stay in it until the server\'s next checkpoint. Run forget again later to make sure.'));
    } else if (r.copiesLeft) {
      out.push(c.yellow(`  ${nothing ? '' : 'deleted content is overwritten, but '}older copies stay in the file's free space: rewriting the file failed (${r.copiesLeft}). Run forget again when the store is less busy.`));
    } else if (theirs.length) {
      for (const t of new Set(theirs.map((l) => l.text))) out.push(c.red(`  NOT ERASED: the store file still holds ${printable(t)}, ${held(theirs.filter((l) => l.text === t))}.`));
      out.push(c.red('  Run forget again: the server may have stored them since. What stays then is where forget does not erase by (such as another person\'s event naming their id): delete it yourself.'));
    } else if (others.length) {
      out.push(`  ${nothing ? 'no row has these ids' : 'their rows are erased and overwritten'}${r.vacuumed ? ' (the file was rewritten)' : ''}; the file still holds ${texts(others).join(', ')}, but only inside other, longer values that are not theirs (someone else's address or id that contains it): ${where(others)}.`);
    } else if (!nothing) {
      out.push(`  the store file no longer holds them: deleted content is overwritten${r.vacuumed ? ', the file was rewritten without the older copies SQLite had left in free space,' : ''} and the write-ahead log was emptied.`);
    }
  }
  io.out.write(`${out.join('\n')}\n`);
  return code;
}
