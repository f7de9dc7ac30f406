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

/**
 * Why a file could not be read or written, in plain words: Node's error codes (EISDIR, ENOTDIR,
 * EEXIST from making a folder where a file is) mean nothing to most people who run the CLI.
 */
export function fileTrouble(e: unknown, action: 'read' | 'write'): string {
  switch ((e as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT': return action === 'read' ? 'no such file' : 'its folder does not exist';
    case 'EISDIR': return 'it is a folder';
    // A file where the path needs a folder: opening a/b when a is a file, or creating folder a.
    case 'ENOTDIR': case 'EEXIST': return 'part of the path is a file, not a folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the disk is read-only';
    case 'ENOSPC': return 'the disk is full';
    default: return (e as Error)?.message ?? String(e);
  }
}

/** The usage error (exit 2) for a file that cannot be read or written. */
export function cannot(action: 'read' | 'write', file: string, e: unknown, hint?: string): UsageError {
  return new UsageError(`cannot ${action} ${file}: ${fileTrouble(e, action)}.`, hint);
}
