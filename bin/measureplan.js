#!/usr/bin/env node
// The measureplan command line: see `measureplan --help`.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
