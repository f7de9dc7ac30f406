// @vitest-environment jsdom
/**
 * init --from: tags bound with event listeners (addEventListener, .onclick =, jQuery) become the
 * plan's click and submit triggers when the element is plain; the rest stay code, with the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { draft } from '../../src/cli/tags/draft';
import { readScript } from '../../src/cli/tags/page';
import { recognise, recogniseIn } from '../../src/cli/tags/recognise';
import { parsePlan } from '../../src/plan/parse';
import { cleanUp, click, install, submit } from '../triggers/helpers';
import { ensureBuilt, root, run, tempDir, type Run } from './helpers';

const HEAD = `<!doctype html><html><head><script>gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258');</script></head><body>`;

/** The draft of one page, and of a site script file beside it. */
function drafted(body: string, js?: string) {
  const findings = [...recognise('index.html', `${HEAD}${body}</body></html>`), ...(js === undefined ? [] : recogniseIn('site.js', readScript(js)))];
  const result = draft(findings, 'Test');
  expect(result.plan && parsePlan(result.plan).ok).toBe(true);
  const conversions = result.plan!.conversions as Record<string, { trigger?: object; send?: object }>;
  const trigger = (name: string) => conversions[name]?.trigger;
  const why = (name: string) => result.listeners.find((l) => l.conversion === name)?.why;
  return { result, conversions, trigger, why };
}
const script = (js: string) => `<script>${js}</script>`;

describe('listener-bound tags: the forms that become triggers', () => {
  it('getElementById(…).addEventListener(\'click\', function () {…}): the calls in it are one action, with a click trigger on #id', () => {
    const { conversions, trigger } = drafted(script(`document.getElementById('call').addEventListener('click', function () {
  gtag('event', 'phone_click');
  fbq('track', 'Contact');
});`));
    expect(Object.keys(conversions)).toEqual(['phone_click']);
    expect(conversions.phone_click!.send).toEqual({ ga4: { event: 'phone_click' }, meta: { event: 'Contact' } });
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#call' });
  });

  it('querySelector(…) with addEventListener(\'submit\') or .onclick =, and getElementById(…)?. with an arrow', () => {
    const { trigger, result } = drafted(script(`document.querySelector('form.quote').addEventListener('submit', (e) => { gtag('event', 'generate_lead'); });
document.querySelector('#brochure').onclick = function () { gtag('event', 'brochure_click'); };
document.getElementById('book')?.addEventListener('click', () => gtag('event', 'booking_click'));`));
    expect(trigger('generate_lead')).toEqual({ on: 'submit', selector: 'form.quote' });
    expect(trigger('brochure_click')).toEqual({ on: 'click', selector: '#brochure' });
    expect(trigger('booking_click')).toEqual({ on: 'click', selector: '#book' });
    // querySelector hung on its first match; the trigger counts every one: said as a guess to check.
    expect(result.listeners.find((l) => l.conversion === 'generate_lead')!.firstOnly).toBe(true);
    expect(result.listeners.find((l) => l.conversion === 'brochure_click')!.firstOnly).toBeUndefined();
  });

  it('jQuery: $(…).on(\'click\', fn), jQuery(…).click(fn), $(…).submit(fn), a namespaced event', () => {
    const { trigger } = drafted(script(`$('#quote-btn').on('click', function () { gtag('event', 'quote_click'); });
jQuery('a.whatsapp').click(function () { fbq('trackCustom', 'WhatsApp'); });
$('#newsletter').submit(function () { gtag('event', 'sign_up'); });
$('.call').on('click.tracking', () => { gtag('event', 'call_click'); });`));
    expect(trigger('quote_click')).toEqual({ on: 'click', selector: '#quote-btn' });
    expect(trigger('whats_app')).toEqual({ on: 'click', selector: 'a.whatsapp' });
    expect(trigger('sign_up')).toEqual({ on: 'submit', selector: '#newsletter' });
    expect(trigger('call_click')).toEqual({ on: 'click', selector: '.call' });
  });

  it('querySelectorAll(…).forEach(el => el.addEventListener(…)): the trigger on the selector counts every match, as the listeners did', () => {
    const { trigger, result } = drafted(script(`document.querySelectorAll('a.download').forEach((link) => {
  link.addEventListener('click', function () { gtag('event', 'price_list_download'); });
});`));
    expect(trigger('price_list_download')).toEqual({ on: 'click', selector: 'a.download' });
    expect(result.listeners[0]).toMatchObject({ at: 'index.html:1', what: "a click listener on each of document.querySelectorAll('a.download')" });
    expect(result.listeners[0]!.firstOnly).toBeUndefined();
  });

  it('a listener in the site\'s script file counts like one inline, with the file\'s line', () => {
    const { trigger, result } = drafted('', `// tracking\n\ndocument.getElementById('call').addEventListener('click', function () {\n  gtag('event', 'phone_click');\n});\n`);
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#call' });
    expect(result.listeners).toEqual([expect.objectContaining({ at: 'site.js:3', conversion: 'phone_click', trigger: { on: 'click', selector: '#call' } })]);
  });
});

