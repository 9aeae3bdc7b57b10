// `policysite serve` in a real browser: live reload after an edit, the error overlay with file:line
// while the last good page stays, and recovery when the error is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO, launch, newPage } from './harness.mjs';

let dir, proc, base, browser;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'policysite-serve-'));
  for (const f of ['site.yaml', 'content', 'data', 'quizzes', 'themes']) cpSync(join(REPO, f), join(dir, f), { recursive: true });
  proc = spawn(BIN, ['--root', dir, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  base = await new Promise((ok, fail) => {
    proc.stdout.once('data', (d) => ok(String(d).trim()));
    proc.once('exit', (c) => fail(new Error('serve exited ' + c)));
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  proc?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('live reload, error overlay with file:line, recovery', async () => {
  const page = await newPage(browser);
  await page.goto(base + 'platforms/');
  const file = join(dir, 'content/platforms.md');
  const original = readFileSync(file, 'utf8');

  await Promise.all([page.waitForEvent('load'), writeFileSync(file, original + '\nEdited while the browser watched.\n')]);
  await page.getByText('Edited while the browser watched.').waitFor({ timeout: 5000 });

  writeFileSync(file, original.replace('title: Approved platforms', 'title: [broken'));
  const overlay = page.locator('#policysite-error-overlay');
  await overlay.waitFor({ timeout: 5000 });
  assert.match(await overlay.textContent(), /content\/platforms\.md:2:8/);
  // Opaque over the whole page: nothing of the header shows through the error text (issue 19).
  assert.equal(await overlay.evaluate((o) => getComputedStyle(o).backgroundColor), 'rgb(20, 20, 20)');
  assert.equal(await page.evaluate(() => !!document.elementFromPoint(20, 20).closest('#policysite-error-overlay')), true);
  assert.match(await page.locator('main').textContent(), /Edited while the browser watched\./, 'the last good page stays under the overlay');

  await Promise.all([page.waitForEvent('load', { timeout: 5000 }), writeFileSync(file, original)]);
  await overlay.waitFor({ state: 'detached', timeout: 5000 });
  assert.doesNotMatch(await page.locator('main').textContent(), /Edited while the browser watched\./);
  assert.deepEqual(page.thirdParty, []);
  await page.close();
});
