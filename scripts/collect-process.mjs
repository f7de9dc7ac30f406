// `measureplan collect` as a child process (the built CLI), for `npm start` and the benchmarks:
// started on a free port, its first line read for the URL, stopped with SIGTERM (it drains).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './storefront-server.mjs';

/**
 * @param {string[]} args  the options after `measureplan collect` (`--port 0` is added)
 * @param {{ onLine?: (line: string) => void }} [options]  every line the server prints after its first
 * @returns {Promise<{ url: string, command: string, stop(): Promise<number | null> }>}
 */
export async function startCollectProcess(args, { onLine } = {}) {
  const argv = [join(ROOT, 'bin/measureplan.js'), 'collect', '--port', '0', ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((ok) => child.once('exit', (code) => ok(code)));
  let output = '';
  let url;
  let started;
  const listening = new Promise((ok) => { started = ok; });
  const lines = (chunk) => {
    output += chunk;
    let i;
    while ((i = output.indexOf('\n')) >= 0) {
      const line = output.slice(0, i);
      output = output.slice(i + 1);
      if (!url) { url = /listening on (http:\/\/\S+)/.exec(line)?.[1]; if (url) started(); continue; }
      onLine?.(line);
    }
  };
  child.stdout.on('data', lines);
  child.stderr.on('data', lines);
  await Promise.race([
    listening,
    exited.then((code) => { throw new Error(`measureplan collect exited with code ${code}:\n${output}`); }),
  ]);
  return {
    url,
    command: `measureplan collect ${args.join(' ')}`,
    stop: () => { if (child.exitCode === null) child.kill('SIGTERM'); return exited; },
  };
}
