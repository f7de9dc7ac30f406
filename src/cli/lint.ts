/**
 * Warnings for plans that are legal but probably not what the team meant. They never make a
 * plan invalid (the tracker runs it as written); `measureplan validate` shows them in yellow.
 */
import { isCurrency } from '../offline/orders';
import type { DestinationName, Plan, PlanInput } from '../plan/types';
import { DESTINATIONS } from '../plan/vocabulary';
import { lintJourney, type JourneyRule } from './lint-journey';
import { lintLinker, type LinkerWarning } from './lint-linker';
import { lintPersonal, type PersonalWarning } from './lint-personal';
import { slowPattern } from './lint-pattern';
import { selectorProblem } from './lint-selector';
import { PLACEHOLDER_IDS } from './templates';
import { quote, toolName } from './words';

export interface PlanWarning {
  /** JSON path the warning is about (a missing field names the field that would fix it). */
  path: string;
  /** A stable name for the kind of warning, for scripts reading `--format json`. */
  rule: 'currency-unknown' | 'pattern-slow' | 'selector-invalid' | 'micro-supports-nothing' | 'macro-without-value' | 'sent-nowhere' | 'destination-unused' | 'placeholder-id' | JourneyRule | PersonalWarning['rule'] | LinkerWarning['rule'];
  message: string;
  hint: string;
}

/**
 * Looks for the doubtful parts of a valid plan: a micro conversion that supports no macro goal,
 * a macro conversion without a value, a conversion sent to no destination, a destination that
 * nothing is sent to, an id still holding the placeholder from `measureplan init`, personal data
 * sent to GA4 (`lintPersonal`), the journey warnings of `lintJourney` (funnels, experiments, abandonment), and a linker
 * domain shared by other companies' sites (`lintLinker`). `input`, the plan as
 * written, lets a warning name a funnel step by the path it has in the file.
 */
