/**
 * Orders → a platform's upload files, every order either in a file or in the skipped list with
 * its reason. Rows matched by a click id go to the click import; for Google Ads, rows without a
 * click id but with an e-mail or phone go to the enhanced-conversions-for-leads file (a separate
 * upload), and for Meta the hashed e-mail/phone go into the same event as the `fbc`.
 */
import { compactRef, VISITOR_PREFIX, type ClickIndex } from './clicks';
import { clickFile, iosFile, leadsFile, type GoogleConsent } from './google-ads';
import { chooseClick, adsConsentOf, PLATFORM_KINDS, PLATFORM_NAMES, type ClickChoice, type ClickProblem, type Platform, type Source } from './match';
import { META_BATCH, META_MAX_AGE_MS, metaEvent, metaFiles, type ActionSource, type MetaEvent } from './meta';
import { LINKEDIN_BATCH, LINKEDIN_MAX_AGE_MS, linkedinEvent, linkedinFiles, type LinkedInEvent } from './linkedin';
import { microsoftFile, microsoftZone, type MicrosoftRow } from './microsoft';
import { googleEmail } from './normalise';
import type { ClickKind, Order, Skipped } from './orders';
import { repeated, UTC, wallTime, type Zone } from './time';

export interface ExportOptions {
  platform: Platform;
  /** Google Ads conversion action / Microsoft goal name; Meta's event name. */
  conversionName: string;
  zone: Zone;
  lookbackDays: number;
  now: number;
  /** Meta only. */
  actionSource?: ActionSource;
  /** Whether a store was read: without one, only click ids written on the orders match. */
  store: boolean;
  /** Orders the site also tracked online, with the browser's event id (Meta: the upload takes it, and merges). */
  online?: ReadonlyMap<string, string>;
  /** Called every PROGRESS_STEP orders: orders matched, of how many (for a progress line on long runs). */
  progress?: (done: number, of: number) => void;
}

export type Part = 'clicks' | 'ios' | 'leads' | 'events';

export interface OutputFile {
  part: Part;
  /** Added to the --out file's name: `` (the file itself), `-ios`, `-leads`, `-2` … */
  suffix: string;
  rows: number;
  content: string;
}

export interface Matched {
  row: number;
  orderId?: string;
  /** `click`: a click id; `contact`: only the hashed e-mail and/or phone. */
  by: 'click' | 'contact';
  clickKind?: ClickKind;
  /** Where the click id came from. */
  source?: Source;
  /** Hashed identifiers that went with it. */
  hashed: ('email' | 'phone')[];
  part: Part;
  suffix: string;
  /** A click id that was found but not used, and why (the order went by e-mail/phone instead). */
  note?: string;
  /** An e-mail or phone on the row that could not be used (the order matched another way), with its column. */
  contactNote?: string;
}

export interface ExportResult {
  files: OutputFile[];
  matched: Matched[];
  skipped: Skipped[];
  /** The zone the files' times are in, when not the one asked for (Google Ads: UTC for an order in a repeated hour). */
  fileZone?: Zone;
}

const hashedOf = (o: Order): ('email' | 'phone')[] => [...(o.email ? ['email' as const] : []), ...(o.phone ? ['phone' as const] : [])];
/** The row's unusable e-mail/phone, for a row that matched anyway: a whole column Excel mangled is otherwise never seen. */
const contactNoteOf = (o: Order) => (o.contactProblems.length ? { contactNote: o.contactProblems.join('; ') } : {});
const PROGRESS_STEP = 1000;

/**
 * Why a short visitor reference found nothing: fewer than 8 hex digits are only compared with
 * whole ids, never looked up as the start of a tracker id (a UUID). A short id that is not hex
 * (another client's own ids) says nothing of the kind.
 */
function shortRef(order: Order): string {
  const ref = order.visitorId ? compactRef(order.visitorId) : '';
  return ref && ref.length < VISITOR_PREFIX && /^[0-9a-f]+$/.test(ref) ? ` (a visitor reference needs at least ${VISITOR_PREFIX} characters of the id; this one has ${ref.length})` : '';
}

