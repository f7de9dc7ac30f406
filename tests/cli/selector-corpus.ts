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
];

export const VALID = [
  "a[href^='tel:']", 'a[href^="mailto:"]', 'form.newsletter', 'button[data-action="add:cart"]', 'li:first-child', 'li:last-of-type',
  'input:checked', 'a:not(.disabled)', 'p::before', '.grid > .item:nth-child(2n+1)', 'button:has(> svg)', '[data-x="a,b"]', '#buy\\:now',
  'section:is(.a, .b) a', 'input[type="submit" i]',
];
