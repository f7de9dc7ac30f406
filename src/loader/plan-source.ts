/**
 * Where the script tag finds its plan: the URL in the tag's `data-plan`; without one, an inline
 * `<script type="application/json" data-measureplan-plan>` on the page, or else (DESIGN.md: "an
 * inline `<script type="application/json">`") an unmarked JSON script that holds a plan.
 */
export interface PlanSource { where: string; text: Promise<string> }

export function findPlan(tag: HTMLScriptElement | null, doc: Document): PlanSource | string {
  const url = tag?.getAttribute('data-plan');
  // Inline plans only without data-plan: the tag's own attribute is the site's choice, and a JSON
  // script in content the site lets others write (a review) never runs, so a nonce does not stop
  // it (security review 2026-12-06). Unmarked ones: the first naming "conversions" (a page has
  // others, a framework's state, that are no plan).
  const inline = !url && (doc.querySelector('script[data-measureplan-plan]') ||
    [...doc.querySelectorAll('script[type="application/json"]')].find((s) => /"conversions"/.test(s.textContent!)));
  if (inline) return { where: 'the inline plan (<script type="application/json">)', text: Promise.resolve(inline.textContent!) };
  if (!url) return 'measureplan: no plan found (data-plan="/path/plan.json" on the script tag, or the plan in a <script type="application/json">); nothing will be tracked.';
  const where = `the plan at ${url}`;
  return {
    where,
    text: fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.text();
    }),
  };
}
