/**
 * The orders file's bytes → text. Excel writes CSV in several encodings: "CSV UTF-8" (with a
 * byte-order mark), "Unicode Text" (UTF-16 with a byte-order mark, tab-separated) and plain
 * "CSV" (the Windows code page, such as Windows-1252). UTF-8 and UTF-16 are read; anything
 * else shows up as U+FFFD after decoding, which readOrders reports per row (never a silent
 * mis-read of an e-mail address that would then be hashed wrong).
 */
import { OrdersError } from './errors';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

const SAVE_AS = 'In Excel: File → Save As → "CSV UTF-8 (Comma delimited)".';

/** Decodes UTF-16 by its byte-order mark, else UTF-8 (invalid bytes become U+FFFD). */
export function decodeOrders(bytes: Uint8Array): { text: string; encoding: Encoding } {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw new OrdersError('this is a spreadsheet workbook (.xlsx, a zip file), not a CSV.', SAVE_AS);
  }
  let encoding: Encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  const text = new TextDecoder(encoding).decode(bytes);
  // NUL characters: UTF-16 without its byte-order mark, or a binary file.
  if (text.includes('\u0000')) {
    throw new OrdersError('the file has NUL characters: it is not a text CSV (UTF-16 without a byte-order mark, or a binary file?).', SAVE_AS);
  }
  return { text, encoding };
}

/** The U+FFFD a decoder puts where a byte was not UTF-8. */
export const UNREADABLE = '\uFFFD';

export const NOT_UTF8_HINT = 'save it as CSV UTF-8 (Excel: File → Save As → "CSV UTF-8")';
