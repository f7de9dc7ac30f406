/**
 * `measureplan offline --orders orders.csv --to google-ads|meta|microsoft|linkedin`: phone and offline
 * orders matched back to the ad clicks the store saw, written as the platform's offline
 * conversion upload. Every order ends up in a file or in the skipped list with its reason;
 * e-mail addresses and phone numbers leave only as SHA-256 hashes. Exit 0 when a file was
 * written, 1 when no order could be used or the store cannot be read, 2 for a usage mistake
 * (an orders file that cannot be read is one, as a plan file is for the other commands).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { makeFolders } from '../server/folders';
import { dirname, resolve } from 'node:path';
import { emptyIndex, onlineOrders, readClicks, type ClickIndex, type OnlineOrder } from '../offline/clicks';
import { decodeOrders } from '../offline/encoding';
import { exportOffline, type ExportResult, type OutputFile, type Part } from '../offline/export';
import { FBC, PLATFORM_KINDS, PLATFORM_NAMES, PLATFORMS, type Platform } from '../offline/match';
import { conversionUrn } from '../offline/linkedin';
import { ACTION_SOURCES, type ActionSource } from '../offline/meta';
import { microsoftZone } from '../offline/microsoft';
import { isCurrency, OrdersError, readOrders, type Orders, type Skipped } from '../offline/orders';
import { companionsOnDisk, overwritesOrders, withSuffix } from '../offline/out-files';
import { grouped, progressLines } from '../offline/progress';
import { parseZone, systemZone, type Zone } from '../offline/time';
import { StoreError } from '../server/sqlite';
import { openStore, storeTrouble, type Store } from '../server/store';
import { choice, parse } from './args';
import { cannot, colours, UsageError, type Colours, type IO } from './io';
import { printable } from './safe-text';
import { closest, count, quote } from './words';

export const offlineHelp = `Usage: measureplan offline --orders orders.csv --to google-ads|meta|microsoft|linkedin [options]

Turns the shop's CSV of phone and offline orders into the ad platform's offline-conversion
upload. Each order is matched to an ad click: the click id on the order (click_id, gclid,
gbraid, wbraid, fbclid, fbc, msclkid or li_fat_id column), else the click ids the store saw for the
order's visitor_id, else for the visitors identified with the order's e-mail. The newest
click before the order and within the lookback window is used. Google Ads orders without a
click but with an e-mail or phone go to a second file, for enhanced conversions for leads;
Meta events carry the hashed e-mail/phone next to the click, LinkedIn events the hashed e-mail
next to the li_fat_id. E-mail and phone leave only as SHA-256 hashes. Orders that cannot be
used are listed with the row and the reason.

The orders CSV (header row; comma, semicolon or tab separated):
  time          2026-03-01 14:05 (read in --timezone) or ISO-8601 with an offset;
                or the date in a date column and the time of day in a time column
  value         1234.50, 1 234,50 or 1.234,50 (1.234 only where the file or the
                currency shows whether . groups thousands)
  currency      NOK (optional with --currency)
  email, phone  optional; a phone number needs its country code (or --phone-country)
  visitor_id    optional: the visitor id the site showed the caller (its first 8
                characters are enough; spaces and dashes do not count)
  click_id      optional: the gclid/fbclid/msclkid the order form captured (a value
                with @, spaces, + or =, or only digits, is no click id and is not sent)
  order_id      optional: keeps an order from being counted twice (with the store, also
                one the site tracked online with ads consent: skipped as tracked-online)
  ad_user_data, ad_personalization
                optional: the customer's consent as you recorded it (granted/denied,
                yes/no); Google Ads gets it in its Ad User Data / Ad Personalization
                columns (without it: the store's latest ads consent of the person, else
                empty); a denied order is not sent to Meta or Microsoft

Options:
  --orders <file>            the orders CSV (or give it as the only argument)
  --to <platform>            google-ads, meta, microsoft or linkedin
  --db <file>                the store written by measureplan collect (default measureplan.db)
  --out <file>               the upload file (default offline-<platform>.csv, .json for Meta
                             and LinkedIn); Google Ads adds <name>-leads.csv and <name>-ios.csv
                             next to it, Meta <name>-2.json … per 1,000 events, LinkedIn per
                             5,000; never the orders file
  --conversion-name <name>   the conversion action (Google Ads) or goal (Microsoft) exactly
                             as named there; LinkedIn's conversion rule id (104012) or URN;
                             required for those three; Meta's event name (default Purchase)
  --currency <code>          for orders without a currency of their own (ISO 4217: NOK)
  --timezone <zone>          the zone of times without an offset, and of the file: an IANA
                             zone such as Europe/Oslo, or an offset such as +01:00
                             (default: this computer's zone)
  --lookback-days <n>        how old a click may be at the time of the order, 1 to 90
                             (default 90)
  --phone-country <code>     the calling code for phone numbers written without one (47);
                             a number that already starts with it and is too long to be
                             national (4741234567: Excel dropped the +) is not given it twice
  --action-source <source>   Meta's action_source: phone_call (default), physical_store,
                             other, email, chat or system_generated
  --format text|json         text for people (default), json for scripts
  --no-color                 plain text even in a terminal (so does NO_COLOR=1)
  -h, --help                 this help

Exit codes: 0 a file was written (skipped orders are listed), 1 no order could be used
or the store cannot be read, 2 usage error (an orders file that cannot be read, or an --out
file that cannot be written or is the orders file, is one).

Examples:
  measureplan offline --orders orders.csv --to google-ads --conversion-name "Phone order" --timezone Europe/Oslo --currency NOK
  measureplan offline --orders orders.csv --to meta --out meta-events.json
  measureplan offline orders.csv --to microsoft --conversion-name "Phone order" --format json
  measureplan offline --orders orders.csv --to linkedin --conversion-name 104012`;

const LINKEDIN_RULE_HINT = 'Give the id of the conversion rule set up for the Conversions API (Campaign Manager → Analyze → Conversion tracking), such as --conversion-name 104012, or its URN urn:lla:llaPartnerConversion:104012.';

const ALIASES: Record<string, Platform> = {
  google: 'google-ads', googleads: 'google-ads', 'google-ads': 'google-ads', google_ads: 'google-ads',
  meta: 'meta', facebook: 'meta',
  microsoft: 'microsoft', 'microsoft-ads': 'microsoft', microsoftads: 'microsoft', 'microsoft-advertising': 'microsoft', bing: 'microsoft',
  linkedin: 'linkedin', 'linkedin-ads': 'linkedin',
};

/** What a written file holds, in words: `2 click conversions (gclid)`. */
function what(platform: Platform, part: Part, rows: number): string {
  switch (part) {
    case 'clicks': return platform === 'microsoft' ? `${count(rows, 'offline conversion')} (msclkid)` : `${count(rows, 'click conversion')} (gclid)`;
    case 'ios': return `${count(rows, 'iOS click conversion')} (gbraid/wbraid): a separate upload`;
    case 'leads': return `${count(rows, 'conversion')} by hashed e-mail/phone (enhanced conversions for leads): a separate upload`;
    case 'events': return `${count(rows, 'event')} for ${platform === 'linkedin' ? 'LinkedIn' : 'Meta'}'s Conversions API`;
  }
}

