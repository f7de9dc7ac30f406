/**
 * Event listeners a site binds its tag calls to, read from a script's tokens (never run):
 * `document.getElementById('call').addEventListener('click', () => { gtag(…) })`,
 * `document.querySelector('form.quote').onsubmit = function () { … }`,
 * `document.querySelectorAll('.cta').forEach((el) => el.addEventListener('click', …))` and
 * jQuery's `$('#call').on('click', fn)`, `.click(fn)`, `.submit(fn)`. A listener on an element a
 * plain selector names can become a plan trigger; one on the document (delegation), on an element
 * the page's code finds when it runs, or with a selector the browser would reject cannot, and
 * says why. Each is read in one pass over the tokens.
 */
import type { ClickTrigger, SubmitTrigger } from '../../plan/types';
import { selectorProblem } from '../lint-selector';
import { conditions, type Condition } from './bound-if';
import { bodyCounts, everyTime, holds, type BodyCounts } from './listener-body';
import { lineBreaks, pairs, type Token } from './tokens';

export interface Listener {
  /** The event as the page names it: `click`, `submit`, … */
  on: string;
  /** Offset in the script where the binding starts (its element), for the line. */
  pos: number;
  /** In words: `a click listener on document.getElementById('call')`. */
  what: string;
  /** The function's body, as token indexes [start, end). */
  start: number;
  end: number;
  /** The trigger that counts what the listener counted, when its element is plain. */
  trigger?: ClickTrigger | SubmitTrigger;
  /** Why no trigger can take its place. */
  why?: string;
  /** Bound with querySelector to the first match only, where the trigger counts every match. */
  firstOnly?: boolean;
  /** Whether a call starting at token i runs each time the listener does (see everyTime). */
  everyTime(i: number): boolean;
}

/** Why a listener-bound call that runs on some events only (or later) is no trigger: it would count every one. */
export const conditional = (on: string) => `its call runs only on some ${on}s, or later (under if, &&, ?: or a return, after an await, in a block or in another function): a trigger would count every ${on}`;
const SENT_ONLY = 'a submit trigger counts only forms the browser sends; keep the track call, or use a click trigger on its button';
const PREVENTED = `it stops the browser sending the form (preventDefault or return false): ${SENT_ONLY}`;
const RETURNED = `its function's return value can stop the browser sending the form (return …): ${SENT_ONLY}`;
const ONCE = (on: string) => `it is bound with { once: true }: it counted the first ${on} only, a trigger would count every one`;
const UNDER_IF = (on: string, c: Condition, test?: string) => `it is bound only ${c.returns ? `when the code before it does not return (if ${test} return)` : test ? `if ${test}` : 'in an else branch'}: a trigger counts every ${on}, on every page`;
const NESTED = (on: string, outer: string) => `it is bound only when ${outer} runs (no ${on} counted before that, and each run binds it again): a trigger counts every ${on} once`;
const EVENTS = new Set(['click', 'submit']);
/** The page itself: a listener there hears every event and picks its elements in code. */
const WHOLE_PAGE = /^(?:(?:window|self|globalThis)\.)?(document|window|self|globalThis|document\.body|document\.documentElement)$/;
const WINDOW = /^(window|self|globalThis)\./;
/** Events that fire once, when the page is read: a listener bound in theirs is bound once, as if at the top. */
const READY = new Set(['DOMContentLoaded', 'load', 'ready']);
/** jQuery methods that return the elements they were called on: `$('#x').addClass('y').on(…)` binds on $('#x'). */
const CHAINED = new Set(['on', 'one', 'off', 'bind', 'unbind', 'click', 'submit', 'addClass', 'removeClass', 'toggleClass', 'show', 'hide', 'each']);
const OPENERS = new Set(['(', '[', '{']);
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
/** More tokens than an element's lookup has (`window.document.getElementById('call').length`). */
const SHORT = 16;
/** Longer than any selector a site writes by hand: refused rather than checked. */
const MAX_SELECTOR = 300;

interface Fn { start: number; end: number; after: number; param?: string }
/** `to`: where the receiver's tokens end, when not just before the binding's `.` (a forEach's `querySelectorAll(…)`). */
interface Target { from: number; to?: number; recv: string; selector?: string; why?: string; firstOnly?: boolean }

