/**
 * Text that came from outside (a browser's event names and ids, a target's answer) made safe to
 * print on a terminal or in a log, and to put in Markdown. Anyone can post to the collect server,
 * so such text can carry terminal escapes (clear the screen, set the title, forge a coloured
 * progress line), line breaks (forge a whole log line) or HTML.
 */

/**
 * C0 controls (tab and newline too), DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC for some
 * terminals), the line and paragraph separators, and the bidirectional overrides and isolates
 * (they make a line show in another order than it is written).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const hex = (c: string) => {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** `s` with every control character written as `\xNN` (`\u2028` for the separators): one visible line. */
export const printable = (s: string): string => s.replace(CONTROL, hex);

const alnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * `s` as literal Markdown inline text (the plan document's words, the report's names): on one
 * line, with control characters written out; `&` (where it would start an entity), `<` and `>` as
 * entities, so no renderer, CommonMark or not, reads a tag, a comment or an autolink; the other
 * Markdown syntax (backslash, code, emphasis, links, a block marker at the start) backslash-escaped;
 * `|` too in a table cell. Intraword underscores (`view_item`) stay as they are.
 */
/**
 * Each line break with the white space around it as one space, in linear time: a regex of
 * white space, a break, white space retried its first part from every space of a long run without
 * a break (32,000 spaces in a quarantined key made a Markdown report take 48 s; security review
 * 2026-12-06).
 */
function oneLine(s: string): string {
  const parts = s.split(/[\r\n\u2028\u2029]/);
  if (parts.length === 1) return s;
  const out = [parts[0]!.trimEnd()];
  for (let i = 1; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const p = last ? parts[i]!.trimStart() : parts[i]!.trim();
    if (p || last) out.push(p);
  }
  return out.join(' ');
}

export function markdownText(s: string, table = false): string {
  // Line breaks and tabs are layout, not content: one space (a tab written out as `\x09` read badly).
  let out = printable(oneLine(s).replace(/\t/g, ' '));
  out = out.replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  out = out.replace(/[\\`*[\]]/g, '\\$&').replace(/_/g, (u, i: number, all: string) => (alnum(all[i - 1]) && alnum(all[i + 1]) ? u : '\\_'));
  out = out.replace(/^#|^[-+](?=\s|$)/, '\\$&').replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
  if (table) out = out.replace(/\|/g, '\\|');
  return out;
}
