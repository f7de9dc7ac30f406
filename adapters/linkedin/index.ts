import type { Adapter } from '../../src/core/types';
import { loadVendorScript } from '../_shared/vendor-script';

const INSIGHT = 'https://snap.licdn.com/li.lms-analytics/insight.min.js';

type Lintrk = ((a: unknown, b: unknown) => void) & { q: unknown[][] };

/**
 * LinkedIn Insight Tag. Loads LinkedIn's tag for `destinations.linkedin.partnerId` once ads
 * consent is granted (the tag counts the page view itself) and sends each conversion whose
 * `send.linkedin.conversionId` names a conversion rule of Campaign Manager, as
 * `lintrk('track', { conversion_id, event_id })`. `event_id` is the conversion's event id, so a
 * Conversions API event with the same `eventId` is deduplicated. The tag has no consent API: it
 * is not loaded before ads consent, and after a withdrawal the tracker sends it nothing more.
 */
export function linkedin(): Adapter {
  let loaded = false;
  return {
    name: 'linkedin',
    category: 'ads',
    browserOnly: true,
    async load(ctx) {
      if (loaded) return;
      loaded = true;
      const id = ctx.plan.destinations.linkedin?.partnerId;
      if (!id) return;
      const w = ctx.window;
      w._linkedin_partner_id = id;
      const ids: string[] = (w._linkedin_data_partner_ids = w._linkedin_data_partner_ids || []);
      if (!ids.includes(id)) ids.push(id);
      if (!w.lintrk) {
        const lintrk = ((a, b) => { lintrk.q.push([a, b]); }) as Lintrk;
        lintrk.q = [];
        w.lintrk = lintrk;
      }
      await loadVendorScript(ctx, INSIGHT, 'LinkedIn');
    },
    send(event, ctx) {
      const conversion = event.send.linkedin?.conversionId;
      if (conversion !== undefined) ctx.window.lintrk?.('track', { conversion_id: conversion, event_id: event.id });
    },
    // An ads denial. The Insight Tag has no consent switch: calls still queued for it (its script
    // downloading while ads is withdrawn) are taken back, so that it finds none when it runs.
    forget(ctx) { const q = ctx.window.lintrk?.q; if (q) q.length = 0; },
  };
}
