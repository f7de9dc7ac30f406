/**
 * Reads a plan file and checks it the way the browser will (`parsePlan`), then adds what only
 * the CLI knows: where in the file each problem is, and the warnings of `lintPlan`.
 */
import { readFileSync } from 'node:fs';
import { checkPlan, parsePlan } from '../plan/parse';
import type { Plan, PlanInput } from '../plan/types';
import { cannot } from './io';
import { lintPlan, type PlanWarning } from './lint';
import { createLocator } from './locate';
import { lineColumn, scanJson } from '../plan/json-text';
import { at } from '../plan/shape';

export interface Finding {
  path: string;
  message: string;
  hint: string | null;
  line: number;
  column: number;
}
export interface WarningFinding extends Finding {
  rule: PlanWarning['rule'];
}

export interface FileReport {
  file: string;
  valid: boolean;
  errors: Finding[];
  warnings: WarningFinding[];
  /** Only for valid plans. */
  plan?: Plan;
  /** The plan as written in the file (key order kept), for valid plans. */
  input?: PlanInput;
  text: string;
}

/** The file's text, or a usage error (exit 2) when it cannot be read. */
export function readPlanFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, ''); // an editor's byte-order mark is not a JSON error
  } catch (e) {
    throw cannot('read', file, e);
  }
}

// Problems that are about a key rather than its value: point at the key.
const KEY_CODES = new Set(['unknown', 'name', 'nested']);
const byPosition = (a: Finding, b: Finding) => a.line - b.line || a.column - b.column;

export function checkText(file: string, text: string): FileReport {
  const result = parsePlan(text);
  const scanned = scanJson(text);
  const where = createLocator(text, scanned.root);
  // JSON.parse keeps the last of two equal keys: a second "purchase" silently replaces the first.
  const twice = scanned.duplicates.map((d): Finding => {
    const first = lineColumn(text, d.first);
    return {
      path: at('', ...d.keys),
      message: `"${d.keys[d.keys.length - 1]}" is written twice in the same object (first on line ${first.line}, column ${first.column}); only this last one would count, and the first would be lost.`,
      hint: 'Give each its own name, or merge the two into one.',
      ...lineColumn(text, d.last),
    };
  });
  if (!result.ok || twice.length) {
    let codes = new Map<string, Set<string>>();
    try {
      for (const i of checkPlan(JSON.parse(text))) codes.set(i.path, (codes.get(i.path) ?? new Set()).add(i.code));
    } catch { codes = new Map(); } // a syntax error: parsePlan already gave its line and column
    const errors = (result.ok ? [] : result.errors).map((e): Finding => {
      const pos = e.line !== undefined ? { line: e.line, column: e.column ?? 1 } : where(e.path, [...(codes.get(e.path) ?? [])].some((c) => KEY_CODES.has(c)) ? 'key' : 'value');
      return { path: e.path, message: e.message, hint: e.hint ?? null, ...pos };
    });
    return { file, valid: false, errors: [...errors, ...twice].sort(byPosition), warnings: [], text };
  }
  const input = JSON.parse(text) as PlanInput;
  const warnings = lintPlan(result.plan, input).map((w): WarningFinding => ({
    path: w.path, message: w.message, hint: w.hint, rule: w.rule, ...where(w.path, w.rule === 'placeholder-id' || w.rule === 'funnel-ga4-event' ? 'value' : 'key'),
  }));
  return { file, valid: true, errors: [], warnings: warnings.sort(byPosition), plan: result.plan, input, text };
}

export function checkFile(file: string): FileReport {
  return checkText(file, readPlanFile(file));
}
