/**
 * A tiny interpreter for the compact plan shape generated from the JSON Schema. It reports
 * every mismatch (never only the first) as a coded issue; `explain.ts` turns codes into words.
 */
export interface Shape {
  t?: 'o' | 's' | 'n' | 'i' | 'b' | 'a';
  p?: Record<string, Shape>;
  r?: string[];
  a?: 0 | Shape;
  k?: string;
  x?: string;
  e?: unknown[];
  c?: unknown;
  n?: number;
  m?: number;
  /** Exclusive minimum (`"exclusiveMinimum"`). */
  N?: number;
  l?: number;
  L?: number;
  I?: number;
  /** Most items in a list (`"maxItems"`). */
  J?: number;
  i?: Shape;
  u?: Shape[];
}

/** One problem found in a plan: where, what kind, and the facts a message needs. */
export interface Issue {
  path: string;
  code: string;
  /** The offending value (or key). */
  value?: unknown;
  /** What would have been right: a type, allowed values, a bound, known keys. */
  expected?: unknown;
}
export type Emit = (path: string, code: string, value?: unknown, expected?: unknown) => void;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The object's own fields without those that are `undefined` (gtag would send them as empty
 * parameters; a cart line would lose its price), and without those `drop` (when given) returns true for.
 */
export function defined(o: Record<string, unknown>, drop?: (k: string, v: unknown) => unknown): Record<string, unknown> {
  // A loop, not entries/filter/fromEntries: this runs for every conversion (and every GA4 item).
  const out: Record<string, unknown> = {};
  for (const k in o) {
    if (!has(o, k)) continue; // own fields only: never a key a page library put on Object.prototype
    const v = o[k];
    if (v !== undefined && !drop?.(k, v)) out[k] = v;
  }
  return out;
}

/** `a.b`, `a[2]`, `a["odd key"]`: the JSON path notation of every message (`at(p, 'x', 0)` is `p.x[0]`). */
export const at = (path: string, ...keys: (string | number)[]): string => keys.reduce<string>((p, k) =>
  typeof k === 'number' ? `${p}[${k}]` : !/^[A-Za-z_$][\w$]*$/.test(k) ? `${p}[${JSON.stringify(k)}]` : p ? `${p}.${k}` : k, path);

const typeOf = (v: unknown): Shape['t'] | 'null' | 'other' =>
  v === null ? 'null' : Array.isArray(v) ? 'a' : isObj(v) ? 'o' : typeof v === 'string' ? 's'
    : typeof v === 'boolean' ? 'b' : typeof v === 'number' && Number.isFinite(v) ? (Number.isInteger(v) ? 'i' : 'n') : 'other';
const fits = (t: Shape['t'], v: unknown) => { const a = typeOf(v); return a === t || (t === 'n' && a === 'i'); };

/** The key every branch of a union fixes with `const` (the trigger's `on`), if there is one. */
const discriminator = (u: Shape[]) => Object.keys(u[0]?.p ?? {}).find((k) => u.every((b) => b.p?.[k] && 'c' in b.p[k]!));

export function walk(s: Shape, v: unknown, path: string, emit: Emit): void {
  if (s.u) {
    const d = discriminator(s.u);
    if (d) {
      if (!isObj(v)) return emit(path, 'type', v, 'o');
      const branch = s.u.find((b) => b.p![d]!.c === v[d]);
      if (!branch) return emit(at(path, d), v[d] === undefined ? 'missing' : 'enum', v[d], s.u.map((b) => b.p![d]!.c));
      return walk(branch, v, path, emit);
    }
    const branch = s.u.find((b) => fits(b.t, v));
    return branch ? walk(branch, v, path, emit) : emit(path, 'type', v, s.u.map((b) => b.t).join('|'));
  }
  if ('c' in s) { if (v !== s.c) emit(path, 'const', v, s.c); return; }
  if (s.t && !fits(s.t, v)) return emit(path, 'type', v, s.t);
  if (s.e && !s.e.includes(v)) return emit(path, 'enum', v, s.e);
  if (typeof v === 'string') {
    if (v.length < (s.l ?? 0) || (s.x && !v.trim())) return emit(path, 'empty', v);
    if (s.x && !new RegExp(s.x).test(v)) return emit(path, 'format', v);
  }
  if (typeof v === 'number' && (v < (s.n ?? -Infinity) || v > (s.m ?? Infinity) || v <= s.N!)) return emit(path, 'range', v, [s.n, s.m, s.N]);
  if (Array.isArray(v)) {
    if (v.length < (s.I ?? 0)) return emit(path, 'few', v, s.I);
    if (v.length > s.J!) return emit(path, 'many', v, s.J);
    if (s.i) v.forEach((x, i) => walk(s.i!, x, at(path, i), emit));
  }
  if (isObj(v)) {
    for (const key of Object.keys(v)) {
      const p = at(path, key);
      if (s.p && has(s.p, key)) walk(s.p[key]!, v[key], p, emit);
      else if (s.a === 0) emit(p, 'unknown', key, Object.keys(s.p ?? {}));
      else if (s.a) {
        if (s.k && !new RegExp(s.k).test(key)) emit(p, 'name', key);
        walk(s.a, v[key], p, emit);
      }
    }
    for (const key of s.r ?? []) if (v[key] === undefined) emit(at(path, key), 'missing', key);
  }
}
