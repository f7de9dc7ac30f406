/**
 * HTTP delivery of one batch, and what to do after it: done, retry later, or drop for good.
 * Network errors, 5xx, 408 and 429 are worth retrying; any other 4xx is the endpoint refusing
 * the batch, so retrying would only repeat it.
 */
export type Outcome = { kind: 'ok' } | { kind: 'retry'; after?: number; status?: number } | { kind: 'drop'; status: number };

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A request unanswered this long is given up and retried: two hung requests held every later one back for the page's life. */
export const TIMEOUT_MS = 30_000;

/**
 * Endpoints this browser refused a keepalive request to while it took the same request without:
 * Chrome before 81 refuses keepalive with a CORS preflight (a collector on another origin), and
 * every retry was keepalive again, so nothing arrived while the page stayed open (compat QA
 * 2026-12-07).
 */
const noKeepalive = new Set<string>();

export async function post(url: string, body: string, headers: Record<string, string>, keepalive: boolean): Promise<Outcome> {
  keepalive &&= !noKeepalive.has(url);
  try {
    const signal = typeof AbortSignal !== 'undefined' && AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT_MS) : undefined;
    const res: Response = await fetch(url, { method: 'POST', headers, body, keepalive, ...(signal && { signal }) });
    // Read inside the try, and a status that is no number taken for a network error: a page's
    // fetch wrapper that returns nothing made this reject, and two such requests stopped delivery
    // for the page's life (hostile QA 2026-12-06).
    if (res.ok) return { kind: 'ok' };
    const status = res.status;
    if (!(status >= 400 && status < 500) || status === 408 || status === 429) return { kind: 'retry', after: retryAfter(res.headers?.get('retry-after')), status: status || undefined };
    return { kind: 'drop', status };
  } catch (e) {
    if (keepalive && (e as Error)?.name === 'TypeError') {
      const r = await post(url, body, headers, false);
      if (r.kind !== 'retry' || r.status) noKeepalive.add(url); // answered without keepalive
      return r;
    }
    return { kind: 'retry' };
  }
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at `cap`, each randomised in [50 %, 100 %]. */
export const backoff = (attempt: number, cap = 60_000): number => Math.min(cap, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
