/**
 * `measureplan codegen <plan.json> [--out src/plan.gen.ts]`: turns a JSON plan into a typed
 * module, so a developer whose marketers own plan.json gets the same compile-time checks as
 * with `definePlan`: `createTracker({ plan }).track('purchase', { … })` is checked against it.
 * The output depends only on the plan and the command line: regenerating an unchanged plan
 * gives the same bytes (keys in the plan's order, no timestamps).
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { PlanInput } from '../plan/types';
import { parse } from './args';
import { checkFile } from './check';
import { UsageError, type IO } from './io';
import { refuse, write } from './output';
import { count } from './words';

export const codegenHelp = `Usage: measureplan codegen <plan.json> [--out src/plan.gen.ts] [--check]

Writes a TypeScript module that exports the plan through definePlan, so that
createTracker({ plan }).track(…) is type-checked against the JSON plan:

  import { definePlan } from 'measureplan';
  export const plan = definePlan({ … });
  export type Plan = typeof plan;

An invalid plan is refused (exit 1, with its problems). The output is deterministic:
an unchanged plan gives a byte-identical file, and the file is not rewritten.

Options:
  --out <file>   write the module there (folders are created); without it, print it
  --check        write nothing; exit 1 when <file> is missing or out of date (for CI)
  --no-color     plain text even in a terminal
  -h, --help     this help

Examples:
  measureplan codegen plan.json --out src/plan.gen.ts
  measureplan codegen plan.json --out src/plan.gen.ts --check`;

export function codegen(argv: string[], io: IO): number {
  const { values, positionals } = parse(argv, { out: { type: 'string' }, check: { type: 'boolean' } }, 'codegen');
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('codegen needs a plan file.', 'Example: measureplan codegen plan.json --out src/plan.gen.ts');
  if (extra.length) throw new UsageError(`codegen takes one plan file, not ${positionals.length}.`);
  const out = values.out as string | undefined;
  if (values.check && !out) throw new UsageError('--check needs --out <file> to compare with.');
  // `codegen plan.json --out plan.json` would replace the marketers' plan with TypeScript.
  if (out && samePath(file, out)) throw new UsageError(`--out ${out} is the plan file itself; writing there would replace the plan.`, 'Give --out the TypeScript module to write, such as src/plan.gen.ts.');
  const report = checkFile(file);
  if (!report.valid) return refuse(report, io, 'codegen', values['no-color'] === true);

  const code = generate(report.input!, file, out);
  if (!out) { io.out.write(code); return 0; }
  const current = existing(out, code);
  const n = count(Object.keys(report.input!.conversions).length, 'conversion');
  if (values.check) {
    if (typeof current === 'string' && sameCode(current, code)) { io.out.write(`${out} is up to date with ${file}.\n`); return 0; }
    io.err.write(`${out} is ${current === undefined ? 'missing' : current === NOT_A_FILE ? 'not a file' : 'out of date'}: run measureplan codegen ${file} --out ${out}\n`);
    return 1;
  }
  if (current === code) { io.out.write(`${out} is up to date with ${file} (${n}).\n`); return 0; }
  write(out, code);
  io.out.write(`Wrote ${out} from ${file} (${n}).\n`);
  return 0;
}

const NOT_A_FILE = Symbol('not a regular file');
const TOO_LARGE = Symbol('too large to be the module');

/**
 * What `out` holds now, to compare with `code`. Undefined: nothing there, or it cannot be read
 * (writing it says why). NOT_A_FILE: a folder, a device or a pipe, which is never read (/dev/full
 * never ends, /dev/stdout into a pipe waits for input). TOO_LARGE: a file over twice the size of
 * `code` (line ends and the header's paths may differ, no more), different without being read.
 */
function existing(out: string, code: string): string | typeof NOT_A_FILE | typeof TOO_LARGE | undefined {
  let stat;
  try { stat = statSync(out); } catch { return undefined; }
  if (!stat.isFile()) return NOT_A_FILE;
  if (stat.size > 2 * Buffer.byteLength(code) + 64 * 1024) return TOO_LARGE;
  try { return readFileSync(out, 'utf8'); } catch { return undefined; }
}

/** Whether two paths name the same file (through symbolic links too, when it exists). */
function samePath(a: string, b: string): boolean {
  const real = (p: string) => { try { return realpathSync(p); } catch { return resolve(p); } };
  return resolve(a) === resolve(b) || real(a) === real(b);
}

/**
 * A path as the header shows it: relative to the working folder and normalised, so that
 * `./plan.json` and `plan.json` give the same bytes (an absolute path outside the folder stays).
 */
function shown(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return (isAbsolute(file) && (rel.startsWith('..') || isAbsolute(rel)) ? file : rel).replace(/\\/g, '/');
}

/**
 * `--check` compares the code below the two header lines: they only name the paths as typed
 * from the working folder, and a CI step run from another folder (a monorepo's root) than the
 * developer's `codegen` must not call an unchanged module out of date.
 */
const HEADER = /^(?:\/\/[^\n]*\n){2}/;
const sameCode = (a: string, b: string) => a.replace(/\r\n/g, '\n').replace(HEADER, '') === b.replace(HEADER, '');

/**
 * The typed module for a valid plan. `source` and `out` appear in its header only. The plan is a
 * literal `as const`, not a `definePlan()` call: its fields and references have just been
 * checked, and definePlan's compile-time checks of them cost a 500-conversion plan 7 s of every
 * type check and seconds per completion in an editor, for the same `track()` checks (typescale
 * QA 2026-12-07). `satisfies` still ties the literal to the plan's type.
 */
export function generate(input: PlanInput, source: string, out?: string): string {
  const { $schema: _ignored, ...plan } = input as PlanInput & { $schema?: string };
  const src = shown(source);
  const again = out ? `npx measureplan codegen ${src} --out ${shown(out)}` : `npx measureplan codegen ${src}`;
  return [
    `// Generated by measureplan codegen from ${src}. Do not edit.`,
    `// Change the plan file instead and run: ${again}`,
    `import type { PlanInput } from 'measureplan';`,
    '',
    `export const plan = ${literal(plan, '')} as const satisfies PlanInput;`,
    '',
    'export type Plan = typeof plan;',
    '',
  ].join('\n');
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
/** A single-quoted TypeScript string: JSON's escapes, with `"` bare and `'` escaped. */
const str = (s: string) => `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'").replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
const key = (k: string) => (k === '__proto__' ? `[${str(k)}]` : IDENT.test(k) ? k : str(k)); // a bare __proto__ would set the prototype

/** A TypeScript literal for a JSON value, two spaces per level, short lists of words on one line. */
function literal(v: unknown, indent: string): string {
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const inline = `[${v.map((x) => literal(x, indent)).join(', ')}]`;
    if (v.every((x) => typeof x !== 'object' || x === null) && inline.length + indent.length <= 90) return inline;
    return `[\n${v.map((x) => `${indent}  ${literal(x, `${indent}  `)},\n`).join('')}${indent}]`;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    if (!entries.length) return '{}';
    return `{\n${entries.map(([k, x]) => `${indent}  ${key(k)}: ${literal(x, `${indent}  `)},\n`).join('')}${indent}}`;
  }
  return typeof v === 'string' ? str(v) : JSON.stringify(v);
}
