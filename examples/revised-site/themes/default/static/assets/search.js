/* Offline search over assets/search-index.js. Hooks: [data-search-page-input], [data-search-status],
 * [data-search-results] (each result li[data-search-result] with its link). */
(function () {
  'use strict';
  var index = window.POLICYSITE_SEARCH;
  var input = document.querySelector('[data-search-page-input]');
  var list = document.querySelector('[data-search-results]');
  var status = document.querySelector('[data-search-status]');
  if (!index || !input || !list) return;
  var root = document.documentElement.getAttribute('data-root') || '';

  function terms(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (t) {
      return t.length >= index.min_len && index.stop.indexOf(t) < 0;
    });
  }
  function escapeHtml(s) { return s.replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }

  function search(q) {
    var ts = terms(q), hits = [];
    if (!ts.length) return hits;
    index.sections.forEach(function (s) {
      var page = index.pages[s[0]], words = ' ' + s[4], head = (page[0] + ' ' + s[1]).toLowerCase(), score = 0;
      for (var i = 0; i < ts.length; i++) {
        var t = ts[i], inWords = words.indexOf(' ' + t) >= 0, inHead = head.indexOf(t) >= 0;
        if (!inWords && !inHead) return;
        score += (inHead ? 5 : 0) + (words.indexOf(' ' + t + ' ') >= 0 || words.endsWith(' ' + t) ? 2 : 1);
      }
      hits.push({ score: score, page: page, section: s });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits.slice(0, 50);
  }

  /* Mark the query's words in the excerpt: split the raw text on them, escape each piece, so a mark
   * can never land inside an HTML entity. */
  function highlight(text, ts) {
    var words = ts.filter(function (t) { return t.length > 1; }).map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); });
    if (!words.length) return escapeHtml(text);
    var re = new RegExp('(' + words.join('|') + ')', 'ig');
    return text.split(re).map(function (piece, i) { return i % 2 ? '<mark>' + escapeHtml(piece) + '</mark>' : escapeHtml(piece); }).join('');
  }

  function render(q) {
    var hits = search(q), ts = terms(q);
    list.innerHTML = '';
    hits.forEach(function (h) {
      var li = document.createElement('li');
      li.setAttribute('data-search-result', '');
      var href = root + h.page[1] + 'index.html' + (h.section[2] ? '#' + h.section[2] : '');
      var title = h.section[1] === h.page[0] ? h.page[0] : h.section[1];
      li.innerHTML = '<a href="' + escapeHtml(href) + '">' + escapeHtml(title) + '</a>' +
        (h.section[1] !== h.page[0] ? ' <span class="where">in ' + escapeHtml(h.page[0]) + '</span>' : '') +
        '<p>' + highlight(h.section[3], ts) + '</p>';
      list.appendChild(li);
    });
    status.textContent = q.trim() ? (hits.length ? hits.length + (hits.length === 1 ? ' result' : ' results') + ' for “' + q + '”.' : 'No results for “' + q + '”. Try fewer or different words (words of three letters or more).') : '';
  }

  var q = new URLSearchParams(location.search).get('q') || '';
  input.value = q;
  if (q) render(q);
  var timer;
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { render(input.value); }, 150); });
  document.querySelector('[data-search-page-form]').addEventListener('submit', function (e) {
    e.preventDefault();
    render(input.value);
    try { history.replaceState(null, '', '?q=' + encodeURIComponent(input.value)); } catch (err) { /* file:// may refuse */ }
  });
})();
