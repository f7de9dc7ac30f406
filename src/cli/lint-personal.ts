/**
 * `personal-data-ga4`: a property of a conversion sent to GA4 that holds a person's data by its
 * name or by the form field it is read from (`field:last_name`). GA4 receives every property of a
 * conversion as an event parameter, and Google's terms forbid sending it data that identifies a
 * person. The GA4 adapter already withholds values that look like an e-mail address or a phone
 * number; names, postal addresses, birth dates and identity numbers look like any text, so only
 * the plan can tell, and `measureplan validate` says so before the data reaches Google.
 */
import type { Plan } from '../plan/types';
import { quote } from './words';

export interface PersonalWarning { path: string; rule: 'personal-data-ga4'; message: string; hint: string }

/** What each kind of personal field is called, as whole words of a snake_case name. */
const KINDS: [kind: string, test: RegExp][] = [
  ["e-mail address", /(^|_)e_?mail(_|$)/],
  ['phone number', /(^|_)((tele|mobile_)?phone|tel|mobile|cell|fax)(_?(number|no))?$/],
  ['name', /^(first|last|full|given|family|middle|maiden|sur|fore|customer|contact|person|your|billing|shipping|buyer|recipient|applicant)_?(full_)?name$|^[fl]name$/],
  ['postal address', /(^|_)(street|address|addr|house_?number)(_|$)/],
  ['date of birth', /(^|_)(birth_?date|date_of_birth|birthday|dob)(_|$)/],
  ['identity number', /(^|_)(ssn|social_security(_number)?|national_id|personal_id|passport(_number)?|tax_id|iban|card_number|credit_card)(_|$)/],
];

/** `lastName`, `last-name` and `Last Name` are all `last_name`. */
const snake = (n: string) => n.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z\d]+/g, '_').replace(/^_|_$/g, '');

function kindOf(name: string, fromField: boolean): string | undefined {
  const n = snake(name);
  // A bare `name` is a person's only in a form ("Your name"); a product's name is a property too.
  if (fromField && n === 'name') return 'name';
  return KINDS.find(([, test]) => test.test(n))?.[0];
}

export function lintPersonal(plan: Plan): PersonalWarning[] {
  const warnings: PersonalWarning[] = [];
  for (const c of Object.values(plan.conversions)) {
    if (!c.send.ga4) continue;
    const sources = (c.trigger?.properties ?? {}) as Record<string, string>;
    for (const p of Object.keys(c.properties)) {
      const field = /^field:(.+)$/.exec(sources[p] ?? '')?.[1];
      const kind = (field !== undefined ? kindOf(field, true) : undefined) ?? kindOf(p, false);
      if (!kind) continue;
      warnings.push({
        path: `conversions.${c.name}.properties.${p}`,
        rule: 'personal-data-ga4',
        message: `Property ${quote(p)} of "${c.name}" looks like a person's ${kind}${field !== undefined ? ` (read from the form field ${quote(field)})` : ''}, and GA4 receives every property of a conversion.`,
        hint: `Google's terms forbid sending GA4 data that identifies a person. Remove ${quote(p)} from the properties of "${c.name}" (keep it in your own systems), or declare it on a conversion that only goes to the collector.`,
      });
    }
  }
  return warnings;
}
