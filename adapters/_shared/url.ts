/**
 * `url` without the query parameters `drop` names, for a destination that must not receive them
 * (click ids without an ads grant, an e-mail address in `?email=`), in the query and in a hash
 * router's query (`#/confirm?email=…`). A query that loses nothing is left as it was: rewriting it
 * would change its encoding.
 */
export function withoutParams(url: string, drop: (name: string, value: string) => unknown): string {
  return url.replace(/\?([^#]*)/g, (query, text: string) => {
    const all = [...new URLSearchParams(text)];
    const kept = all.filter(([k, v]) => !drop(k, v));
    return kept.length < all.length ? (kept.length ? '?' + new URLSearchParams(kept) : '') : query;
  });
}
