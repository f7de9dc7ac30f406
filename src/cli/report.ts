/**
 * How `measureplan validate` shows its findings: for a person (each problem with
 * `file:line:column`, the JSON path, the line of the file with a caret, the message and the
 * hint), or for a script (`--format json`, a stable object).
 */
import type { Colours } from './io';
import type { FileReport, Finding } from './check';
import { printable } from './safe-text';
import { count } from './words';

export interface Summary {
  plans: number;
  valid: number;
  invalid: number;
  problems: number;
  warnings: number;
}

export function summarise(reports: FileReport[]): Summary {
  const valid = reports.filter((r) => r.valid).length;
  return {
    plans: reports.length,
    valid,
    invalid: reports.length - valid,
    problems: reports.reduce((n, r) => n + r.errors.length, 0),
    warnings: reports.reduce((n, r) => n + r.warnings.length, 0),
  };
}

/** `2 plans, 1 valid, 3 problems, 1 warning` */
export const summaryLine = (s: Summary): string =>
  `${count(s.plans, 'plan')}, ${s.valid} valid, ${count(s.problems, 'problem')}, ${count(s.warnings, 'warning')}`;

/** The `--format json` object: the same keys in the same order on every run. */
export function toJson(reports: FileReport[]): string {
  const files = reports.map((r) => ({
    file: r.file,
    valid: r.valid,
    errors: r.errors.map(({ path, message, hint, line, column }) => ({ path, message, hint, line, column })),
    warnings: r.warnings.map(({ path, rule, message, hint, line, column }) => ({ path, rule, message, hint, line, column })),
  }));
  return JSON.stringify({ files, summary: summarise(reports) }, null, 2) + '\n';
}

/** Every finding of one file, errors and warnings in the order they appear in the file. */
export function formatFindings(r: FileReport, c: Colours): string {
  const all = [
    ...r.errors.map((f) => ({ f, label: c.red('error') })),
    ...r.warnings.map((f) => ({ f, label: c.yellow('warning') })),
  ].sort((a, b) => a.f.line - b.f.line || a.f.column - b.f.column);
  // Split once: a big plan with thousands of problems split its whole text once per problem (25 s for 1.7 MB).
  const lines = r.text.split('\n');
  return all.map(({ f, label }) => formatFinding(r.file, lines, f, label, c)).join('');
}

function formatFinding(file: string, text: string[], f: Finding, label: string, c: Colours): string {
  // The path can hold a plan's key and the message a plan's text: control characters written out.
  const head = `${c.bold(`${file}:${f.line}:${f.column}`)}  ${label}  ${c.cyan(printable(f.path) || '(the whole plan)')}\n`;
  const hint = f.hint ? `  ${c.dim('hint:')} ${printable(f.hint)}\n` : '';
  const message = printable(f.message.charAt(0).toUpperCase() + f.message.slice(1));
  return `${head}${frame(text, f, c)}  ${message}\n${hint}\n`;
}

/**
 * The line of the file the finding is on, with a caret under its column (long lines cut around
 * it). Control characters are written out (`\x1b`), as the report does: a raw escape in the plan
 * would otherwise clear the screen or retitle the window instead of showing what to delete.
 */
function frame(lines: string[], f: Finding, c: Colours): string {
  const source = lines[f.line - 1];
  if (source === undefined || !source.trim()) return '';
  const raw = source.replace(/\r$/, '').replace(/\t/g, ' ');
  let line = printable(raw);
  // The caret's column in the written-out line: each character before it may have become several.
  let col = printable(raw.slice(0, Math.max(0, f.column - 1))).length;
  if (line.length > 100) {
    const start = Math.max(0, col - 40);
    const cut = line.slice(start, start + 80);
    line = `${start > 0 ? '…' : ''}${cut}${start + 80 < line.length ? '…' : ''}`;
    col = col - start + (start > 0 ? 1 : 0);
  }
  const gutter = String(f.line).padStart(5);
  return `${c.dim(`${gutter} |`)} ${line}\n${c.dim(`${' '.repeat(5)} |`)} ${' '.repeat(Math.max(0, col))}${c.red('^')}\n`;
}

/** `✓ plan.json: valid, 7 conversions, 1 warning` or `✗ plan.json: 3 problems, 1 warning` */
export function fileLine(r: FileReport, c: Colours): string {
  const warnings = r.warnings.length ? `, ${c.yellow(count(r.warnings.length, 'warning'))}` : '';
  if (r.valid) return `${c.green('✓')} ${r.file}: valid, ${count(Object.keys(r.plan!.conversions).length, 'conversion')}${warnings}\n`;
  return `${c.red('✗')} ${r.file}: ${c.red(count(r.errors.length, 'problem'))}${warnings}\n`;
}