/** Why an order has nothing to match on, in words. */
function noMatch(order: Order, platform: Platform, store: boolean, contactCounts: boolean): Skipped {
  const kinds = PLATFORM_KINDS[platform].join('/');
  const looked = [order.visitorId && 'its visitor_id', order.email && 'its e-mail'].filter(Boolean).join(' or ');
  let where = order.clickIds.length ? `on the order (its click id is not a ${PLATFORM_KINDS[platform].join(' or ')})` : 'on the order';
  if (looked) where = store ? `${where} or for ${looked} in the store${shortRef(order)}` : `${where} (no store was read to look up ${looked}: give --db)`;
  const contact = order.contactProblems.length ? `, and no usable e-mail or phone (${order.contactProblems.join('; ')})`
    : !contactCounts ? '' : platform === 'linkedin' ? `, and no e-mail to match on${order.phone ? ' (LinkedIn takes no phone number)' : ''}` : ', and no e-mail or phone to match on';
  const needs = contactCounts ? '' : `: ${PLATFORM_NAMES[platform]}'s upload needs one`;
  return { row: order.row, ...(order.orderId && { orderId: order.orderId }), reason: 'no-match', message: `no ${PLATFORM_NAMES[platform]} click id (${kinds}) ${where}${contact}${needs}` };
}

/** A click problem as the skip reason; on platforms that take an e-mail or phone, the unusable ones are said too (they could have carried the order). */
const skipOf = (order: Order, p: ClickProblem, platform: Platform): Skipped => {
  const also = platform !== 'microsoft' && order.contactProblems.length ? `; the e-mail or phone could not carry it instead (${order.contactProblems.join('; ')})` : '';
  return { row: order.row, ...(order.orderId && { orderId: order.orderId }), reason: p.reason, message: `${p.message}${also}` };
};

/** An order the shop recorded the customer's refusal on, for a platform whose upload cannot carry it. */
const deniedOn = (order: Order, platform: Platform): Skipped => ({
  row: order.row, ...(order.orderId && { orderId: order.orderId }), reason: 'consent-denied',
  message: `the order's consent column says denied, and ${PLATFORM_NAMES[platform]}'s upload has no field for it: the order is not sent (Google Ads takes it marked Denied)`,
});

/**
 * A person the store knows declined ads (their latest visit on one of their devices, or the owner
 * of the click on the order), for a platform whose upload cannot say so: nothing of theirs is sent.
 */
const declinedOn = (order: Order, platform: Platform): Skipped => ({
  row: order.row, ...(order.orderId && { orderId: order.orderId }), reason: 'ads-withdrawn',
  message: `the customer's latest visit says ads denied (a withdrawal, Global Privacy Control, or a "no" on another of their devices), and ${PLATFORM_NAMES[platform]}'s upload has no field to say so: the order is not sent (Google Ads takes it marked Denied)`,
});

/**
 * Google Ads keeps one conversion per click id and conversion time (`CLICK_CONVERSION_ALREADY_EXISTS`)
 * and Microsoft ignores a repeated (click id, conversion time): of two rows with the same click and
 * the same time as written in the file (whole seconds), the platform drops one without a word.
 * The later row is listed as skipped instead, so that no order is lost silently.
 */
function firstPerClickAndTime(platform: Platform, zone: Zone) {
  const seen = new Map<string, number>();
  return (order: Order, c: ClickChoice): Skipped | undefined => {
    const at = wallTime(order.time, zone);
    const key = `${c.kind}:${c.id}|${at}`;
    const first = seen.get(key);
    if (first === undefined) { seen.set(key, order.row); return undefined; }
    return {
      row: order.row, ...(order.orderId && { orderId: order.orderId }), reason: 'duplicate-click',
      message: `the ${c.kind} and conversion time ${at} are the same as on row ${first}: ${PLATFORM_NAMES[platform]} keeps one conversion per click and time (if this is another order, give it its own time)`,
    };
  };
}

