/** Reviewer read 4 (7bad592): referrerHost's site and payment rules. Each test fails on 7bad592. */
import { describe, expect, it } from 'vitest';
import { channelOf, referrerHost } from '../../src/report/channels';

describe('siteOf: two shops are two sites', () => {
  it('two shops on the same platform domain are not one site (myshopify.com, github.io, wixsite.com)', () => {
    expect(referrerHost('https://shop1.myshopify.com/products/a', 'https://shop2.myshopify.com/')).toBe('shop1.myshopify.com');
    expect(referrerHost('https://alice.github.io/gift-guide', 'https://bob.github.io/')).toBe('alice.github.io');
    expect(referrerHost('https://blog.wixsite.com/x', 'https://shop.wixsite.com/')).toBe('blog.wixsite.com');
  });
  it('a shop whose name is three letters or less on a country TLD is still one site with its subdomains (xxl.no, dm.de)', () => {
    // Before 7bad592 (endsWith) these were null; now the site is "checkout.xxl.no" vs "xxl.no".
    expect(referrerHost('https://checkout.xxl.no/pay', 'https://www.xxl.no/thanks')).toBeNull();
    expect(referrerHost('https://login.dm.de/', 'https://shop.dm.de/')).toBeNull();
    expect(channelOf({ referrer: referrerHost('https://checkout.xxl.no/pay', 'https://xxl.no/thanks') })).toBe('direct');
  });
});

describe('PAYMENT: a label that only looks like a provider', () => {
  it('a newsletter or blog named "checkout" / "nets" on another host is a referral', () => {
    expect(referrerHost('https://checkout.substack.com/p/gift-guide', 'https://shop.example/')).toBe('checkout.substack.com');
    expect(referrerHost('https://nets.blogspot.com/2026/11/review.html', 'https://shop.example/')).toBe('nets.blogspot.com');
  });
  it('the rule does not hinge on a hyphen or a digit elsewhere in the host', () => {
    // Same kind of host, opposite answers today: [a-z.]+ stops at '-' and digits.
    const a = referrerHost('https://checkout.gift-blog.com/x', 'https://shop.example/');
    const b = referrerHost('https://checkout.giftblog.com/x', 'https://shop.example/');
    expect(a === null).toBe(b === null);
  });
});
