import { z } from 'zod';
import { planSchema } from './schema';
import type { Shape } from './shape';

/** The plan's JSON Schema (draft 2020-12), generated from the zod schema. */
export function buildSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return words({ $schema: schema.$schema, $id: 'https://unpkg.com/measureplan/plan.schema.json', title: 'measureplan measurement plan', ...schema }) as Record<string, unknown>;
}

/**
 * What an editor says under a value that breaks a pattern (`patternErrorMessage`, which VS Code and
 * other editors built on its JSON service show instead of the regular expression), in the words
 * `measureplan validate` uses (marketer QA 2026-12-06: the red squiggle quoted the regex).
 */
const PATTERN_WORDS: Record<string, string> = {
  '^[A-Z]{3}$': 'A currency is a three-letter ISO 4217 code in capitals, such as "NOK" or "EUR".',
  '^G-[A-Z0-9]{4,16}$': 'A GA4 measurement id starts with "G-", such as "G-F1X2Y3Z4W5" (Admin → Data streams).',
  '^AW-\\d{6,15}$': 'A Google Ads conversion id is "AW-" and digits, such as "AW-123456789", without the "/label" part.',
  '^\\d{10,20}$': 'A Meta pixel id is 10 to 20 digits, written as text: "123456789012345".',
  '^\\d{3,12}$': 'A LinkedIn partner id is digits, written as text: "1234567".',
  '^\\d{4,12}$': 'A UET tag id is digits, written as text: "12345678".',
  '^(\\/(?![/\\\\])|https?:\\/\\/)\\S*$': 'The collector address is a path on the site ("/collect") or a full https:// address, without spaces.',
  '^[a-z][a-z0-9_]{0,39}$': 'A name is lower case letters, digits and _, starting with a letter, at most 40 characters: "newsletter_signup".',
  '^(?!constructor$)[a-z][a-z0-9_]{0,39}$': 'A property name is lower case letters, digits and _, starting with a letter, at most 40 characters (not "constructor").',
  '^[/*]': 'A path starts with "/" (a page of the site, "*" for any part): "/pricing*".',
  '^(data-[a-z0-9_-]+|text|href|field:[^\\s]+)$': 'Where the value comes from: "data-<attribute>", "text", "href" or "field:<form field name>".',
  '^[A-Za-z][A-Za-z0-9_]{0,39}$': 'A GA4 event name is letters, digits and _, starting with a letter, at most 40 characters: "sign_up".',
  '^[A-Za-z0-9_-]{1,64}$': 'A Google Ads conversion label is letters, digits, "-" and "_" (the part after the "/" in "AW-123456789/AbC-D_efG1").',
  '^[A-Za-z0-9_ -]{1,50}$': 'A Meta event name is letters, digits, spaces, "-" and "_", at most 50 characters: "Purchase" or "PhoneCall".',
  '^[1-9]\\d{0,4}(m|h|d)$': 'A duration is a whole number and m, h or d: "30m", "24h", "7d".',
  '^(?=.{1,253}$)(localhost|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$': 'A linked domain is a site\'s host name in lower case, without "https://", port or path: "checkout.shop.no" (not a top-level domain alone).',
  '^[A-Za-z0-9_-]{1,40}$': 'A variant name is letters, digits, "-" and "_", at most 40 characters: "control", "b".',
};

/**
 * The schema with `patternErrorMessage` beside each pattern, a conversion list that may not be
 * empty, and a page_view trigger with a path or a regex: rules the browser's cross-field checks
 * keep, which the editor should show too (compactSchema leaves them out).
 */
function words(node: unknown, key = ''): unknown {
  if (Array.isArray(node)) return node.map((n) => words(n));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = words(v, k);
  if (typeof out.pattern === 'string' && PATTERN_WORDS[out.pattern]) out.patternErrorMessage = PATTERN_WORDS[out.pattern];
  // What the cross-field rules say in the browser, said by the editor too: a plan needs a conversion.
  if (key === 'conversions' && out.type === 'object') out.minProperties = 1;
  // A page_view trigger names a path or a regex (contract QA 2026-12-06: the editor took one with neither).
  if (out.properties?.on?.const === 'page_view') Object.assign(out, { if: { not: { required: ['path'] } }, then: { required: ['regex'] } });
  return out;
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
      // Editor-only: the words under a broken pattern, and an empty conversion list (the rules check that in the browser).
      case '$schema': case '$id': case 'title': case 'description': case 'patternErrorMessage': case 'minProperties': case 'if': case 'then': break;
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
