// The account request, end to end: codes from the real quiz flow go into the form, the downloaded file
// passes `request check`, `request approve` adds it, and a rebuild shows it on /directory/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAccessible, bundledSiteFixture, cli, fillRequest, newPage, passQuizAs, REPO } from './harness.mjs';
import { loadSchemas, validateFile } from './schema-validate.mjs'; // schema helper: see its block below

const fx = bundledSiteFixture(before, after);

const passQuiz = (page, id, email) => passQuizAs(page, fx, id, email);

test('request form: validation, codes from the quiz, download, check, approve, directory', async () => {
  const page = await newPage(fx.browser);
  const email = 'coach.kim@tacoma.k12.wa.us';
  const pra = await passQuiz(page, 'public-records', email);
  const ferpa = await passQuiz(page, 'ferpa-student-records', email);

  await page.goto(fx.server.base + 'request/index.html');
  await assertAccessible(assert, page, 'request form, empty');
  // Barred platforms are not offered, and the page says why.
  const options = await page.locator('#account-platform option').allTextContents();
  assert.ok(options.includes('Instagram'));
  assert.ok(!options.some((o) => /snap/i.test(o)), options.join());
  assert.match(await page.locator('[data-barred-platforms]').textContent(), /Snap Chat/);

  // Submit empty: an error summary takes focus, each error is tied to its field.
  await page.getByRole('button', { name: 'Check and prepare my request' }).click();
  const summary = page.locator('[data-error-summary]');
  assert.equal(await summary.isVisible(), true);
  assert.equal(await page.evaluate(() => document.activeElement.hasAttribute('data-error-summary')), true);
  assert.match(await summary.locator('h2').textContent(), /There are \d+ problems to fix/);
  assert.equal(await page.locator('#requester-email').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#requester-email-error').textContent(), /District email/);
  await assertAccessible(assert, page, 'request form, errors');

  // Fill in, with a wrong-quiz code first.
  const typo = ferpa.slice(0, -1) + (ferpa.endsWith('0') ? '1' : '0');
  await fillRequest(page, {
    requesterEmail: 'someone@gmail.com',
    adminEmail: email,
    codes: { 'public-records': ferpa, 'ferpa-student-records': typo },
    principal: false,
  });
  const admin = page.locator('[data-admin]').first();
  await page.getByRole('button', { name: 'Check and prepare my request' }).click();
  const errors = await page.locator('[data-error-list] li').allTextContents();
  assert.ok(errors.some((e) => /District email/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /is for “FERPA and student records”, not “Public Records Act/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /typo/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /principal’s approval/.test(e)), errors.join('\n'));

  // A half-filled form survives a reload.
  await page.reload();
  assert.equal(await page.locator('#account-handle').inputValue(), '@stadiumtigersfb');
  assert.equal(await page.locator('[data-admin] [data-admin-field="email"]').first().inputValue(), email);

  await page.locator('#requester-email').fill('kim.coach@tacoma.k12.wa.us');
  await admin.locator('[data-admin-code="public-records"]').fill(pra);
  await admin.locator('[data-admin-code="ferpa-student-records"]').fill(ferpa);
  await page.locator('#principal-name').fill('Pat Principal');
  await page.locator('#principal-email').fill('pat.principal@tacoma.k12.wa.us');
  await page.locator('#principal-approved').check();
  await page.getByRole('button', { name: 'Check and prepare my request' }).click();
  const resultSection = page.locator('[data-request-result]');
  assert.equal(await resultSection.isVisible(), true, (await page.locator('[data-error-list]').allTextContents()).join('\n'));
  assert.match(await page.locator('[data-mailto]').getAttribute('href'), /^mailto:communications@tacoma\.k12\.wa\.us\?subject=/);
  await assertAccessible(assert, page, 'request form, completed');
  // The print view is the request's summary, without the form.
  const pdfFile = join(fx.site.dir, 'request.pdf');
  writeFileSync(pdfFile, await page.pdf({ format: 'Letter' }));
  const printed = execFileSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' });
  assert.match(printed, /Social Media Account Request \(req-\d{8}-[0-9a-f]{8}\)/);
  assert.match(printed, /Platform: Instagram, handle @stadiumtigersfb/);
  assert.doesNotMatch(printed, /Check and prepare my request|Your District email/, 'the form itself is not printed');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download]').click()]);
  const file = join(fx.site.dir, 'request.json');
  await download.saveAs(file);
  const req = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(req.schema, 'policysite/account-request');
  assert.equal(req.administrators[0].codes['public-records'], pra);
  await page.waitForFunction(() => localStorage.getItem('policysite.request-draft') === null, null, { timeout: 5000 });
  assert.deepEqual(page.thirdParty, []);
  assert.deepEqual(page.errors, []);

  const check = cli(['--root', fx.site.dir, 'request', 'check', file]);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /ACCEPTABLE: Instagram @stadiumtigersfb for Stadium High School/);
  const approve = cli(['--root', fx.site.dir, 'request', 'approve', file]);
  assert.equal(approve.status, 0, approve.stdout + approve.stderr);
  const again = cli(['--root', fx.site.dir, 'request', 'approve', file]);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /already approved/);
  // Schema helper (issue 14): the file the form downloads and the directory `approve` writes pass
  // their JSON Schemas (schemas/), checked with ajv.
  const schemas = loadSchemas(join(REPO, 'schemas'));
  assert.deepEqual(validateFile(schemas, 'request.json', readFileSync(file, 'utf8')), []);
  assert.deepEqual(validateFile(schemas, 'data/directory.yaml', readFileSync(join(fx.site.dir, 'data/directory.yaml'), 'utf8')), []);
  assert.match(readFileSync(join(fx.site.dir, 'data/directory.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schemas\/directory\.schema\.json\n/);

  const rebuilt = cli(['--root', fx.site.dir, 'build', '--output', fx.site.out]);
  assert.equal(rebuilt.status, 0, rebuilt.stderr);
  await page.goto(fx.server.base + 'directory/index.html');
  const row = page.locator('tr[data-account="instagram:@stadiumtigersfb"]');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Stadium Tigers Football/);
  assert.doesNotMatch(await page.content(), /Kim Coach/, 'managers hidden on a public build');
  await assertAccessible(assert, page, 'directory');
  const exported = JSON.parse(readFileSync(join(fx.site.out, 'directory/accounts.json'), 'utf8'));
  assert.equal(exported.accounts[0].handle, '@stadiumtigersfb');
  await page.close();
});
