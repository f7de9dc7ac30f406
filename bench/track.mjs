// `node bench/track.mjs` (run by hand, never as a timed test): in headless Chromium, with the
// webshop plan and every adapter present in the repository,
//   - the cost of track() per call: 10,000 back to back, and 1,000 spaced out;
//   - a 10,000-event burst to a local collector: all delivered within 5 s? duplicates? long tasks?
//   - 20 events tracked just before navigating away, and before closing the tab.
// Prints a table and writes bench/results/track-<date>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildTestBundle } from '../tests/support/bundle.mjs';
import { startServer } from '../tests/support/server.mjs';
import { launch } from '../tests/support/browser.mjs';
import { countingFakesFor, OFFLINE } from '../tests/support/vendor-fakes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(root, 'node_modules/.cache/measureplan-bench');
mkdirSync(out, { recursive: true });

// One bundle with the tracker and every adapter folder that exists (or those named by --adapters=).
const only = process.argv.find((a) => a.startsWith('--adapters='))?.slice(11).split(',');
const adapterNames = await buildTestBundle(out, { only, minify: process.env.MINIFY !== '0' });
const plan = JSON.parse(readFileSync(join(root, 'examples/plans/webshop.json'), 'utf8'));
plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
// Page experience is measured on its own (docs/page-experience.md): its web_vital messages would
// mix with the conversions the delivery checks below count.
delete plan.vitals;
writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
writeFileSync(join(out, 'index.html'), `<!doctype html><html><head><title>bench</title></head><body><h1>bench</h1>
<script src="/bundle.js"></script>
<script>
  window.longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  window.start = async (options = {}) => {
    const plan = await (await fetch('/plan.json')).json();
    window.tracker = MP.createTracker({ plan, adapters: MP.adapterNames.map((n) => MP[n](n === 'collector' ? options.collector : undefined)) });
    // This page's visitor: the collector counts only its messages (an earlier page's last beacons may still arrive).
    const off = window.tracker.on('event', ({ event }) => { window.visitor = event.anonymousId; off(); });
  };
  window.item = (i) => ({ item_id: 'SKU-' + (i % 50), item_name: 'Tent ' + (i % 50), value: 100 + (i % 7), quantity: 1 });
</script></body></html>`);
// The real script tag, inlined so that its evaluation is timed without the network.
const iife = readFileSync(join(root, 'dist/measureplan.iife.js'), 'utf8');
writeFileSync(join(out, 'load.html'), `<!doctype html><html><head><title>load</title>
<script>window.__lt = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push(e.duration); }).observe({ type: 'longtask', buffered: true }); window.__t0 = performance.now();</script>
<script data-plan="/plan.json">${iife.replace(/<\/script/g, '<\\/script')}</script>
<script>window.__t1 = performance.now(); measureplan.ready.then(() => { const ready = performance.now(); setTimeout(() => console.log('measureplan-bench ' + JSON.stringify({ evalMs: window.__t1 - window.__t0, readyMs: ready - window.__t0, longTasks: window.__lt })), 1000); });</script>
</head><body><p>load</p></body></html>`);
// The same tag loaded as the README's snippet loads it, from its own URL: Chromium then parses it
// on a background thread while the page goes on, and the main thread only runs it. Its cost on the
// main thread is read from a trace: wall time, and the thread's CPU time (on this shared 2-core
// machine the main thread is often descheduled, so the wall time is up to twice the CPU time).
writeFileSync(join(out, 'measureplan.iife.js'), iife);
writeFileSync(join(out, 'load-src.html'), `<!doctype html><html><head><title>load</title>
<script src="/measureplan.iife.js" data-plan="/plan.json"></script>
<script>measureplan.ready.then(() => setTimeout(() => console.log('measureplan-bench ready'), 300));</script>
</head><body><p>load</p></body></html>`);
// The same page without the tag: the long tasks the browser's own navigation takes here.
writeFileSync(join(out, 'empty.html'), `<!doctype html><html><head><title>load</title>
<script>addEventListener('load', () => setTimeout(() => console.log('measureplan-bench ready'), 400));</script>
</head><body><p>load</p></body></html>`);
writeFileSync(join(out, 'other.html'), '<!doctype html><title>other</title><p>next page</p>');

