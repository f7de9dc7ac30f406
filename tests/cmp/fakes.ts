/**
 * Fakes of the six consent platforms' documented JavaScript APIs, each installable before or
 * after measureplan starts following it. They behave the way the platforms' own documentation
 * (and, where it is silent, their observed behaviour) describes, not the way our reader expects:
 * see /work/shared/reference/journey-and-reports.md §6 and vendor-protocols.md §2.
 *
 * Each fake has `load()` (the platform's script runs on the page), visitor actions (`accept`,
 * `choose`, `reject`…) and, where the platform remembers a choice across pages, a way to start as
 * a returning visitor (the platform's own cookie already set).
 */

type Win = Window & Record<string, any>;

/** Removes every cookie of the jsdom document (between tests). */
export function clearCookies(doc: Document = document): void {
  for (const c of doc.cookie.split(';')) {
    const name = c.split('=')[0]!.trim();
    if (name) doc.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}

const setCookie = (w: Win, name: string, value: string) => {
  w.document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000`;
};

// ---------------------------------------------------------------------------------------------
// IAB TCF v2.2: the CMP API v2.1 spec ("__tcfapi must always be a function"; the stub queues
// calls until the CMP loads; addEventListener calls back at once with a listenerId, then on every
// change; eventStatus tcloaded | cmpuishown | useractioncomplete).
// ---------------------------------------------------------------------------------------------

export interface TcfChoice {
  /** Purpose ids the visitor consented to. */
  consents: number[];
  /** Purpose ids processed on legitimate interest (the CMP's default before any choice). */
  legitimateInterests?: number[];
}

export interface FakeTcf {
  /** The IAB stub snippet (what sites paste in the head): queues every call. */
  stub(): void;
  /** The CMP script has loaded: answers the queue and every later call. */
  load(): void;
  /** The visitor confirms a choice in the CMP's UI (eventStatus useractioncomplete). */
  choose(choice: TcfChoice): void;
  /** The visitor reopens the CMP's UI (eventStatus cmpuishown; consents shown unchanged). */
  reopen(): void;
  /** Listeners currently registered with the loaded CMP. */
  listeners(): number;
  calls: unknown[][];
}

const PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

export function fakeTcf(w: Win, options: { stored?: TcfChoice; gdprApplies?: boolean } = {}): FakeTcf {
  const gdprApplies = options.gdprApplies ?? true;
  let choice: TcfChoice | undefined = options.stored;
  let status: 'tcloaded' | 'cmpuishown' | 'useractioncomplete' = choice ? 'tcloaded' : 'cmpuishown';
  const listeners = new Map<number, (tcData: unknown, success: boolean) => void>();
  let nextId = 1;
  let loaded = false;
  const calls: unknown[][] = [];

  const flags = (ids: number[] = []) => Object.fromEntries(PURPOSES.map((p) => [p, ids.includes(p)]));
  const tcData = (listenerId: number) => {
    if (!gdprApplies) return { gdprApplies: false, tcfPolicyVersion: 4, cmpId: 300, cmpVersion: 2, listenerId };
    return {
      tcString: choice ? 'CQFakeTCStringWithAChoice' : 'CQFakeTCStringDefault',
      tcfPolicyVersion: 4,
      cmpId: 300,
      cmpVersion: 2,
      gdprApplies: true,
      eventStatus: status,
      cmpStatus: 'loaded',
      listenerId,
      isServiceSpecific: true,
      useNonStandardStacks: false,
      publisherCC: 'NO',
      purposeOneTreatment: false,
      // While the UI is shown without a choice: consents false, legitimate interests true (spec).
      purpose: { consents: flags(choice?.consents), legitimateInterests: flags(choice ? choice.legitimateInterests : PURPOSES) },
      vendor: { consents: {}, legitimateInterests: {} },
      specialFeatureOptins: {},
      publisher: { consents: {}, legitimateInterests: {}, customPurpose: { consents: {}, legitimateInterests: {} }, restrictions: {} },
    };
  };
  const notify = () => { for (const [id, cb] of listeners) cb(tcData(id), true); };

  function api(command: string, version: number, callback?: (...a: any[]) => void, parameter?: unknown) {
    calls.push([command, version, parameter]);
    if (version !== 2 && version !== undefined) return callback?.(null, false);
    switch (command) {
      case 'ping':
        return callback?.({ gdprApplies, cmpLoaded: true, cmpStatus: 'loaded', displayStatus: status === 'cmpuishown' ? 'visible' : 'hidden', apiVersion: '2.2', cmpVersion: 2, cmpId: 300, gvlVersion: 80, tcfPolicyVersion: 4 });
      case 'addEventListener': {
        const id = nextId++;
        listeners.set(id, callback!);
        return callback!(tcData(id), true);
      }
      case 'removeEventListener':
        return callback?.(listeners.delete(parameter as number));
      default:
        return callback?.(null, false);
    }
  }

  return {
    calls,
    stub() {
      const queue: unknown[][] = [];
      const stub = (...args: any[]) => {
        if (args[0] === 'ping') return args[2]?.({ gdprApplies, cmpLoaded: false, cmpStatus: 'stub', apiVersion: '2.2' }, true);
        queue.push(args);
      };
      stub.a = queue;
      w.__tcfapi = stub;
    },
    load() {
      const queued: any[][] = w.__tcfapi?.a ?? [];
      loaded = true;
      w.__tcfapi = api;
      for (const args of queued) (api as any)(...args);
    },
    choose(c) {
      if (!loaded) throw new Error('the CMP has not loaded');
      status = 'cmpuishown';
      notify();
      choice = c;
      status = 'useractioncomplete';
      notify();
    },
    reopen() {
      status = 'cmpuishown';
      notify();
    },
    listeners: () => listeners.size,
  };
}

// ---------------------------------------------------------------------------------------------
// Google Consent Mode: a banner's gtag('consent', 'default' | 'update', {...}) in window.dataLayer
// (gtag pushes its `arguments` object), and gtag.js, which takes over dataLayer.push when it loads.
// ---------------------------------------------------------------------------------------------

export interface FakeGoogle {
  /** Google's snippet: `window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}` */
  snippet(): void;
  gtag(...args: unknown[]): void;
  /**
   * gtag.js loads: it processes what is queued and replaces `dataLayer.push` with its own, which
   * keeps the previous push (`chain`, as Google's tag does with a push it finds) or not.
   */
  loadGtagJs(options?: { chain?: boolean }): void;
  /** Commands gtag.js has processed, in order. */
  processed: unknown[][];
}

export function fakeGoogle(w: Win): FakeGoogle {
  const processed: unknown[][] = [];
  return {
    processed,
    snippet() {
      w.dataLayer = w.dataLayer || [];
      w.gtag = function gtag() { w.dataLayer.push(arguments); };
    },
    gtag: (...args) => w.gtag(...args),
    loadGtagJs({ chain = true } = {}) {
      const dl = w.dataLayer;
      for (const e of dl) processed.push(Array.from(e));
      const previous = dl.push;
      dl.push = function (...items: unknown[]) {
        const r = chain ? previous.apply(dl, items) : Array.prototype.push.apply(dl, items);
        for (const e of items) processed.push(Array.from(e as ArrayLike<unknown>));
        return r;
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Cookiebot: window.Cookiebot with read-only consent flags and hasResponse; window events
// CookiebotOnConsentReady, CookiebotOnLoad, CookiebotOnAccept, CookiebotOnDecline; the choice is
// kept in the CookieConsent cookie and read from it on every page.
// ---------------------------------------------------------------------------------------------

export interface CookiebotChoice { preferences?: boolean; statistics?: boolean; marketing?: boolean }

export interface FakeCookiebot {
  /** uc.js runs: reads the CookieConsent cookie, defines window.Cookiebot, fires the load events if a choice is stored. */
  load(): void;
  /** The visitor submits the dialog (Accept all, Deny, or a selection). */
  submit(choice: CookiebotChoice): void;
  /** `Cookiebot.renew()` then a new submit: the visitor changes their mind. */
  renew(choice: CookiebotChoice): void;
}

export function fakeCookiebot(w: Win, options: { stored?: CookiebotChoice } = {}): FakeCookiebot {
  if (options.stored) setCookie(w, 'CookieConsent', cookieValue(options.stored));
  // uc.js reads the choice from its cookie, as on a returning visitor's next page.
  const saved = decodeURIComponent(/(?:^|; )CookieConsent=([^;]*)/.exec(w.document.cookie)?.[1] ?? '');
  if (saved) options = { stored: Object.fromEntries(['preferences', 'statistics', 'marketing'].map((k) => [k, saved.includes(`${k}:true`)])) };
  const fire = (name: string) => {
    w.dispatchEvent(new w.Event(name));
    w[`CookiebotCallback_${name.slice('Cookiebot'.length)}`]?.();
  };
  function cookieValue(c: CookiebotChoice) {
    return `{stamp:'fake',necessary:true,preferences:${!!c.preferences},statistics:${!!c.statistics},marketing:${!!c.marketing},method:'explicit',ver:1,utc:1767225600000,region:'no'}`;
  }
  const apply = (cb: any, c: CookiebotChoice | undefined) => {
    cb.consent = { necessary: true, preferences: !!c?.preferences, statistics: !!c?.statistics, marketing: !!c?.marketing, method: c ? 'explicit' : null };
    cb.hasResponse = !!c;
    cb.consented = !!c && !!(c.preferences || c.statistics || c.marketing);
    cb.declined = !!c && !cb.consented;
  };
  const submit = (c: CookiebotChoice) => {
    setCookie(w, 'CookieConsent', cookieValue(c));
    apply(w.Cookiebot, c);
    fire('CookiebotOnConsentReady');
    fire('CookiebotOnLoad');
    fire(w.Cookiebot.consented ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
  };
  return {
    load() {
      const cb: any = { doNotTrack: false, show() {}, hide() {}, renew() {}, getScript() {}, runScripts() {} };
      apply(cb, options.stored);
      w.Cookiebot = cb;
      if (options.stored) {
        fire('CookiebotOnConsentReady');
        fire('CookiebotOnLoad');
        fire(cb.consented ? 'CookiebotOnAccept' : 'CookiebotOnDecline');
      } else {
        fire('CookiebotOnDialogInit');
        fire('CookiebotOnDialogDisplay');
      }
    },
    submit,
    renew: submit,
  };
}

// ---------------------------------------------------------------------------------------------
// Cookie Information: window.CookieInformation.getConsentGivenFor('cookie_cat_…'), the
// CookieInformationConsent cookie ({consents_approved, consents_denied, …}) written when the
// visitor submits, and the window event CookieInformationConsentGiven (on load when a consent is
// stored, and after each submit).
// ---------------------------------------------------------------------------------------------

const CI_CATEGORIES = ['cookie_cat_necessary', 'cookie_cat_functional', 'cookie_cat_statistic', 'cookie_cat_marketing', 'cookie_cat_unclassified'];

export interface FakeCookieInformation {
  load(): void;
  /** The visitor submits: approved category names (necessary is always approved). */
  submit(approved: string[]): void;
}

export function fakeCookieInformation(w: Win, options: { stored?: string[]; cookieAfterEvent?: boolean } = {}): FakeCookieInformation {
  let approved: string[] | undefined = options.stored && ['cookie_cat_necessary', ...options.stored];
  const write = () => setCookie(w, 'CookieInformationConsent', JSON.stringify({
    website_uuid: '00000000-0000-4000-8000-000000000000',
    timestamp: new Date(0).toISOString(),
    consent_url: w.location.href,
    consent_website: 'fake',
    consent_domain: w.location.hostname,
    user_uid: 'fake-user',
    consents_approved: approved,
    consents_denied: CI_CATEGORIES.filter((c) => !approved!.includes(c)),
    user_agent: w.navigator.userAgent,
  }));
  if (approved) write();
  const given = () => w.dispatchEvent(new w.CustomEvent('CookieInformationConsentGiven', { detail: { consents: Object.fromEntries(CI_CATEGORIES.map((c) => [c, !!approved?.includes(c)])) } }));
  return {
    load() {
      w.CookieInformation = {
        // Before a choice only the necessary category is given.
        getConsentGivenFor: (c: string) => c === 'cookie_cat_necessary' || !!approved?.includes(c),
        getStatusOfUsedConsentTypes: () => Object.fromEntries(CI_CATEGORIES.map((c) => [c, c === 'cookie_cat_necessary' || !!approved?.includes(c)])),
        renew() {},
      };
      w.dispatchEvent(new w.Event('CookieInformationAPIReady'));
      if (approved) given();
    },
    submit(list) {
      approved = ['cookie_cat_necessary', ...list];
      if (options.cookieAfterEvent) { given(); setTimeout(write); return; }
      write();
      given();
      w.dispatchEvent(new w.Event('CookieInformationConsentSubmitted'));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// OneTrust: window.OnetrustActiveGroups (",C0001,C0002,"), the OptanonAlertBoxClosed cookie once
// the visitor has closed the banner, OptanonWrapper() and the OneTrustGroupsUpdated event (detail:
// active group ids) on every script load and every change, OTConsentApplied after the receipt.
// ---------------------------------------------------------------------------------------------

export interface FakeOneTrust {
  load(): void;
  /** The visitor saves a choice (banner or preference center): the groups they turned on. */
  choose(groups: string[]): void;
  allowAll(): void;
  rejectAll(): void;
}

export function fakeOneTrust(w: Win, options: { stored?: string[]; defaults?: string[] } = {}): FakeOneTrust {
  const all = ['C0001', 'C0002', 'C0003', 'C0004', 'C0005'];
  // Opt-in model: before any choice only the strictly necessary group (or the site's defaults).
  let active = options.stored ? ['C0001', ...options.stored] : options.defaults ?? ['C0001'];
  const writeCookies = () => {
    setCookie(w, 'OptanonConsent', `isGpcEnabled=0&datestamp=fake&version=202501.1.0&groups=${all.map((g) => `${g}:${active.includes(g) ? 1 : 0}`).join(',')}`);
    setCookie(w, 'OptanonAlertBoxClosed', new Date(0).toISOString());
  };
  if (options.stored) writeCookies();
  const changed: (() => void)[] = [];
  const publish = () => {
    w.OnetrustActiveGroups = w.OptanonActiveGroups = ',' + active.join(',') + ',';
    w.OptanonWrapper?.();
    w.dispatchEvent(new w.CustomEvent('OneTrustGroupsUpdated', { detail: [...active] }));
  };
  const choose = (groups: string[]) => {
    active = ['C0001', ...groups.filter((g) => g !== 'C0001')];
    writeCookies();
    publish();
    for (const f of changed) f();
    setTimeout(() => w.dispatchEvent(new w.Event('OTConsentApplied')), 5);
  };
  return {
    load() {
      w.OneTrust = {
        IsAlertBoxClosed: () => /(^|; )OptanonAlertBoxClosed=/.test(w.document.cookie),
        OnConsentChanged: (f: () => void) => changed.push(f),
        AllowAll: () => choose(all),
        RejectAll: () => choose([]),
        ToggleInfoDisplay() {},
        GetDomainData: () => ({ ShowAlertNotice: true, Groups: all.map((CustomGroupId) => ({ CustomGroupId })) }),
      };
      publish();
    },
    choose,
    allowAll: () => choose(all),
    rejectAll: () => choose([]),
  };
}

// ---------------------------------------------------------------------------------------------
// Shopify's Customer Privacy API: `window.Shopify` is on every storefront page; its
// `customerPrivacy` object appears once the theme (or Shopify's cookie banner) calls
// `Shopify.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], cb)`.
// `currentVisitorConsent()` answers `{ analytics, marketing, preferences, sale_of_data }`, each
// 'yes', 'no' or '' (no choice); the `…Allowed()` methods also allow where the shop's region
// settings ask for no consent. `setTrackingConsent(consent, cb)` records a choice (its
// `_tracking_consent` cookie) and dispatches `visitorConsentCollected` on the document.
// ---------------------------------------------------------------------------------------------

export interface ShopifyChoice { analytics?: boolean; marketing?: boolean; preferences?: boolean; sale_of_data?: boolean }

export interface FakeShopify {
  /** The storefront's `window.Shopify`, without the privacy API yet. */
  storefront(): void;
  /** The theme loads the Customer Privacy API. */
  load(): void;
  /** The visitor's choice in the banner (or the US "do not sell or share" link: `{ sale_of_data: false }`). */
  choose(choice: ShopifyChoice): void;
}

export function fakeShopify(w: Win, options: { stored?: ShopifyChoice; consentRequired?: boolean } = {}): FakeShopify {
  // A returning visitor: the choice from the `_tracking_consent` cookie of an earlier page.
  const kept = /(?:^|; )_tracking_consent=([^;]*)/.exec(w.document.cookie)?.[1];
  let given: ShopifyChoice = { ...(options.stored ?? (kept ? JSON.parse(decodeURIComponent(kept)) : {})) };
  const word = (v: boolean | undefined) => (v === undefined ? '' : v ? 'yes' : 'no');
  const required = options.consentRequired ?? true;
  const allowed = (v: boolean | undefined) => (v === undefined ? !required : v);
  return {
    storefront() { w.Shopify = { shop: 'fake.myshopify.com', loadFeatures: (_f: unknown, cb: (e?: unknown) => void) => setTimeout(() => { this.load(); cb(); }, 10) }; },
    load() {
      w.Shopify ??= {};
      w.Shopify.customerPrivacy = {
        currentVisitorConsent: () => ({ analytics: word(given.analytics), marketing: word(given.marketing), preferences: word(given.preferences), sale_of_data: word(given.sale_of_data) }),
        analyticsProcessingAllowed: () => allowed(given.analytics),
        marketingAllowed: () => allowed(given.marketing),
        preferencesProcessingAllowed: () => allowed(given.preferences),
        saleOfDataAllowed: () => given.sale_of_data !== false,
        shouldShowBanner: () => required && given.analytics === undefined,
        setTrackingConsent: (consent: ShopifyChoice, cb?: () => void) => { this.choose(consent); cb?.(); },
      };
    },
    choose(choice) {
      given = { ...given, ...choice };
      setCookie(w, '_tracking_consent', JSON.stringify(given));
      // Not bubbling: only a listener on the document itself hears it.
      w.document.dispatchEvent(new w.CustomEvent('visitorConsentCollected', { detail: {
        analyticsAllowed: allowed(given.analytics), marketingAllowed: allowed(given.marketing), preferencesAllowed: allowed(given.preferences), saleOfDataAllowed: given.sale_of_data !== false,
      } }));
    },
  };
}
