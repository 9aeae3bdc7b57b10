// Policy revisions (src/policy) in headless Chromium, on a build of examples/revised-site: the
// archive, compare and upcoming views pass axe-core and HTML_CodeSniffer, their links work from
// file://, over http and under a sub-path, the redline is announced in text, and feed.xml parses as
// Atom with Python's feedparser (installed by scripts/test.sh; FEEDPARSER_PYTHON names its python).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, assertAccessible, cli, launch, newPage, serveStatic } from './harness.mjs';

const PREFIX = '/policies/social-media/';
const REG = 'regulation/6973-1r/';
const fx = {};

before(async () => {
  fx.dir = mkdtempSync(join(tmpdir(), 'policysite-revised-'));
  cpSync(join(REPO, 'examples/revised-site'), fx.dir, { recursive: true });
  rmSync(join(fx.dir, 'themes'), { recursive: true, force: true });
  cpSync(join(REPO, 'themes'), join(fx.dir, 'themes'), { recursive: true }); // today's templates
  fx.out = join(fx.dir, 'public');
  const r = cli(['--root', fx.dir, 'build', '--output', fx.out, '--today', '2026-11-28']);
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  fx.server = await serveStatic(fx.out, PREFIX);
  fx.browser = await launch();
});
after(async () => {
  await fx.browser?.close();
  await fx.server?.close();
  if (fx.dir) rmSync(fx.dir, { recursive: true, force: true });
});

const PAGES = [
  'index.html',
  `${REG}index.html`,
  `${REG}2016-06-07/index.html`,
  `${REG}2026-11-17/index.html`,
  `${REG}compare/index.html`,
  `${REG}compare/2016-06-07-to-2025-03-11/index.html`,
  `${REG}compare/2025-03-11-to-2026-11-17/index.html`,
];

test('archive, compare and upcoming views: zero axe-core and HTML_CodeSniffer problems', async () => {
  const page = await newPage(fx.browser);
  for (const p of PAGES) {
    await page.goto(fx.server.base + p);
    await assertAccessible(assert, page, p);
  }
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.thirdParty, [], 'no request leaves the machine');
  await page.close();
});

test('the redline is announced in words, not by colour alone, and prints struck through', async () => {
  const page = await newPage(fx.browser);
  await page.goto(fx.server.base + `${REG}compare/2016-06-07-to-2025-03-11/index.html`);
  const footnotes = page.locator('[data-section="footnotes"] .compare-text');
  // What a screen reader reads (visually hidden labels included).
  const spoken = (await footnotes.textContent()).replace(/\s+/g, ' ');
  assert.match(spoken, /\[deleted: Twitter,\] \[inserted: X \(formerly Twitter\), Threads,\]/);
  assert.match(spoken, /\[deleted: Periscope,\]/);
  assert.equal(await page.locator('[data-section="authorization"] .compare-status').textContent(), 'Changed: 1 insertion, 0 deletions.');
  await page.emulateMedia({ media: 'print' });
  const style = await page.locator('del').nth(1).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { line: cs.textDecorationLine, color: cs.color };
  });
  assert.equal(style.line, 'line-through');
  assert.equal(style.color, 'rgb(0, 0, 0)', 'print needs no colour to tell changes apart');
  assert.equal(await page.locator('.compare-others').isVisible(), false);
  await page.close();
});

/** Follow the links a reader would click, from `base`: page → upcoming → compare → old → current. */
async function walk(page, base) {
  await page.goto(base + `${REG}index.html`);
  await page.getByRole('link', { name: 'See what will change' }).click();
  assert.match(await page.locator('h1').textContent(), /Regulation 6973\.1R: what changed/);
  assert.ok((await page.locator('ins').filter({ hasText: 'at least two administrators' }).count()) === 1);
  await page.getByRole('link', { name: 'June 7, 2016 (past) → March 11, 2025 (current)' }).click();
  await page.locator('.compare-versions a').first().click();
  assert.match(page.url(), /regulation\/6973-1r\/2016-06-07\/index\.html$/);
  assert.match(await page.locator('[data-revision-banner]').textContent(), /This is not the current version/);
  await page.locator('[data-current-link]').click();
  assert.match(page.url(), /regulation\/6973-1r\/index\.html$/);
  assert.equal(await page.locator('[data-timeline-revision="2025-03-11"]').getAttribute('data-status'), 'current');
  await page.goto(base + 'index.html');
  await page.locator('[data-what-changed] a').first().click();
  assert.match(page.url(), /compare\/2025-03-11-to-2026-11-17\/index\.html$/);
  const feed = await page.evaluate(() => document.querySelector('link[rel=alternate][type="application/atom+xml"]').href);
  assert.ok(feed.endsWith('feed.xml'));
}

test('links work over http under a sub-path and from file://', async () => {
  const page = await newPage(fx.browser);
  await walk(page, fx.server.base);
  assert.ok(page.url().startsWith(fx.server.base));
  await walk(page, pathToFileURL(fx.out).href + '/');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.thirdParty, []);
  await page.close();
});

test('feed.xml parses as Atom with one entry per policy revision, quiz revision and platform-list change', async () => {
  const python = process.env.FEEDPARSER_PYTHON || 'python3';
  const script = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({"version": d.version, "bozo": d.bozo, "title": d.feed.get("title"),
  "entries": [{"id": e.id, "title": e.title, "updated": e.updated, "link": e.link} for e in d.entries]}))`;
  const r = spawnSync(python, ['-c', script, join(fx.out, 'feed.xml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `feedparser failed (scripts/test.sh installs it): ${r.stderr}`);
  const feed = JSON.parse(r.stdout);
  assert.equal(feed.version, 'atom10');
  assert.equal(feed.bozo, false, 'well-formed XML');
  assert.deepEqual(feed.entries.map((e) => e.id), [
    'tag:tacoma.k12.wa.us,2026-11-17:policy/6973.1R/2026-11-17',
    'tag:tacoma.k12.wa.us,2025-03-20:quiz/public-records/2',
    'tag:tacoma.k12.wa.us,2025-03-11:platforms/2025-03-11',
    'tag:tacoma.k12.wa.us,2025-03-11:policy/6973.1R/2025-03-11',
    'tag:tacoma.k12.wa.us,2016-06-07:policy/6973.1R/2016-06-07',
    'tag:tacoma.k12.wa.us,2016-04-12:platforms/2016-04-12',
  ]);
  assert.equal(feed.entries[3].link, 'regulation/6973-1r/compare/2016-06-07-to-2025-03-11/index.html');
  assert.equal(feed.entries[3].updated, '2025-03-11T00:00:00Z');
  assert.equal(feed.entries[1].link, 'training/public-records/index.html');
  assert.equal(feed.entries[2].link, 'platforms/index.html');
});