describe('listener-bound tags that stay code, with the reason', () => {
  it('a listener on the document that picks its element itself (delegation), in plain JavaScript or jQuery', () => {
    const { trigger, why } = drafted(script(`document.addEventListener('click', function (e) {
  if (e.target.closest('.add-to-basket')) gtag('event', 'add_to_cart');
});
$(document).on('click', '.buy-now', function () { gtag('event', 'begin_checkout'); });
window.addEventListener('submit', (e) => { fbq('track', 'Lead'); });`));
    expect(trigger('add_to_cart')).toBeUndefined();
    expect(why('add_to_cart')).toMatch(/^a listener on document: it hears every event on the page and picks its elements itself \(delegation/);
    expect(trigger('begin_checkout')).toBeUndefined();
    expect(why('begin_checkout')).toMatch(/^jQuery delegation \(\.on\('click', '\.buy-now', …\)\)/);
    expect(trigger('generate_lead')).toBeUndefined();
    expect(why('generate_lead')).toMatch(/^a listener on window:/);
  });

  it('a selector built when the page runs is never guessed', () => {
    const { trigger, why } = drafted(script(`document.querySelector('#nav-' + lang).onclick = function () { gtag('event', 'language_switch'); };
document.getElementById(ids.call).addEventListener('click', () => { gtag('event', 'phone_click'); });
$(\`#\${id}\`).click(function () { gtag('event', 'cta_click'); });`));
    for (const name of ['language_switch', 'phone_click', 'cta_click']) {
      expect(trigger(name)).toBeUndefined();
      expect(why(name)).toMatch(/^its selector is built when the page runs \(/);
    }
    expect(why('language_switch')).toContain("(document.querySelector('#nav-' + lang))");
  });

  it('an element the page\'s code holds in a variable is not read', () => {
    const { trigger, why } = drafted(script(`var btn = document.getElementById('call');
btn.addEventListener('click', function () { gtag('event', 'phone_click'); });`));
    expect(trigger('phone_click')).toBeUndefined();
    expect(why('phone_click')).toBe("its element (btn) is one the page's code finds when it runs: not read, never guessed");
  });

  it('a forEach\'s element is each match only inside its own function', () => {
    const { trigger, why } = drafted(script(`document.querySelectorAll('.a').forEach(function (el) { el.classList.add('ready'); });
document.querySelectorAll('.b').forEach(function (row) {
  el.addEventListener('click', function () { gtag('event', 'a_click'); });
});`));
    expect(trigger('a_click')).toBeUndefined();
    expect(why('a_click')).toMatch(/^its element \(el\) is one the page's code finds/);
  });

  it('a selector the browser would reject is not written: the conversion keeps its track call and says why', () => {
    const { trigger, why, conversions } = drafted(script(`$('.offer:visible').on('click', () => gtag('event', 'offer_click'));
document.querySelector('a[href^=tel:]').addEventListener('click', () => { gtag('event', 'phone_click'); });`));
    expect(Object.keys(conversions).sort()).toEqual(['offer_click', 'phone_click']);
    expect(trigger('offer_click')).toBeUndefined();
    expect(why('offer_click')).toMatch(/^its selector "\.offer:visible" is not one a trigger can use: ":visible" is jQuery's, not CSS/);
    expect(trigger('phone_click')).toBeUndefined();
    expect(why('phone_click')).toMatch(/^its selector "a\[href\^=tel:\]" is not one a trigger can use: the value tel: needs quotes/);
  });

  it('two listeners on one element with different actions: neither gets the trigger (each would count every click)', () => {
    const { trigger, why } = drafted(script(`$('#map').click(function () { gtag('event', 'map_open'); });
document.getElementById('map').addEventListener('click', () => { fbq('trackCustom', 'MapClick'); });`));
    expect(trigger('map_open')).toBeUndefined();
    expect(trigger('map_click')).toBeUndefined();
    expect(why('map_open')).toBe('another action has the same trigger (a click on #map): each would count every one');
  });

  it('a call that runs only on a condition, or later, is no trigger: it would count every click', () => {
    const { trigger, why } = drafted(script(`document.getElementById('a').addEventListener('click', function () { if (open) gtag('event', 'a_click'); });
document.getElementById('b').addEventListener('click', function () { ok && gtag('event', 'b_click'); });
document.getElementById('c').addEventListener('click', function () { setTimeout(() => gtag('event', 'c_click'), 100); });
document.getElementById('d').addEventListener('click', function () { validate(); gtag('event', 'd_click'); });`));
    for (const name of ['a_click', 'b_click', 'c_click']) {
      expect(trigger(name), name).toBeUndefined();
      expect(why(name)).toMatch(/^its call runs only on some clicks, or later \(under if, &&, \?: or a return/);
    }
    expect(trigger('d_click')).toEqual({ on: 'click', selector: '#d' });
  });

  it('a submit listener that stops the browser\'s own submit is no submit trigger (that counts only forms the browser sends)', () => {
    const { trigger, why } = drafted(script(`document.getElementById('quote').addEventListener('submit', function (e) {
  e.preventDefault();
  gtag('event', 'generate_lead');
  fetch('/api/quote', { method: 'POST', body: new FormData(e.target) });
});
$('#contact').submit(function () { gtag('event', 'contact'); return false; });`));
    expect(trigger('generate_lead')).toBeUndefined();
    expect(why('generate_lead')).toMatch(/^it stops the browser sending the form \(preventDefault or return false\)/);
    expect(trigger('contact')).toBeUndefined();
  });

  it('a call with properties keeps its track call; a call after the listener is not in it', () => {
    const { trigger, why } = drafted(script(`document.getElementById('nl').addEventListener('submit', function () { gtag('event', 'sign_up', { method: 'newsletter' }); });
document.getElementById('x').onclick = () => doSomething()
gtag('event', 'page_ready');`));
    expect(trigger('sign_up')).toBeUndefined();
    expect(why('sign_up')).toBe('its calls send values the page computes (method): a trigger cannot compute them');
    expect(trigger('page_ready')).toBeUndefined();
    expect(why('page_ready')).toBeUndefined();
  });
});

describe('unquoted handler attributes', () => {
  it('are read as HTML reads them: the value ends at whitespace or ">"', () => {
    const { trigger, conversions } = drafted(`<button id=chat onclick=gtag('event','chat_open')>Chat</button>
<a href=tel:+4755112233 onclick=gtag('event','phone_click');fbq('track','Contact') class=phone>Call</a>
<form id=quote onsubmit=gtag(&quot;event&quot;,&quot;generate_lead&quot;)><input name=email></form>`);
    expect(trigger('chat_open')).toEqual({ on: 'click', selector: '#chat' });
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: 'a[href^="tel:"]' });
    expect(conversions.phone_click!.send).toEqual({ ga4: { event: 'phone_click' }, meta: { event: 'Contact' } });
    expect(trigger('generate_lead')).toEqual({ on: 'submit', selector: '#quote' });
  });
});

describe('measureplan init --from a site with listener-bound tags (end to end)', () => {
  const FIXTURE = join(root, 'tests/fixtures/tags/listeners');
  const tmp = tempDir();
  const out = join(tmp.dir, 'plan.json');
  let r: Run;
  let plan: any;
  beforeAll(() => {
    ensureBuilt();
    r = run(['init', '--from', 'index.html', '--out', out], { cwd: FIXTURE });
    plan = JSON.parse(readFileSync(out, 'utf8'));
  }, 120_000);
  afterAll(() => tmp.remove());
  afterEach(cleanUp);

  it('writes a plan that parsePlan accepts, with a trigger for each plain listener (inline and in js/tracking.js)', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(parsePlan(plan).ok).toBe(true);
    const triggers = Object.fromEntries(Object.entries(plan.conversions).map(([n, c]: [string, any]) => [n, c.trigger]));
    expect(triggers).toEqual({
      generate_lead: { on: 'submit', selector: 'form.quote' },
      chat_open: { on: 'click', selector: '#chat' },
      sign_up: { on: 'submit', selector: '#newsletter' },
      map_open: undefined,
      map_click: undefined,
      price_list_download: { on: 'click', selector: 'a.download' },
      phone_click: { on: 'click', selector: '#call-header' },
      add_to_cart: undefined,
      language_switch: undefined,
      offer_click: undefined,
    });
  });

  it('the table and Next say which listener (file:line) each trigger replaces, and that it goes', () => {
    expect(r.stdout).toMatch(/tracking\.js:6 +GA4 +gtag\('event', 'phone_click'\) +→ phone_click \(a trigger replaces the listener at tracking\.js:5\)/);
    expect(r.stdout).toMatch(/index\.html:37 +GA4 +gtag\('event', 'sign_up'\) +→ sign_up \(a trigger replaces the listener at index\.html:36\)/);
    expect(r.stdout).toMatch(/tracking\.js:17 +GA4 +gtag\('event', 'add_to_cart'\) +→ add_to_cart \(its listener stays code\)/);
    expect(r.stdout).toContain("→ no code: the plan's trigger tracks it (a click on #call-header); remove a click listener on document.getElementById('call-header') at tracking.js:5 with its calls");
    expect(r.stdout).toContain("→ no code: the plan's trigger tracks it (a click on a.download); remove a click listener on each of document.querySelectorAll('a.download') at index.html:42 with its calls");
    expect(r.stdout).toContain("→ measureplan.track('add_to_cart')");
  });

  it('lists the listeners that stay code with their reasons, and the querySelector guess', () => {
    const kept = r.stdout.slice(r.stdout.indexOf('Tracked by code'), r.stdout.indexOf('Guesses to check'));
    expect(kept).toContain('tracking.js:16 a click listener on document → add_to_cart: a listener on document: it hears every event on the page');
    expect(kept).toContain("tracking.js:20 a click listener on document.querySelector('#nav-' + lang) → language_switch: its selector is built when the page runs");
    expect(kept).toContain('tracking.js:24 a click listener on $(\'.offer:visible\') → offer_click: its selector ".offer:visible" is not one a trigger can use');
    expect(kept).toContain('index.html:40 a click listener on $(\'#map\') → map_open: another action has the same trigger (a click on #map)');
    expect(r.stdout).toContain("The trigger on form.quote counts every element it matches; a submit listener on document.querySelector('form.quote') (tracking.js:10) hung on the first one only.");
  });

  it('its triggers fire in the tracker on the page\'s own elements, and only there', async () => {
    const html = readFileSync(join(FIXTURE, 'index.html'), 'utf8');
    document.body.innerHTML = html.slice(html.indexOf('<body>') + 6, html.indexOf('</body>'));
    // The old inline handlers go, as Next says (the vendors' functions are not on this page).
    for (const el of document.querySelectorAll('[onclick]')) el.removeAttribute('onclick');
    const parsed = parsePlan(plan);
    if (!parsed.ok) throw new Error('the drafted plan does not parse');
    const t = install(parsed.plan);
    click(document.querySelector('#call-header')!);
    click(document.querySelectorAll('a.download')[1]!);
    click(document.querySelector('#chat')!);
    click(document.querySelector('#map')!);
    await submit(document.querySelector('form.quote')!);
    await submit(document.querySelector('#newsletter')!);
    expect(t.names()).toEqual(['phone_click', 'price_list_download', 'chat_open', 'generate_lead', 'sign_up']);
  });
});
