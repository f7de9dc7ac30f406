import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanInput } from '../../src/plan/types';

// Paths, not URL objects: under jsdom the global URL is jsdom's, which node:fs does not accept.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const examplePath = (name: string) => join(root, 'examples/plans', `${name}.json`);
export const exampleText = (name: string) => readFileSync(examplePath(name), 'utf8');
export const example = (name: 'webshop' | 'leadgen'): PlanInput & Record<string, any> => JSON.parse(exampleText(name));
