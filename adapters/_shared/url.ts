/**
 * `url` without the query parameters `drop` names, for a destination that must not receive them
 * (click ids without an ads grant, an e-mail address in `?email=`). A URL that loses nothing is
 * returned as it was: rewriting the query would change its encoding.
 */
export function withoutParams(url: string, drop: (name: string, value: string) => unknown): string {
  try {
    const u = new URL(url);
    const q = u.searchParams;
    const gone = [...q].filter(([k, v]) => drop(k, v));
    if (gone.length) { for (const [k] of gone) q.delete(k); return u.href; }
  } catch { /* not a URL: the referrer of a direct visit is '' */ }
  return url;
}
