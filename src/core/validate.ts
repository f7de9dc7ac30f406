/**
 * Checks a `track()` call's properties against the conversion's property spec in the plan.
 * Returns the problems (path + reason); an event with any problem is not forwarded anywhere.
 * A valid call (nearly every call) allocates nothing here: this runs on the host page's time.
 */
import type { PropertySpec } from '../plan/types';
import { has } from '../plan/shape';

export interface PropertyProblem { path: string; reason: string }

const patterns = new Map<string, RegExp>();
const pattern = (p: string) => { let re = patterns.get(p); if (!re) patterns.set(p, (re = new RegExp(p))); return re; };
const ITEM_FIELDS: Record<string, string> = { item_id: 'string', item_name: 'string', price: 'number', quantity: 'number', item_category: 'string' };
const NONE: readonly PropertyProblem[] = Object.freeze([]);

/** Adds the problems of an `items` list to `out` (created on the first one); returns it. */
function itemProblems(v: unknown, path: string, out: PropertyProblem[] | undefined): PropertyProblem[] | undefined {
  if (!Array.isArray(v)) return push(out, path, 'must be a list of items');
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (typeof item !== 'object' || item === null) { out = push(out, `${path}[${i}]`, 'must be an item object'); continue; }
    const it = item as Record<string, unknown>;
    if (it.item_id === undefined) out = push(out, `${path}[${i}].item_id`, 'is required (a text)');
    for (const k in ITEM_FIELDS) {
      const want = ITEM_FIELDS[k]!;
      if (!has(ITEM_FIELDS, k)) continue; // a key a page library put on Object.prototype is no item field
      if (it[k] !== undefined && (typeof it[k] !== want || (want === 'number' && !Number.isFinite(it[k])))) out = push(out, `${path}[${i}].${k}`, `must be a ${want === 'string' ? 'text' : 'number'}`);
    }
  }
  return out;
}

const push = (out: PropertyProblem[] | undefined, path: string, reason: string): PropertyProblem[] => {
  (out ??= []).push({ path, reason });
  return out;
};

/** Why a scalar value breaks its spec, or undefined when it fits. */
function scalarProblem(spec: PropertySpec, v: unknown): string | undefined {
  const t = spec.type;
  const type = t === 'integer' ? 'number' : t;
  if (typeof v !== type || (type === 'number' && !Number.isFinite(v as number))) return `must be ${t === 'string' ? 'a text' : t === 'boolean' ? 'true or false' : `a ${t}`}, not ${v === null ? 'null' : typeof v == 'number' ? v : typeof v}`;
  if (t === 'integer' && !Number.isInteger(v)) return 'must be a whole number';
  if (spec.enum && !spec.enum.includes(v as string | number)) return `must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (typeof v === 'number') {
    if (spec.min !== undefined && v < spec.min) return `must be at least ${spec.min}`;
    if (spec.max !== undefined && v > spec.max) return `must be at most ${spec.max}`;
  }
  if (typeof v === 'string') {
    if (spec.maxLength !== undefined && v.length > spec.maxLength) return `must be at most ${spec.maxLength} characters`;
    if (spec.pattern !== undefined && !pattern(spec.pattern).test(v)) return `must match ${spec.pattern}`;
  }
  return undefined;
}

/** A value the object holds through its prototype chain (a class's getter, `Object.create`), never Object.prototype's. */
function inherited(o: object, k: string): unknown {
  for (let p = Object.getPrototypeOf(o); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) if (has(p, k)) return (o as Record<string, unknown>)[k];
}

/** An own copy of an object: its own fields and the named ones it holds through its prototype chain. */
function copy(o: object, names: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const k in names) if (has(names, k) && !has(out, k)) { const v = inherited(o, k); if (v !== undefined) out[k] = v; }
  return out;
}

/** The `items`-typed property names of each conversion's spec, found once. */
const itemKeys = new WeakMap<object, string[]>();
/** A plain object (a literal, JSON): its own fields are all there is, and a spread copies them. */
const plain = (o: object) => { const p = Object.getPrototypeOf(o); return p === Object.prototype || p === null; };
const copyItem = (i: unknown) => (i && typeof i === 'object' ? (plain(i) ? { ...i } : copy(i, ITEM_FIELDS)) : i);

/**
 * The `track()` call's properties read once, into a copy that is validated and sent alike: its own
 * fields, and the plan's properties (and item fields) an instance holds through getters (hostile
 * QA 2026-12-06: an order class with getters passed the check and went out without its values; a
 * getter read twice could pass the check with one value and send another). The copies also keep
 * what destinations read later from the page's cart objects changed since. This runs on every
 * track(): a plain object takes a spread, and nothing else is looked up.
 */
export function snapshot(specs: Record<string, PropertySpec>, props: unknown): unknown {
  if (!props || typeof props !== 'object' || Array.isArray(props)) return props;
  const own = plain(props) ? { ...props } as Record<string, unknown> : copy(props, specs);
  let keys = itemKeys.get(specs);
  if (!keys) itemKeys.set(specs, (keys = Object.keys(specs).filter((k) => specs[k]!.type === 'items')));
  for (let n = 0; n < keys.length; n++) {
    const v = own[keys[n]!];
    if (Array.isArray(v)) own[keys[n]!] = v.map(copyItem);
  }
  return own;
}

export function validateProperties(specs: Record<string, PropertySpec>, props: unknown): readonly PropertyProblem[] {
  if (props === undefined || props === null) props = {};
  if (typeof props !== 'object' || Array.isArray(props)) return [{ path: 'properties', reason: 'must be an object' }];
  // No helper closure over `out`: one per call was garbage on every valid call.
  let out: PropertyProblem[] | undefined;
  const given = props as Record<string, unknown>;
  // Own keys only, here and below: an enumerable key a page library put on Object.prototype is
  // neither a property the caller gave nor one the plan declares.
  for (const key in given) if (has(given, key) && !has(specs, key) && given[key] !== undefined) out = push(out, `properties.${key}`, 'is not a property of this conversion in the plan');
  for (const key in specs) {
    if (!has(specs, key)) continue;
    const spec = specs[key]!;
    const v = given[key];
    if (v === undefined) { if (!spec.optional) out = push(out, `properties.${key}`, 'is required by the plan'); continue; }
    if (spec.type === 'items') {
      out = itemProblems(v, `properties.${key}`, out);
      continue;
    }
    const reason = scalarProblem(spec, v);
    if (reason) out = push(out, `properties.${key}`, reason);
  }
  return out ?? NONE;
}
