// The stub snippet, to paste before the measureplan script tag (minified copy: stub.min.js).
// It defines window.measureplan as a queue, so calls made before the file has loaded are kept
// and replayed in order once it has. Every method of the tag is there, so none throws before
// the file has loaded: the questions (clickIds, variant, funnel, cart) answer undefined until
// then (the tag does not replay them), linkUrl the address as given, and `ready` settles with the tag's.
!function (w, n) {
  // Already there (the snippet pasted twice, or the tag itself); a foreign `measureplan` (an
  // element with that id, another script's object) is replaced, so that no call throws.
  if (w[n] && (w[n].q || w[n].loaded)) return;
  var q = [], m = w[n] = { q: q };
  m.ready = new Promise(function (r) { m.r = r; });
  ['track', 'page', 'identify', 'consent', 'experiment', 'flush', 'on', 'shutdown', 'clickIds', 'variant', 'funnel', 'cart'].forEach(function (k) {
    m[k] = function () { q.push([k, [].slice.call(arguments)]); };
  });
  // An address the page's script goes to comes back as given until the tag is in (never "undefined").
  m.linkUrl = function (u) { return u; };
}(window, 'measureplan');
