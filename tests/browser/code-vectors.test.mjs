// The shipped browser code (themes/default/static/assets/policysite-code.js) against the vectors the
// Rust implementation produces (tests/vectors/codes.json): the two must agree bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const C = require('../../themes/default/static/assets/policysite-code.js');
const V = JSON.parse(readFileSync(new URL('../vectors/codes.json', import.meta.url), 'utf8'));

test('SHA-256 matches Rust', () => {
  for (const v of V.sha256) assert.equal(C.hex(C.sha256(C.utf8(v.input))), v.sha256, JSON.stringify(v.input.slice(0, 20)));
});

test('HMAC-SHA-256 matches Rust (and RFC 4231)', () => {
  for (const v of V.hmac_sha256) assert.equal(C.hex(C.hmacSha256(C.utf8(v.key), C.utf8(v.message))), v.hmac);
});

test('question keys, check hashes, quiz keys, sealed explanations and codes match Rust', () => {
  for (const v of V.codes) {
    assert.equal(C.quizTag(v.quiz), v.tag);
    const qa = C.questionKey(v.quiz, v.revision, 'q1', '0,2');
    const qb = C.questionKey(v.quiz, v.revision, 'q2', 'true');
    assert.deepEqual([C.hex(qa), C.hex(qb)], v.question_keys);
    assert.deepEqual([C.checkHash(qa), C.checkHash(qb)], v.check_hashes);
    const key = C.quizKey(v.quiz, v.revision, [qa, qb]);
    assert.equal(C.hex(key), v.quiz_key);
    assert.equal(C.hex(C.seal(qa, C.utf8(v.explanation))), v.sealed_explanation);
    assert.equal(new TextDecoder().decode(C.seal(qa, C.unhex(v.sealed_explanation))), v.explanation);
    assert.equal(C.mac(key, v.email, v.tag, v.revision % 256, v.day).toString(), v.mac);
    assert.equal(C.issue(key, v.quiz, v.revision, v.email, v.day), v.code);
    const d = C.decode(v.code.toLowerCase());
    assert.ok(d.ok);
    assert.equal(d.fields.day, v.day);
    assert.equal(d.fields.revision, v.revision % 256);
  }
});

test('every single-symbol change and adjacent swap is caught by the check symbol', () => {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  for (const v of V.codes) {
    const s = v.code.replace(/-/g, '');
    for (let i = 0; i < s.length; i++) {
      for (const a of alphabet) {
        if (a === s[i]) continue;
        const typo = s.slice(0, i) + a + s.slice(i + 1);
        assert.equal(C.decode(typo).error, 'check', typo);
      }
      if (i + 1 < s.length && s[i] !== s[i + 1]) {
        const swapped = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
        assert.equal(C.decode(swapped).error, 'check', swapped);
      }
    }
  }
});

test('District email addresses: the form agrees with request check (src/request/email.rs)', () => {
  const { domains, cases } = V.district_emails;
  for (const { email, district } of cases) assert.equal(C.isDistrictEmail(email, domains), district, JSON.stringify(email));
});
