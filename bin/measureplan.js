#!/usr/bin/env node
// The measureplan command line: see `measureplan --help` and docs/cli.md.
import { run } from '../dist/cli.js';

await run(process.argv.slice(2));
