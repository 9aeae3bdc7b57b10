/* Injected by `policysite serve` only. Reloads the page after a rebuild, swaps stylesheets after a
 * CSS-only change, and shows build errors in an overlay until they are fixed. */
(function () {
  'use strict';
  var overlay = null;
  function showErrors(errors) {
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'policysite-error-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#141414;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem';
      document.body.appendChild(overlay);
    }
    overlay.innerHTML = '';
    var h = document.createElement('h2');
    h.textContent = 'Build failed: the page shows the last good build';
    h.style.cssText = 'color:#ffb4a8;font:bold 18px system-ui,sans-serif;margin:0 0 1rem';
    overlay.appendChild(h);
    errors.forEach(function (e) {
      var p = document.createElement('pre');
      p.style.cssText = 'white-space:pre-wrap;margin:0 0 1rem;color:#fff';
      p.textContent = e.location + ': ' + e.message + (e.help ? '\n  help: ' + e.help : '');
      p.setAttribute('data-error-location', e.location);
      overlay.appendChild(p);
    });
  }
  function clearErrors() { if (overlay) { overlay.remove(); overlay = null; } }
  var source = new EventSource('/__policysite/events');
  var hadError = false;
  source.addEventListener('reload', function () { location.reload(); });
  source.addEventListener('css', function () {
    document.querySelectorAll('link[rel=stylesheet]').forEach(function (l) {
      var u = new URL(l.href); u.searchParams.set('v', Date.now()); l.href = u.toString();
    });
  });
  source.addEventListener('error', function (ev) {
    if (!ev.data) return; // connection error, not a build error: EventSource retries by itself
    hadError = true;
    showErrors(JSON.parse(ev.data).errors);
  });
  source.addEventListener('ok', function () { if (hadError) { hadError = false; clearErrors(); } });
  window.__policysiteLiveReload = source;
})();
