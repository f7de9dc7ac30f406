/**
 * What a listener's function does each time it runs, read from its tokens: which of its calls run
 * on every event, and whether it can stop a form's own submit. A trigger replaces a listener only
 * when both answers say it counts what the listener counted.
 */
import type { Token } from './tokens';

/** Statements whose later calls run only sometimes. */
const CONTROL = new Set(['if', 'else', 'throw', 'switch', 'case', 'for', 'while', 'do', 'try', 'catch', 'break', 'continue']);
/** Operators that make what follows them in a statement conditional, or a function of its own. */
const BRANCH = new Set(['?', '&&', '||', '??', '=>', ':', '&&=', '||=']);
const OPENERS = new Set(['(', '[', '{']);

/** Per token, running counts ([i] counts tokens before i) of what a body holds, asked per listener in O(1). */
export interface BodyCounts {
  /** `preventDefault`: stops a form's submit in any listener. */
  prevent: Int32Array;
  /** `return false`: stops it in a jQuery handler or an `onsubmit` property (addEventListener ignores it). */
  returnFalse: Int32Array;
  /** `return <a value>` other than `true`: its value decides, in those same handlers. */
  returnValue: Int32Array;
  /** `await`: what follows runs later, or not at all when the awaited promise fails. */
  await: Int32Array;
}

export function bodyCounts(tokens: Token[], lineBefore: (i: number) => boolean): BodyCounts {
  const n = tokens.length + 1;
  const c: BodyCounts = { prevent: new Int32Array(n), returnFalse: new Int32Array(n), returnValue: new Int32Array(n), await: new Int32Array(n) };
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j]!;
    const id = t.kind === 'id';
    // `return` with its value on the next line returns nothing (the line ends the statement).
    const after = tokens[j + 1] && !lineBefore(j + 1) ? tokens[j + 1]!.text : ';';
    const returns = id && t.text === 'return';
    c.prevent[j + 1] = c.prevent[j]! + (id && t.text === 'preventDefault' ? 1 : 0);
    c.returnFalse[j + 1] = c.returnFalse[j]! + (returns && after === 'false' ? 1 : 0);
    c.returnValue[j + 1] = c.returnValue[j]! + (returns && after !== 'true' && after !== ';' && after !== '}' ? 1 : 0);
    c.await[j + 1] = c.await[j]! + (id && t.text === 'await' ? 1 : 0);
  }
  return c;
}

/** Whether tokens [start, end) hold one of the counted. */
export const holds = (counts: Int32Array, start: number, end: number) => counts[end]! > counts[start]!;

/**
 * The token indexes in a listener's body where a call runs on every event: at the body's own
 * level, before any if, loop or throw, not after a `?`, `&&` or `=>` in its statement, and not in
 * a statement after a `return` or an `await` (the returned call itself runs). Each token is at the
 * own level of one body only, so the listeners of a script take one pass.
 */
export function everyTime(tokens: Token[], body: { start: number; end: number }, pair: Int32Array, lineBefore: (i: number) => boolean, awaits: Int32Array): Set<number> {
  const every = new Set<number>();
  let sometimes = false;
  let branch = false;
  let last = false; // in the statement of a return or an await: what comes after it does not run every time
  for (let j = body.start; j < body.end;) {
    const t = tokens[j]!;
    const punct = t.kind === 'punct';
    if (last && (lineBefore(j) || (punct && t.text === ';'))) sometimes = true;
    if (t.kind === 'id' && CONTROL.has(t.text)) sometimes = true;
    if (t.kind === 'id' && (t.text === 'return' || t.text === 'await')) last = true;
    if (punct && t.text === ';') branch = false;
    else if (punct && BRANCH.has(t.text)) branch = true;
    if (!sometimes && !branch) every.add(j);
    const next = punct && OPENERS.has(t.text) ? Math.max(pair[j]! + 1, j + 1) : j + 1;
    if (holds(awaits, j + 1, next)) last = true; // `foo(await bar())`
    j = next;
  }
  return every;
}
