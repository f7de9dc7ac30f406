/**
 * Where the script tag finds its plan: an inline `<script type="application/json"
 * data-measureplan-plan>` on the page, the URL in the tag's `data-plan`, or else (DESIGN.md:
 * "an inline `<script type="application/json">`") an unmarked JSON script that holds a plan.
 */
export interface PlanSource { where: string; text: Promise<string> }

export function findPlan(tag: HTMLScriptElement | null, doc: Document): PlanSource | string {
  const url = tag?.getAttribute('data-plan');
  // Unmarked JSON scripts only without data-plan, and the first naming "conversions": a page has
  // others (a framework's state) that are no plan.
  const inline = doc.querySelector('script[data-measureplan-plan]') ||
    (!url && [...doc.querySelectorAll('script[type="application/json"]')].find((s) => /"conversions"/.test(s.textContent!)));
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
