/**
 * The debug panel's DOM: a region labelled "measureplan debug" holding a `<details>` whose
 * summary (the header) collapses it, the consent line and a compact table of this page's
 * conversions. The header and the scrolling list are reached with Tab (after the page's own
 * controls) and show their focus; nothing takes the page's focus. Everything lives in the shadow
 * root, styles included, and every value from the page is written with `textContent`: neither
 * the site's CSS nor markup in a value can reach the panel, and the panel's styles cannot reach
 * the site.
 */

// `!important` on :host wins over the page's rules for the host element, even `!important` ones.
// `all` leaves `direction` alone: on a right-to-left page the English panel read backwards (intl QA 2026-12-07).
const CSS = ':host{all:initial!important;direction:ltr!important;unicode-bidi:isolate!important;display:block!important;position:fixed!important;right:8px!important;bottom:8px!important;z-index:2147483647!important}' +
  'details{font:12px/1.4 system-ui,sans-serif;color:#222;background:#fff;border:1px solid #888;max-width:min(640px,90vw)}' +
  'summary{cursor:pointer;padding:4px 8px;background:#234;color:#fff}.b{max-height:50vh;overflow:auto;padding:4px 8px}' +
  'td{padding:2px 4px;vertical-align:top;border-top:1px solid #eee;white-space:nowrap}td:nth-child(2),td:last-child{white-space:normal}caption{text-align:left;color:#666}i{font-size:10px;padding:0 3px;margin-left:4px;background:#ddd}' +
  '.macro{background:#fc6}.q{color:#666;overflow-wrap:anywhere}.ok{color:#080}.w{color:#a60}.e{color:#c00}' +
  ':focus-visible{outline:solid #37f;outline-offset:-3px}'; // 3:1 and more on the header's #234 and on white

/** Appends an element with this text (as text, never markup) and class. */
export const h = (parent: Node, tag: string, text = '', cls = ''): HTMLElement => {
  const e = parent.appendChild(parent.ownerDocument!.createElement(tag));
  e.textContent = text;
  e.className = cls;
  return e;
};

/** Builds the panel's frame in `root`, open: the header, the consent line, the table. */
export function createView(root: ShadowRoot, title: string, nonce?: string) {
  // With the page's nonce: under a strict `style-src` the panel's own style is otherwise refused.
  const style = h(root, 'style', CSS) as HTMLStyleElement;
  if (nonce) style.nonce = nonce;
  const region = h(root, 'section');
  region.setAttribute('aria-label', 'measureplan debug'); // named, the section is a region landmark
  const panel = h(region, 'details') as HTMLDetailsElement;
  // Open, unless the window is small: there it would hide half the page, the consent banner's
  // buttons among them (a11y QA 2026-12-06, WCAG 2.4.11).
  const w = root.ownerDocument.defaultView;
  panel.open = !w || (w.innerWidth >= 700 && w.innerHeight >= 500);
  h(panel, 'summary', 'measureplan debug · ' + title);
  const body = h(panel, 'div', '', 'b');
  body.tabIndex = 0; // it scrolls: keyboard users scroll it once it has the focus
  // Named, and a log: what is added (a conversion, a destination's answer) is announced.
  body.setAttribute('role', 'log');
  body.setAttribute('aria-label', 'Conversions on this page');
  const consent = h(body, 'div');
  const empty = h(body, 'div', 'No conversions on this page yet.', 'q');
  const table = h(body, 'table');
  h(table, 'caption', 'Time · conversion · value · what each destination got');
  return { panel, consent, empty, table };
}
