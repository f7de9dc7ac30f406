export { parsePlan, definePlan } from './plan/index';
export type * from './plan/index';
export { createTracker } from './core/create';
export type { TrackerOptions } from './core/tracker';
export type {
  Adapter, AdapterContext, ClickIds, ConsentStatus, ConversionEvent, Identity, PageContext, Tracker, TrackerEventName, TrackerEvents,
} from './core/types';
export { installTriggers } from './triggers/index';
export type { InstalledTriggers, TriggerOptions } from './triggers/index';
