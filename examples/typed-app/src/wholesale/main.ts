/**
 * The wholesale page (wholesale.html), tracked with the plan in ./plan.ts (`definePlan`).
 */
import { createTracker } from 'measureplan';
import { collector } from 'measureplan/adapters/collector';
import { ga4 } from 'measureplan/adapters/ga4';
import { connectConsentBanner } from '../consent-banner';
import { wholesalePlan } from './plan';

export const tracker = createTracker({ plan: wholesalePlan, adapters: [ga4(), collector()] });
tracker.on('error', (e) => console.warn(`tracking: ${e.path}: ${e.reason}`));
connectConsentBanner(tracker);

// <a class="price-list" href="/files/tindra-wholesale.pdf" data-format="pdf">
for (const link of document.querySelectorAll<HTMLAnchorElement>('a.price-list')) {
  link.addEventListener('click', () => {
    tracker.track('price_list_downloaded', { format: link.dataset.format === 'csv' ? 'csv' : 'pdf' });
  });
}

const BUSINESSES = ['cafe', 'office', 'restaurant'] as const;
type Business = (typeof BUSINESSES)[number];
const isBusiness = (value: unknown): value is Business => BUSINESSES.some((b) => b === value);

const form = document.querySelector<HTMLFormElement>('form#inquiry');
form?.addEventListener('submit', (event) => {
  event.preventDefault();
  const fields = new FormData(form);
  const business = fields.get('business');
  if (!isBusiness(business)) return;
  tracker.track('wholesale_inquiry', {
    business,
    locations: Number(fields.get('locations')),
    kg_per_month: Number(fields.get('kg_per_month')),
    tasting_kit: fields.get('tasting_kit') === 'yes',
  });
  form.replaceChildren('Thank you! We will send you an offer within two working days.');
});
