export { installTriggers } from './install';
export type { TriggerOptions, InstalledTriggers } from './install';
