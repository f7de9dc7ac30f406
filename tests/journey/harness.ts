import { vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent, TrackerEvents } from '../../src/core/types';
import type { PlanInput } from '../../src/plan/types';

/** A page of the shop: a tracker with recording ga4, meta and collector adapters, and what `on()` reported. */
export function page(plan: PlanInput) {
  const sent: { ga4: ConversionEvent[]; meta: ConversionEvent[]; collector: ConversionEvent[] } = { ga4: [], meta: [], collector: [] };
  const adapter = (name: Adapter['name'], category: Adapter['category']): Adapter => ({ name, category, load() {}, send(e) { sent[name as keyof typeof sent].push(e); } });
  const tracker = createTracker({ plan, adapters: [adapter('ga4', 'analytics'), adapter('meta', 'ads'), adapter('collector', 'analytics')] });
  const heard: { [K in keyof TrackerEvents]?: TrackerEvents[K][] } = {};
  for (const name of ['error', 'cart_abandoned', 'browse_abandoned', 'exposure', 'duplicate'] as const) {
    tracker.on(name, (p: any) => { ((heard[name] ??= []) as any[]).push(p); });
  }
  const names = (dest: keyof typeof sent) => sent[dest].map((e) => e.name);
  return { tracker: tracker as any, sent, heard, names };
}

export const HOUR = 3_600_000;

/** `flush()` under fake timers: an order's exactly-once claim waits a few milliseconds (see dedupe.ts). */
export async function settle(p: { tracker: { flush(): Promise<void> } }): Promise<void> {
  const done = p.tracker.flush();
  await vi.advanceTimersByTimeAsync(500);
  await done;
}

/** Leaves the current page: its trackers write what their conversions changed (the previous test's too, before storage is cleared). */
export const leave = (): void => { window.dispatchEvent(new Event('pagehide')); };

/** The next page of the visit: leaving this one writes what its conversions changed. */
export async function nextPage(plan: PlanInput) {
  leave();
  await new Promise<void>((r) => queueMicrotask(r));
  return page(plan);
}

/** The visitor comes back `hours` later to the next page, whose first checks (a left cart or browse) have run. */
export async function comeBack(hours: number, plan: PlanInput) {
  vi.advanceTimersByTime(hours * HOUR);
  const p = await nextPage(plan);
  vi.runOnlyPendingTimers();
  return p;
}
