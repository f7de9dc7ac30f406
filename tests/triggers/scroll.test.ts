// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanUp, install, nextTask, plan, planWith } from './helpers';
import type { PlanInput } from '../../src/plan/types';

/** A case study read to the end: 75 % scrolled, once per page. */
const caseStudy = () => plan({ version: 1, name: 'Test', conversions: { case_study_read: { kind: 'micro', trigger: { on: 'scroll', percent: 75 }, limit: 'once_per_page' } } } as PlanInput);

/** A page of `height` px in a window of 800 px, scrolled to `y`; requestAnimationFrame queued by hand. */
let frames: FrameRequestCallback[] = [];
function page(height: number, y = 0) {
  Object.defineProperty(document.documentElement, 'scrollHeight', { configurable: true, get: () => height });
  Object.defineProperty(window, 'innerHeight', { configurable: true, value: 800 });
  scrollTo(y);
}
function scrollTo(y: number) {
  Object.defineProperty(window, 'scrollY', { configurable: true, value: y });
  window.dispatchEvent(new Event('scroll'));
}
const runFrames = () => { for (const f of frames.splice(0)) f(0); };
const originalRaf = window.requestAnimationFrame;

beforeEach(() => { frames = []; window.requestAnimationFrame = (f) => frames.push(f); history.replaceState(null, '', '/customers/fjordkraft'); });
afterEach(() => { cleanUp(); window.requestAnimationFrame = originalRaf; page(0); });

describe('scroll triggers', () => {
  it('tracks case_study_read once the visitor has scrolled to 75% of the page, once per page', () => {
    page(4000);
    const t = install(caseStudy());
    runFrames();
    scrollTo(2000); runFrames(); // (2000 + 800) / 4000 = 70%
    expect(t.calls).toEqual([]);
    scrollTo(2200); runFrames(); // 75%
    expect(t.calls).toEqual([['case_study_read', {}]]);
    scrollTo(3200); runFrames();
    scrollTo(0); scrollTo(3200); runFrames();
    expect(t.calls).toHaveLength(1);
  });

  it('counts percent 100 at the very bottom of a zoomed page, whose scroll position is fractional', () => {
    page(4000);
    const t = install(planWith({ on: 'scroll', percent: 100 }));
    runFrames();
    scrollTo(3198.9); runFrames(); // more than a pixel short
    expect(t.calls).toEqual([]);
    scrollTo(3199.6); runFrames(); // as far down as the page goes: scrollY is not rounded, scrollHeight is
    expect(t.names()).toEqual(['goal']);
  });

  it('does its work once per animation frame however many scroll events arrive', () => {
    page(4000);
    install(caseStudy());
    runFrames();
    for (let y = 0; y < 500; y += 10) scrollTo(y);
    expect(frames).toHaveLength(1);
  });

  it('checks once at install: a short page that is already fully visible counts', () => {
    page(600);
    const t = install(caseStudy());
    expect(t.calls).toEqual([]);
    runFrames();
    expect(t.calls).toEqual([['case_study_read', {}]]);
  });

  it('fires again on the next page after an SPA route change', async () => {
    page(4000, 3200);
    const t = install(caseStudy());
    runFrames();
    expect(t.names()).toEqual(['case_study_read']);
    history.pushState(null, '', '/customers/nordvik');
    page(4000, 0);
    await nextTask();
    runFrames();
    expect(t.names()).toEqual(['case_study_read']);
    scrollTo(3000); runFrames();
    expect(t.names()).toEqual(['case_study_read', 'case_study_read']);
  });

  it("judges an SPA route's page only once the visitor scrolls down on it (SPA QA 2026-12-06)", async () => {
    page(6000, 5200); // read to the bottom
    const t = install(caseStudy());
    runFrames();
    expect(t.names()).toEqual(['case_study_read']);
    history.pushState(null, '', '/customers/nordvik');
    await nextTask();
    runFrames(); // the window still shows the old article at the bottom: no judgement yet
    page(6000, 0); runFrames(); // the router draws the next article and scrolls to the top
    expect(t.names()).toEqual(['case_study_read']);
    scrollTo(1000); runFrames(); // (1000 + 800) / 6000: 30 %
    expect(t.names()).toEqual(['case_study_read']);
    scrollTo(4000); runFrames();
    expect(t.names()).toEqual(['case_study_read', 'case_study_read']);
  });

  it('on an SPA route, a short page counts at the first scroll down, not before', async () => {
    page(600, 0);
    const t = install(caseStudy());
    runFrames();
    expect(t.names()).toEqual(['case_study_read']); // the first page: seen whole without scrolling
    history.pushState(null, '', '/customers/nordvik');
    await nextTask();
    runFrames();
    expect(t.names()).toEqual(['case_study_read']);
    scrollTo(1); runFrames();
    expect(t.names()).toEqual(['case_study_read', 'case_study_read']);
  });

  it('does not count a page that has no height (not laid out, or a test DOM)', () => {
    page(0);
    const t = install(caseStudy());
    runFrames();
    scrollTo(100); runFrames();
    expect(t.calls).toEqual([]);
  });

  it('reads data-* properties from the first element of the page that has the attribute', () => {
    page(1000);
    document.body.innerHTML = `<article data-story="fjordkraft"><p data-story="inner"></p></article>`;
    const t = install(planWith({ on: 'scroll', percent: 50, properties: { story: 'data-story' } }, { story: { type: 'string' } }));
    runFrames();
    expect(t.calls).toEqual([['goal', { story: 'fjordkraft' }]]);
  });

  it('falls back to setTimeout where requestAnimationFrame is missing', async () => {
    (window as any).requestAnimationFrame = undefined;
    page(1000);
    const t = install(caseStudy());
    await new Promise((r) => setTimeout(r, 30));
    expect(t.names()).toEqual(['case_study_read']);
  });

  it('registers a passive scroll listener', () => {
    const added: [string, unknown][] = [];
    const original = window.addEventListener;
    window.addEventListener = function (this: Window, type: string, fn: any, o?: any) { added.push([type, o]); return original.call(this, type, fn, o); } as any;
    try { install(caseStudy()); } finally { window.addEventListener = original; }
    expect(added.filter(([type]) => type === 'scroll')).toEqual([['scroll', { passive: true }]]);
  });
});
