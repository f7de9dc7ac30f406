import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The performance issue's budgets are 10 KB gzip for the script tag and 6 KB for createTracker
// with one adapter; they are not met yet (see docs/performance.md and `npm run size`). Until they
// are, this ratchet keeps the script tag from growing while the core is slimmed down: lower the
// number with every cut; raise it only for a capability an issue asks for, saying so in the commit
// (raises: exactly-once dedupe, +0.8 KB; journey signals — funnels, cart and browse abandonment,
// experiments, the vitals loader and their plan checks, then the same state replayed under consent —
// +3.5 KB; the adapter and collector gaps of their issues — UET event_value, GA4 reserved names,
// a byte-exact keepalive budget with a fetch fallback — +0.1 KB; the performance issue's load and
// burst work — the tag starting in short tasks, outbox records of serialised messages built in the
// collector's own slices, the journey written once per burst, the backoff fix — +1.4 KB, for
// track() at half its cost and no long task during load; click ids kept from the collector, its
// page URLs included, without an ads grant — +0.1 KB; a review's fixes to that work — the consent
// platform heard after the replayed calls, nothing stored after a denial, shutdown() cancelling
// staggered loads, a message JSON cannot hold dropped alone, an outbox record rewritten as stored
// now so that a second tab's deliveries are never brought back — +0.2 KB; shutdown() removing every
// listener the tracker added, as docs/api.md says, and cancelling a queued vendor script — +0.15 KB;
// track() allocating a quarter less per call — no closure per cart or funnel change, exact-length
// vendor arrays — +0.05 KB; a review's fixes to shutdown() — a shared vendor script cancelled only
// when every tracker that asked for it is shut down, gtag.js retried after a cancel, the journey
// written after in-flight orders, the vitals load listener removed — +0.1 KB; own keys only where
// the tracker walks an object, so a page with an enumerable key on Object.prototype still tracks,
// and on() refusing a name that is no text — +0.1 KB; a consent denial emptying the collector's
// IndexedDB outbox, on this page and later ones, and identify() reaching granted categories only
// — +0.12 KB; the collector's edge cases: a full disk, a corrected clock, beacons at the
// keepalive limit — +0.12 KB; the tag before its plan is in answering as the tracker will: on()
// an unsubscribe function, flush() a promise of the replayed flush — +0.1 KB; the vendor
// review's fixes: integer order numbers for Google Ads, GA4's value with its currency, user ids and
// tel: links withheld from GA4, Meta's consent during the hash, enhanced conversions at event scope,
// NaN item numbers rejected — +0.2 KB; the triggers review's fixes: a label's click counted once,
// decoded paths, a submit decided a task later, a route change while loading checked once,
// replaceState that only removes parameters, selector mistakes on the console, shutdown() stopping
// the triggers — +0.24 KB; calls after shutdown() reported, not sent — +0.05 KB; the journey
// review's fixes: a left cart reported once across tabs and when the return visit's first add
// comes before consent, limited orders emptying the cart, stored state checked more strictly —
// +0.15 KB; the abandonment checks before consent keeping one place in a row, and the review of
// exactly once and consent: a full quota stopping writes only, the lock held 200 ms, the consent
// platform's reader stopped by a shutdown() while it loads, a dedupe key that is no text or number
// reported — +0.15 KB; measureplan's own Consent Mode commands marked so the Google consent reader
// skips them — +0.05 KB; the dispatcher handing a burst to the vendors in slices of 5 ms, after
// the first 20 conversions of a run, with every other call and leaving the page handing over what
// waits first, and event ids made by one String.fromCharCode each — +0.25 KB, for track() at 4.6 µs of main-thread CPU instead of 9–10;
// GA4 told the page a waiting conversion was tracked on when the page moved on — +0.05 KB; the
// second read of the slices: page() and shutdown() hand over what waits first, strict mode in a
// slice, conversions tracked while the page is left go at once — +0.05 KB; one exposure for tabs
// opened together, and JSON that Prototype.js's Array#toJSON cannot nest — +0.1 KB; then lowered:
// a JSON syntax error's words moved into measureplan.explain.js — −0.14 KB; then the stub's
// questions and ready, vitals to GA4 without a currency, and a new user's traits starting empty
// — +0.04 KB; then DESIGN.md's contract from an audit: an unmarked inline JSON plan, the landing
// page as the collector's first page message whenever the grant comes, page() loading a granted
// adapter first, a page view in the same task as an earlier track() read afresh — +0.05 KB; then
// a privacy review: GA4's page_location and page_title kept free of e-mail addresses, phone
// numbers and click ids without an ads grant, phone numbers in any notation in a parameter named
// for one — +0.1 KB; the QA fixes before it, prices like "2.499 kr" and one identify message per
// call, had paid for themselves; then a vendor review: on a page with its own Meta pixel, every
// event names the plan's pixel (trackSingle), so the site's pixel does not count it twice — +0.07 KB;
// then its second read: phone-named GA4 parameters by whole name parts (`telemetry_id` is not one),
// phone numbers for hashing with a real country code and 7–15 digits — +0.05 KB; then a lead-gen
// QA: a dedupe claim still in flight decided when the page is left, so a form that leaves for its
// thank-you page within 200 ms no longer loses its conversion — +0.09 KB; then a money QA: prices
// read from the page by their separators ("0,125", "1'299.50", "1.234,500" refused) instead of a
// comma rule and parseFloat that sent some of them 1,000 times off — +0.1 KB; an e-mail address
// as a dedupe key no longer in clear in the event id — +0.03 KB; a submit selector naming the
// button, and a checkbox with a hidden "false" twin read as the checkbox — +0.05 KB; then an SPA
// QA: scroll and visible triggers no longer judge a new route by the previous route's page (a
// scroll waits for the visitor to scroll down, an element already there needs a second), and an
// anchor link after a page tidied its query string is no route change — +0.09 KB; then a developer
// QA: a send that threw no longer reported as sent, a consent call of `true` or "yes" reported
// instead of ignored, the built-in adapters marked browser-only for server-side rendering — +0.09 KB;
// then a privacy audit: the collector drops what it queued on an analytics withdrawal and takes
// the ad click ids out of its queued and stored messages on an ads withdrawal, UET gets no page
// view and LinkedIn no queued call after a withdrawal, Meta's matching keys replaced on a user
// switch — +0.26 KB; then a long-session performance review: dedupe claims waiting at once share
// one cross-tab lock (five a second before), a visible trigger lets go of what it counted — +0.09 KB;
// then the SPA QA's routes taken while the plan loads, watched from the tag's first moment and
// replayed once the plan is in (page views, content-free page_view conversions) — +0.25 KB; then
// the journey QA: abandonment checked only after the triggers' first pass over the page, so a
// thank-you page's page_view order is not preceded by a cart_abandoned — +0.04 KB; and checkout
// steps (begin_checkout, add_shipping_info, add_payment_info) as cart activity, so a visitor paying
// is not sent to Meta as an abandoned cart — +0.12 KB; the files beside the tag asked for with its
// query, and one that is not measureplan's said so — +0.05 KB; and a page view's vitals sent with
// the page it began on — +0.03 KB; then, on 2026-12-06's second day of reviews, real-Chromium
// QA personas (vendors, store owner, exactly once, reliability, framework) and two reads of the
// diff: UET beside a site's own tag and a re-created tracker's own, no extra Meta PageViews for
// held or replayed routes, a lower-case order currency, clicks and submits before the plan
// replayed (shadow roots too), a same-path replaceState judged by the plan's query keys, the
// consent-platform reader's failure said on every page, session and user limits judged after the
// consent decision with waiting conversions in order and given the stored visitor, e-mail dedupe
// keys in any case, a re-created tracker loading gtag.js, a route pushed in the same handler,
// the collector storing in the next task, sending no beacon offline, timing requests out and
// saying a full outbox — +0.95 KB; then the second read of those fixes: ads tools not held behind
// a conversion waiting for the analytics decision, a sign-out before the answer kept, a
// re-created tracker's Meta matching keys and its UET tag while bat.js downloads — +0.1 KB;
// 2026-12-06, third session: a file beside the tag answered by the host's HTML page kept from the
// page's onerror and error monitors, its failure said on every page — +0.05 KB; then the security
// and contract reviews: Meta's conversions after identify() waiting for its init, no e-mail or phone
// in clear in an event id, Google Ads' transaction_id, Meta's product ids or GA4's page_location
// path, a blocked vendor script reported as an error with its conversions failed, not sent; the
// files in plain ASCII (−0.01 KB) — +0.25 KB; then the second read of those fixes: an order number
// with a phone's shape kept, a cancelled gtag.js insert no block, Meta's revoke after a waiting
// conversion, a consent withdrawal during the outbox restore, one onerror wrapper for files loading together — +0.05 KB;
// then the time and locale review: a time stored ahead of a corrected clock taken as long ago,
// prices with the currency in front and dots as thousands separators read — +0.18 KB; then the
// read of those: a second price refused, whole kroner read, the onerror wrapper kept apart from an
// error monitor that wrapped it — +0.06 KB; the plan-change review: a tracker without the collector
// deletes an old outbox on an analytics withdrawal (the deletion itself only in createTracker) — +0.03 KB;
// 2026-12-06, fourth session: GA4's and Google Ads' page view counted once where the site's own
// snippet or an earlier tracker on the page already configured the id — +0.06 KB; then the
// hostile-input review: values behind getters or on a prototype read once and sent as checked, a
// fetch wrapper returning nothing taken for a network error, the page's Array#toJSON put back as it
// was, a locked or frozen history (routes by address, the landing page kept) — +0.27 KB; then the
// deployment and analyst reviews: a route's page_view trigger waiting for a page drawn late
// (Turbolinks), clicks before the plan replayed after the landing page's conversions, nothing
// replayed by a grant that happened under a denial — +0.2 KB; script URLs through a Trusted Types
// policy of measureplan's own, and a `type="module"` tag finding itself by name — +0.16 KB; then
// the second read of those: a route's wait only where the body had not changed, a click sending a
// waiting view first, the module tag preferring the one with data-plan — +0.18 KB; a plain
// object's properties copied by a spread alone, the items keys found once (track() CPU back to
// 2.0 µs) — +0.06 KB; the data-protection review: dclid, srsltid, Google's _gl and other ad
// platforms' click parameters out of URLs without an ads grant — +0.06 KB; the route wait
// narrowed to missing values (the same-values rule and its body watch gone) — −0.15 KB);
// 2026-12-06, fifth session: the soak review: a click that matches none of a big plan's click
// triggers told so by one look with their selectors joined (1–2 ms a click with 600 triggers),
// exactly once's own keys of the page in a Map (a claim scanned all of them) — +0.17 KB (0.06 of it
// telling apart a selector left open at its end, which must not join the list).
// Then by a full localStorage spilling to the tab's sessionStorage (a reloaded order was sent
// again, and each page was a new visitor) — +0.08 KB; and by a signed-in user's sign-out
// starting a new visitor (the next person on a shared device was joined to them) — +0.04 KB;
// and by a spilled value yielding to a newer one another tab wrote — +0.03 KB; and by the spill
// marker read at the first storage access, under consent, not when the page loads — +0.02 KB.
// 2026-12-06, seventh session: the collector's page views carrying the visit's click ids and
// their consent (the landing page view is when a click was first seen, for phone orders) — +0.04 KB;
// the site's own Meta base code or UET snippet for the plan's own pixel or tag id recognised, so
// that the page is counted once (a second init/PageView, a second UET tag/pageLoad) — +0.14 KB;
// exactly once's memory bounded to the newest 10,000 keys on a server (a server-side tracker grew per order) — +0.03 KB;
// the second read of those: the UET snippet found outside comments and with its own queue name,
// a page message waiting in the collector's inbox losing its click ids on an ads withdrawal in
// the same task, an item field given as undefined not blanking the cart line — +0.13 KB;
// a plan saved as Latin-1 refused as not UTF-8 — +0.03 KB.
// 2026-12-06, eighth session: the money review: a price read from the page in the currency the
// trigger reads or the plan's ("12,345 KWD" is 12.345, "1.200 ¥" is 1200, "USD 99.00" in a NOK
// plan reported, not sent as NOK) — +0.18 KB; an abandoned cart's currency reaching its
// conversion and "usd" upper-cased before the pattern — +0.06 KB. The identity and tabs
// reviews: a sign-out clearing the user's cart, funnel progress and variants; one session across
// tabs taking turns and across a single-page app's routes; blocked storage said in debug output
// (+0.19 KB); Meta and GA4 given a user switched while their consent was withdrawn, and each
// Google Ads conversion the user data of the identify() it was tracked under (+0.17 KB); the
// collector's outbox leaving a live tab's records to that tab, by Web Locks (a second tab sent the
// first one's confirmed messages again) (+0.33 KB); the second read of those: a session taken up
// only by the visitor it was stored for, a sign-out before the consent answer dropping the stored
// journey, "usd" upper-cased only where the plan's rule wants capitals (+0.07 KB); once_per_user
// starting again after a sign-out, and a conversion held for consent carrying only the
// experiments exposed before it (experiments review) (+0.08 KB); the page-experience review (the
// last interaction taken after web-vitals hands it over, a restored page's own vitals, the file
// not loaded under an analytics denial) and the outbox's lock taken again after a back/forward-cache
// restore (+0.1 KB); the load metrics of an npm tracker created again on a later route sent with
// the page loaded (in the tag too, which gives its own landing) (+0.07 KB); the debug panel
// showing the page's conversions from before its file was in, kept by the tag in debug mode, and
// `waiting` said for a conversion held for the analytics decision (docs QA 2026-12-06) (+0.09 KB);
// a `skipped` after `waiting` naming its event (its second read) (+0.03 KB); prices as shops
// outside the US print them (the shop's own code after or before the number, Arabic-Indic and
// full-width digits, right-to-left marks) and a price that cannot be read said on every page
// with the text read (intl QA 2026-12-07: those conversions were lost in silence) (+0.19 KB); the
// Arabic marks read for what they are, another currency after the number in lower case refused,
// page_view regexes as written (its second read) (+0.08 KB); the browser-compatibility review
// (compat QA 2026-12-07): web-vitals not loaded where Array#at or #findLast is missing (its
// errors reached the page), a value handed to the collector after pagehide sent at once, a
// keepalive the browser refuses retried without it, an IndexedDB that never opens given up after
// 5 s, an order tracked after pagehide decided at once, a throwing sessionStorage no longer taking
// localStorage along, Meta's advanced matching without Web Crypto said in debug mode (+0.34 KB),
// and its second read (a burst after pagehide in one beacon within the budget, an IndexedDB given
// up doing nothing when it opens after all) (+0.06 KB). Eleventh session: what a page going away
// cannot commit to IndexedDB kept in localStorage for the next page, taken back from the
// back/forward cache, its copies read from IndexedDB dropped (diff read 2026-12-07: 21-24 of 100
// events tracked in pagehide lost, all of them with the endpoint backing off), and taken over at
// once by a tab still open (a storage event); its second read: each event written once, the
// site's own localStorage room kept, the stash left to the next page, rewritten on an ads
// withdrawal; its third read: one tab takes a stash, under the gone page's Web Lock, once per
// burst of storage events, without re-reading IndexedDB; its fourth read: the gone page's
// IndexedDB records read by the tab that took its stash (+0.80 KB in all). Twelfth session: an
// event id over 100 characters digested (the collect server quarantined it), a left cart or browse
// reported by one of two tabs opened together, claimed under the Web Lock (+0.07 KB); a cart or
// browse in the currency its add or view named, and the collector sending no click id while ads is
// denied, also for what earlier pages stored under their grant (consent QA 2026-12-07) (+0.05 KB);
// adds and removes of 0 units ignored by the cart, the spill marker deleted with the last spilled
// key, an ads rewrite that no longer lets the outbox's limit drop messages, and a left cart's
// report that a shutdown() during its claim no longer drops (second read 2026-12-07) (+0.1 KB).
// Thirteenth session (stub QA 2026-12-07): the ad click and campaign read from the address the
// document was loaded as (a page tidying them away before the plan was in lost them), a tidied
// address no longer a second page, and each call made before the plan stamped with its page (+0.14 KB);
// their second read: a replace of a parameter the plan's page_view triggers name still a new page,
// the campaign and the click each taken whole from one address, page views before a queued
// shutdown(), a call in a route change's own task after that route's view (+0.15 KB); a page the
// browser prerenders started only once it is shown (prerender QA 2026-12-07) (+0.05 KB). The
// fix helper's read of those (2026-12-07): the addresses a same-path replaceState gave the page
// before the plan was in kept (at most 100) for the plan to judge by its page_view query keys, so
// a replaced `?step=done` followed by a route away is still a page with its conversion, and a call
// made with no route change pending standing on the route seen then (+0.09 KB); the script tag and
// installTriggers sharing one whenShown (-0.03 KB).
// Fourteenth session: the cross-origin linker's way in (a visitor carried in `_mpl` read, checked
// and taken out of the address, the linked visitor winning over a stored one, Google's own linker
// set, the plan's `linker` checked) (+0.82 KB); its link and form decoration is measureplan.linker.js.
// Its second read: `_mpl` never in a page URL sent and tidied from the router's history state too,
// an encoded `%5Fmpl`, the session's once_per_session marks and the ad click's own time carried,
// a tracker created again on the same address, another visitor's session in another tab (+0.35 KB).
// Fifteenth session: Global Privacy Control (ads denied from the start on a browser that sends it,
// the plan's `consent.gpc` in the generated shape) (+0.14 KB); `linkUrl()` for a script's own
// navigation to a linked origin, answered before the plan too (+0.05 KB); its second read's fixes
// (Google's tag told the denial again after a platform's grant, no click ids under an ads denial) (+0.05 KB).
// Then lowered by the fifteenth session's size hunt, nothing removed: `let` declarations joined
// after terser, one hash loop, one leave-listener helper, the outbox without idb-keyval's default
// store (−0.42 KB; docs/performance.md "Where the bytes go"). Then an ads withdrawal told to the
// collector (`consent_updated`) and Google Consent Mode heard again on a GPC page (+0.05 KB).
// Declared crawlers not measured (plan `bots`, docs/data-protection.md): the user-agent pattern
// (0.1 KB), the quiet tracker a crawler gets, with its checked track() and the experiments'
// control (0.15 KB; the inert tracker was not in the tag before), its debug line (0.05 KB) and
// the plan word (0.03 KB) (+0.34 KB). Its second read: crawlers named that carry neither a version
// nor an address (GoogleOther, Bytespider, …), bounded repeats in the pattern (a hostile user agent
// took seconds), the quiet tracker's cart currency, a variant() that never throws, `_mpl` taken out
// (+0.07 KB).
// Seventeenth session: a page view's web vitals keep its session, also after a sign-out or a
// restore (+0.07 KB, within the ratchet then). Eighteenth: also when the app creates its tracker
// again on a later route (the document's page view kept across trackers) (+0.05 KB).
const RATCHET = 35.08 * 1024;

