/** Final read of init --from's inline handlers: hostile and realistic pages. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { readPage } from '../../src/cli/tags/page';
import { ensureBuilt, run, tempDir } from './helpers';

const tmp = tempDir();
const draft = (name: string, html: string) => {
  writeFileSync(join(tmp.dir, name), html);
  const r = run(['init', '--from', name, '--out', `${name}.plan.json`], { cwd: tmp.dir });
  expect(r.code, r.stderr).toBe(0);
  const plan = JSON.parse(readFileSync(join(tmp.dir, `${name}.plan.json`), 'utf8'));
  expect(parsePlan(plan).ok).toBe(true);
  return { r, plan };
};
const HEAD = `<!doctype html><html><head><script>gtag('config', 'G-F1X2Y3Z4W5');</script></head><body>`;
const handlers = (html: string) => readPage(html).scripts.filter((s) => s.handler).map((s) => s.text);

describe('inline handlers, final read', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(() => tmp.remove());
  it('a commented-out handler after the page\'s last script is not read', () => {
    expect(handlers(`${HEAD}<!-- <a href="mailto:x@example.com" onclick="gtag('event', 'old_mail')">x</a> --></body></html>`)).toEqual([]);
  });

  it('a handler as text (in a textarea, a noscript, a style or a title) is not read', () => {
    expect(handlers(`${HEAD}<textarea><button onclick="gtag('event', 'a')">x</button></textarea><noscript><a onclick="gtag('event', 'b')">x</a></noscript>
<style>a::after { content: ' onclick="gtag(1)"'; }</style><title>Use onclick="gtag()"</title></body></html>`)).toEqual([]);
  });

  it('a handler written with numeric character references (WordPress and PHP write a quote as &#039;) is read', () => {
    expect(handlers(`${HEAD}<button onclick="gtag(&#039;event&#039;, &#039;quote_request&#039;)">Q</button><button onclick='gtag(&#x22;event&#x22;, &#X22;b&#x22;)'>Q</button></body></html>`))
      .toEqual([`gtag('event', 'quote_request')`, 'gtag("event", "b")']);
  });

  it('two actions on phone links are no shared trigger: a trigger on every phone link would count each call as both', () => {
    const { plan } = draft('calls.html', `${HEAD}<header><a href="tel:+4722334455" onclick="gtag('event', 'header_call')">Call</a></header>
<footer><a href="tel:+4722334455" onclick="gtag('event', 'footer_call')">Call</a></footer></body></html>`);
    expect(Object.keys(plan.conversions).sort()).toEqual(['footer_call', 'header_call']);
    expect(plan.conversions.header_call.trigger).toBeUndefined();
    expect(plan.conversions.footer_call.trigger).toBeUndefined();
  });

  it('text whose lower case is longer (Turkish İ) before a script does not shift the script\'s text', () => {
    const p = readPage(`<p>İstanbul İzmir İİİİ</p><script>gtag('event', 'x')</script>`);
    expect(p.scripts.map((s) => s.text)).toEqual([`gtag('event', 'x')`]);
  });
});
