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
  if (!entries) return;
  /**
   * Nearly every click matches no trigger. One closest() with the plan's selectors joined into one
   * list tells so at once, instead of one per trigger (soak review 2026-12-06: 1–2 ms a click with
   * 600 click triggers). A selector the browser closes at its end (a quote, bracket, block or
   * comment left open, a last backslash) would swallow the next one in a list: it is checked alone.
   */
  let list = '';
  const probe = w.document.createElement('i');
  const alone = entries.filter(([, { selector: s }]) => {
    let q = '';
    let depth = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c == '\\') { if (++i == s.length) return true; } else if (q) { if (c == q) q = ''; } else if (c == '"' || c == "'") q = c;
      else if (c == '(' || c == '[') depth++;
      else if (c == ')' || c == ']') depth--;
      else if (c == '/') return true;
    }
    // And as the browser reads it: with `,*` after it, it must match any element; a selector that
    // swallows what follows (a `{` or `url(` left open, a newline in a string) does not (diff read).
    try { if (q || depth || !probe.matches(s + ',*')) return true; } catch { return true; }
    list += (list && ',') + s; // joined: not alone
  });
  listen(w.document, 'click', (e: Event) => {
    const el = e.target as Element | null;
    const skip = el === control ? fired : [];
    const ctl = el?.closest?.('label')?.control;
    control = ctl !== el && ctl;
    fired = [];
    if (control) setTimeout(() => { control = 0; }); // a label click the page cancels clicks no control
    // Inside a web component's open shadow root the event names only the host: the element
    // clicked is the first of its path (a phone link in a design system's <x-contact> counts).
    const inner = e.composedPath?.()[0] as Element | undefined;
    // Outside a shadow root the first of the path is the target itself: one look, not two.
    const near = (s: string) => inner?.closest?.(s) || (inner !== el && el?.closest?.(s));
    let todo = entries;
    try { if (list && !near(list)) todo = alone; } catch { /* each checked alone */ }
    for (const [c, t] of todo) {
      const m = near(t.selector);
      if (m && !skip.includes(c)) { fired.push(c); fire(c, m); }
    }
  }, true);
}
