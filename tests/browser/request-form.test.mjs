// The request form's friction items of issue 13, each at desktop (1280 px) and phone (375 px) width,
// in real Chromium: a code earned in this browser for another email is flagged, email errors name the
// District's domain, the account type explains which to choose for a school team, the error summary's
// heading is in view when it takes focus, the mailto body asks the person to attach the file, and the
// print view ends with where to send it and signature/date lines. axe stays clean throughout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axe, bundledSiteFixture, fillRequest, newPage, passQuizAs, today } from './harness.mjs';

const fx = bundledSiteFixture(before, after);
const VIEWPORTS = [{ width: 1280, height: 900 }, { width: 375, height: 740 }];
const KIM = 'coach.kim@tacoma.k12.wa.us';
const codes = {};

const passQuiz = (page, id, email) => passQuizAs(page, fx, id, email);

/** Real codes for Kim, earned once through the quizzes (on first use: the fixture's browser is
 *  launched in its own `before`). */
async function earnCodes() {
  if (Object.keys(codes).length) return;
  const page = await newPage(fx.browser);
  codes['public-records'] = await passQuiz(page, 'public-records', KIM);
  codes['ferpa-student-records'] = await passQuiz(page, 'ferpa-student-records', KIM);
  await page.context().close();
}

/** A fresh browser at `viewport` whose local storage holds Kim's codes as quiz.js records them
 *  (localStorage "policysite.codes.v1", the contract in the briefs). */
async function formPage(viewport) {
  await earnCodes();
  const page = await newPage(fx.browser, { viewport });
  await page.goto(fx.server.base + 'request/index.html');
  await page.evaluate(([email, c, earned]) => {
    const v1 = {};
    for (const [q, code] of Object.entries(c)) v1[q] = { email, code, earned, revision: 1 };
    localStorage.setItem('policysite.codes.v1', JSON.stringify(v1));
  }, [KIM, codes, today()]);
  await page.reload();
  return page;
}

const fillValid = (page, { type = 'sports_team', adminEmail = KIM } = {}) =>
  fillRequest(page, { type, requesterEmail: KIM, adminEmail, codes });

const submit = (page) => page.getByRole('button', { name: 'Check and prepare my request' }).click();

