/* policysite completion codes, in the browser and in Node.
 * The same scheme as src/quiz/code.rs and src/quiz/keys.rs; tests/vectors/codes.json keeps them equal.
 * SHA-256 and HMAC are implemented here because browsers hide crypto.subtle on plain-http intranet
 * hosts. No network, no dependencies. */
(function (root) {
  'use strict';
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

  function utf8(s) { return new TextEncoder().encode(s); }
  function concat() {
    var n = 0, i, out, off = 0;
    for (i = 0; i < arguments.length; i++) n += arguments[i].length;
    out = new Uint8Array(n);
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], off); off += arguments[i].length; }
    return out;
  }
  function hex(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return s;
  }
  function unhex(s) {
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
    return out;
  }

  function sha256(data) {
    var h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    var bitLen = data.length * 8;
    var padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
    padded.set(data);
    padded[data.length] = 0x80;
    var dv = new DataView(padded.buffer);
    dv.setUint32(padded.length - 8, Math.floor(bitLen / 0x100000000));
    dv.setUint32(padded.length - 4, bitLen >>> 0);
    var w = new Uint32Array(64);
    for (var off = 0; off < padded.length; off += 64) {
      for (var t = 0; t < 16; t++) w[t] = dv.getUint32(off + t * 4);
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (hh + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    var out = new Uint8Array(32), odv = new DataView(out.buffer);
    for (var i = 0; i < 8; i++) odv.setUint32(i * 4, h[i]);
    return out;
  }

  function hmacSha256(key, msg) {
    if (key.length > 64) key = sha256(key);
    var k = new Uint8Array(64); k.set(key);
    var ipad = new Uint8Array(64), opad = new Uint8Array(64);
    for (var i = 0; i < 64; i++) { ipad[i] = k[i] ^ 0x36; opad[i] = k[i] ^ 0x5c; }
    return sha256(concat(opad, sha256(concat(ipad, msg))));
  }

  var ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  var EPOCH_DAYS = 18262; // 2020-01-01
  var DATA_SYMBOLS = 18;

  function normalizeEmail(e) { return String(e).trim().toLowerCase(); }
  /* A plain District address, as `request check` reads one (src/request/email.rs): ASCII name
   * characters without leading, trailing or doubled dots, one @, and a domain of the list. */
  function isDistrictEmail(e, domains) {
    var m = /^([A-Za-z0-9!#$%&'*+\/=?^_`{|}~.-]+)@([^@\s]+)$/.exec(normalizeEmail(e || ''));
    return !!m && !/^\.|\.$|\.\./.test(m[1]) && domains.indexOf(m[2]) >= 0;
  }
  /* Which problem an address has, for a message that names it: null (a District address), 'empty',
   * 'malformed' (not name@domain), 'incomplete' (the domain stops short of a District domain, e.g.
   * "@tacoma" or "@tacoma.k12"), or 'other-domain' (a personal or another organization's address). */
  function emailProblem(e, domains) {
    var v = normalizeEmail(e || '');
    if (!v) return 'empty';
    if (isDistrictEmail(v, domains)) return null;
    var m = /^([^@\s]+)@([^@\s]*)$/.exec(v);
    if (!m || !/^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~.-]+$/.test(m[1]) || /^\.|\.$|\.\./.test(m[1])) return 'malformed';
    var d = m[2].replace(/\.$/, '');
    if (!d || domains.some(function (x) { return x.indexOf(d) === 0 && x !== d && (x.charAt(d.length) === '.' || d.slice(-1) === '.'); })) return 'incomplete';
    return 'other-domain';
  }
  /* The message for emailProblem's answer; `who` names whose address ("your", "administrator 2’s"). */
  function emailMessage(problem, domains, who) {
    var ending = '@' + domains.join(' or @');
    who = who || 'your';
    switch (problem) {
      case 'empty': return 'Enter ' + who + ' District email address (ending in ' + ending + ').';
      case 'malformed': return 'This is not an email address: write ' + who + ' District address as name' + ending + '.';
      case 'incomplete': return 'The address stops too early: District addresses end in ' + ending + '.';
      case 'other-domain': return 'Use ' + who + ' District address, ending in ' + ending + ', not a personal or other address.';
      default: return '';
    }
  }
  /* A code as typed (any case, with or without dashes or spaces) in its groups of five: XXXXX-XXXXX-XXXXX-XXXX.
   * Anything that is not 19 letters and digits is left as typed, so its error can name the problem. */
  function groupCode(input) {
    var raw = String(input || '').trim();
    var plain = raw.replace(/[\s-]+/g, '').toUpperCase();
    if (!/^[0-9A-Z]{19}$/.test(plain)) return raw.toUpperCase();
    return plain.match(/.{1,5}/g).join('-');
  }
  function quizTag(id) { var h = sha256(utf8('policysite/tag/v1\n' + id)); return (h[0] << 2) | (h[1] >> 6); }
  function mac(key, email, tag, revision, day) {
    var m = hmacSha256(key, utf8('policysite/code/v1\n' + normalizeEmail(email) + '\n' + tag + '\n' + revision + '\n' + day));
    var v = 0n;
    for (var i = 0; i < 7; i++) v = (v << 8n) | BigInt(m[i]);
    return v;
  }
  function times2(v) { v = v << 1; return (v & 0x20) ? ((v ^ 0x25) & 0x1f) : v; }
  function checkValue(values) { var r = 0; for (var i = 0; i < values.length; i++) r = times2(r) ^ values[i]; return times2(r); }
  function dammValid(values) { var r = 0; for (var i = 0; i < values.length; i++) r = times2(r) ^ values[i]; return r === 0; }

  function encode(f) {
    var bits = (BigInt(f.tag & 0x3ff) << 80n) | (BigInt(f.revision & 0xff) << 72n) | (BigInt(f.day & 0xffff) << 56n) | (BigInt(f.mac) & ((1n << 56n) - 1n));
    var values = [];
    for (var i = DATA_SYMBOLS - 1; i >= 0; i--) values.push(Number((bits >> BigInt(5 * i)) & 31n));
    values.push(checkValue(values));
    var s = values.map(function (v) { return ALPHABET[v]; }).join('');
    return s.match(/.{1,5}/g).join('-');
  }

  /* Returns {ok: true, fields} or {ok: false, error: 'length'|'symbol'|'check', message}. */
  function decode(input) {
    var values = [], s = String(input);
    for (var i = 0; i < s.length; i++) {
      var c = s[i];
      if (c === '-' || /\s/.test(c)) continue;
      c = c.toUpperCase();
      if (c === 'I' || c === 'L') c = '1';
      if (c === 'O') c = '0';
      var v = ALPHABET.indexOf(c);
      if (v < 0) return { ok: false, error: 'symbol', message: '“' + c + '” is not used in codes (codes use digits and the letters A–Z except I, L, O and U).' };
      values.push(v);
    }
    if (values.length !== DATA_SYMBOLS + 1) return { ok: false, error: 'length', message: 'A code has 19 letters and digits; this one has ' + values.length + '.' };
    if (!dammValid(values)) return { ok: false, error: 'check', message: 'The code has a typo: compare it with the one the quiz gave you.' };
    var bits = 0n;
    for (i = 0; i < DATA_SYMBOLS; i++) bits = (bits << 5n) | BigInt(values[i]);
    return { ok: true, fields: {
      tag: Number((bits >> 80n) & 0x3ffn), revision: Number((bits >> 72n) & 0xffn),
      day: Number((bits >> 56n) & 0xffffn), mac: bits & ((1n << 56n) - 1n) } };
  }

  function questionKey(quiz, revision, qid, answer) {
    return sha256(utf8('policysite/question/v1\n' + quiz + '\n' + revision + '\n' + qid + '\n' + answer));
  }
  function checkHash(qkey) { return hex(sha256(concat(qkey, utf8('check'))).slice(0, 8)); }
  function quizKey(quiz, revision, qkeys) { return sha256(concat.apply(null, [utf8('policysite/quiz/v1\n' + quiz + '\n' + revision + '\n')].concat(qkeys))); }
  function seal(qkey, data) {
    var out = new Uint8Array(data.length);
    for (var i = 0; i * 32 < data.length; i++) {
      var ctr = new Uint8Array(4); new DataView(ctr.buffer).setUint32(0, i);
      var block = sha256(concat(qkey, utf8('explain'), ctr));
      for (var j = 0; j < 32 && i * 32 + j < data.length; j++) out[i * 32 + j] = data[i * 32 + j] ^ block[j];
    }
    return out;
  }
  function issue(key, quiz, revision, email, day) {
    var tag = quizTag(quiz), rev = revision % 256;
    return encode({ tag: tag, revision: rev, day: day, mac: mac(key, email, tag, rev, day) });
  }
  /* Today's date, YYYY-MM-DD, in the site's time zone: site.yaml's `time_zone`, which
   * assets/site-data.js carries as window.POLICYSITE.time_zone (or `zone` when given), so a code is
   * dated, and expires, at the district's midnight as `policysite verify` counts it. UTC when the site
   * names no zone or the browser does not know it. `now`: milliseconds since 1970 (default: the clock). */
  function siteZone() { var s = root && root.POLICYSITE; return s && typeof s.time_zone === 'string' ? s.time_zone : null; }
  function todayISO(zone, now) {
    var at = new Date(now == null ? Date.now() : now);
    if (zone === undefined) zone = siteZone();
    if (zone && zone !== 'UTC' && typeof Intl !== 'undefined' && Intl.DateTimeFormat) {
      try {
        var p = {};
        new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
          .formatToParts(at).forEach(function (part) { p[part.type] = part.value; });
        if (/^\d{4}$/.test(p.year) && /^\d\d$/.test(p.month) && /^\d\d$/.test(p.day)) return p.year + '-' + p.month + '-' + p.day;
      } catch (e) { /* a zone this browser does not know: UTC */ }
    }
    return at.toISOString().slice(0, 10);
  }
  function today(zone, now) { return Math.round(Date.parse(todayISO(zone, now) + 'T00:00:00Z') / 86400000) - EPOCH_DAYS; }
  function dayToISO(day) { return new Date((day + EPOCH_DAYS) * 86400000).toISOString().slice(0, 10); }

  var api = {
    sha256: sha256, hmacSha256: hmacSha256, utf8: utf8, hex: hex, unhex: unhex,
    normalizeEmail: normalizeEmail, isDistrictEmail: isDistrictEmail, emailProblem: emailProblem, emailMessage: emailMessage, groupCode: groupCode, quizTag: quizTag, mac: mac, encode: encode, decode: decode,
    checkValue: checkValue, questionKey: questionKey, checkHash: checkHash, quizKey: quizKey, seal: seal,
    issue: issue, today: today, todayISO: todayISO, dayToISO: dayToISO, EPOCH_DAYS: EPOCH_DAYS
  };
  if (typeof module !== 'undefined' && module.exports) module.exports = api; else root.PolicysiteCode = api;
})(this);