export function lintPlan(plan: Plan, input?: PlanInput): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const conversions = Object.values(plan.conversions);
  const macros = conversions.filter((c) => c.kind === 'macro').map((c) => c.name);
  // Page experience goes where `vitals.send` says; experiment exposures go to GA4 and the collector.
  const used = new Set<string>([...Object.keys(plan.vitals?.send ?? {}), ...(Object.keys(plan.experiments).length ? ['ga4', 'collector'] : [])]);

  // The plan check holds the currency to three capitals (the browser carries no list of codes).
  if (plan.currency && !isCurrency(plan.currency)) {
    warnings.push({
      path: 'currency',
      rule: 'currency-unknown',
      message: `"${plan.currency}" is not an ISO 4217 currency code.`,
      hint: 'Use the code of the currency your prices are in, like "NOK", "EUR" or "USD": GA4 and Meta need one, and Google Ads reads a value with an unknown code in the conversion action\'s default currency.',
    });
  }

  for (const c of conversions) {
    const at = `conversions.${c.name}`;
    for (const [name, spec] of Object.entries(c.properties)) {
      if (spec.pattern && slowPattern(spec.pattern)) {
        warnings.push({
          path: `${at}.properties.${name}.pattern`,
          rule: 'pattern-slow',
          message: `The pattern of "${name}" repeats a group that itself repeats (${JSON.stringify(spec.pattern)}): on a text that almost matches, checking it takes time that doubles with every character.`,
          hint: 'Anyone can send your collector such a text, and 30 characters hold it for seconds. Write it without a repeated group around a repeat, e.g. "^[A-Z0-9]+(-[A-Z0-9]+)*$" for "^([A-Z0-9]+-?)+$", and give the property a "maxLength".',
        });
      }
    }
    const selector = (c.trigger as { selector?: unknown } | undefined)?.selector;
    const wrong = typeof selector === 'string' ? selectorProblem(selector) : undefined;
    if (wrong) {
      warnings.push({
        path: `${at}.trigger.selector`,
        rule: 'selector-invalid',
        message: `The selector of "${c.name}" (${JSON.stringify(selector)}) is not valid CSS: ${wrong}.`,
        hint: 'The browser refuses it, and the tracker then turns this trigger off (with a console message on every page). Try the selector in the browser console with document.querySelectorAll("…") on the page it is meant for.',
      });
    }
    const sends = Object.keys(c.send);
    sends.forEach((d) => used.add(d));
    if (c.kind === 'micro' && !c.supports.length) {
      warnings.push({
        path: `${at}.supports`,
        rule: 'micro-supports-nothing',
        message: `Micro conversion "${c.name}" supports no macro conversion.`,
        hint: macros.length
          ? `Add "supports": [${macros.map(quote).join(', ')}] (the goals it leads to), so reports can show which steps lead to which goal.`
          : 'The plan has no macro conversion yet: add the goal the business earns money on (an order, a signed contract).',
      });
    }
    if (c.kind === 'macro' && c.value === undefined) {
      warnings.push({
        path: `${at}.value`,
        rule: 'macro-without-value',
        message: `Macro conversion "${c.name}" has no value.`,
        hint: 'Give it a fixed value ("value": 400) or name a numeric property ("value": "value"), so the ad tools can bid on what it is worth.',
      });
    }
    for (const [d, entry] of Object.entries(c.send)) {
      for (const [key, v] of Object.entries(entry as Record<string, unknown>)) {
        if (PLACEHOLDER_IDS.includes(v as string)) warnings.push(placeholder(`${at}.send.${d}.${key}`, `The ${toolName(d)} ${key} of "${c.name}"`, v, d, key));
      }
    }
    if (!sends.length) {
      warnings.push({
        path: `${at}.send`,
        rule: 'sent-nowhere',
        message: `Conversion "${c.name}" is sent nowhere: its "send" names no tool.`,
        hint: `Name the tools that should receive it, e.g. "send": { "ga4": { "event": "${c.name}" } }, or "collector": {} for your own data only.`,
      });
    }
  }

  for (const d of DESTINATIONS) {
    const config = plan.destinations[d] as Record<string, unknown> | undefined;
    if (!config) continue;
    // A collector with `pages: true` is used for page views even when no conversion goes there.
    if (!used.has(d) && !(d === 'collector' && plan.destinations.collector?.pages)) {
      const loads = d === 'collector' ? 'It receives nothing' : 'Its tag still loads (after consent) but receives no conversion';
      warnings.push({
        path: `destinations.${d}`,
        rule: 'destination-unused',
        message: `${toolName(d)} is configured, but no conversion is sent to it.`,
        hint: `${loads}: add "${d}": ${sendExample(d)} to the "send" of each conversion it should receive, or remove destinations.${d}.`,
      });
    }
    for (const [key, id] of Object.entries(config)) {
      if (PLACEHOLDER_IDS.includes(id as string)) warnings.push(placeholder(`destinations.${d}.${key}`, `${toolName(d)}'s ${key}`, id, d, key));
    }
  }
  return [...warnings, ...lintPersonal(plan), ...lintJourney(plan, input), ...lintLinker(plan)];
}

// Where each id is, in the tool's own interface: the npm package ships no docs/ folder, so the
// hint cannot send people to docs/plan.md.
const WHERE: Record<string, string> = {
  'ga4.measurementId': 'GA4 Admin → Data streams → your web stream',
  'googleAds.conversionId': 'Google Ads → Goals → Conversions → a conversion action → Tag setup: the AW-… in send_to',
  'googleAds.label': 'Google Ads → Goals → Conversions → the conversion action → Tag setup: the part of send_to after the /',
  'meta.pixelId': 'Meta Events Manager → Data sources: the pixel (dataset) id',
  'linkedin.partnerId': 'LinkedIn Campaign Manager → Insight Tag: the partner id',
  'linkedin.conversionId': "LinkedIn Campaign Manager → Conversion tracking → the conversion: the conversion_id in its lintrk('track', …) code",
  'microsoftAds.tagId': 'Microsoft Advertising → Tools → UET tag: the tag id',
};

function placeholder(path: string, what: string, value: unknown, d: string, key: string): PlanWarning {
  const where = WHERE[`${d}.${key}`];
  return {
    path,
    rule: 'placeholder-id',
    message: `${what} is still the placeholder ${JSON.stringify(value)} from measureplan init.`,
    hint: `Replace it with your real ${key}${where ? `, found in ${where}` : ` from ${toolName(d)}`}.`,
  };
}

function sendExample(d: DestinationName): string {
  switch (d) {
    case 'googleAds': return '{ "label": "…" }';
    case 'linkedin': return '{ "conversionId": 12345 }';
    case 'collector': return '{}';
    default: return '{ "event": "…" }';
  }
}