function platformOf(value: unknown): Platform {
  if (value === undefined) throw new UsageError('offline needs --to: the platform to write the upload for.', 'Give --to google-ads, --to meta, --to microsoft or --to linkedin.');
  const v = String(value).toLowerCase();
  const p = ALIASES[v];
  if (!p) {
    const near = closest(v, [...PLATFORMS]);
    throw new UsageError(`--to must be google-ads, meta, microsoft or linkedin, not "${value}".`, near ? `Did you mean --to ${near}?` : undefined);
  }
  return p;
}

function readOrdersFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw cannot('read', file, e, 'Give the orders CSV exported from the phone-order system with --orders.');
  }
}

export { withSuffix };

/** `4 skipped: 2 no-match, 1 bad-time, 1 before-click` (most first): a systematic problem shows in one line. */
function byReason(skipped: readonly Skipped[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

interface Summary { orders: number; byClickId: number; byEmailOrPhone: number; skipped: number; byReason: Record<string, number> }

/** The --format json object: the same keys on every run, a failed one included (with `error`). */
interface JsonReport {
  platform: Platform;
  orders: string;
  store: string | null;
  conversionName: string;
  timeZone: string;
  fileTimeZone: string;
  lookbackDays: number;
  files: { file: string; part: Part; rows: number }[];
  matched: Record<string, unknown>[];
  skipped: { row: number; orderId: string | null; reason: string; message: string }[];
  summary: Summary;
  columns: Orders['columns'];
  ignoredColumns: string[];
  staleFiles: string[];
  warnings: string[];
  error: { message: string; hint: string | null } | null;
}

export async function offline(argv: string[], io: IO, now: () => number = Date.now, clock: () => number = () => performance.now()): Promise<number> {
  const { values, positionals } = parse(argv, {
    orders: { type: 'string' }, to: { type: 'string' }, db: { type: 'string' }, out: { type: 'string' },
    'conversion-name': { type: 'string' }, currency: { type: 'string' }, timezone: { type: 'string' },
    'lookback-days': { type: 'string' }, 'phone-country': { type: 'string' }, 'action-source': { type: 'string' },
    format: { type: 'string' },
  }, 'offline');
  const format = choice(values.format, ['text', 'json'] as const, 'format', 'text');
  const platform = platformOf(values.to);

  if (positionals.length > 1 || (positionals.length && values.orders !== undefined)) {
    throw new UsageError('offline reads one orders file.', 'Give it with --orders orders.csv.');
  }
  const ordersFile = (values.orders as string | undefined) ?? positionals[0];
  if (!ordersFile) throw new UsageError('offline needs the orders CSV.', 'Example: measureplan offline --orders orders.csv --to google-ads --conversion-name "Phone order"');

  const named = values['conversion-name'] as string | undefined;
  if (named !== undefined && named.trim() === '') throw new UsageError('--conversion-name is empty.');
  if (named === undefined && platform !== 'meta') {
    throw new UsageError(`--to ${platform} needs --conversion-name.`, platform === 'google-ads'
      ? 'Give the name of the conversion action that imports from clicks, exactly as Google Ads shows it: --conversion-name "Phone order".'
      : platform === 'linkedin' ? LINKEDIN_RULE_HINT
      : 'Give the name of the offline conversion goal, exactly as Microsoft Advertising shows it: --conversion-name "Phone order".');
  }
  let conversionName = named?.trim() ?? 'Purchase';
  if (platform === 'linkedin') {
    const urn = conversionUrn(conversionName);
    if (!urn) throw new UsageError(`--conversion-name "${conversionName}" is not a LinkedIn conversion rule.`, LINKEDIN_RULE_HINT);
    conversionName = urn;
  }

  const currency = (values.currency as string | undefined)?.trim().toUpperCase();
  if (currency !== undefined && !isCurrency(currency)) throw new UsageError(`--currency "${values.currency}" is not a currency code.`, 'Give the ISO 4217 code: --currency NOK, EUR, SEK, USD …');

  let zone: Zone;
  const zoneText = values.timezone as string | undefined;
  if (zoneText !== undefined) {
    const z = parseZone(zoneText);
    if (!z) throw new UsageError(`--timezone "${zoneText}" is neither a time zone nor an offset.`, 'Give an IANA zone such as Europe/Oslo (daylight saving time included), or an offset such as +01:00.');
    zone = z;
  } else zone = systemZone();

  const lookbackText = values['lookback-days'] as string | undefined;
  const lookbackDays = lookbackText === undefined ? 90 : Number(lookbackText);
  if (lookbackText !== undefined && (!/^\d+$/.test(lookbackText) || lookbackDays < 1 || lookbackDays > 90)) {
    throw new UsageError(`--lookback-days must be a whole number from 1 to 90, not "${lookbackText}".`, 'Use the click-through window of the conversion action (at most 90 days).');
  }

  const phoneText = values['phone-country'] as string | undefined;
  if (phoneText !== undefined && !/^\+?[1-9]\d{0,2}$/.test(phoneText.trim())) {
    throw new UsageError(`--phone-country must be a calling code such as 47 or +46, not "${phoneText}".`);
  }
  const phoneCountry = phoneText?.trim().replace(/^\+/, '');

  let actionSource: ActionSource | undefined;
  if (values['action-source'] !== undefined) {
    if (platform !== 'meta') throw new UsageError('--action-source is only used with --to meta.');
    actionSource = choice(values['action-source'], ACTION_SOURCES, 'action-source', 'phone_call');
  }

  const jsonFile = platform === 'meta' || platform === 'linkedin';
  const out = (values.out as string | undefined) ?? `offline-${platform}.${jsonFile ? 'json' : 'csv'}`;
  // Writing the upload over the export it is made from would lose the customers' orders for good.
  const clash = overwritesOrders(out, ordersFile, platform);
  if (clash) {
    throw new UsageError(
      clash === out ? `--out ${out} is the orders file: writing the upload there would overwrite the orders.` : `--out ${out} would also write ${clash}, which is the orders file: it would be overwritten.`,
      `Give --out another name, such as offline-${platform}.${jsonFile ? 'json' : 'csv'}; the upload files are written next to it.`,
    );
  }
  const bytes = readOrdersFile(ordersFile);
  const at = now();
  const err = (line: string) => io.err.write(`measureplan offline: ${line}\n`);
  const progress = progressLines(err, clock);
  let fileZone = platform === 'microsoft' ? microsoftZone(zone) : zone;
  const warnings: string[] = [];

  const json = (r: Partial<JsonReport>): string => `${JSON.stringify({
    platform, orders: ordersFile, store: null, conversionName, timeZone: zone.name, fileTimeZone: fileZone.param, lookbackDays,
    files: [], matched: [], skipped: [], summary: { orders: 0, byClickId: 0, byEmailOrPhone: 0, skipped: 0, byReason: {} },
    columns: {}, ignoredColumns: [], staleFiles: [], warnings, error: null, ...r,
  } satisfies JsonReport, null, 2)}\n`;
  /** A run that cannot go on (exit 1): the reason on stderr, and for scripts the JSON object with `error`. */
  const fail = (message: string, hint: string | undefined, r: Partial<JsonReport> = {}): number => {
    err(message);
    if (hint) io.err.write(`${hint}\n`);
    if (format === 'json') io.out.write(json({ ...r, error: { message, hint: hint ?? null } }));
    return 1;
  };

  let orders: Orders;
  try {
    const { text } = decodeOrders(bytes);
    orders = readOrders(text, {
      zone, ...(currency && { currency }), ...(phoneCountry && { phoneCountry }), now: at,
      progress: (done, of) => progress(`read ${grouped(done)} of ${grouped(of)} rows of ${ordersFile}`),
    });
  } catch (e) {
    if (e instanceof OrdersError) return fail(`${ordersFile}: ${e.message}`, e.hint);
    throw e;
  }
  warnings.push(...orders.warnings);
  const fromFile = { columns: orders.columns, ignoredColumns: orders.ignored };
  if (!orders.rows) return fail(`${ordersFile} has a header but no orders.`, undefined, fromFile);

  // The store: only read when an order has something to look up in it.
  const wanted = {
    visitors: new Set(orders.orders.flatMap((o) => (o.visitorId ? [o.visitorId] : []))),
    emails: new Set(orders.orders.flatMap((o) => (o.email ? [o.email] : []))),
    clickIds: new Set(orders.orders.flatMap((o) => o.clickIds.map((c) => FBC.exec(c.id)?.[1] ?? c.id))),
  };
  const orderIds = new Set(orders.orders.flatMap((o) => (o.orderId ? [o.orderId] : [])));
  const needsStore = wanted.visitors.size + wanted.emails.size + wanted.clickIds.size + orderIds.size > 0;
  /** Orders the site tracked online too (found in the store by their order number). */
  let online = new Map<string, OnlineOrder>();
  const dbGiven = values.db as string | undefined;
  const dbFile = dbGiven ?? 'measureplan.db';
  let index: ClickIndex = emptyIndex();
  let storePath: string | null = null;
  if (needsStore && (dbGiven !== undefined || existsSync(dbFile))) {
    let store: Store;
    try {
      store = openStore(dbFile, { readonly: true });
    } catch (e) {
      if (e instanceof StoreError) return fail(e.message, e.hint, fromFile);
      throw e;
    }
    try {
      progress(`looking up the orders' visitors, e-mails and click ids in ${dbFile}`, true);
      index = readClicks(store.db, wanted, PLATFORM_KINDS[platform]);
      online = onlineOrders(store.db, orderIds);
      storePath = store.file;
    } catch (e) {
      const trouble = storeTrouble(dbFile, e);
      if (trouble) return fail(trouble.message, trouble.hint, fromFile);
      return fail(`the store ${dbFile} cannot be read: ${(e as Error).message}`, 'Is it a measureplan store (made by measureplan collect)?', fromFile);
    } finally {
      store.close();
    }
  } else if (wanted.visitors.size + wanted.emails.size) {
    const line = `no store (${dbFile} is not here): only click ids written on the orders are matched. Give --db to match visitors and e-mails.`;
    err(line);
    warnings.push(line);
  } else if (needsStore) {
    const line = `no store (${dbFile} is not here): the click ids on the orders are used without checking when the click happened. Give --db to check.`;
    err(line);
    warnings.push(line);
  }

  // An order the browser sent to the ad platforms already (tracked online with ads consent) would
  // count twice: skipped, and said. One tracked without ads consent goes in the upload (for Meta,
  // under the browser's event id, so the two merge if the browser's reached it after all).
  const trackedOnline: Skipped[] = [];
  const toUpload = orders.orders.filter((o) => {
    const seen = o.orderId ? online.get(o.orderId) : undefined;
    if (!seen?.ads) return true;
    trackedOnline.push({ row: o.row, orderId: o.orderId, reason: 'tracked-online', message: `order ${o.orderId} was tracked online with ads consent (${seen.event}, ${seen.timestamp.slice(0, 16).replace('T', ' ')} UTC): the browser sent it to the ad platforms the plan names, and an upload would count it twice` });
    return false;
  });
  const result = exportOffline(toUpload, index, {
    platform, conversionName, zone, lookbackDays, now: at, ...(actionSource && { actionSource }), store: storePath !== null,
    online: new Map([...online].map(([order, o]) => [order, o.id])),
    progress: (done, of) => progress(`matched ${grouped(done)} of ${grouped(of)} orders`),
  });
  const skipped = [...orders.skipped, ...trackedOnline, ...result.skipped].sort((a, b) => a.row - b.row);
  // Google Ads' files in UTC, for an order in the hour that repeats: the summary and JSON say so.
  if (result.fileZone) fileZone = result.fileZone;

  const written: { file: string; f: OutputFile }[] = [];
  if (result.files.length) {
    let file = out;
    try {
      makeFolders(dirname(resolve(out)));
      for (const f of result.files) {
        file = withSuffix(out, f.suffix);
        writeFileSync(file, f.content);
        written.push({ file, f });
      }
    } catch (e) {
      // As for codegen, docs and report: an --out that cannot be written is a usage error (exit 2).
      throw cannot('write', file, e, 'Give --out a file path in a folder you can write to.');
    }
  }
  const stale = companionsOnDisk(out, platform).filter((f) => !written.some((w) => w.file === f));

  const summary: Summary = {
    orders: orders.rows,
    byClickId: result.matched.filter((m) => m.by === 'click').length,
    byEmailOrPhone: result.matched.filter((m) => m.by === 'contact').length,
    skipped: skipped.length,
    byReason: byReason(skipped),
  };
  const fileOf = (suffix: string) => written.find((w) => w.f.suffix === suffix)?.file ?? null;

  if (format === 'json') {
    io.out.write(json({
      store: storePath,
      files: written.map((w) => ({ file: w.file, part: w.f.part, rows: w.f.rows })),
      matched: result.matched.map((m) => ({
        row: m.row, orderId: m.orderId ?? null, by: m.by, clickKind: m.clickKind ?? null, source: m.source ?? null,
        hashed: m.hashed, file: fileOf(m.suffix), note: m.note ?? null, contactNote: m.contactNote ?? null,
      })),
      skipped: skipped.map((s) => ({ row: s.row, orderId: s.orderId ?? null, reason: s.reason, message: s.message })),
      summary,
      ...fromFile,
      staleFiles: stale,
    }));
  } else {
    const c = colours(io.out, values['no-color'] === true);
    report(io, c, { platform, ordersFile, conversionName, zone, fileZone, orders, result, written, skipped, summary, stale });
  }
  return written.length ? 0 : 1;
}

interface Report {
  platform: Platform;
  ordersFile: string;
  conversionName: string;
  /** --timezone, and the zone the file is written in (UTC for Microsoft with an IANA zone). */
  zone: Zone;
  fileZone: Zone;
  orders: Orders;
  result: ExportResult;
  written: { file: string; f: OutputFile }[];
  skipped: Skipped[];
  summary: Summary;
  stale: string[];
}

function report(io: IO, c: Colours, r: Report): void {
  const w = (s = '') => io.out.write(`${s}\n`);
  const name = r.platform === 'meta' ? `event ${quote(r.conversionName)}` : r.platform === 'linkedin' ? `conversion rule ${quote(r.conversionName)}` : `conversion ${quote(r.conversionName)}`;
  const zone = r.zone === r.fileZone ? r.zone.name
    : r.platform === 'microsoft' ? `${r.fileZone.name} (UTC: Microsoft's file takes an offset, and ${r.zone.name} has two)`
    : `UTC (an order is in the hour that repeats when ${r.zone.name} turns its clocks back, so its time there names two moments)`;
  w(`measureplan offline: ${count(r.summary.orders, 'order')} in ${r.ordersFile} → ${PLATFORM_NAMES[r.platform]}, ${name}, times in ${zone}`);
  if (r.orders.ignored.length) w(c.dim(`  columns not read: ${r.orders.ignored.join(', ')}`));
  for (const warning of r.orders.warnings) w(c.yellow(`  note: ${warning}`));
  const width = Math.max(0, ...r.written.map((x) => x.file.length));
  for (const { file, f } of r.written) w(`  ${c.green('wrote')} ${file.padEnd(width)}  ${what(r.platform, f.part, f.rows)}`);
  if (!r.written.length) w(c.red('  nothing to upload: no file written.'));
  for (const file of r.stale) w(c.yellow(`  note: ${file} is from an earlier run; this run wrote nothing there, so do not upload it again.`));

  const notes = r.result.matched.filter((m) => m.note);
  if (notes.length) {
    w();
    w(`${count(notes.length, 'order')} went by hashed e-mail/phone because the click could not be used:`);
    for (const m of notes) w(`  row ${m.row}${m.orderId ? ` (${m.orderId})` : ''}: ${m.note}`);
  }
  const contact = r.result.matched.filter((m) => m.contactNote);
  if (contact.length) {
    w();
    w(`${count(contact.length, 'order')} matched, but an e-mail or phone on ${contact.length === 1 ? 'it' : 'them'} could not be used:`);
    for (const m of contact) w(`  row ${m.row}${m.orderId ? ` (${m.orderId})` : ''}: ${m.contactNote}`);
  }

  if (r.skipped.length) {
    w();
    w(`${count(r.skipped.length, 'order')} skipped:`);
    // Cells of the orders file (an order id, a time or a consent word quoted in a message) are
    // written out with their control characters made visible: a terminal must not act on them.
    const rows = r.skipped.map((s) => [String(s.row), printable(s.orderId ?? ''), s.reason, printable(s.message)]);
    const head = ['row', 'order', 'reason', 'why'];
    const widths = head.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
    const line = (x: string[], paint: (s: string) => string = (s) => s) => `  ${x[0]!.padStart(widths[0]!)}  ${x[1]!.padEnd(widths[1]!)}  ${paint(x[2]!.padEnd(widths[2]!))}  ${x[3]}`;
    w(c.dim(line(head)));
    for (const x of rows) w(line(x, c.yellow));
  }
  w();
  const s = r.summary;
  const reasons = Object.entries(s.byReason).map(([reason, n]) => `${grouped(n)} ${reason}`).join(', ');
  const text = `${grouped(s.byClickId)} matched by click id, ${grouped(s.byEmailOrPhone)} by e-mail/phone, ${grouped(s.skipped)} skipped${reasons ? `: ${reasons}` : ''}.`;
  w(!r.written.length ? c.red(text) : s.skipped ? c.yellow(text) : c.green(text));
}
