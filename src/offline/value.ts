/**
 * Order values as shops export them: `2499`, `2499.00`, `1 249,50`, `1.234,50`, `1,234.50`,
 * `2.500.000`. Excel writes a cell as it is displayed, so a German or Norwegian export carries
 * its thousands separator into the file, and `1.234` may be one thousand two hundred and
 * thirty-four euros. A value whose one separator is followed by exactly three digits is read
 * only when something says which it is: the file's other values, or the currency's minor digits.
 * Otherwise it is refused with its row rather than guessed (a wrong guess is a 1000× error).
 */
import { minorDigits as intlDigits } from '../core/currency';

export type Mark = '.' | ',';

export interface ValueContext {
  /** The thousands separator the file's other values show, when they agree on one. */
  thousands?: Mark;
  /** The row's currency (ISO 4217), for its minor digits. */
  currency?: string;
}

/** Spaces, no-break spaces and apostrophes only ever group thousands: `1 249,50`, `1'249.50`. */
const GROUPING = /[\s\u00a0\u202f']/g;

/**
 * Currencies with three minor digits in ISO 4217. IQD is left out on purpose: ISO gives it three,
 * but prices are written in whole dinars (Intl, from CLDR, says 0), so neither reading is safe.
 */
const THREE_MINOR_DIGITS = new Set(['KWD', 'BHD', 'JOD', 'OMR', 'TND', 'LYD']);

const digits = new Map<string, number | undefined>();
/** The currency's minor digits (see src/core/currency.ts), once per code: a file has thousands of rows. */
export function minorDigits(currency: string): number | undefined {
  if (!digits.has(currency)) digits.set(currency, intlDigits(currency));
  return digits.get(currency);
}

const body = (raw: string) => raw.trim().replace(GROUPING, '').replace(/^\+/, '');

/**
 * Whether a whole part written with a thousands mark groups its digits as such: every three
 * digits (`2.500.000`), or the Indian way with a comma (`1,23,456`). `1.249.50` or `1.234.5` is a
 * mistyped value, not 124950 or 12345.
 */
const grouped = (whole: string, mark: Mark): boolean =>
  !whole.includes(mark) || (mark === '.' ? /^\d{1,3}(\.\d{3})+$/ : /^\d{1,3}(,\d{3})+$|^\d{1,2}(,\d{2})*,\d{3}$/).test(whole);

/**
 * What one value says about the thousands separator: with both marks the last is the decimal one
 * and the other groups thousands (`1.234,50`); one mark used twice groups thousands (`2.500.000`).
 */
function thousandsShownBy(raw: string): Mark | undefined {
  const s = body(raw);
  const dot = s.lastIndexOf('.');
  const comma = s.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) return dot > comma ? (grouped(s.slice(0, dot), ',') ? ',' : undefined) : grouped(s.slice(0, comma), '.') ? '.' : undefined;
  if (dot >= 0 && s.indexOf('.') !== dot) return grouped(s, '.') ? '.' : undefined;
  if (comma >= 0 && s.indexOf(',') !== comma) return grouped(s, ',') ? ',' : undefined;
  return undefined;
}

/** The thousands separator the value column shows, when its values agree; undefined when none shows one or they disagree. */
export function thousandsMarkOf(values: Iterable<string>): Mark | undefined {
  const seen = new Set<Mark>();
  for (const v of values) { const m = thousandsShownBy(v); if (m) seen.add(m); }
  return seen.size === 1 ? [...seen][0] : undefined;
}

/** `1.234`, `12,500`: one separator followed by exactly three digits, and a whole part that could be a thousands group. */
const AMBIGUOUS = /^[1-9]\d{0,2}[.,]\d{3}$/;

/**
 * How to read an ambiguous value's mark: from the file, else from the currency; undefined when
 * nothing tells. The file's word is taken for a thousands mark; as a decimal mark it would give
 * three decimals, which only a currency with three minor digits has (USD `1,234` in a file
 * whose other values write `1.234,50` is a mix-up, not 1.234 dollars).
 */
function readMarkAs(mark: Mark, ctx: ValueContext): 'thousands' | 'decimal' | undefined {
  const three = !!ctx.currency && THREE_MINOR_DIGITS.has(ctx.currency);
  if (ctx.thousands) return mark === ctx.thousands ? 'thousands' : three ? 'decimal' : undefined;
  if (!ctx.currency) return undefined;
  if (three) return 'decimal';
  // Only when ISO and Intl agree on none: IQD (ISO 3, Intl 0) stays ambiguous.
  if (minorDigits(ctx.currency) === 0 && ctx.currency !== 'IQD') return 'thousands';
  return undefined;
}

/** `1 234,50`, `1,234.50`, `1234.5`, `1.234,50` → `1234.50`; an ambiguous `1.234` by the context, or refused. */
export function parseValue(raw: string, ctx: ValueContext = {}): { value: number; text: string } | { problem: string } {
  const shown = raw.trim();
  const s = shown.replace(GROUPING, '');
  if (s === '') return { problem: 'the value is empty' };
  if (s.startsWith('-')) return { problem: `the value "${shown}" is negative (a refund is an adjustment, not an order)` };
  if (!/^\+?[\d.,]+$/.test(s) || !/\d/.test(s)) return { problem: `the value "${shown}" is not a number` };
  const b = s.replace(/^\+/, '');
  const dot = b.lastIndexOf('.');
  const comma = b.lastIndexOf(',');
  let decimal: Mark | undefined;
  if (dot >= 0 && comma >= 0) decimal = dot > comma ? '.' : ',';
  else if (AMBIGUOUS.test(b)) {
    const mark = b[b.length - 4] as Mark;
    const as = readMarkAs(mark, ctx);
    if (!as) {
      const whole = b.replace(/[.,]/, '');
      const why = ctx.thousands
        ? `the file's other values make "${mark}" the decimal mark, but ${ctx.currency ?? 'the currency'} has no third decimal`
        : `nothing else in the file shows whether "${mark}" separates thousands or decimals`;
      return { problem: `"${shown}": is that ${whole} or ${b.replace(',', '.')}? Write ${whole} or ${whole}.00, without a thousands separator (${why})` };
    }
    decimal = as === 'decimal' ? mark : undefined;
  } else if (dot >= 0) decimal = b.split('.').length === 2 ? '.' : undefined;
  else if (comma >= 0) decimal = b.split(',').length === 2 ? ',' : undefined;
  const thousands = decimal === '.' ? ',' : decimal === ',' ? '.' : b.includes('.') ? '.' : ',';
  if (decimal && b.split(decimal).length > 2) return { problem: `the value "${shown}" is not a number` };
  if (!grouped(decimal ? b.slice(0, b.lastIndexOf(decimal)) : b, thousands)) {
    return { problem: `the value "${shown}" has a thousands separator that does not group three digits: write it without one (as 1249.50)` };
  }
  const [int = '', frac = ''] = b.split(thousands).join('').split(decimal ?? '\u0000');
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac) || (int === '' && frac === '')) return { problem: `the value "${shown}" is not a number` };
  const text = `${int.replace(/^0+(?=\d)/, '') || '0'}${frac ? `.${frac}` : ''}`;
  return { value: Number(text), text };
}