for (const viewport of VIEWPORTS) {
  const at = `${viewport.width}px`;

  test(`${at}: a code earned in this browser for another email is flagged: "this code was issued to …"`, async () => {
    const page = await formPage(viewport);
    await fillValid(page, { adminEmail: 'lee.assistant@tacoma.k12.wa.us' });
    const code = page.locator('[data-admin-code="public-records"]').first();
    const warning = page.locator('[data-admin-warning="code-public-records"]').first();
    assert.equal(await warning.isVisible(), true, 'the warning shows as soon as the code and email disagree');
    assert.match(await warning.textContent(), /This code was issued to coach\.kim@tacoma\.k12\.wa\.us/);
    assert.ok((await code.getAttribute('aria-describedby')).split(' ').includes(await warning.getAttribute('id')), 'the warning is tied to its field');
    assert.deepEqual(await axe(page), [], `axe with the warning at ${at}`);
    // Submitting lists it as a problem (the Communications Department would reject the code).
    await submit(page);
    const errors = await page.locator('[data-error-list] li').allTextContents();
    assert.ok(errors.some((e) => /Public Records Act.*This code was issued to coach\.kim@/.test(e)), errors.join('\n'));
    // The right email clears it.
    await page.locator('[data-admin] [data-admin-field="email"]').first().fill(KIM);
    assert.equal(await warning.isVisible(), false);
    await submit(page);
    assert.equal(await page.locator('[data-request-result]').isVisible(), true, (await page.locator('[data-error-list]').allTextContents()).join('\n'));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test(`${at}: a handle with a lookalike character, no letter or digit, or over 100 characters is refused as request check refuses it`, async () => {
    const page = await formPage(viewport);
    await fillValid(page);
    for (const handle of ['＠stadiumtigersfb', '@stadium\u200btigersfb', '@stadium tigers', '@..', '@' + 'a'.repeat(101)]) {
      await page.locator('#account-handle').fill(handle);
      await submit(page);
      assert.match(await page.locator('#account-handle-error').textContent(), /as the platform shows it/, handle);
      assert.equal(await page.locator('#account-handle').getAttribute('aria-invalid'), 'true', handle);
    }
    await page.locator('#account-handle').fill('@stadiumtigersfb');
    await submit(page);
    assert.equal(await page.locator('[data-request-result]').isVisible(), true, (await page.locator('[data-error-list]').allTextContents()).join('\n'));
    await page.context().close();
  });

  test(`${at}: email errors for administrators and the principal name the required domain`, async () => {
    const page = await formPage(viewport);
    await page.locator('#account-type').selectOption('sports_team');
    await page.locator('[data-admin] [data-admin-field="email"]').first().fill('kim@gmail.com');
    await page.locator('#principal-email').fill('pat@gmail.com');
    await submit(page);
    const errors = await page.locator('[data-error-list] li').allTextContents();
    // Each names its problem: empty (the requester's), or not a District address (the others').
    for (const [who, problem] of [['your', 'enter your district email'], ['administrator 1’s', 'use administrator 1’s district address'], ['the principal’s', 'use the principal’s district address']]) {
      const e = errors.find((x) => x.toLowerCase().includes(problem));
      assert.ok(e, `no email error for ${who}: ${errors.join('\n')}`);
      assert.match(e, /ending in @tacoma\.k12\.wa\.us/, e);
    }
    assert.match(await page.locator('#principal-email-error').textContent(), /@tacoma\.k12\.wa\.us/);
    assert.match(await page.locator('[data-admin] [data-admin-error="email"]').first().textContent(), /@tacoma\.k12\.wa\.us/);
    await page.context().close();
  });

  test(`${at}: the account type says which to choose for a school team`, async () => {
    const page = await formPage(viewport);
    const hint = page.locator('#account-type-hint');
    assert.equal(await hint.isVisible(), true);
    assert.match(await hint.textContent(), /school’s team, choose “A sports team”/);
    assert.ok((await page.locator('#account-type').getAttribute('aria-describedby')).split(' ').includes('account-type-hint'));
    // The label it names is one of the choices.
    assert.ok((await page.locator('#account-type option').allTextContents()).includes('A sports team'));
    await page.context().close();
  });

  test(`${at}: the error summary's heading is in view when the summary takes focus`, async () => {
    const page = await formPage(viewport);
    // Submit from the bottom of the page, with every field empty: the longest summary.
    await page.locator('#ack-privacy').scrollIntoViewIfNeeded();
    await submit(page);
    assert.equal(await page.evaluate(() => document.activeElement.hasAttribute('data-error-summary')), true);
    const box = await page.locator('[data-error-summary] h2').evaluate((h) => {
      const r = h.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: innerHeight };
    });
    assert.ok(box.top >= 0 && box.bottom <= box.height, `heading at ${box.top}..${box.bottom} of a ${box.height}px viewport`);
    assert.deepEqual(await axe(page), [], `axe with errors at ${at}`);
    await page.context().close();
  });

  test(`${at}: the mailto body carries the request between the marked lines, or says it is too long and falls back to the file`, async () => {
    const page = await formPage(viewport);
    page.on('dialog', (d) => d.accept());
    // A department's request (no principal) with one administrator fits in a link of 2,000 characters.
    await fillValid(page, { type: 'department' });
    await submit(page);
    let href = await page.locator('[data-mailto]').getAttribute('href');
    console.log(`# mailto link, department request, one administrator: ${await page.locator('[data-mailto]').getAttribute('data-mailto-length')} characters`);
    assert.ok(href.length <= 2000, `mailto link of ${href.length} characters`);
    const body = decodeURIComponent(href.slice(href.indexOf('&body=') + 6));
    assert.doesNotMatch(body, /attach/i);
    const block = body.split('-----BEGIN POLICYSITE REQUEST-----\n')[1].split('\n-----END POLICYSITE REQUEST-----')[0];
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download]').click()]);
    const file = readFileSync(await download.path(), 'utf8');
    assert.equal(block + '\n', file, 'the email carries the same request as the file');
    assert.match(file, /^\{\n  "schema":"policysite\/account-request",\n/);
    assert.equal(await page.locator('[data-mailto-too-long]').isVisible(), false);
    // With the principal's approval and a second administrator it does not fit: the page says so and
    // the email asks for the downloaded file instead.
    await page.locator('[data-new-request]').click();
    await fillValid(page, { type: 'sports_team' });
    await page.locator('[data-add-admin]').click();
    const second = page.locator('[data-admin]').nth(1);
    await second.locator('[data-admin-field="name"]').fill('Lee Assistant');
    await second.locator('[data-admin-field="email"]').fill(KIM);
    await second.locator('[data-admin-field="flsa_exempt"]').check();
    for (const [q, c] of Object.entries(codes)) await second.locator(`[data-admin-code="${q}"]`).fill(c);
    await submit(page);
    href = await page.locator('[data-mailto]').getAttribute('href');
    const full = Number(await page.locator('[data-mailto]').getAttribute('data-mailto-length'));
    console.log(`# mailto link, sports team request, two administrators: ${full} characters (falls back)`);
    assert.ok(full > 2000 && href.length <= 2000);
    assert.equal(await page.locator('[data-mailto-too-long]').isVisible(), true);
    assert.match(await page.locator('[data-mailto-too-long]').textContent(), /too long to put into an email link \([\d,]+ characters/);
    assert.match(decodeURIComponent(href), /attached Social Media Account Request/);
    assert.deepEqual(await axe(page), [], `axe with the fallback at ${at}`);
    await page.context().close();
  });

  test(`${at}: the print view ends with where to send it and signature/date lines`, async () => {
    const page = await formPage(viewport);
    page.on('dialog', (d) => d.accept());
    for (const [type, principal] of [['sports_team', true], ['department', false]]) {
      await page.locator('[data-clear-form]').click();
      await fillValid(page, { type });
      await submit(page);
      const pdfFile = join(fx.site.dir, `request-${viewport.width}-${type}.pdf`);
      writeFileSync(pdfFile, await page.pdf({ format: 'Letter' }));
      const printed = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
      const lines = printed.split('\n').map((l) => l.trim()).filter(Boolean);
      const send = lines.findIndex((l) => /Send this request to: Communications Department,/.test(l));
      assert.ok(send >= 0, printed);
      assert.match(printed.replace(/\s+/g, ' '), /Communications Department, communications@tacoma\.k12\.wa\.us\./, 'the address is printed as text');
      const tail = lines.slice(send).join('\n');
      assert.match(tail, /Requester’s signature\s+Date/);
      if (principal) assert.match(tail, /Principal’s signature\s+Date/);
      else assert.doesNotMatch(tail, /Principal’s signature/, 'no principal line for a department account');
      // Only the page footer may follow the signature lines.
      const last = lines.findLastIndex((l) => /signature/.test(l));
      assert.ok(lines.slice(last + 1).every((l) => /Questions about social media accounts|Printed|\): https?:\/\/|^https?:\/\/|^\d+\/\d+$|Date|communications@/.test(l)), lines.slice(last + 1).join('\n'));
      // On screen the sign-off block stays out of the way.
      assert.equal(await page.locator('[data-print-send]').isVisible(), false);
    }
    await page.context().close();
  });
}
