/**
 * `measureplan schema`: prints the plan's JSON Schema (plan.schema.json, shipped in the
 * package), for editors and tools that want a local copy.
 */
import { parse } from './args';
import { UsageError, type IO } from './io';
import { packageFile } from './package';

export const schemaHelp = `Usage: measureplan schema

Prints the JSON Schema of the measurement plan (plan.schema.json from the package).
Editors use it for completion and red squiggles: a plan that starts with
  "$schema": "https://unpkg.com/measureplan/plan.schema.json"
gets it from the web; save a local copy with
  measureplan schema > plan.schema.json

Options:
  -h, --help   this help`;

export function schema(argv: string[], io: IO): number {
  const { positionals } = parse(argv, {}, 'schema');
  if (positionals.length) throw new UsageError(`schema takes no arguments (got "${positionals[0]}").`, 'To save it: measureplan schema > plan.schema.json');
  io.out.write(packageFile('plan.schema.json'));
  return 0;
}
