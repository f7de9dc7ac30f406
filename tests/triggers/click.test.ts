// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, click, install, nextTask, plan, planWith } from './helpers';

afterEach(cleanUp);

const product = `
  <div class="card" data-sku="TENT-3P" data-name="Fjellheim 3-person tent" data-price="2,499.50">
    <button class="add-to-cart"><svg><path></path></svg><span>Add to cart</span></button>
  </div>`;

describe('click triggers', () => {
  it('tracks add_to_cart with data-sku/data-name/data-price read from the closest ancestors, price as a number', () => {
    document.body.innerHTML = product;
    const t = install(plan('webshop'));
    click(document.querySelector('button.add-to-cart')!);
    expect(t.calls).toEqual([['add_to_cart', { item_id: 'TENT-3P', item_name: 'Fjellheim 3-person tent', value: 2499.5 }]]);
  });

  it('counts a click on a child of the matching element (the icon inside the button)', () => {
    document.body.innerHTML = product;
    const t = install(plan('webshop'));
    click(document.querySelector('button.add-to-cart path')!);
    click(document.querySelector('button.add-to-cart span')!);
    expect(t.names()).toEqual(['add_to_cart', 'add_to_cart']);
  });

  it('counts elements added to the page after install', () => {
    const t = install(plan('webshop'));
    document.body.insertAdjacentHTML('beforeend', product);
    click(document.querySelector('button.add-to-cart')!);
    expect(t.names()).toEqual(['add_to_cart']);
  });

  it('does not fire for clicks outside the matching element', () => {
    document.body.innerHTML = `${product}<button class="wishlist">♡</button>`;
    const t = install(plan('webshop'));
    click(document.querySelector('.wishlist')!);
    click(document.querySelector('.card')!);
    expect(t.calls).toEqual([]);
  });

  it('tracks a tel: link inside a web component\'s open shadow root', () => {
    document.body.innerHTML = `<x-contact></x-contact>`;
    const contact = document.querySelector('x-contact')!.attachShadow({ mode: 'open' });
    contact.innerHTML = `<p>Call us: <a href="tel:+4722334455"><b>22 33 44 55</b></a></p>`;
    const t = install(plan('webshop'));
    // A real click is composed: it leaves the shadow root, naming only the host outside it.
    contact.querySelector('b')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    contact.querySelector('p')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    expect(t.calls).toEqual([['phone_click', {}]]);
  });

    it("tracks phone_click on a tel: link, even when the page stops the click's propagation", () => {
    document.body.innerHTML = `<footer><a href="tel:+4722334455"><b>22 33 44 55</b></a> <a href="/contact">Contact</a></footer>`;
    document.querySelector('footer')!.addEventListener('click', (e) => e.stopPropagation());
    const t = install(plan('webshop'));
    click(document.querySelector('a[href^="tel:"] b')!);
    click(document.querySelector('a[href="/contact"]')!);
    expect(t.calls).toEqual([['phone_click', {}]]);
  });

  it('tracks contact_click on mailto: and tel: links (a selector list) and whitepaper_download with data-title', () => {
    document.body.innerHTML = `
      <a href="mailto:sales@nordlys.example">Mail us</a><a href="tel:+4790000000">Call</a>
      <a class="whitepaper" href="/guides/buyers-guide.pdf" data-title="The buyer's guide to CRM">Download</a>
      <a class="whitepaper" href="/guides/buyers-guide.html" data-title="Not a PDF">Read online</a>`;
    const t = install(plan('leadgen'));
    for (const a of document.querySelectorAll('a')) click(a);
    expect(t.calls).toEqual([
      ['contact_click', {}],
      ['contact_click', {}],
      ['whitepaper_download', { title: "The buyer's guide to CRM" }],
    ]);
  });

  it('reads text and href from the clicked element', async () => {
    const { planWith } = await import('./helpers');
    document.body.innerHTML = `<a class="cta" href="/demo"><span>  Book a\n   demo </span></a>`;
    const t = install(planWith({ on: 'click', selector: 'a.cta', properties: { label: 'text', url: 'href' } }, { label: { type: 'string' }, url: { type: 'string' } }));
    click(document.querySelector('span')!);
    expect(t.calls).toEqual([['goal', { label: 'Book a demo', url: '/demo' }]]);
  });

  it('warns once about a selector the browser rejects and keeps the other click triggers working', () => {
    const p = plan('webshop');
    p.conversions.add_to_cart!.trigger = { on: 'click', selector: 'button..add-to-cart' };
    document.body.innerHTML = `${product}<a href="tel:+4722334455">Call</a>`;
    const t = install(p);
    click(document.querySelector('button')!);
    click(document.querySelector('a')!);
    click(document.querySelector('a')!);
    expect(t.names()).toEqual(['phone_click', 'phone_click']);
    // a plan mistake: its JSON path, the selector and how to test it
    expect(t.mistakes).toEqual(['conversions.add_to_cart.trigger.selector: "button..add-to-cart" is not a valid CSS selector; this trigger is off (try it with document.querySelector)']);
    expect(t.warnings).toEqual(t.mistakes);
  });

  it('counts a click on a <label> once, though the browser then clicks its control too; a direct click on the control once', async () => {
    // A pricing page: each plan is a label around a radio button.
    document.body.innerHTML = `<form><label class="plan-option" data-plan="pro"><input type="radio" name="plan" value="pro"> <b>Pro</b> 499 kr</label></form>`;
    const t = install(plan({ version: 1, name: 'Test', conversions: {
      plan_card: { kind: 'micro', properties: { plan: { type: 'string' } }, trigger: { on: 'click', selector: 'label.plan-option', properties: { plan: 'data-plan' } } },
      plan_radio: { kind: 'micro', trigger: { on: 'click', selector: 'input[name=plan]' } },
    } }));
    const radio = document.querySelector('input')!;
    click(document.querySelector('label b')!);
    expect(radio.checked).toBe(true); // jsdom, like browsers, clicks the control (a second click event)
    // the control's own trigger counts that second click; the label's does not count it again
    expect(t.calls).toEqual([['plan_card', { plan: 'pro' }], ['plan_radio', {}]]);
    click(radio);
    expect(t.names()).toEqual(['plan_card', 'plan_radio', 'plan_card', 'plan_radio']);
    // A label click the page cancels clicks no control: a later click on the control counts.
    const cancel = (e: Event) => e.preventDefault();
    document.querySelector('label')!.addEventListener('click', cancel);
    click(document.querySelector('label b')!);
    await nextTask();
    document.querySelector('label')!.removeEventListener('click', cancel);
    click(radio);
    expect(t.names()).toEqual(['plan_card', 'plan_radio', 'plan_card', 'plan_radio', 'plan_card', 'plan_card', 'plan_radio']);
  });

  it('counts a click on a card that wraps a label and its checkbox once', () => {
    document.body.innerHTML = `<div class="gift-wrap" data-sku="GIFT"><label><input type="checkbox" name="gift"> Gift wrapping</label></div>`;
    const t = install(planWith({ on: 'click', selector: '.gift-wrap', properties: { item_id: 'data-sku' } }, { item_id: { type: 'string' } }));
    click(document.querySelector('label')!);
    expect((document.querySelector('input') as HTMLInputElement).checked).toBe(true);
    expect(t.calls).toEqual([['goal', { item_id: 'GIFT' }]]);
  });

  it('uses one delegated capture listener on the document for all click triggers', () => {
    const added: [string, unknown][] = [];
    const original = document.addEventListener;
    document.addEventListener = function (this: Document, type: string, fn: any, o?: any) { added.push([type, o]); return original.call(this, type, fn, o); } as any;
    try { install(plan('leadgen')); } finally { document.addEventListener = original; }
    expect(added.filter(([type]) => type === 'click')).toEqual([['click', true]]);
  });
});
