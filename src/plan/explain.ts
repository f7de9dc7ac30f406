/**
 * Turns coded plan issues into words for the marketer who has to fix them: a message saying
 * what is wrong, and a hint saying what to write instead ("did you mean …?").
 */
import type { PlanError } from './types';
import type { Issue } from './shape';
import { closest, describe, quoteList, suggest } from './hints';
import { ID_FORMATS } from './id-formats';
import { NAME } from './name';
import { lineColumn, scanJson, type JsonFault } from './json-text';

const TYPE_WORDS: Record<string, string> = {
  o: 'an object ({ … })', s: 'a text', n: 'a number', i: 'a whole number', b: 'true or false', a: 'a list ([ … ])',
};
const typeWords = (t: string) => t.split('|').map((x) => TYPE_WORDS[x] ?? x).join(' or ');
const NAME_HINT = 'Use lower-case letters a–z (no æ, ø, å, ä, ö, ü or ß), digits and underscores, starting with a letter, at most 40 characters (like "add_to_cart").';
/** A name as a marketer writes it, made a valid one: `Kjøp nå` → `kjop_na`, `Straße` → `strasse`. */
const nameLike = (v: unknown): string => String(v).trim().toLowerCase().replace(/[\s-]+/g, '_').replace(/ß/g, 'ss').replace(/æ/g, 'ae')
  .normalize('NFD').replace(/ø/g, 'o').replace(/[\u0300-\u036f]/g, '');
const DURATION_HINT = 'A whole number and a unit: "30m", "1h" or "14d" (minutes, hours, days).';

/** Format hints by the field they apply to (the last part of the path). */
const FORMATS: Record<string, string> = {
  currency: 'A three-letter ISO 4217 code in capitals, like "NOK", "EUR" or "USD".',
  label: 'The label is the part after the slash in send_to "AW-123456789/AbC-D_efG1": letters, digits, "-" and "_".',
  url: 'A path on this site like "/collect", or a full https:// address.',
  path: 'A path starts with "/", like "/pricing*" ("*" matches any characters).',
  // "Letters" alone let a German marketer try ö and ß (intl QA 2026-12-07).
  event: 'Event names use the letters A–Z and a–z (no ä, ö, ü, ß or other accents), digits and underscores, and start with a letter (GA4 allows at most 40 characters).',
  conversionId: `A Google Ads conversion id looks like "${ID_FORMATS.googleAds.example}".`,
  measurementId: `A GA4 measurement id looks like "${ID_FORMATS.ga4.example}" (Admin → Data streams).`,
  pixelId: `A Meta pixel id is 10 to 20 digits, like "${ID_FORMATS.meta.example}".`,
  partnerId: `A LinkedIn partner id is digits, like "${ID_FORMATS.linkedin.example}".`,
  tagId: `A Microsoft UET tag id is digits, like "${ID_FORMATS.microsoftAds.example}".`,
  properties: 'Use "data-<attribute>", "text", "href" or "field:<form field name>".',
  within: DURATION_HINT,
  after: DURATION_HINT,
  domains: 'A host name in lower case, like "checkout.shop.no": no "https://", no port, no path (its subdomains count too).',
  variants: 'Variant names use letters, digits, "-" and "_", at most 40 characters, like "control" or "free-shipping".',
  // Fields that name a conversion.
  ...Object.fromEntries(['steps', 'add', 'remove', 'complete', 'view', 'cancel', 'conversion', 'goal', 'supports'].map((f) => [f, NAME_HINT])),
};

