/**
 * A page_view `path` glob as a RegExp: `*` matches any characters (`/` included), the glob is
 * anchored at both ends, and one trailing slash on the page's path is ignored. So `/pricing*`
 * matches `/pricing` and `/pricing/teams`, `/product/*` matches `/product/tent` (not `/product`),
 * `/checkout` matches `/checkout/`. Every other character matches itself.
 */
export const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}/?$`);
