/**
 * A test bench for one adapter, without the tracker: a real jsdom window, the example plan, a
 * recording `loadScript` (no network) and canonical events shaped as the tracker makes them.
 * Use in a test file that starts with `// @vitest-environment jsdom`.
 */
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import type { AdapterContext, ConsentStatus, ConversionEvent, Identity } from '../../src/core/types';
import { example } from '../plan/fixtures';

export interface Bench {
  ctx: AdapterContext;
  plan: Plan;
  /** Script URLs the adapter asked for, in order. */
  scripts: string[];
  warnings: { message: string; detail?: unknown }[];
  errors: { reason: string; detail?: unknown }[];
  status: ConsentStatus;
  identity: Identity;
}

export function bench(options: { plan?: 'webshop' | 'leadgen' | Record<string, any>; blockScripts?: boolean; status?: Partial<ConsentStatus> } = {}): Bench {
  const input = typeof options.plan === 'object' ? options.plan : example(options.plan ?? 'webshop');
  const parsed = parsePlan(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const b: Bench = {
    plan: parsed.plan,
    scripts: [],
    warnings: [],
    errors: [],
    status: { analytics: 'granted', ads: 'granted', ...options.status },
    identity: { traits: {} },
    ctx: undefined as unknown as AdapterContext,
  };
  b.ctx = {
    plan: b.plan,
    window: window as AdapterContext['window'],
    loadScript: async (src) => {
      b.scripts.push(src);
      if (options.blockScripts) throw new Error(`blocked: ${src}`);
    },
    warn: (message, detail) => { b.warnings.push({ message, detail }); },
    error: (reason, detail) => { b.errors.push({ reason, detail }); },
    consent: () => b.status,
    identity: () => b.identity,
  };
  return b;
}

/** A canonical event for a conversion of the bench's plan, as the tracker would enrich it. */
export function eventFor(b: Bench, name: string, properties: Record<string, unknown> = {}, extra: Partial<ConversionEvent> = {}): ConversionEvent {
  const c = b.plan.conversions[name];
  if (!c) throw new Error(`no conversion ${name}`);
  const value = typeof c.value === 'number' ? c.value : typeof c.value === 'string' ? (properties[c.value] as number | undefined) : undefined;
  return {
    id: typeof properties.transaction_id === 'string' ? `${name}:${properties.transaction_id}` : `evt-${name}-0001`,
    name,
    kind: c.kind,
    properties,
    ...(value !== undefined ? { value, currency: b.plan.currency } : {}),
    ...(Array.isArray(properties.items) ? { items: properties.items as ConversionEvent['items'] } : {}),
    ...(typeof properties.transaction_id === 'string' ? { transactionId: properties.transaction_id } : {}),
    timestamp: '2026-12-02T10:00:00.000Z',
    // The page the conversion was tracked on is the one the adapter sends from (unless a test moves it).
    page: { url: location.href, path: location.pathname, title: 'Thank you', referrer: '' },
    anonymousId: 'anon-1',
    sessionId: 'sess-1',
    clickIds: {},
    utm: {},
    send: c.send,
    consent: { analytics: 'granted', ads: 'granted' },
    ...extra,
  };
}

/** Turns gtag's `arguments` objects in `dataLayer` into plain arrays, for exact comparison. */
export const commands = (queue: ArrayLike<unknown>[] | undefined): unknown[][] => Array.from(queue ?? [], (a) => Array.from(a as ArrayLike<unknown>));

/** Removes every global a vendor tag installs, between tests. */
export function resetWindow(): void {
  const w = window as any;
  for (const k of ['dataLayer', 'gtag', 'fbq', '_fbq', 'lintrk', '_linkedin_partner_id', '_linkedin_data_partner_ids', 'uetq', 'measureplanUetq', 'UET', '__measureplanGtag']) delete w[k];
  document.head.innerHTML = '';
}