function formatHint(field: string, v: unknown): string | undefined {
  if (typeof v === 'string') {
    const up = v.toUpperCase();
    if ((field === 'currency' || field === 'measurementId') && up !== v && /^([A-Z]{3}|G-[A-Z0-9]{4,16})$/.test(up)) return `Did you mean "${up}"?`;
    if (field === 'measurementId' && /^(UA|AW)-/.test(v)) return 'GA4 measurement ids start with "G-"; "UA-" is the old Universal Analytics and "AW-" is Google Ads.';
    if (field === 'conversionId' && /^\d+$/.test(v)) return `Did you mean "AW-${v}"?`;
    // A whole address pasted for a domain, or a cookie domain's habits (".shop.no", "*.shop.no"): its host is what counts.
    const host = /^\s*(?:[a-z]+:\/\/)?(?:[^@/?#]*@)?([^/:?#\s]+)/i.exec(v)?.[1]?.toLowerCase().replace(/^\*?\./, '');
    if (field === 'domains' && host && host !== v && host.includes('.')) return `Did you mean "${host}"? ${FORMATS.domains}`;
    if (field === 'domains' && /^[a-z0-9-]+$/i.test(v)) return `"${v}" alone would carry the visitor to every site under it: write the shop's own host name, like "shop.${v.toLowerCase()}".`;
    if (field === 'value' && v.trim() !== '' && !Number.isNaN(Number(v))) return 'Write the number without quotes, or name a numeric property.';
    // `"15,50"`, `"15 kr"`: a price as people write it (marketer QA 2026-12-06).
    const money = /^(?:[$€£¥]|kr\.?|[A-Z]{3})?\s*(\d+)(?:[.,](\d{1,2}))?\s*(?:[$€£¥]|kr\.?|,-|[A-Z]{3})?$/i.exec(v.trim());
    if (field === 'value' && money && !/^[a-z]{3}\d/i.test(v.trim())) return `Write the number without quotes or currency, with a decimal point: ${money[1]}${money[2] ? `.${money[2]}` : ''} (the currency is the plan's "currency").`;
    const time = /^\s*([1-9]\d{0,4})\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)\s*$/i.exec(v);
    if ((field === 'within' || field === 'after') && time) {
      const week = /^w/i.test(time[2]!);
      return `Did you mean "${week ? +time[1]! * 7 : time[1]}${week ? 'd' : time[2]![0]!.toLowerCase()}"?`;
    }
    const name = nameLike(v);
    if (FORMATS[field] === NAME_HINT && NAME.test(name)) return `Did you mean "${name}"?`;
  }
  return FORMATS[field];
}


/**
 * The hint for a name that is not a conversion (or property) of the plan. A candidate that is
 * itself not a valid name (its own error says so) is never suggested as written: when it is the
 * same name in other spelling, the hint says which to rename. No candidates: no list of nothing.
 */
function nameHint(word: unknown, candidates: string[], noun: string, none?: string): string | undefined {
  const misspelt = candidates.find((c) => !NAME.test(c) && typeof word === 'string' && c.trim().toLowerCase().replace(/[\s-]+/g, '_') === word);
  if (misspelt) return `The plan writes it "${misspelt}", which is not a valid name; rename that to "${word}".`;
  const valid = candidates.filter((c) => NAME.test(c));
  return valid.length ? suggest(word, valid, noun) : none;
}

const PLAN_FIELDS = ['version', 'name', 'currency', 'destinations', 'consent', 'bots', 'conversions', 'funnels', 'abandonment', 'experiments', 'vitals', 'linker'];

/** What the text holds where JSON needed something else, and how to write it. */
const JSON_FAULTS: Record<JsonFault, (found: string) => [string, string]> = {
  empty: () => ['it is empty.', 'A plan starts with { "version": 1, … }; `npx measureplan init` writes a starter plan.'],
  end: () => ['the text ends before the plan is closed.', 'Every { needs its } and every [ its ]; look for one missing at the end, or text cut off when it was copied.'],
  single_quote: () => ['text is in single quotes here.', 'JSON writes text and keys in double quotes: "EUR", not \'EUR\'.'],
  word: (f) => /^(true|false|null)$/i.test(f)
    ? [`${f} is not how JSON writes ${f.toLowerCase()}.`, `Write ${f.toLowerCase()} in lower case, without quotes.`]
    : /^(undefined|None|NaN|-?Infinity)$/.test(f)
      ? [`${f} is not a JSON value.`, 'Leave the field out, or write null.']
      : [`${f} is not in quotes.`, `Text is written in double quotes: "${f}".`],
  number: (f) => [`${f} is not a number JSON can read.`, f[0] === '.' ? `Write a digit before the decimal point: 0${f}.`
    : /^-?0\d/.test(f) ? 'A number does not start with 0; if it is an id or a code, write it as text in quotes.'
      : 'Numbers are written like 42, 19.99 or -5: a point for decimals, no "+", spaces, units or thousands separators.'],
  comment: () => ['JSON has no comments.', 'Remove the comment (//, /* */ or #); a "description" field can hold a note.'],
  placeholder: () => ['"…" is a placeholder from an example, not part of a plan.', 'Write the real entries in its place, or remove it (and the comma before it).'],
  snippet: (f) => PLAN_FIELDS.includes(f)
    ? [`the plan's outer { … } is missing: it starts with "${f}": instead of {.`, 'Write { before the first line and } after the last: a plan is one object, { "version": 1, … }.']
    : ['this is one entry of a plan ("name": { … }), not a whole plan.', 'Put it where it belongs inside a whole plan (a conversion inside its "conversions": { … }), such as the one `measureplan init --template webshop` writes.'],
  trailing_comma: () => ['there is a comma after the last entry.', 'Remove the comma before the closing } or ].'],
  comma: () => ['a comma is missing before this.', 'Entries of an object or a list are separated by commas.'],
  colon: () => ['a colon is missing after the key.', 'Write "key": value.'],
  key: (f) => [`the key ${f} is not in quotes.`, `Write "${f}": with double quotes.`],
  string: () => ['this text has no closing double quote on its line.', 'Close the text with ", and write a quote inside text as \\".'],
  control: () => ['this text holds a tab or another invisible control character.', 'Delete it, or write a tab as \\t inside the quotes.'],
  escape: () => ['this text has a backslash JSON cannot read.', 'Write \\\\ for a backslash and \\" for a quote inside text; in a regex, double every backslash.'],
  after: () => ['there is more text after the end of the plan.', 'The plan is one { … } object: remove what follows it, or a stray } before it.'],
  html: () => ['this is a web page (HTML), not a plan.', 'The plan\'s address leads to a page instead of the JSON file: check data-plan\'s path, and that the server sends the file itself (not an error page or a login).'],
  char: (f) => /[\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb]/.test(f)
    ? [`"${f}" is a curly quote (from a word processor), not a JSON quote.`, 'Write straight double quotes: "NOK", not “NOK”; edit plans in a code editor rather than Word or Google Docs.']
    : /[\u00a0\u2000-\u200b\u202f\u3000\ufeff]/.test(f)
      ? [`an invisible special space (U+${f.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) cannot stand here.`, 'Delete it and type a normal space; it often comes with text pasted from a web page or a document.']
      : f === '\ufffd' || f === '\u0000'
        ? ['the file is not saved as UTF-8 text (letters such as æ, ø and å show as \ufffd).', 'Save the plan as UTF-8 (in Notepad: Save as → Encoding UTF-8), not as "ANSI" or "Unicode" (UTF-16).']
        : [`"${f}" cannot stand here.`, 'Look for a typo just before it: a missing quote, comma or bracket.'],
};

/** A JSON syntax error: where the text stops being JSON, and what to write there. */
function jsonError(i: Issue): PlanError {
  const text = i.expected as string;
  const fault = scanJson(text).fault;
  // JSON.parse failed but the scanner did not: its own words, without its quote of the text.
  if (!fault) return { path: '', message: `The plan is not valid JSON: ${String(i.value).replace(/,? ".*" is not valid JSON$/s, '')}.` };
  const { line, column } = lineColumn(text, fault.offset);
  const [what, hint] = JSON_FAULTS[fault.kind](fault.found ?? '');
  return { path: '', message: `The plan is not valid JSON (line ${line}, column ${column}): ${what}`, hint, line, column };
}

const templates: Record<string, (i: Issue, field: string) => [string, string?]> = {
  in_list: () => ['The plan is inside a list: [ { … } ].', 'A plan file holds one plan, an object { … }: remove the square brackets around it.'],
  nested: (i) => [`The plan is nested one level too deep, inside "${i.value}".`, `Its fields ("version", "conversions", …) belong at the top: remove the outer { "${i.value}": … }.`],
  type: (i, f) => {
    const numeric = typeof i.value === 'string' && i.value.trim() !== '' && !Number.isNaN(Number(i.value));
    const quoted = ['true', 'false'].includes(i.value as string) || (numeric && /[ni]/.test(i.expected as string));
    const pct = typeof i.value === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(i.value) && /[ni]/.test(i.expected as string);
    const hint = quoted ? 'Write it without quotes.' : pct ? `Write the number alone, without quotes or %: ${parseFloat(i.value as string)}.`
      : typeof i.value === 'number' && i.expected === 's' && (f === 'within' || f === 'after') ? `A duration is text with its unit: "${i.value}h" for ${i.value} hours, "${i.value}d" for days, "${i.value}m" for minutes.`
      : typeof i.value === 'number' && i.expected === 's' && /Id$/.test(f) ? 'Write the id as text, in quotes.'
      // `"gpc": true` meant "respect the signal", `false` "our banner handles it".
      : typeof i.value === 'boolean' && f === 'gpc' ? `Did you mean "${i.value ? 'deny-ads' : 'banner'}"? "deny-ads" keeps ads denied for a browser that sends Global Privacy Control; "banner" leaves it to your consent banner.`
      // `"bots": false` meant "no crawlers in the figures", `true` "count them too".
      : typeof i.value === 'boolean' && f === 'bots' ? `Did you mean "${i.value ? 'measure' : 'skip'}"? "skip" (the default) stores and sends nothing for a browser that says it is a crawler; "measure" measures it like a visitor.`
      : i.expected === 'a|o' /* only a funnel is a list or an object */ ? 'A funnel is its steps in order, ["view_item", "purchase"], or { "steps": [ … ], "within": "24h" } to give it a time window.' : undefined;
    return [`This must be ${typeWords(i.expected as string)}, not ${describe(i.value)}.`, hint];
  },
  unknown: (i) => [`Unknown field "${i.value}".`, suggest(i.value, i.expected as string[], 'Known fields')],
  missing: (i) => [`Required field "${i.value ?? 'on'}" is missing.`, Array.isArray(i.expected) ? `One of: ${quoteList(i.expected as string[])}.` : undefined],
  enum: (i) => [`${describe(i.value)} is not allowed here; use one of ${quoteList(i.expected as string[])}.`, suggest(i.value, i.expected as string[])],
  const: (i) => [`This must be ${JSON.stringify(i.expected)}, not ${describe(i.value)}.`, 'Version 1 is the plan format this measureplan reads.'],
  empty: () => ['This must not be empty.'],
  format: (i, f) => [`${describe(i.value)} is not in the expected format.`, formatHint(f, i.value)],
  range: (i, f) => {
    const [min, max, above] = i.expected as [number?, number?, number?];
    const allowed = above !== undefined ? `it must be more than ${above}` : min !== undefined && max !== undefined ? `from ${min} to ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
    return [`${i.value} is out of range: ${allowed}.`, f === 'weights' ? 'Weights are relative shares of the visitors: [50, 50] splits them evenly, [90, 10] sends one in ten to the second variant.' : undefined];
  },
  few: (i, f) => [`This list needs at least ${i.expected === 1 ? '1 entry' : `${i.expected} entries`}.`, f === 'variants' ? 'An experiment compares the control (first) with at least one other variant, like ["control", "banner"].' : undefined],
  many: (i, f) => [`This list can have at most ${i.expected} entries.`, f === 'variants' ? 'Each variant needs its own share of the visitors; test fewer at a time.' : undefined],
  name: (i) => {
    const near = nameLike(i.value);
    if (i.value === 'constructor') return ['"constructor" cannot be a name: every JavaScript object already has it.', 'Pick another name, like "builder" or "maker".'];
    return [`"${i.value}" is not a valid name.`, NAME.test(near) ? `Did you mean "${near}"? ${NAME_HINT}` : NAME_HINT];
  },
  no_conversions: () => ['The plan has no conversions.', 'Add at least one macro conversion: what the business earns money on, such as "purchase".'],
  ads_label_in_id: () => ['Only the "AW-…" part belongs here.', 'The label after the slash goes into the conversion\'s send.googleAds.label.'],
  currency_needed: (i) => [`Conversion "${i.value}" has a value, but the plan has no "currency".`, 'Add "currency": "EUR" (or your ISO 4217 code) at the top of the plan.'],
  supports_on_macro: () => ['"supports" is only for micro conversions.', 'It names the macro goals a micro conversion leads to; a macro conversion is a goal itself.'],
  supports_unknown: (i) => [`"${i.value}" is not a conversion in this plan.`, macroHint(i)],
  supports_micro: (i) => [`"${i.value}" is a micro conversion; a micro conversion can only support macro conversions.`, macroHint(i)],
  not_for_type: (i) => [`"${i.value}" does not apply to a ${i.expected} property.`, i.value === 'pattern' || i.value === 'maxLength' ? 'It is only for string properties.' : i.value === 'enum' ? 'It is only for string, number and integer properties.' : 'It is only for number and integer properties.'],
  enum_type: (i) => [`${describe(i.value)} does not match the property's type "${i.expected}".`],
  min_max: (i) => [`"min" (${i.value}) is larger than "max" (${i.expected}).`],
  regex: (i) => [`This is not a valid regular expression: ${i.expected}.`],
  value_unknown: (i) => [`"value" names "${i.value}", which is not a property of this conversion.`, nameHint(i.value, i.expected as string[], 'Its properties', 'Declare it under "properties" with type "number", or give a fixed number.')],
  value_not_numeric: (i) => [`"value" names "${i.value}", ${i.expected === 'items' ? 'a list of products (items)' : `a ${i.expected}`} property; it must name a number or integer property.`, i.expected === 'items' ? 'Name the property that holds the order\'s total, such as "value"; measureplan does not add up the products\' prices.' : undefined],
  dedupe_unknown: (i) => [`"dedupe" names "${i.value}", which is not a property of this conversion.`, nameHint(i.value, i.expected as string[], 'Its properties', 'Name the property that identifies the conversion, such as "transaction_id".')],
  dedupe_type: (i) => [`"dedupe" names "${i.value}", a ${i.expected} property, which can never identify one conversion.`, 'Name a text or number property that is unique per conversion, such as "transaction_id".'],
  trigger_path: () => ['A page_view trigger needs "path" (like "/pricing*") or "regex".'],
  path_query: (i) => [`"path" is matched against the page's path only, which never holds "?" or "#": ${describe(i.value)} can never match.`, 'Put query parameters under "query", like "query": { "plan": "pro" }; the part after "#" is not matched.'],
  trigger_prop_unknown: (i) => [`The trigger fills "${i.value}", which is not a property of this conversion.`, nameHint(i.value, i.expected as string[], 'Its properties', `Declare "${i.value}" under the conversion's "properties" first.`)],
  field_not_submit: (i) => [`"${i.value}" reads a form field, which only a submit trigger has (this one is "${i.expected}").`],
  dest_unconfigured: (i) => [`${i.path.startsWith('vitals.') ? 'Page experience' : 'This conversion'} is sent to ${i.value}, but "destinations" does not configure ${i.value}.`, `Add destinations.${i.value} with its id, or remove this entry.`],
  funnel_unknown: (i) => [`Funnel step "${i.value}" is not a conversion in this plan.`, nameHint(i.value, i.expected as string[], 'Conversions')],
  funnel_repeat: (i) => [`"${i.value}" appears more than once in this funnel; each step counts once, in order.`],
  abandonment_unknown: (i, f) => [`"${f}" names "${i.value}", which is not a conversion in this plan.`, closest(i.value as string, i.expected as string[]) || f !== 'conversion'
    ? nameHint(i.value, i.expected as string[], 'Conversions')
    : `Add a conversion "${i.value}" to "conversions" (measureplan tracks it when it finds ${i.path.startsWith('abandonment.cart') ? 'a cart' : 'a browse'} abandoned), or leave "conversion" out.`],
  cart_add_complete: (i) => [`"complete" names "${i.value}", the same conversion as "add": the cart would be emptied by the conversion that fills it.`, '"add" names what puts products into the cart (like "add_to_cart"), "complete" the order (like "purchase").'],
  cart_complete_micro: (i) => [`"complete" names "${i.value}", a micro conversion; a cart is completed by a macro conversion: the order.`, macroHint(i)],
  variant_repeat: (i) => [`Variant "${i.value}" appears more than once in this experiment.`, 'Give each variant its own name, like "control" and "banner".'],
  weights_length: (i) => [`This experiment has ${count(i.value as number, 'weight')} for ${count(i.expected as number, 'variant')}; it needs one weight per variant, in the same order.`, 'Like [50, 50] for two variants; or leave "weights" out to split the visitors evenly.'],
  goal_unknown: (i) => [`The goal "${i.value}" is not a conversion in this plan.`, macroHint(i)],
  goal_micro: (i) => [`The goal "${i.value}" is a micro conversion; an experiment is judged on a macro conversion.`, macroHint(i)],
  vitals_empty: () => ['Page experience is sent nowhere: "send" names no destination.', 'Add "ga4": {} or "collector": {} (or both), each configured under "destinations".'],
  ga4_reserved: (i) => [`"${i.value}" is reserved by GA4 and cannot be sent as an event.`, 'Pick another name, like "view_pricing" or "contact_click".'],
  ga4_prefix: (i) => [`"${i.value}" starts with a prefix GA4 reserves (${quoteList(i.expected as string[])}).`],
  meta_case: (i) => [`"${i.value}" differs from the Meta standard event "${i.expected}" only in capitals; Meta would count it as a custom event.`, `Did you mean "${i.expected}"?`],
  meta_purchase_value: () => ['Meta requires a value and currency on Purchase, but this conversion has no "value".', 'Add "value": the name of a numeric property, or a fixed number.'],
};

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Where a macro conversion is expected: the nearest one, or all of them. */
function macroHint(i: Issue): string {
  const macros = i.expected as string[];
  return nameHint(i.value, macros, 'Macro conversions', 'The plan has no macro conversion yet.')!;
}

export function explain(issue: Issue): PlanError {
  if (issue.code === 'json') return jsonError(issue);
  const field = issue.path.replace(/\[\d+\]$/, '').split('.').pop()!.replace(/\[.*$/, '');
  const t = templates[issue.code];
  let [message, hint] = t ? t(issue, parentField(issue.path, field)) : [`Problem "${issue.code}".`];
  message = message.charAt(0).toUpperCase() + message.slice(1); // "the text …" starts a sentence too
  return hint ? { path: issue.path, message, hint } : { path: issue.path, message };
}

/** Keys inside maps (a trigger's property sources) take their hint from the map's name; a listed funnel's entries are its steps. */
function parentField(path: string, field: string): string {
  return /\.trigger\.properties\./.test(path) ? 'properties' : /^funnels(\.\w+|\[".*"\])\[\d+\]$/.test(path) ? 'steps' : field;
}
