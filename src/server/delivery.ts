/** What the relay and the webhook share: how they post, how long they wait after a failure. */

export interface DeliveryOptions {
  /** Backoff bounds in ms. */
  minDelay?: number;
  maxDelay?: number;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  log?(line: string): void;
  now?(): number;
}

/** Exponential backoff with "equal jitter": between half and all of min·2^attempt, capped at max. */
export function backoffMs(attempt: number, minDelay: number, maxDelay: number): number {
  const full = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt, 16));
  return full / 2 + (Math.random() * full) / 2;
}
