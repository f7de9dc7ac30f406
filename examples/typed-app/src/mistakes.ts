/**
 * Calls that do not match the plans, each marked `@ts-expect-error`. This file is only
 * type-checked, never bundled or run. It proves the compile-time checks: if one of these lines
 * ever stopped being an error (a change to the plan or to measureplan's types let it through),
 * `tsc` would report the `@ts-expect-error` above it as unused and the build would fail.
 *
 * Keep each mistaken call on one line: the directive covers the next line only.
 */
import { definePlan, type Item, type Tracker } from 'measureplan';
import type { Plan } from './plan.gen';
import type { WholesalePlan } from './wholesale/plan';

declare const shop: Tracker<Plan>;
declare const wholesale: Tracker<WholesalePlan>;
const items: Item[] = [{ item_id: 'TC-ETH-250', item_name: 'Ethiopia Guji, 250 g', price: 14.9, quantity: 2 }];

export function shopMistakes(): void {
  // The correct call, for comparison:
  shop.track('purchase', { transaction_id: 'TC-1042', value: 29.8, items, delivery: 'post' });

  // @ts-expect-error a conversion name that is not in the plan ("purchse")
  shop.track('purchse', { transaction_id: 'TC-1042', value: 29.8, items, delivery: 'post' });
  // @ts-expect-error wrong property type: value is a number in the plan, not a string
  shop.track('purchase', { transaction_id: 'TC-1042', value: '29.80', items, delivery: 'post' });
  // @ts-expect-error missing required property: transaction_id
  shop.track('purchase', { value: 29.8, items, delivery: 'post' });
  // @ts-expect-error purchase has required properties, so they cannot be left out
  shop.track('purchase');
  // @ts-expect-error a value outside the plan's enum: "drone" is no delivery option
  shop.track('purchase', { transaction_id: 'TC-1042', value: 29.8, items, delivery: 'drone' });
  // @ts-expect-error an item without its item_id
  shop.track('purchase', { transaction_id: 'TC-1042', value: 29.8, items: [{ item_name: 'Ethiopia Guji', price: 14.9 }], delivery: 'post' });
  // @ts-expect-error a property the plan does not declare (colour)
  shop.track('add_to_cart', { item_id: 'TC-ETH-250', value: 14.9, colour: 'brown' });
  // @ts-expect-error wrong property type: quantity is an integer, not a string
  shop.track('add_to_cart', { item_id: 'TC-ETH-250', value: 14.9, quantity: '2' });
  // @ts-expect-error a conversion without properties takes none
  shop.track('brewing_guide_opened', { coffee: 'TC-ETH-250' });
  // @ts-expect-error wrong property type: bags is an integer, not a boolean
  shop.track('subscription_started', { interval: 'monthly', bags: true, value: 27 });
  // @ts-expect-error a conversion of the other plan is unknown to this tracker
  shop.track('wholesale_inquiry', { business: 'cafe', locations: 2, kg_per_month: 12 });
  // @ts-expect-error consent is "granted" or "denied"
  shop.consent({ analytics: 'yes' });
}

export function wholesaleMistakes(): void {
  // The correct call, for comparison:
  wholesale.track('wholesale_inquiry', { business: 'cafe', locations: 2, kg_per_month: 12 });

  // @ts-expect-error a value outside the plan's enum: "hotel" is no business type
  wholesale.track('wholesale_inquiry', { business: 'hotel', locations: 2, kg_per_month: 12 });
  // @ts-expect-error missing required property: locations
  wholesale.track('wholesale_inquiry', { business: 'cafe', kg_per_month: 12 });
  // @ts-expect-error wrong property type: tasting_kit is a boolean
  wholesale.track('wholesale_inquiry', { business: 'cafe', locations: 2, kg_per_month: 12, tasting_kit: 'yes' });
  // @ts-expect-error a conversion of the shop's plan is unknown to this tracker
  wholesale.track('add_to_cart', { item_id: 'TC-ETH-250', value: 14.9 });
}

export const brokenPlan = definePlan({
  version: 1,
  name: 'A plan with a mistake in it',
  // @ts-expect-error the plan itself is checked: "mikro" is not a kind (macro or micro)
  conversions: { newsletter_signup: { kind: 'mikro' } },
});
