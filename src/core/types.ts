import type { ConversionName, TrackArgs } from '../plan/define';
import type { ConsentSettings, PlanInput } from '../plan/types';

/** The tracker's public surface; `P` is the plan's literal type, so `track` is checked at compile time. */
export interface Tracker<P extends PlanInput = PlanInput> {
  /** Tracks one conversion of the plan. Unknown names and bad properties are reported, never thrown. */
  track<N extends ConversionName<P>>(name: N, ...properties: TrackArgs<P, N>): void;
  page(): void;
  identify(userId: string | null, traits?: Record<string, unknown>): void;
  consent(update: ConsentSettings): void;
  flush(): Promise<void>;
  on(event: string, fn: (payload: unknown) => void): () => void;
  clickIds(): Record<string, string>;
  shutdown(): Promise<void>;
}
