// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { convert, readProperties, readSource } from '../../src/triggers/properties';
import type { PropertyType } from '../../src/plan/types';
import { cleanUp, planWith } from './helpers';

afterEach(cleanUp);

describe('converting text from the page to the declared type', () => {
  it.each<[PropertyType, unknown, unknown]>([
    ['number', '2499', 2499],
    ['number', '2 499', 2499],
    ['number', '2\u00a0499,50', 2499.5],
    ['number', '2,499.50', 2499.5],
    ['number', '1,234,567', 1234567],
    ['number', '2499,50', 2499.5],
    ['number', '2 499,-', 2499],
    ['number', '2499 kr', 2499],
    ['number', '-15.5', -15.5],
    ['number', '0.5', 0.5],
    ['number', 'kr 2499', 2499],
    ['number', 'SKU123', 'SKU123'],
    ['number', 'Item 3 of 5', 'Item 3 of 5'],
    ['number', 'Save 20%', 'Save 20%'],
    ['number', 'free', 'free'],
    ['number', '', ''],
    // Time QA 2026-12-06: each shop's own format, with the currency before or after (Intl.NumberFormat's output).
    ['number', '1.234,50', 1234.5],
    ['number', '1.234,50 €', 1234.5],
    ['number', '1.234,50 kr.', 1234.5],
    ['number', '€ 1.234,50', 1234.5],
    ['number', '$1,234.50', 1234.5],
    ['number', '€1,234.50', 1234.5],
    ['number', "CHF 1'234.50", 1234.5],
    ['number', '$499.00', 499],
    ['number', 'US$ 12.99', 12.99],
    ['number', 'NOK 1 299,-', 1299],
    ['number', '1.234.50', '1.234.50'],
    // Diff read 2026-12-06: a sale's struck-out price first, whole kroner, a code before a decimal point.
    ['number', '$59.99 $39.99', '$59.99 $39.99'],
    ['number', '59,99 € 39,99 €', '59,99 € 39,99 €'],
    ['number', 'kr. 1.499,-', 1499],
    ['number', '2.499,-', 2499],
    ['number', 'NOK 1 299,- (før 1 599,-)', 1299],
    ['number', '2 499 kr inkl. 25% mva', 2499],
    ['number', 'USD.99', 'USD.99'],
    ['number', '$.99', '$.99'],
    // A dot before exactly three digits may be a thousands separator (Danish, German prices): no guess.
    ['number', '2.499', '2.499'],
    ['number', '2.499 kr', '2.499 kr'],
    ['number', '1.000', '1.000'],
    ['number', '12.345', '12.345'],
    ['number', '1.234.567', 1234567],
    ['number', '0.125', 0.125],
    ['number', '2.49', 2.49],
    ['number', '2.4999', 2.4999],
    ['number', '1,234.567', 1234.567],
    // Money QA 2026-12-06: each of these was sent 1,000 times off, or as 1.
    ['number', '0,125', 0.125],
    ['number', '0,500', 0.5],
    ['number', '1.234,500', 1234.5],
    ['number', '12.345,678', 12345.678],
    ['number', "1'299.50", 1299.5],
    ['number', '1’299.50 CHF', 1299.5],
    ['number', "1'299", 1299],
    ['number', '12,34,567', '12,34,567'],
    ['number', '1,00,000', '1,00,000'],
    ['number', '1299,5,0', '1299,5,0'],
    ['number', '1,299', 1299],
    ['number', '1,234,567.5', 1234567.5],
    ['number', '-1,299.50', -1299.5],
    ['number', '1e3', '1e3'],
    ['number', '1.5e3', '1.5e3'],
    ['number', '2499.', 2499],
    ['number', '1234,567', 1234.567],
    ['number', '2,499,50', '2,499,50'],
    ['number', '2499,-', 2499],
    ['integer', '3', 3],
    ['integer', '1 000', 1000],
    ['integer', '2.5', 2.5],
    ['integer', 'three', 'three'],
    ['boolean', 'true', true],
    ['boolean', 'TRUE', true],
    ['boolean', '1', true],
    ['boolean', 'yes', true],
    ['boolean', ' on ', true],
    ['boolean', 'false', false],
    ['boolean', '0', false],
    ['boolean', 'No', false],
    ['boolean', 'off', false],
    ['boolean', '', false],
    ['boolean', 'maybe', 'maybe'],
    ['boolean', true, true],
    ['string', ' 2 499 ', ' 2 499 '],
    ['string', 'true', 'true'],
    ['string', false, false],
  ])('%s from %j → %j', (type, raw, expected) => {
    expect(convert(raw, type)).toEqual(expected);
  });
});

