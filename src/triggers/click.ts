import type { Entries, Kit } from './install';

/**
 * click triggers: one delegated listener on the document (capture phase, so a page that stops
 * propagation does not hide the click). A conversion fires when the clicked element or one of
 * its ancestors matches the selector, so a click on a link's icon counts, and so do elements
 * added after install (`a[href^='tel:']` catches every phone link, `a[href^='mailto:']` every
 * e-mail link). Properties are read from the matched element.
 */
export function installClick(entries: Entries<'click'>, { w, listen, fire }: Kit): void {
  if (entries) listen(w.document, 'click', (e: Event) => {
    for (const [c, t] of entries) {
      const el = (e.target as Element | null)?.closest?.(t.selector);
      if (el) fire(c, el);
    }
  }, true);
}
