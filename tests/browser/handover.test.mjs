// Issue 18's handover on the form: "Change an existing official account" lists the directory's active
// accounts (public fields only, from site-data.js), fills in the chosen account, and prepares a request
// with `update_of` and the full new list of administrators, which `request check` reads. The public
// directory page links each handle to the account's address. axe and HTML_CodeSniffer stay clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertAccessible, bundledSiteFixture, cli, fillRequest, newPage, passQuizAs } from './harness.mjs';

const DIRECTORY = `accounts:
  - request_id: req-20261001-0badc0de
    platform: instagram
    handle: "@stadiumtigersfb"
    url: https://www.instagram.com/stadiumtigersfb/
    account_type: sports_team
    unit: Stadium High School
    name: Stadium Tigers Football
    approved: 2026-10-01
    managers:
      - name: Old Coach
        email: old.coach@tacoma.k12.wa.us
  - request_id: req-20261001-00000001
    platform: facebook
    handle: retired.page
    account_type: club
    unit: Stadium High School
    approved: 2026-10-01
    managers: []
    status: retired
    retired: 2026-11-01
`;

const fx = bundledSiteFixture(before, after, {
  afterBuild(site) {
    writeFileSync(join(site.dir, 'data', 'directory.yaml'), DIRECTORY);
    const r = cli(['--root', site.dir, 'build', '--output', site.out]);
    if (r.status !== 0) throw new Error(r.stderr);
  },
});
const KIM = 'coach.kim@tacoma.k12.wa.us';

test('an update request names the account it changes and lists the new administrators', async () => {
  const page = await newPage(fx.browser, { viewport: { width: 1280, height: 900 } });
  const c1 = await passQuizAs(page, fx, 'public-records', KIM);
  const c2 = await passQuizAs(page, fx, 'ferpa-student-records', KIM);
  await page.goto(fx.server.base + 'request/index.html');
  assert.equal(await page.locator('[data-update-of]').isVisible(), false);
  await page.locator('#kind-update').check();
  const options = await page.locator('[data-update-of] option').allTextContents();
  assert.deepEqual(options, ['Choose…', 'Stadium Tigers Football: Instagram @stadiumtigersfb (Stadium High School)'], 'active accounts only');
  // No administrator's name reaches the page's data.
  assert.doesNotMatch(readFileSync(join(fx.site.out, 'assets/site-data.js'), 'utf8'), /Old Coach|old\.coach/);
  await page.locator('[data-update-of]').selectOption('req-20261001-0badc0de');
  assert.equal(await page.locator('#account-handle').inputValue(), '@stadiumtigersfb');
  assert.equal(await page.locator('#account-type').inputValue(), 'sports_team');
  await assertAccessible(assert, page, 'update request');
  await fillRequest(page, { type: 'sports_team', requesterEmail: KIM, adminEmail: KIM, codes: { 'public-records': c1, 'ferpa-student-records': c2 } });
  await page.getByRole('button', { name: 'Check and prepare my request' }).click();
  await page.locator('[data-request-result]').waitFor({ state: 'visible' });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download]').click()]);
  const file = join(fx.site.dir, 'update.json');
  await download.saveAs(file);
  const req = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(req.update_of, 'req-20261001-0badc0de');
  assert.deepEqual(req.administrators.map((a) => a.email), [KIM]);
  // request check reads the file (the schema knows `update_of`).
  const check = cli(['--root', fx.site.dir, 'request', 'check', file]);
  assert.doesNotMatch(check.stdout + check.stderr, /unknown field/, check.stdout + check.stderr);
  // Choosing a new account again sends no update_of.
  page.once('dialog', (d) => d.accept());
  await page.locator('[data-new-request]').click();
  assert.equal(await page.locator('#kind-new').isChecked(), true);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the directory links each handle to the account’s address when it has one', async () => {
  const page = await newPage(fx.browser);
  await page.goto(fx.server.base + 'directory/index.html');
  const link = page.locator('tr[data-account="instagram:@stadiumtigersfb"] a');
  assert.equal(await link.getAttribute('href'), 'https://www.instagram.com/stadiumtigersfb/');
  assert.equal(await link.textContent(), '@stadiumtigersfb');
  await page.context().close();
});
