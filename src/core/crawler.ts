/**
 * Declared crawlers: search engines, ad and shopping checkers, link previews, SEO and AI crawlers
 * that render a shop's pages with JavaScript say what they are in their user agent. Under the
 * plan's `"bots": "skip"` (the default) the tracker then stores and sends nothing
 * (docs/data-protection.md). Headless browsers and `navigator.webdriver` are not crawlers: a
 * team's own tests and monitoring run through them and stay measured.
 */

/**
 * A declared crawler's token: one with "bot", "spider" or "crawler" in it followed by its version
 * (`Googlebot/2.1`, `bingbot/2.0`, `Baiduspider-render/2.0`), or any token followed by its info
 * address (`AdsBot-Google (+http://…)`, `PetalBot;+https://…`, `facebookexternalhit/1.1 (+http://…)`),
 * and the two Google tools that carry neither. Case counts ("Bot", not "BOT"), and a version or
 * address must follow: a phone named "CUBOT_X30" or "Cubot_Note_7" is a person. Each match starts
 * at a token's start (no lookbehind: Safari before 16.4 cannot parse one), which also keeps a long
 * user agent from costing more than a fraction of a millisecond.
 */
const CRAWLER = /(?:^|[^\w-])([\w-]{0,64}?(?:[bB]ot|[sS]pider|[cC]rawler)[\w-]{0,64}(?=\/v?\d)|\w[\w-]{0,64}(?=(?:[/ ][^\s(;]{0,64})?[ (;]{1,8}\+https?:)|Google-InspectionTool|Chrome-Lighthouse|GoogleOther|Bytespider|TikTokSpider|Mediapartners-Google)/;

/** The crawler a user agent declares itself to be ("Googlebot", "AdsBot-Google", "bingbot"), or undefined for a browser. */
export const crawlerName = (ua: string): string | undefined => CRAWLER.exec(ua)?.[1];
