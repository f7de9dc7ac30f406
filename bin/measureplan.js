#!/usr/bin/env node
// The measureplan command line: see `measureplan --help` and docs/cli.md.
import { main } from '../dist/cli.js';

// `measureplan docs plan.json | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); else throw e; });

process.exitCode = await main(process.argv.slice(2));
// A finished command does not wait for idle keep-alive sockets (the relay's or the webhook's
// fetches) to time out: the process ends soon after, even if one lingers.
setTimeout(() => process.exit(), 1000).unref();
