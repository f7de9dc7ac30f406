/** Trigger selectors people write, with what `validate` says: shared by the unit test and the real-Chromium check of the verdicts. */
export const WRONG: [string, RegExp][] = [
  ['button:contains("Buy")', /jQuery's, not CSS.*attribute or class/],
  ['.product:eq(0) a', /jQuery's.*nth-child/],
  ['form.newsletter input:visible', /jQuery's/],
  ['li:first', /first-child/],
  ['.cart button)', /"\)" without its "\("/],
  ['div >', /ends in ">"/],
  ['.a, , .b', /comma with nothing/],
  ['.a,', /comma with nothing/],
  ['> a', /starts with ">"/],
  // Pasted from the site's scripts, a tag manager or a phone link (marketer QA 2026-12-06).
  ["$('.newsletter-form')", /JavaScript code, not a selector: write only "\.newsletter-form"/],
  ["jQuery('#kjop')", /write only "#kjop"/],
  ["document.getElementById('buy')", /write only "#buy"/],
  ['//button[@id="buy"]', /XPath/],
  ['a[href^=tel:]', /needs quotes.*write a\[href\^="tel:"\]/],
  ['.btn..primary', /no class or id name after it/],
  ['form#', /no class or id name after it/],
  ['.1col', /cannot start with a digit/],
  ['#123', /cannot start with a digit.*\[id="123"\]/],
];

export const VALID = [
  "a[href^='tel:']", 'a[href^="mailto:"]', 'form.newsletter', 'button[data-action="add:cart"]', 'li:first-child', 'li:last-of-type',
  'input:checked', 'a:not(.disabled)', 'p::before', '.grid > .item:nth-child(2n+1)', 'button:has(> svg)', '[data-x="a,b"]', '#buy\\:now',
  'section:is(.a, .b) a', 'input[type="submit" i]', '.\\31 23', 'a[href^=http]', '#-x', '.kj\u00f8p-knapp', '[data-x="a.b"]',
  // Relative selectors inside :has(), an escaped colon (second read 2026-12-06).
  'a:has(> img, > svg)', 'li:has(+ li)', 'a[href^=tel\\:]',
];
