/**
 * `measureplan init --from <page.html|URL> …`: drafts a plan from the vendor tags a site already
 * has, so that a shop moving off hand-pasted tags starts from what it really sends. The pages
 * are read as text (never run); what was found, what was left out and what to do next is said
 * in plain words.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { cannot, UsageError, type Colours, type IO } from './io';
import { write } from './output';
import { docPath } from './package';
import { banners, chooseBanner, type Banner } from './tags/banner';
import { draft, tool, type Draft, type Replaced } from './tags/draft';
import { containerNotes, pauseSteps, pushedEvent } from './tags/container-notes';
import { readExport, type Container } from './tags/gtm';
import { readScript } from './tags/page';
import { recognise, recogniseIn, type Finding } from './tags/recognise';
import { siteScripts, type NotRead } from './tags/site-scripts';
import { triggerWords } from './tags/triggers';
import { count, toolName } from './words';

const SAVE_HINT = 'Save the page as the browser shows it (View page source, then save it as .html), or pass its http(s):// address.';
const FETCH_TIMEOUT_MS = 20_000;

export async function initFrom(sources: string[], out: string, io: IO, c: Colours): Promise<number> {
  const names = pageNames(sources);
  const read = await Promise.all(sources.map(async (s, i) => {
    const text = await readSource(s);
    return { source: s, html: text, container: readExport(names[i]!, text) };
  }));
  const containers = read.flatMap((r) => (r.container ? [r.container] : []));
  const pages = read.filter((r) => !r.container);
  const pageNamesOnly = read.flatMap((r, i) => (r.container ? [] : [names[i]!]));
  const scripts = await siteScripts(pages);
  const findings = [
    ...read.flatMap((r, i) => r.container?.findings ?? recognise(names[i]!, r.html)),
    ...scripts.files.flatMap((f) => recogniseIn(f.name, readScript(f.text))),
  ];
  const exported = new Set(containers.map((x) => x.publicId));
  const gtm = findings.filter((f) => f.vendor === 'gtm' && !exported.has(f.id));
  const inContainers = containerNotes(containers, c);
  if (!findings.some((f) => f.vendor !== 'gtm' || !exported.has(f.id))) {
    // The calls may be in a script file it could not read: said, so the next try can pass it.
    const unreadFiles = unread(scripts.notRead, c);
    io.err.write(`measureplan init: found no vendor tags in ${sources.join(', ')}; nothing was written.\n${lookedFor()} ${pages.length ? SAVE_HINT : ''}\n${unreadFiles ? `\n${unreadFiles}` : ''}${inContainers ? `\n${inContainers}` : ''}`);
    return 1;
  }
  const { banner, several } = chooseBanner(pages.flatMap((p) => banners(names[read.indexOf(p)]!, p.html)));
  const result = draft(findings, planName(sources), banner?.cmp);
  if (!result.plan || !Object.keys(result.plan.conversions).length) {
    io.err.write(found(findings, result, c, exported));
    const why = gtm.length && findings.every((f) => f.vendor === 'gtm' || f.id)
      ? `the tags are in Google Tag Manager (${[...new Set(gtm.map((g) => g.id))].join(', ')}), which cannot be read from the page. ${GTM_HINT}`
      : containers.length && !pages.length ? 'found no event the plan can hold in the container (only account ids, or tags it does not read: see above).'
        : 'found no event the plan can hold (only account ids): pass the pages that send events too, such as a product page and the order confirmation.';
    io.err.write(`${inContainers ? `\n${inContainers}` : ''}\nmeasureplan init: ${why}\nNothing was written.\n`);
    return 1;
  }
  const plan = result.plan;
  write(out, JSON.stringify(plan, null, 2) + '\n');
  const conversions = Object.keys(plan.conversions);
  const destinations = Object.keys(plan.destinations ?? {});
  const from = [...(containers.length ? [count(containers.length, 'Tag Manager container')] : []), ...(pageNamesOnly.length ? [count(pageNamesOnly.length, 'page')] : [])].join(' and ');
  const sections = [
    `${c.green('✓')} Wrote ${out}: a draft from ${from} (${count(conversions.length, 'conversion')}, ${destinations.length ? `${count(destinations.length, 'destination')}: ${destinations.map(toolName).join(', ')}` : 'no destination'}).`,
    found(findings, result, c, exported),
    leftOut(result, c),
    byCode(result.listeners, c),
    unread(scripts.notRead, c),
    containerNotes(containers, c, result.listeners),
    gtm.length ? `${c.yellow('Google Tag Manager')} (${[...new Set(gtm.map((g) => g.id))].join(', ')}): its tags live in the GTM container, not in the page, so what it sends is not in this draft. ${GTM_HINT}\n` : '',
    guesses(result, c, banner, several),
    next(result, findings, out, c, gtm.length > 0, containers),
  ];
  io.out.write(`${sections.map((x) => x.trimEnd()).filter(Boolean).join('\n\n')}\n`);
  return 0;
}

const GTM_HINT = 'Export the container (in GTM: Admin → Export container) and pass the file too: measureplan init --from container.json --from page.html.';

const lookedFor = () => "Looked for gtag(…), fbq(…), lintrk(…), uetq.push(…) and dataLayer.push({ event }) calls and the GA4, Google Ads, Meta, LinkedIn, Microsoft UET and Tag Manager ids in the pages' scripts, inline handlers and the site's own script files.";

async function readSource(source: string): Promise<string> {
  if (!/^https?:\/\//i.test(source)) {
    try { return readFileSync(source, 'utf8'); } catch (e) { throw cannot('read', source, e, SAVE_HINT); }
  }
  const fail = (why: string) => new UsageError(`cannot fetch ${source}: ${why}.`, `Check the address. ${SAVE_HINT}`);
  // The timeout covers the body too: a server that stops or drops the connection mid-page is the same failure.
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'text/html' } });
  } catch (e) { throw fail(fetchTrouble(e)); }
  if (!response.ok) throw fail(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  try { return await response.text(); } catch (e) { throw fail(`the page stopped arriving (${fetchTrouble(e)})`); }
}

function fetchTrouble(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.name === 'TimeoutError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : err.cause?.code ?? err.cause?.message ?? err.message;
}

/** Files by their file name when those are unique (shorter tables), URLs as given. */
function pageNames(sources: string[]): string[] {
  const short = sources.map((s) => (/^https?:\/\//i.test(s) ? s : basename(s)));
  return new Set(short).size === short.length ? short : sources;
}

function planName(sources: string[]): string {
  const host = sources.map((s) => { try { return new URL(s).host; } catch { return undefined; } }).find(Boolean);
  return `${host ?? 'My site'}: drafted from its tags`;
}

/** The table of findings; a call repeated on several pages (the base code) is one row. */
function found(findings: Finding[], { placed, listeners }: Draft, c: Colours, exported: Set<string | undefined>): string {
  const rows: string[][] = [];
  const seen = new Map<string, string[]>();
  const inListener = new Map(listeners.flatMap((l) => l.findings.map((f) => [f, l] as const)));
  for (const f of findings) {
    const l = inListener.get(f);
    // A listener that stays code is listed below with why: one row per call, not per listener.
    const by = l ? ` (${l.trigger ? `a trigger replaces ${f.tag ? 'its Tag Manager trigger' : `the listener at ${l.at}`}` : f.tag ? '' : 'its listener stays code'})`.replace(' ()', '') : '';
    const gtm = exported.has(f.id) ? 'read from the export' : 'cannot be read';
    const to = (placed.get(f) ?? (f.vendor === 'gtm' ? gtm : f.vendor === 'dataLayer' ? '' : 'left out')) + by;
    const key = `${f.vendor}|${f.call}|${to}|${f.tag ?? ''}`;
    const where = at(f);
    const row = seen.get(key);
    if (row) { row[4] = String(Number(row[4] ?? 0) + 1); continue; }
    const r = [where, tool(f.vendor), f.call, f.vendor === 'dataLayer' && to ? `${to} (GTM decides where it goes)` : to];
    seen.set(key, r);
    rows.push(r);
  }
  // A container's findings are its tags, not lines of a page.
  const head = ['Page:line', 'Tool', 'Call', 'In the plan'];
  if (findings.some((f) => f.tag)) head[0] = findings.every((f) => f.tag) ? 'Tag' : 'Page:line or tag';
  const widths = [0, 1, 2].map((i) => Math.min(48, rows.reduce((w, r) => Math.max(w, r[i]!.length), head[i]!.length)));
  // A tag's name is as long as its author made it: past 48 characters the columns stop lining up, nothing is cut.
  const line = (r: string[]) => `  ${r.slice(0, 3).map((x, i) => x.padEnd(widths[i]!)).join('  ')}  → ${r[3]}${r[4] ? ` (and ${count(Number(r[4]), 'more page')})` : ''}`;
  return [c.bold('Found:'), c.dim(line(head)), ...rows.map(line), ''].join('\n');
}

function leftOut(result: Draft, c: Colours): string {
  // In page order, then line; what the plan check refused (no finding of its own) last.
  const order = (l: Draft['leftOut'][number]) => (l.finding ? [result.pages.indexOf(l.finding.page), l.finding.line] : [Infinity, 0]);
  const items = result.leftOut.filter((l) => l.finding?.vendor !== 'gtm')
    .sort((a, b) => order(a)[0]! - order(b)[0]! || order(a)[1]! - order(b)[1]!);
  if (!items.length) return '';
  return [c.yellow('Left out (the plan cannot hold these as they are):'), ...items.map((l) => `  - ${l.finding ? `${at(l.finding)} ` : ''}${l.what}: ${l.why}`), ''].join('\n');
}

/** Where a finding is: `index.html:12`, or a container export's tag by name. */
const at = (f: Finding): string => (f.tag ? `${f.page}: tag "${f.tag}"` : `${f.page}:${f.line}`);

/** A page built from a template repeats its listeners: the first ones say what there is. */
const MAX_KEPT = 20;

/** Listeners with calls in them that no trigger can replace, with why: their code stays. */
function byCode(listeners: Replaced[], c: Colours): string {
  // A Tag Manager trigger's reason is said with the container (containerNotes).
  const kept = listeners.filter((l) => l.why && !l.findings.some((f) => f.tag));
  if (!kept.length) return '';
  const shown = kept.slice(0, MAX_KEPT).map((l) => `  - ${l.at} ${l.what} → ${l.conversion}: ${l.why}`);
  const more = kept.length > MAX_KEPT ? [`  - and ${count(kept.length - MAX_KEPT, 'more listener')}`] : [];
  return [c.yellow('Tracked by code (no trigger can take these listeners\' place; each keeps a track call, see Next):'), ...shown, ...more, ''].join('\n');
}

/** The site's script files that could not be read: the draft may miss calls in them. */
function unread(notRead: NotRead[], c: Colours): string {
  if (!notRead.length) return '';
  const shown = notRead.slice(0, 3).map((n) => `  - ${n.src}: ${n.why}`);
  const more = notRead.length > 3 ? [`  - and ${count(notRead.length - 3, 'more file')}`] : [];
  return [c.yellow(`Not read (${count(notRead.length, 'script file')} of the site's own; calls in them were not looked for):`), ...shown, ...more, ''].join('\n');
}

function guesses(result: Draft, c: Colours, banner?: Banner, several?: Banner[]): string {
  const cur = result.currency;
  const unsent = Object.entries(result.plan!.conversions).filter(([, conv]) => !conv.send).map(([n]) => n);
  return [
    c.bold('Guesses to check:'),
    '  - Each conversion\'s "kind" (macro or micro) and "supports" are guessed from its name: purchases and leads are macro.',
    '  - A property whose value the page computes got its type from its name (value, price → number); its description shows what the old tag sent.',
    ...consentWords(banner, several),
    ...result.listeners.filter((l) => l.firstOnly).map((l) => `  - The trigger on ${(l.trigger as { selector?: string }).selector} counts every element it matches; ${l.what} (${l.at}) hung on the first one only.`),
    ...submitWords(result),
    ...(cur?.guessed ? [`  - "currency": "${cur.code}" is a guess (no tag sent a fixed currency): put in yours.`] : []),
    ...(unsent.length ? [`  - ${unsent.map((n) => `"${n}"`).join(', ')} ${unsent.length === 1 ? 'has' : 'have'} no "send" yet (the page only told Tag Manager): name the tools that should receive ${unsent.length === 1 ? 'it' : 'them'}.`] : []),
    '',
  ].join('\n');
}

/**
 * A submit trigger counts the forms the browser sends. The old listener counted every submit,
 * also of a form that the site's own script (an AJAX cart, a form plugin) stops and sends itself,
 * in code the draft never sees: there the trigger would count none.
 */
function submitWords(result: Draft): string[] {
  const selectors = [...new Set(Object.values(result.plan!.conversions).flatMap((c) => (c.trigger?.on === 'submit' ? [c.trigger.selector] : [])))];
  if (!selectors.length) return [];
  return [`  - A submit trigger (on ${selectors.join(', ')}) counts a form only when the browser sends it: if the site's own script sends it instead`,
    `    (an AJAX cart or form plugin that calls preventDefault), it counts none. Submit each form once in debug mode (${docPath('debugging.md')}).`];
}

/** Consent starts denied in a draft: whether measureplan will hear the banner's answer by itself. */
function consentWords(banner?: Banner, several?: Banner[]): string[] {
  const start = '  - "consent": both categories start denied, so nothing loads or is sent until the visitor agrees (the old tags may not have waited).';
  if (banner) return [start, `    ${banner.page}:${banner.line} loads ${banner.name}: "cmp": "${banner.cmp}" reads the visitor's choice from it (${docPath('consent-platforms.md')}).`];
  if (several) return [start, `    The pages load ${several.map((b) => `${b.name} (${b.page}:${b.line}, "cmp": "${b.cmp}")`).join(' and ')}: put the one that asks your visitors into "consent".`];
  return [start, '    No banner measureplan reads itself was found: call measureplan.consent({ analytics, ads }) with its answer on every page,', `    or name the platform in "consent": { "cmp": … } (${docPath('consent-platforms.md')}).`];
}

function next(result: Draft, findings: Finding[], out: string, c: Colours, gtm: boolean, containers: Container[]): string {
  const conversions = result.plan!.conversions;
  const callsOf = new Map<string, Set<string>>(); // conversion → the old calls (or Tag Manager tags) it replaces, in page order
  const pushed = new Map<string, Set<string>>(); // conversion → the dataLayer events its tags fired on
  const pushedOf = pushedEvent(containers);
  for (const f of findings) {
    const name = result.placed.get(f);
    if (!name) continue;
    (callsOf.get(name) ?? callsOf.set(name, new Set()).get(name)!).add(f.tag ? `tag "${f.tag}" (${f.page})` : f.call);
    const event = pushedOf(f);
    if (event) (pushed.get(name) ?? pushed.set(name, new Set()).get(name)!).add(event);
  }
  const handled = new Set(findings.flatMap((f) => (f.handler && result.placed.has(f) ? [result.placed.get(f)!] : [])));
  const replaces = new Map<string, Replaced[]>(); // conversion → the listeners its trigger replaces
  for (const l of result.listeners) if (l.trigger && !l.findings.some((f) => f.tag)) (replaces.get(l.conversion) ?? replaces.set(l.conversion, []).get(l.conversion)!).push(l);
  const mapping = Object.entries(conversions).flatMap(([name, conv]) => {
    const calls = [...(callsOf.get(name) ?? [])];
    const props = Object.keys(conv.properties ?? {}).map((p) => `${p}: …`).join(', ');
    const t = conv.trigger as Parameters<typeof triggerWords>[0] | undefined;
    // Inline handlers and listeners a trigger replaces: no code, the handler attributes and the listeners go.
    const gone = [
      ...(handled.has(name) ? [`remove the on${t?.on}="…" attributes`] : []),
      ...(replaces.get(name) ?? []).map((l) => `remove ${l.what} at ${l.at} with its calls`),
    ];
    const by = t ? `         → no code: the plan's trigger tracks it (${triggerWords(t)})${gone.length ? `; ${gone.join('; ')}` : ''}` : undefined;
    const events = [...(pushed.get(name) ?? [])];
    const where = events.length ? ` where the site pushes the dataLayer event ${events.map((e) => `"${e}"`).join(' or ')}` : '';
    return [...calls.map((call) => `       ${call}`), by ?? `         → measureplan.track('${name}'${props ? `, { ${props} }` : ''})${where}`];
  });
  const tags = [...new Set(findings.filter((f) => f.tag && result.placed.has(f)).map((f) => `"${f.tag}"`))];
  return [
    c.bold('Next:'),
    `  1. Check the draft: npx measureplan validate ${out}; read it as a document: npx measureplan docs ${out} --out plan.html`,
    `  2. Add measureplan to the site (${docPath('getting-started.md')}) and replace the old calls, one track call each:`,
    ...mapping,
    ...(tags.length ? pauseSteps(tags, findings.some((f) => !f.tag && f.vendor !== 'gtm'), gtm) : [
      `  3. Remove the old tag snippets (the vendors' base code and these calls${gtm ? ', and pause the same tags in Tag Manager' : ''}) once`,
      '     measureplan sends the same events: while both run, every conversion counts twice.',
    ]),
    '',
  ].join('\n');
}
