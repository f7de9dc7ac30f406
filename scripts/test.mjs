// `npm test`: build, then unit/adapter/type tests, then (when present) the real-browser tests.
// Installs Debian's Chromium through apt-get when the browser tests need it and it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const npx = (...args) => run('npx', args);

run('npm', ['run', 'build', '--silent']);
npx('tsc', '--noEmit', '-p', '.');
npx('vitest', 'run');

const e2e = existsSync('tests/e2e') && readdirSync('tests/e2e').some((f) => f.endsWith('.test.ts'));
if (e2e) {
  if (!existsSync('/usr/bin/chromium')) {
    console.log('measureplan: installing Debian chromium for the browser tests (apt-get)…');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  npx('vitest', 'run', '--config', 'tests/e2e/vitest.config.ts');
}
