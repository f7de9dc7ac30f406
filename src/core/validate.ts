/**
 * Checks a `track()` call's properties against the conversion's property spec in the plan.
 * Returns the problems (path + reason); an event with any problem is not forwarded anywhere.
 */
import type { PropertySpec } from '../plan/types';

export interface PropertyProblem { path: string; reason: string }

const patterns = new Map<string, RegExp>();
const pattern = (p: string) => { let re = patterns.get(p); if (!re) patterns.set(p, (re = new RegExp(p))); return re; };

const ITEM_FIELDS: Record<string, string> = { item_id: 'string', item_name: 'string', price: 'number', quantity: 'number', item_category: 'string' };

function checkValue(spec: PropertySpec, v: unknown, path: string, out: PropertyProblem[]): void {
  const t = spec.type;
  const bad = (reason: string) => { out.push({ path, reason }); };
  if (t === 'items') {
    if (!Array.isArray(v)) return bad('must be a list of items');
    v.forEach((item, i) => {
      if (typeof item !== 'object' || item === null) return out.push({ path: `${path}[${i}]`, reason: 'must be an item object' });
      if (typeof (item as Record<string, unknown>).item_id !== 'string') out.push({ path: `${path}[${i}].item_id`, reason: 'is required (a text)' });
      for (const [k, want] of Object.entries(ITEM_FIELDS)) {
        const x = (item as Record<string, unknown>)[k];
        if (x !== undefined && typeof x !== want) out.push({ path: `${path}[${i}].${k}`, reason: `must be a ${want === 'string' ? 'text' : 'number'}` });
      }
    });
    return;
  }
  const type = t === 'integer' ? 'number' : t;
  if (typeof v !== type || (type === 'number' && !Number.isFinite(v as number))) return bad(`must be ${t === 'string' ? 'a text' : t === 'boolean' ? 'true or false' : `a ${t}`}, not ${v === null ? 'null' : typeof v}`);
  if (t === 'integer' && !Number.isInteger(v)) return bad('must be a whole number');
  if (spec.enum && !spec.enum.includes(v as string | number)) return bad(`must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof v === 'number') {
    if (spec.min !== undefined && v < spec.min) return bad(`must be at least ${spec.min}`);
    if (spec.max !== undefined && v > spec.max) return bad(`must be at most ${spec.max}`);
  }
  if (typeof v === 'string') {
    if (spec.maxLength !== undefined && v.length > spec.maxLength) return bad(`must be at most ${spec.maxLength} characters`);
    if (spec.pattern !== undefined && !pattern(spec.pattern).test(v)) return bad(`must match ${spec.pattern}`);
  }
}

export function validateProperties(specs: Record<string, PropertySpec>, props: unknown): PropertyProblem[] {
  const out: PropertyProblem[] = [];
  if (props === undefined || props === null) props = {};
  if (typeof props !== 'object' || Array.isArray(props)) return [{ path: 'properties', reason: 'must be an object' }];
  const given = props as Record<string, unknown>;
  for (const key in given) if (!Object.prototype.hasOwnProperty.call(specs, key) && given[key] !== undefined) out.push({ path: `properties.${key}`, reason: 'is not a property of this conversion in the plan' });
  for (const key in specs) {
    const v = given[key];
    if (v === undefined) { if (!specs[key]!.optional) out.push({ path: `properties.${key}`, reason: 'is required by the plan' }); continue; }
    checkValue(specs[key]!, v, `properties.${key}`, out);
  }
  return out;
}
