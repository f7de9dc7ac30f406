import { readFileSync } from 'node:fs';
import type { PlanInput } from '../../src/plan/types';

export const examplePath = (name: string) => new URL(`../../examples/plans/${name}.json`, import.meta.url);
export const exampleText = (name: string) => readFileSync(examplePath(name), 'utf8');
export const example = (name: 'webshop' | 'leadgen'): PlanInput & Record<string, any> => JSON.parse(exampleText(name));
