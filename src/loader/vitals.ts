// measureplan.vitals.js: the page-experience module (standard web-vitals build), loaded by the
// script tag from next to itself only for plans with `vitals`.
import { startVitals } from '../journey/vitals-standard';

if (typeof window !== 'undefined') (window as unknown as { measureplanVitals: unknown }).measureplanVitals = { startVitals };
