/**
 * Files shipped at the package root (package.json, plan.schema.json, docs/), found from the
 * running file: `dist/cli.js` → `../`. The source layout (`src/cli/…` → `../../`) is tried second
 * so that the CLI also runs unbuilt, under a test runner.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The absolute path of a shipped file, or undefined when the package has none. */
function shipped(name: string): string | undefined {
  for (const u of [new URL(`../${name}`, import.meta.url), new URL(`../../${name}`, import.meta.url)]) {
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return fileURLToPath(u);
  }
  return undefined;
}

export function packageFile(name: string): string {
  const found = shipped(name);
  if (!found) throw new Error(`${name} is missing from the measureplan package (looked next to ${fileURLToPath(import.meta.url)}).`);
  return readFileSync(found, 'utf8');
}

export const version = (): string => (JSON.parse(packageFile('package.json')) as { version: string }).version;

/**
 * A guide shipped in the package's docs/ folder, as a path to open from the current folder
 * (`node_modules/measureplan/docs/offline.md` in a shop's project), for hints and --help texts.
 */
export function docPath(name: string): string {
  const found = shipped(`docs/${name}`);
  return found ? relative(process.cwd(), found) : `docs/${name}`;
}
