// Issue 19, a staff member's way through, in real Chromium at 1280 and 375 px: training progress from
// the codes the browser holds (home, /training/, the module page after a pass, the request form);
// Administrator 1 from "About you"; search by a platform's other names and the notice for a platform
// that is not approved; checkbox errors that look like errors and are announced; email errors that name
// their problem; codes typed without dashes grouped; the quiz's skip link and contents entry; a compact
// header and a one-line code on a phone; the printed first page (pdftotext). Plus issue 18's form parts:
// the classroom type with its guidance and the principal, type explanations, the FLSA explanation, a
// platform's note, the ready panel after a reload and "Start over" asking first. axe-core and
// HTML_CodeSniffer are clean on every new state. Screenshots go to $POLICYSITE_SHOTS when it is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAccessible, bundledSiteFixture, fillRequest, newPage, passQuizAs, today } from './harness.mjs';

const fx = bundledSiteFixture(before, after, { prefix: '/intranet/policies/' });
const VIEWPORTS = [{ width: 1280, height: 900 }, { width: 375, height: 740 }];
const KIM = 'coach.kim@tacoma.k12.wa.us';
const SHOTS = process.env.POLICYSITE_SHOTS;

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: false });
}

const progressText = (page) => page.locator('[data-progress] [data-progress-summary]').first().textContent();

