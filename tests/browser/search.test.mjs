// Search on the bundled site, in headless Chromium, as a staff member uses it: the queries they type
// find the section that answers them in the top three; other forms of a word find it too (stemming, held
// to the build's stemmer by tests/vectors/stems.json); excerpts are cut around the words and mark them;
// the result count is announced; the page passes axe-core and HTML_CodeSniffer with results and without.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO, assertAccessible, bundledSiteFixture, newPage } from './harness.mjs';

const require = createRequire(import.meta.url);
const fx = bundledSiteFixture(before, after, { prefix: '/intranet/policies/' });

/** Search for `q` on the search page; returns the status text and the results (link, title, excerpt). */
async function search(page, q) {
  await page.goto(fx.server.base + 'search/index.html?q=' + encodeURIComponent(q));
  await page.waitForFunction(() => document.querySelector('[data-search-status]').textContent !== '');
  return {
    status: await page.locator('[data-search-status]').textContent(),
    results: await page.$$eval('[data-search-result]', (ls) => ls.map((l) => ({
      href: l.querySelector('a').getAttribute('href'),
      title: l.querySelector('a').textContent,
      excerpt: l.querySelector('p:not(.where)')?.innerHTML || '',
      text: l.querySelector('p:not(.where)')?.textContent || '',
    }))),
  };
}

const EXPECTED = [
  ['delete a comment', 'training/moderating-comments/index.html#hiding-or-deleting'],
  ['photo consent', 'regulation/6973-1r/index.html#student-work-and-photos-of-students'],
  ['records request', 'training/public-records/index.html#when-someone-asks-for-records'],
  ['snapchat', 'training/professional-boundaries/index.html#approved-platforms-only'],
  ['five days', 'training/public-records/index.html#when-someone-asks-for-records'],
  ['ballot measure', 'training/professional-boundaries/index.html#elections-and-ballot-measures'],
  ['personal phone', 'training/public-records/index.html#personal-phones-and-personal-accounts'],
  ['copyright', 'training/professional-boundaries/index.html#copyright-and-courtesy'],
  ['opt out of directory information', 'training/ferpa-student-records/index.html#directory-information-and-opt-outs'],
  ['retention', 'training/public-records/index.html#retention-keep-by-content-not-by-platform'],
  ['accessible posts', 'training/professional-boundaries/index.html#accessible-posts'],
  ['penalties', 'training/public-records/index.html#penalties'],
  ['FERPA consent', 'training/ferpa-student-records/index.html#consent'],
  ['account request form', 'request/index.html'],
  ['professional boundaries', 'regulation/6973-1r/index.html#maintaining-professional-boundaries'],
];

test('a dozen staff queries each find the section that answers them in the top three', async () => {
  const page = await newPage(fx.browser);
  const misses = [];
  for (const [q, want] of EXPECTED) {
    const { results } = await search(page, q);
    const top = results.slice(0, 3).map((r) => r.href.replace(/^(\.\.\/)+/, ''));
    if (!top.includes(want)) misses.push(`${q}: wanted ${want}, top three ${top.join(' | ')}`);
    // No stray space before punctuation or inside quotes and brackets, in any excerpt.
    for (const r of results) assert.doesNotMatch(r.text, /\s[,.;:!?)\]”’]|[(\[“]\s/, `${q}: ${r.text}`);
  }
  assert.deepEqual(misses, []);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.thirdParty, []);
  await page.close();
});

