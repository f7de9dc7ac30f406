/**
 * The linker's domains that are not one company's: a public suffix ("co.uk") or a hosting
 * platform's shared domain ("myshopify.com"). The plan check accepts them (they are host names,
 * and the browser carries no list); listed, every site under them would receive the visitor's
 * id, session and ad click. The list holds the suffixes a shop is likely to write, from the
 * Public Suffix List (publicsuffix.org), not all of it.
 */
import type { Plan } from '../plan/types';

const COUNTRY_SECOND_LEVEL = [
  'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'com.br', 'net.br', 'com.cn', 'com.mx', 'co.za', 'co.in', 'com.tr', 'com.sg', 'com.hk',
  'co.kr', 'com.ar', 'com.tw', 'co.il', 'com.pl', 'co.id', 'com.my', 'com.ph', 'com.vn', 'com.ua', 'com.co', 'com.pe',
  'co.th', 'com.eg', 'com.sa', 'com.ng',
];
const PLATFORMS = [
  'myshopify.com', 'github.io', 'netlify.app', 'vercel.app', 'herokuapp.com', 'pages.dev', 'workers.dev', 'web.app',
  'firebaseapp.com', 'appspot.com', 'azurewebsites.net', 'cloudfront.net', 'blogspot.com', 'wixsite.com',
];

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
