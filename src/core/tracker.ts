import type { PlanInput } from '../plan/types';
import type { Tracker } from './types';

export interface TrackerOptions<P extends PlanInput> {
  plan: P;
  debug?: boolean;
}

/**
 * Creates a tracker for a plan. (Placeholder until the tracker core lands: it has the typed
 * surface so that plans written with `definePlan` are checked at compile time.)
 */
export function createTracker<const P extends PlanInput>(options: TrackerOptions<P>): Tracker<P> {
  void options;
  const noop = () => undefined;
  return {
    track: noop, page: noop, identify: noop, consent: noop, on: () => noop,
    flush: async () => undefined, shutdown: async () => undefined, clickIds: () => ({}),
  };
}
