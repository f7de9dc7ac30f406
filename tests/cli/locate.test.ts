import { describe, expect, it } from 'vitest';
import { createLocator, parsePath } from '../../src/cli/locate';
import { lintPlan } from '../../src/cli/lint';
import { parsePlan } from '../../src/plan/parse';
import { example } from '../plan/fixtures';

describe('parsePath', () => {
  it('reads the notation of plan errors', () => {
    expect(parsePath('conversions.purchase.send.meta.event')).toEqual(['conversions', 'purchase', 'send', 'meta', 'event']);
    expect(parsePath('funnels.checkout[1]')).toEqual(['funnels', 'checkout', 1]);
    expect(parsePath('conversions["Bad Name"].kind')).toEqual(['conversions', 'Bad Name', 'kind']);
    expect(parsePath('conversions["say \\"hi\\""]')).toEqual(['conversions', 'say "hi"']);
    expect(parsePath('$schema')).toEqual(['$schema']);
    expect(parsePath('')).toEqual([]);
    expect(parsePath('.oops')).toBeUndefined();
  });
});

describe('createLocator', () => {
  // Counted by hand: line 3 is `  "b": [10, {"c": "x"}],`, line 4 is ` "odd key": {"d": null}`.
  const text = '{\n  "a": 1,\n  "b": [10, {"c": "x"}],\n "odd key": {"d": null}\n}';
  const at = createLocator(text);
  it('finds values, array elements and keys', () => {
    expect(at('a')).toEqual({ line: 2, column: 8 });
    expect(at('a', 'key')).toEqual({ line: 2, column: 3 });
    expect(at('b[0]')).toEqual({ line: 3, column: 9 });
    expect(at('b[1].c')).toEqual({ line: 3, column: 19 });
    expect(at('b[1].c', 'key')).toEqual({ line: 3, column: 14 });
    expect(at('["odd key"].d')).toEqual({ line: 4, column: 19 });
    expect(at('["odd key"]', 'key')).toEqual({ line: 4, column: 2 });
    expect(at('')).toEqual({ line: 1, column: 1 });
  });
  it('points a missing field at the object that should hold it', () => {
    expect(at('b[1].missing')).toEqual({ line: 3, column: 13 });
    expect(at('["odd key"].e', 'key')).toEqual({ line: 4, column: 13 });
    expect(at('b[7]')).toEqual({ line: 3, column: 8 });
  });
  it('keeps the last of duplicate keys, as JSON.parse does', () => {
    expect(createLocator('{"a": 1,\n"a": 2}')('a')).toEqual({ line: 2, column: 6 });
  });
  it('handles CRLF line ends, escapes in keys and text that is not JSON', () => {
    expect(createLocator('{\r\n  "k\\"ey": {\r\n    "v": true\r\n  }\r\n}')('["k\\"ey"].v')).toEqual({ line: 3, column: 10 });
    expect(createLocator('{ "a": ')('a')).toEqual({ line: 1, column: 1 });
  });
});

describe('lintPlan', () => {
  const plan = (edit: (p: any) => void) => { const p = example('webshop'); edit(p); const r = parsePlan(p); if (!r.ok) throw new Error(JSON.stringify(r.errors)); return r.plan; };
  it('has nothing to say about the example plans', () => {
    expect(lintPlan(plan(() => {}))).toEqual([]);
    const lead = parsePlan(example('leadgen'));
    expect(lead.ok && lintPlan(lead.plan)).toEqual([]);
  });
  it('names each doubtful case with its rule', () => {
    const rules = (edit: (p: any) => void) => lintPlan(plan(edit)).map((w) => `${w.rule} ${w.path}`);
    expect(rules((p) => { delete p.conversions.phone_click.supports; })).toEqual(['micro-supports-nothing conversions.phone_click.supports']);
    expect(rules((p) => { p.conversions.signup = { kind: 'macro', send: { collector: {} } }; })).toEqual(['macro-without-value conversions.signup.value']);
    expect(rules((p) => { p.conversions.phone_click.send = {}; p.conversions.purchase.send.googleAds = undefined; delete p.conversions.purchase.send.googleAds; }))
      .toEqual(['sent-nowhere conversions.phone_click.send', 'destination-unused destinations.googleAds']);
    expect(rules((p) => { delete p.conversions.visited_pricing.send.linkedin; })).toEqual(['destination-unused destinations.linkedin']);
  });
});
