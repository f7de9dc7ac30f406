/**
 * The shop's CSV of phone and offline orders → orders, and the rows that cannot be used with the
 * reason. Header names are matched case-insensitively, with spaces, dashes and dots read as `_`,
 * and with a few aliases (`timestamp`, `amount`, `e-mail`, `telephone`, `anonymous_id`, …).
 * E-mail and phone stay in memory: they are only ever written out hashed.
 */
import { CsvError, parseCsv, type Delimiter } from './csv';
import { NOT_UTF8_HINT, UNREADABLE } from './encoding';
import { OrdersError } from './errors';
import { normaliseEmail, normalisePhone } from './normalise';
import { parseTime, type Zone } from './time';
import { parseValue, thousandsMarkOf } from './value';

export { OrdersError } from './errors';
export { parseValue } from './value';

export type ClickKind = 'gclid' | 'gbraid' | 'wbraid' | 'fbclid' | 'msclkid' | 'li_fat_id';
export const CLICK_KINDS: readonly ClickKind[] = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'li_fat_id'];

export interface ClickIdInput {
  id: string;
  /** Known when the column is named after it (`gclid`, `msclkid`, …); a `click_id` column leaves it to be worked out. */
  kind?: ClickKind;
}

export interface Order {
  row: number;
  time: number;
  value: number;
  /** The value as a plain decimal (`1234.50`), as it goes into a CSV. */
  valueText: string;
  currency: string;
  /** Trimmed, lowercase; never written out unhashed. */
  email?: string;
  /** Digits with the country code; never written out unhashed. */
  phone?: string;
  /** Why the e-mail or phone given could not be used (an e-mail that is not an address, a phone without country code), naming the column. */
  contactProblems: string[];
  visitorId?: string;
  clickIds: ClickIdInput[];
  orderId?: string;
  /**
   * The customer's consent as the shop recorded it (the order's `ad_user_data` and
   * `ad_personalization` columns): Google's Ad User Data / Ad Personalization for this order,
   * over what the store knows of the visitor.
   */
  adUserData?: Consent;
  adPersonalization?: Consent;
}

export type Consent = 'granted' | 'denied';

export type Reason =
  | 'bad-row' | 'not-utf8' | 'bad-time' | 'bad-value' | 'bad-currency' | 'duplicate-order'
  | 'no-match' | 'bad-click-id' | 'duplicate-click' | 'ambiguous-visitor' | 'outside-lookback' | 'before-click' | 'too-old' | 'too-recent'
  | 'tracked-online' | 'ads-withdrawn' | 'bad-consent' | 'consent-denied';

export interface Skipped {
  row: number;
  orderId?: string;
  reason: Reason;
  message: string;
}

export type Field = 'time' | 'value' | 'currency' | 'email' | 'phone' | 'visitor_id' | 'click_id' | 'order_id' | 'ad_user_data' | 'ad_personalization' | ClickKind;

/** Header name (lowercase, `_` for spaces, dashes and dots) → field. */
export const ALIASES: Record<Field, readonly string[]> = {
  time: ['time', 'timestamp', 'date_time', 'datetime', 'date', 'order_time', 'ordered_at', 'created_at', 'conversion_time'],
  value: ['value', 'amount', 'total', 'order_value', 'order_total', 'revenue', 'sum', 'conversion_value'],
  currency: ['currency', 'currency_code', 'conversion_currency'],
  email: ['email', 'e_mail', 'mail', 'email_address', 'e_mail_address'],
  phone: ['phone', 'telephone', 'tel', 'phone_number', 'telephone_number', 'mobile', 'mobile_number'],
  visitor_id: ['visitor_id', 'anonymous_id', 'anonymousid', 'visitor', 'measureplan_id'],
  click_id: ['click_id', 'clickid', 'ad_click_id'],
  gclid: ['gclid', 'google_click_id'],
  gbraid: ['gbraid'],
  wbraid: ['wbraid'],
  fbclid: ['fbclid', 'fbc'],
  msclkid: ['msclkid', 'microsoft_click_id'],
  li_fat_id: ['li_fat_id', 'linkedin_click_id'],
  order_id: ['order_id', 'orderid', 'order', 'order_number', 'order_no', 'transaction_id', 'id'],
  // Not `marketing_consent`: often the newsletter opt-in, no answer about the ad platforms.
  ad_user_data: ['ad_user_data', 'consent_ad_user_data', 'ads_consent'],
  ad_personalization: ['ad_personalization', 'ad_personalisation', 'consent_ad_personalization'],
};

