/** Debug output: one collapsed console group per conversion, and plain warnings. Only in debug mode. */
import type { ConversionEvent } from './types';

const PREFIX = 'measureplan:';

export function logConversion(event: ConversionEvent, destinations: Record<string, string>): void {
  const c = globalThis.console;
  if (!c) return;
  const value = event.value !== undefined ? `, ${event.value}${event.currency ? ' ' + event.currency : ''}` : '';
  (c.groupCollapsed ?? c.log)(`${PREFIX} ${event.name} (${event.kind}${value})`);
  c.log('valid against the plan; properties', event.properties);
  c.log('event', event);
  for (const [dest, what] of Object.entries(destinations)) c.log(`→ ${dest}: ${what}`);
  c.groupEnd?.();
}

export function warn(message: string, detail?: unknown): void {
  if (detail === undefined) globalThis.console?.warn(`${PREFIX} ${message}`);
  else globalThis.console?.warn(`${PREFIX} ${message}`, detail);
}
