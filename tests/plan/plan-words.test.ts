// What a marketer reads for the mistakes people really make in a hand-written plan: JSON that is
// not JSON, a plan pasted inside a wrapper, names that are not names, hints that point somewhere.
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { scanJson } from '../../src/plan/json-text';
import type { PlanError } from '../../src/plan/types';
import { example } from './fixtures';

const errorsOf = (input: unknown): PlanError[] => {
  const r = parsePlan(input);
  expect(r.ok).toBe(false);
  return r.errors;
};
const only = (input: unknown): PlanError => {
  const errors = errorsOf(input);
  expect(errors).toHaveLength(1);
  return errors[0]!;
};

describe('JSON syntax errors name the place and the cause', () => {
  const cases: [string, string, number, number, RegExp, RegExp][] = [
    ['a text value without quotes', '{\n  "version": 1,\n  "currency": EUR,\n  "name": "x"\n}', 3, 15, /EUR is not in quotes/, /"EUR"/],
    ['single quotes', "{\n  'version': 1\n}", 2, 3, /single quotes/, /double quotes/],
    ['True in capitals', '{ "version": 1, "x": True }', 1, 22, /True is not how JSON writes true/, /lower case/],
    ['a number without its leading zero', '{ "version": 1, "x": .5 }', 1, 22, /\.5 is not a number/, /0\.5/],
    ['an unquoted key', '{ version: 1 }', 1, 3, /key version is not in quotes/, /"version":/],
    ['a comment', '{\n  // the plan\n  "version": 1\n}', 2, 3, /no comments/, /Remove/],
    ['a trailing comma', '{ "version": 1, }', 1, 17, /comma after the last entry/, /Remove the comma/],
    ['a missing comma', '{\n  "version": 1\n  "name": "x"\n}', 3, 3, /comma is missing/, /separated by commas/],
    ['a cut-off file', '{ "version": 1, "conversions": {', 1, 33, /ends before the plan is closed/, /missing at the end/],
    ['a tab inside a text', '{ "name": "Fjell\tsport" }', 1, 11, /tab or another invisible control character/, /\\t/],
    ['an error page instead of the plan', '<!doctype html><p>Not found', 1, 1, /web page \(HTML\)/, /data-plan/],
    // The character itself is the mistake, not a typo before it (marketer QA 2026-12-06).
    ['curly quotes pasted from a word processor', '{ "currency": \u201cNOK\u201d }', 1, 15, /curly quote/, /straight double quotes/],
    ['a non-breaking space', '{ "currency":\u00a0"NOK" }', 1, 14, /invisible special space \(U\+00A0\)/, /normal space/],
    ['a file saved as UTF-16', '\ufffd\ufffd{\u0000 \u0000}', 1, 1, /not saved as UTF-8/, /UTF-8/],
    // Copied from the docs or another format as it stands (marketer QA 2026-12-06).
    ['a placeholder … from an example', '{\n  "destinations": { \u2026 }\n}', 2, 21, /placeholder from an example/, /real entries/],
    ['a placeholder written as three dots', '{ "conversions": { ... } }', 1, 20, /placeholder/, /real entries/],
    ['a # comment', '{\n  # the shop\n  "version": 1\n}', 2, 3, /no comments/, /#/],
    ['one conversion pasted as the whole file', '"newsletter_signup": {\n  "kind": "micro"\n}', 1, 20, /one entry of a plan/, /inside its "conversions"/],
    ['a plan without its outer braces', '"version": 1,\n"name": "Shop"', 1, 10, /outer \{ … \} is missing: it starts with "version":/, /Write \{ before the first line/],
    ['a selector without quotes is no comment', '{ "selector": #buy }', 1, 15, /"#" cannot stand here/, /missing quote/],
    // Latin-1 ("ANSI") reads as JSON with its æ, ø, å turned into U+FFFD: no name or path would match (marketer QA 2026-12-06).
    ['a file saved as Latin-1', '{\n  "version": 1,\n  "name": "Fjellsport Troms\ufffd"\n}', 3, 28, /not saved as UTF-8 text \(letters such as æ, ø and å/, /"ANSI"/],
  ];
  for (const [what, text, line, column, message, hint] of cases) {
    it(what, () => {
      const e = only(text);
      expect(e).toMatchObject({ path: '', line, column });
      expect(e.message).toMatch(new RegExp(`^The plan is not valid JSON \\(line ${line}, column ${column}\\): `));
      expect(e.message).toMatch(message);
      expect(e.hint).toMatch(hint);
      // Never the engine's own words, which quote the text (line breaks and all).
      expect(e.message).not.toMatch(/Unexpected|is not valid JSON$|\n/);
    });
  }

  it('an empty file says it is empty', () => {
    for (const text of ['', '  \n\t']) {
      const e = only(text);
      expect(e.message).toMatch(/empty/);
      expect(e.message).not.toMatch(/Unexpected end/);
      expect(e.hint).not.toMatch(/comma/);
    }
  });

  it('a byte-order mark from an editor is not an error', () => {
    const r = parsePlan('\uFEFF' + JSON.stringify(example('webshop')));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('text nested too deep for the scanner still gets an answer, never a throw', () => {
    const deep = '['.repeat(200_000);
    expect(() => scanJson(deep)).not.toThrow();
    const e = only(deep);
    expect(e.message).toMatch(/^The plan is not valid JSON/);
  });

  it('the scanner agrees with JSON.parse on what is JSON', () => {
    const texts = ['{}', '[1, 2.5e3, -0, "a\\"b", true, null]', '{"a": {"b": [{}]}}', '{"a": 01}', '{"a": "x\ny"}', '{"a": "\\q"}', '{"a": 1} x', '"x"', '1.', '-', '{"a":+1}', '[1,,2]', '{"a" 1}'];
    for (const t of texts) {
      let ok = true;
      try { JSON.parse(t); } catch { ok = false; }
      expect(!scanJson(t).fault, t).toBe(ok);
    }
  });
});

describe('plan structure mistakes', () => {
  it('a plan wrapped in an outer object is one problem that says so', () => {
    const e = only({ plan: example('webshop') });
    expect(e.path).toBe('plan');
    expect(e.message).toMatch(/nested one level too deep, inside "plan"/);
    expect(e.hint).toMatch(/remove the outer/);
  });

  it('a plan inside a list is one problem that says to remove the brackets (marketer QA 2026-12-06)', () => {
    // It read "nested inside \"0\"" with a hint to remove an outer { "0": … } the file does not have.
    const e = only([example('webshop')]);
    expect(e.path).toBe('');
    expect(e.message).toBe('The plan is inside a list: [ { … } ].');
    expect(e.hint).toMatch(/remove the square brackets/);
  });

  it('a misspelt kind or property type is one problem, not a train of false ones (marketer QA 2026-12-06)', () => {
    // "Macro" on purchase made every supports, the cart's complete and the experiment goal say
    // "purchase is a micro conversion"; a missing kind said "not a conversion in this plan" nine
    // times; type "float" added "min does not apply to a float property".
    for (const edit of [(p: any) => { p.conversions.purchase.kind = 'Macro'; }, (p: any) => { delete p.conversions.purchase.kind; }]) {
      const plan = example('webshop') as any;
      edit(plan);
      expect(errorsOf(plan).map((x) => x.path)).toEqual(['conversions.purchase.kind']);
    }
    const plan = example('webshop') as any;
    plan.conversions.purchase.properties.value = { type: 'float', min: 0 };
    expect(errorsOf(plan).map((x) => x.path)).toEqual(['conversions.purchase.properties.value.type']);
  });

  it('"constructor" cannot name a property: it is a plan error with its reason', () => {
    const plan = example('webshop') as any;
    plan.conversions.purchase.properties.constructor = { type: 'string', optional: true };
    const e = errorsOf(plan).find((x) => x.path === 'conversions.purchase.properties.constructor')!;
    expect(e.message).toMatch(/"constructor" cannot be a name/);
    expect(e.hint).toMatch(/another name/);
  });

  it('a GA4 event name with an umlaut gets a hint that says which letters (intl QA 2026-12-07)', () => {
    const plan = example('webshop') as any;
    plan.conversions.purchase.send.ga4.event = 'größe';
    const e = errorsOf(plan).find((x) => x.path === 'conversions.purchase.send.ga4.event')!;
    expect(e.hint).toMatch(/A–Z and a–z \(no ä, ö, ü, ß or other accents\)/);
  });

  it('messages start with a capital letter, as a sentence does', () => {
    const plan = example('webshop') as any;
    plan.conversions.purchase.kind = 'mikro';
    const e = errorsOf(plan).find((x) => x.path === 'conversions.purchase.kind')!;
    expect(e.message).toBe('The text "mikro" is not allowed here; use one of "macro", "micro".');
    expect(e.hint).toBe('Did you mean "micro"?');
  });
});

describe('hints never list nothing and never suggest an invalid name', () => {
  const base = () => ({ version: 1, name: 'x', currency: 'EUR', conversions: { purchase: { kind: 'macro' } } }) as any;

  it('a trigger filling a property when the conversion declares none', () => {
    const plan = base();
    plan.conversions.purchase.trigger = { on: 'click', selector: '#buy', properties: { plan: 'text' } };
    const e = errorsOf(plan).find((x) => x.path === 'conversions.purchase.trigger.properties.plan')!;
    expect(e.hint).toBe('Declare "plan" under the conversion\'s "properties" first.');
  });

  it('funnel steps in a plan with no conversions', () => {
    const plan = { version: 1, name: 'x', conversions: {}, funnels: { f: ['a', 'b'] } };
    for (const e of errorsOf(plan)) expect(e.hint ?? '').not.toMatch(/: \.$/);
  });

  it('a funnel step written right while the conversion is written with spaces', () => {
    const plan = base();
    plan.conversions['Newsletter Signup'] = { kind: 'micro', supports: ['purchase'] };
    plan.funnels = { signup: ['newsletter_signup', 'purchase'] };
    const errors = errorsOf(plan);
    const step = errors.find((x) => x.path === 'funnels.signup[0]')!;
    expect(step.hint).not.toMatch(/Did you mean "Newsletter Signup"/);
    expect(step.hint).toMatch(/"Newsletter Signup", which is not a valid name; rename that to "newsletter_signup"/);
    const name = errors.find((x) => x.path === 'conversions["Newsletter Signup"]')!;
    expect(name.hint).toMatch(/^Did you mean "newsletter_signup"\?/);
  });
});

describe('one mistake, one error (hostile QA 2026-12-06)', () => {
  it('a trigger whose `on` is an object is named once, and no follow-on error shows "[object Object]"', () => {
    const plan = example('leadgen') as any;
    plan.conversions.demo_request.trigger.on = { submit: true };
    const errors = errorsOf(plan);
    expect(errors.map((e) => e.path)).toEqual(['conversions.demo_request.trigger.on']);
    expect(errors.map((e) => e.message).join('\n')).not.toContain('[object Object]');
  });
});

it('a value written as a price gets the number to write; a percentage or a name with a digit does not (second read 2026-12-06)', () => {
  const hintFor = (v: string) => { const p: any = example('webshop'); p.conversions.newsletter_signup.value = v; return parsePlan(p).errors.find((e) => e.path === 'conversions.newsletter_signup.value')?.hint; };
  expect(hintFor('15,50')).toMatch(/decimal point: 15\.50 /);
  expect(hintFor('NOK 15')).toMatch(/decimal point: 15 /);
  expect(hintFor('10%')).toBeUndefined();
  expect(hintFor('Sum2')).toBeUndefined();
});
