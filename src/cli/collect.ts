/**
 * `measureplan collect`: the first-party endpoint for the collector adapter, with the embedded
 * store (SQLite through better-sqlite3), plan validation into quarantine, and an optional relay
 * to a Segment- or RudderStack-compatible endpoint. Runs until SIGTERM or SIGINT, then drains.
 */
import type { Plan } from '../plan/types';
import { startCollectServer } from '../server/http';
import { batchUrl, startRelay, type Relay } from '../server/relay';
import { daysOf, MAX_DAYS, shortRetention } from '../server/retain';
import { startRetention, type Retention } from '../server/retention';
import { startWebhook, type Webhook } from '../server/webhook';
import { shownUrl } from '../server/delivery';
import { StoreError } from '../server/sqlite';
import { openStore, storeTrouble, type Store, type Written } from '../server/store';
import { choice, parse } from './args';
import { checkText, readPlanFile } from './check';
import { colours, UsageError, type IO } from './io';
import { fileLine, formatFindings } from './report';
import { printable } from './safe-text';
import { count } from './words';

export const collectHelp = `Usage: measureplan collect [options]

The first-party endpoint for the collector adapter: a Node HTTP server that speaks the
Segment/RudderStack HTTP API (POST /v1/batch, /v1/track, /v1/page, /v1/identify; JSON,
sendBeacon's text/plain and gzip bodies) and stores each event exactly once (by messageId)
in an embedded SQLite store. A request is answered 2xx only after its events are committed.
Events that break the plan are kept in the quarantine table with the reason.

Options:
  --port <n>            port to listen on (default 8787; 0 picks a free one)
  --host <address>      address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --db <file>           the store (default measureplan.db; created with its folder)
  --plan <plan.json>    check every event against this plan (without it, every
                        well-formed event is stored)
  --allow-origin <url>  a site allowed to post from the browser (repeat it, or give a
                        comma-separated list; * allows any). Requests without an Origin
                        header (servers, curl) are always accepted.
  --forward <url>       also relay every stored event to a Segment- or RudderStack-
                        compatible endpoint (https://api.segment.io, your data plane URL)
  --write-key <key>     the write key for --forward (or MEASUREPLAN_WRITE_KEY)
  --webhook <url>       post each cart or browse that became abandoned under the plan's
                        rules (an identified e-mail known) to your e-mail tool, once
  --webhook-every <s>   how often the store is checked for them (default 60 seconds)
  --webhook-quiet-days <n>
                        no second reminder to the same person within n days (default 7)
  --retain-days <n>     keep the last n days in the store: older events (and their
                        summaries) are deleted 5 s after start and then once a day, in a
                        worker thread, as "measureplan retain" does
  --sync full|normal    full (default): each commit is fsynced, an acknowledged event
                        survives a power cut; normal: it survives the server being killed
  --quiet               no progress lines (a store that stops taking commits is
                        still said on stderr)
  -h, --help            this help

Stop it with Ctrl+C or SIGTERM: it stops accepting, answers the requests in flight,
commits, and exits 0.

Examples:
  measureplan collect --plan plan.json --allow-origin https://shop.example
  measureplan collect --db /var/lib/measureplan/events.db --port 8080 --host 0.0.0.0
  measureplan collect --plan plan.json --forward https://api.segment.io --write-key $KEY`;

const time = () => new Date().toTimeString().slice(0, 8);

/** How long collect waits at start for a write lock held by another process (a forget's VACUUM, a retain). */
const BUSY_WAIT_MS = 10 * 60_000;

/** The stop signal, caught from the first moment: `signalled()` says whether one came, `onStop` acts on it (at once if it came). */
interface Stops { signalled(): string | undefined; onStop(stop: (signal: string) => void): void }