/** A consent cell as shops write it: granted/denied, yes/no, true/false, 1/0; empty is unknown. */
const CONSENT_WORDS: Record<string, Consent> = {
  granted: 'granted', grant: 'granted', yes: 'granted', y: 'granted', true: 'granted', '1': 'granted',
  denied: 'denied', deny: 'denied', no: 'denied', n: 'denied', false: 'denied', '0': 'denied',
};

const headerKey = (h: string) => h.trim().toLowerCase().replace(/[\s\-.]+/g, '_');

export interface ReadOptions {
  zone: Zone;
  /** For rows without a currency of their own. */
  currency?: string;
  /** For phone numbers written without a country code: the calling code, such as `47`. */
  phoneCountry?: string;
  now: number;
  /** Called every PROGRESS_STEP rows: rows read, of how many (for a progress line on long files). */
  progress?: (done: number, of: number) => void;
}

export interface Orders {
  orders: Order[];
  skipped: Skipped[];
  /** Field → the header it was read from; `date` too when the date and the time of day are two columns. */
  columns: Partial<Record<Field | 'date', string>>;
  /** Headers that are not read (names, addresses, notes…). */
  ignored: string[];
  delimiter: Delimiter;
  /** Rows that held data (blank rows aside). */
  rows: number;
  /** About the file as a whole: an encoding that is not UTF-8, which of two possible columns was read. */
  warnings: string[];
}

let currencies: Set<string> | undefined;
/** An ISO 4217 code this Node knows (or any three letters where Intl cannot list them). */
export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  if (!currencies) {
    try { currencies = new Set(Intl.supportedValuesOf('currency')); } catch { currencies = new Set(); }
  }
  return currencies.size === 0 || currencies.has(code);
}

/** A small allowance for clocks that run ahead: an order further in the future is a typo. */
const FUTURE_MS = 10 * 60_000;
const PROGRESS_STEP = 1000;
/** A time of day without a date: `10:00`, `10:00:30`. */
const TIME_OF_DAY = /^\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?$/;

const FIELD_WORDS: Partial<Record<Field, string>> = { time: 'time', value: 'value', email: 'e-mail', phone: 'phone number', order_id: 'order id', visitor_id: 'visitor id' };

/**
 * The column each field is read from. A column named exactly as the field wins over an alias
 * (`time` over `date`), and for the time `date` comes last, as a date alone is never enough;
 * between equals, the first column. The others that could have been read are returned too.
 */
function chooseColumns(header: readonly string[]) {
  const candidates = new Map<Field, number[]>();
  header.forEach((h, i) => {
    const key = headerKey(h);
    const field = (Object.keys(ALIASES) as Field[]).find((f) => ALIASES[f].includes(key));
    if (field) candidates.set(field, [...(candidates.get(field) ?? []), i]);
  });
  const rank = (f: Field, i: number) => { const key = headerKey(header[i]!); return key === f ? 0 : f === 'time' && key === 'date' ? 2 : 1; };
  const index: Partial<Record<Field, number>> = {};
  const others = new Map<Field, number[]>();
  for (const [f, list] of candidates) {
    const best = [...list].sort((a, b) => rank(f, a) - rank(f, b) || a - b)[0]!;
    index[f] = best;
    if (list.length > 1) others.set(f, list.filter((i) => i !== best));
  }
  return { index, others };
}

/** `2, 5, 9` or `2, 5, 9, … (40 rows)`. */
const rowList = (rows: readonly number[]) => (rows.length > 5 ? `${rows.slice(0, 5).join(', ')}, … (${rows.length} rows)` : rows.join(', '));

