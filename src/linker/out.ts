/**
 * The linker's way out (see src/core/linker.ts): links and forms to the plan's other origins get
 * the `_mpl` parameter as the visitor uses them. Loaded only for plans with `linker` (the script
 * tag: measureplan.linker.js beside it; npm: a chunk of its own).
 */
/**
 * The parameter, as src/core/linker.ts names it (LINK_PARAM). Not imported: for npm builds that
 * would put that core module into a chunk shared with this one, which costs every page 0.6 KB.
 */
export const PARAM = '_mpl';

/**
 * `href` with `_mpl=value` added (an older one replaced). The rest of the address is kept as
 * written, byte for byte: re-encoding a query could break a signed checkout link.
 */
export function withLink(href: string, value: string): string {
  const hashAt = href.indexOf('#');
  const main = hashAt < 0 ? href : href.slice(0, hashAt);
  const q = main.indexOf('?');
  const parts = q < 0 ? [] : main.slice(q + 1).split('&').filter((part) => part && part.split('=')[0] !== PARAM);
  parts.push(`${PARAM}=${encodeURIComponent(value)}`);
  return `${q < 0 ? main : main.slice(0, q)}?${parts.join('&')}${hashAt < 0 ? '' : href.slice(hashAt)}`;
}

/** Whether a host is one of `domains` or a subdomain of one. */
export const linkedHost = (host: string, domains: readonly string[]): boolean =>
  domains.some((d) => host === d || host.endsWith('.' + d));

/**
 * Decorates links and forms to the linked domains as the visitor uses them (a click, a middle
 * click, the context menu's "open in new tab", a submit), never earlier: the value holds the
 * moment it was made (src/core/linker.ts's linkValue). `value` answers undefined while the visitor's
 * consent does not allow it.
 */
export function watchLinks(w: Window, domains: readonly string[], value: () => string | undefined, signal?: AbortSignal): void {
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
      const el = (e.composedPath?.()[0] ?? e.target) as Element | null;
      const a = el?.closest?.('a[href],area[href]') as HTMLAnchorElement | null;
      if (!a || typeof a.href !== 'string' || !target(a.href)) return;
      const v = value();
      if (v) a.href = withLink(a.href, v);
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
      if (!v) return;
      if ((attr('method') ?? 'get').toLowerCase() === 'post') {
        if (by?.hasAttribute('formaction')) by.setAttribute('formaction', withLink(action, v)); else form.setAttribute('action', withLink(action, v));
        return;
      }
      // A GET form's fields replace the action's query: the value goes in as a field of its own.
      let input = [...form.querySelectorAll('input')].find((i) => i.name === PARAM && i.type === 'hidden');
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
}
