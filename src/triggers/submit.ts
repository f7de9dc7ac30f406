import { nextTask } from '../core/env';
import type { Entries, Kit } from './install';

/**
 * submit triggers: one listener on the window, in the capture phase. A form matching the selector counts only when its
 * submit was not prevented, which is known once the event has been through every handler (one
 * the page adds on the window later included): so it is decided a task later, before the browser
 * leaves the page. A form that the page sends with JavaScript after `preventDefault()` does not
 * count (use a click trigger on its button, or `track()`). A selector may name the form or the
 * button that submitted it (the element a marketer right-clicks). `field:NAME` properties read
 * the submitted form.
 */
export function installSubmit(entries: Entries<'submit'>, { w, listen, fire, guard }: Kit): void {
  // Capture: a form's own handler that stops the event's propagation still sends the form.
  if (entries) listen(w, 'submit', (e: Event) => nextTask(guard(() => {
    const form = e.target as HTMLFormElement;
    const by = (e as SubmitEvent).submitter;
    if (!e.defaultPrevented) for (const [c, t] of entries) if (form.matches?.(t.selector) || by?.matches?.(t.selector)) fire(c, form);
  })), true);
}
