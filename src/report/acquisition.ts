/**
 * "Where did our orders come from?": the report's channels section. Each session has the channel
 * of where its visitor came from (./channels.ts); each order (a macro conversion) counts for the
 * channel of the visitor's last non-direct session at or before it, among the sessions of the
 * range (Direct only when every one of them was direct), the way GA4 credits a key event by
 * default across paid and organic channels (last non-direct click), without its lookback window.
 */
import { CHANNEL_NAMES, CHANNELS, type Channel } from './channels';
import { wilson } from './stats';

/** Campaigns listed, the most orders first; the rest are counted in `campaigns_left_out`. */
export const CAMPAIGN_LIMIT = 20;

/** Sessions and distinct visitors of one channel in the range. */
export interface ChannelSessions { channel: Channel; sessions: number; visitors: number }
/** Sessions of one campaign (utm_campaign with its source and medium) in the range, and the channel most of them had. */
export interface CampaignSessions { campaign: string; source: string | null; medium: string | null; channel: Channel; sessions: number }
/**
 * A macro conversion of the range: its visitor (undefined when none is known), the channel and
 * campaign of the session it is credited to (none when the visitor has no session in the range),
 * and its value where it counts, with the currency it was sent in.
 */
export interface CreditedOrder {
  visitor: string | undefined; channel: Channel | undefined; campaign: string | null; source: string | null; medium: string | null;
  value: number | null; currency: string | null;
}

export interface Money { revenue: number | null; other_currencies: Record<string, number> }
export interface ChannelRow extends Money {
  channel: Channel; name: string;
  sessions: number; visitors: number; orders: number;
  /** Visitors of the channel with an order credited to it, of the channel's visitors (Wilson 95 % interval). */
  rate: { count: number; of: number; rate: number | null; low: number | null; high: number | null };
}
export interface CampaignRow extends Money { campaign: string; source: string | null; medium: string | null; channel: Channel; sessions: number; orders: number }
export interface ChannelsSection {
  attribution: 'last_non_direct_session';
  sessions: number;
  orders: number;
  /** Orders with no session of their visitor in the range at or before them (a shop server's order for a user never seen on the site, or one posted without a session). */
  orders_without_session: number;
  channels: ChannelRow[];
  campaigns: CampaignRow[];
  campaigns_left_out: number;
}

const roundMoney = (v: number) => Math.round(v * 1000) / 1000;
const money = (): Money & { valued: number } => ({ revenue: 0, other_currencies: {}, valued: 0 });
const addMoney = (m: Money & { valued: number }, o: CreditedOrder, planCurrency: string | null) => {
  if (o.value === null) return;
  if (planCurrency && o.currency && o.currency !== planCurrency) m.other_currencies[o.currency] = (m.other_currencies[o.currency] ?? 0) + o.value;
  else { m.revenue! += o.value; m.valued++; }
};
const settle = ({ valued, ...m }: Money & { valued: number }): Money => ({
  revenue: valued ? roundMoney(m.revenue!) : null,
  other_currencies: Object.fromEntries(Object.entries(m.other_currencies).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, roundMoney(v)])),
});

/** The section from the sessions per channel and campaign and the credited orders (read.ts reads them). */
export function channelsSection(counts: { channels: readonly ChannelSessions[]; campaigns: readonly CampaignSessions[] }, orders: readonly CreditedOrder[], planCurrency: string | null): ChannelsSection {
  type Tally = { orders: number; buyers: Set<string>; money: ReturnType<typeof money> };
  const tally = new Map<Channel, Tally>();
  const byCampaign = new Map<string, { orders: number; money: ReturnType<typeof money> }>();
  const key = (c: { campaign: string | null; source: string | null; medium: string | null }) => JSON.stringify([c.campaign, c.source, c.medium]);
  let without = 0;
  for (const o of orders) {
    if (!o.channel) { without++; continue; }
    let t = tally.get(o.channel);
    if (!t) tally.set(o.channel, (t = { orders: 0, buyers: new Set(), money: money() }));
    t.orders++;
    t.buyers.add(o.visitor!);
    addMoney(t.money, o, planCurrency);
    if (o.campaign === null) continue;
    let c = byCampaign.get(key(o));
    if (!c) byCampaign.set(key(o), (c = { orders: 0, money: money() }));
    c.orders++;
    addMoney(c.money, o, planCurrency);
  }

  const order = (c: Channel) => CHANNELS.indexOf(c);
  const seen = new Map(counts.channels.map((c) => [c.channel, c]));
  // Every credited session is counted in its channel (one read transaction); a channel with orders is listed in any case.
  for (const c of tally.keys()) if (!seen.has(c)) seen.set(c, { channel: c, sessions: 0, visitors: 0 });
  const channels: ChannelRow[] = [...seen.values()].map(({ channel, sessions, visitors }) => {
    const t = tally.get(channel);
    // A credited session is one of the channel's, so its visitor is among them (read in one transaction).
    const buyers = t?.buyers.size ?? 0;
    const of = Math.max(visitors, buyers);
    const w = wilson(buyers, of);
    return {
      channel, name: CHANNEL_NAMES[channel], sessions, visitors, orders: t?.orders ?? 0, ...settle(t?.money ?? money()),
      rate: { count: buyers, of, rate: w?.rate ?? null, low: w?.low ?? null, high: w?.high ?? null },
    };
  }).sort((a, b) => b.orders - a.orders || b.sessions - a.sessions || order(a.channel) - order(b.channel));
  // Campaign names come from any link anyone made up: the most orders (then revenue, sessions) first, CAMPAIGN_LIMIT of them.
  const listed = counts.campaigns.map((c) => { const o = byCampaign.get(key(c)); return { ...c, orders: o?.orders ?? 0, ...settle(o?.money ?? money()) }; })
    .sort((a, b) => b.orders - a.orders || (b.revenue ?? 0) - (a.revenue ?? 0) || b.sessions - a.sessions || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    attribution: 'last_non_direct_session',
    sessions: counts.channels.reduce((n, c) => n + c.sessions, 0),
    orders: orders.length,
    orders_without_session: without,
    channels,
    campaigns: listed.slice(0, CAMPAIGN_LIMIT),
    campaigns_left_out: Math.max(0, listed.length - CAMPAIGN_LIMIT),
  };
}
