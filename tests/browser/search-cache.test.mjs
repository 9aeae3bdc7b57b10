// A search page open across a rebuild, or a cache that kept yesterday's index: the page must notice that
// entry.js and a shard come from different builds and reload the index, never mix the two (issue 12's
// "shard files not versioned" weakness). The site is built, its index kept, then rebuilt with a new page;
// Playwright's routing hands the page the old entry or an old shard, as a stale cache would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { addPageAndRebuild, bundledSiteFixture, cli, newPage } from './harness.mjs';

const WORD = 'quokkas';
const old = { shards: {} };
const fx = bundledSiteFixture(before, after, {
  prefix: '/policies/',
  afterBuild(site) {
    const search = join(site.out, 'search');
    old.entry = readFileSync(join(search, 'entry.js'));
    for (const f of readdirSync(join(search, 's'))) old.shards[f] = readFileSync(join(search, 's', f));
    addPageAndRebuild(site, 'quokka-notice',
      '---\ntitle: Quokka notice\ndescription: A page added by a later build.\n---\n\nThe quokkas of the district zoo club have an account.\n');
  },
});

/** The version an index file names: entry.js's "v", a shard's second argument. */
const versionOf = (body) => /"v":"([0-9a-f]+)"|^POLICYSITE_SEARCH\.\w+\(\d+,"([0-9a-f]+)"/.exec(String(body)).slice(1).find(Boolean);

/** Search for WORD with `route` answering index requests first; returns results and requested paths. */
async function searchWith(route) {
  const page = await newPage(fx.browser);
  const asked = [];
  await page.route('**/search/**/*.js*', (r) => { asked.push(new URL(r.request().url()).pathname.replace(/^\/policies\//, '') + new URL(r.request().url()).search); return route(r); });
  await page.route('**/search/entry.js*', (r) => { asked.push('search/entry.js' + new URL(r.request().url()).search); return route(r); });
  await page.goto(fx.server.base + 'search/index.html?q=' + WORD);
  await page.waitForFunction(() => /result/.test(document.querySelector('[data-search-status]').textContent));
  const results = await page.$$eval('[data-search-result] a', (as) => as.map((a) => a.textContent));
  const status = await page.locator('[data-search-status]').textContent();
  assert.deepEqual(page.errors, []);
  await page.close();
  return { results, status, asked };
}

test('every index file names the version of the build it came from', () => {
  const now = readFileSync(join(fx.site.out, 'search/entry.js'));
  assert.notEqual(versionOf(now), versionOf(old.entry), 'a changed site gives a new index version');
  // A shard names its own version, listed in the entry; a text chunk its block's (a block of
  // entry.block chunks).
  const entry = JSON.parse(/entry\((.*)\);/s.exec(String(now))[1]);
  for (const f of readdirSync(join(fx.site.out, 'search/s'))) {
    assert.equal(versionOf(readFileSync(join(fx.site.out, 'search/s', f))), entry.sv[parseInt(f, 10)], `search/s/${f}`);
  }
  for (const x of readdirSync(join(fx.site.out, 'search/x'))) {
    const n = parseInt(x, 10);
    assert.equal(versionOf(readFileSync(join(fx.site.out, 'search/x', x))), entry.xv[Math.floor(n / entry.block)], `search/x/${x}`);
  }
});

test('an entry.js cached from the previous build: the page reloads it and finds the new page', async () => {
  let served = 0;
  const { results, status, asked } = await searchWith((r) => {
    if (/entry\.js/.test(r.request().url()) && served++ === 0) {
      return r.fulfill({ status: 200, contentType: 'text/javascript', body: old.entry });
    }
    return r.continue();
  });
  assert.deepEqual(results, ['Quokka notice'], status);
  const entries = asked.filter((a) => a.startsWith('search/entry.js'));
  assert.equal(entries.length, 2, `entry.js asked for twice: ${asked}`);
  assert.match(entries[1], /\?r=\d+$/, 'the second time past any cache');
});

test('a shard from the previous build, served for the new version (a cache that ignores ?v=): reloaded', async () => {
  let stale = 0;
  const { results, status, asked } = await searchWith((r) => {
    const m = /\/search\/s\/(\d+\.js)\?v=/.exec(r.request().url());
    if (m && stale++ === 0) {
      return r.fulfill({ status: 200, contentType: 'text/javascript', body: old.shards[m[1]] ?? old.shards['0.js'] });
    }
    return r.continue();
  });
  assert.deepEqual(results, ['Quokka notice'], status);
  assert.ok(asked.some((a) => /^search\/s\/\d+\.js\?v=[0-9a-f]+&r=\d+$/.test(a)), `the shard asked for again past the cache: ${asked}`);
});

test('an unchanged rebuild keeps the index version, so browsers keep their cached index', () => {
  const before = readFileSync(join(fx.site.out, 'search/entry.js'));
  const r = cli(['--root', fx.site.dir, 'build', '--output', fx.site.out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(versionOf(readFileSync(join(fx.site.out, 'search/entry.js'))), versionOf(before));
});
