import type { NormalisedConversion, PropertyType } from '../plan/types';
import { has } from '../plan/shape';
import { minorDigits } from '../core/currency';

/**
 * The raw value behind one property source, or null/undefined when the page has none.
 * With an element (click, submit, visible): `data-x` is that attribute on the element or its
 * closest ancestor that has it, `text` the element's text (trimmed, runs of whitespace as one
 * space), `href` the href attribute of the closest element that has one (the link). Without one
 * (page_view, scroll): `data-x` comes from the first element in the document that has it, `text`
 * is the document title and `href` is not available. `field:NAME` reads the submitted form's
 * field (submit triggers only; a checkbox gives true or false).
 */
export function readSource(source: string, d: Document, el?: Element | null): unknown {
  if (source.startsWith('field:')) {
    let f = (el as HTMLFormElement | null | undefined)?.elements?.namedItem(source.slice(6)) as HTMLInputElement | null | undefined;
    // Several fields of that name (a RadioNodeList): a checkbox with the usual hidden "false"
    // twin is the checkbox; radios give the checked one's value.
    if (f && !f.type) f = ([...(f as unknown as Iterable<HTMLInputElement>)].find((x) => x.type === 'checkbox') ?? f);
    return f && (f.type === 'checkbox' ? f.checked : f.value);
  }
  if (source === 'text') return (el ? el.textContent! : d.title).replace(/\s+/g, ' ').trim();
  if (el || source !== 'href') return (el ? el.closest(`[${source}]`) : d.querySelector(`[${source}]`))?.getAttribute(source);
}

/**
 * Converts text read from the page to the property's declared type. `number` and `integer`: the
 * number at the start of the text, without spaces (so "2 499 kr" is 2499, "2499,-" 2499), after a
 * currency sign or code in front of it ("$1,234.50", "€ 1.234,50", "CHF 1'234.50", "kr 2499"),
 * read by its separators:
 * - the last `.` or `,` followed by other separators before it is the decimal mark; the others
 *   are thousands separators (`,` `.` `'` `’`, one kind), each followed by three digits, after a
 *   first group of 1 to 3 digits that does not start with 0 ("2,499.50", "1.234,50", "1'299.50");
 * - a lone `,` before three digits after such a first group is a thousands separator ("1,299"),
 *   any other lone `,` the decimal comma ("2499,50", "0,125"); two or more dots before groups of
 *   three are thousands separators ("1.234.567");
 * - a lone dot before three digits after such a first group ("2.499", "1.000": a thousands
 *   separator or a decimal point?) is not converted, nor are groups of another length ("12,34,567");
 * - the currency (`cur`: the one the trigger reads, else the plan's) settles a lone mark before
 *   three digits: in a currency with three minor digits (KWD, BHD, JOD, OMR, TND, LYD, as Intl
 *   says) it is the decimal mark ("12,345" is 12.345), in one without (JPY, KRW, ISK, …) a thousands
 *   separator ("1.200" is 1200); a price that names another ISO code ("USD 99.00" in a NOK shop)
 *   is not converted: it would go out in the wrong currency.
 * A fraction for an integer is left for validation to report. `boolean`: true/1/yes/on and
 * false/0/no/off/empty, in any case. Anything that does not convert stays as it was, so the
 * tracker's validation names the problem: no value is ever made up.
 */
const CODES = 'USD|EUR|GBP|NOK|SEK|DKK|ISK|CHF|PLN|CZK|HUF|JPY|CAD|AUD|NZD';
/** A currency in front of a price: a sign (with a country's letters, "US$", "kr."), or a common code. */
const CURRENCY = new RegExp(`^([A-Z]{0,2}[$€£¥￥₹₩₺₪]|kr\\.?|Kr\\.?|Fr\\.|${CODES})(?=[-+]?\\d)`);
/** A common code after the number in any case, a word of its own ("12 eur"), or the euro by name ("12,50 Euro"). */
const AFTER = new RegExp(`^(?:(${CODES})(?![a-z])|euro)`, 'i');
/** Another price after the first one (a currency, then a number). */
const SECOND = new RegExp(CURRENCY.source.slice(1));

