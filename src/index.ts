export { parsePlan, definePlan } from './plan/index';
export type * from './plan/index';
export { createTracker } from './core/tracker';
export type { TrackerOptions } from './core/tracker';
export type { Tracker } from './core/types';
