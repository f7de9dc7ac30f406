// The stub snippet, to paste before the measureplan script tag (minified copy: stub.min.js).
// It defines window.measureplan as a queue, so calls made before the file has loaded are kept
// and replayed in order once it has.
!function (w, n) {
  if (w[n]) return;
  var q = [], m = w[n] = { q: q };
  ['track', 'page', 'identify', 'consent', 'experiment', 'flush', 'on'].forEach(function (k) {
    m[k] = function () { q.push([k, [].slice.call(arguments)]); };
  });
}(window, 'measureplan');
