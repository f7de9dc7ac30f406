/**
 * Runs the built CLI (`node bin/measureplan.js …`) the way a user does. dist/cli.js is rebuilt
 * first when it is missing or older than the CLI's sources (`npm test` builds it anyway).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = join(root, 'bin/measureplan.js');
export const cliBundle = join(root, 'dist/cli.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/cli.js if it is missing or older than the Node wing's sources or rollup.config.mjs. */
export function ensureBuilt(): void {
  const dirs = ['src/cli', 'src/plan', 'src/core', 'src/server', 'src/report', 'src/offline'].map((d) => join(root, d)).filter((d) => existsSync(d));
  const sources = Math.max(...dirs.map(newest), statSync(join(root, 'rollup.config.mjs')).mtimeMs);
  if (existsSync(cliBundle) && statSync(cliBundle).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, [join(root, 'tests/cli/build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building dist/cli.js failed:\n${r.stderr}`);
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `measureplan …args` in `cwd` (the repository by default), without colour variables unless given. */
export function run(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Run {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  // A command that hangs fails its test (killed, code null) instead of blocking the whole run.
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? root, env: { ...env, ...opts.env }, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `measureplan …args` in a child process that does not block this one: for a test whose own
 * server (HTTP, a collect server) must answer the command. Colour off.
 */
export function runAsync(args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temporary folder outside the repository. */
export function tempDir(): { dir: string; file(name: string, content: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'measureplan-cli-'));
  return {
    dir,
    file(name, content) { const p = join(dir, name); writeFileSync(p, content); return p; },
    remove() { rmSync(dir, { recursive: true, force: true }); },
  };
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[\d+m/;
