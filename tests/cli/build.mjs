// Builds only the CLI bundle (dist/cli.js) with the project's rollup config, so that the CLI
// tests do not depend on the browser bundles building at the same moment. Each file is written
// under a temporary name and renamed, so a test reading dist/cli.js never sees half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rollup } from 'rollup';

const configs = (await import(pathToFileURL(resolve('rollup.config.mjs')).href)).default;
const cli = configs.find((c) => typeof c.input === 'object' && c.input && 'cli' in c.input);
if (!cli) throw new Error('rollup.config.mjs has no CLI build (input { cli: … })');
const bundle = await rollup({ ...cli, onwarn: () => {} });
const { output } = await bundle.generate(cli.output);
await bundle.close();
for (const file of output) {
  const target = join(cli.output.dir ?? 'dist', file.fileName);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, file.type === 'chunk' ? file.code : file.source);
  renameSync(tmp, target);
}
