/**
 * The shop's CSV of phone and offline orders → orders, and the rows that cannot be used with the
 * reason. Header names are matched case-insensitively, with spaces, dashes and dots read as `_`,
 * and with a few aliases (`timestamp`, `amount`, `e-mail`, `telephone`, `anonymous_id`, …).
 * E-mail and phone stay in memory: they are only ever written out hashed.
 */
import { CsvError, parseCsv, type Delimiter } from './csv';
import { normaliseEmail, normalisePhone } from './normalise';
import { parseTime, type Zone } from './time';

export type ClickKind = 'gclid' | 'gbraid' | 'wbraid' | 'fbclid' | 'msclkid';
export const CLICK_KINDS: readonly ClickKind[] = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid'];

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
  /** Why the e-mail or phone given could not be used (an e-mail that is not an address, a phone without country code). */
  contactProblems: string[];
  visitorId?: string;
  clickIds: ClickIdInput[];
  orderId?: string;
}

export type Reason =
  | 'bad-row' | 'bad-time' | 'bad-value' | 'bad-currency' | 'duplicate-order'
  | 'no-match' | 'bad-click-id' | 'duplicate-click' | 'ambiguous-visitor' | 'outside-lookback' | 'before-click' | 'too-old' | 'too-recent';

export interface Skipped {
  row: number;
  orderId?: string;
  reason: Reason;
  message: string;
}

export type Field = 'time' | 'value' | 'currency' | 'email' | 'phone' | 'visitor_id' | 'click_id' | 'order_id' | ClickKind;

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
  order_id: ['order_id', 'orderid', 'order', 'order_number', 'order_no', 'transaction_id', 'id'],
};

const headerKey = (h: string) => h.trim().toLowerCase().replace(/[\s\-.]+/g, '_');

/** The orders file cannot be used at all (no time or value column, nothing in it). */
export class OrdersError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

export interface ReadOptions {
  zone: Zone;
  /** For rows without a currency of their own. */
  currency?: string;
  /** For phone numbers written without a country code: the calling code, such as `47`. */
  phoneCountry?: string;
  now: number;
}

export interface Orders {
  orders: Order[];
  skipped: Skipped[];
  /** Field → the header it was read from. */
  columns: Partial<Record<Field, string>>;
  /** Headers that are not read (names, addresses, notes…). */
  ignored: string[];
  delimiter: Delimiter;
  /** Rows that held data (blank rows aside). */
  rows: number;
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

/** `1 234,50`, `1,234.50`, `1234.5`, `1.234,50` → `1234.50`; a single `,` or `.` is the decimal separator. */
export function parseValue(raw: string): { value: number; text: string } | { problem: string } {
  const s = raw.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return { problem: 'the value is empty' };
  if (s.startsWith('-')) return { problem: `the value "${raw.trim()}" is negative (a refund is an adjustment, not an order)` };
  if (!/^\+?[\d.,]+$/.test(s) || !/\d/.test(s)) return { problem: `the value "${raw.trim()}" is not a number` };
  const body = s.replace(/^\+/, '');
  const dot = body.lastIndexOf('.');
  const comma = body.lastIndexOf(',');
  let decimal: string | undefined;
  if (dot >= 0 && comma >= 0) decimal = dot > comma ? '.' : ',';
  else if (dot >= 0) decimal = body.split('.').length === 2 ? '.' : undefined;
  else if (comma >= 0) decimal = body.split(',').length === 2 ? ',' : undefined;
  const thousands = decimal === '.' ? ',' : decimal === ',' ? '.' : body.includes('.') ? '.' : ',';
  if (decimal && body.split(decimal).length > 2) return { problem: `the value "${raw.trim()}" is not a number` };
  const [int = '', frac = ''] = body.split(thousands).join('').split(decimal ?? '\u0000');
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac) || (int === '' && frac === '')) return { problem: `the value "${raw.trim()}" is not a number` };
  const text = `${int.replace(/^0+(?=\d)/, '') || '0'}${frac ? `.${frac}` : ''}`;
  return { value: Number(text), text };
}

