/** markdownText puts text on one line in linear time (security review 2026-12-06: a long run of spaces took seconds). */
import { expect, it } from 'vitest';
import { markdownText } from '../../src/cli/safe-text';

const regexWay = (s: string) => s.replace(/\s*[\r\n\u2028\u2029]\s*/g, ' ');

it('joins lines as the regex did, whitespace around each break as one space', () => {
  for (const s of ['a\nb', 'a \n b', 'a\n\n b', 'a\r\n\tb', 'a\n', '\na', ' a \u2028 b ', 'a\n \n \nb', 'no break', '']) {
    expect(markdownText(s), JSON.stringify(s)).toBe(markdownText(regexWay(s)));
  }
});

it('gets through 200,000 spaces without a line break (the regex took minutes: the test would time out)', () => {
  const s = `key${' '.repeat(200_000)}end`;
  expect(markdownText(s)).toBe(`key${' '.repeat(200_000)}end`);
});
