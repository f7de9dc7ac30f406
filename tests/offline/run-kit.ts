/**
 * `measureplan offline --format json` as the offline tests run it: the orders (CSV text) written
 * to a file of their own, the output in a fresh folder, the tests' settings (UTC, NOK) and clock.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { offline } from '../../src/cli/offline';
import type { IO } from '../../src/cli/io';

/** What the command's JSON answer says of the orders (the fields the tests read). */
export interface OfflineJson {
  conversionName: string;
  skipped: { row: number; orderId: string | null; reason: string; message: string }[];
  matched: { row: number; by: string; clickKind: string | null; source: string | null; hashed: string[] }[];
}
export interface OfflineRun { code: number; out: string; stderr: string; json: OfflineJson }

/**
 * A runner over the store at `db()` writing into `dir()` (both made in the test's beforeAll).
 * The conversion is LinkedIn's id 104012 or "Phone order"; the out file `<to>.json` for LinkedIn,
 * `<to>.csv` otherwise.
 */
export function offlineRunner(dir: () => string, db: () => string, now: number) {
  let n = 0;
  return async (orders: string, to: string, extra: string[] = []): Promise<OfflineRun> => {
    const file = join(dir(), `orders-${++n}.csv`);
    writeFileSync(file, orders);
    const out = join(dir(), `out-${n}`, `${to}.${to === 'linkedin' ? 'json' : 'csv'}`);
    let stdout = '';
    let stderr = '';
    const io: IO = { out: { write: (s: string) => { stdout += s; } }, err: { write: (s: string) => { stderr += s; } } };
    const name = to === 'linkedin' ? '104012' : 'Phone order';
    const code = await offline(['--orders', file, '--to', to, '--db', db(), '--out', out, '--conversion-name', name, '--timezone', 'UTC', '--currency', 'NOK', '--format', 'json', ...extra], io, () => now);
    return { code, out, stderr, json: JSON.parse(stdout) as OfflineJson };
  };
}