describe('size of the script tag (built by npm test before the tests run)', () => {
  it(`stays at or under the current ratchet of ${RATCHET / 1024} KB gzip -9`, () => {
    const gzip = gzipSync(readFileSync('dist/measureplan.iife.js'), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(RATCHET);
  });

  it.each(['iife', 'cmp', 'linker', 'vitals', 'vitals-attribution', 'explain', 'debug'])('measureplan.%s.js is plain ASCII: a page in windows-1252 or without a charset reads it as written (contract QA 2026-12-06)', (name) => {
    const bytes = readFileSync(`dist/measureplan.${name}.js`);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    // The price reader's Swiss thousands mark is still in it, escaped.
    if (name === 'iife') expect(bytes.toString('latin1')).toContain('\\u2019');
  });

  it('keeps the debug panel and the broken-plan words out of it', () => {
    const code = readFileSync('dist/measureplan.iife.js', 'utf8');
    expect(code).not.toContain('Did you mean');
    expect(code).not.toContain('measureplan-debug{');
    expect(code).not.toMatch(/attachShadow/);
  });
});

describe('size of the page-experience files (web-vitals included; loaded only for plans with vitals)', () => {
  it.each([
    ['dist/measureplan.vitals.js', 4],
    ['dist/measureplan.vitals-attribution.js', 7],
  ])('%s stays within %i KB gzip -9', (file, kb) => {
    expect(gzipSync(readFileSync(file), { level: 9 }).length).toBeLessThanOrEqual(kb * 1024);
  });

  it('keeps web-vitals out of the script tag', () => {
    const code = readFileSync('dist/measureplan.iife.js', 'utf8');
    expect(code).not.toContain('largestShiftTarget');
    expect(code).not.toContain('layout-shift');
  });
});

// The npm build as a developer's bundler sees it: createTracker and one adapter from dist/, bundled by
// esbuild with code splitting, like bench/size.mjs measures it. Budget 6 KB; this ratchet keeps the
// first load from growing, and caught the build putting the broken-plan words into it (3.6 KB).
// Raised from 15.0 KB by the performance issue's track() work (+0.7 KB, see the tag's ratchet), then
// by the review's fixes (shutdown() cancelling staggered loads, items copied at track()), then by
// shutdown() removing every listener the tracker added (+0.15 KB), track() allocating less (+0.05 KB)
// and the review's fixes to shutdown() (+0.1 KB), then by own keys only (Object.prototype) (+0.1 KB),
// then by the vendor review's fixes (GA4's currency and user id, order numbers, NaN items) (+0.12 KB),
// then by calls after shutdown() reported and the plan check of "?" in a page_view path (+0.06 KB),
// then by the journey review's fixes (+0.12 KB), then by the abandonment checks before consent and
// the review of exactly once and consent (+0.17 KB), then by marking measureplan's own Consent
// Mode commands (+0.05 KB), then by the dispatcher handing a burst over in slices and the new event ids (+0.25 KB), then by
// GA4 told the page a waiting conversion was tracked on when the page moved on (+0.05 KB), then by
// the second read of the slices (page() and shutdown() settle, strict mode, leaving) (+0.07 KB), then
// by one exposure for tabs opened together and JSON safe from Prototype.js's Array#toJSON (+0.05 KB);
// then lowered: a JSON syntax error's words moved behind the broken-plan dynamic import (−0.14 KB);
// then DESIGN.md's page messages from an audit (landing page, page() loading a granted adapter,
// the page read afresh by page()) (+0.05 KB); then the privacy review's GA4 page_location and
// page_title without personal data or click ids, the URL helper the collector now shares, and
// one identify per call (+0.15 KB), then by dedupe claims decided when the page is left (+0.07 KB),
// then by a developer QA: createTracker never throws (a start that fails, an adapter factory not
// called), the built-in adapters left out on a server (SSR), a send that threw no longer reported
// as sent, a consent call that decides nothing reported (+0.25 KB), then by a privacy audit: a
// vendor script not added once its category was withdrawn, Meta's matching keys replaced on a
// user switch, the collector's queue dropped or cleared of click ids on a withdrawal (+0.05 KB),
// then by the performance review's shared dedupe lock and visible triggers letting go (+0.08 KB),
// then by the journey review's checkout steps as cart activity (+0.12 KB) and a cart's own currency (+0.03 KB),
// and by vitals sent with the page their page view began on (+0.01 KB), then by the second day
// of reviews on 2026-12-06 (see the tag's ratchet: limits after the consent decision, waiting
// conversions in order with the stored visitor, a lower-case currency, a route pushed in the same
// handler, a re-created tracker loading gtag.js, the collector's reliability fixes) (+0.45 KB), then
// by the third session's security and contract reviews (see the tag's ratchet: no personal data in
// event ids or GA4's page_location path, a blocked vendor script's conversions failed) (+0.15 KB),
// and by the second read of those (order numbers with a phone's shape, a cancelled insert no block) (+0.05 KB),
// then by a time stored ahead of a corrected clock taken as long ago (+0.03 KB), and by deleting an
// outbox an earlier page's collector left when a tracker without it hears an analytics withdrawal (+0.1 KB),
// then by GA4's page view counted once beside the site's own snippet or a re-created tracker (+0.02 KB),
// and by the hostile-input review (see the tag's ratchet: getters, Array#toJSON, a locked history) (+0.14 KB),
// then by vendor scripts loaded through a Trusted Types policy of measureplan's own (+0.17 KB),
// and by track()'s fast path for plain objects beside the getter path (+0.08 KB),
// then by the other ad click parameters taken out of GA4's page_location without an ads grant (+0.01 KB).
// then by a full localStorage spilling to the tab's sessionStorage (+0.08 KB), a signed-in
// user's sign-out starting a new visitor, and a spilled value yielding to a newer one another
// tab wrote (an order that tab forwarded was sent again here) (+0.08 KB),
// then by the seventh session's reviews (collector page views with click ids and consent, a
// waiting page message losing them on a withdrawal, exactly once bounded on a server, an item
// field given as undefined not blanking the cart line) (+0.06 KB), and by a plan saved as
// Latin-1 refused as not UTF-8 (its æ, ø, å damaged, no name or path would match) (+0.03 KB),
// and by the eighth session's money review (an abandoned cart's currency reaching the conversion
// sent for it; "usd" upper-cased before the plan's pattern judges it) (+0.02 KB), and its identity
// and tabs reviews (a sign-out clearing the user's journey, one session across tabs and routes,
// blocked storage said, GA4 given a user switched while analytics was withdrawn) (+0.26 KB), and
// the second read of those (a session taken up only by its own visitor, a sign-out before the
// consent answer, "usd" upper-cased only where the plan's rule wants capitals) (+0.07 KB), and
// once_per_user after a sign-out, experiments as of a held conversion (+0.08 KB), and the
// page-experience file not loaded under an analytics denial, a restored page's own vitals (+0.02 KB),
// and the load metrics of a tracker created again on a later route sent with the page loaded (+0.05 KB),
// and `waiting` said for a conversion held for the analytics decision, a `skipped` after it naming
// its event (docs QA 2026-12-06 and its second read) (+0.1 KB), and the browser-compatibility
// review's fixes in the core (web-vitals not loaded where Array#at or #findLast is missing, an order
// tracked after pagehide decided at once, a throwing sessionStorage no longer taking localStorage
// along) (+0.17 KB), and an event id over 100 characters (Segment's and the collect server's
// messageId limit) digested instead of quarantined by the server (+0.03 KB), and a left cart
// reported by one of two tabs opened together, claimed under the Web Lock (+0.06 KB), and a cart
// or browse in the currency its add or view named when the money is only in the items (+0.02 KB),
// and the second read's fixes of those (0 units, the spill marker, a claim across shutdown) (+0.1 KB),
// and the ad click and campaign read from the address the document was loaded as, which a page may
// tidy before the tracker starts (stub QA 2026-12-07), each taken whole from one address (+0.1 KB),
// and the cross-origin linker's way in (reading, checking and making the `_mpl` value, the linked
// visitor taken up, Google's own linker set) (+0.89 KB); the decoration is a lazy chunk. Its
// second read's fixes (the same as the script tag's above) (+0.34 KB).
// Global Privacy Control, as in the script tag (+0.15 KB); `linkUrl()` (+0.05 KB); the second read's fixes (+0.04 KB),
// and Google Consent Mode written again by a platform heard on a GPC browser (+0.02 KB), an ads
// withdrawal told to the collector (+0.03 KB).
// Then lowered by the fifteenth session's size hunt (one hash loop, one leave-listener helper) (−0.09 KB).
// The plan word `bots` (declared crawlers) in the generated shape and normalise() (+0.03 KB).
// Declared crawlers not measured: the pattern, the crawler's quiet tracker and its debug line,
// as in the script tag (+0.33 KB), and its second read's fixes, as in the script tag (+0.1 KB).
// A page view's web vitals keeping its session (+0.06 KB), also on a tracker created again (+0.02 KB).
const NPM_RATCHET = 22.78 * 1024;

describe('size of createTracker with one adapter from the npm build', () => {
  it(`loads at most ${NPM_RATCHET / 1024} KB gzip -9 up front, without the words for a broken plan (those stay in a lazy chunk)`, async () => {
    const { upFront, later } = await npmBundle();
    expect(gzipSync(Buffer.from(upFront), { level: 9 }).length).toBeLessThanOrEqual(NPM_RATCHET);
    expect(upFront).not.toContain('Did you mean');
    expect(upFront).not.toContain('G-F1X2Y3Z4W5'); // the id examples of the words
    expect(later).toContain('Did you mean');
  });

  it('keeps zod out of every module of the npm build', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.js') ? [join(dir, d.name)] : []));
    const browser = [...files('dist/lib'), ...files('dist/adapters'), 'dist/index.js'];
    expect(browser.length).toBeGreaterThan(20);
    for (const f of browser) expect(readFileSync(f, 'utf8'), f).not.toMatch(/from ['"]zod['"]|ZodError|\$ZodType|toJSONSchema/);
  });
});

/** createTracker with GA4 as an app bundles it from dist/ (esbuild, ESM, minified): what loads up front, and the lazy rest. */
async function npmBundle(): Promise<{ upFront: string; later: string }> {
  const r = await build({
    stdin: { contents: "export { createTracker } from './dist/index.js'; export { ga4 } from './dist/adapters/ga4.js';", resolveDir: process.cwd() },
    bundle: true, minify: true, format: 'esm', splitting: true, outdir: 'out', write: false, metafile: true, logLevel: 'silent',
  });
  const outputs = r.metafile!.outputs;
  const code = (o: string) => r.outputFiles.find((f) => f.path.endsWith(o.replace(/^out\//, '/')))!.text;
  const first = new Set<string>();
  const visit = (o: string) => { if (!first.has(o)) { first.add(o); for (const i of outputs[o]!.imports) if (i.kind === 'import-statement') visit(i.path); } };
  visit(Object.keys(outputs).find((o) => outputs[o]!.entryPoint)!);
  return { upFront: [...first].map(code).join('\n'), later: Object.keys(outputs).filter((o) => !first.has(o)).map(code).join('\n') };
}

describe("the README's size figures", () => {
  // The README is the first page a shop owner reads: its sizes must be the build's, not last week's.
  const readme = readFileSync('README.md', 'utf8');
  it.each(['measureplan.iife.js', 'measureplan.debug.js', 'measureplan.explain.js', 'measureplan.cmp.js', 'measureplan.linker.js', 'measureplan.vitals.js'])('%s: within 0.1 KB of the build', (file) => {
    const said = new RegExp('`' + file.replace(/\./g, '\\.') + '`,? ([\\d.]+) KB').exec(readme);
    expect(said, `README names the size of ${file}`).not.toBeNull();
    const built = gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length / 1024;
    expect(Math.abs(Number(said![1]) - built)).toBeLessThanOrEqual(0.1);
  });
  it('createTracker with one adapter from npm: within 0.1 KB of the build (docs QA 2026-12-06: it said 19.3 KB at 20.2)', async () => {
    const said = /with one adapter from npm\s+\(([\d.]+) KB\)/.exec(readme);
    expect(said, 'README names the size of createTracker with one adapter').not.toBeNull();
    const built = gzipSync(Buffer.from((await npmBundle()).upFront), { level: 9 }).length / 1024;
    expect(Math.abs(Number(said![1]) - built)).toBeLessThanOrEqual(0.1);
  });
});
