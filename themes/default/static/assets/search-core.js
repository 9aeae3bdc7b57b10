/* The search's text rules, shared with the build (src/search/terms.rs): words → terms (lower case,
 * letters and digits, no short or stop words, Snowball English stems), the postings decoder, and
 * excerpts with the matched words marked. No DOM here, so Node tests can load it as it ships.
 * tests/vectors/stems.json holds this stemmer to the build's (rust-stemmers). */
(function (g) {
  'use strict';

  /* ---- Snowball English (Porter2) ---- */
  var EXC1 = { skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl',
    ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe',
    atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes' };
  var EXC2 = ['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed'];
  function isV(c) { return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y'; }
  /* Position after the first non-vowel that follows a vowel, from `from`. */
  function region(w, from) {
    for (var i = from + 1; i < w.length; i++) if (!isV(w[i]) && isV(w[i - 1])) return i + 1;
    return w.length;
  }
  function endsShortSyllable(w) {
    var n = w.length;
    if (n === 2) return isV(w[0]) && !isV(w[1]);
    return n > 2 && !isV(w[n - 3]) && isV(w[n - 2]) && !isV(w[n - 1]) && 'wxY'.indexOf(w[n - 1]) < 0;
  }
  function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
  function hasVowel(s) { for (var i = 0; i < s.length; i++) if (isV(s[i])) return true; return false; }

  var STEP2 = [['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'], ['iveness', 'ive'],
    ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'], ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'],
    ['aliti', 'al'], ['ousli', 'ous'], ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'],
    ['abli', 'able'], ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', '']];
  var STEP3 = [['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'],
    ['ative', ''], ['ical', 'ic'], ['ness', ''], ['ful', '']];
  var STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive',
    'ize', 'ion', 'al', 'er', 'ic'];

  function stem(word) {
    if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
    if (EXC1.hasOwnProperty(word)) return EXC1[word];
    var w = word.replace(/^y/, 'Y').replace(/([aeiouy])y/g, '$1Y');
    var p1 = /^(gener|commun|arsen)/.test(w) ? w.match(/^(gener|commun|arsen)/)[0].length : region(w, 0);
    var p2 = region(w, p1);
    if (p1 > w.length) p1 = w.length;
    // Step 1a
    if (ends(w, 'sses')) w = w.slice(0, -2);
    else if (ends(w, 'ied') || ends(w, 'ies')) w = w.slice(0, -3) + (w.length > 4 ? 'i' : 'ie');
    else if (ends(w, 'us') || ends(w, 'ss')) { /* unchanged */ }
    else if (ends(w, 's') && hasVowel(w.slice(0, -2))) w = w.slice(0, -1);
    if (EXC2.indexOf(w) >= 0) return w;
    // Step 1b
    var m;
    if ((m = /(eedly|eed)$/.exec(w))) {
      if (m.index >= p1) w = w.slice(0, m.index) + 'ee';
    } else if ((m = /(ingly|edly|ing|ed)$/.exec(w)) && hasVowel(w.slice(0, m.index))) {
      w = w.slice(0, m.index);
      if (ends(w, 'at') || ends(w, 'bl') || ends(w, 'iz')) w += 'e';
      else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
      else if (p1 >= w.length && endsShortSyllable(w)) w += 'e';
    }
    // Step 1c
    if (w.length > 2 && /[yY]$/.test(w) && !isV(w[w.length - 2])) w = w.slice(0, -1) + 'i';
    // Step 2
    var i, s;
    for (i = 0; i < STEP2.length; i++) {
      s = STEP2[i][0];
      if (!ends(w, s)) continue;
      if (w.length - s.length >= p1) {
        if (s === 'ogi') { if (ends(w, 'logi')) w = w.slice(0, -1); }
        else if (s === 'li') { if (/[cdeghkmnrt]li$/.test(w)) w = w.slice(0, -2); }
        else w = w.slice(0, -s.length) + STEP2[i][1];
      }
      break;
    }
    // Step 3
    for (i = 0; i < STEP3.length; i++) {
      s = STEP3[i][0];
      if (!ends(w, s)) continue;
      var at = w.length - s.length;
      if (at >= p1 && (s !== 'ative' || at >= p2)) w = w.slice(0, at) + STEP3[i][1];
      break;
    }
    // Step 4
    for (i = 0; i < STEP4.length; i++) {
      s = STEP4[i];
      if (!ends(w, s)) continue;
      var at4 = w.length - s.length;
      if (at4 >= p2 && (s !== 'ion' || /[st]$/.test(w.slice(0, at4)))) w = w.slice(0, at4);
      break;
    }
    // Step 5
    if (ends(w, 'e')) {
      var at5 = w.length - 1;
      if (at5 >= p2 || (at5 >= p1 && !endsShortSyllable(w.slice(0, -1)))) w = w.slice(0, -1);
    } else if (ends(w, 'll') && w.length - 1 >= p2) {
      w = w.slice(0, -1);
    }
    return w.replace(/Y/g, 'y');
  }

  /* ---- words and terms ---- */
  var WORD = /[\p{L}\p{N}]+/gu;
  /* The indexed words of `text` with their positions: [{word, term, start, end}]. */
  function tokens(text, entry) {
    var out = [], m;
    var lower = text.toLowerCase();
    WORD.lastIndex = 0;
    while ((m = WORD.exec(lower))) {
      var w = m[0];
      if (Array.from(w).length < entry.min || entry.stop.indexOf(w) >= 0) continue;
      out.push({ word: w, term: stem(w), start: m.index, end: m.index + w.length });
    }
    return out;
  }
  /* The distinct terms of a query, in order. */
  function queryTerms(q, entry) {
    var seen = {};
    return tokens(q, entry).map(function (t) { return t.term; }).filter(function (t) {
      if (seen[t]) return false;
      seen[t] = true;
      return true;
    });
  }

  /* ---- postings (see src/search_index.rs) ---- */
  /* A number: its last digit in base 64 (LAST), after the rest in base 27 (MORE) when not 0. */
  var LAST = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_', MORE = "!#$%&'()*+,./:;=>?@[]^`{|}~";
  var DIGIT = new Int8Array(128).fill(-1), MORE_DIGIT = new Int8Array(128).fill(-1);
  for (var k = 0; k < LAST.length; k++) DIGIT[LAST.charCodeAt(k)] = k;
  for (k = 0; k < MORE.length; k++) MORE_DIGIT[MORE.charCodeAt(k)] = k;
  /* Calls fn(doc, weight) for each posting of an encoded list. */
  function decode(s, fn) {
    var n = 0, doc = -1;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i) & 127, d = DIGIT[c];
      if (d < 0) { n = n * 27 + MORE_DIGIT[c]; continue; }
      n = n * 64 + d;
      doc += Math.floor(n / 16) + 1;
      fn(doc, n % 16);
      n = 0;
    }
  }

  /* How many postings an encoded list holds (one last digit each). */
  function count(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) if (DIGIT[s.charCodeAt(i) & 127] >= 0) n++;
    return n;
  }

  /* ---- excerpts ---- */
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  /* About `size` characters of `text` around the best run of the query's terms (the most of them,
   * rare ones counting more), cut at words, with each matching word in <mark>. `match(term)` gives a
   * weight > 0 for an index term that matches the query (its rarity), else 0. Returns HTML (the text
   * is escaped piece by piece, so a mark never lands inside an entity). */
  function excerpt(text, entry, match, size) {
    size = size || 180;
    var hits = tokens(text, entry).filter(function (t) { return (t.weight = match(t.term)) > 0; });
    var start = 0;
    if (hits.length) {
      var best = -1;
      for (var i = 0; i < hits.length; i++) {
        var seen = {}, n = 0;
        for (var j = i; j < hits.length && hits[j].end - hits[i].start <= size - 40; j++) {
          if (!seen[hits[j].term]) { seen[hits[j].term] = true; n += hits[j].weight; }
        }
        if (n > best) { best = n; start = hits[i].start; }
      }
      start = Math.max(0, start - 40);
    }
    var end = Math.min(text.length, start + size);
    // Move the cuts out of words.
    if (start > 0) { var sp = text.indexOf(' ', start); start = sp < 0 || sp > start + 30 ? start : sp + 1; }
    if (end < text.length) { var sp2 = text.lastIndexOf(' ', end); end = sp2 > start ? sp2 : end; }
    var html = '', at = start;
    hits.forEach(function (h) {
      if (h.start < start || h.end > end) return;
      html += escapeHtml(text.slice(at, h.start)) + '<mark>' + escapeHtml(text.slice(h.start, h.end)) + '</mark>';
      at = h.end;
    });
    html += escapeHtml(text.slice(at, end));
    return (start > 0 ? '…' : '') + html + (end < text.length && !/…$/.test(text.slice(0, end)) ? '…' : '');
  }

  var core = { stem: stem, tokens: tokens, queryTerms: queryTerms, decode: decode, count: count, excerpt: excerpt, escapeHtml: escapeHtml };
  g.POLICYSITE_SEARCH_CORE = core;
  if (typeof module === 'object' && module.exports) module.exports = core;
})(typeof window !== 'undefined' ? window : globalThis);
