// measureplan.vitals-attribution.js: the page-experience module with web-vitals' attribution build,
// loaded by the script tag instead of measureplan.vitals.js for plans with `vitals.attribution`.
import { startVitals } from '../journey/vitals-attribution';

if (typeof window !== 'undefined') (window as unknown as { measureplanVitalsAttribution: unknown }).measureplanVitalsAttribution = { startVitals };
