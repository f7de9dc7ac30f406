// measureplan.explain.js: the plain-words explanations of plan problems, loaded by the script tag
// only when its plan is broken, so that valid pages never download them.
import { explain } from '../plan/explain';

if (typeof window !== 'undefined') (window as unknown as { measureplanExplain: unknown }).measureplanExplain = { explain };
