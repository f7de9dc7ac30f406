/**
 * Where a JSON path points in the plan's text. `parsePlan` reports problems by path
 * (`conversions.purchase.send.meta.event`, `funnels.checkout[1]`, `conversions["Bad Name"]`);
 * a marketer needs the line and column to find them in the editor. This is a small JSON scanner
 * that remembers where every value and key starts, and nothing else.
 */

import { scanJson, type JsonNode } from '../plan/json-text';

export interface Position {
  line: number;
  column: number;
}

/**
 * `value`: where the value starts (for a missing field: where the object that should hold it
 * starts). `key`: where the key is written (for an unknown or badly named field).
 */
export type Target = 'value' | 'key';


/** `a.b`, `a[2]`, `a["odd key"]` → `['a', 'b']`, `['a', 2]`, `['a', 'odd key']`; undefined when it is not a path. */
export function parsePath(path: string): (string | number)[] | undefined {
  const parts: (string | number)[] = [];
  const re = /^(?:\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;
  let rest = path;
  while (rest) {
    const m = re.exec(rest);
    if (!m || (m[1] !== undefined && rest[0] === '.' && !parts.length)) return undefined;
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(JSON.parse(m[3]!) as string);
    rest = rest.slice(m[0].length);
  }
  return parts;
}

/** Scans once (or takes the scan's root); answers any number of paths. Text that is not JSON locates everything at 1:1. */
export function createLocator(text: string, root: JsonNode | undefined = scanJson(text).root): (path: string, target?: Target) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const position = (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };

  return (path, target = 'value') => {
    const parts = parsePath(path);
    if (!root || !parts) return { line: 1, column: 1 };
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (typeof part === 'number' && node.items?.[part]) { node = node.items[part]!; continue; }
      const entry = node.entries?.get(String(part));
      if (!entry) break; // a missing field: the object that should hold it
      if (last && target === 'key') return position(entry.key);
      node = entry.value;
    }
    return position(node.offset);
  };
}

/** One-off form of `createLocator`. */
export function locate(text: string, path: string, target: Target = 'value'): Position {
  return createLocator(text)(path, target);
}
