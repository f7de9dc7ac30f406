/**
 * Accessibility review (QA `a11y`, findings 7 and 8): what `collect` and `validate` write to a
 * terminal. stderr is coloured by whether stderr is a terminal (not stdout), and a plan's text is
 * written with its control characters spelled out, as the report and the docs already do.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkText } from '../../src/cli/check';
import { collect } from '../../src/cli/collect';
import { colours } from '../../src/cli/io';
import { formatFindings } from '../../src/cli/report';
import { example } from '../plan/fixtures';

const PLAIN = colours({ isTTY: false, write: () => true }, true);

const dir = mkdtempSync(join(tmpdir(), 'mp-terminal-a11y-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The finding's name: sets the window title, rings the bell, clears the screen, then turns the rest red.
const HOSTILE = 'Shop\u001b]0;PWNED\u0007\u001b[2J\u001b[31m';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+m/;

// The colour variables of the shell running the tests must not decide these tests.
const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
beforeEach(() => { delete process.env.NO_COLOR; delete process.env.FORCE_COLOR; });
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

interface Stream { text: string; isTTY: boolean; write(s: string): void }
const stream = (isTTY: boolean): Stream => ({ text: '', isTTY, write(s: string) { this.text += s; } });

/** Runs collect with a plan that has no abandonment and --webhook (the warning on stderr), until it listens; then stops it. */
async function collectOnce(outTTY: boolean, errTTY: boolean, name = 'Shop'): Promise<{ out: string; err: string }> {
  const plan: Record<string, any> = example('webshop');
  plan.name = name;
  delete plan.abandonment;
  delete plan.conversions.cart_abandoned;
  const file = join(dir, `plan-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const io = { out: stream(outTTY), err: stream(errTTY) };
  const signals = new EventEmitter();
  const done = collect(['--port', '0', '--db', join(dir, `store-${Math.random()}.db`), '--plan', file, '--webhook', 'http://127.0.0.1:9/hook', '--webhook-every', '3600'], io, signals);
  const end = Date.now() + 15_000;
  while (!/ {2}endpoints {2}/.test(io.out.text) && !/problems/.test(io.err.text) && Date.now() < end) await new Promise((ok) => setTimeout(ok, 20));
  signals.emit('SIGTERM');
  await done;
  return { out: io.out.text, err: io.err.text };
}

describe('finding 7: collect colours stderr by stderr', () => {
  it('stdout to a file, stderr on a terminal: the warning is coloured, its colour closed before the line ends', async () => {
    const { err } = await collectOnce(false, true);
    expect(err).toContain('\u001b[33mmeasureplan collect: the plan has no "abandonment" section, so --webhook will never have anything to post.\u001b[39m\n');
  }, 20_000);

  it('stdout on a terminal, stderr to a file (2>log.txt): the warning is plain', async () => {
    const { err } = await collectOnce(true, false);
    expect(err).toContain('measureplan collect: the plan has no "abandonment" section');
    expect(err).not.toMatch(ANSI);
  }, 20_000);

  it('an invalid plan\'s problems on stderr follow stderr too', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"version": 1}');
    for (const [outTTY, errTTY] of [[true, false], [false, true]] as const) {
      const io = { out: stream(outTTY), err: stream(errTTY) };
      expect(await collect(['--port', '0', '--db', join(dir, 'never.db'), '--plan', file], io)).toBe(1);
      if (errTTY) expect(io.err.text).toMatch(ANSI);
      else expect(io.err.text).not.toMatch(ANSI);
    }
  });
});

describe('finding 8: a plan\'s control characters are written out, never obeyed', () => {
  it('collect\'s plan line writes the name\'s escapes as \\x1b', async () => {
    const { out } = await collectOnce(false, false, HOSTILE);
    const line = out.split('\n').find((l) => l.startsWith('  plan '))!;
    expect(line).toContain('"Shop\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31m"');
    expect(out).not.toMatch(RAW);
  }, 20_000);

  it('validate\'s source line shows the control characters it asks to delete, with the caret still under its column', () => {
    const text = `{\n  "version": 1,\n  "name": "${HOSTILE}",\n  "conversions": {}\n}\n`;
    const report = checkText('plan.json', text);
    expect(report.valid).toBe(false);
    const shown = formatFindings(report, PLAIN);
    expect(shown).not.toMatch(RAW);
    const lines = shown.split('\n');
    const source = lines.findIndex((l) => l.includes('"name": "Shop\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31m"'));
    expect(source).toBeGreaterThan(-1);
    const finding = report.errors.find((e) => e.line === 3)!;
    // The caret stands under the same character of the written-out line as before: the column's.
    const caret = lines[source + 1]!.indexOf('^') - lines[source]!.indexOf('|') - 2;
    expect(lines[source]!.slice(lines[source]!.indexOf('|') + 2)[caret]).toBe(text.split('\n')[2]![finding.column - 1]);
  });

  it('a caret after control characters moves right by what they became', () => {
    const text = `{\n  "version": 1,\n  "name": "${HOSTILE}",\n  "conversions": {}\n}\n`;
    const report = checkText('plan.json', text);
    // A finding on the "P" of PWNED, after an ESC and a "]" (the ESC is now four characters, \x1b).
    const column = text.split('\n')[2]!.indexOf('PWNED') + 1;
    const [source, caretLine] = formatFindings({ ...report, errors: [{ ...report.errors[0]!, column }], warnings: [] }, PLAIN).split('\n').slice(1, 3);
    const body = source!.slice(source!.indexOf('|') + 2);
    const caret = caretLine!.indexOf('^') - caretLine!.indexOf('|') - 2;
    expect(body).toContain('Shop\\x1b]0;PWNED');
    expect(body.slice(caret)).toMatch(/^PWNED/);
  });
});