export async function collect(argv: string[], io: IO, signals: NodeJS.EventEmitter = process): Promise<number> {
  // Listening before anything else: until a listener exists, SIGTERM kills the process without a
  // drain (Node's default), and opening and counting a large store takes a while. A signal that
  // comes before the server is up is kept, and acted on once it is.
  let signalled: string | undefined;
  let act = (signal: string) => { signalled ??= signal; };
  const onTerm = () => act('SIGTERM');
  const onInt = () => act('SIGINT');
  signals.on('SIGTERM', onTerm);
  signals.on('SIGINT', onInt);
  try {
    return await serve(argv, io, {
      signalled: () => signalled,
      onStop(stop) { act = (signal) => { signalled ??= signal; stop(signal); }; if (signalled) stop(signalled); },
    });
  } finally {
    signals.off('SIGTERM', onTerm);
    signals.off('SIGINT', onInt);
  }
}

async function serve(argv: string[], io: IO, stops: Stops): Promise<number> {
  const { values, positionals } = parse(argv, {
    port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, plan: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true }, forward: { type: 'string' }, 'write-key': { type: 'string' },
    sync: { type: 'string' }, quiet: { type: 'boolean' },
    webhook: { type: 'string' }, 'webhook-every': { type: 'string' }, 'webhook-quiet-days': { type: 'string' },
    'retain-days': { type: 'string' },
  }, 'collect');
  if (positionals.length) throw new UsageError(`collect takes no file names (got "${positionals[0]}").`, 'Give the store with --db and the plan with --plan.');
  const c = colours(io.out, values['no-color'] === true);
  // stderr's own colours: its warnings go to a terminal or a file whatever stdout is (2>log.txt).
  const e = colours(io.err, values['no-color'] === true);
  const port = portOf(values.port as string | undefined);
  const sync = choice(values.sync, ['full', 'normal'] as const, 'sync', 'full');
  const origins = ((values['allow-origin'] as unknown as string[] | undefined) ?? []).flatMap((o) => o.split(',')).map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean).map(originOf);
  const forward = values.forward as string | undefined;
  const writeKey = (values['write-key'] as string | undefined) ?? process.env.MEASUREPLAN_WRITE_KEY;
  if (forward !== undefined) {
    if (!/^https?:\/\/\S+$/.test(forward)) throw new UsageError(`--forward "${forward}" is not an http(s) URL.`, 'Example: --forward https://api.segment.io');
    if (!writeKey) throw new UsageError('--forward needs a write key.', 'Give --write-key <key> or set MEASUREPLAN_WRITE_KEY.');
    if (/^https?:\/\/[^/?#]*@/.test(forward)) throw new UsageError('--forward has a user or password in it, which the relay cannot send (and the log would show).', 'Give the URL without them and the key as --write-key <key> or MEASUREPLAN_WRITE_KEY.');
  } else if (values['write-key'] !== undefined) throw new UsageError('--write-key is only used with --forward.');

  const webhookUrl = values.webhook as string | undefined;
  const webhookEvery = number(values['webhook-every'] as string | undefined, 'webhook-every', 60, 0.05);
  const quietDays = number(values['webhook-quiet-days'] as string | undefined, 'webhook-quiet-days', 7, 0);
  if (webhookUrl !== undefined) {
    if (!/^https?:\/\/\S+$/.test(webhookUrl)) throw new UsageError(`--webhook "${webhookUrl}" is not an http(s) URL.`, 'Example: --webhook https://mail.example/hooks/abandoned-cart');
    if (values.plan === undefined) throw new UsageError('--webhook needs --plan: the plan says when a cart or browse counts as abandoned.');
  } else if (values['webhook-every'] !== undefined || values['webhook-quiet-days'] !== undefined) throw new UsageError('--webhook-every and --webhook-quiet-days are only used with --webhook.');

  const retainText = values['retain-days'] as string | undefined;
  const retainDays = retainText === undefined ? undefined : daysOf(retainText);
  if (retainText !== undefined && retainDays === undefined) throw new UsageError(`--retain-days "${retainText}" is not a whole number of days from 1 to ${MAX_DAYS}.`, 'Such as --retain-days 425 (14 months).');

  let plan: Plan | undefined;
  const planFile = values.plan as string | undefined;
  if (planFile !== undefined) {
    const report = checkText(planFile, readPlanFile(planFile));
    if (!report.valid) {
      io.err.write(formatFindings(report, e) + fileLine(report, e));
      io.err.write(`measureplan collect: the plan has problems; fix them first (measureplan validate ${planFile}).\n`);
      return 1;
    }
    plan = report.plan;
  }

  const dbFile = (values.db as string | undefined) ?? 'measureplan.db';
  const quiet = values.quiet === true;
  const say = (line: string) => { if (!quiet) io.out.write(`${c.dim(time())}  ${line}\n`); };
  const refuse = (x: StoreError) => { io.err.write(`measureplan collect: ${x.message}\n${x.hint ?? ''}\n`); return 1; };
  let opening: Store | undefined;
  // A write lock held by another process (a forget's VACUUM, a retain from cron, a second collect)
  // is waited out, as the relay does: a restart that meets one must not leave the collector down.
  const waitFrom = Date.now();
  let told = -1;
  while (!opening) {
    try {
      opening = openStore(dbFile, { sync, syncOffThread: true, onMigrate: (from, to) => io.out.write(`measureplan collect: bringing ${dbFile} from schema version ${from} up to ${to} (a large store takes a while: about 10 s for 1,000,000 events here)…\n`) });
    } catch (x) {
      if (!(x instanceof StoreError)) throw x;
      const waited = Date.now() - waitFrom;
      if (x.kind !== 'busy' || waited >= BUSY_WAIT_MS) return refuse(x);
      if (told < 0 || waited - told >= 30_000) {
        io.err.write(`${e.yellow(`measureplan collect: ${x.message}`)}\n${told < 0 ? `Waiting for it (up to ${BUSY_WAIT_MS / 60_000} minutes)…` : `Still waiting (${Math.round(waited / 1000)} s)…`}\n`);
        told = waited;
      }
      await new Promise((ok) => setTimeout(ok, 1000));
    }
    if (stops.signalled()) { opening?.close(); say(`${stops.signalled()}: stopped before the server started.`); return 0; }
  }

  const store: Store = opening;

  // The first reads of the data: a damaged file shows here, before the port opens, not as a crash.
  let counts: { events: number; quarantined: number };
  let quarantineSeq: number;
  const maxQuarantine = store.db.prepare('SELECT coalesce(max(seq), 0) FROM quarantine').pluck();
  try {
    counts = store.counts();
    quarantineSeq = maxQuarantine.get() as number;
  } catch (x) {
    store.close();
    const trouble = storeTrouble(dbFile, x);
    if (trouble) return refuse(trouble);
    throw x;
  }
  const totals = { stored: 0, duplicates: 0, quarantined: 0 };
  let shown = { ...totals };
  let relay: Relay | undefined;
  let rejectedLines = 0;

  let server;
  try {
    server = await startCollectServer({
      store, plan, port, host: (values.host as string | undefined) ?? '127.0.0.1', allowOrigins: origins,
      onCommit(written: Written[]) {
        for (const w of written) { totals.stored += w.stored; totals.duplicates += w.duplicates; totals.quarantined += w.quarantined; }
        if (written.some((w) => w.stored)) relay?.wake();
      },
      onReject(status, reason) {
        // The reason can quote the request (its path, Origin, Content-Encoding): printed, never obeyed.
        if (rejectedLines++ < 20) say(c.yellow(`refused a request: ${status} ${printable(reason)}`));
      },
      onStoreFailure(x) {
        // On stderr even with --quiet (as a failed retention pass is): every post is refused meanwhile.
        if (x === undefined) { io.err.write(`measureplan collect: the store ${dbFile} commits again.\n`); return; }
        const trouble = storeTrouble(dbFile, x);
        const what = trouble?.message ?? `the store ${dbFile} cannot commit: ${(x as Error)?.message ?? String(x)}`;
        const hint = trouble?.kind === 'busy' ? 'The server goes on by itself once the lock is let go.' : trouble?.hint ?? '';
        io.err.write(`${e.yellow(`measureplan collect: ${printable(what)}`)}\nPosts are answered 503 (browsers keep their events and retry) until it can commit. ${hint}\n`);
      },
    });
  } catch (e) {
    store.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      io.err.write(`measureplan collect: port ${port} is ${code === 'EADDRINUSE' ? 'taken' : 'not allowed'}.\nPick another with --port (0 picks a free one).\n`);
      return 1;
    }
    // A --host that does not resolve, or an address that is not this machine's, is not a crash.
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
      io.err.write(`measureplan collect: cannot listen on --host "${(values.host as string | undefined) ?? '127.0.0.1'}": ${code === 'EADDRNOTAVAIL' ? 'it is not an address of this machine' : 'no such host'}.\nUse 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).\n`);
      return 1;
    }
    throw e;
  }

  if (forward && writeKey) {
    // Its own table may be what is damaged: the events are still taken and stored, only not relayed (final read 2026-12-07).
    try {
      relay = startRelay({ store, url: forward, writeKey, log: (line) => say(line), fatal: (line) => io.err.write(`measureplan collect: ${line}\n`) });
    } catch (x) {
      const trouble = storeTrouble(dbFile, x);
      if (!trouble) throw x;
      io.err.write(`measureplan collect: the relay to ${shownUrl(batchUrl(forward))} cannot start: ${printable(trouble.message)}\n${trouble.hint ?? ''}\nEvents are still stored; they are relayed once the store is restored.\n`);
    }
  }
  let webhook: Webhook | undefined;
  if (webhookUrl && plan) {
    if (!plan.abandonment.cart && !plan.abandonment.browse) io.err.write(`${e.yellow('measureplan collect: the plan has no "abandonment" section, so --webhook will never have anything to post.')}\n`);
    webhook = startWebhook({ store, plan, url: webhookUrl, linkOrigins: origins, everyMs: webhookEvery * 1000, quietMs: quietDays * 86_400_000, log: (line) => say(line) });
  }
  let retention: Retention | undefined;
  if (retainDays !== undefined && store.file !== ':memory:') {
    const short = shortRetention(retainDays);
    if (short) io.err.write(`${e.yellow(`measureplan collect: --retain-days: ${short}`)}\n`);
    retention = startRetention({
      file: store.file, days: retainDays,
      onResult(r) {
        if (!r.ok) { io.err.write(`${e.yellow(`measureplan collect: the retention pass failed (${printable(r.message)}); the next one runs in a day, or run measureplan retain.`)}\n`); return; }
        const x = r.result;
        const day = x.cutoff.slice(0, 10);
        if (!x.events && !x.quarantined && !x.handoffs) { say(`retention: nothing older than ${day} (keeping ${count(retainDays, 'day')})`); return; }
        say(`retention: deleted ${count(x.events, 'event')} older than ${day}, ${x.quarantined} quarantined, ${count(x.handoffs, 'hand-off')}; ${count(x.visitors.removed, 'visitor summary', 'visitor summaries')} removed, ${x.visitors.recounted} recounted`);
      },
    });
  }
  io.out.write(`measureplan collect: listening on ${server.url}\n`);
  if (!quiet) {
    const migrated = store.migrated ? `; brought from schema ${store.migrated.from} to ${store.migrated.to} in ${(store.migrated.ms / 1000).toFixed(1)} s` : '';
    io.out.write(`  store      ${store.file} (${count(counts.events, 'event')}, ${counts.quarantined} in quarantine; sync ${sync}${migrated})\n`);
    io.out.write(`  plan       ${plan ? `${planFile}: "${printable(plan.name)}", ${count(Object.keys(plan.conversions).length, 'conversion')}` : c.yellow('none: every well-formed event is stored (give --plan to check events)')}\n`);
    io.out.write(`  browsers   ${origins.length ? origins.join(', ') : 'same origin only (add --allow-origin https://your.shop)'}\n`);
    if (relay) {
      // Its count reads pages the start's own check did not (a damaged store: second read 2026-12-07).
      let waiting: string;
      try { waiting = `${relay.stats().waiting} waiting`; } catch (x) { waiting = printable(storeTrouble(dbFile, x)?.message ?? (x as Error).message); }
      io.out.write(`  relay      ${shownUrl(batchUrl(forward!))} (${waiting})\n`);
    }
    if (retention) io.out.write(`  retention  ${count(retainDays!, 'day')}: older events are deleted 5 s after start, then daily\n`);
    if (webhook) io.out.write(`  webhook    ${shownUrl(webhookUrl!)}: abandoned carts and browses, checked every ${webhookEvery} s, at most one per person in ${quietDays} days\n`);
    io.out.write(`  endpoints  POST ${server.url}/v1/batch (also /v1/track, /v1/page, /v1/identify) · GET ${server.url}/health\n`);
  }

  // A progress line every 10 s when something changed, and the quarantine's newest reasons.
  const lastQuarantine = store.db.prepare('SELECT event, reason FROM quarantine WHERE seq > ? ORDER BY seq LIMIT 5');
  const progress = setInterval(() => {
    rejectedLines = 0;
    if (totals.stored === shown.stored && totals.duplicates === shown.duplicates && totals.quarantined === shown.quarantined) return;
    // A store that cannot be read now (damaged) is said by the commits that fail: no line, no crash.
    try { line(); } catch { /* said on stderr by onStoreFailure */ }
  }, 10_000);
  progress.unref();
  function line() {
    const d = { stored: totals.stored - shown.stored, duplicates: totals.duplicates - shown.duplicates, quarantined: totals.quarantined - shown.quarantined };
    shown = { ...totals };
    const r = relay?.stats();
    say(`+${d.stored} stored, ${d.duplicates} repeats ignored, ${d.quarantined} quarantined · ${store.counts().events} in the store${r ? ` · relay ${r.delivered} delivered, ${r.waiting} waiting${r.failing ? c.yellow(` (failing: ${printable(r.lastError ?? '')})`) : ''}` : ''}`);
    if (d.quarantined) {
      // A browser names the event, and the reason quotes it: control characters are written out, so a
      // name cannot clear the terminal, retitle it or forge a progress line.
      for (const q of lastQuarantine.all(quarantineSeq) as { event: string | null; reason: string }[]) say(c.yellow(`quarantined ${q.event === null ? 'a message' : printable(q.event)}: ${printable(q.reason)}`));
      quarantineSeq = maxQuarantine.get() as number;
    }
  }

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: finishing the requests in flight…`);
      clearInterval(progress);
      try {
        await server.close();
        await relay?.stop();
        await webhook?.stop();
        await retention?.stop();
        let n;
        try { store.check?.(); n = store.counts(); } catch (x) { io.err.write(`measureplan collect: ${printable(storeTrouble(dbFile, x)?.message ?? (x as Error).message)}\n`); }
        say(n ? `stopped; the store holds ${count(n.events, 'event')} (${n.quarantined} in quarantine).` : 'stopped.');
      } finally {
        try { store.close(); } catch { /* a damaged store: said above */ }
        done(0);
      }
    };
    stops.onStop((signal) => { void stop(signal); });
  });
}

/**
 * An --allow-origin as a browser writes it in the `Origin` header (lower case, no default port,
 * an IDN host in punycode), so that `https://Shop.example:443/` matches `https://shop.example`.
 */
function originOf(o: string): string {
  if (o === '*') return o;
  let u: URL | undefined;
  try { if (/^https?:\/\/[^/\s?#]+$/i.test(o)) u = new URL(o); } catch { /* said below */ }
  if (!u || u.username || u.password) throw new UsageError(`--allow-origin "${o}" is not an origin.`, 'An origin is a scheme and a host, with the port when it is not the default: https://shop.example or http://127.0.0.1:4173');
  return u.origin;
}

function number(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${flag} must be a number of at least ${min}, not "${text}".`);
  return n;
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 8787;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}".`);
  return n;
}
