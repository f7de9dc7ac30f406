/**
 * The linker's way out (see src/core/linker.ts): links and forms to the plan's other origins get
 * the `_mpl` parameter as the visitor uses them. Loaded only for plans with `linker` (the script
 * tag: measureplan.linker.js beside it; npm: a chunk of its own).
 */
/**
 * The parameter, as src/core/linker.ts names it (LINK_PARAM), and `isLink` below, a copy of its
 * own. Not imported: for npm builds that would put that core module into a chunk shared with
 * this one, which costs every page 0.6 KB (tests/core/linker.test.ts holds the two names equal).
 */
export const PARAM = '_mpl';

/** Whether a query part is the linker's, its name as written or percent-encoded (`%5Fmpl`). */
const isLink = (part: string): boolean => {
  try { return decodeURIComponent(part.split('=')[0]!) === PARAM; } catch { return false; }
};

/**
 * `href` with `_mpl=value` added (an older one replaced), or without any when `value` is undefined.
 * The rest of the address is kept as written, byte for byte: re-encoding a query could break a
 * signed checkout link.
 */
export function withLink(href: string, value: string | undefined): string {
  const hashAt = href.indexOf('#');
  const main = hashAt < 0 ? href : href.slice(0, hashAt);
  const q = main.indexOf('?');
  const all = q < 0 ? [] : main.slice(q + 1).split('&');
  const parts = all.filter((part) => part && !isLink(part));
  if (value === undefined && parts.length === all.filter(Boolean).length) return href;
  if (value !== undefined) parts.push(`${PARAM}=${encodeURIComponent(value)}`);
  return `${q < 0 ? main : main.slice(0, q)}${parts.length ? '?' + parts.join('&') : ''}${hashAt < 0 ? '' : href.slice(hashAt)}`;
}

/** Whether a host is one of `domains` or a subdomain of one. */
export const linkedHost = (host: string, domains: readonly string[]): boolean =>
  domains.some((d) => host === d || host.endsWith('.' + d));

/**
 * Decorates links and forms to the linked domains as the visitor uses them (a click, a middle
 * click, the context menu's "open in new tab", a submit), never earlier: the value holds the
 * moment it was made (src/core/linker.ts's linkValue). `value` answers undefined while the visitor's
 * consent does not allow it. Returns `tracker.linkUrl`'s work: an address the site's own script
 * goes to, decorated the same way.
 */
export function watchLinks(w: Window, domains: readonly string[], value: () => string | undefined, signal?: AbortSignal): (url: string) => string {
  /** The address `url` goes to, when it is one to carry the visitor to. */
  const target = (url: unknown): boolean => {
    if (typeof url !== 'string' || !url) return false;
    try {
      const u = new URL(url, w.location.href);
      return /^https?:$/.test(u.protocol) && u.origin !== w.location.origin && linkedHost(u.hostname, domains);
    } catch { return false; }
  };
  const onLink = (e: Event) => {
    try {
      // The link may be in a web component's shadow root around the element clicked (a slotted
      // label), or an SVG <a>, whose href is no string: the event's whole path is searched.
      const path = (e.composedPath?.() ?? [e.target]) as Element[];
      const a = path.find((n) => /^(a|area)$/i.test(n?.localName ?? '') && n.hasAttribute?.('href'));
      const href = a && new URL(a.getAttribute('href')!, a.baseURI).href;
      if (!a || !target(href)) return;
      // Without consent (withdrawn since an earlier click) an older value comes off, never goes on.
      const next = withLink(href!, value());
      if (next !== href) a.setAttribute('href', next);
    } catch { /* never into the page: the link goes as it was */ }
  };
  const onSubmit = (e: Event) => {
    try {
      const form = e.target as HTMLFormElement;
      const by = (e as SubmitEvent).submitter;
      // A submit button's formaction/formmethod stand for the form's own.
      const attr = (name: string) => (by?.hasAttribute('form' + name) ? by.getAttribute('form' + name) : form.getAttribute(name));
      const action = new URL(attr('action') || w.location.href, w.location.href).href;
      if (!target(action)) return;
      const v = value();
      if ((attr('method') ?? 'get').toLowerCase() === 'post') {
        const next = withLink(action, v);
        if (next !== action) (by?.hasAttribute('formaction') ? by : form).setAttribute(by?.hasAttribute('formaction') ? 'formaction' : 'action', next);
        return;
      }
      // A GET form's fields replace the action's query: the value goes in as a field of its own.
      let input = [...form.querySelectorAll('input')].find((i) => i.name === PARAM && i.type === 'hidden');
      if (!v) { input?.remove(); return; }
      if (!input) {
        input = w.document.createElement('input');
        input.type = 'hidden';
        input.name = PARAM;
        form.appendChild(input);
      }
      input.value = v;
    } catch { /* never into the page: the form goes as it was */ }
  };
  for (const type of ['click', 'auxclick', 'contextmenu']) w.addEventListener(type, onLink, { capture: true, signal });
  w.addEventListener('submit', onSubmit, { capture: true, signal });
  // The address as given (relative or absolute, byte for byte), with the value when it goes to a linked site.
  return (url) => (target(url) ? withLink(url, value()) : url);
}
