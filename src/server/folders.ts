/** Creating the folders a file needs (the store, a command's --out). */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node 20's recursive `mkdirSync` never returns when the
 * filesystem answers ENOENT for a parent that exists (/proc does): a command must fail with a
 * message, not hang. Errors are Node's (ENOENT, ENOTDIR, EACCES …), for `fileTrouble` to word.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by another process: fine, if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}
