// Local stand-ins for the vendors' official tags, for tests and benchmarks in a browser that may
// only reach 127.0.0.1. Each fake takes over its vendor's queue the way the real library does
// (gtag.js takes over dataLayer.push, fbevents.js sets fbq.callMethod, insight.min.js replaces
// lintrk, bat.js provides the UET constructor) and records every command in
// `window.__vendorCommands[vendor]`. Every request to a vendor host is recorded too.

const RECORD = `window.__vendorCommands = window.__vendorCommands || { gtag: [], fbq: [], lintrk: [], uetq: [] };
  var rec = function (vendor, args) { window.__vendorCommands[vendor].push(JSON.parse(JSON.stringify(Array.prototype.slice.call(args)))); };`;
// Benchmarks only count, so that the fakes' own work does not show up as the SDK's cost.
const COUNT = `window.__vendorCounts = window.__vendorCounts || { gtag: 0, fbq: 0, lintrk: 0, uetq: 0 };
  var rec = function (vendor) { window.__vendorCounts[vendor]++; };`;

const fakes = (record) => ({
  'www.googletagmanager.com/gtag/js': `(function(){ ${record}
    var dl = window.dataLayer = window.dataLayer || [];
    if (dl.__fake) return; dl.__fake = true;
    for (var i = 0; i < dl.length; i++) rec('gtag', dl[i]);
    dl.push = function () { for (var j = 0; j < arguments.length; j++) { rec('gtag', arguments[j]); Array.prototype.push.call(dl, arguments[j]); } return dl.length; };
  })();`,
  'connect.facebook.net/en_US/fbevents.js': `(function(){ ${record}
    var f = window.fbq; if (!f || f.callMethod) return;
    f.callMethod = function () { rec('fbq', arguments); };
    var q = f.queue.splice(0); for (var i = 0; i < q.length; i++) f.callMethod.apply(f, q[i]);
  })();`,
  'snap.licdn.com/li.lms-analytics/insight.min.js': `(function(){ ${record}
    var q = (window.lintrk && window.lintrk.q) || [];
    window.lintrk = function (a, b) { rec('lintrk', [a, b]); };
    for (var i = 0; i < q.length; i++) window.lintrk(q[i][0], q[i][1]);
  })();`,
  'bat.bing.com/bat.js': `(function(){ ${record}
    window.UET = function (o) { this.options = { ti: o.ti, enableAutoSpaTracking: o.enableAutoSpaTracking }; rec('uetq', ['new UET', this.options]); var q = o.q || []; for (var i = 0; i < q.length; i++) rec('uetq', [q[i]]); };
    window.UET.prototype.push = function () { rec('uetq', arguments); };
  })();`,
});
export const FAKES = fakes(RECORD);
export const COUNTING_FAKES = fakes(COUNT);

export const VENDOR_HOSTS = ['googletagmanager.com', 'google-analytics.com', 'analytics.google.com', 'doubleclick.net', 'google.com', 'facebook.net', 'facebook.com', 'licdn.com', 'linkedin.com', 'bing.com'];
export const isVendorHost = (hostname) => VENDOR_HOSTS.some((h) => hostname === h || hostname.endsWith('.' + h));

/**
 * Answers the vendors' script URLs with the recording fakes in a Playwright browser context and
 * aborts every other request that leaves 127.0.0.1. Returns the list of vendor requests seen.
 */
export async function installVendorFakes(context, { count = false } = {}) {
  const scripts = count ? COUNTING_FAKES : FAKES;
  const requests = [];
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => {
    const url = new URL(route.request().url());
    if (isVendorHost(url.hostname)) requests.push(url.href);
    const fake = scripts[url.hostname + url.pathname];
    if (fake) return route.fulfill({ status: 200, contentType: 'text/javascript', body: fake, headers: { 'cross-origin-resource-policy': 'cross-origin' } });
    return route.abort();
  });
  return { requests };
}

/** The commands each fake received, read from the page. */
export const vendorCommands = (page) => page.evaluate(() => window.__vendorCommands ?? { gtag: [], fbq: [], lintrk: [], uetq: [] });
