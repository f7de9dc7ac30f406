// @vitest-environment jsdom
/**
 * A second, hostile read of init --from's listener triggers: snippets as sites paste them, checked
 * against what the old listener really counted. A drafted trigger must count exactly that, or the
 * listener stays code with a reason that is true.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initFrom } from '../../src/cli/init-from';
import { draft } from '../../src/cli/tags/draft';
import { recognise } from '../../src/cli/tags/recognise';
import { parsePlan } from '../../src/plan/parse';
import { cleanUp, click, install } from '../triggers/helpers';

const HEAD = `<!doctype html><html><head><script>gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258');</script></head><body>`;

function drafted(js: string) {
  const result = draft(recognise('index.html', `${HEAD}<script>${js}</script></body></html>`), 'Test');
  expect(result.plan && parsePlan(result.plan).ok).toBe(true);
  const conversions = result.plan!.conversions as Record<string, { trigger?: object; send?: object }>;
  const listener = (name: string) => result.listeners.find((l) => l.conversion === name);
  return { result, conversions, trigger: (name: string) => conversions[name]?.trigger, why: (name: string) => listener(name)?.why, listener };
}

afterEach(cleanUp);

describe('what the old listener counted', () => {
  it('a listener bound with { once: true } counted the first click only: no trigger, which would count every one', () => {
    const { trigger, why } = drafted(`document.getElementById('coupon').addEventListener('click', function () { gtag('event', 'coupon_reveal'); }, { once: true });
document.getElementById("c").addEventListener("click",function(){gtag("event","chat_open")},{passive:!0,once:!0});
document.getElementById('p').addEventListener('click', function () { gtag('event', 'phone_click'); }, { once: false, capture: true });`);
    for (const name of ['coupon_reveal', 'chat_open']) {
      expect(trigger(name), name).toBeUndefined();
      expect(why(name)).toMatch(/^it is bound with \{ once: true \}: it counted the first click only, a trigger would count every one/);
    }
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#p' });
  });

  it('a forEach\'s element is not the element of a function inside it that names its own parameter the same', () => {
    const { trigger, why } = drafted(`document.querySelectorAll('.menu').forEach(function (el) {
  [].slice.call(el.children).forEach(function (el) {
    el.addEventListener('click', function () { gtag('event', 'menu_item_click'); });
  });
});
document.querySelectorAll('.tabs').forEach((tab) => {
  const tab2 = tab;
  tab.addEventListener('click', () => { gtag('event', 'tab_click'); });
});`);
    expect(trigger('menu_item_click')).toBeUndefined();
    expect(why('menu_item_click')).toMatch(/^its element \(el\) is one the page's code finds when it runs/);
    // Its own parameter's element still is each match.
    expect(trigger('tab_click')).toEqual({ on: 'click', selector: '.tabs' });
  });

  it('a listener bound inside another click listener counts only after that click (and once per click): no trigger', () => {
    const { trigger, why } = drafted(`$('#open-quote').click(function () {
  $('#quote').show();
  $('#quote-send').click(function () { gtag('event', 'quote_sent'); });
});
document.addEventListener('DOMContentLoaded', function () {
  document.getElementById('call').addEventListener('click', function () { gtag('event', 'phone_click'); });
});`);
    expect(trigger('quote_sent')).toBeUndefined();
    expect(why('quote_sent')).toBe("it is bound only when a click listener on $('#open-quote') runs (no click counted before that, and each run binds it again): a trigger counts every click once");
    // A ready wrapper binds once, when the page is read: its listeners are plain.
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#call' });
  });

  it('a listener a site-wide script binds on some pages only (under an if, an else, or after an if … return) is no trigger: that counts on every page', () => {
    const { trigger, why } = drafted(`if (location.pathname.indexOf('/kontakt') === 0) {
  $('form').submit(function () { gtag('event', 'generate_lead'); });
}
(function ($) {
  if (!document.body.classList.contains('checkout')) return;
  $('#place-order').click(function () { gtag('event', 'begin_checkout'); });
})(jQuery);
if (isMobile) { init(); } else document.getElementById('chat').addEventListener('click', () => { gtag('event', 'chat_open'); });
if (document.getElementById('call')) document.getElementById('call').addEventListener('click', function () { gtag('event', 'phone_click'); });
if ($('#nl').length) { $('#nl').submit(function () { gtag('event', 'sign_up'); }); }
$('#after').click(function () { gtag('event', 'after_click'); });`);
    expect(trigger('generate_lead')).toBeUndefined();
    expect(why('generate_lead')).toBe("it is bound only if (location.pathname.indexOf('/kontakt') === 0): a trigger counts every submit, on every page");
    expect(trigger('begin_checkout')).toBeUndefined();
    expect(why('begin_checkout')).toBe("it is bound only when the code before it does not return (if (!document.body.classList.contains('checkout')) return): a trigger counts every click, on every page");
    expect(why('chat_open')).toBe('it is bound only in an else branch: a trigger counts every click, on every page');
    // An if that only asks whether the element is there binds wherever the element is: as the trigger counts.
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#call' });
    expect(trigger('sign_up')).toEqual({ on: 'submit', selector: '#nl' });
    expect(trigger('after_click')).toEqual({ on: 'click', selector: '#after' });
  });

  it('a jQuery submit handler or onsubmit whose return value decides, and an await before the call, are no trigger', () => {
    const { trigger, why } = drafted(`$('#quote').submit(function () { gtag('event', 'generate_lead'); return validate(this); });
document.getElementById('nl').onsubmit = function () { fbq('track', 'CompleteRegistration'); return checkForm(); };
document.getElementById('copy').addEventListener('click', async () => { await navigator.clipboard.writeText(code); gtag('event', 'coupon_copied'); });`);
    expect(trigger('generate_lead')).toBeUndefined();
    expect(why('generate_lead')).toMatch(/^its function's return value can stop the browser sending the form \(return …\): a submit trigger counts only forms the browser sends/);
    expect(trigger('sign_up')).toBeUndefined();
    expect(why('sign_up')).toMatch(/^its function's return value can stop/);
    expect(trigger('coupon_copied')).toBeUndefined();
    expect(why('coupon_copied')).toMatch(/^its call runs only on some clicks, or later/);
  });
  it('two listeners on one element are two actions, not one (a forEach\'s element, a jQuery chain)', () => {
    const { conversions, trigger } = drafted(`document.querySelectorAll('.product').forEach(function (el) {
  el.addEventListener('click', function () { gtag('event', 'select_item'); });
  el.addEventListener('submit', function () { fbq('track', 'AddToCart'); });
});
$('#nl').on('click', function () { gtag('event', 'newsletter_open'); }).on('submit', function () { fbq('track', 'Lead'); });`);
    expect(conversions.select_item!.send).toEqual({ ga4: { event: 'select_item' } });
    expect(conversions.add_to_cart!.send).toEqual({ meta: { event: 'AddToCart' } });
    expect(trigger('select_item')).toEqual({ on: 'click', selector: '.product' });
    expect(trigger('add_to_cart')).toEqual({ on: 'submit', selector: '.product' });
    expect(trigger('newsletter_open')).toEqual({ on: 'click', selector: '#nl' });
    expect(trigger('generate_lead')).toEqual({ on: 'submit', selector: '#nl' });
  });
});

describe('what the draft says', () => {
  it('a load or DOMContentLoaded listener on the page is named as such, not as delegation', () => {
    const { why } = drafted(`document.addEventListener('DOMContentLoaded', function () { gtag('event', 'page_ready'); });
window.addEventListener('load', () => { fbq('trackCustom', 'Loaded'); });`);
    expect(why('page_ready')).toBe("a DOMContentLoaded listener: a plan's triggers count clicks and form submits");
    expect(why('loaded')).toBe("a load listener: a plan's triggers count clicks and form submits");
  });

  it('a call the listener returns runs on every click: `return gtag(…)` is a trigger, a call after the return is not', () => {
    const { trigger, why } = drafted(`document.getElementById('call').addEventListener('click', function () { return gtag('event', 'phone_click'); });
document.getElementById('mail').onclick = function () { return fbq('track', 'Contact'); };
document.getElementById('x').addEventListener('click', function () { return
  gtag('event', 'never_sent'); });
document.getElementById('y').addEventListener('click', function () { return check(); gtag('event', 'unreached'); });`);
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#call' });
    expect(trigger('contact')).toEqual({ on: 'click', selector: '#mail' });
    expect(trigger('never_sent')).toBeUndefined();
    expect(why('never_sent')).toMatch(/^its call runs only on some clicks, or later/);
    expect(trigger('unreached')).toBeUndefined();
  });

  it('a return false in an addEventListener function stops nothing (only jQuery and onsubmit read it): the submit trigger counts what it counted', () => {
    const { trigger } = drafted(`document.getElementById('quote').addEventListener('submit', function () { gtag('event', 'generate_lead'); return false; });`);
    expect(trigger('generate_lead')).toEqual({ on: 'submit', selector: '#quote' });
  });

  it('an inline onsubmit that stops the form (return false, preventDefault, a returned check) is no submit trigger: the tracker counts only forms the browser sends; one that lets it go is', () => {
    const page = (attrs: string[]) => draft(recognise('index.html', `${HEAD}${attrs.map((a, i) => `<form id="f${i}" ${a}><input name=e></form>`).join('')}</body></html>`), 'Test').plan!.conversions as Record<string, { trigger?: object }>;
    const c = page([
      `onsubmit="gtag('event', 'sign_up'); return false"`,
      `onsubmit="gtag('event', 'generate_lead'); event.preventDefault();"`,
      `onsubmit="gtag('event', 'contact'); return validate(this)"`,
      `onsubmit="gtag('event', 'request_quote'); return true"`,
    ]);
    for (const name of ['sign_up', 'generate_lead', 'contact']) expect(c[name]?.trigger, name).toBeUndefined();
    expect(c.request_quote?.trigger).toEqual({ on: 'submit', selector: '#f3' });
  });

  it('a jQuery chain names its element: $(\'#x\').on(…).on(\'submit\', …) is a listener on $(\'#x\'); .find(…) shows the whole chain', () => {
    const { trigger, listener, why } = drafted(`$('#newsletter').on('focus', function () { $(this).addClass('active'); }).on('submit', function () { gtag('event', 'sign_up'); });
$('#call').addClass('tracked').click(function () { gtag('event', 'phone_click'); });
$('#footer').find('a.mail').click(function () { gtag('event', 'contact'); });`);
    expect(trigger('sign_up')).toEqual({ on: 'submit', selector: '#newsletter' });
    expect(listener('sign_up')!.what).toBe("a submit listener on $('#newsletter')");
    expect(trigger('phone_click')).toEqual({ on: 'click', selector: '#call' });
    expect(trigger('contact')).toBeUndefined();
    expect(why('contact')).toBe("its element ($('#footer').find('a.mail')) is one the page's code finds when it runs: not read, never guessed");
  });
});

describe('init --from\'s output', () => {
  it('says that a submit trigger counts none of the forms the site\'s own script sends (AJAX carts, form plugins): the draft cannot see that code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-listeners-'));
    try {
      writeFileSync(join(dir, 'product.html'), `${HEAD}<form action="/cart/add" method="post"><button>Add</button></form>
<script>document.querySelector('form[action="/cart/add"]').addEventListener('submit', function () { fbq('track', 'AddToCart'); });</script></body></html>`);
      let out = '';
      const plain = (x: string) => x;
      const code = await initFrom([join(dir, 'product.html')], join(dir, 'plan.json'), { out: { write: (x: string) => { out += x; } }, err: { write: () => true } },
        { red: plain, yellow: plain, green: plain, cyan: plain, bold: plain, dim: plain });
      expect(code).toBe(0);
      const guesses = out.slice(out.indexOf('Guesses to check:'), out.indexOf('Next:'));
      expect(guesses).toContain('A submit trigger (on form[action="/cart/add"]) counts a form only when the browser sends it: if the site\'s own script sends it instead');
      expect(guesses).toContain('(an AJAX cart or form plugin that calls preventDefault), it counts none. Submit each form once in debug mode');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('the drafted triggers in the tracker', () => {
  it('a chained jQuery listener\'s trigger fires on its element only', () => {
    const { result } = drafted(`$('#call').addClass('tracked').click(function () { gtag('event', 'phone_click'); });`);
    document.body.innerHTML = '<a id="call" href="tel:+4755112233"><i>☎</i></a><a id="other" href="/x">x</a>';
    const parsed = parsePlan(result.plan!);
    if (!parsed.ok) throw new Error('the drafted plan does not parse');
    const t = install(parsed.plan);
    click(document.querySelector('#other')!);
    click(document.querySelector('#call i')!);
    expect(t.names()).toEqual(['phone_click']);
  });
});
