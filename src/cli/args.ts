/** Command-line flags through Node's util.parseArgs, with mistakes turned into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io';
import { closest } from './words';

export type Options = NonNullable<ParseArgsConfig['options']>;
export interface Args {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Flags every command takes. */
export const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
};

/**
 * `--timezone -05:00`, `--mde -5`: parseArgs reads a value that starts with "-" as an option of its
 * own and refuses it. A word that follows a flag taking a value, starts with a single "-" and is
 * not one of the command's short flags (`-h`) is that flag's value: it is joined to it
 * (`--timezone=-05:00`). A word starting with "--" stays an option, so a forgotten value
 * (`--timezone --format json`) and an unknown option are still reported as such.
 */
function joinDashValues(argv: readonly string[], all: Options): string[] {
  const shorts = new Map(Object.entries(all).flatMap(([k, o]) => (o.short ? [[o.short, k] as const] : [])));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') { out.push(...argv.slice(i)); break; }
    const name = word.startsWith('--') ? word.slice(2) : /^-[^-]$/.test(word) ? shorts.get(word.slice(1)) : undefined;
    const next = argv[i + 1];
    const takesValue = name !== undefined && Object.hasOwn(all, name) && all[name]!.type === 'string';
    if (takesValue && next !== undefined && /^-[^-]/.test(next) && !(next.length === 2 && shorts.has(next[1]!))) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(word);
  }
  return out;
}

export function parse(argv: string[], options: Options, command: string): Args {
  const all = { ...COMMON, ...options };
  try {
    const { values, positionals } = parseArgs({ args: joinDashValues(argv, all), options: all, allowPositionals: true, strict: true });
    return { values: values as Args['values'], positionals };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1];
    const help = `Run "measureplan ${command} --help" for its options.`;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const near = flag.startsWith('--') ? closest(flag.slice(2), Object.keys(all)) : undefined;
      throw new UsageError(`unknown option ${flag} for "${command}".`, near ? `Did you mean --${near}? ${help}` : help);
    }
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      const wants = Object.entries(all).find(([k, o]) => `--${k}` === flag || `-${o.short}` === flag)?.[1]?.type === 'string';
      throw new UsageError(wants ? `option ${flag} needs a value.` : `option ${flag} takes no value.`, help);
    }
    throw new UsageError(err.message, help);
  }
}

/** A string flag restricted to a few words: `--format text|json`. */
export function choice<T extends string>(value: unknown, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    const near = closest(String(value), allowed);
    throw new UsageError(`--${flag} must be ${allowed.join(' or ')}, not "${value}".`, near ? `Did you mean --${flag} ${near}?` : undefined);
  }
  return value as T;
}