const server = await startServer({ root: out });
/** Messages of one visitor at the collector: distinct ids, and repeats. */
const of = (visitor) => {
  const ids = server.received.filter((r) => r.body?.anonymousId === visitor).map((r) => r.id);
  return { unique: new Set(ids).size, duplicates: ids.length - new Set(ids).size };
};
const browser = await launch({ args: [OFFLINE] });
const results = { date: new Date().toISOString(), chromium: browser.version(), adapters: adapterNames, node: process.version };
/** Main-thread trace events of a run: `fn` runs while Chromium traces the page. */
async function traced(page, fn) {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.gc'] });
  const value = await fn();
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  return { value, events };
}
/** The tasks of the page's main thread (the renderer main thread that ran the most): longest first. */
const mainTasks = (events) => {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.name === 'RunTask' && e.tdur !== undefined && mains.has(`${e.pid}:${e.tid}`));
  const cpu = {};
  for (const t of tasks) cpu[`${t.pid}:${t.tid}`] = (cpu[`${t.pid}:${t.tid}`] ?? 0) + t.tdur;
  const busiest = Object.entries(cpu).sort((a, b) => b[1] - a[1])[0]?.[0];
  return tasks.filter((t) => `${t.pid}:${t.tid}` === busiest).sort((a, b) => b.dur - a.dur);
};
/**
 * The main thread's tasks over 50 ms, each with the time measureplan's own code ran in it: the
 * tag's evaluation and every call into its functions (`EvaluateScript` / `FunctionCall` events
 * whose script is the tag), outermost only.
 */
const longTasksWith = (events, isTag) => mainTasks(events).filter((t) => t.dur > 50_000).map((t) => {
  const inside = events.filter((e) => e.tid === t.tid && e.pid === t.pid && (e.name === 'EvaluateScript' || e.name === 'FunctionCall') && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && isTag(e.args?.data?.url ?? ''));
  const outer = inside.filter((e) => !inside.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur));
  return { wallMs: t.dur / 1000, cpuMs: t.tdur / 1000, measureplanMs: outer.reduce((a, e) => a + e.dur, 0) / 1000 };
});
/** Garbage collection inside an event (same thread, within its time): count and wall ms. */
const gcWithin = (events, outer) => {
  const gcs = events.filter((e) => (e.name === 'MinorGC' || e.name === 'MajorGC') && e.tid === outer.tid && e.ts >= outer.ts && e.ts + e.dur <= outer.ts + outer.dur);
  return { count: gcs.length, ms: gcs.reduce((a, e) => a + e.dur, 0) / 1000 };
};
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))]; return { mean: s.reduce((a, b) => a + b, 0) / s.length, median: q(0.5), p95: q(0.95) }; };

async function freshPage() {
  // The vendors' tags are answered by local fakes that take over their queues, as the real ones do
  // (through the page's DevTools session, which pauses only the vendors' requests).
  const context = await browser.newContext();
  const page = await context.newPage();
  await countingFakesFor(context, page);
  await page.goto(server.url + '/');
  return { context, page };
}

// 0. loading the script tag: evaluation, time to ready, long tasks (until a second after ready)
{
  const runs = [];
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await countingFakesFor(context, page);
    // The page reports by console, a second after ready: page.evaluate would inject Playwright's
    // own script, a long task of its own on a slow machine, into the window being measured.
    const report = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('measureplan-bench '), timeout: 30_000 });
    await page.goto(server.url + '/load.html');
    runs.push(JSON.parse((await report).text().slice('measureplan-bench '.length)));
    await context.close();
  }
  results.load = { runs: runs.length, evalMsMedian: med(runs.map((r) => r.evalMs)), readyMsMedian: med(runs.map((r) => r.readyMs)), longTasksMs: runs.flatMap((r) => r.longTasks) };
  // Loaded from its URL: EvaluateScript of the tag on the main thread, and the parse off it.
  const src = [];
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await countingFakesFor(context, page);
    const { events } = await traced(page, async () => {
      const ready = page.waitForEvent('console', { predicate: (m) => m.text() === 'measureplan-bench ready', timeout: 30_000 });
      await page.goto(server.url + '/load-src.html');
      await ready;
    });
    const run = events.find((e) => e.name === 'EvaluateScript' && e.args?.data?.url?.endsWith('/measureplan.iife.js'));
    const parse = events.filter((e) => e.name === 'v8.parseOnBackground' && JSON.stringify(e.args ?? {}).includes('measureplan.iife.js'));
    if (run) src.push({ wallMs: run.dur / 1000, cpuMs: (run.tdur ?? NaN) / 1000, backgroundParseMs: parse.reduce((a, e) => a + e.dur, 0) / 1000, longTasks: longTasksWith(events, (url) => url.endsWith('/measureplan.iife.js')) });
    await context.close();
  }
  // The same loads without the tag: long tasks that are the browser's own.
  const bare = [];
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { events } = await traced(page, async () => {
      const ready = page.waitForEvent('console', { predicate: (m) => m.text() === 'measureplan-bench ready', timeout: 30_000 });
      await page.goto(server.url + '/empty.html');
      await ready;
    });
    bare.push(...longTasksWith(events, () => false));
    await context.close();
  }
  const long = src.flatMap((r) => r.longTasks);
  results.load.fromUrl = { runs: src.length, wallMsMedian: med(src.map((r) => r.wallMs)), cpuMsMedian: med(src.map((r) => r.cpuMs)), backgroundParseMsMedian: med(src.map((r) => r.backgroundParseMs)),
    longTasks: long, longTasksWithMeasureplan: long.filter((t) => t.measureplanMs > 0), longTasksWithoutTag: bare };
}

