// Issue 12: a long section's list continues on further pages. In Chromium, from file:// and at phone
// width: the pager is keyboard-reachable, walks every part, and passes axe and HTML_CodeSniffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, cpSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, cli, launch, newPage, assertAccessible } from './harness.mjs';

test('a section of 450 pages is listed over three linked pages that pass axe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'policysite-pager-'));
  try {
    for (const f of ['site.yaml', 'content', 'data', 'quizzes', 'themes']) cpSync(join(REPO, f), join(dir, f), { recursive: true });
    cpSync(join(dir, 'content', 'regulation', '_index.md'), join(dir, 'content', 'library', '_index.md'));
    writeFileSync(join(dir, 'content', 'library', '_index.md'),
      readFileSync(join(dir, 'content', 'library', '_index.md'), 'utf8').replace(/title: .*/, 'title: Policy library'));
    for (let i = 0; i < 450; i++) {
      writeFileSync(join(dir, 'content', 'library', `p${String(i).padStart(3, '0')}.md`),
        `---\ntitle: Library page ${String(i).padStart(3, '0')}\nweight: ${i}\n---\n\nText ${i}.\n`);
    }
    const out = join(dir, 'public');
    const r = cli(['--root', dir, 'build', '--output', out]);
    assert.equal(r.status, 0, r.stderr);
    const browser = await launch();
    try {
      const page = await newPage(browser, { viewport: { width: 375, height: 800 } });
      await page.goto(pathToFileURL(join(out, 'library', 'index.html')).href);
      assert.equal(await page.locator('[data-pager]').count(), 1);
      assert.match(await page.locator('[data-pager] p').innerText(), /Page 1 of 3/);
      await assertAccessible(assert, page, 'section list page 1 (375 px)');
      const seen = new Set();
      for (let k = 1; k <= 3; k++) {
        for (const t of await page.locator('.cards a').allInnerTexts()) seen.add(t);
        if (k < 3) {
          await page.locator('[data-pager] a[rel="next"]').focus();
          await page.keyboard.press('Enter');
          await page.waitForURL(new RegExp(`page/${k + 1}/index\\.html$`));
        }
      }
      assert.match(await page.locator('[data-pager] p').innerText(), /Page 3 of 3/);
      await assertAccessible(assert, page, 'section list page 3 (375 px)');
      assert.equal([...seen].filter((t) => t.startsWith('Library page')).length, 450, 'every page is listed once across the parts');
      // The accessibility checkers' own requests for stylesheets fail from file://; the page's do not.
      assert.deepEqual(page.errors.filter((e) => !/XMLHttpRequest|Failed to load resource/.test(e)), []);
      assert.deepEqual(page.thirdParty, []);
    } finally {
      await browser.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
