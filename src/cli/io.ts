/**
 * What a command writes to, and how: the two streams, colours (only for a terminal, never with
 * NO_COLOR or --no-color), and usage errors, which end a run with exit code 2.
 */

export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Colours {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export interface IO {
  out: Output;
  err: Output;
}

const paint = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const COLOURS: Colours = {
  red: paint(31, 39), yellow: paint(33, 39), green: paint(32, 39), cyan: paint(36, 39), bold: paint(1, 22), dim: paint(2, 22),
};
const id = (s: string) => s;
const PLAIN: Colours = { red: id, yellow: id, green: id, cyan: id, bold: id, dim: id };

/**
 * Colour when the stream is a terminal, unless NO_COLOR is set (https://no-color.org) or
 * `--no-color` is given; FORCE_COLOR (not "0") turns it on for a stream that is not a terminal.
 */
export function colours(stream: Output, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): Colours {
  if (noColorFlag || (env.NO_COLOR ?? '') !== '') return PLAIN;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return COLOURS;
  return stream.isTTY ? COLOURS : PLAIN;
}

/** A mistake in how the command was called: reported on stderr with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}
