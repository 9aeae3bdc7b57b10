// Issue 21, "the adopted text stays as adopted": after a platform leaves the list through the history
// in data/platforms.yaml, the regulation keeps footnote 1 as adopted, and a marked note after it gives
// today's list, the date of the change and a link to the platform history. Checked in Chromium: where
// it sits, that it is announced as a note (not part of the adopted text), that it passes axe-core and
// HTML_CodeSniffer at desktop and phone widths, and that its link reaches the history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAccessible, bundledSiteFixture, cli, newPage } from './harness.mjs';

const fx = bundledSiteFixture(before, after, {
  afterBuild(site) {
    const file = join(site.dir, 'data', 'platforms.yaml');
    let text = readFileSync(file, 'utf8');
    const start = text.indexOf('  - id: periscope\n');
    const end = text.indexOf('  - id: pinterest\n', start);
    const entry = text.slice(start, end);
    text = text.slice(0, start) + text.slice(end);
    text = text.replace('history:\n', `former:\n${entry}history:\n`);
    text += '  - date: 2026-12-01\n    removed: [periscope]\n    note: Periscope was discontinued.\n';
    writeFileSync(file, text);
    const r = cli(['--root', site.dir, 'build', '--output', site.out]);
    if (r.status !== 0) throw new Error(`rebuild failed:\n${r.stderr}`);
  },
});

test('the adopted footnote stays, and the marked note after it is accessible and links to the history', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'regulation/6973-1r/index.html');
    const fn1 = page.locator('#fn-1');
    const text = (await fn1.textContent()).replace(/\s+/g, ' ');
    assert.match(text, /evolves: Facebook, Twitter, Instagram, YouTube, LinkedIn, Periscope, Pinterest, Flickr and blogs\./);
    const note = fn1.locator('[data-current-list-note]');
    assert.ok(await note.isVisible(), 'the note shows');
    const said = (await note.textContent()).replace(/\s+/g, ' ');
    assert.match(said, /^Note, not part of the adopted text:/);
    assert.match(said, /Since December 1, 2026, the approved platforms are: Facebook, X \(formerly Twitter\), Instagram, YouTube, LinkedIn, Pinterest, Flickr and Blogs\./);
    // Only footnote 1 (the list) gets a note.
    assert.equal(await page.locator('[data-current-list-note]').count(), 1);
    await assertAccessible(assert, page, `regulation with the current-list note at ${viewport.width}px`);
    await note.getByRole('link', { name: 'See the platform list and its history' }).click();
    await page.waitForURL(/platforms\/index\.html#history-heading$/);
    assert.ok(await page.locator('#history-heading').isVisible());
    assert.match(await page.locator('tr[data-change="2026-12-01"]').textContent(), /Removed: Periscope/);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.thirdParty, []);
    await page.close();
  }
});
