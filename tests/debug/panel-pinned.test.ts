// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): debug panel (src/debug/panel.ts). Kills D3 (the collector's consent category taken
 * for ads: with analytics granted and ads denied the panel said the collector's copy was "not
 * sent: consent denied"), D4 (Google Ads shown without its conversion id: "conversion AW-…/label",
 * the name its own reports use) and D2 (a property value no longer cut at 80 characters).
 */
import { afterEach, expect, it } from 'vitest';
import type { ConsentStatus, ConversionEvent, TrackerEventName, TrackerEvents } from '../../src/core/types';
import { mountPanel } from '../../src/debug/panel';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { example } from '../plan/fixtures';

const parsed = parsePlan(example('webshop'));
if (!parsed.ok) throw new Error('the webshop example plan should parse');
const plan: Plan = parsed.plan;

function fakeTracker(consent: ConsentStatus) {
  const listeners: Record<string, Set<(p: never) => void>> = {};
  return {
    tracker: {
      on<E extends TrackerEventName>(name: E, fn: (p: TrackerEvents[E]) => void) {
        const set = (listeners[name] ??= new Set());
        set.add(fn);
        return () => { set.delete(fn); };
      },
      consentStatus: () => consent,
    },
    emit<E extends TrackerEventName>(name: E, payload: TrackerEvents[E]) {
      for (const fn of listeners[name] ?? []) (fn as (p: TrackerEvents[E]) => void)(payload);
    },
  };
}
const conversion = (over: Partial<ConversionEvent> = {}): ConversionEvent => ({
  id: 'purchase:FS-1001', name: 'purchase', kind: 'macro',
  properties: { transaction_id: 'FS-1001', value: 2499 }, value: 2499, currency: 'NOK',
  timestamp: '2025-05-01T12:34:56.000Z',
  page: { url: 'https://shop.test/thanks', path: '/thanks', title: 'Thanks', referrer: '' },
  clickIds: {}, utm: {},
  send: { googleAds: { label: 'AbC-D_efG1' }, collector: {} } as any,
  consent: { analytics: 'granted', ads: 'denied' },
  ...over,
});
const root = () => document.querySelector('measureplan-debug')!.shadowRoot!;
const cell = (dest: string) => [...root().querySelectorAll('tr td:last-child div')].find((d) => d.textContent!.startsWith(dest + ':'))?.textContent;

let unmount: (() => void) | undefined;
afterEach(() => { unmount?.(); unmount = undefined; document.body.replaceChildren(); });

it('analytics granted, ads denied: the collector is not shown as denied; Google Ads is, under its conversion id/label', () => {
  const t = fakeTracker({ analytics: 'granted', ads: 'denied' });
  unmount = mountPanel(t.tracker, plan);
  t.emit('event', { event: conversion(), destinations: ['collector'] } as any);
  expect(cell('collector')).not.toContain('consent denied');
  expect(cell('googleAds')).toBe('googleAds: not sent: consent denied — conversion AW-123456789/AbC-D_efG1');
});

it('cuts a long property value at 80 characters', () => {
  const t = fakeTracker({ analytics: 'granted', ads: 'granted' });
  unmount = mountPanel(t.tracker, plan);
  const long = 'x'.repeat(500);
  t.emit('event', { event: conversion({ properties: { transaction_id: long } }), destinations: [] } as any);
  const text = root().querySelector('tr td:nth-child(2) div')!.textContent!;
  expect(text.length).toBeLessThanOrEqual('transaction_id: '.length + 80);
});
