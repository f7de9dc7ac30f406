import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { corpus } from './corpus';
import { example, exampleText } from './fixtures';

describe('parsePlan on the example plans', () => {
  for (const name of ['webshop', 'leadgen'] as const) {
    it(`accepts ${name}.json as text and as an object`, () => {
      const fromText = parsePlan(exampleText(name));
      expect(fromText.errors).toEqual([]);
      expect(fromText.ok).toBe(true);
      expect(parsePlan(example(name))).toEqual(fromText);
    });
  }

  it('normalises: consent defaults, names, empty sends and funnels', () => {
    const result = parsePlan({ version: 1, name: 'Minimal', conversions: { signup: { kind: 'macro' } } });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.consent.default).toEqual({ analytics: 'denied', ads: 'denied' });
    expect(result.plan.conversions.signup).toEqual({ kind: 'macro', name: 'signup', properties: {}, supports: [], send: {} });
    expect(result.plan.funnels).toEqual({});
    expect(result.plan.destinations).toEqual({});
  });

  it('keeps the plan default for a category the plan leaves out', () => {
    const result = parsePlan({ ...example('webshop'), consent: { default: { analytics: 'granted' } } });
    expect(result.ok && result.plan.consent.default).toEqual({ analytics: 'granted', ads: 'denied' });
  });

  it('keeps consent.gpc, and leaves it out when the plan does (the tracker reads that as "deny-ads")', () => {
    for (const gpc of ['deny-ads', 'banner'] as const) {
      const result = parsePlan({ ...example('webshop'), consent: { gpc } });
      expect(result.ok && result.plan.consent).toEqual({ default: { analytics: 'denied', ads: 'denied' }, gpc });
    }
    const plain = parsePlan({ ...example('webshop'), consent: {} });
    expect(plain.ok && plain.plan.consent).toEqual({ default: { analytics: 'denied', ads: 'denied' } });
  });

  it('keeps bots, and leaves it out when the plan does (the tracker reads that as "skip")', () => {
    for (const bots of ['skip', 'measure'] as const) {
      const result = parsePlan({ ...example('webshop'), bots });
      expect(result.ok && result.plan.bots).toBe(bots);
    }
    const plain = parsePlan(example('webshop'));
    expect(plain.ok && 'bots' in plain.plan).toBe(false);
  });

  it('does not change the input object', () => {
    const input = example('webshop');
    const copy = structuredClone(input);
    parsePlan(input);
    expect(input).toEqual(copy);
  });
});

describe('parsePlan on broken plans', () => {
  it('has a corpus of at least 40 broken plans', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  for (const broken of corpus) {
    it(`reports ${broken.name} at ${broken.path || '(root)'}`, () => {
      const result = parsePlan(broken.plan);
      expect(result.ok).toBe(false);
      const error = result.errors.find((e) => e.path === broken.path);
      expect(error, `no error at ${broken.path}; got ${JSON.stringify(result.errors, null, 2)}`).toBeDefined();
      expect(error!.message).toMatch(broken.message);
      if (broken.hint) expect(error!.hint).toMatch(broken.hint);
    });
  }

  it('reports every problem at once, not just the first', () => {
    const plan = example('webshop');
    plan.version = 3 as 1;
    plan.destinations!.ga4!.measurementId = 'UA-1';
    (plan.conversions.phone_click as any).kind = 'mikro';
    (plan.funnels as any).checkout = ['view_item', 'nope'];
    const paths = parsePlan(plan).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining([
      'version', 'destinations.ga4.measurementId', 'conversions.phone_click.kind', 'funnels.checkout[1]',
    ]));
  });

  it('gives JSON syntax errors a line and column', () => {
    const result = parsePlan('{\n  "version": 1,\n  "name": "x",\n}');
    expect(result.errors[0]).toMatchObject({ line: 4, column: 1 });
  });

  it('never throws, whatever it is given', () => {
    const odd: unknown[] = [undefined, null, 42, 'null', '"text"', [], { conversions: null }, { conversions: { a: null } },
      { version: 1, name: 'x', conversions: { a: { kind: 'micro', supports: [null, 3], trigger: 7, send: [] } } },
      JSON.parse('{"__proto__": {"polluted": true}, "version": 1}'), { funnels: { f: 'x' }, conversions: { b: { properties: [] } } }];
    for (const value of odd) {
      const result = parsePlan(value);
      expect(result.ok).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
      for (const e of result.errors) expect(typeof e.message).toBe('string');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('writes messages for people: no raw codes, every message ends as a sentence', () => {
    const all = corpus.flatMap((b) => parsePlan(b.plan).errors);
    for (const e of all) {
      expect(e.message).not.toMatch(/^Problem "/);
      expect(e.message).toMatch(/[.)]$/);
    }
  });
});
