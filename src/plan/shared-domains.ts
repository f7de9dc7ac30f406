/**
 * Domains that are not one company's: a country's public second level ("co.uk") and hosting
 * platforms' shared domains ("myshopify.com"), from the Public Suffix List (publicsuffix.org): the
 * ones a shop is likely to meet, not all of it. The linker's lint warns about them; the report's
 * channels take a site under one of them by its own name (shop1.myshopify.com is not shop2's).
 */
export const COUNTRY_SECOND_LEVEL = [
  'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'com.br', 'net.br', 'com.cn', 'com.mx', 'co.za', 'co.in', 'com.tr', 'com.sg', 'com.hk',
  'co.kr', 'com.ar', 'com.tw', 'co.il', 'com.pl', 'co.id', 'com.my', 'com.ph', 'com.vn', 'com.ua', 'com.co', 'com.pe',
  'co.th', 'com.eg', 'com.sa', 'com.ng',
];
export const PLATFORMS = [
  'myshopify.com', 'github.io', 'netlify.app', 'vercel.app', 'herokuapp.com', 'pages.dev', 'workers.dev', 'web.app',
  'firebaseapp.com', 'appspot.com', 'azurewebsites.net', 'cloudfront.net', 'blogspot.com', 'wixsite.com',
];
