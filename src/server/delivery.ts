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

/**
 * A URL as the log shows it: without user and password, each query value as `…`. E-mail tools
 * put a webhook's secret in its URL; a log is read and kept by more people than the secret
 * (security QA 2026-12-06).
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = u.password = '';
    const keys = [...u.searchParams.keys()];
    return u.origin + u.pathname + (keys.length ? '?' + keys.map((k) => `${encodeURIComponent(k)}=…`).join('&') : '');
  } catch {
    return '(not a URL)';
  }
}

/**
 * The request for a URL that may carry `user:password@` (fetch refuses such a URL): the URL
 * without them, and HTTP Basic authentication with them.
 */
export function withCredentials(url: string, headers: Record<string, string>): [string, Record<string, string>] {
  const u = new URL(url);
  if (!u.username && !u.password) return [url, headers];
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  u.username = u.password = '';
  return [u.href, { ...headers, Authorization: `Basic ${basic}` }];
}