export function exportOffline(orders: readonly Order[], index: ClickIndex, o: ExportOptions): ExportResult {
  const matched: Matched[] = [];
  const skipped: Skipped[] = [];
  const match = { platform: o.platform, lookbackDays: o.lookbackDays, now: o.now };
  const clicked = (order: Order, c: ClickChoice, part: Part, suffix: string, hashed: ('email' | 'phone')[] = []) =>
    matched.push({ row: order.row, ...(order.orderId && { orderId: order.orderId }), by: 'click', clickKind: c.kind, source: c.source, hashed, part, suffix, ...contactNoteOf(order) });
  let done = 0;
  const tick = () => { if (o.progress && ++done % PROGRESS_STEP === 0) o.progress(done, orders.length); };

  if (o.platform === 'google-ads') {
    const clicks: (Order & { gclid: string; consent: GoogleConsent })[] = [];
    const ios: (Order & { kind: 'gbraid' | 'wbraid'; id: string; consent: GoogleConsent })[] = [];
    const leads: (Order & { consent: GoogleConsent })[] = [];
    // An order in the hour that repeats when the clocks go back: its wall clock time in the shop's
    // zone names two instants, so the files are written in UTC (`Parameters:TimeZone=+0000`).
    const zone = orders.some((order) => repeated(order.time, o.zone)) ? UTC : o.zone;
    const once = firstPerClickAndTime(o.platform, zone);
    const sameLead = new Map<string, number>();
    for (const order of orders) {
      tick();
      const r = chooseClick(order, index, match);
      const twice = r.click && once(order, r.click);
      if (twice) skipped.push(twice);
      else if (r.click?.kind === 'gclid') { clicks.push({ ...order, gclid: r.click.id, consent: adsConsentOf(order, index, r.click) }); clicked(order, r.click, 'clicks', ''); }
      else if (r.click) { ios.push({ ...order, kind: r.click.kind as 'gbraid' | 'wbraid', id: r.click.id, consent: adsConsentOf(order, index, r.click) }); clicked(order, r.click, 'ios', '-ios'); }
      else if ((order.email || order.phone) && r.problem?.reason !== 'too-recent') {
        // Two rows alike without an order id: the leads file has no id Google could tell them apart by.
        // Compared as the file writes them: a Gmail address with or without dots, 99.90 or 99.9.
        const key = order.orderId ? undefined : [order.time, order.value, order.currency, order.email && googleEmail(order.email), order.phone].join('\n');
        const first = key === undefined ? undefined : sameLead.get(key);
        if (first !== undefined) {
          skipped.push({ row: order.row, reason: 'duplicate-order', message: `the same time, value, currency and customer as row ${first}, and no order id: Google would count the order twice (if this is another order, give both their order ids)` });
          continue;
        }
        if (key !== undefined) sameLead.set(key, order.row);
        leads.push({ ...order, consent: adsConsentOf(order, index) });
        matched.push({ row: order.row, ...(order.orderId && { orderId: order.orderId }), by: 'contact', hashed: hashedOf(order), part: 'leads', suffix: '-leads', ...(r.problem && { note: r.problem.message }), ...contactNoteOf(order) });
      } else skipped.push(r.problem ? skipOf(order, r.problem, o.platform) : noMatch(order, o.platform, o.store, true));
    }
    const f = { conversionName: o.conversionName, zone };
    const files: OutputFile[] = [];
    if (clicks.length) files.push({ part: 'clicks', suffix: '', rows: clicks.length, content: clickFile(clicks, f) });
    if (ios.length) files.push({ part: 'ios', suffix: '-ios', rows: ios.length, content: iosFile(ios, f) });
    if (leads.length) files.push({ part: 'leads', suffix: '-leads', rows: leads.length, content: leadsFile(leads, f) });
    return { files, matched, skipped: sortRows(skipped), ...(zone !== o.zone && { fileZone: zone }) };
  }

  /**
   * Meta and LinkedIn: one Conversions API event per order, in request bodies of at most `batch`
   * events. Neither can be told a person's consent, and each keeps one event per id: a second
   * order with the same id would vanish, so it is listed instead.
   */
  const events = <E>(p: {
    maxAgeMs: number; tooOld: string; batch: number; idName: string;
    /** An order this platform can match: a click, or what else it takes. */
    matches: (order: Order, click: ClickChoice | undefined) => boolean;
    build: (order: Order, click: ClickChoice | undefined) => E; idOf: (e: E) => string; files: (events: E[]) => string[];
    hashed: (order: Order, e: E) => ('email' | 'phone')[];
  }): ExportResult => {
    const name = PLATFORM_NAMES[o.platform];
    const kept: { order: Order; click?: ClickChoice; note?: string; event: E }[] = [];
    const ids = new Map<string, number>();
    for (const order of orders) {
      tick();
      const at = { row: order.row, ...(order.orderId && { orderId: order.orderId }) };
      if (o.now - order.time > p.maxAgeMs) { skipped.push({ ...at, reason: 'too-old', message: p.tooOld }); continue; }
      if (order.adUserData === 'denied') { skipped.push(deniedOn(order, o.platform)); continue; }
      const { click, problem } = chooseClick(order, index, match);
      if (adsConsentOf(order, index, click).userData === 'denied') { skipped.push(declinedOn(order, o.platform)); continue; }
      if (!p.matches(order, click)) { skipped.push(problem ? skipOf(order, problem, o.platform) : noMatch(order, o.platform, o.store, true)); continue; }
      const event = p.build(order, click);
      const first = ids.get(p.idOf(event));
      if (first !== undefined) {
        skipped.push({
          ...at, reason: 'duplicate-order',
          message: order.orderId
            ? `order ${order.orderId} is also on row ${first}: ${name} keeps one event per ${p.idName}`
            : `the same time, value, currency and customer as row ${first}, and no order id: ${name} keeps one event per ${p.idName}, so one of the two would be lost (if this is another order, give both their order ids)`,
        });
        continue;
      }
      ids.set(p.idOf(event), order.row);
      kept.push({ order, ...(click && { click }), ...(problem && { note: problem.message }), event });
    }
    const files = p.files(kept.map((k) => k.event)).map((content, i): OutputFile => ({
      part: 'events', suffix: i ? `-${i + 1}` : '', rows: Math.min(p.batch, kept.length - i * p.batch), content,
    }));
    kept.forEach(({ order, click, note, event }, i) => {
      const suffix = files[Math.floor(i / p.batch)]!.suffix;
      if (click) clicked(order, click, 'events', suffix, p.hashed(order, event));
      else matched.push({ row: order.row, ...(order.orderId && { orderId: order.orderId }), by: 'contact', hashed: p.hashed(order, event), part: 'events', suffix, ...(note && { note }), ...contactNoteOf(order) });
    });
    return { files, matched, skipped: sortRows(skipped) };
  };
  /** What the upload knows of the order row itself (its id, the browser's id when tracked online, what the row names). */
  const common = (order: Order) => ({
    time: order.time, value: order.value, currency: order.currency,
    ...(order.orderId && { orderId: order.orderId }), ...(order.orderId && o.online?.has(order.orderId) && { onlineId: o.online.get(order.orderId) }),
    ...(order.visitorId && { visitorId: order.visitorId }), orderClickIds: order.clickIds.map((c) => c.id),
  });

  if (o.platform === 'meta') {
    return events<MetaEvent>({
      maxAgeMs: META_MAX_AGE_MS, tooOld: "the order is more than 7 days old: Meta's Conversions API refuses it (and the whole request with it)", batch: META_BATCH, idName: 'event_id',
      matches: (order, click) => !!(click || order.email || order.phone),
      build: (order, click) => metaEvent({
        ...common(order), ...(order.email && { email: order.email }), ...(order.phone && { phone: order.phone }),
        ...(click && { fbclid: click.id }), ...(click?.clickTime !== undefined && { clickTime: click.clickTime }),
      }, o.conversionName, o.actionSource ?? 'phone_call'),
      idOf: (e) => e.event_id, files: metaFiles, hashed: (order) => hashedOf(order),
    });
  }

  if (o.platform === 'linkedin') {
    // LinkedIn takes no phone number: a click or an e-mail.
    return events<LinkedInEvent>({
      maxAgeMs: LINKEDIN_MAX_AGE_MS, tooOld: "the order is more than 90 days old: LinkedIn's Conversions API refuses it", batch: LINKEDIN_BATCH, idName: 'eventId',
      matches: (order, click) => !!(click || order.email),
      build: (order, click) => linkedinEvent({ ...common(order), valueText: order.valueText, ...(order.email && { email: order.email }), ...(click && { liFatId: click.id }) }, o.conversionName),
      idOf: (e) => e.eventId, files: linkedinFiles,
      hashed: (_order, e) => (e.user.userIds.some((u) => u.idType === 'SHA256_EMAIL') ? ['email'] : []),
    });
  }

  const rows: MicrosoftRow[] = [];
  const once = firstPerClickAndTime(o.platform, microsoftZone(o.zone));
  for (const order of orders) {
    tick();
    if (order.adUserData === 'denied') { skipped.push(deniedOn(order, o.platform)); continue; }
    const r = chooseClick(order, index, match);
    if (adsConsentOf(order, index, r.click).userData === 'denied') { skipped.push(declinedOn(order, o.platform)); continue; }
    if (!r.click) { skipped.push(r.problem ? skipOf(order, r.problem, o.platform) : noMatch(order, o.platform, o.store, false)); continue; }
    const twice = once(order, r.click);
    if (twice) { skipped.push(twice); continue; }
    rows.push({ msclkid: r.click.id, time: order.time, valueText: order.valueText, currency: order.currency });
    clicked(order, r.click, 'clicks', '');
  }
  const files: OutputFile[] = rows.length ? [{ part: 'clicks', suffix: '', rows: rows.length, content: microsoftFile(rows, { conversionName: o.conversionName, zone: o.zone }) }] : [];
  return { files, matched, skipped: sortRows(skipped) };
}

const sortRows = (s: Skipped[]) => s.sort((a, b) => a.row - b.row);
