import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { planSchema } from '../../src/plan/schema';
import { buildSchema, compactSchema } from '../../src/plan/json-schema';
import { PLAN_SHAPE } from '../../src/plan/shape.gen';
import { parsePlan } from '../../src/plan/parse';
import { corpus } from './corpus';
import { example } from './fixtures';

const shipped = JSON.parse(readFileSync(new URL('../../plan.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(shipped);
const parses = (text: string) => { try { JSON.parse(text); return true; } catch { return false; } };
// Plans that are JSON values (the syntax-error cases are parsePlan's alone).
const objects = corpus.filter((b) => typeof b.plan === 'object' || parses(b.plan));
const asValue = (p: unknown) => (typeof p === 'string' ? JSON.parse(p) : p);

describe('plan.schema.json', () => {
  it('is generated from the zod schema and up to date (run `npm run build` after changing src/plan/schema.ts)', () => {
    expect(shipped).toEqual(buildSchema());
  });

  it('is what the browser checker interprets (src/plan/shape.gen.ts is up to date)', () => {
    expect(PLAN_SHAPE).toEqual(compactSchema(buildSchema()));
  });

  for (const name of ['webshop', 'leadgen'] as const) {
    it(`accepts ${name}.json, as zod and parsePlan do`, () => {
      const plan = example(name);
      expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
      expect(planSchema.safeParse(plan).success).toBe(true);
      expect(parsePlan(plan).ok).toBe(true);
    });
  }

  it('says every pattern in words for editors (patternErrorMessage), and refuses an empty conversions object (marketer QA 2026-12-06)', () => {
    // The red squiggle quoted the regular expression: `String does not match the pattern of "^G-[A-Z0-9]{4,16}$"`.
    const patterns: [string, string | undefined][] = [];
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(walk);
      if (!n || typeof n !== 'object') return;
      const o = n as Record<string, unknown>;
      if (typeof o.pattern === 'string') patterns.push([o.pattern, o.patternErrorMessage as string | undefined]);
      Object.values(o).forEach(walk);
    };
    walk(shipped);
    expect(patterns.length).toBeGreaterThan(30);
    expect(patterns.filter(([, words]) => !words)).toEqual([]);
    expect(patterns.find(([p]) => p.startsWith('^G-'))![1]).toMatch(/GA4 measurement id starts with "G-"/);
    const empty = { ...example('webshop'), conversions: {} };
    expect(validate(empty)).toBe(false);
    expect(parsePlan(empty).ok).toBe(false);
  });

  it('refuses a page_view trigger with neither path nor regex, as parsePlan does (contract QA 2026-12-06)', () => {
    const plan: any = example('webshop');
    const trigger = plan.conversions.visited_pricing.trigger;
    delete trigger.path;
    expect(validate(plan)).toBe(false);
    expect(validate.errors!.map((e) => `${e.instancePath} ${e.keyword} ${(e.params as any).missingProperty ?? ''}`)).toContain('/conversions/visited_pricing/trigger required regex');
    expect(parsePlan(plan).ok).toBe(false);
    for (const only of [{ regex: '^/pricing' }, { path: '/pricing*' }]) {
      const ok: any = example('webshop');
      ok.conversions.visited_pricing.trigger = { on: 'page_view', ...only };
      expect(validate(ok), JSON.stringify(validate.errors)).toBe(true);
      expect(parsePlan(ok).ok).toBe(true);
    }
  });

  const expressible = objects.filter((b) => b.schema);
  it('covers a good part of the corpus', () => expect(expressible.length).toBeGreaterThanOrEqual(30));

  for (const broken of expressible) {
    it(`rejects "${broken.name}" at the same path as parsePlan`, () => {
      const value = asValue(broken.plan);
      expect(validate(value)).toBe(false);
      expect(planSchema.safeParse(value).success).toBe(false);
      // ajv writes JSON pointers; map ours (a.b[0]) to compare where the problem is.
      const pointer = '/' + broken.path.replace(/\["([^"]+)"\]/g, '.$1').replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/');
      const places = validate.errors!.map((e) => e.instancePath + (e.params && 'missingProperty' in e.params ? `/${e.params.missingProperty}` : '')
        + (e.params && 'additionalProperty' in e.params ? `/${e.params.additionalProperty}` : '') + (e.keyword === 'propertyNames' ? `/${(e.params as any).propertyName}` : ''));
      expect(places.some((p) => p === pointer || (pointer === '/' && p === '')), `ajv said ${JSON.stringify(validate.errors)}`).toBe(true);
    });
  }

  for (const broken of objects.filter((b) => !b.schema)) {
    it(`leaves "${broken.name}" to parsePlan's cross-field rules, which reject it`, () => {
      expect(parsePlan(asValue(broken.plan)).ok).toBe(false);
    });
  }
});