export function convert(v: unknown, type?: PropertyType, cur = ''): unknown {
  if (typeof v === 'string') {
    let s = v.replace(/\s/g, '');
    if (type === 'number' || type === 'integer') {
      // Prices as right-to-left and Japanese shops print them (intl QA 2026-12-07: lost): without
      // the direction marks Intl puts in, Arabic-Indic and full-width digits and marks as ASCII.
      // The Arabic marks are not ambiguous as their ASCII twins are: ٬ groups thousands, ٫ is the
      // decimal mark (diff read 2026-12-07: "١٬٢٣٤" KWD went out as 1.234).
      const ar = /[\u066b\u066c]/.test(s);
      s = s.replace(/[\u200e\u200f\u061c\u2066-\u2069]/g, '').replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (c) => '' + (c.charCodeAt(0) & 15))
        .replace(/[\u066b\uff0e]/g, '.').replace(/[\u066c\uff0c]/g, ',');
      // The number at the start (not part of one like "1e3"), after a currency in front of it
      // (time QA 2026-12-06: "$499.00" and "1.234,50 €" lost the whole conversion), the shop's
      // own code included ("KWD 12.345"); then: 1-3 digits and thousands groups with one separator
      // throughout, or plain digits; and a decimal part. Only an e with a digit after it is an
      // exponent: "12,50 EUR" is a price (intl QA 2026-12-07).
      const u = s.replace(CURRENCY, '').replace(cur && new RegExp(`^${cur}(?=[-+]?\\d)`), '');
      const t = /^[-+]?\d+([.,'’]\d+)*(?!\d|[eE][-+]?\d|[.,'’]\d)/.exec(u)?.[0];
      const g = t && /^[-+]?([1-9]\d{0,2}([.,'’])\d{3}(\2\d{3})*|\d+)(([.,])(\d+))?$/.exec(t);
      const rest = t ? u.slice(t.length) : '';
      // Whole kroner: "1.499,-" (the dot a thousands separator).
      const whole = /^[.,][-–]/.test(rest);
      const after = AFTER.exec(rest);
      const code = /^[A-Z]{3}/.exec(s)?.[0] ?? /^[A-Z]{3}$/.exec(rest)?.[0] ?? (after && (after[1] ?? 'EUR').toUpperCase());
      // Refused: another currency's code ("USD 99.00" or "12 eur" in a NOK plan), a second price
      // after it (a sale's struck-out price first: "$59.99 $39.99").
      if (!g || (code && cur && code !== cur) || SECOND.test(rest)) return v;
      if (ar) return /\..*[.,]/.test(t) ? v : parseFloat(t.replace(/,/g, ''));
      // One mark before three digits: "12,345" KWD is 12.345 (money QA 2026-12-06: sent as 12345).
      const lone = /^[.,]$/.test(g[2]!) && !g[3] && !g[5];
      const digits = lone ? minorDigits(cur) ?? 2 : 2;
      if (digits === 3) return parseFloat(t!.replace(',', '.'));
      // Refused: the same mark for both, or a lone dot before three digits (2.499: 2499 or 2.499?)
      // where the currency does not say.
      return (g[5] && g[5] === g[2]) || (lone && g[2] === '.' && !whole && digits) || (g[5] === '.' && !g[2] && g[6]!.length === 3 && /^[1-9]\d{0,2}$/.test(g[1]!)) ? v
        : parseFloat((g[2] ? t.split(g[2]).join('') : t).replace(',', '.'));
    }
    if (type === 'boolean') return /^(true|1|yes|on)$/i.test(s) || (/^(false|0|no|off|)$/i.test(s) ? false : v);
  }
  return v;
}

/**
 * The properties a conversion's trigger fills from the page, converted to the plan's types.
 * A source that finds nothing leaves its property out (and warns when the plan requires it); so
 * does an empty value for an optional property (no radio checked, a select left at "Choose…", a
 * `data-price=""` the shop's template left empty): an empty text is no number, and would reject
 * the whole conversion.
 */
export function readProperties(c: NormalisedConversion, d: Document, warn: (m: string, mistake?: true) => void, el?: Element | null, planCurrency?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sources = c.trigger?.properties ?? {};
  // The currency a price is read in: the one the trigger reads beside it, else the plan's.
  const read = has(sources, 'currency') && readSource(sources.currency!, d, el);
  const cur = typeof read === 'string' && /^[a-z]{3}$/i.test(read.trim()) ? read.trim().toUpperCase() : planCurrency;
  for (const k in sources) {
    if (!has(sources, k)) continue;
    const spec = c.properties[k];
    const s = sources[k]!;
    const v = readSource(s, d, el);
    if (v != null && !(v === '' && spec?.optional)) {
      const x = out[k] = convert(v, spec?.type, cur);
      // The page's text, not a tracker call, is at fault: said on every page, not only in debug
      // mode, or a shop never learns why its orders are missing (intl QA 2026-12-07).
      if (typeof x === 'string' && /^(number|integer)$/.test(spec?.type!)) warn(`conversions.${c.name}: "${x.slice(0, 40)}" (${s}) is not a number measureplan can read for ${k}; the conversion is not sent (see docs/triggers.md)`, true);
    } else if (!spec?.optional) warn(`${c.name}: no ${s} for ${k}`);
  }
  return out;
}
