/** Pinned by the mutation review of 2026-12-06: `codegen --check` on a module checked out with CRLF line ends (kills G3). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(() => ensureBuilt());
afterAll(() => tmp.remove());

it('a generated module with CRLF line ends (git autocrlf on Windows) is not out of date', () => {
  const out = join(tmp.dir, 'plan.gen.ts');
  expect(run(['codegen', 'examples/plans/leadgen.json', '--out', out]).code).toBe(0);
  writeFileSync(out, readFileSync(out, 'utf8').replace(/\n/g, '\r\n'));
  const r = run(['codegen', 'examples/plans/leadgen.json', '--out', out, '--check']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
});