for (const viewport of VIEWPORTS) {
  const at = `${viewport.width}px`;

  test(`${at}: progress from the codes this browser holds, on the home page, /training/, the module page and the form`, async () => {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'index.html');
    await assert.doesNotReject(page.locator('[data-progress]').waitFor({ state: 'visible' }));
    assert.equal(await progressText(page), '0 of 2 required modules done; next: Public Records Act and records retention.');
    await shot(page, `home-before-${viewport.width}`);
    await assertAccessible(assert, page, `home, no module done, ${at}`);

    const code = await passQuizAs(page, fx, 'public-records', KIM);
    // The module page, right after the pass, says what is still required.
    const onModule = page.locator('[data-progress="module:public-records"]');
    await onModule.waitFor({ state: 'visible' });
    assert.match(await onModule.locator('[data-progress-summary]').textContent(), /^1 of 2 required modules done; next: FERPA and student records\.$/);
    const until = new Date(Date.parse(today() + 'T00:00:00Z') + 365 * 86400000).toISOString().slice(0, 10);
    assert.match(await onModule.locator('[data-progress-item="public-records"]').textContent(), new RegExp(`done\\. Your code counts until ${until}`));
    assert.equal(await onModule.locator('[data-progress-item="ferpa-student-records"]').getAttribute('data-state'), 'missing');
    // The code stays on one line.
    const codeBox = await page.locator('[data-completion-code]').evaluate((el) => ({ h: el.getBoundingClientRect().height, w: el.scrollWidth, cw: el.clientWidth, right: el.getBoundingClientRect().right }));
    assert.ok(codeBox.h < 50, `the code is ${codeBox.h}px tall (wrapped?)`);
    assert.ok(codeBox.w <= codeBox.cw + 1 && codeBox.right <= viewport.width, `the code overflows: ${JSON.stringify(codeBox)}`);
    assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{4}$/);
    await assertAccessible(assert, page, `module page after a pass, ${at}`);

    await page.goto(fx.server.base + 'index.html');
    await page.locator('[data-progress]').waitFor({ state: 'visible' });
    assert.equal(await progressText(page), '1 of 2 required modules done; next: FERPA and student records.');
    assert.equal(await page.locator('[data-progress] [data-progress-summary] a').getAttribute('href'), 'training/ferpa-student-records/index.html');
    await shot(page, `home-after-${viewport.width}`);
    await assertAccessible(assert, page, `home, one module done, ${at}`);

    await page.goto(fx.server.base + 'training/index.html');
    await page.locator('[data-progress]').waitFor({ state: 'visible' });
    assert.equal(await progressText(page), '1 of 2 required modules done; next: FERPA and student records.');
    assert.match(await page.locator('[data-module-required="public-records"] [data-module-done]').textContent(), new RegExp(`Done: code counts until ${until}`));
    assert.equal(await page.locator('[data-module-required="ferpa-student-records"] [data-module-done]').count(), 0);
    await assertAccessible(assert, page, `training, one module done, ${at}`);

    await page.goto(fx.server.base + 'request/index.html');
    await page.locator('[data-progress]').waitFor({ state: 'visible' });
    assert.equal(await progressText(page), '1 of 2 required modules done; next: FERPA and student records.');
    await assertAccessible(assert, page, `request form, one module done, ${at}`);

    // Both done: next is the request; an expired code is said to be expired.
    await passQuizAs(page, fx, 'ferpa-student-records', KIM);
    await page.goto(fx.server.base + 'index.html');
    await page.locator('[data-progress]').waitFor({ state: 'visible' });
    assert.equal(await progressText(page), '2 of 2 required modules done; next: request the account.');
    await assertAccessible(assert, page, `home, both modules done, ${at}`);
    await page.evaluate(() => {
      const c = JSON.parse(localStorage.getItem('policysite.codes.v1'));
      c['public-records'].earned = '2020-01-02';
      localStorage.setItem('policysite.codes.v1', JSON.stringify(c));
    });
    await page.reload();
    await page.locator('[data-progress]').waitFor({ state: 'visible' });
    assert.equal(await progressText(page), '1 of 2 required modules done; next: Public Records Act and records retention.');
    assert.match(await page.locator('[data-progress-item="public-records"]').textContent(), /no longer counts \(it expired on 2021-01-01\)/);
    await assertAccessible(assert, page, `home, one code expired, ${at}`);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.thirdParty, []);
    await page.context().close();
  });

  test(`${at}: the header is compact on a phone and the quiz has a skip link and a contents entry`, async () => {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'training/public-records/index.html');
    const header = await page.locator('.site-header').evaluate((h) => h.getBoundingClientRect().height);
    if (viewport.width === 375) assert.ok(header <= 130, `the header takes ${header}px of 740`);
    // Keyboard: the second Tab reaches "Skip to the quiz", which moves focus to the quiz.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the quiz');
    assert.equal(await page.evaluate(() => getComputedStyle(document.activeElement).top !== '-160px'), true);
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'quiz-heading');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement.closest('fieldset[data-question]')), true, 'two Tabs from the quiz heading reach the first question');
    const tocQuiz = page.locator('.toc a[href="#quiz-heading"]');
    assert.match(await tocQuiz.textContent(), /^Quiz: /);
    await assertAccessible(assert, page, `module page, ${at}`);
    await page.context().close();
  });

  test(`${at}: checkbox errors look like errors and are announced; email errors name their problem; codes are grouped`, async () => {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'request/index.html');
    await page.locator('#requester-email').fill('kim@tacoma.k12');
    await page.getByRole('button', { name: 'Check and prepare my request' }).click();
    for (const id of ['privacy-tag', 'ack-policies', 'ack-deletion']) {
      const box = page.locator('#' + id);
      assert.equal(await box.getAttribute('aria-invalid'), 'true');
      const errId = (await box.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
      const err = page.locator('#' + errId);
      assert.ok((await err.textContent()).length > 5);
      const style = await err.evaluate((e) => ({ color: getComputedStyle(e).color, weight: getComputedStyle(e).fontWeight, border: getComputedStyle(e).borderLeftColor }));
      assert.deepEqual(style, { color: 'rgb(138, 28, 28)', weight: '700', border: 'rgb(138, 28, 28)' }, id);
    }
    const flsa = page.locator('[data-admin-field="flsa_exempt"]').first();
    const flsaErr = page.locator('#' + (await flsa.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error')));
    assert.match(await flsaErr.textContent(), /Fair Labor Standards Act exempt/);
    assert.equal(await flsaErr.evaluate((e) => getComputedStyle(e).color), 'rgb(138, 28, 28)');
    // Announced: the summary is an alert that lists them, and each box is described by its error.
    assert.equal(await page.locator('[data-error-summary]').getAttribute('role'), 'alert');
    assert.match(await page.locator('#requester-email-error').textContent(), /stops too early/);
    await assertAccessible(assert, page, `request form with errors, ${at}`);
    for (const [email, problem] of [['', /^Enter your District email/], ['kim.gmail.com', /not an email address/], ['kim@gmail.com', /not a personal or other address/], ['kim@tacoma.k12.wa', /stops too early/]]) {
      await page.locator('#requester-email').fill(email);
      await page.getByRole('button', { name: 'Check and prepare my request' }).click();
      assert.match(await page.locator('#requester-email-error').textContent(), problem, email);
    }
    const code = page.locator('[data-admin-code="public-records"]').first();
    await code.fill('abcde fghjk mnpqr stvw');
    await code.blur();
    assert.equal(await code.inputValue(), 'ABCDE-FGHJK-MNPQR-STVW');
    await page.context().close();
  });

  test(`${at}: search finds a platform by its other names and says first when one is not approved`, async () => {
    const page = await newPage(fx.browser, { viewport });
    const cases = [['snap', 'snapchat'], ['Snap Chat', 'snapchat'], ['snapchat', 'snapchat'], ['x', 'twitter'], ['twitter', 'twitter'], ['insta', 'instagram'], ['instagram', 'instagram'], ['tiktok', 'tiktok'], ['Tik Tok', 'tiktok'], ['fb', 'facebook'], ['youtube', 'youtube']];
    for (const [q, id] of cases) {
      await page.goto(fx.server.base + 'search/index.html?q=' + encodeURIComponent(q));
      await page.waitForFunction(() => document.querySelector('[data-search-status]').textContent !== '');
      const top = (await page.$$eval('[data-search-result] a', (as) => as.map((a) => a.getAttribute('href')))).slice(0, 3);
      assert.ok(top.some((h) => h.endsWith(`platforms/index.html#platform-${id}`)), `${q}: top three ${top.join(' | ')}`);
      const notice = page.locator('[data-search-notice]');
      if (['snapchat', 'tiktok'].includes(id)) {
        assert.equal(await notice.isVisible(), true, q);
        const name = id === 'tiktok' ? 'TikTok' : 'Snapchat';
        assert.match(await notice.textContent(), new RegExp(`^${name} is not on the approved list\\.`));
        assert.ok((await notice.locator('a').first().getAttribute('href')).endsWith(`platforms/index.html#platform-${id}`));
        assert.ok((await notice.locator('a').nth(1).getAttribute('href')).endsWith('request/index.html'));
        assert.match(await page.locator('[data-search-status]').textContent(), new RegExp(`^${name} is not on the approved list\\. \\d+ results?`));
        // Shown before the results.
        assert.equal(await notice.evaluate((n) => !!(n.compareDocumentPosition(document.querySelector('[data-search-results]')) & 4)), true);
        if (id === 'tiktok') await assertAccessible(assert, page, `search with the notice, ${at}`);
      } else {
        assert.equal(await notice.isVisible(), false, q);
      }
    }
    // The regulation's footnotes are found too.
    await page.goto(fx.server.base + 'search/index.html?q=' + encodeURIComponent('Yik Yak anonymous'));
    await page.waitForFunction(() => document.querySelector('[data-search-status]').textContent !== '');
    const hrefs = await page.$$eval('[data-search-result] a', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.some((h) => /regulation\/6973-1r\/index\.html#fn-2$/.test(h)), hrefs.join('\n'));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test(`${at}: a classroom request shows its guidance and the principal; Administrator 1 from "About you"; the ready panel survives a reload`, async () => {
    const page = await newPage(fx.browser, { viewport });
    const code1 = await passQuizAs(page, fx, 'public-records', KIM);
    const code2 = await passQuizAs(page, fx, 'ferpa-student-records', KIM);
    await page.goto(fx.server.base + 'request/index.html');
    await page.locator('#account-type').selectOption('classroom');
    assert.equal(await page.locator('[data-classroom-guidance]').isVisible(), true);
    assert.match(await page.locator('[data-classroom-guidance]').textContent(), /students may “follow” your account\. For the purposes of learning, you do not need to “follow” them back\. Instead, encourage them to use hashtags/);
    assert.equal(await page.locator('[data-principal]').isVisible(), true);
    assert.match(await page.locator('[data-account-type-explanation]').textContent(), /teacher's account for one class or subject.*Needs the principal’s approval/);
    // The FLSA question says what it means and links to the regulation's section.
    const flsaHint = page.locator('[data-admin-hint="flsa_exempt"]').first();
    assert.match(await flsaHint.textContent(), /not entitle to overtime pay/);
    assert.ok((await flsaHint.locator('a').getAttribute('href')).endsWith('regulation/6973-1r/index.html#maintenance-and-monitoring-responsibilities'));
    // A platform's note shows when it is chosen.
    await page.locator('#account-platform').selectOption('periscope');
    assert.match(await page.locator('[data-platform-note]').textContent(), /ask the Communications Department before requesting it/);
    await page.locator('#account-platform').selectOption('instagram');
    assert.equal(await page.locator('[data-platform-note]').isVisible(), false);
    await assertAccessible(assert, page, `classroom request, ${at}`);
    // Administrator 1 is the requester, with the codes this browser holds for that email.
    await page.locator('#requester-name').fill('Kim Coach');
    await page.locator('#requester-email').fill(KIM);
    await page.locator('#requester-admin').check();
    const admin = page.locator('[data-admin]').first();
    assert.equal(await admin.locator('[data-admin-field="name"]').inputValue(), 'Kim Coach');
    assert.equal(await admin.locator('[data-admin-field="email"]').inputValue(), KIM);
    assert.equal(await admin.locator('[data-admin-code="public-records"]').inputValue(), code1);
    assert.equal(await admin.locator('[data-admin-code="ferpa-student-records"]').inputValue(), code2);
    await fillRequest(page, { type: 'classroom', requesterEmail: KIM, adminEmail: KIM, codes: { 'public-records': code1, 'ferpa-student-records': code2 } });
    await page.getByRole('button', { name: 'Check and prepare my request' }).click();
    const result = page.locator('[data-request-result]');
    await result.waitFor({ state: 'visible' });
    assert.match(await result.textContent(), /Do not open the account until it is approved and listed/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download]').click()]);
    const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(json.account.type, 'classroom');
    assert.equal(json.principal_approval.approved, true);
    assert.equal(json.administrators[0].codes['public-records'], code1);
    console.log(`# mailto link for a one-administrator classroom request: ${await page.locator('[data-mailto]').getAttribute('data-mailto-length')} characters`);
    await assertAccessible(assert, page, `ready panel, ${at}`);
    // After a reload the panel is still there; starting over asks first.
    await page.reload();
    await result.waitFor({ state: 'visible' });
    assert.equal(await page.locator('[data-request-id]').textContent(), json.id);
    let asked = null;
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.locator('[data-new-request]').click();
    assert.match(asked, /^Start over\?/);
    assert.equal(await result.isVisible(), true, 'dismissing keeps the request');
    page.once('dialog', (d) => d.accept());
    await page.locator('[data-new-request]').click();
    assert.equal(await result.isVisible(), false);
    await page.reload();
    assert.equal(await result.isVisible(), false);
    assert.equal(await page.locator('#account-type').inputValue(), '');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('the printed regulation starts with the district, its address and the date, shows link targets, and hides navigation', async () => {
  const page = await newPage(fx.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(fx.server.base + 'regulation/6973-1r/index.html');
  const file = join(fx.site.dir, 'regulation.pdf');
  writeFileSync(file, await page.pdf({ format: 'Letter' }));
  const first = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
  const all = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const top = first.replace(/\s+/g, ' ').trim();
  const date = new Date().toLocaleDateString('en', { year: 'numeric', month: 'long', day: 'numeric' });
  assert.ok(top.startsWith(`Tacoma Public Schools, Central Administration Building, 601 South 8th Street, Tacoma, WA 98405 Social Media Regulation and Training · printed ${date}`), top.slice(0, 300));
  assert.ok(all.includes(`Printed ${date} from Social Media Regulation and Training (Tacoma Public Schools): ${fx.server.base}regulation/6973-1r/index.html.`), all.slice(-400));
  // Every sheet's footer carries the address and the print date.
  const footers = (execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).match(new RegExp(`Printed ${date} · ${fx.server.base.replace(/[.]/g, '\\.')}regulation/6973-1r/`, 'g')) || []).length;
  assert.ok(footers >= 2, `the address and date are in ${footers} sheet footers`);
  // An internal link shows where it goes (the training page the regulation links to, or the platform list).
  // (A long address wraps; pdftotext then puts a space where it broke.)
  assert.match(all.replace(/\s+/g, ''), /\(http:\/\/127\.0\.0\.1:\d+\/intranet\/policies\/(platforms|training|request)\/[a-z0-9/-]*(#[a-z0-9-]+)?\)/);
  assert.doesNotMatch(first, /Skip to main content|On this page/);
  // The "Next" box is on the screen, not on paper.
  assert.equal(await page.locator('[data-next-step]').isVisible(), true);
  assert.doesNotMatch(all, /Next: complete the training/);
  await page.context().close();
});