// 1. track() cost, with the journey at work: add_to_cart is step 2 of the plan's checkout funnel
// and fills the cart (cart abandonment), and the visitor is in the free-shipping experiment, so
// every conversion carries its variant. Three pages time the loop untraced (the mean is the
// median of their three means; tracing itself costs the loop about a quarter), a fourth runs it
// traced, for the main thread's CPU time and garbage collections.
/** A fresh page, the journey at work and checked, 500 calls of warm-up and the loop's 10,000 properties made. */
async function loopPage() {
  const { context, page } = await freshPage();
  await page.evaluate(() => window.start({ collector: { flushInterval: 60_000 } }));
  const journey = await page.evaluate(() => {
    const variant = window.tracker.variant('free_shipping_banner');
    let seen;
    const off = window.tracker.on('event', ({ event }) => { seen = event; });
    window.tracker.track('add_to_cart', window.item(0));
    off();
    return { variant, experiments: seen?.experiments, funnel: seen && `${seen.properties.funnel} ${seen.properties.funnel_step}/${seen.properties.funnel_steps}`, cartItems: window.tracker.cart().items.length };
  });
  if (!journey.experiments || !journey.funnel?.startsWith('checkout') || !journey.cartItems) throw new Error(`the journey is not at work: ${JSON.stringify(journey)}`);
  await page.evaluate(() => {
    for (let i = 0; i < 500; i++) window.tracker.track('add_to_cart', window.item(i)); // warm up
    window.props = Array.from({ length: 10_000 }, (_, i) => window.item(i));
  });
  return { context, page, journey };
}
/** 10,000 calls back to back in one task, timed in chunks of 100. */
const loop = (page) => page.evaluate(() => {
  const t = window.tracker;
  const props = window.props;
  const chunks = [];
  const t0 = performance.now();
  for (let c = 0; c < 100; c++) {
    const s = performance.now();
    for (let i = c * 100; i < c * 100 + 100; i++) t.track('add_to_cart', props[i]);
    chunks.push(((performance.now() - s) * 1000) / 100);
  }
  const total = performance.now() - t0;
  return { meanUs: (total * 1000) / 10_000, chunks, resolutionIsolated: crossOriginIsolated };
});
{
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { context, page, journey } = await loopPage();
    results.journey = journey;
    runs.push(await loop(page));
    await context.close();
  }
  const { context, page } = await loopPage();
  const { value: tr, events } = await traced(page, () => loop(page));
  // The task that ran the loop: the longest on the page's main thread while tracing.
  const task = mainTasks(events)[0];
  if (process.env.CHUNKS) for (const r of runs) console.log(r.chunks.map((c) => c.toFixed(0)).join(' '));
  const gc = task ? gcWithin(events, task) : { count: NaN, ms: NaN };
  results.backToBack = { calls: 10_000, meanUs: med(runs.map((r) => r.meanUs)), runsMeanUs: runs.map((r) => r.meanUs), per100: stats(runs.flatMap((r) => r.chunks)), crossOriginIsolated: runs[0].resolutionIsolated,
    // From the traced run: its mean, the loop's task in wall time and in the main thread's CPU time, and its garbage collections.
    tracedMeanUs: tr.meanUs, taskWallUs: task ? task.dur / 10_000 : NaN, taskCpuUs: task ? task.tdur / 10_000 : NaN, gcCount: gc.count, gcUsPerCall: (gc.ms * 1000) / 10_000 };
  const spaced = await page.evaluate(async () => {
    const t = window.tracker;
    const times = [];
    for (let i = 0; i < 1000; i++) {
      await new Promise((res) => setTimeout(res, 1));
      const p = window.item(i);
      const s = performance.now();
      t.track('add_to_cart', p);
      times.push((performance.now() - s) * 1000);
    }
    return times;
  });
  results.spaced = { calls: 1000, ...stats(spaced) };
  await context.close();
}

