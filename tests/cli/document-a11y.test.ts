/**
 * Accessibility review (QA `a11y`, findings 3, 4 and 5): the plan document (`measureplan docs
 * --format html`) with right-to-left descriptions, on a phone, and printed on A4.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml, renderMarkdown } from '../../src/cli/document';
import { planDocument } from '../../src/cli/plan-document';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { example } from '../plan/fixtures';

const NAME = 'متجر فيلسبورت (تجريبي)!';
const CHECKOUT = 'بدأ الدفع (الخطوة 1).';
const FUNNEL = 'من صفحة المنتج إلى طلب مدفوع (7 أيام).';
const BANNER = 'عرض الشحن المجاني (شريط علوي).';
const PROPERTY = 'رقم الطلب (فريد).';

const input: Record<string, any> = example('webshop');
input.name = NAME;
input.conversions.begin_checkout.description = CHECKOUT;
input.conversions.purchase.properties.transaction_id.description = PROPERTY;
input.funnels.checkout.description = FUNNEL;
input.experiments.free_shipping_banner.description = BANNER;
const plan = (parsePlan(input) as { plan: Plan }).plan;
const doc = planDocument(plan, 'plans/ar.json');
const html = renderHtml(doc);
const css = /<style>\n([^]*)\n<\/style>/.exec(html)![1]!;
const print = /@media print \{([^]*)\n\}/.exec(css)?.[1] ?? '';

describe('finding 4: the plan\'s own words are isolated from the document\'s', () => {
  it('an element that holds only the plan\'s text takes its direction from it', () => {
    expect(html).toContain(`<h1 dir="auto">${NAME}</h1>`); // a block alone keeps the page's base direction (intl QA 2026-12-07)
    expect(html).toContain(`<td dir="auto">${CHECKOUT}</td>`);
    expect(html).toContain(`<p dir="auto">${FUNNEL}</p>`);
    expect(html).toContain(`<td dir="auto">${BANNER}</td>`);
  });

  it('the plan\'s text inside a sentence of the document is in <bdi>', () => {
    expect(html).toContain(`<li><code>begin_checkout</code>: <bdi>${CHECKOUT}</bdi></li>`);
    expect(html).toContain(`: <bdi>${PROPERTY}</bdi></td>`);
  });

  it('the document\'s own words get no direction of their own, and Markdown is as before', () => {
    expect(html).toContain('<h2 id="goals">Business goals</h2>');
    const md = renderMarkdown(doc);
    expect(md.startsWith(`# ${NAME}\n`)).toBe(true);
    expect(md).toContain(`1. \`view_item\`: `);
    expect(md).not.toMatch(/[\u2066-\u2069]|<bdi|dir=/);
  });
});

describe('finding 5: reflow at 320 px', () => {
  it('the contents links have white space between them, so the line can wrap between links', () => {
    const nav = /<nav aria-label="Contents">(.*?)<\/nav>/s.exec(html)![1]!;
    expect(nav).toMatch(/<\/a>\s+<a /);
    expect(nav).not.toMatch(/<\/a><a /);
    expect(css).toMatch(/nav a \{[^}]*white-space: nowrap/);
  });

  it('a wide table scrolls in its own named, focusable box instead of the page', () => {
    const tables = html.match(/<table>/g)!.length;
    expect(html.match(/<div class="table" role="region" tabindex="0" aria-label="[^"]+">\n<table>/g)).toHaveLength(tables);
    expect(css).toMatch(/\.table \{ overflow-x: auto;/);
    expect(css).toMatch(/main \{[^}]*overflow-wrap: break-word/);
  });
});

describe('finding 3: printed on A4, every column is on the page', () => {
  it('the print stylesheet lets headers wrap and cells and names break anywhere, out of the scroll box', () => {
    expect(print).toMatch(/\.table \{ overflow: visible; \}/);
    expect(print).toMatch(/th \{ white-space: normal; \}/);
    expect(print).toMatch(/th, td \{[^}]*overflow-wrap: anywhere;/);
    expect(print).toMatch(/code \{[^}]*overflow-wrap: anywhere;/);
    expect(print).toMatch(/thead \{ display: table-header-group; \}/);
    expect(print).toMatch(/h1, h2, h3 \{ break-after: avoid;/);
  });
});
