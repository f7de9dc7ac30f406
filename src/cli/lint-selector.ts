/**
 * CSS selectors of triggers, checked without a browser. Node has no `querySelector`, so `validate`
 * cannot ask the browser; the tracker does, on the page, and turns a trigger with a selector it
 * rejects off (with a console message on every page). This catches what people write most often
 * by mistake: jQuery's own pseudo-classes (`:contains()`, `:eq()`, `:visible`, …), which no
 * browser's `querySelector` knows, a bracket or parenthesis closed that was never opened, and a
 * list or chain with a part missing, JavaScript or XPath pasted where CSS belongs (`$('.btn')`),
 * an attribute value with a colon and no quotes (`a[href^=tel:]`), a `.` or `#` without a name,
 * a name that starts with a digit. A heuristic, not a CSS parser: anything it does not
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
  // Copied from the site's scripts or a tag manager: the selector is the text in the quotes.
  const code = /^(\$|jQuery|document\.(?:querySelector(?:All)?|getElementById|getElementsByClassName))\s*\(\s*(["'])(.*)\2\s*\)\s*;?$/.exec(s);
  if (code) {
    const inner = code[1]!.endsWith('Id') ? `#${code[3]}` : code[1]!.endsWith('Name') ? `.${code[3]}` : code[3];
    return `it is JavaScript code, not a selector: write only ${JSON.stringify(inner)}`;
  }
  if (/^(\/\/|\/html\b|\(\/\/)/.test(s)) return 'it is an XPath expression, not a CSS selector: write it in CSS, like button#buy or [data-action="buy"]';
  const colon = /\[\s*([\w-]+)\s*([\^$*~|]?=)\s*((?:[^\]"'\s\\:]|\\.)*:[^\]"'\s]*)\s*\]/.exec(s); // `tel\:` escaped is fine
  if (colon) return `the value ${colon[3]} needs quotes around it (it has a ":"): write ${s.replace(colon[0], `[${colon[1]}${colon[2]}"${colon[3]}"]`)}`;
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
  let bare = s.replace(/\\./g, '_').replace(/"[^"]*"|'[^']*'/g, '""').replace(/\[[^\]]*\]/g, '[]');
  // Inside :has(), :is(), :not() a list item may start with a combinator (`:has(> a, > b)`): left to the browser.
  for (let was = ''; was !== bare;) { was = bare; bare = bare.replace(/\(([^()]*)\)/g, (_, inner: string) => `\u2039${inner.replace(/[,>+~]/g, '_')}\u203a`); }
  if (/(^|,)\s*(,|$)/.test(bare)) return 'a comma with nothing on one side';
  if (/[>+~]\s*(,|$)/.test(bare)) return 'it ends in ">", "+" or "~" with nothing after it';
  if (/(^|,)\s*[>+~]/.test(bare)) return 'it starts with ">", "+" or "~" (a trigger\'s selector is matched against the whole page)';
  if (/[.#](?![\w\u00a0-\uffff-])/.test(bare)) return 'a "." or "#" has no class or id name after it';
  const digit = /[.#]-?\d[\w-]*/.exec(bare);
  if (digit) return `${digit[0]}: a class or id name cannot start with a digit in CSS: write [${digit[0][0] == '#' ? 'id' : 'class~'}="${digit[0].slice(1)}"] instead`;
  for (const [, name] of bare.matchAll(/(?<!:):([a-z-]+)(?![a-z-])/gi)) {
    const hint = JQUERY[name!.toLowerCase()];
    if (hint) return `":${name}" is jQuery's, not CSS: browsers reject it; ${hint}`;
  }
  return undefined;
}
