/**
 * Files shipped at the package root (package.json, plan.schema.json), found from the running
 * file: `dist/cli.js` → `../`. The source layout (`src/cli/…` → `../../`) is tried second so
 * that the CLI also runs unbuilt, under a test runner.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function packageFile(name: string): string {
  const candidates = [new URL(`../${name}`, import.meta.url), new URL(`../../${name}`, import.meta.url)];
  const found = candidates.find((u) => u.protocol === 'file:' && existsSync(fileURLToPath(u)));
  if (!found) throw new Error(`${name} is missing from the measureplan package (looked next to ${fileURLToPath(import.meta.url)}).`);
  return readFileSync(fileURLToPath(found), 'utf8');
}

export const version = (): string => (JSON.parse(packageFile('package.json')) as { version: string }).version;