/** A small allowance for clocks that run ahead: an order further in the future is a typo. */
const FUTURE_MS = 10 * 60_000;

export function readOrders(text: string, options: ReadOptions): Orders {
  let table;
  try {
    table = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new OrdersError(`the orders file cannot be read: ${e.message}`, 'Put a value with a quote or a line break in double quotes, and double the quotes inside it ("").');
    throw e;
  }
  if (!table.header.length) throw new OrdersError('the orders file is empty.', 'It needs a header row (time,value,currency,email,phone,visitor_id,click_id,order_id) and one row per order.');

  const columns: Partial<Record<Field, string>> = {};
  const index: Partial<Record<Field, number>> = {};
  const ignored: string[] = [];
  table.header.forEach((h, i) => {
    const key = headerKey(h);
    const field = (Object.keys(ALIASES) as Field[]).find((f) => ALIASES[f].includes(key));
    if (field && index[field] === undefined) { index[field] = i; columns[field] = h; } else if (h !== '') ignored.push(h);
  });
  const names = table.header.filter(Boolean).map((h) => `"${h}"`).join(', ') || 'none';
  for (const f of ['time', 'value'] as const) {
    if (index[f] === undefined) {
      throw new OrdersError(`the orders file has no ${f} column (its columns: ${names}).`, `Name the column ${ALIASES[f].slice(0, 3).join(', ')}; the header is the first row${table.delimiter === ',' ? '' : ` (read as ${table.delimiter === ';' ? 'semicolon' : 'tab'}-separated)`}.`);
    }
  }

  const orders: Order[] = [];
  const skipped: Skipped[] = [];
  const seen = new Map<string, number>();
  let rows = 0;
  for (const { row, fields } of table.records) {
    if (fields.every((f) => f.trim() === '')) continue;
    rows++;
    const get = (f: Field) => { const i = index[f]; return i === undefined ? '' : (fields[i] ?? '').trim(); };
    const orderId = get('order_id') || undefined;
    const skip = (reason: Reason, message: string) => { skipped.push({ row, ...(orderId && { orderId }), reason, message }); };

    // More fields than the header: a separator inside a value (1,5 in a comma file) shifted the columns.
    if (fields.length > table.header.length) {
      skip('bad-row', `the row has ${fields.length} fields and the header ${table.header.length}: a value with a ${table.delimiter === ',' ? 'comma' : table.delimiter === ';' ? 'semicolon' : 'tab'} in it needs double quotes`);
      continue;
    }
    const when = parseTime(get('time'), options.zone);
    if ('problem' in when) { skip('bad-time', when.problem); continue; }
    if (when.time > options.now + FUTURE_MS) { skip('bad-time', `the time "${get('time')}" is in the future`); continue; }
    const value = parseValue(get('value'));
    if ('problem' in value) { skip('bad-value', value.problem); continue; }
    const currency = (get('currency') || options.currency || '').toUpperCase();
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
    if (rawEmail && !email) contactProblems.push('the e-mail is not an address');
    const rawPhone = get('phone');
    let phone: string | undefined;
    if (rawPhone) {
      const p = normalisePhone(rawPhone, options.phoneCountry);
      if ('digits' in p) phone = p.digits; else contactProblems.push(p.problem);
    }
    const clickIds: ClickIdInput[] = [];
    const generic = get('click_id');
    if (generic) clickIds.push({ id: generic });
    for (const kind of CLICK_KINDS) { const id = get(kind); if (id) clickIds.push({ id, kind }); }
    const visitorId = get('visitor_id') || undefined;

    orders.push({
      row, time: when.time, value: value.value, valueText: value.text, currency,
      ...(email && { email }), ...(phone && { phone }), contactProblems,
      ...(visitorId && { visitorId }), clickIds, ...(orderId && { orderId }),
    });
  }
  return { orders, skipped, columns, ignored, delimiter: table.delimiter, rows };
}