export function readOrders(text: string, options: ReadOptions): Orders {
  // A JSON export (`[{"order_id": …}]`) would otherwise be read as a CSV with a column `[{"order_id":"A"`.
  if (/^\uFEFF?\s*[[{]/.test(text)) {
    throw new OrdersError('this looks like JSON; the orders file is a CSV.', 'Export the orders as CSV: a header row (time,value,currency,email,phone,visitor_id,click_id,order_id), then one row per order.');
  }
  let table;
  try {
    table = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new OrdersError(`the orders file cannot be read: ${e.message}`, e.hint ?? 'Put a value with a quote or a line break in double quotes, and double the quotes inside it ("").');
    throw e;
  }
  if (!table.header.length) throw new OrdersError('the orders file is empty.', 'It needs a header row (time,value,currency,email,phone,visitor_id,click_id,order_id) and one row per order.');

  const { index, others } = chooseColumns(table.header);
  const columns: Orders['columns'] = {};
  for (const [f, i] of Object.entries(index) as [Field, number][]) columns[f] = table.header[i]!;
  const names = table.header.filter(Boolean).map((h) => `"${h}"`).join(', ') || 'none';
  for (const f of ['time', 'value'] as const) {
    if (index[f] === undefined) {
      const notUtf8 = table.header.some((h) => h.includes(UNREADABLE)) ? ` The header has characters that are not UTF-8: ${NOT_UTF8_HINT}.` : '';
      throw new OrdersError(`the orders file has no ${f} column (its columns: ${names}).`, `Name the column ${ALIASES[f].slice(0, 3).join(', ')}; the header is the first row${table.delimiter === ',' ? '' : ` (read as ${table.delimiter === ';' ? 'semicolon' : 'tab'}-separated)`}.${notUtf8}`);
    }
  }
  // A `date` column next to the time: rows whose time column holds only the time of day take their date from it.
  const timeIsDate = headerKey(table.header[index.time!]!) === 'date';
  const dateIndex = timeIsDate ? undefined : others.get('time')?.find((i) => headerKey(table.header[i]!) === 'date');
  // What the value column shows about its thousands separator (`1.234,50` or `2.500.000` on some row).
  const thousands = thousandsMarkOf(table.records.map((r) => r.fields[index.value!] ?? ''));
  const read = new Set(Object.values(index));

  const orders: Order[] = [];
  const skipped: Skipped[] = [];
  const seen = new Map<string, number>();
  const unreadable: number[] = table.header.some((h) => h.includes(UNREADABLE)) ? [1] : [];
  let combined = 0;
  let rows = 0;
  let done = 0;
  for (const { row, fields } of table.records) {
    if (options.progress && ++done % PROGRESS_STEP === 0) options.progress(done, table.records.length);
    if (fields.every((f) => f.trim() === '')) continue;
    rows++;
    const get = (f: Field) => { const i = index[f]; return i === undefined ? '' : (fields[i] ?? '').trim(); };
    const orderId = get('order_id') || undefined;
    const skip = (reason: Reason, message: string) => { skipped.push({ row, ...(orderId && { orderId }), reason, message }); };
    if (fields.some((f) => f.includes(UNREADABLE))) unreadable.push(row);

    // More fields than the header: a separator inside a value (1,5 in a comma file) shifted the columns.
    if (fields.length > table.header.length) {
      skip('bad-row', `the row has ${fields.length} fields and the header ${table.header.length}: a value with a ${table.delimiter === ',' ? 'comma' : table.delimiter === ';' ? 'semicolon' : 'tab'} in it needs double quotes`);
      continue;
    }
    // Bytes that were not UTF-8 in a column that is read: an e-mail would be hashed wrong, a value misread.
    const garbled = [...read].filter((i) => (fields[i] ?? '').includes(UNREADABLE)).map((i) => `"${table.header[i]}"`);
    if (garbled.length) {
      skip('not-utf8', `the ${garbled.join(', ')} ${garbled.length === 1 ? 'column has' : 'columns have'} characters that are not UTF-8 (the file is in another encoding): ${NOT_UTF8_HINT}`);
      continue;
    }
    let timeText = get('time');
    if (dateIndex !== undefined && TIME_OF_DAY.test(timeText) && (fields[dateIndex] ?? '').trim()) {
      timeText = `${(fields[dateIndex] ?? '').trim()} ${timeText}`;
      combined++;
    }
    const when = parseTime(timeText, options.zone);
    if ('problem' in when) { skip('bad-time', when.problem); continue; }
    if (when.time > options.now + FUTURE_MS) { skip('bad-time', `the time "${timeText}" is in the future`); continue; }
    const currency = (get('currency') || options.currency || '').toUpperCase();
    const value = parseValue(get('value'), { ...(thousands && { thousands }), ...(currency && { currency }) });
    if ('problem' in value) { skip('bad-value', value.problem); continue; }
    if (!currency) { skip('bad-currency', 'the row has no currency: add a currency column or give --currency'); continue; }
    if (!isCurrency(currency)) { skip('bad-currency', `"${currency}" is not a currency code (ISO 4217: NOK, EUR, USD, …)`); continue; }
    if (orderId) {
      const first = seen.get(orderId);
      if (first !== undefined) { skip('duplicate-order', `order ${orderId} is also on row ${first}; it is exported once`); continue; }
      seen.set(orderId, row);
    }

    const contactProblems: string[] = [];
    const rawEmail = get('email');
    const email = rawEmail ? normaliseEmail(rawEmail) : undefined;
    if (rawEmail && !email) contactProblems.push(`column "${columns.email}": the e-mail is not an address`);
    const rawPhone = get('phone');
    let phone: string | undefined;
    if (rawPhone) {
      const p = normalisePhone(rawPhone, options.phoneCountry);
      if ('digits' in p) phone = p.digits; else contactProblems.push(`column "${columns.phone}": ${p.problem}`);
    }
    const clickIds: ClickIdInput[] = [];
    const generic = get('click_id');
    if (generic) clickIds.push({ id: generic });
    for (const kind of CLICK_KINDS) { const id = get(kind); if (id) clickIds.push({ id, kind }); }
    // People read a reference out in groups (`3f2a 9c1e`): the spaces are not part of it.
    const visitorId = get('visitor_id').replace(/\s+/g, '') || undefined;
    const consent: Partial<Record<'adUserData' | 'adPersonalization', Consent>> = {};
    let badConsent: string | undefined;
    for (const [f, key] of [['ad_user_data', 'adUserData'], ['ad_personalization', 'adPersonalization']] as const) {
      const text = get(f);
      if (!text) continue;
      const word = CONSENT_WORDS[text.toLowerCase()];
      if (word) consent[key] = word;
      else badConsent ??= `column "${columns[f]}" says "${text.slice(0, 40)}": write granted or denied (or leave it empty when the customer was not asked)`;
    }
    // A consent the shop recorded but that cannot be read: the order is not sent rather than sent against it.
    if (badConsent) { skip('bad-consent', badConsent); continue; }

    orders.push({
      row, time: when.time, value: value.value, valueText: value.text, currency,
      ...(email && { email }), ...(phone && { phone }), contactProblems,
      ...(visitorId && { visitorId }), clickIds, ...(orderId && { orderId }), ...consent,
    });
  }

  const warnings: string[] = [];
  if (unreadable.length) warnings.push(`the file is not UTF-8: ${unreadable.length === 1 ? 'row' : 'rows'} ${rowList(unreadable)} ${unreadable.length === 1 ? 'has' : 'have'} characters that could not be read; ${NOT_UTF8_HINT}.`);
  const dateHeader = dateIndex === undefined ? undefined : table.header[dateIndex]!;
  if (dateHeader !== undefined && combined) {
    columns.date = dateHeader;
    warnings.push(`the date is read from column "${dateHeader}" and the time of day from column "${columns.time}".`);
  }
  for (const [f, list] of others) {
    const rest = list.filter((i) => !(f === 'time' && i === dateIndex && combined)).map((i) => `"${table.header[i]}"`);
    if (rest.length) warnings.push(`column ${rest.join(', ')} could also be the ${FIELD_WORDS[f] ?? f}: column "${columns[f]}" is read${f === 'time' ? ' (a column named time wins, and a date alone is never enough)' : ''}.`);
  }
  const used = new Set([...read, ...(dateIndex !== undefined && combined ? [dateIndex] : [])]);
  const ignored = table.header.filter((h, i) => h !== '' && !used.has(i));
  return { orders, skipped, columns, ignored, delimiter: table.delimiter, rows, warnings };
}
