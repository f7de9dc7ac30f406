// Shared set-up for the trigger tests: real example plans through parsePlan, a recording track().
import { parsePlan } from '../../src/plan/parse';
import type { Plan, PlanInput } from '../../src/plan/types';
import { nextTask as afterTasks } from '../../src/core/env';
import { installTriggers, type TriggerOptions } from '../../src/triggers/index';
import { example } from '../plan/fixtures';

export type Call = [name: string, properties: Record<string, unknown>];

/** A plan as the loader hands it over: validated and normalised by parsePlan. */
export function plan(input: 'webshop' | 'leadgen' | PlanInput): Plan {
  const result = parsePlan(typeof input === 'string' ? example(input) : input);
  if (!result.ok) throw new Error(`test plan is broken: ${JSON.stringify(result.errors)}`);
  return result.plan;
}

/** A one-conversion plan around `trigger`, with the given property specs. */
export function planWith(trigger: object, properties: Record<string, object> = {}): Plan {
  return plan({ version: 1, name: 'Test', conversions: { goal: { kind: 'micro', properties, trigger } } } as PlanInput);
}

const running: { stop(): void }[] = [];

/** Installs the plan's triggers and records every track() call, warning (plan mistakes also apart) and onRoute call. */
export function install(p: Plan, options: TriggerOptions = {}) {
  const calls: Call[] = [];
  const warnings: string[] = [];
  const mistakes: string[] = [];
  const events: string[] = [];
  const installed = installTriggers(p, (name, properties) => { calls.push([name, properties]); events.push(`track ${name}`); }, {
    onRoute: () => { events.push('route'); options.onRoute?.(); },
    warn: (m, mistake) => { warnings.push(m); if (mistake) mistakes.push(m); },
  });
  running.push(installed);
  const names = () => calls.map(([n]) => n);
  return { calls, warnings, mistakes, events, names, stop: () => installed.stop() };
}

/** Stops every install of the test and resets the page. */
export function cleanUp(): void {
  for (const r of running.splice(0)) r.stop();
  document.body.innerHTML = '';
  document.title = '';
  history.replaceState(null, '', '/');
}

/** Lets a route change (handled in the next task) run. */
export const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

export function click(el: Element): void {
  el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
}

/**
 * What a browser does when the visitor submits: a bubbling, cancelable submit event on the form.
 * Resolves with whether the browser would send the form, once the task that decides whether the
 * submit counts (src/core/env.ts nextTask, in order) has run.
 */
export async function submit(form: HTMLFormElement): Promise<boolean> {
  const sent = form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await new Promise<void>((r) => afterTasks(r));
  return sent;
}
