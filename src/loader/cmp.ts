// measureplan.cmp.js: the consent-platform readers, loaded by the script tag only when the plan
// names a platform in consent.cmp.
import { followConsentPlatform } from '../cmp/index';

if (typeof window !== 'undefined') (window as unknown as { measureplanCmp: unknown }).measureplanCmp = { follow: followConsentPlatform };
