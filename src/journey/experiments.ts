/**
 * Experiments ("test one change at a time and measure it"). A visitor's variant is a pure
 * function of their anonymous id and the experiment's name, so it is the same on every page and
 * in every session without storing the assignment, and the split follows the plan's weights.
 *
 * The fallback: without analytics consent there is no stored visitor id, so the visitor is not
 * in the test: `variant()` returns the first variant (the control) and nothing is recorded. On a
 * page where consent arrives later, the answer already given stays for that page.
 *
 * An exposure (the visitor actually saw their variant) is recorded once per visitor and
 * experiment; from then on every conversion carries the visitor's `experiments`.
 */
import type { Plan } from '../plan/types';
import type { Store } from '../core/storage';
import { entriesOk, kept, type Writer } from './kept';
import { has } from '../plan/shape';
import { fnv } from '../core/hash';

/**
 * A 32-bit hash spread evenly over its range: FNV-1a over the text, then MurmurHash3's final mix
 * (without it, ids that differ in one character land in neighbouring buckets).
 */
export function bucketHash(s: string): number {
  let h = fnv(s);
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The variant of `experiment` for a visitor id: the weights cut [0, 1) into consecutive ranges. */
export function assign(visitorId: string, experiment: string, variants: readonly string[], weights: readonly number[]): string {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = (bucketHash(`${experiment}:${visitorId}`) / 2 ** 32) * total;
  for (let i = 0; i < variants.length; i++) {
    x -= weights[i]!;
    if (x < 0) return variants[i]!;
  }
  return variants[variants.length - 1]!;
}

export function createExperiments(plan: Plan, store: Store, writer: Writer, expose: (experiment: string, variant: string) => void) {
  /** The variants this visitor was exposed to (stored under analytics consent). */
  const seen = kept<Record<string, string>>(store, 'exp', () => ({}), (v): v is Record<string, string> =>
    entriesOk(v, (x) => typeof x === 'string'), writer);
  /** Answers given on this page: a page never changes its mind, even if consent arrives. */
  const page: Record<string, string> = Object.create(null);

  // The exposure is decided where the state is known: at once with consent, else when the grant
  // replays this onto what earlier pages stored (a visitor already exposed is not exposed again).
  // Once per visitor also across tabs opened together (a restored session): what another tab
  // stored a moment ago is read first, and this one is stored at once.
  /** Exposures counted on this page, and the count at each experiment's own (none: an earlier page's). */
  let count = 0;
  const at: Record<string, number> = Object.create(null);
  const record = (name: string, variant: string) => {
    const n = ++count;
    seen.fresh();
    // Replayed at the grant onto what earlier pages stored: an exposure found there is theirs.
    seen.update((v) => {
      if (v[name] === variant) { delete at[name]; return v; }
      at[name] = n;
      if (seen.allowed) expose(name, variant);
      return { ...v, [name]: variant };
    });
    writer.flush();
  };

  /** current()'s answer for the record it was computed from: asked on every conversion, the record rarely changes. */
  let of: Record<string, string> | undefined;
  let answer: Record<string, string> | undefined;

  return {
    seen,
    /** The experiments this visitor is in (for every conversion's context), or undefined. */
    current: (): Record<string, string> | undefined => {
      const v = seen.value;
      if (v !== of) { of = v; answer = undefined; for (const k in v) if (has(v, k)) { answer = v; break; } }
      return answer;
    },
    /** How many exposures this page has counted: a conversion read later (held for consent) carries only those before it. */
    mark: (): number => count,
    /** current() as of `mark`: without the experiments this page exposed the visitor to after it. */
    asOf(mark: number): Record<string, string> | undefined {
      let r: Record<string, string> | undefined;
      const v = seen.value;
      for (const k in v) if (has(v, k) && !(at[k]! > mark)) (r ??= {})[k] = v[k]!;
      return r;
    },
    variant(name: string, visitorId: string | undefined): string | undefined {
      const x = plan.experiments[name]!;
      if (page[name]) return page[name];
      if (visitorId === undefined) return (page[name] = x.variants[0]!);
      // Sticky: a visitor already exposed keeps that variant when the plan's weights or variants
      // change during the test (a ramp from 90/10 to 50/50 would move 40 % of them otherwise).
      const had = seen.value[name];
      const v = (page[name] = had && x.variants.includes(had) ? had : assign(visitorId, name, x.variants, x.weights));
      record(name, v);
      return v;
    },
    /** An assignment made by another A/B tool. */
    external(name: string, variant: string): void {
      page[name] = variant;
      record(name, variant);
    },
  };
}
