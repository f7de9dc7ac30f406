/**
 * A fresh page for each script-tag test (jsdom): the loader's module re-imported, the page and
 * its storage emptied, console errors collected, `fetch` answered 200 and recorded. Call it at
 * the top of a test file (or describe block): it registers the hooks and returns live views.
 */
import { afterEach, beforeEach, vi, type Mock } from 'vitest';

export interface FreshTag {
  /** The `console.error` calls of the current test. */
  readonly errors: unknown[][];
  /** The current test's `fetch` stub. */
  readonly fetch: Mock;
  /** Every message the collector posted to a URL ending in `path` (default `/collect`), in order. */
  posted(path?: string): any[];
  /**
   * Runs the tag with `data-plan` whose plan is on its way until the returned `answer` is called
   * with it (a slow connection): what the visitor does meanwhile is the test's.
   */
  latePlan(): Promise<(plan: unknown) => void>;
}

export function freshTag(): FreshTag {
  const w = window as any;
  const state = { errors: [] as unknown[][], fetch: vi.fn() };
  beforeEach(() => {
    vi.resetModules();
    document.head.innerHTML = '';
    document.body.innerHTML = '';
    delete w.measureplan;
    localStorage.clear();
    history.replaceState(null, '', '/');
    state.errors = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => { state.errors.push(a); });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    state.fetch = vi.fn(async () => new Response('{}', { status: 200 }));
    vi.stubGlobal('fetch', state.fetch);
  });
  afterEach(async () => {
    try { await w.measureplan?.shutdown?.(); } catch { /* the tag may not have started */ }
    vi.unstubAllGlobals();
    // Own properties a test put on the document to play a page still loading or a running tag.
    delete (document as any).readyState;
    delete (document as any).currentScript;
  });
  return {
    get errors() { return state.errors; },
    get fetch() { return state.fetch; },
    posted: (path = '/collect') => state.fetch.mock.calls
      .filter(([u]: any) => String(u).endsWith(path))
      .flatMap(([, init]: any) => JSON.parse(init.body).batch as any[]),
    async latePlan() {
      let answer!: (r: Response) => void;
      state.fetch.mockImplementation(async (url: string) => (String(url).endsWith('plan.json') ? new Promise<Response>((r) => { answer = r; }) : new Response('{}')));
      const tag = document.createElement('script');
      tag.setAttribute('data-plan', 'http://localhost:3000/plan.json');
      Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
      await import('../../src/loader/index');
      return (plan: unknown) => answer(new Response(JSON.stringify(plan)));
    },
  };
}

/** The plan inline in the page, as `<script type="application/json" data-measureplan-plan>` holding `text`. */
export function inlinePlan(text: string): void {
  const s = document.createElement('script');
  s.type = 'application/json';
  s.setAttribute('data-measureplan-plan', '');
  s.textContent = text;
  document.head.appendChild(s);
}
