// A site made by `policysite new` works in a real browser at once: a staff member of the new district
// passes the module's quiz, gets a completion code for their district address, `policysite verify`
// accepts it, and the pages pass axe-core and HTML_CodeSniffer with no request leaving the machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertAccessible, cli, launch, newPage, quizAnswers, serveStatic, today } from './harness.mjs';

const fx = {};
before(async () => {
  fx.tmp = mkdtempSync(join(tmpdir(), 'policysite-new-'));
  fx.dir = join(fx.tmp, 'site');
  const made = cli(['new', fx.dir, '--district', 'Lakeview School District', '--domain', 'lakeview.k12.example']);
  assert.equal(made.status, 0, made.stderr);
  const built = cli(['--root', fx.dir, 'build', '--output', join(fx.dir, 'public')]);
  assert.equal(built.status, 0, built.stderr);
  fx.server = await serveStatic(join(fx.dir, 'public'), '/social/');
  fx.browser = await launch();
});
after(async () => {
  await fx.browser?.close();
  await fx.server?.close();
  if (fx.tmp) rmSync(fx.tmp, { recursive: true, force: true });
});

test('new site: pass the quiz, get a code that verifies, accessible pages, nothing third-party', async () => {
  const page = await newPage(fx.browser);
  await page.goto(fx.server.base + 'index.html');
  assert.match(await page.locator('header').textContent(), /Lakeview School District/);
  await assertAccessible(assert, page, 'home');

  const quiz = quizAnswers(fx.dir, 'social-media-basics');
  assert.equal(quiz.questions.length, 3);
  await page.goto(fx.server.base + 'training/social-media-basics/index.html');
  for (const q of quiz.questions) {
    const fs = page.locator(`fieldset[data-question="${q.id}"]`);
    const values = q.type === 'multiple' ? q.answer.map(String) : [String(q.answer)];
    for (const v of values) await fs.locator(`input[data-option="${v}"]`).check();
  }
  await page.getByRole('button', { name: 'Check answers' }).click();
  assert.equal(await page.locator('[data-quiz-status]').getAttribute('data-state'), 'passed');
  const email = 'pat.lee@lakeview.k12.example';
  await page.locator('[data-completion-email]').fill(email);
  await page.locator('[data-completion-submit]').click();
  const code = (await page.locator('[data-completion-code]').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{4}$/);
  const verified = cli(['--root', fx.dir, 'verify', '--email', email, '--today', today('UTC'), code]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /social-media-basics/);

  for (const p of ['regulation/social-media/index.html', 'request/index.html', 'directory/index.html', 'platforms/index.html']) {
    await page.goto(fx.server.base + p);
    await assertAccessible(assert, page, p);
  }
  assert.deepEqual(page.thirdParty, []);
  assert.deepEqual(page.errors, []);
  await page.close();
});
