/** `measureplan collect`'s usage mistakes: each one a clear message and an exit code, nothing started. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, run, tempDir } from '../cli/helpers';

ensureBuilt();

describe('measureplan collect: usage', () => {
  it.each([
    [['--allow-origin', 'shop.example'], /--allow-origin "shop\.example" is not an origin[\s\S]*https:\/\/shop\.example/],
    [['--forward', 'https://api.segment.io'], /--forward needs a write key[\s\S]*MEASUREPLAN_WRITE_KEY/],
    [['--forward', 'segment'], /--forward "segment" is not an http\(s\) URL/],
    [['--forward', 'https://key:x@api.segment.io', '--write-key', 'k'], /--forward has a user or password in it[\s\S]*--write-key/],
    [['--write-key', 'k'], /--write-key is only used with --forward/],
    [['--port', 'eighty'], /--port must be a number from 0 to 65535/],
    [['--sync', 'always'], /--sync must be full or normal/],
    [['--dbb', 'x.db'], /unknown option --dbb[\s\S]*Did you mean --db\?/],
    [['events.db'], /collect takes no file names[\s\S]*--db/],
  ])('%j → exit 2 with a hint', (args, message) => {
    const r = run(['collect', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a broken plan with its problems (exit 1), before opening anything', () => {
    const t = tempDir();
    const plan = t.file('plan.json', '{ "version": 1, "name": "x", "conversions": { "buy": { "kind": "mega" } } }');
    const r = run(['collect', '--plan', plan, '--db', `${t.dir}/s.db`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/conversions\.buy\.kind/);
    expect(r.stderr).toMatch(/the plan has problems; fix them first/);
    t.remove();
  });

  it('says so when the port is taken (exit 1)', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as { port: number }).port;
    const t = tempDir();
    const r = run(['collect', '--port', String(port), '--db', `${t.dir}/s.db`]);
    blocker.close();
    t.remove();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`port ${port} is taken[\\s\\S]*--port`));
  });

  it('is listed in the help', () => {
    expect(run(['--help']).stdout).toMatch(/collect\s+run the first-party endpoint/);
    expect(run(['collect', '--help']).stdout).toMatch(/--allow-origin <url>/);
  });
});
