/** Plan durations: a whole number and a unit, `30m`, `1h`, `14d` (minutes, hours, days). */
export const DURATION = /^[1-9]\d{0,4}(m|h|d)$/;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A plan duration in milliseconds; undefined for anything that is not one. */
export function durationMs(text: unknown): number | undefined {
  if (typeof text !== 'string' || !DURATION.test(text)) return undefined;
  return parseInt(text, 10) * UNIT_MS[text.slice(-1)]!;
}