test('other forms of a word find it: deleting and deleted find "delete", marked in the excerpt', async () => {
  const page = await newPage(fx.browser);
  const firsts = new Set();
  for (const q of ['deleting', 'deleted', 'Delete', 'deletes']) {
    const { results, status } = await search(page, q);
    assert.match(status, /^\d+ results? for “/);
    firsts.add(results.map((r) => r.href).join());
    // The regulation's "cannot delete or remove communications" is found whatever the form typed.
    const reg = results.find((r) => r.href.endsWith('regulation/6973-1r/index.html#public-records-act-retention'));
    assert.ok(reg, `${q}: ${results.map((r) => r.href).join()}`);
    assert.match(reg.excerpt, /cannot <mark>delete<\/mark> or remove/, q);
  }
  assert.equal(firsts.size, 1, 'every form of the word gives the same results');
  // A word that only starts another finds it (the last word as it is being typed).
  // (The platform list's entry for Snapchat comes first since issue 19; the training section follows.)
  const snapch = (await search(page, 'snapch')).results.slice(0, 3).map((r) => r.href);
  assert.ok(snapch.some((h) => /#approved-platforms-only$/.test(h)) && /#platform-snapchat$/.test(snapch[0]), snapch.join(' | '));
  await page.close();
});

test('excerpts are cut around the matched words and mark them, not the start of the section', async () => {
  const page = await newPage(fx.browser);
  const { results } = await search(page, 'five days');
  const hit = results.find((r) => r.href.endsWith('#when-someone-asks-for-records'));
  assert.ok(hit, results.map((r) => r.href).join());
  assert.match(hit.excerpt, /<mark>five<\/mark> business <mark>days<\/mark>/);
  assert.match(hit.text, /^…/, 'cut before the words, at a word');
  assert.doesNotMatch(hit.text, /^A request needs no special form/);
  assert.ok(hit.text.length < 260, hit.text);
  // Markup in the text is shown as text, never run.
  assert.doesNotMatch(hit.excerpt, /<(?!\/?mark>)/);
  await page.close();
});

test('the count is announced to screen readers; More results shows the next ten', async () => {
  const page = await newPage(fx.browser);
  const { status, results } = await search(page, 'records');
  const live = page.locator('[data-search-status]');
  assert.equal(await live.getAttribute('role'), 'status');
  assert.equal(await live.getAttribute('aria-live'), 'polite');
  const total = Number(status.match(/^(\d+) results for “records”\.$/)?.[1]);
  assert.ok(total > 10, status);
  assert.equal(results.length, 10);
  await page.getByRole('button', { name: 'More results' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-search-result]').length > 10);
  assert.equal(await page.locator('[data-search-result]').count(), Math.min(20, total));
  await page.close();
});

test('the results page passes axe-core and HTML_CodeSniffer with results and with none', async () => {
  const page = await newPage(fx.browser);
  await search(page, 'consent');
  assert.ok(await page.locator('[data-search-result]').count() > 0);
  await assertAccessible(assert, page, 'search results');
  const none = await search(page, 'xyzzy plugh');
  assert.match(none.status, /^No results for “xyzzy plugh”/);
  assert.equal(none.results.length, 0);
  await assertAccessible(assert, page, 'search without results');
  await page.close();
});

test("the search page's box looks like the header's: same font, corners, button beside it", async () => {
  const page = await newPage(fx.browser, { viewport: { width: 1280, height: 900 } });
  await search(page, 'consent');
  const style = (sel) => page.$eval(sel, (el) => {
    const cs = getComputedStyle(el);
    return { font: cs.fontSize + ' ' + cs.fontFamily, radius: cs.borderRadius, padding: cs.padding };
  });
  assert.deepEqual(await style('#search-page-input'), await style('#site-search-input'));
  const box = await page.locator('#search-page-input').boundingBox();
  const button = await page.locator('.search-page-form button').boundingBox();
  assert.ok(Math.abs(box.y + box.height / 2 - (button.y + button.height / 2)) < 4, 'button on the same line');
  assert.ok(button.x > box.x + box.width - 1, 'button after the box');
  await page.close();
});

test('the JavaScript stemmer gives the build’s stems (tests/vectors/stems.json)', () => {
  const core = require(join(REPO, 'themes/default/static/assets/search-core.js'));
  const vectors = JSON.parse(readFileSync(join(REPO, 'tests/vectors/stems.json'), 'utf8'));
  const wrong = Object.entries(vectors).filter(([w, s]) => core.stem(w) !== s).map(([w, s]) => `${w}: ${s} vs ${core.stem(w)}`);
  assert.ok(Object.keys(vectors).length > 500);
  assert.deepEqual(wrong, []);
});

// A word's rarity is measured by how many sections hold it: the postings counted, not the
// characters of their list (a long gap between two sections, as across a page's spare section
// numbers, takes two characters for one posting). The lists are the Rust encoder's
// (src/search_index/postings.rs: 0, 5, 63 → "05_"; 64, 1025, 1728 → "#0>1#!0").
test('a postings list counts its postings, not its characters', () => {
  const core = require(join(REPO, 'themes/default/static/assets/search-core.js'));
  for (const [list, docs] of [['05_', [0, 1, 5]], ['#0>1#!0', [4, 69, 178]], ['', []]]) {
    const got = [];
    core.decode(list, (doc) => got.push(doc));
    assert.deepEqual(got, docs, list);
    assert.equal(core.count(list), docs.length, list);
  }
});

// The search page measures each query word's rarity with that count: every postings list the query
// reads is counted by search-core.js's count() (so a rank() gone back to the lists' length fails
// here, though the relevance tests above might not notice), and the results are the same.
test('the search page measures a word’s rarity by counting its postings', async () => {
  const page = await newPage(fx.browser);
  await page.addInitScript(() => {
    // Wrap count() as search-core.js publishes it, before search.js reads it.
    let core;
    window.__counted = [];
    Object.defineProperty(window, 'POLICYSITE_SEARCH_CORE', {
      configurable: true,
      get: () => core,
      set: (c) => {
        const count = c.count;
        c.count = (list) => { const n = count(list); window.__counted.push([list, n]); return n; };
        core = c;
      },
    });
  });
  const { results } = await search(page, 'records request');
  const top = results.slice(0, 3).map((r) => r.href.replace(/^(\.\.\/)+/, ''));
  assert.ok(top.includes('training/public-records/index.html#when-someone-asks-for-records'), top.join(' | '));
  const counted = await page.evaluate(() => window.__counted);
  assert.ok(counted.length >= 2, `each word's lists counted: ${counted.length}`);
  const core = require(join(REPO, 'themes/default/static/assets/search-core.js'));
  for (const [list, n] of counted) {
    let docs = 0;
    core.decode(list, () => { docs += 1; });
    assert.equal(n, docs, 'a list counted by its postings');
  }
  // A gap of more than four numbers takes two characters: some list here is longer than its count.
  assert.ok(counted.some(([list, n]) => list.length > n), 'a list with a long gap among those counted');
  assert.deepEqual(page.errors, []);
  await page.close();
});
