// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, click, install, plan } from './helpers';

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
    expect(t.warnings).toEqual([expect.stringMatching(/add_to_cart.*button\.\.add-to-cart/)]);
  });

  it('uses one delegated capture listener on the document for all click triggers', () => {
    const added: [string, unknown][] = [];
    const original = document.addEventListener;
    document.addEventListener = function (this: Document, type: string, fn: any, o?: any) { added.push([type, o]); return original.call(this, type, fn, o); } as any;
    try { install(plan('leadgen')); } finally { document.addEventListener = original; }
    expect(added.filter(([type]) => type === 'click')).toEqual([['click', true]]);
  });
});
