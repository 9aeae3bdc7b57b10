/* The search page: loads search/entry.js, then only the index shards the query's terms live in, then
 * the text chunks of the results shown, each as a <script> (fetch is refused on file://); a shard or
 * text chunk is Base64 of deflated JSON, inflated by the browser's DecompressionStream. Needs
 * assets/search-core.js. Hooks: [data-search-page-form], [data-search-page-input], [data-search-status]
 * (a live region), [data-search-results] (each result li[data-search-result]), [data-search-more]. */
(function () {
  'use strict';
  var core = window.POLICYSITE_SEARCH_CORE;
  var form = document.querySelector('[data-search-page-form]');
  var input = document.querySelector('[data-search-page-input]');
  var list = document.querySelector('[data-search-results]');
  var status = document.querySelector('[data-search-status]');
  var more = document.querySelector('[data-search-more]');
  if (!core || !form || !input || !list || !status) return;
  var root = document.documentElement.getAttribute('data-root') || '';
  var base = root + 'search/';
  var PAGE = 10;

  /* Scripts call back into these; each load resolves when its script has run. Shards and text chunks
   * name the version they belong to (entry.sv, entry.xv) and are asked for with ?v=: a file from another
   * build (a cache kept an old entry.js or shard across a rebuild) never answers a load, which then
   * fails as stale, and the query runs once more on a freshly loaded index. */
  var entry = null, have = {}, waiting = {}, pending = {}, bust = '';
  function loaded(key, value) {
    have[key] = value;
    (waiting[key] || []).forEach(function (resolve) { resolve(value); });
    delete waiting[key];
  }
  window.POLICYSITE_SEARCH = {
    entry: function (e) { loaded('entry', e); },
    shard: function (n, v, deflated) { loaded('s' + n + '@' + v, deflated); },
    text: function (n, v, deflated) { loaded('x' + n + '@' + v, deflated); }
  };
  function load(key, path) {
    if (have[key] !== undefined) return Promise.resolve(have[key]);
    if (pending[key]) return pending[key];
    pending[key] = new Promise(function (resolve, reject) {
      (waiting[key] = waiting[key] || []).push(resolve);
      var s = document.createElement('script');
      s.src = base + path;
      s.onload = function () {
        if (have[key] !== undefined) return;
        delete pending[key];
        var err = new Error(s.src + ' is from another build of the site');
        err.stale = true;
        reject(err);
      };
      s.onerror = function () { delete pending[key]; reject(new Error('could not load ' + s.src)); };
      document.head.appendChild(s);
    });
    return pending[key];
  }
  function loadEntry() {
    return load('entry', 'entry.js' + (bust ? '?' + bust : '')).then(function (e) { entry = e; return e; });
  }
  /* The version a part must name: a shard its own (entry.sv), a text chunk its block's (entry.xv), so
   * an edit that keeps the section numbering changes the shards of its terms and one block of chunks,
   * not all of them. */
  function versionOf(kind, n) {
    if (kind === 'x') return entry.xv ? entry.xv[Math.floor(n / entry.block)] : entry.v;
    return entry.sv ? entry.sv[n] : entry.v;
  }
  /* A shard (kind 's') or text chunk ('x') of the loaded entry's version. */
  function loadPart(kind, n) {
    var v = versionOf(kind, n);
    return load(kind + n + '@' + v, kind + '/' + n + '.js?v=' + encodeURIComponent(v) + (bust ? '&' + bust : ''));
  }
  /* A shard's terms (term → postings) or a text chunk's rows ([title, url, heading, anchor, text]
   * each): its Base64 string is raw DEFLATE of their JSON, inflated once by the browser (no network:
   * works from file:// too). */
  var rows = {}, shardLoads = {}, shards = {};
  function inflate(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Response(stream).text().then(JSON.parse);
  }
  /* Shard n, inflated; kept in `shards` for rank(), which runs once the query's shards are in. */
  function loadShard(n) {
    return loadPart('s', n).then(function (deflated) {
      var key = n + '@' + versionOf('s', n);
      return shardLoads[key] || (shardLoads[key] = inflate(deflated).then(function (t) { shards[key] = t; return t; }));
    });
  }
  function loadText(n) {
    return loadPart('x', n).then(function (deflated) {
      var key = n + '@' + versionOf('x', n);
      return rows[key] || (rows[key] = inflate(deflated));
    });
  }
  /* Forget the loaded index: the site was rebuilt while this page was open, or a cache is stale. */
  function reload() {
    entry = null; have = {}; waiting = {}; pending = {}; rows = {}; shardLoads = {}; shards = {};
    bust = 'r=' + Date.now();
  }

  /* The shard a term lives in: the last whose first term is <= it. */
  function shardOf(term) {
    var lo = 0, hi = entry.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (entry.shards[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* Rank the sections that hold every word of the query: a title match first, then a heading match,
   * then how often the words occur, each weighted by how rare the word is. A word the index
   * holds only as the start of longer words (a prefix) counts half. */
  function rank(terms) {
    // entry.docs: the section numbers in use (each page's range has room for a heading more, so some
    // numbers hold no section); entry.sections: the sections, what a word's rarity is measured
    // against (an entry from before the gaps has only docs, and then they are the same).
    var ids = entry.docs, docs = entry.sections || entry.docs;
    var score = new Float64Array(ids), found = new Uint8Array(ids), seen = [], idfs = [];
    terms.forEach(function (t, qi) {
      var n = shardOf(t), shard = shards[n + '@' + versionOf('s', n)] || {};
      var lists = [];
      Object.keys(shard).forEach(function (k) {
        if (k === t) lists.push([shard[k], 1]);
        else if (t.length >= 3 && k.lastIndexOf(t, 0) === 0) lists.push([shard[k], 0.5]);
      });
      var bit = 1 << qi, df = 0;
      // A search-core.js cached from before count() counts characters, as it did then.
      lists.forEach(function (l) { df += core.count ? core.count(l[0]) : l[0].length; });
      var idf = Math.log(1 + docs / Math.max(1, df));
      idfs.push(idf);
      lists.forEach(function (l) {
        core.decode(l[0], function (doc, w) {
          var s = ((w & 8) ? 24 : 0) + ((w & 4) ? 12 : 0) + (w & 3);
          if (!found[doc]) seen.push(doc);
          found[doc] |= bit;
          score[doc] += s * idf * l[1];
        });
      });
    });
    var count = function (d) { var n = 0, f = found[d]; while (f) { n += f & 1; f >>= 1; } return n; };
    // Sections with every word of the query (as a whole word, a stem or a word's start) first; then,
    // for a question of three words or more ("can I delete a rude comment"), sections with at least
    // half of them, those with more of the words first.
    var need = terms.length <= 2 ? terms.length : Math.ceil(terms.length / 2);
    var hits = seen.filter(function (d) { return count(d) >= need; });
    hits.idf = idfs;
    hits.sort(function (a, b) { return count(b) - count(a) || score[b] - score[a] || a - b; });
    return hits;
  }

  var current = { q: null, hits: [], shown: 0, terms: [] };
  /* The excerpt's weight of an index term: the rarity of the query term it matches, 0 for none. */
  function matcher(terms, idf) {
    return function (term) {
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        if (term === t || (t.length >= 3 && term.lastIndexOf(t, 0) === 0)) return idf[i];
      }
      return 0;
    };
  }

  function showMore() {
    var c = current, slice = c.hits.slice(c.shown, c.shown + PAGE);
    var chunks = Array.from(new Set(slice.map(function (d) { return Math.floor(d / entry.chunk); })));
    return Promise.all(chunks.map(loadText)).then(function (texts) {
      if (c !== current) return;
      var byChunk = {};
      chunks.forEach(function (n, i) { byChunk[n] = texts[i]; });
      var match = matcher(c.terms, c.hits.idf);
      slice.forEach(function (d) {
        var row = byChunk[Math.floor(d / entry.chunk)][d % entry.chunk];
        var title = row[0], url = row[1], heading = row[2], anchor = row[3], text = row[4];
        var li = document.createElement('li');
        li.setAttribute('data-search-result', '');
        var a = document.createElement('a');
        a.href = root + url + 'index.html' + (anchor ? '#' + anchor : '');
        a.textContent = heading || title;
        var h = document.createElement('h2');
        h.appendChild(a);
        li.appendChild(h);
        if (heading) {
          var where = document.createElement('p');
          where.className = 'where';
          where.textContent = 'in ' + title;
          li.appendChild(where);
        }
        if (text) {
          var p = document.createElement('p');
          p.innerHTML = core.excerpt(text, entry, match);
          li.appendChild(p);
        }
        list.appendChild(li);
      });
      c.shown += slice.length;
      if (more) more.hidden = c.shown >= c.hits.length;
    });
  }

  function say(text) { status.textContent = text; }

  /* Platforms by the names people type (data/platforms.yaml: name, the regulation's spelling, id and
   * `aliases`, via assets/site-data.js): a query naming one searches for the platform's id (so `x`,
   * `Snap Chat` or `insta` find what `twitter`, `snapchat` or `instagram` find), and a platform that is
   * not approved is named first, with the way to the list and the request process. */
  var notice = document.querySelector('[data-search-notice]');
  function aliasKey(s) { return String(s).toLowerCase().split(/[\s\-]+/).filter(Boolean).join(' '); }
  var NAMES = (function () {
    var p = (window.POLICYSITE || {}).platforms, out = [];
    if (!p) return out;
    [['approved', p.approved], ['barred', p.barred], ['former', p.former], ['not_listed', p.not_listed]].forEach(function (g) {
      (g[1] || []).forEach(function (pl) {
        var names = [pl.id, pl.name, pl.as_written].concat(pl.aliases || []);
        // "X (formerly Twitter)": the name before a bracket is a name too.
        if (/\(/.test(pl.name)) names.push(pl.name.replace(/\s*\(.*$/, ''));
        names.forEach(function (n) { if (n) out.push({ key: aliasKey(n), platform: pl, status: g[0] }); });
      });
    });
    out.sort(function (a, b) { return b.key.length - a.key.length; });
    return out;
  })();
  /* Abbreviations staff type for words the regulation spells out. */
  var ABBREVIATIONS = { flsa: 'fair labor standards act', pra: 'public records act', pii: 'personally identifiable information', pro: 'public records officer' };
  /* The query with platform names replaced by ids (and abbreviations spelled out), and the platforms it names. */
  function expand(q) {
    var words = aliasKey(q).split(' '), spelled = false;
    words = words.map(function (w) { if (ABBREVIATIONS[w]) { spelled = true; return ABBREVIATIONS[w]; } return w; });
    if (spelled) q = words.join(' ');
    var text = ' ' + aliasKey(q).replace(/[^\w.\s-]+/g, ' ') + ' ', named = [];
    NAMES.forEach(function (n) {
      var at = text.indexOf(' ' + n.key + ' ');
      if (at < 0) return;
      text = text.slice(0, at) + ' ' + n.platform.id.replace(/-/g, ' ') + ' ' + text.slice(at + n.key.length + 2);
      if (named.every(function (m) { return m.platform.id !== n.platform.id; })) named.push(n);
    });
    return { q: named.length ? text.trim() : q, named: named };
  }
  function showNotice(named) {
    if (!notice) return '';
    notice.innerHTML = '';
    var bad = named.filter(function (n) { return n.status !== 'approved'; });
    bad.forEach(function (n) {
      var p = document.createElement('p'), why = n.status === 'barred' ? ' Regulation 6973.1R does not allow it for District accounts.'
        : n.status === 'former' ? ' It has been removed from the list.' : '';
      var site = window.POLICYSITE || {};
      p.appendChild(document.createTextNode(n.platform.name + ' is not on the approved list.' + why + ' See the '));
      var a = document.createElement(site.platforms_page != null ? 'a' : 'span');
      if (site.platforms_page != null) a.href = root + site.platforms_page + 'index.html#platform-' + n.platform.id;
      a.textContent = 'approved platforms';
      p.appendChild(a);
      if (site.request != null) {
        p.appendChild(document.createTextNode(' and '));
        var r = document.createElement('a');
        r.href = root + site.request + 'index.html';
        r.textContent = 'how to request an account';
        p.appendChild(r);
        p.appendChild(document.createTextNode(' on an approved platform'));
      }
      p.appendChild(document.createTextNode('.'));
      notice.appendChild(p);
    });
    notice.hidden = !bad.length;
    return bad.map(function (n) { return n.platform.name + ' is not on the approved list. '; }).join('');
  }

  function find(c) {
    var q = c.q, x = expand(q), first = showNotice(x.named);
    return loadEntry().then(function () {
      c.terms = core.queryTerms(x.q, entry);
      if (!c.terms.length) return null;
      var need = Array.from(new Set(c.terms.map(shardOf)));
      return Promise.all(need.map(loadShard));
    }).then(function () {
      if (c !== current) return;
      if (!c.terms.length) { say(first + 'No results for “' + q + '”. Use words of ' + entry.min + ' letters or more.'); return; }
      c.hits = rank(c.terms);
      var all = c.hits.length;
      if (!all) { say(first + 'No results for “' + q + '”. Try fewer or different words.'); return; }
      // The count is announced (a live region) once the first results are on the page, not before.
      return showMore().then(function () {
        if (c === current) say(first + all + (all === 1 ? ' result' : ' results') + ' for “' + q + '”.');
      });
    });
  }

  function failed(c, err) {
    if (c === current) say('Search could not load its index (' + err.message + '). Rebuild the site, or use the navigation.');
  }

  function run(q) {
    q = q.trim();
    var c = { q: q, hits: [], shown: 0, terms: [] };
    current = c;
    list.innerHTML = '';
    if (more) more.hidden = true;
    if (!q) { say(''); showNotice([]); return Promise.resolve(); }
    return find(c).catch(function (err) {
      if (!err.stale || c !== current) throw err;
      reload();
      list.innerHTML = '';
      c.shown = 0;
      return find(c);
    }).catch(function (err) { failed(c, err); });
  }

  var q = new URLSearchParams(location.search).get('q') || '';
  input.value = q;
  if (q) run(q);
  var timer;
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { run(input.value); }, 200); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    clearTimeout(timer);
    run(input.value);
    try { history.replaceState(null, '', '?q=' + encodeURIComponent(input.value)); } catch (err) { /* file:// may refuse */ }
  });
  if (more) more.addEventListener('click', function () {
    var c = current;
    showMore().catch(function (err) { if (err.stale) { reload(); run(c.q); } else failed(c, err); });
  });
})();
