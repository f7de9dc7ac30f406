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

/** A path part that is a word (`hooks`, `v1`, `batch`), not a key: letters first, at most 16 characters, 2 digits. */
const word = (s: string) => /^[a-z][\w.-]{0,15}$/i.test(s) && (s.match(/\d/g)?.length ?? 0) <= 2;

/**
 * A URL as the log shows it: without user and password, each query value and each path part that
 * is no plain word as `…` (`https://hooks.slack.com/services/…/…/…`). E-mail and chat tools put a
 * webhook's secret in its URL; a log is read and kept by more people than the secret (security QA
 * and diff read 2026-12-06).
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    const keys = [...u.searchParams.keys()];
    const path = u.pathname.split('/').map((s) => (!s || word(s) ? s : '…')).join('/');
    return u.origin + path + (keys.length ? '?' + keys.map((k) => `${encodeURIComponent(k)}=…`).join('&') : '');
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
  // As typed when it is no valid percent-encoding (a raw `%` in a password: diff read 2026-12-06).
  const plain = (s: string) => { try { return decodeURIComponent(s); } catch { return s; } };
  const basic = Buffer.from(`${plain(u.username)}:${plain(u.password)}`).toString('base64');
  u.username = u.password = '';
  return [u.href, { ...headers, Authorization: `Basic ${basic}` }];
}
