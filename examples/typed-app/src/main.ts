/**
 * The webshop page (index.html): the plan comes from plan.json, which the marketing team owns,
 * through `measureplan codegen` (src/plan.gen.ts). Every `track()` call below is checked by the
 * compiler against that plan: a wrong name, a missing property or a wrong type does not build.
 */
import { createTracker, type Item } from 'measureplan';
import { collector } from 'measureplan/adapters/collector';
import { ga4 } from 'measureplan/adapters/ga4';
import { connectConsentBanner } from './consent-banner';
import { plan } from './plan.gen';

// Only the destinations that are in the plan and given here receive anything; an adapter that
// is not imported is not in the bundle.
export const tracker = createTracker({ plan, adapters: [ga4(), collector()] });

// The compiler cannot see what the page gives at run time (a price attribute that is not a
// number, an empty order number): such calls are rejected by the tracker and reported here.
tracker.on('error', (e) => console.warn(`tracking: ${e.path}: ${e.reason}`));

connectConsentBanner(tracker);

// The server renders the signed-in customer on <body data-customer="…" data-tier="…">.
const { customer, tier } = document.body.dataset;
if (customer) tracker.identify(customer, tier ? { tier } : {});

/** The plan's delivery options, as a type: `purchase` accepts exactly these. (Not called
 * `shipping`: in GA4's e-commerce events that parameter is the shipping cost, a number.) */
const DELIVERY = ['pickup', 'post', 'courier'] as const;
type Delivery = (typeof DELIVERY)[number];
const isDelivery = (value: string): value is Delivery => (DELIVERY as readonly string[]).includes(value);

const cart: Item[] = [];
const euros = (n: number) => Math.round(n * 100) / 100;
const cartValue = () => euros(cart.reduce((sum, item) => sum + (item.price ?? 0) * (item.quantity ?? 1), 0));

function showCart(): void {
  const count = document.querySelector('#cart-count');
  if (count) count.textContent = String(cart.reduce((n, item) => n + (item.quantity ?? 1), 0));
  const total = document.querySelector('#cart-total');
  if (total) total.textContent = cartValue().toFixed(2);
}

// Product cards: <button class="add-to-cart" data-sku="…" data-name="…" data-price="…">.
for (const button of document.querySelectorAll<HTMLButtonElement>('button.add-to-cart')) {
  button.addEventListener('click', () => {
    const { sku, name } = button.dataset;
    if (!sku) return;
    // A data attribute is a string; the plan says `value` is a number, so it is converted here
    // (passing button.dataset.price as it is would not compile).
    const price = Number(button.dataset.price);
    const line = cart.find((item) => item.item_id === sku);
    if (line) line.quantity = (line.quantity ?? 1) + 1;
    else cart.push({ item_id: sku, item_name: name, price, quantity: 1 });
    showCart();
    tracker.track('add_to_cart', { item_id: sku, item_name: name, quantity: 1, value: price });
  });
}

// "How to brew": a conversion without properties takes no second argument.
for (const button of document.querySelectorAll<HTMLButtonElement>('button.brewing-guide')) {
  button.addEventListener('click', () => {
    const guide = document.getElementById(button.getAttribute('aria-controls') ?? '');
    if (guide) guide.hidden = false;
    tracker.track('brewing_guide_opened');
  });
}

// The roast calendar e-mail, in the footer and on the checkout form.
for (const form of document.querySelectorAll<HTMLFormElement>('form.newsletter')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // The shop's own code stores the address; the plan only counts the sign-up.
    tracker.track('newsletter_signup', { placement: form.dataset.placement === 'checkout' ? 'checkout' : 'footer' });
    form.replaceChildren('Thank you! The next roast calendar is on its way.');
  });
}

// A subscription: an enum, an integer and a number, read from the form and narrowed to the plan's types.
const subscribe = document.querySelector<HTMLFormElement>('form#subscribe');
subscribe?.addEventListener('submit', (event) => {
  event.preventDefault();
  const fields = new FormData(subscribe);
  const interval = fields.get('interval');
  const bags = Number(fields.get('bags'));
  if (interval !== 'weekly' && interval !== 'biweekly' && interval !== 'monthly') return;
  tracker.track('subscription_started', { interval, bags, value: euros(bags * Number(subscribe.dataset.bagPrice)) });
});

/** The shop's backend places the order and answers with its number (the dedupe key). */
async function placeOrder(items: Item[], delivery: Delivery): Promise<{ orderId: string; total: number }> {
  const res = await fetch('/api/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items, delivery }) });
  if (!res.ok) throw new Error(`the order was not placed (HTTP ${res.status})`);
  return (await res.json()) as { orderId: string; total: number };
}

// The macro conversion: tracked once the backend has confirmed the order, with its number, so
// that a reload of the confirmation (or the server sending the same order) is not counted twice.
const checkout = document.querySelector<HTMLFormElement>('form#checkout');
checkout?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const delivery = String(new FormData(checkout).get('delivery'));
  const coupon = String(new FormData(checkout).get('coupon') ?? '').trim();
  if (!cart.length || !isDelivery(delivery)) return;
  const status = document.querySelector('#order-status');
  try {
    const order = await placeOrder(cart, delivery);
    // The tracker copies the items as they are now, so the cart can be emptied right after.
    tracker.track('purchase', {
      transaction_id: order.orderId, value: order.total, items: cart, delivery, ...(coupon ? { coupon } : {}),
    });
    if (status) status.textContent = `Thank you! Order ${order.orderId} is confirmed.`;
    cart.length = 0;
    showCart();
  } catch (e) {
    if (status) status.textContent = (e as Error).message;
  }
});
