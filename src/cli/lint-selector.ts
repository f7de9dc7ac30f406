/**
 * CSS selectors of triggers, checked without a browser. Node has no `querySelector`, so `validate`
 * cannot ask the browser; the tracker does, on the page, and turns a trigger with a selector it
 * rejects off (with a console message on every page). This catches what people write most often
 * by mistake: jQuery's own pseudo-classes (`:contains()`, `:eq()`, `:visible`, …), which no
 * browser's `querySelector` knows, a bracket or parenthesis closed that was never opened, and a
 * list or chain with a part missing. A heuristic, not a CSS parser: anything it does not
 * recognise is left to the browser.
 */

/** jQuery's selector extensions that are not CSS (jQuery API docs, "Selectors"), with what to use instead. */
const JQUERY: Record<string, string> = {
  contains: 'select the element by an attribute or class instead (CSS cannot match on text)',
  eq: 'use :nth-child() or :nth-of-type() (counted from 1), or a class on the element',
  gt: 'use :nth-child(n+…) (counted from 1)',
  lt: 'use :nth-child(-n+…) (counted from 1)',
  first: 'use :first-child or :first-of-type',
  last: 'use :last-child or :last-of-type',
  even: 'use :nth-child(even)',
  odd: 'use :nth-child(odd)',
  visible: 'leave it out: a click or submit trigger only fires on what the visitor could reach',
  hidden: 'leave it out, or use [hidden]',
  input: 'use input, select, textarea, button',
  text: 'use input[type="text"]',
  password: 'use input[type="password"]',
  radio: 'use input[type="radio"]',
  checkbox: 'use input[type="checkbox"]',
  submit: 'use [type="submit"]',
  image: 'use input[type="image"]',
  reset: 'use [type="reset"]',
  button: 'use button, [type="button"]',
  file: 'use input[type="file"]',
  selected: 'use option:checked',
  header: 'use h1, h2, h3, h4, h5, h6',
  parent: 'use :not(:empty)',
  animated: 'leave it out',
};

/** Why the browser would reject `selector`, in words, or undefined when nothing is seen wrong. */
export function selectorProblem(selector: string): string | undefined {
  const s = selector.trim();
  if (!s) return 'it is empty';
  const open: string[] = [];
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') { i++; continue; }
    if (quote) { if (ch === quote) quote = ''; continue; }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') open.push(ch);
    else if (ch === ']' || ch === ')') {
      const want = ch === ']' ? '[' : '(';
      if (open.pop() !== want) return `it has a "${ch}" without its "${want}"`;
    }
  }
  // A quote, bracket or parenthesis still open at the end is closed by the browser's CSS parser
  // (`a[href^="tel:"` works): not flagged.
  // Outside quotes and attribute brackets: a list item or a chain that ends in nothing.
  const bare = s.replace(/\\./g, '_').replace(/"[^"]*"|'[^']*'/g, '""').replace(/\[[^\]]*\]/g, '[]');
  if (/(^|,)\s*(,|$)/.test(bare)) return 'a comma with nothing on one side';
  if (/[>+~]\s*(,|$)/.test(bare)) return 'it ends in ">", "+" or "~" with nothing after it';
  if (/(^|,)\s*[>+~]/.test(bare)) return 'it starts with ">", "+" or "~" (a trigger\'s selector is matched against the whole page)';
  for (const [, name] of bare.matchAll(/(?<!:):([a-z-]+)(?![a-z-])/gi)) {
    const hint = JQUERY[name!.toLowerCase()];
    if (hint) return `":${name}" is jQuery's, not CSS: browsers reject it; ${hint}`;
  }
  return undefined;
}