// 2. a 10,000-event burst to the local collector
{
  const { context, page } = await freshPage();
  // In the experiment too; its exposure (experiment_viewed) is delivered before the count starts.
  await page.evaluate(async () => { await window.start(); window.tracker.variant('free_shipping_banner'); await window.tracker.flush(); });
  server.reset();
  // The heap after a full garbage collection, before the burst and once it is delivered: what the
  // burst leaves behind (the collector's queue, dispatch buffers), not when V8 last collected.
  const cdp = await context.newCDPSession(page);
  const liveHeap = async () => { await cdp.send('HeapProfiler.collectGarbage'); return (await cdp.send('Runtime.getHeapUsage')).usedSize; };
  const heapBefore = await liveHeap();
  const before = await page.evaluate(() => window.longTasks.length);
  const t0 = Date.now();
  await page.evaluate(async () => {
    // 10 tasks of 1,000 calls: a page's own burst, not one 10,000-call task of the benchmark's making.
    for (let c = 0; c < 10; c++) {
      for (let i = 0; i < 1000; i++) window.tracker.track('phone_click');
      await new Promise((r) => setTimeout(r, 0));
    }
  });
  const visitor = await page.evaluate(() => window.visitor);
  while (of(visitor).unique < 10_000 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  const deliveredMs = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 500));
  const longTasks = await page.evaluate((n) => window.longTasks.slice(n), before);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null);
  const heapAfter = await liveHeap();
  // gtag.js keeps every command pushed to the page's dataLayer for the page's life (so does GTM):
  // 10,000 GA4 events are most of what stays. Emptied last, to tell measureplan's own share.
  const dataLayer = await page.evaluate(() => { const n = window.dataLayer?.length ?? 0; if (window.dataLayer) window.dataLayer.length = 0; return n; });
  const heapWithoutDataLayer = await liveHeap();
  const got = of(visitor);
  results.burst = { events: 10_000, unique: got.unique, duplicates: got.duplicates, deliveredMs, withinFiveSeconds: got.unique === 10_000 && deliveredMs <= 5000, longTasksMs: longTasks, heapBytes: heap, liveHeapBefore: heapBefore, liveHeapAfter: heapAfter, dataLayerEntries: dataLayer, liveHeapWithoutDataLayer: heapWithoutDataLayer };
  await context.close();
}

// 2b. the same burst's page tasks, traced (a page of its own: tracing slows delivery): for each of
// the 10 tasks of 1,000 calls, its wall time and the main thread's CPU time. On this machine the
// main thread shares two cores with the browser's other processes and the local collector, so a
// task's wall time can be several times its CPU time.
{
  const { context, page } = await freshPage();
  await page.evaluate(async () => { await window.start(); window.tracker.variant('free_shipping_banner'); await window.tracker.flush(); });
  const { events } = await traced(page, () => page.evaluate(async () => {
    for (let c = 0; c < 10; c++) {
      for (let i = 0; i < 1000; i++) window.tracker.track('phone_click');
      await new Promise((r) => setTimeout(r, 0));
    }
  }));
  // The longest tasks of the page's main thread: its tasks of 1,000 calls (the tracker's own are a few ms each).
  const tasks = mainTasks(events).slice(0, 3);
  results.burstTraced = { longestTasks: tasks.map((t) => ({ wallMs: t.dur / 1000, cpuMs: t.tdur / 1000, gcMs: gcWithin(events, t).ms })) };
  await context.close();
}