describe('the currency settles what the text alone cannot (money QA 2026-12-06)', () => {
  it.each<[string, string, unknown]>([
    // Three minor digits: "12,345" is how fr-FR and de-DE write 12.345 dinars (it went out as 12345).
    ['12,345 KWD', 'KWD', 12.345],
    ['12,345', 'BHD', 12.345],
    ['1.234', 'OMR', 1.234],
    ['1,234,567', 'KWD', 1234567],
    ['12,345.678', 'KWD', 12345.678],
    ['12,345', 'NOK', 12345],
    // No minor digits: a lone dot before three digits is a thousands separator.
    ['1.200 ¥', 'JPY', 1200],
    ['￥1,200', 'JPY', 1200],
    ['₩1.200', 'KRW', 1200],
    ['1.200 ¥', '', '1.200 ¥'],
    ['2.499', 'NOK', '2.499'],
    // Another currency's code named on the page: not a number in this currency.
    ['USD 99.00', 'NOK', 'USD 99.00'],
    ['USD 1,299', 'KWD', 'USD 1,299'], // refused before the three decimals are read (second read 2026-12-06)
    ['$12,345 $10,000', 'KWD', '$12,345 $10,000'],
    ['1 234.50 CHF', 'EUR', '1 234.50 CHF'],
    ['USD 99.00', 'USD', 99],
    ['USD 99.00', '', 99],
    ['NOK 2 499', 'NOK', 2499],
  ])('%j in %s → %j', (raw, cur, expected) => {
    expect(convert(raw, 'number', cur)).toEqual(expected);
  });

  it('reads a price in the currency the trigger reads beside it, else in the plan\'s', () => {
    document.body.innerHTML = `<div data-price="12,345" data-cur="kwd"><button></button></div><p data-price="12,345"><i></i></p>`;
    const p = planWith(
      { on: 'click', selector: 'button', properties: { value: 'data-price', currency: 'data-cur' } },
      { value: { type: 'number' }, currency: { type: 'string' } },
    );
    expect(readProperties(p.conversions.goal!, document, () => {}, document.querySelector('button'), 'NOK')).toEqual({ value: 12.345, currency: 'kwd' });
    const q = planWith({ on: 'click', selector: 'i', properties: { value: 'data-price' } }, { value: { type: 'number' } });
    expect(readProperties(q.conversions.goal!, document, () => {}, document.querySelector('i'), 'KWD')).toEqual({ value: 12.345 });
    expect(readProperties(q.conversions.goal!, document, () => {}, document.querySelector('i'), 'NOK')).toEqual({ value: 12345 });
  });
});

describe('prices as shops outside the US print them (intl QA 2026-12-07: each conversion was lost)', () => {
  it.each<[string, string, unknown]>([
    // The shop's own code after the number: its E was read as an exponent ("1e3").
    ['1.234,56 EUR', 'EUR', 1234.56],
    ['12,50 EUR', 'EUR', 12.5],
    ['99 EUR', '', 99],
    ['1 234,50 EGP', 'EGP', 1234.5],
    ['1e3', 'EUR', '1e3'],
    ['2E5 EUR', 'EUR', '2E5 EUR'],
    ['12,50 EUR', 'NOK', '12,50 EUR'],
    // The shop's own code in front, when it is not one of the common ones.
    ['KWD 12.345', 'KWD', 12.345],
    ['KWD 12.345', 'NOK', 'KWD 12.345'],
    // What Intl.NumberFormat writes for he-IL and ar-AE: a right-to-left mark first.
    ['\u200f1,234.50 \u200f₪', 'ILS', 1234.5],
    ['\u200f1,234.50 د.إ.\u200f', 'AED', 1234.5],
    // Arabic-Indic digits and marks (ar-KW, ar-SA, ar-EG), Persian digits, full-width digits.
    ['١٢٫٣٤٥ د.ك.\u200f', 'KWD', 12.345],
    ['\u200f١٬٢٣٤٫٥٠ ر.س.\u200f', 'SAR', 1234.5],
    ['٣٤٥', 'EGP', 345],
    ['۱۲۳', 'IRR', 123],
    ['１２３', 'JPY', 123],
    ['１，２３４円', 'JPY', 1234],
    // The Arabic marks say which is which (second read 2026-12-07: whole dinars went out 1,000 times too small).
    ['\u200f١٬٢٣٤ د.ك.\u200f', 'KWD', 1234],
    ['١٬٢٣٤ د.ب.', 'BHD', 1234],
    ['١٢٫٣٤٥', 'SAR', 12.345],
    ['١٢٫٣٤٥', 'JPY', 12.345],
    ['١٬٢٣٤٬٥٦٧٫٥', 'EGP', 1234567.5],
    ['١٢٫٣٤٫٥', 'EGP', '١٢٫٣٤٫٥'],
    // Another currency after the number in lower case or by name is not this plan's.
    ['12 eur', 'NOK', '12 eur'],
    ['12,50 Euro', 'NOK', '12,50 Euro'],
    ['12,50 Euro', 'EUR', 12.5],
    ['12 usd', 'NOK', '12 usd'],
    ['2 pcs', 'NOK', 2],
    ['3 Stück', 'EUR', 3],
  ])('%j in %s → %j', (raw, cur, expected) => {
    expect(convert(raw, 'number', cur)).toEqual(expected);
  });

  it('says on every page, with the text read, when a price cannot be read (the conversion is then not sent)', () => {
    document.body.innerHTML = `<div data-price="1.234 €" data-sku="A"><button></button></div>`;
    const p = planWith({ on: 'click', selector: 'button', properties: { value: 'data-price', item_id: 'data-sku' } }, { value: { type: 'number' }, item_id: { type: 'string' } });
    const said: [string, unknown][] = [];
    expect(readProperties(p.conversions.goal!, document, (m, x) => said.push([m, x]), document.querySelector('button'), 'EUR')).toEqual({ value: '1.234 €', item_id: 'A' });
    expect(said).toEqual([['conversions.goal: "1.234 €" (data-price) is not a number measureplan can read for value; the conversion is not sent (see docs/triggers.md)', true]]);
  });
});

