/**
 * The linker's domains that are not one company's: a public suffix ("co.uk") or a hosting
 * platform's shared domain ("myshopify.com"). The plan check accepts them (they are host names,
 * and the browser carries no list); listed, every site under them would receive the visitor's
 * id, session and ad click. The list holds the suffixes a shop is likely to write, from the
 * Public Suffix List (publicsuffix.org), not all of it.
 */
import { COUNTRY_SECOND_LEVEL, PLATFORMS } from '../plan/shared-domains';
import type { Plan } from '../plan/types';

export interface LinkerWarning { path: string; rule: 'linker-shared-domain'; message: string; hint: string }

export function lintLinker(plan: Plan): LinkerWarning[] {
  return (plan.linker?.domains ?? []).flatMap((d, i) => {
    const platform = PLATFORMS.includes(d);
    if (!platform && !COUNTRY_SECOND_LEVEL.includes(d)) return [];
    return [{
      path: `linker.domains[${i}]`,
      rule: 'linker-shared-domain' as const,
      message: `"${d}" is not one company's domain: ${platform ? 'it is shared by every site the platform hosts' : 'it is a public suffix, like a top-level domain'}, so every site under it would receive your visitor's id, session and ad click.`,
      hint: `Write your own site's host name, like "shop.${d}".`,
    }];
  });
}
