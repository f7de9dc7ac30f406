// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, install, nextTask, plan } from './helpers';

afterEach(cleanUp);

describe('SPA route changes', () => {
  it('re-evaluates page_view triggers after pushState, calling onRoute first', async () => {
    history.replaceState(null, '', '/');
    const t = install(plan('webshop'));
    history.pushState({ page: 1 }, '', '/pricing');
    await nextTask();
    expect(t.events).toEqual(['route', 'track visited_pricing']);
    history.pushState(null, '', '/checkout');
    await nextTask();
    expect(t.events).toEqual(['route', 'track visited_pricing', 'route', 'track begin_checkout']);
  });

  it('re-evaluates after replaceState and after popstate (back/forward)', async () => {
    const t = install(plan('webshop'));
    history.replaceState(null, '', '/pricing/teams');
    await nextTask();
    expect(t.names()).toEqual(['visited_pricing']);
    history.pushState(null, '', '/about');
    await nextTask();
    history.back();
    await new Promise((r) => setTimeout(r, 20)); // jsdom runs back() in a later task
    expect(location.pathname).toBe('/pricing/teams');
    expect(t.names()).toEqual(['visited_pricing', 'visited_pricing']);
    expect(t.events.filter((e) => e === 'route')).toHaveLength(3);
  });

  it('counts a change of the query string, not a change of the hash or the state alone', async () => {
    const p = plan('webshop');
    p.conversions.visited_pricing!.trigger = { on: 'page_view', path: '/pricing', query: { utm_source: 'newsletter' } };
    history.replaceState(null, '', '/pricing');
    const t = install(p);
    history.pushState(null, '', '/pricing#faq');
    history.replaceState({ scroll: 300 }, '');
    await nextTask();
    expect(t.events).toEqual([]);
    history.pushState(null, '', '/pricing?utm_source=newsletter');
    await nextTask();
    expect(t.events).toEqual(['route', 'track visited_pricing']);
  });

  it('does not count a replaceState that keeps the path (utm_* tidied away, a variant picker writing ?variant=); counts a push and a new path', async () => {
    history.replaceState(null, '', '/product/tent?utm_source=newsletter&gclid=abc123&color=green');
    document.body.innerHTML = `<main data-sku="TENT-3P"></main>`;
    const t = install(plan('webshop'));
    history.replaceState(history.state, '', '/product/tent?color=green');
    await nextTask();
    history.replaceState(history.state, '', '/product/tent');
    await nextTask();
    expect(t.events).toEqual(['track view_item']);
    // A parameter added or changed by replaceState: a shop's variant picker (Shopify themes write
    // ?variant= on every choice of size or colour; storeowner QA 2026-12-06: view_item ×4).
    history.replaceState(null, '', '/product/tent?color=red');
    await nextTask();
    history.replaceState(null, '', '/product/tent?variant=4211&size=3');
    await nextTask();
    expect(t.events).toEqual(['track view_item']);
    // A parameter removed by pushState (compared with the rewritten address), a new path by replaceState.
    history.pushState(null, '', '/product/tent?variant=4211');
    await nextTask();
    document.body.innerHTML = `<main data-sku="TARP-2"></main>`; // the router draws the next product
    history.replaceState(null, '', '/product/tarp');
    await nextTask();
    expect(t.events.filter((e) => e === 'route')).toHaveLength(2);
    expect(t.names()).toEqual(['view_item', 'view_item', 'view_item']);
  });

  it('after a tidy replaceState, an anchor link on the same page is no route change (SPA QA 2026-12-06)', async () => {
    history.replaceState(null, '', '/pricing?utm_source=newsletter&gclid=abc123');
    const t = install(plan('webshop'));
    history.replaceState(history.state, '', '/pricing');
    await nextTask();
    // An in-page link: the browser pushes the hash and fires popstate.
    history.pushState(null, '', '/pricing#faq');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await nextTask();
    expect(t.events).toEqual(['track visited_pricing']);
    // A tidy while a route change is being checked leaves that change to the check.
    history.pushState(null, '', '/product/tent?gclid=x');
    history.replaceState(null, '', '/product/tent');
    await nextTask();
    expect(t.events.filter((e) => e === 'route')).toHaveLength(1);
  });

  it('counts a push followed at once by a redirect as one route change, on the final page', async () => {
    const t = install(plan('webshop'));
    history.pushState(null, '', '/product');
    history.replaceState(null, '', '/pricing');
    await nextTask();
    expect(t.events).toEqual(['route', 'track visited_pricing']);
  });

  it('reads page_view properties from the page the router rendered after the change', async () => {
    const t = install(plan('webshop'));
    history.pushState(null, '', '/product/tent');
    document.body.innerHTML = `<div data-sku="TENT-3P" data-price="2499"></div>`; // the router renders right after pushState
    await nextTask();
    expect(t.calls).toEqual([['view_item', { item_id: 'TENT-3P', value: 2499 }]]);
  });

  it('keeps what pushState and replaceState do, and their return values', () => {
    install(plan('webshop'));
    expect(history.pushState({ a: 1 }, '', '/x?y=1')).toBeUndefined();
    expect(location.pathname + location.search).toBe('/x?y=1');
    expect(history.state).toEqual({ a: 1 });
    expect(history.replaceState({ b: 2 }, '', '/z')).toBeUndefined();
    expect(location.pathname).toBe('/z');
    expect(history.state).toEqual({ b: 2 });
    expect(() => history.pushState(null, '', 'https://elsewhere.example/')).toThrow(); // as the browser's own
  });

  it('wraps history only once when triggers are installed twice, and tells both installs', async () => {
    const a = install(plan('webshop'));
    const wrapped = history.pushState;
    const b = install(plan('leadgen'));
    expect(history.pushState).toBe(wrapped);
    history.pushState(null, '', '/pricing');
    await nextTask();
    expect(a.names()).toEqual(['visited_pricing']);
    expect(b.names()).toEqual(['visited_pricing']);
  });

  it('stops reacting to routes after stop(), and history keeps working', async () => {
    const t = install(plan('webshop'));
    t.stop();
    history.pushState(null, '', '/pricing');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await nextTask();
    expect(location.pathname).toBe('/pricing');
    expect(t.events).toEqual([]);
  });

  it('stop() right after a route change cancels its pending evaluation', async () => {
    const t = install(plan('webshop'));
    history.pushState(null, '', '/pricing');
    t.stop();
    await nextTask();
    expect(t.events).toEqual([]);
  });
});

