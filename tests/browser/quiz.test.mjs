// Staff member takes a training quiz in headless Chromium: wrong answers get feedback and no code,
// correct answers get a code that `policysite verify` accepts for that email and rejects for another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, bundledSiteFixture, cli, newPage, quizAnswers } from './harness.mjs';

const fx = bundledSiteFixture(before, after);

async function answer(page, quiz, correct) {
  for (const [i, q] of quiz.questions.entries()) {
    const fs = page.locator(`fieldset[data-question="${q.id}"]`);
    let values;
    if (q.type === 'true_false') values = [String(q.answer)];
    else if (q.type === 'multiple') values = q.answer.map(String);
    else values = [String(q.answer)];
    if (!correct && i === 0) {
      // a wrong answer for the first question
      values = q.type === 'true_false' ? [String(!q.answer)] : [String((Number(values[0]) + 1) % q.options.length)];
    }
    // clear checkboxes first
    for (const box of await fs.locator('input[type=checkbox]').all()) await box.setChecked(false);
    for (const v of values) await fs.locator(`input[data-option="${v}"]`).check();
  }
}

test('quiz: wrong answer gives feedback and no code; right answers give a code verify accepts', async () => {
  const quiz = quizAnswers(fx.site.dir, 'public-records');
  const page = await newPage(fx.browser);
  await page.goto(fx.server.base + 'training/public-records/index.html');
  assert.equal(await page.locator('fieldset[data-question]').count(), quiz.questions.length);
  await assertAccessible(assert, page, 'module page, initial state');

  // Nothing answered
  await page.getByRole('button', { name: 'Check answers' }).click();
  assert.equal(await page.locator('[data-quiz-status]').getAttribute('data-state'), 'failed');
  assert.equal(await page.locator('[data-feedback][data-state="unanswered"]').count(), quiz.questions.length);

  // One wrong
  await answer(page, quiz, false);
  await page.getByRole('button', { name: 'Check answers' }).click();
  const first = page.locator(`fieldset[data-question="${quiz.questions[0].id}"] [data-feedback]`);
  assert.equal(await first.getAttribute('data-state'), 'incorrect');
  assert.match(await first.textContent(), /Not correct yet/); // said in words, not only by colour
  assert.match(await page.locator('[data-quiz-status]').textContent(), new RegExp(`${quiz.questions.length - 1} of ${quiz.questions.length}`));
  assert.equal(await page.locator('[data-completion]').isHidden(), true);
  await assertAccessible(assert, page, 'module page, feedback state');

  // All right
  await answer(page, quiz, true);
  await page.getByRole('button', { name: 'Check answers' }).click();
  assert.equal(await page.locator('[data-quiz-status]').getAttribute('data-state'), 'passed');
  assert.equal(await page.locator('[data-feedback][data-state="correct"]').count(), quiz.questions.length);
  // the explanation was decrypted from the page with the right answer
  assert.match(await first.textContent(), /Correct\./);
  assert.match(await first.textContent(), new RegExp(quiz.questions[0].explanation.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  // Non-district email refused
  await page.locator('[data-completion-email]').fill('someone@gmail.com');
  await page.locator('[data-completion-submit]').click();
  assert.match(await page.locator('[data-completion-error]').textContent(), /District email/);

  await page.locator('[data-completion-email]').fill('Pat.Doe@tacoma.k12.wa.us');
  await page.locator('[data-completion-submit]').click();
  const code = (await page.locator('[data-completion-code]').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{4}$/);
  await assertAccessible(assert, page, 'module page, passed state');
  assert.deepEqual(page.thirdParty, []);
  assert.deepEqual(page.errors, []);

  const ok = cli(['--root', fx.site.dir, 'verify', '--email', 'pat.doe@tacoma.k12.wa.us', code]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /quiz public-records, revision 2, completed \d{4}-\d\d-\d\d: VALID/);
  const other = cli(['--root', fx.site.dir, 'verify', '--email', 'someone.else@tacoma.k12.wa.us', code]);
  assert.equal(other.status, 1);
  assert.match(other.stdout, /wrong person or quiz/);
  await page.close();
});

test('quiz works from file:// too (no fetch, no server)', async () => {
  const quiz = quizAnswers(fx.site.dir, 'ferpa-student-records');
  const page = await newPage(fx.browser);
  await page.goto('file://' + fx.site.out + '/training/ferpa-student-records/index.html');
  await answer(page, quiz, true);
  await page.getByRole('button', { name: 'Check answers' }).click();
  assert.equal(await page.locator('[data-quiz-status]').getAttribute('data-state'), 'passed');
  await page.locator('[data-completion-email]').fill('lee@tacoma.k12.wa.us');
  await page.locator('[data-completion-submit]').click();
  const code = (await page.locator('[data-completion-code]').textContent()).trim();
  const ok = cli(['--root', fx.site.dir, 'verify', '--email', 'lee@tacoma.k12.wa.us', '--json', code]);
  assert.equal(ok.status, 0, ok.stdout);
  const report = JSON.parse(ok.stdout);
  assert.equal(report.codes[0].quiz, 'ferpa-student-records');
  assert.equal(report.codes[0].valid, true);
  assert.deepEqual(page.errors, []);
  await page.close();
});