// 3. 20 events just before leaving: a navigation, and closing the tab
for (const how of ['navigate', 'close']) {
  server.reset();
  const { context, page } = await freshPage();
  await page.evaluate(() => window.start());
  const visitor = await page.evaluate((how) => {
    for (let i = 0; i < 20; i++) window.tracker.track('phone_click');
    if (how === 'navigate') location.href = '/other.html';
    return window.visitor;
  }, how);
  if (how === 'close') await page.close({ runBeforeUnload: true });
  else await page.waitForURL('**/other.html');
  const t0 = Date.now();
  while (of(visitor).unique < 20 && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  results[`leave_${how}`] = { tracked: 20, ...of(visitor) };
  await context.close();
}

await browser.close();
await server.close();

const f = (n) => (typeof n === 'number' ? n.toFixed(2) : String(n));
console.log(`\nmeasureplan track() benchmark — Chromium ${results.chromium}, adapters: ${results.adapters.join(', ')}`);
console.table({
  'script tag load, inline (median of 7)': { evaluation_ms: f(results.load.evalMsMedian), ready_ms: f(results.load.readyMsMedian), long_tasks: results.load.longTasksMs.map((d) => Math.round(d)).join(' ') || 'none' },
  'script tag load, from its URL (median of 7)': { evaluation_ms: `${f(results.load.fromUrl.wallMsMedian)} (CPU ${f(results.load.fromUrl.cpuMsMedian)})`, ready_ms: '', long_tasks: `parsed off the main thread in ${f(results.load.fromUrl.backgroundParseMsMedian)} ms` },
  'long tasks in those 7 loads (traced)': { evaluation_ms: '', ready_ms: '', long_tasks: `${results.load.fromUrl.longTasks.map((t) => Math.round(t.wallMs)).join(' ') || 'none'}; with measureplan's code in them: ${results.load.fromUrl.longTasksWithMeasureplan.map((t) => `${Math.round(t.wallMs)} (its code ${f(t.measureplanMs)} ms)`).join(' ') || 'none'}` },
  'the same page without the tag (7 loads)': { evaluation_ms: '', ready_ms: '', long_tasks: results.load.fromUrl.longTasksWithoutTag.map((t) => Math.round(t.wallMs)).join(' ') || 'none' },
});
console.log(`journey at work during track(): funnel ${results.journey.funnel}, experiment ${JSON.stringify(results.journey.experiments)}, cart of ${results.journey.cartItems}`);
console.table({
  'track() back to back (10,000)': { mean_us: f(results.backToBack.meanUs), median_us: f(results.backToBack.per100.median), p95_us: f(results.backToBack.per100.p95), note: `median of 3 pages' means (${results.backToBack.runsMeanUs.map(f).join(', ')}); median/p95 over 100-call chunks` },
  'track() back to back, traced': { mean_us: `${f(results.backToBack.taskWallUs)} (CPU ${f(results.backToBack.taskCpuUs)})`, median_us: '', p95_us: '', note: `of which GC ${f(results.backToBack.gcUsPerCall)} µs (${results.backToBack.gcCount} collections)` },
  'track() spaced (1,000)': { mean_us: f(results.spaced.mean), median_us: f(results.spaced.median), p95_us: f(results.spaced.p95), note: `per call; isolated timer: ${results.backToBack.crossOriginIsolated}` },
});
console.table({
  'burst 10,000 → collector': { delivered: results.burst.unique, duplicates: results.burst.duplicates, ms: results.burst.deliveredMs, within_5s: results.burst.withinFiveSeconds, long_tasks: results.burst.longTasksMs.map((d) => Math.round(d)).join(' ') || 'none' },
  'burst, its 3 longest tasks (traced run)': { delivered: '', long_tasks: results.burstTraced.longestTasks.map((t) => `${Math.round(t.wallMs)} (CPU ${Math.round(t.cpuMs)}, GC ${Math.round(t.gcMs)})`).join(' ') },
  'heap after the burst': { delivered: results.burst.heapBytes ? `${(results.burst.heapBytes / 1048576).toFixed(1)} MB used` : 'n/a', after_full_gc: `${(results.burst.liveHeapBefore / 1048576).toFixed(2)} → ${(results.burst.liveHeapAfter / 1048576).toFixed(2)} MB (${results.burst.liveHeapAfter >= results.burst.liveHeapBefore ? '+' : ''}${Math.round((results.burst.liveHeapAfter - results.burst.liveHeapBefore) / 1024)} KB; ${Math.round((results.burst.liveHeapWithoutDataLayer - results.burst.liveHeapBefore) / 1024)} KB without the ${results.burst.dataLayerEntries} dataLayer entries gtag.js keeps)` },
  '20 then navigate': { delivered: results.leave_navigate.unique, duplicates: results.leave_navigate.duplicates },
  '20 then close tab': { delivered: results.leave_close.unique, duplicates: results.leave_close.duplicates },
});
mkdirSync(join(here, 'results'), { recursive: true });
const file = join(here, 'results', `track-${results.date.slice(0, 10)}.json`);
writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
console.log(`written to ${file}`);
