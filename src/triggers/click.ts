import type { Entries, Kit } from './install';

/**
 * click triggers: one delegated listener on the document (capture phase, so a page that stops
 * propagation does not hide the click). A conversion fires when the clicked element or one of
 * its ancestors matches the selector, so a click on a link's icon counts, and so do elements
 * added after install (`a[href^='tel:']` catches every phone link, `a[href^='mailto:']` every
 * e-mail link). Properties are read from the matched element.
 *
 * A click on a <label> makes the browser click its control too, before the task ends: that
 * second click is not counted again for the triggers the label's click counted.
 */
export function installClick(entries: Entries<'click'>, { w, listen, fire }: Kit): void {
  let control: unknown;
  let fired: unknown[] = [];
  if (entries) listen(w.document, 'click', (e: Event) => {
    const el = e.target as Element | null;
    const skip = el === control ? fired : [];
    const ctl = el?.closest?.('label')?.control;
    control = ctl !== el && ctl;
    fired = [];
    if (control) setTimeout(() => { control = 0; }); // a label click the page cancels clicks no control
    // Inside a web component's open shadow root the event names only the host: the element
    // clicked is the first of its path (a phone link in a design system's <x-contact> counts).
    const inner = e.composedPath?.()[0] as Element | undefined;
    for (const [c, t] of entries) {
      const m = inner?.closest?.(t.selector) || el?.closest?.(t.selector);
      if (m && !skip.includes(c)) { fired.push(c); fire(c, m); }
    }
  }, true);
}
