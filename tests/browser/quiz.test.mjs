// Staff member takes a training quiz in headless Chromium: wrong answers get feedback and no code,
// correct answers get a code that `policysite verify` accepts for that email and rejects for another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, bundledSiteFixture, cli, newPage, passQuizAs, quizAnswers, today } from './harness.mjs';

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
  assert.match(await page.locator('[data-completion-error]').textContent(), /Use your District address, ending in @tacoma\.k12\.wa\.us, not a personal or other address/);

  await page.locator('[data-completion-email]').fill('Pat.Doe@tacoma.k12.wa.us');
  await page.locator('[data-completion-submit]').click();
  const code = (await page.locator('[data-completion-code]').textContent()).trim();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{4}$/);
  await assertAccessible(assert, page, 'module page, passed state');
  assert.deepEqual(page.thirdParty, []);
  assert.deepEqual(page.errors, []);

  const ok = cli(['--root', fx.site.dir, 'verify', '--email', 'pat.doe@tacoma.k12.wa.us', code]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`quiz public-records, revision ${quiz.revision}, completed \\d{4}-\\d\\d-\\d\\d: VALID`));
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

// Issue 13: the friction a staff member hits in the quiz, at desktop and phone widths.
function values(q, right) {
  if (q.type === 'true_false') return [String(right ? q.answer : !q.answer)];
  if (q.type === 'multiple') return right ? q.answer.map(String) : [String(q.options.findIndex((_, i) => !q.answer.includes(i)))];
  return [String(right ? q.answer : (q.answer + 1) % q.options.length)];
}
async function choose(page, q, vals) {
  const fs = page.locator(`fieldset[data-question="${q.id}"]`);
  for (const box of await fs.locator('input[type=checkbox]').all()) await box.setChecked(false);
  for (const v of vals) await fs.locator(`input[data-option="${v}"]`).check();
}
const inViewport = (page, sel) => page.locator(sel).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
});

for (const width of [1280, 375]) {
  test(`quiz experience at ${width} px: hint once, summary with links, section links, answers kept, Enter, remembered code and email`, async () => {
    const quiz = quizAnswers(fx.site.dir, 'public-records');
    const page = await newPage(fx.browser, { viewport: { width, height: 800 } });
    const url = fx.server.base + 'training/public-records/index.html';
    await page.goto(url);

    // "(Select all that apply.)" once per multiple-select question.
    const multiple = page.locator('fieldset[data-kind="multiple"] legend');
    assert.ok(await multiple.count() > 0);
    for (const legend of await multiple.all()) {
      assert.equal(((await legend.textContent()).match(/Select all that apply/g) || []).length, 1);
    }

    // A failed attempt: the first question wrong, the second unanswered, the rest right.
    const [q0, q1] = quiz.questions;
    for (const q of quiz.questions.slice(2)) await choose(page, q, values(q, true));
    await choose(page, q0, values(q0, false));
    await page.getByRole('button', { name: 'Check answers' }).click();
    const status = page.locator('[data-quiz-status]');
    assert.equal(await status.evaluate((el) => el === document.activeElement), true, 'focus on the summary');
    assert.match(await status.textContent(), new RegExp(`${quiz.questions.length - 2} of ${quiz.questions.length} correct`));
    assert.equal(await inViewport(page, '[data-quiz-status]'), true, 'the summary is in view when it takes focus');
    const links = status.locator('a[data-question-link]');
    assert.deepEqual((await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).sort(), [`#q-${q0.id}`, `#q-${q1.id}`].sort());
    await assertAccessible(assert, page, `failed summary at ${width} px`);
    await status.locator(`a[href="#q-${q1.id}"]`).click();
    assert.equal(await page.evaluate((id) => !!document.activeElement.closest(`fieldset[data-question="${id}"]`), q1.id), true, 'the link moves focus into the question');

    // A wrong answer's feedback links to the module section that teaches it (quiz `section:`).
    for (const q of [q0, q1].filter((x) => x.section)) {
      const link = page.locator(`fieldset[data-question="${q.id}"] [data-feedback] a[href="#${q.section}"]`);
      assert.equal(await link.count(), 1, `${q.id} links to #${q.section}`);
      assert.equal(await page.locator(`[id="${q.section}"]`).count(), 1);
    }
    // The link is named by the section's heading.
    const section = await page.locator(`fieldset[data-question="${q0.id}"]`).getAttribute('data-section');
    const review = page.locator(`fieldset[data-question="${q0.id}"] [data-feedback] a[href="#${section}"]`);
    assert.equal(await review.count(), 1);
    assert.equal((await review.textContent()).trim(), (await page.locator(`[id="${section}"]`).textContent()).replace(/#\s*$/, '').trim());

    // Answers survive a reload until the quiz is passed.
    await page.reload();
    for (const q of [q0, ...quiz.questions.slice(2)]) {
      const want = q === q0 ? values(q, false) : values(q, true);
      for (const v of want) assert.equal(await page.locator(`fieldset[data-question="${q.id}"] input[data-option="${v}"]`).isChecked(), true, `${q.id} kept`);
    }
    await choose(page, q0, values(q0, true));
    await choose(page, q1, values(q1, true));
    await page.getByRole('button', { name: 'Check answers' }).click();
    assert.equal(await status.getAttribute('data-state'), 'passed');

    // Enter in the email field gets the code.
    const email = page.locator('[data-completion-email]');
    await email.fill('Pat.Doe@tacoma.k12.wa.us');
    await email.press('Enter');
    const code = (await page.locator('[data-completion-code]').textContent()).trim();
    assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{4}$/);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('policysite.codes.v1')));
    assert.deepEqual(stored['public-records'], { email: 'pat.doe@tacoma.k12.wa.us', code, earned: today(), revision: quiz.revision });

    // Passed: the saved answers are gone; reopening the module shows the code earned here.
    await page.reload();
    assert.equal(await page.locator('form[data-quiz] input:checked').count(), 0, 'answers dropped once passed');
    const remembered = page.locator('[data-remembered]');
    assert.equal(await remembered.isVisible(), true);
    assert.equal((await remembered.locator('[data-remembered-code]').textContent()).trim(), code);
    assert.match(await remembered.textContent(), /pat\.doe@tacoma\.k12\.wa\.us/);
    await assertAccessible(assert, page, `remembered code at ${width} px`);

    // The email entered for one quiz pre-fills the next.
    await page.goto(fx.server.base + 'training/ferpa-student-records/index.html');
    assert.equal(await page.locator('[data-completion-email]').inputValue(), 'Pat.Doe@tacoma.k12.wa.us');
    assert.equal(await page.locator('[data-remembered]').isHidden(), true, 'no code for this quiz yet');

    // A code past the validity period is not offered.
    await page.goto(url);
    assert.match(await remembered.textContent(), /valid until \d{4}-\d\d-\d\d/);
    const saved = await page.evaluate(() => localStorage.getItem('policysite.codes.v1'));
    await page.evaluate((s) => {
      const c = JSON.parse(s); c['public-records'].earned = '2020-01-02';
      localStorage.setItem('policysite.codes.v1', JSON.stringify(c));
    }, saved);
    await page.reload();
    assert.equal(await remembered.isHidden(), true, 'an expired code is not shown');
    await page.evaluate((s) => localStorage.setItem('policysite.codes.v1', s), saved);

    // Forget removes the code from this browser.
    await page.goto(url);
    await page.locator('[data-remembered-forget]').click();
    assert.equal(await remembered.isHidden(), true);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('policysite.codes.v1'))['public-records']), undefined);
    await page.reload();
    assert.equal(await remembered.isHidden(), true);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.thirdParty, []);
    await page.close();
  });
}

