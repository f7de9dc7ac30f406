import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

let n = 0;
const folder = () => { const dir = join(tmp.dir, `site-${++n}`); mkdirSync(dir); return dir; };
const BASE = `<script>gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258'); _linkedin_partner_id = "1234567";</script>`;

describe('the site\'s own script files: what is not a script file', () => {
  it('a saved page\'s src naming a FIFO (or a device) is said to be unread instead of waiting for ever', () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'pipe.js')]);
    writeFileSync(join(dir, 'index.html'), `${BASE}<script>gtag('event', 'purchase', { value: 1 });</script><script src="pipe.js"></script>`);
    const r = run(['init', '--from', 'index.html'], { cwd: dir, timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pipe.js: not a regular file');
  });
});