describe('reading property sources', () => {
  it('reads data-* from the element or its closest ancestor that has it, and leaves out a missing one', () => {
    document.body.innerHTML = `<ul data-list="summer"><li data-sku="A1"><button data-sku="B2">x</button><em>y</em></li></ul>`;
    const em = document.querySelector('em')!;
    expect(readSource('data-sku', document, em)).toBe('A1');
    expect(readSource('data-sku', document, document.querySelector('button'))).toBe('B2');
    expect(readSource('data-list', document, em)).toBe('summer');
    expect(readSource('data-missing', document, em)).toBeUndefined();
  });

  it('reads href from the closest link, and nothing without an element', () => {
    document.body.innerHTML = `<a href="/guide.pdf"><img></a>`;
    expect(readSource('href', document, document.querySelector('img'))).toBe('/guide.pdf');
    expect(readSource('href', document)).toBeUndefined();
  });

  it('builds the properties object with converted values and without the missing ones, warning for required ones only', () => {
    document.body.innerHTML = `<div data-sku="SKU-1" data-price="2 499" data-qty="2"><button></button></div>`;
    const p = planWith(
      { on: 'click', selector: 'button', properties: { item_id: 'data-sku', value: 'data-price', quantity: 'data-qty', coupon: 'data-coupon', name: 'data-name' } },
      { item_id: { type: 'string' }, value: { type: 'number' }, quantity: { type: 'integer' }, coupon: { type: 'string', optional: true }, name: { type: 'string' } },
    );
    const warnings: string[] = [];
    const props = readProperties(p.conversions.goal!, document, (m) => warnings.push(m), document.querySelector('button'));
    expect(props).toEqual({ item_id: 'SKU-1', value: 2499, quantity: 2 });
    expect(warnings).toEqual(['goal: no data-name for name']);
  });

  it('leaves out an optional property whose attribute or text is empty (a number from "" would reject the conversion); a required one keeps it for validation', () => {
    document.body.innerHTML = `<div data-sku="SKU-1" data-price="" data-coupon="" data-name=""><button> </button></div>`;
    const p = planWith(
      { on: 'click', selector: 'button', properties: { item_id: 'data-sku', value: 'data-price', coupon: 'data-coupon', label: 'text', name: 'data-name' } },
      { item_id: { type: 'string' }, value: { type: 'number', optional: true }, coupon: { type: 'string', optional: true }, label: { type: 'string', optional: true }, name: { type: 'string' } },
    );
    const warnings: string[] = [];
    expect(readProperties(p.conversions.goal!, document, (m) => warnings.push(m), document.querySelector('button'))).toEqual({ item_id: 'SKU-1', name: '' });
    expect(warnings).toEqual([]);
  });

    it('gives {} for a trigger without properties', () => {
    const p = planWith({ on: 'click', selector: 'button' });
    expect(readProperties(p.conversions.goal!, document, () => {}, document.body)).toEqual({});
  });
});
