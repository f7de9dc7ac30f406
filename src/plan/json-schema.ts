import { z } from 'zod';
import { planSchema } from './schema';
import type { Shape } from './shape';

/** The plan's JSON Schema (draft 2020-12), generated from the zod schema. */
export function buildSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema: schema.$schema, $id: 'https://unpkg.com/measureplan/plan.schema.json', title: 'measureplan measurement plan', ...schema };
}

type Json = Record<string, any>;
const TYPES: Record<string, Shape['t']> = { object: 'o', string: 's', number: 'n', integer: 'i', boolean: 'b', array: 'a' };
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Shrinks the JSON Schema into the compact `Shape` the browser checker reads: one-letter keys,
 * no descriptions, and only the keywords the plan schema uses (anything else is an error here,
 * so the browser never silently skips a rule the JSON Schema has).
 */
export function compactSchema(s: Json): Shape {
  const out: Shape = {};
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case '$schema': case '$id': case 'title': case 'description': break;
      case 'type': out.t = TYPES[v]!; break;
      case 'properties': out.p = Object.fromEntries(Object.entries(v as Json).map(([n, c]) => [n, compactSchema(c)])); break;
      case 'required': out.r = v; break;
      case 'additionalProperties': out.a = v === false ? 0 : compactSchema(v); break;
      case 'propertyNames': if (v.pattern) out.k = v.pattern; break;
      case 'pattern': out.x = v; break;
      case 'enum': out.e = v; break;
      case 'const': out.c = v; break;
      case 'minimum': if (v !== -MAX_SAFE) out.n = v; break;
      case 'maximum': if (v !== MAX_SAFE) out.m = v; break;
      case 'exclusiveMinimum': out.N = v; break;
      case 'minLength': out.l = v; break;
      case 'maxLength': out.L = v; break;
      case 'minItems': out.I = v; break;
      case 'maxItems': out.J = v; break;
      case 'items': out.i = compactSchema(v); break;
      case 'anyOf': case 'oneOf': out.u = (v as Json[]).map(compactSchema); break;
      default: throw new Error(`compactSchema: JSON Schema keyword "${k}" is not supported by the browser checker`);
    }
  }
  return out;
}
