// measureplan.linker.js: decorates links and forms to the plan's other origins, loaded by the
// script tag only for plans with `linker`.
import { watchLinks } from '../linker/out';

if (typeof window !== 'undefined') (window as unknown as { measureplanLinker: unknown }).measureplanLinker = { watchLinks };