test("a code is dated in the site's time zone (site.yaml time_zone), not in UTC or the browser's own zone", async () => {
  // 03:00 UTC tomorrow is still today in Tacoma (America/Los_Angeles, the bundled site's zone) and
  // noon tomorrow in Tokyo (the browser's zone here): the code must carry Tacoma's date, the one
  // `policysite verify` counts in.
  const utcToday = new Date().toISOString().slice(0, 10);
  const at = Date.parse(utcToday + 'T03:00:00Z') + 86400000;
  assert.equal(today('America/Los_Angeles', at), utcToday);
  const page = await newPage(fx.browser, { timezoneId: 'Asia/Tokyo' });
  await page.clock.setFixedTime(at);
  const code = await passQuizAs(page, fx, 'ferpa-student-records', 'pat.doe@tacoma.k12.wa.us');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('policysite.codes.v1')));
  assert.equal(stored['ferpa-student-records'].earned, utcToday, 'earned on Tacoma\'s date');
  const ok = cli(['--root', fx.site.dir, 'verify', '--email', 'pat.doe@tacoma.k12.wa.us', '--today', utcToday, code]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`completed ${utcToday}: VALID`));
  // The progress panel counts the year from that date too.
  const until = new Date(Date.parse(utcToday + 'T00:00:00Z') + 365 * 86400000).toISOString().slice(0, 10);
  assert.match(await page.locator('[data-progress="module:ferpa-student-records"] [data-progress-item="ferpa-student-records"]').textContent(), new RegExp(`counts until ${until}`));
  // A zone the browser does not know falls back to UTC; so does a site without one.
  assert.equal(await page.evaluate((t) => window.PolicysiteCode.todayISO('Mars/Olympus', t), at), new Date(at).toISOString().slice(0, 10));
  assert.equal(await page.evaluate((t) => window.PolicysiteCode.todayISO(null, t), at), new Date(at).toISOString().slice(0, 10));
  assert.deepEqual(page.errors, []);
  await page.close();
});
