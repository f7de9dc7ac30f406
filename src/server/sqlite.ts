/**
 * better-sqlite3 is an optional peer dependency: a web developer who installs the SDK never
 * compiles SQLite. The Node commands that need a store load it here, on demand, and say how to
 * install it when it is missing.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;

/**
 * The store cannot be opened or used: the message says why and what to do, for a person. `kind`
 * names the conditions a caller acts on (collect waits out a busy store at start).
 */
export class StoreError extends Error {
  constructor(message: string, readonly hint?: string, readonly kind?: 'busy' | 'full' | 'io' | 'damaged' | 'gone') {
    super(message);
  }
}

let driver: typeof BetterSqlite3 | undefined;

export function sqlite(): typeof BetterSqlite3 {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    return driver;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    throw new StoreError(
      missing ? 'the embedded store needs better-sqlite3, which is not installed.' : `better-sqlite3 could not be loaded: ${(e as Error).message}`,
      missing
        ? 'Install it next to measureplan: npm install better-sqlite3@12 (it compiles SQLite once, about two minutes; Node 20 needs version 12).'
        : 'Reinstall it for this Node version: npm rebuild better-sqlite3',
    );
  }
}
