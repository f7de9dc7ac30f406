/** The `measureplan` command line; bin/measureplan.js calls `run`. See docs/cli.md. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from './main';

export { main };

/** Runs one command as the `measureplan` binary does, and ends the process soon after it. */
export async function run(argv: string[]): Promise<void> {
  // `measureplan docs plan.json | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });
  process.exitCode = await main(argv);
  // A finished command does not wait for idle keep-alive sockets (the relay's or the webhook's
  // fetches) to time out: the process ends soon after, even if one lingers.
  setTimeout(() => process.exit(), 1000).unref();
}

// `node dist/cli.js validate plan.json` works too, as `measureplan validate plan.json` does
// (imported by the binary or a script, this file only exports).
// Node also runs `node dist/cli` (no extension) as this file; argv[1] then lacks the `.js`.
const self = (path: string) => { try { return realpathSync(path); } catch { return path; } };
const entry = process.argv[1];
const me = self(fileURLToPath(import.meta.url));
if (entry && (self(entry) === me || self(`${entry}.js`) === me)) void run(process.argv.slice(2));
