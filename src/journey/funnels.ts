/**
 * Funnels: each conversion that is a step carries `funnel`, `funnel_step` (1-based) and
 * `funnel_steps`, and the tracker keeps each visitor's furthest step per funnel.
 *
 * Progress follows the definition the reports use (ordered steps, anything allowed in between):
 * step 1 starts an attempt; step k+1 advances it only right after step k, and only within the
 * funnel's window counted from step 1. A step 1 after an expired or completed attempt starts a
 * new one; during a live attempt it changes nothing (the furthest step is kept).
 */
import type { Plan } from '../plan/types';
import type { Store } from '../core/storage';
import { entriesOk, kept, type Writer } from './kept';
import { passed } from '../core/env';
import { has } from '../plan/shape';

/** A visitor's progress in one funnel: the furthest step, when it was reached, when the attempt started (ms). */
interface Progress { step: number; at: number; start: number }

/** What `tracker.funnel(name)` returns. */
export interface FunnelProgress {
  funnel: string;
  /** The furthest step reached (1-based) and how many steps the funnel has. */
  step: number;
  steps: number;
  /** The name of the furthest step's conversion. */
  conversion: string;
  /** ISO times: when the furthest step was reached, and when this attempt's first step was. */
  at: string;
  started: string;
  complete: boolean;
  /** The funnel's window has passed since the first step: the next step will not count. */
  expired: boolean;
}

export interface StepOf { funnel: string; funnel_step: number; funnel_steps: number }

export function createFunnels(plan: Plan, store: Store, writer: Writer) {
  const stepsOf: Record<string, StepOf[]> = Object.create(null);
  for (const [funnel, f] of Object.entries(plan.funnels)) {
    f.steps.forEach((c, i) => (stepsOf[c] ??= []).push({ funnel, funnel_step: i + 1, funnel_steps: f.steps.length }));
  }
  const state = kept<Record<string, Progress>>(store, 'fun', () => ({}), (v): v is Record<string, Progress> =>
    entriesOk(v, (p) => typeof (p as Progress)?.step === 'number' && typeof (p as Progress).at === 'number' && typeof (p as Progress).start === 'number'), writer);
  const expired = (name: string, p: Progress, t: number) => {
    const w = plan.funnels[name]?.withinMs;
    return w !== undefined && passed(t, p.start, w);
  };

  /** In place: the operation always gets the record it may change (this page's, or the stored one at the grant). */
  const advance = (v: Record<string, Progress>, list: StepOf[], t: number) => {
    for (let k = 0; k < list.length; k++) {
      const { funnel, funnel_step: s, funnel_steps: n } = list[k]!;
      // Own keys only (a funnel may be named "constructor"); a step beyond n was reached in a longer version of the funnel: complete.
      const p = has(v, funnel) ? v[funnel] : undefined;
      if (s === 1) {
        if (!p || p.step >= n || expired(funnel, p, t)) v[funnel] = { step: 1, at: t, start: t };
      } else if (p && s === p.step + 1 && !expired(funnel, p, t)) {
        p.step = s;
        p.at = t;
      }
    }
    return v;
  };

  return {
    state,
    /** The funnels a conversion is a step of (the first one's fields go on the event). */
    steps: (conversion: string): StepOf[] | undefined => stepsOf[conversion],
    /** A forwarded conversion moves the visitor on in every funnel it is a step of. */
    observe(conversion: string, t: number): void {
      const list = stepsOf[conversion];
      if (list) state.update(advance, list, t);
    },
    progress(funnel: string, now: number, iso: (t: number) => string): FunnelProgress | undefined {
      const f = has(plan.funnels, funnel) ? plan.funnels[funnel] : undefined;
      const p = has(state.value, funnel) ? state.value[funnel] : undefined; // own keys: a funnel may be named "constructor"
      if (!f || !p || p.step > f.steps.length) return undefined; // progress in a longer version of the funnel, since shortened
      return {
        funnel, step: p.step, steps: f.steps.length, conversion: f.steps[p.step - 1]!, at: iso(p.at), started: iso(p.start),
        complete: p.step === f.steps.length, expired: p.step < f.steps.length && expired(funnel, p, now),
      };
    },
  };
}
