/**
 * CSV as shops export it: a header row, comma, semicolon or tab separated (whichever the header
 * row uses most), fields in double quotes with `""` for a quote, line breaks inside quotes,
 * CRLF or LF, and an optional byte-order mark (Excel writes one). Rows are numbered the way a
 * spreadsheet numbers them: the header is row 1, and blank lines count but are not returned.
 * An Excel `sep=;` first line names the separator; Excel hides that line when it opens the
 * file, so it is not counted either (the header stays row 1, as the user sees it).
 */

export type Delimiter = ',' | ';' | '\t';

export interface CsvRecord {
  /** The spreadsheet row: 2 is the first row under the header. */
  row: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
  delimiter: Delimiter;
  /** Whether the file began with Excel's `sep=` line (skipped). */
  sepLine?: boolean;
}

/** The file cannot be read as CSV (a quote that is never closed). */
export class CsvError extends Error {
  constructor(message: string, readonly row: number, readonly hint?: string) {
    super(message);
  }
}

/** The delimiter the first row uses most, outside quotes (a comma when it uses none). */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** Excel's `sep=;` / `sep=,` / `sep=<tab>` first line. */
const SEP_LINE = /^sep=(.?)[ ]*(?:\r\n|\r|\n|$)/i;

export function parseCsv(input: string): CsvTable {
  let text = input.replace(/^\uFEFF/, '');
  let delimiter: Delimiter;
  const sep = SEP_LINE.exec(text);
  if (sep) {
    const d = sep[1]!;
    if (d !== ',' && d !== ';' && d !== '\t') {
      throw new CsvError(`the first line, "sep=${d}", names ${d ? `"${d}"` : 'no character'} as the separator; this reads a comma, a semicolon or a tab.`, 1, 'Export the file with commas, semicolons or tabs between the fields, or remove the sep= line.');
    }
    delimiter = d;
    text = text.slice(sep[0].length);
  } else delimiter = detectDelimiter(text);
  const rows: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let row = 1;
  let quoteRow = 0;
  let i = 0;
  /** Whether the current field began with a quote and that quote is still open. */
  let quoted = false;
  /** Whether anything at all was read on this row (a blank line is skipped). */
  let touched = false;

  const endField = () => { fields.push(field); field = ''; };
  const endRow = () => {
    endField();
    if (touched) rows.push({ row, fields });
    fields = [];
    touched = false;
    row++;
  };

  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    // A quote opens a quoted field at its start (spaces before it are dropped); elsewhere it is a character.
    if (ch === '"' && field.trim() === '') { field = ''; quoted = true; quoteRow = row; touched = true; i++; continue; }
    if (ch === delimiter) { endField(); touched = true; i++; continue; }
    if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += ch;
    if (ch.trim() !== '') touched = true;
    i++;
  }
  if (quoted) throw new CsvError(`row ${quoteRow} opens a quote (") that is never closed, so the rest of the file would be one field.`, quoteRow);
  if (field !== '' || fields.length || touched) endRow();

  const [first, ...records] = rows;
  const extra = sep ? { sepLine: true } : {};
  if (!first) return { header: [], records: [], delimiter, ...extra };
  return { header: first.fields.map((h) => h.trim()), records, delimiter, ...extra };
}

/** One field for a CSV file we write: quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A comma-separated line, ended with a newline. */
export const csvLine = (fields: readonly (string | number)[]): string => `${fields.map(csvField).join(',')}\n`;
