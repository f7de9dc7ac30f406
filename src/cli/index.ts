/**
 * The `measureplan` command line. For now it validates plans; codegen, docs, schema and init
 * follow with the marketer's toolkit.
 */
import { readFileSync } from 'node:fs';
import { parsePlan } from '../plan/parse';

const USAGE = `Usage: measureplan validate <plan.json> [more.json …]

Checks measurement plans and explains every problem with its JSON path and a hint.
Exit code: 0 when every plan is valid, 1 when one is not, 2 for usage errors.`;

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...files] = argv;
  if (command === '--help' || command === '-h') { out.write(USAGE + '\n'); return 0; }
  if (command !== 'validate' || files.length === 0) { err.write(USAGE + '\n'); return 2; }
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      err.write(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      return 2;
    }
    const result = parsePlan(text);
    if (result.ok) { out.write(`${file}: valid, ${Object.keys(result.plan.conversions).length} conversions\n`); continue; }
    failed++;
    for (const e of result.errors) {
      const where = e.line ? `${file}:${e.line}:${e.column}` : file;
      err.write(`${where}  ${e.path || '(plan)'}  ${e.message}${e.hint ? `\n    hint: ${e.hint}` : ''}\n`);
    }
    err.write(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}\n`);
  }
  return failed ? 1 : 0;
}
