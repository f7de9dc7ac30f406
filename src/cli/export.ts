/**
 * `measureplan export --email … | --user-id … | --anonymous-id …`: what the collect server's
 * store holds about one person, as JSON, for an access request. The person is found as `forget`
 * finds them (src/server/forget.ts); nothing is changed.
 */
import { writeFileSync } from 'node:fs';
import { exportPerson } from '../server/forget';
import { parse } from './args';
import { personOf, searchProgress } from './forget';
import { UsageError, type IO } from './io';
import { openStoreFor } from './open-store';
import { storeTrouble } from '../server/store';

export const exportHelp = `Usage: measureplan export --db <file> (--email <address> | --user-id <id> | --anonymous-id <id>)... [options]

Writes what the store that "measureplan collect" writes holds about one person, as JSON, for a
request to see their data (GDPR article 15): every event of theirs with its message as
received, their quarantined messages, abandonment hand-offs and visitor summaries, and where
the relay (--forward) sent their events. The person is found as "measureplan forget" finds
them: the ids given, and every browser seen with their user id or e-mail address (searched
in every stored message: progress on stderr). Other people's events that name their address
are left out (they are other people's data) and counted. Nothing in the store is changed;
safe while the server runs.

Options:
  --db <file>            the store (required; a file that does not exist is not created: exit 1)
  --email <address>      their e-mail address (any case); may be given more than once
  --user-id <id>         their user id, as identify() sent it; may be given more than once
  --anonymous-id <id>    a browser's anonymous id (mp_aid); may be given more than once
  --out <file>           write the JSON to this new file (readable by you only; an existing
                         file is refused) and a summary on stderr (default: standard output)
  -h, --help             this help

Exit codes: 0 written (also when nothing matched: the lists are empty), 1 the store cannot be
opened or read (it does not exist, is a folder or is not a measureplan store), 2 usage error.

Examples:
  measureplan export --db measureplan.db --email kari.nordmann@example.com --out kari.json`;

export function exportCommand(argv: string[], io: IO): number {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' }, email: { type: 'string', multiple: true }, 'user-id': { type: 'string', multiple: true },
    'anonymous-id': { type: 'string', multiple: true }, out: { type: 'string' },
  }, 'export');
  if (positionals.length) throw new UsageError(`export takes no file names (got "${positionals[0]}").`, 'Give the store with --db, the person with --email, --user-id or --anonymous-id, and the file with --out.');
  const { person } = personOf(values, 'export');
  const dbFile = values.db as string | undefined;
  if (!dbFile) throw new UsageError('export needs the store: --db measureplan.db', 'The file measureplan collect writes.');
  const out = values.out as string | undefined;
  const store = openStoreFor('export', dbFile, { readonly: true }, io);
  if (!store) return 1;
  let r;
  try {
    r = exportPerson(store.db, person, { progress: searchProgress(io, 'export') });
  } catch (e) {
    const trouble = storeTrouble(dbFile, e);
    io.err.write(trouble ? `measureplan export: ${trouble.message}\n${trouble.hint}\n` : `measureplan export: the store ${dbFile} could not be read: ${(e as Error).message}\n`);
    return 1;
  } finally {
    store.close();
  }
  const json = `${JSON.stringify({ exported_at: new Date().toISOString(), ...r }, null, 2)}\n`;
  if (out === undefined) { io.out.write(json); return 0; }
  try {
    // A new file only: never the store itself, nor an earlier export whose permissions it would keep.
    writeFileSync(out, json, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`--out ${out} exists already: an export is only written to a new file.`, 'Give a new file name (the file holds personal data: it is made readable by you only).');
    throw new UsageError(`--out ${out} cannot be written (${code ?? (e as Error).message}).`, 'Give a file in a folder you may write.');
  }
  const n = (k: number, one: string, many = `${one}s`) => `${k.toLocaleString('en')} ${k === 1 ? one : many}`;
  const left = r.leftOutOnSharedBrowsers;
  const shared = r.sharedBrowsers.length
    ? `; ${n(r.sharedBrowsers.length, 'browser')} ${r.sharedBrowsers.length === 1 ? 'was' : 'were'} shared with someone who signed in too: ${n(left.otherPeople + left.unattributed, 'event')} there left out (${left.otherPeople} under another user id, ${left.unattributed} while nobody was signed in)`
    : '';
  io.err.write(`measureplan export: wrote ${out}: ${n(r.events.length, 'event')}, ${n(r.quarantined.length, 'quarantined message')}, ${n(r.handoffs.length, 'hand-off')}, ${n(r.visitors.length, 'visitor summary', 'visitor summaries')} (${n(r.anonymousIds.length, 'browser')})${r.othersNamingAddress ? `; ${n(r.othersNamingAddress, 'event')} of other people ${r.othersNamingAddress === 1 ? 'names' : 'name'} the address and ${r.othersNamingAddress === 1 ? 'is' : 'are'} left out` : ''}${shared}\n`);
  return 0;
}
