// The compiler's words for a developer's mistakes, read from TypeScript itself: an expectTypeOf test
// cannot see how a type is printed, and a printed alias that dumps the whole plan helps nobody.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

/** Type-checks one file next to the sources and returns each error as `line: message` (its first line). */
function diagnostics(source: string): string[] {
  const file = join(root, 'tests/plan/__compiler-probe.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: true, skipLibCheck: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? source : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
    return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]}`;
  });
}

describe('compiler messages for a typed plan', () => {
  const errors = diagnostics(`import { createTracker, definePlan } from '../../src/index';
import webshop from '../../examples/plans/webshop.json';
const plan = definePlan({ version: 1, name: 'x', conversions: { purchase: { kind: 'macro' }, signup: { kind: 'micro' } } });
const tracker = createTracker({ plan });
tracker.track('purchse');
tracker.track('signup', { foo: 1 });
definePlan({ version: 1, name: 'x', conversions: { a: { kind: 'macro', linit: 'once_per_page' } } });
createTracker({ plan: webshop }).track('purchase', { transaction_id: 'T-1', value: 10 });
`);

  it('an unknown conversion name: the names the plan has', () => {
    expect(errors.filter((e) => e.startsWith('5:'))).toEqual([`5: Argument of type '"purchse"' is not assignable to parameter of type '"purchase" | "signup"'.`]);
  });

  it('properties for a conversion that declares none: says so', () => {
    expect(errors.filter((e) => e.startsWith('6:'))).toEqual([`6: Type 'number' is not assignable to type 'ThisConversionTakesNoProperties'.`]);
  });

  it('a misspelled plan field: an error at the typo that names it', () => {
    expect(errors.filter((e) => e.startsWith('7:'))).toEqual([`7: Type '"once_per_page"' is not assignable to type '"once_per_page" & UnknownPlanField'.`]);
  });

  it('a plan imported from JSON: no error', () => {
    expect(errors.filter((e) => e.startsWith('8:') || e.startsWith('2:'))).toEqual([]);
    expect(errors).toHaveLength(3);
  });
}, 60_000);
