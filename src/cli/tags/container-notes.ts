/**
 * What `init --from container.json` says about a Tag Manager container export beyond the findings
 * table: each tag's trigger and what it became in the plan (and where the two count differently),
 * the paused tags and those not read, the tags that waited for consent, and at the end which tags
 * to pause once measureplan sends the same events.
 */
import type { Colours } from '../io';
import { count } from '../words';
import type { Container } from './gtm';
import type { Finding } from './recognise';
import { triggerWords, type Replaced } from './triggers';

/**
 * Per container: its tags' triggers, paused and unread tags, and consent, as an output section.
 * `listeners`, once drafted: a trigger the draft could not keep (the tag sends a value the page
 * computes, another action has it) is said with the draft's reason, not as the plan's.
 */
export function containerNotes(containers: Container[], c: Colours, listeners: Replaced[] = []): string {
  const kept = new Map(listeners.flatMap((l) => l.findings.flatMap((f) => (f.tag ? [[`${f.page}\u0000${f.tag}`, l] as const] : []))));
  return containers.map((x) => {
    const triggers = x.tags.map(({ name, trigger, mapped: m }) => {
      const l = kept.get(`${x.file}\u0000${name}`);
      const why = m.trigger && l && !l.trigger ? l.why : undefined;
      return `  - "${name}" fires on ${trigger} → ${m.trigger && !why
        ? `the plan's trigger: ${triggerWords(m.trigger)}${m.differs ? `\n      ${c.yellow('differs:')} ${m.differs}` : ''}`
        : `no plan trigger: ${why ?? m.why}`}`;
    });
    return [
      c.bold(`Tag Manager container ${x.publicId ?? ''} (${x.file}): ${count(x.tags.length, 'tag')} with events, ${count(x.paused.length, 'paused tag')} left out${x.notRead.length ? `, ${x.notRead.length} not read` : ''}.`.replace('  ', ' ')),
      ...triggers,
      ...(x.paused.length ? [`  Paused in Tag Manager, so left out: ${x.paused.map((n) => `"${n}"`).join(', ')}.`] : []),
      ...(x.notRead.length ? ['  Not read:', ...x.notRead.map((n) => `  - "${n.name}": ${n.why}`)] : []),
      ...(x.consent.length ? [`  Consent in Tag Manager: ${x.consent.join('; ')} (the plan's "consent" decides now).`] : []),
      '',
    ].join('\n');
  }).join('\n');
}

/** The dataLayer event a tag's custom event trigger waited for, by the tag's finding: where its track call goes. */
export function pushedEvent(containers: Container[]): (f: Finding) => string | undefined {
  const mapped = new Map(containers.flatMap((x) => x.tags.map((t) => [`${x.file}\u0000${t.name}`, t.mapped] as const)));
  return (f) => (f.tag ? mapped.get(`${f.page}\u0000${f.tag}`)?.dataLayerEvent : undefined);
}

/**
 * Next's last steps when tags came from an export: pause them in Tag Manager (and remove the pages'
 * own snippets too, when pages had any). `inPages`: a page had calls of its own.
 */
export function pauseSteps(tags: string[], inPages: boolean, gtm: boolean): string[] {
  return [
    '  3. Pause or delete these tags in Tag Manager once measureplan sends the same events, and publish the container:',
    `     ${tags.join(', ')}.`,
    '     While both run, every conversion counts twice.',
    ...(inPages ? [`  4. Remove the old tag snippets in the pages (the vendors' base code and these calls${gtm ? ', and pause the same tags in Tag Manager' : ''}) then too.`] : []),
  ];
}