describe('a router that changes the address before it draws the page (Turbolinks 5, Turbo before 7.2, pjax; deploy QA 2026-12-06)', () => {
  const sku = (t: ReturnType<typeof install>) => t.calls.filter(([n]) => n === 'view_item').map(([, p]) => p.item_id);
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** The triggers installed on a category page: no product on it. */
  const onCategory = () => {
    history.replaceState(null, '', '/category/tents');
    document.body.innerHTML = `<main class="list"></main>`;
    return install(plan('webshop'));
  };

  it('a product page reached from a page without a product: waits for the product, with no warning in between', async () => {
    const t = onCategory();
    history.pushState(null, '', '/product/tarp');
    await nextTask();
    await wait(30);
    expect(sku(t)).toEqual([]);
    document.body = Object.assign(document.createElement('body'), { innerHTML: `<main data-sku="TARP-2"></main>` }); // drawn: a new body, as Turbolinks does
    await wait(10);
    expect(sku(t)).toEqual(['TARP-2']);
    expect(t.warnings).toEqual([]);
  });

  it('a spinner first, then the product (a router that awaits its data): the product is read', async () => {
    const t = onCategory();
    history.pushState(null, '', '/product/tarp');
    document.body.innerHTML = `<div class="spinner"></div>`; // drawn at once, without the product
    await nextTask();
    await wait(30);
    expect(sku(t)).toEqual([]);
    document.body.innerHTML = `<main data-sku="TARP-2"></main>`;
    await wait(10);
    expect(sku(t)).toEqual(['TARP-2']);
  });

  it('a clock or a progress bar changing while the product loads does not end the wait', async () => {
    const t = onCategory();
    document.body.appendChild(document.createElement('time')).textContent = '10:00:00';
    history.pushState(null, '', '/product/tarp');
    await nextTask();
    document.querySelector('time')!.textContent = '10:00:01';
    document.body.appendChild(document.createElement('div')).id = 'nprogress';
    await wait(10);
    expect(sku(t)).toEqual([]);
    document.querySelector('main')!.setAttribute('data-sku', 'TARP-2');
    await wait(10);
    expect(sku(t)).toEqual(['TARP-2']);
  });

  it('a route left before its page was drawn counts nothing; the page drawn counts once', async () => {
    const t = onCategory();
    history.pushState(null, '', '/product/tarp');
    await nextTask();
    history.pushState(null, '', '/product/stove'); // clicked on before tarp came
    await nextTask();
    document.body.innerHTML = `<main data-sku="STOVE-1"></main>`;
    await wait(10);
    expect(sku(t)).toEqual(['STOVE-1']);
  });

  it('a page that never shows its values is counted after 3 s with what it shows (validation reports what is missing)', async () => {
    const t = onCategory();
    history.pushState(null, '', '/product/tarp');
    await nextTask();
    expect(t.warnings).toEqual([]);
    await wait(3100);
    expect(t.warnings).toEqual([expect.stringMatching(/view_item: no data-sku for item_id/)]);
  });

  it('a price the page shows but that cannot be read is reported at once, not waited for (second read 2026-12-07)', async () => {
    const t = onCategory();
    history.pushState(null, '', '/product/tarp');
    document.body.innerHTML = `<main data-sku="TARP-2" data-price="Price on request"></main>`;
    await nextTask();
    expect(t.calls.filter(([n]) => n === 'view_item').map(([, p]) => p.value)).toEqual(['Price on request']);
    expect(t.warnings).toEqual([expect.stringMatching(/"Price on request" \(data-price\) is not a number measureplan can read for value/)]);
  });

  it('a page that shows its values at once is read at once, also the same product under another path (diff reads 2026-12-06)', async () => {
    history.replaceState(null, '', '/product/tent-2p');
    document.body.innerHTML = `<main data-sku="TENT"><h1>Tent, 2 persons</h1></main>`;
    const t = install(plan('webshop'));
    history.pushState(null, '', '/product/tent-3p');
    await nextTask();
    document.querySelector('h1')!.textContent = 'Tent, 3 persons';
    history.pushState(null, '', '/product/tent-4p');
    await nextTask();
    expect(sku(t)).toEqual(['TENT', 'TENT', 'TENT']);
  });
});
