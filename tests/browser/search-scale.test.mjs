// Search on a generated 1,000-page manual (bench/gen_site.py): from file://, over plain http and under a
// sub-path, a query loads only the search page's scripts, the small entry file, the index shards its
// words live in and the text chunks of the results it shows — never the whole index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, cli, launch, newPage, serveStatic } from './harness.mjs';

const fx = {};
before(async () => {
  fx.dir = mkdtempSync(join(tmpdir(), 'policysite-search-'));
  execFileSync('python3', [join(REPO, 'bench/gen_site.py'), '1000', fx.dir]);
  fx.out = join(fx.dir, 'public');
  const r = cli(['--root', join(fx.dir, 'policysite'), 'build', '--output', fx.out]);
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  fx.root = await serveStatic(fx.out);
  fx.sub = await serveStatic(fx.out, '/policies/manual/');
  fx.browser = await launch();
});
after(async () => {
  await fx.browser?.close();
  await fx.root?.close();
  await fx.sub?.close();
  if (fx.dir) rmSync(fx.dir, { recursive: true, force: true });
});

/** Open the search page at `base` with `q`; returns the results and every file it loaded below search/
 *  and assets/ with its size in bytes. */
async function search(base, q) {
  const page = await newPage(fx.browser);
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(base + 'search/index.html?q=' + encodeURIComponent(q));
  await page.waitForFunction(() => /result/.test(document.querySelector('[data-search-status]').textContent));
  await page.locator('[data-search-result]').first().waitFor();
  await page.waitForLoadState('networkidle');
  const loaded = [];
  for (const r of responses.splice(0)) {
    const m = /\/((?:search|assets)\/[^?#]*)/.exec(r.url());
    if (m) loaded.push({ path: m[1], bytes: (await r.body()).length });
  }
  page.removeAllListeners('response');
  const results = await page.$$eval('[data-search-result]', (ls) => ls.map((l) => ({
    href: l.querySelector('a').href, title: l.querySelector('a').textContent, html: l.innerHTML,
  })));
  const status = await page.locator('[data-search-status]').textContent();
  assert.deepEqual(page.thirdParty, []);
  assert.deepEqual(page.errors, []);
  // Every result link leads to a page that exists, under the same base.
  const first = await page.locator('[data-search-result] a').first().getAttribute('href');
  await page.locator('[data-search-result] a').first().click();
  await page.waitForURL((u) => u.href === results[0].href);
  assert.ok(await page.locator('h1').isVisible(), `${first} opens a page`);
  await page.close();
  return { results, status, loaded };
}

const shardCount = () => readdirSync(join(fx.out, 'search/s')).length;

for (const [where, base] of [['file://', () => 'file://' + fx.out + '/'], ['http', () => fx.root.base], ['a sub-path', () => fx.sub.base]]) {
  test(`a rare and a common word from ${where}: only the entry, one shard and the shown results' text`, async () => {
    assert.ok(shardCount() > 3, `the index is sharded (${shardCount()} shards)`);
    for (const q of ['policy 742', 'students']) {
      const { results, status, loaded } = await search(base(), q);
      assert.ok(results.length > 0 && results.length <= 10, `${q}: ${results.length} results shown`);
      assert.match(status, /\d+ results? for “/);
      const paths = loaded.map((l) => l.path);
      const of = (re) => paths.filter((p) => re.test(p));
      assert.deepEqual(of(/^search\/entry\.js$/), ['search/entry.js'], `${q}: the entry file once`);
      // "policy 742": two words, at most two shards; "students": one.
      const shards = of(/^search\/s\//);
      assert.ok(shards.length >= 1 && shards.length <= q.split(' ').length, `${q}: shards loaded ${shards}`);
      const texts = of(/^search\/x\//);
      assert.ok(texts.length >= 1 && texts.length <= results.length, `${q}: ${texts.length} text chunks for ${results.length} results`);
      assert.deepEqual(of(/^search\/(?!entry\.js|s\/|x\/|index\.html)/), [], 'nothing else from search/');
      // The search scripts, plus what every page loads: site.js (training progress) and site-data.js
      // (the platform list and its aliases, which search uses to answer "TikTok is not approved").
      assert.deepEqual(of(/^assets\/.*\.js$/).sort(), ['assets/search-core.js', 'assets/search.js', 'assets/site-data.js', 'assets/site.js']);
      const bytes = loaded.filter((l) => l.path.endsWith('.js')).reduce((n, l) => n + l.bytes, 0);
      const index = readdirSync(join(fx.out, 'search/x')).length;
      console.log(`# ${where} "${q}": ${loaded.length} files, ${bytes} bytes of scripts (index: ${shardCount()} shards, ${index} text chunks)`);
      assert.ok(bytes < 150_000, `${q}: ${bytes} bytes loaded`);
    }
  });
}

test('the rare word finds its page first, with the word marked', async () => {
  const { results } = await search(fx.sub.base, 'policy 742');
  assert.match(results[0].href, /s007\/p00742\/index\.html$/);
  assert.equal(results[0].title, 'Policy 742');
  assert.match(results[1].href, /s007\/p00742\/index\.html#part-1-of-policy-742$/);
  // That page's title section and its six parts (heading matches) come first, then the sections that
  // link to "page 742", the number marked.
  assert.ok(results.slice(0, 7).every((r) => /p00742/.test(r.href)), results.map((r) => r.href).join());
  assert.ok(results.length > 7);
  for (const r of results.slice(7)) assert.match(r.html, /page <mark>742<\/mark>/);
  const total = statSync(join(fx.out, 'search/entry.js')).size;
  assert.ok(total < 2048, `entry file ${total} bytes`);
});
