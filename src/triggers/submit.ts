import type { Entries, Kit } from './install';

/**
 * submit triggers: one listener on the window in the bubble phase, so it runs after the form's
 * and the document's own handlers. A form matching the selector counts only when its submit was
 * not prevented: a form that the page sends with JavaScript after `preventDefault()` does not
 * count (use a click trigger on its button, or `track()`). Tracks synchronously, before the
 * browser leaves the page; `field:NAME` properties read the submitted form.
 */
export function installSubmit(entries: Entries<'submit'>, { w, listen, fire }: Kit): void {
  if (entries) listen(w, 'submit', (e: Event) => {
    const form = e.target as HTMLFormElement;
    if (!e.defaultPrevented) for (const [c, t] of entries) if (form.matches?.(t.selector)) fire(c, form);
  });
}
