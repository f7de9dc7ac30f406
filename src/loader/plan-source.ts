/**
 * Where the script tag finds its plan: an inline `<script type="application/json"
 * data-measureplan-plan>` on the page, or the URL in the tag's `data-plan`.
 */
export interface PlanSource { where: string; text: Promise<string> }

export function findPlan(tag: HTMLScriptElement | null, doc: Document): PlanSource | string {
  const inline = doc.querySelector('script[data-measureplan-plan]');
  if (inline) return { where: 'the inline plan (script[data-measureplan-plan])', text: Promise.resolve(inline.textContent ?? '') };
  const url = tag?.getAttribute('data-plan');
  if (!url) return 'measureplan: no plan found. Add data-plan="/path/plan.json" to the measureplan script tag, or an inline <script type="application/json" data-measureplan-plan> with the plan; nothing will be tracked.';
  const where = `the plan at ${url}`;
  return {
    where,
    text: fetch(url, { credentials: 'same-origin' }).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.text();
    }),
  };
}
