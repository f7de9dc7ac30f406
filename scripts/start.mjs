// `npm start`: the main job. For now: build (done by the npm script), check the example plans
// with the built CLI and show the size of the script-tag file.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { main } from '../dist/cli.js';

const plans = readdirSync('examples/plans').filter((f) => f.endsWith('.json')).map((f) => `examples/plans/${f}`);
const code = await main(['validate', ...plans]);
const iife = readFileSync('dist/measureplan.iife.js');
console.log(`dist/measureplan.iife.js: ${iife.length} bytes, ${gzipSync(iife, { level: 9 }).length} bytes gzip -9`);
process.exitCode = code;