/** The listeners bound in a script whose tokens are `tokens`, by where their body starts. */
export function listenersIn(tokens: Token[], src: string): Listener[] {
  const pair = pairs(tokens);
  const is = (i: number, text: string) => tokens[i]?.kind === 'punct' && tokens[i]!.text === text;
  const id = (i: number, text?: string) => tokens[i]?.kind === 'id' && (text === undefined || tokens[i]!.text === text);
  let newline: boolean[] | undefined;
  /** Whether a line ends between token i - 1 and token i (for an arrow's expression body). */
  const lineBefore = (i: number) => (newline ??= lineBreaks(tokens, src))[i] === true;

  /** A function literal at k: `function (e) {…}`, `async (e) => {…}`, `e => expr`. */
  const fn = (k: number): Fn | undefined => {
    if (id(k, 'async')) k++;
    let param: string | undefined;
    if (id(k, 'function')) {
      const open = id(k + 1) ? k + 2 : k + 1;
      if (!is(open, '(') || !is(pair[open]! + 1, '{')) return undefined;
      if (id(open + 1) && pair[open] === open + 2) param = tokens[open + 1]!.text;
      const body = pair[open]! + 1;
      return { start: body + 1, end: pair[body]!, after: pair[body]! + 1, param };
    }
    let arrow: number;
    if (is(k, '(') && is(pair[k]! + 1, '=>')) { arrow = pair[k]! + 1; if (id(k + 1) && pair[k] === k + 2) param = tokens[k + 1]!.text; }
    else if (id(k) && is(k + 1, '=>')) { arrow = k + 1; param = tokens[k]!.text; }
    else return undefined;
    const a = arrow + 1;
    if (is(a, '{')) return { start: a + 1, end: pair[a]!, after: pair[a]! + 1, param };
    // An expression body: to the argument's or statement's end, or the end of its line.
    let e = a;
    while (e < tokens.length) {
      const t = tokens[e]!;
      if (e > a && lineBefore(e)) break;
      if (t.kind === 'punct' && (t.text === ',' || t.text === ';' || CLOSERS[t.text])) break;
      e = t.kind === 'punct' && OPENERS.has(t.text) ? pair[e]! + 1 : e + 1;
    }
    return { start: a, end: e, after: e, param };
  };

  /** Whether `, { once: true }` follows the function ending before token k (also `{ once: !0 }`, and `{ once }`: maybe true). */
  const once = (k: number) => {
    if (!is(k, ',') || !is(k + 1, '{')) return false;
    for (let j = k + 2; j < pair[k + 1]!; j = tokens[j]!.kind === 'punct' && OPENERS.has(tokens[j]!.text) ? pair[j]! + 1 : j + 1) {
      const key = (id(j) || tokens[j]!.kind === 'str') && tokens[j]!.text === 'once' && (is(j - 1, '{') || is(j - 1, ','));
      if (key && (is(j + 1, ',') || is(j + 1, '}'))) return true;
      if (!key || !is(j + 1, ':')) continue;
      let v = '';
      for (let e = j + 2; e < pair[k + 1]! && !is(e, ',') && v.length < 12; e++) v += tokens[e]!.text;
      return !/^(false|0|!1|null|undefined|void0)$/.test(v);
    }
    return false;
  };

  /** The source of tokens [from, to], shortened for a message. */
  const source = (from: number, to: number) => {
    const start = tokens[from]!.pos;
    const text = src.slice(start, Math.min(tokens[to + 1]?.pos ?? src.length, start + 200)).replace(/\s+/g, ' ').trim();
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  };

  /** The start of the property chain that ends at token i (`window.document.body`). */
  const chainStart = (i: number) => { let j = i; while (id(j - 2) && (is(j - 1, '.') || is(j - 1, '?.'))) j -= 2; return j; };
  const chainText = (from: number, to: number) => tokens.slice(from, to + 1).map((t) => t.text).join('').replace(/\?\./g, '.');

  /**
   * `querySelectorAll(…).forEach((el) => …)` bodies around the scan: `el` is each match; and,
   * without a selector, the functions inside them that declare an `el` of their own.
   */
  const scopes: { param: string; selector?: string; start: number; end: number; from: number; to: number; recv: string }[] = [];
  const popScopes = (i: number) => { while (scopes.length && scopes[scopes.length - 1]!.end <= i) scopes.pop(); };
  /** The innermost few only: forEach inside forEach is rare, and a page of them stays linear. */
  const scopeOf = (name: string, i: number) => {
    for (let k = scopes.length - 1; k >= Math.max(0, scopes.length - 8); k--) {
      const s = scopes[k]!;
      if (s.param === name && s.start <= i && i < s.end) return s;
    }
    return undefined;
  };
  /** A function (or `var el`) at token i that declares a name a forEach scope around it has: that name is its own there. */
  const shadow = (i: number) => {
    popScopes(i);
    const t = tokens[i]!;
    if (t.kind === 'id' && (t.text === 'var' || t.text === 'let' || t.text === 'const')) {
      const s = id(i + 1) ? scopeOf(tokens[i + 1]!.text, i) : undefined;
      if (s) scopes.push({ ...s, selector: undefined, start: i });
      return;
    }
    const k = t.text === 'function' ? i : is(i - 1, ')') ? pair[i - 1]! : i - 1; // `function (…)`, `(…) =>`, `el =>`
    const f = k >= 0 ? fn(k) : undefined;
    if (!f) return;
    const open = t.text === 'function' ? (id(i + 1) ? i + 2 : i + 1) : k;
    const close = is(open, '(') ? pair[open]! : open + 1;
    for (let p = is(open, '(') ? open + 1 : open; p < close; p++) {
      const s = id(p) && !is(p - 1, '.') ? scopeOf(tokens[p]!.text, i) : undefined;
      if (s && s.start !== f.start) scopes.push({ ...s, selector: undefined, start: f.start, end: f.end });
    }
  };

  /** The call before a `.method(…)` call ending at r, when the method is called on a call's result (`$('#x').find('a')`). */
  const calledOn = (r: number) => {
    const open = pair[r]!;
    const from = id(open - 1) ? chainStart(open - 1) : open;
    return from < open && is(from - 1, '.') && is(from - 2, ')') && pair[from - 2]! >= 0 && pair[from - 2]! < from - 2 ? from - 2 : undefined;
  };
  /**
   * Walks back from the call ending at r through the calls it is made on, remembering each
   * answer: a chain of a thousand `.on(…)`s is walked once, not once per listener.
   */
  const walked = (r: number, step: (r: number) => number | undefined, memo: Map<number, number>): number => {
    const seen: number[] = [];
    let at = r;
    for (let back = step(at); back !== undefined && !memo.has(at); back = step(at)) { seen.push(at); at = back; }
    const end = memo.get(at) ?? at;
    for (const s of seen) memo.set(s, end);
    return end;
  };
  const starts = new Map<number, number>();
  /** Where the call ending at token r starts, through the chain of calls it is made on. */
  const callStart = (r: number) => { const first = walked(r, calledOn, starts); const open = pair[first]!; return id(open - 1) ? chainStart(open - 1) : open; };
  /** The call whose elements jQuery's own methods (`.addClass(…)`, `.on(…)`) ending at r return: `$('#x')` for `$('#x').addClass('y')`. */
  const own = new Map<number, number>();
  const ownCall = (r: number) => walked(r, (at) => {
    const open = pair[at]!;
    return open > 2 && id(open - 1) && CHAINED.has(tokens[open - 1]!.text) && is(open - 2, '.') && is(open - 3, ')') && pair[open - 3]! >= 0 ? open - 3 : undefined;
  }, own);

  /** What the receiver ending at token r is: a plain selector, or why it is not. */
  const target = (r: number, i: number): Target => {
    popScopes(i);
    if (id(r)) {
      const from = chainStart(r);
      const chain = chainText(from, r);
      const scope = from === r ? scopeOf(chain, i) : undefined;
      if (scope?.selector) return { from: scope.from, to: scope.to, recv: `each of ${scope.recv}`, selector: scope.selector };
      const recv = source(from, r);
      return { from, recv, why: WHOLE_PAGE.test(chain) ? delegation(chain) : held(recv) };
    }
    if (!is(r, ')') || pair[r]! < 0) {
      const open = pair[r]! >= 0 && pair[r]! < r ? pair[r]! : r; // `list[0].on…`: from its opener
      const from = id(open - 1) ? chainStart(open - 1) : open;
      const recv = source(from, r);
      return { from, recv, why: held(recv) };
    }
    // jQuery's own methods return its elements: `$('#x').addClass('y').on(…)` binds on $('#x').
    const inner = ownCall(r);
    if (inner !== r && (id(pair[inner]! - 1, '$') || id(pair[inner]! - 1, 'jQuery')) && !is(pair[inner]! - 2, '.')) r = inner;
    const open = pair[r]!;
    const from = callStart(r);
    // A callee is a few tokens (`window.document.querySelector`); a long chain of calls is none of them, and not joined for each listener on it.
    const callee = from < open && open - from <= SHORT ? chainText(from, open - 1).replace(WINDOW, '') : '';
    const args = tokens.slice(open + 1, r);
    const recv = source(from, r);
    const literal = args.length === 1 && args[0]!.kind === 'str' && !args[0]!.dynamic ? args[0]!.text : undefined;
    const dynamic = `its selector is built when the page runs (${recv}): a trigger needs a fixed one`;
    if (callee === 'document.getElementById') {
      if (literal === undefined) return { from, recv, why: dynamic };
      if (/^[A-Za-z][\w-]*$/.test(literal)) return { from, recv, selector: `#${literal}` };
      return /^[^"\\\n]+$/.test(literal) ? { from, recv, selector: `[id="${literal}"]` } : { from, recv, why: `no plain selector names the id ${JSON.stringify(literal)}` };
    }
    if (callee === 'document.querySelector' || callee === '$' || callee === 'jQuery') {
      const jquery = callee !== 'document.querySelector';
      if (jquery && args.length && args.every((t) => t.kind === 'id' || (t.kind === 'punct' && t.text === '.'))) {
        const inner = chainText(open + 1, r - 1);
        return { from, recv, why: WHOLE_PAGE.test(inner) ? delegation(inner) : held(source(from, r)) };
      }
      if (literal === undefined) return { from, recv, why: dynamic };
      const problem = literal.length > MAX_SELECTOR ? 'it is too long to check' : selectorProblem(literal);
      if (problem) return { from, recv, why: `its selector ${JSON.stringify(literal)} is not one a trigger can use: ${problem}` };
      return { from, recv, selector: literal.trim(), firstOnly: !jquery && !/^#[A-Za-z][\w-]*$/.test(literal.trim()) };
    }
    return { from, recv, why: held(source(from, r)) };
  };

  const out: Listener[] = [];
  let counts: BodyCounts | undefined;
  const has = (which: keyof BodyCounts, f: Fn) => holds((counts ??= bodyCounts(tokens, lineBefore))[which], f.start, f.end);
  /** What stops the form's own submit in a listener's function (jQuery and `onsubmit` also read its return value). */
  const stops = (f: Fn, returns: boolean) => (has('prevent', f) || (returns && has('returnFalse', f)) ? PREVENTED : returns && has('returnValue', f) ? RETURNED : undefined);
  /** The bodies of the listeners around the scan: one bound in another's body is bound when that runs. */
  const bodies: Listener[] = [];
  const ifs = conditions(tokens, pair, lineBefore);
  /**
   * The if the binding at token i is under, other than one that only asks whether its element is
   * there (`if (document.getElementById('call')) document.getElementById('call').on…`, `$('#x').length`).
   */
  const underIf = (i: number, t: Target): Condition | undefined => ifs.around(i).find((c) => {
    if (!c.test) return true;
    const to = t.to ?? i - 2;
    if (c.test[1] - c.test[0] > 2 * SHORT || to - t.from > SHORT) return true; // longer than an element's lookup: no such question
    const test = chainText(c.test[0] + 1, c.test[1] - 1).replace(/^!+/, '').replace(/(?:[!=]==?|[<>])(?:null|undefined|0)$/, '').replace(/\.length$/, '');
    return test !== chainText(t.from, to);
  });

  /** `returns`: the binding reads the function's return value (jQuery, `onsubmit =`); `once`: `{ once: true }`. */
  const add = (i: number, on: string, f: Fn, t: Target, { why, returns = false, once = false }: { why?: string; returns?: boolean; once?: boolean } = {}) => {
    let every: Set<number> | undefined;
    const listener: Listener = {
      on, pos: tokens[t.from]!.pos, what: `a ${on} listener on ${t.recv}`, start: f.start, end: f.end,
      everyTime: (j) => (every ??= everyTime(tokens, f, pair, lineBefore, (counts ??= bodyCounts(tokens, lineBefore)).await)).has(j),
    };
    while (bodies.length && bodies[bodies.length - 1]!.end <= i) bodies.pop();
    let cond: Condition | undefined;
    const outer = bodies.slice(-8).reverse().find((b) => b.start <= i && !READY.has(b.on));
    const reason = why ?? (!EVENTS.has(on) ? `a ${on} listener: a plan's triggers count clicks and form submits` : undefined) ?? t.why
      ?? (once ? ONCE(on) : undefined) ?? (outer ? NESTED(on, outer.what) : undefined)
      ?? ((cond = underIf(i, t)) ? UNDER_IF(on, cond, cond.test && source(cond.test[0], cond.test[1])) : undefined)
      ?? (on === 'submit' ? stops(f, returns) : undefined);
    bodies.push(listener);
    if (reason) listener.why = reason;
    else {
      listener.trigger = { on: on as 'click' | 'submit', selector: t.selector! };
      if (t.firstOnly) listener.firstOnly = true;
    }
    out.push(listener);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    ifs.see(i);
    if (scopes.length && (t.text === '=>' || (t.kind === 'id' && (t.text === 'function' || t.text === 'var' || t.text === 'let' || t.text === 'const')))) shadow(i);
    if (i < 2 || t.kind !== 'id' || !(is(i - 1, '.') || is(i - 1, '?.'))) continue;
    const name = t.text;
    if (name === 'addEventListener' || name === 'on') {
      const ev = tokens[i + 2];
      if (!is(i + 1, '(') || ev?.kind !== 'str' || ev.dynamic || !is(i + 3, ',')) continue;
      // jQuery delegation: `.on('click', '.buy', fn)` hears the event where it is bound.
      const delegated = name === 'on' && tokens[i + 4]?.kind === 'str' && is(i + 5, ',');
      const f = fn(delegated ? i + 6 : i + 4);
      if (!f) continue; // a named function: its calls are not in the binding
      const events = (name === 'on' ? ev.text.split(/\s+/).filter(Boolean).map((e) => e.replace(/\..*$/, '')) : [ev.text]);
      const why = events.length > 1 ? `it handles ${events.join(' and ')} with one function: a trigger counts one event`
        : delegated ? `jQuery delegation (.on('${ev.text}', '${tokens[i + 4]!.text}', …)): it hears the event where it is bound and picks its elements itself` : undefined;
      add(i, events[0] ?? ev.text, f, target(i - 2, i), { why, returns: name === 'on', once: name === 'addEventListener' && once(f.after) });
    } else if ((name === 'onclick' || name === 'onsubmit') && is(i + 1, '=')) {
      const f = fn(i + 2);
      if (f) add(i, name.slice(2), f, target(i - 2, i), { returns: true });
    } else if ((name === 'click' || name === 'submit') && is(i + 1, '(')) {
      const f = fn(i + 2);
      if (f && is(f.after, ')')) add(i, name, f, target(i - 2, i), { returns: true });
    } else if (name === 'forEach' && is(i + 1, '(') && is(i - 2, ')')) {
      // document.querySelectorAll('.cta').forEach((el) => el.addEventListener(…)): every match.
      const open = pair[i - 2]!;
      const from = id(open - 1) ? chainStart(open - 1) : open;
      const sel = tokens[open + 1];
      const f = fn(i + 2);
      if (!f?.param || chainText(from, open - 1).replace(WINDOW, '') !== 'document.querySelectorAll' || pair[i - 2] !== open || open + 2 !== i - 2 || sel?.kind !== 'str' || sel.dynamic) continue;
      const problem = sel.text.length > MAX_SELECTOR ? 'it is too long to check' : selectorProblem(sel.text);
      popScopes(i);
      if (!problem) scopes.push({ param: f.param, selector: sel.text.trim(), start: f.start, end: f.end, from, to: i - 2, recv: source(from, i - 2) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

const delegation = (on: string) => `a listener on ${on}: it hears every event on the page and picks its elements itself (delegation, e.target…), which a trigger cannot read`;
const held = (on: string) => `its element (${on}) is one the page's code finds when it runs: not read, never guessed`;
