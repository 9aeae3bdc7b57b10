/* Every page: training progress from the codes this browser holds, and the print header's date and
 * link targets. Reads window.POLICYSITE (assets/site-data.js) and localStorage "policysite.codes.v1"
 * (quiz id → {email, code, earned, revision}, written by quiz.js). Nothing leaves the browser.
 * Hooks: [data-progress] (a panel: [data-progress-summary], [data-progress-list]), its
 * data-progress="module:QUIZ" form (shown once this browser holds QUIZ's code), and
 * [data-module-required="QUIZ"] cards (marked done). window.PolicysiteProgress.state() for tests. */
(function () {
  'use strict';
  var site = window.POLICYSITE;
  var root = document.documentElement.getAttribute('data-root') || '';
  function iso(d) { return d.toISOString().slice(0, 10); }
  function addDays(day, n) { return iso(new Date(Date.parse(day + 'T00:00:00Z') + n * 86400000)); }
  /* Today in the site's time zone (site.yaml `time_zone`), as quiz.js dates codes and `policysite
   * verify` counts them; UTC without one (the same rule as PolicysiteCode.todayISO). */
  function todayISO() {
    var zone = site && site.time_zone;
    if (zone && zone !== 'UTC' && window.Intl && Intl.DateTimeFormat) {
      try {
        var p = {};
        new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
          .formatToParts(new Date()).forEach(function (part) { p[part.type] = part.value; });
        if (/^\d{4}$/.test(p.year) && /^\d\d$/.test(p.month) && /^\d\d$/.test(p.day)) return p.year + '-' + p.month + '-' + p.day;
      } catch (e) { /* a zone this browser does not know: UTC */ }
    }
    return iso(new Date());
  }

  /* Print: the date at the top of the first page and in the footer; each internal link's address. */
  function printDate() {
    var d = new Date();
    var text = d.toLocaleDateString(document.documentElement.lang || 'en', { year: 'numeric', month: 'long', day: 'numeric' });
    document.querySelectorAll('[data-print-date]').forEach(function (el) { el.textContent = text; el.setAttribute('datetime', iso(d)); });
  }
  printDate();
  /* Every printed sheet's footer: the page's address and the print date (CSS page-margin boxes, which
   * take only fixed text, so the text is written into a style element when the page loads and again
   * before printing). The footer paragraph at the end of the page says the same for other browsers. */
  function pageFooter() {
    var style = document.getElementById('policysite-print-footer') || document.head.appendChild(document.createElement('style'));
    style.id = 'policysite-print-footer';
    var d = new Date().toLocaleDateString(document.documentElement.lang || 'en', { year: 'numeric', month: 'long', day: 'numeric' });
    var where = location.href.split('#')[0].replace(/\/index\.html$/, '/');
    var text = JSON.stringify('Printed ' + d + ' · ' + where);
    style.textContent = '@page { margin: 12mm 12mm 16mm; @bottom-left { content: ' + text + '; font: 8pt system-ui, sans-serif; } @bottom-right { content: counter(page) " / " counter(pages); font: 8pt system-ui, sans-serif; } }';
  }
  pageFooter();
  window.addEventListener('beforeprint', pageFooter);
  document.querySelectorAll('[data-print-url]').forEach(function (el) { el.textContent = ': ' + location.href.split('#')[0]; });
  window.addEventListener('beforeprint', printDate);
  document.querySelectorAll('main a[href]').forEach(function (a) {
    var href = a.getAttribute('href');
    if (!href || /^(#|mailto:|tel:|https?:|javascript:)/i.test(href) || a.closest('nav, .toc, .anchor, .footnote-ref, .footnote-back')) return;
    if (a.classList.contains('anchor') || a.classList.contains('footnote-back')) return;
    a.setAttribute('data-print-href', a.href.replace(/\/index\.html(#|$)/, '/$1'));
  });

  if (!site || !site.required_training || !site.quizzes) return;
  function quiz(id) { return site.quizzes.filter(function (q) { return q.id === id; })[0]; }
  function held() {
    var out = {};
    ['policysite.codes', 'policysite.codes.v1'].forEach(function (key) {
      try {
        var saved = JSON.parse(localStorage.getItem(key) || '{}') || {};
        Object.keys(saved).forEach(function (q) { if (saved[q] && typeof saved[q].code === 'string') out[q] = saved[q]; });
      } catch (e) { /* storage off: nothing held */ }
    });
    return out;
  }
  /* Each required quiz: {id, title, href, state: done|expired|missing, until, email}. */
  function state() {
    var codes = held(), today = todayISO();
    return site.required_training.map(function (id) {
      var q = quiz(id) || { id: id, title: id, revision: 0, superseded: [] };
      var c = codes[id], s = { id: id, title: q.title, href: q.module != null ? root + q.module + 'index.html' : null, state: 'missing', until: null, email: c ? c.email : null };
      if (!c || !/^\d{4}-\d\d-\d\d$/.test(c.earned || '')) return s;
      var until = addDays(c.earned, site.validity_days || 365);
      if (c.revision !== q.revision) {
        var win = (q.superseded || []).filter(function (w) { return w.revision === c.revision; })[0];
        if (!win) { s.state = 'expired'; s.until = null; s.why = 'the quiz has been revised since'; return s; }
        if (win.retrain_by < until) until = win.retrain_by;
      }
      s.until = until;
      s.state = until >= today ? 'done' : 'expired';
      return s;
    });
  }
  function summary(list) {
    var done = list.filter(function (s) { return s.state === 'done'; }).length, next = list.filter(function (s) { return s.state !== 'done'; })[0];
    var text = done + ' of ' + list.length + ' required module' + (list.length === 1 ? '' : 's') + ' done; next: ';
    return { done: done, next: next, text: text + (next ? next.title : 'request the account') };
  }
  function link(href, text) {
    var a = document.createElement(href ? 'a' : 'span');
    if (href) a.href = href;
    a.textContent = text;
    return a;
  }
  function render(panel) {
    var list = state(), sum = summary(list);
    var mode = panel.getAttribute('data-progress') || '';
    if (mode.indexOf('module:') === 0) {
      var mine = list.filter(function (s) { return s.id === mode.slice(7); })[0];
      var codes = held();
      if (!(mine ? mine.state === 'done' : codes[mode.slice(7)])) { panel.hidden = true; return; }
    }
    var p = panel.querySelector('[data-progress-summary]');
    p.textContent = '';
    p.appendChild(document.createTextNode(sum.done + ' of ' + list.length + ' required modules done; next: '));
    var requestHref = site.request != null ? root + site.request + 'index.html' : null;
    p.appendChild(sum.next ? link(sum.next.href, sum.next.title) : link(requestHref, 'request the account'));
    p.appendChild(document.createTextNode('.'));
    var ul = panel.querySelector('[data-progress-list]');
    ul.innerHTML = '';
    list.forEach(function (s) {
      var li = document.createElement('li');
      li.setAttribute('data-progress-item', s.id);
      li.setAttribute('data-state', s.state);
      li.appendChild(link(s.href, s.title));
      li.appendChild(document.createTextNode(
        s.state === 'done' ? ': done. Your code counts until ' + s.until + (s.email ? ' (for ' + s.email + ')' : '') + '.'
          : s.state === 'expired' ? ': your code no longer counts (' + (s.why || 'it expired on ' + s.until) + '). Take the quiz again.'
            : ': not done yet.'));
      ul.appendChild(li);
    });
    panel.hidden = false;
    panel.setAttribute('data-done', String(sum.done));
  }
  function renderAll() {
    document.querySelectorAll('[data-progress]').forEach(render);
    var list = state();
    document.querySelectorAll('[data-module-required]').forEach(function (card) {
      var s = list.filter(function (x) { return x.id === card.getAttribute('data-module-required'); })[0];
      var badge = card.querySelector('[data-module-done]');
      if (s && s.state === 'done') {
        if (!badge) { badge = document.createElement('p'); badge.className = 'badge done'; badge.setAttribute('data-module-done', ''); card.appendChild(badge); }
        badge.textContent = 'Done: code counts until ' + s.until;
      } else if (badge) badge.remove();
    });
  }
  renderAll();
  var quizForm = document.querySelector('form[data-quiz]');
  if (quizForm) quizForm.addEventListener('policysite:code', renderAll);
  document.addEventListener('policysite:codes-changed', renderAll);
  window.addEventListener('storage', renderAll);
  window.PolicysiteProgress = { state: state, summary: function () { return summary(state()).text; }, render: renderAll };
})();
