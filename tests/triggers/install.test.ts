// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installTriggers } from '../../src/triggers/index';
import { cleanUp, click, install, nextTask, plan, planWith, submit } from './helpers';

afterEach(() => { cleanUp(); vi.unstubAllGlobals(); });

describe('installTriggers', () => {
  it('stop() removes every listener and observer it added', () => {
    const added = new Map<string, number>();
    const count = (target: EventTarget, label: string) => {
      const add = target.addEventListener, remove = target.removeEventListener;
      vi.spyOn(target, 'addEventListener').mockImplementation(function (this: EventTarget, type: string, fn: any, o?: any) { added.set(`${label}:${type}`, (added.get(`${label}:${type}`) ?? 0) + 1); return add.call(this, type, fn, o); });
      vi.spyOn(target, 'removeEventListener').mockImplementation(function (this: EventTarget, type: string, fn: any, o?: any) { added.set(`${label}:${type}`, added.get(`${label}:${type}`)! - 1); return remove.call(this, type, fn, o); });
    };
    count(window, 'window');
    count(document, 'document');
    const disconnected: string[] = [];
    class IO { observe() {} disconnect() { disconnected.push('io'); } }
    vi.stubGlobal('IntersectionObserver', IO);
    (window as any).IntersectionObserver = IO;
    const mo = vi.spyOn(MutationObserver.prototype, 'disconnect');
    const p = plan('webshop');
    p.conversions.seen = { ...p.conversions.phone_click!, name: 'seen', trigger: { on: 'visible', selector: '.promo' } };
    p.conversions.deep = { ...p.conversions.phone_click!, name: 'deep', trigger: { on: 'scroll', percent: 90 } };
    const t = install(p);
    expect([...added.keys()].sort()).toEqual(['document:click', 'window:measureplan:route', 'window:popstate', 'window:scroll', 'window:submit']);
    t.stop();
    expect([...added.values()].every((n) => n === 0)).toBe(true);
    expect(disconnected.length).toBeGreaterThan(0);
    expect(mo).toHaveBeenCalled();
    delete (window as any).IntersectionObserver;
  });

  it('tracks nothing after stop()', async () => {
    document.body.innerHTML = `<a href="tel:+4722334455">Call</a><form class="newsletter"></form>`;
    const t = install(plan('webshop'));
    t.stop();
    click(document.querySelector('a')!);
    await submit(document.querySelector('form')!);
    history.pushState(null, '', '/pricing');
    await nextTask();
    expect(t.events).toEqual([]);
  });

  it('removes a DOMContentLoaded listener that has not run yet', () => {
    history.replaceState(null, '', '/pricing');
    Object.defineProperty(document, 'readyState', { configurable: true, get: () => 'loading' });
    try {
      const t = install(plan('webshop'));
      t.stop();
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(t.calls).toEqual([]);
    } finally {
      delete (document as any).readyState;
    }
  });

  it('never throws into the page: a failing track() or warn() stays inside', () => {
    document.body.innerHTML = `<a href="tel:+4722334455">Call</a>`;
    history.replaceState(null, '', '/pricing');
    const boom = () => { throw new Error('boom'); };
    let installed: { stop(): void } | undefined;
    expect(() => { installed = installTriggers(plan('webshop'), boom, { warn: boom, onRoute: boom }); }).not.toThrow();
    expect(() => click(document.querySelector('a')!)).not.toThrow();
    expect(() => history.pushState(null, '', '/pricing/teams')).not.toThrow();
    expect(() => installed!.stop()).not.toThrow();
  });

  it('reports a failing track() through warn', () => {
    document.body.innerHTML = `<a href="tel:+4722334455">Call</a>`;
    const warnings: string[] = [];
    const installed = installTriggers(plan('webshop'), () => { throw new Error('boom'); }, { warn: (m) => warnings.push(m) });
    click(document.querySelector('a')!);
    installed.stop();
    expect(warnings).toEqual([expect.stringContaining('boom')]);
  });

  it('tracks conversions whose trigger has no properties with {} and ignores conversions without a trigger', () => {
    history.replaceState(null, '', '/checkout');
    const t = install(plan('webshop'));
    expect(t.calls).toEqual([['begin_checkout', {}]]);
  });

  it('does nothing where there is no window (server-side rendering)', () => {
    vi.stubGlobal('window', undefined);
    const track = vi.fn();
    const installed = installTriggers(planWith({ on: 'page_view', path: '*' }), track);
    expect(track).not.toHaveBeenCalled();
    expect(() => installed.stop()).not.toThrow();
  });
});
