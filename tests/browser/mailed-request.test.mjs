// Issue 18's hand-off: the email the form opens carries the request itself. Here the body of the
// mailto link the page builds is read back by `policysite request check`, pasted into a text file
// and as a saved email (.eml, CRLF, 8bit UTF-8), and gets the same verdict and the same report as
// the downloaded file: ACCEPTABLE today, and NOT ACCEPTABLE with the same problems once the codes
// have stopped counting (`--today` years later).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledSiteFixture, cli, fillRequest, newPage, passQuizAs } from './harness.mjs';

const fx = bundledSiteFixture(before, after);
const KIM = 'coach.kim@tacoma.k12.wa.us';

/** `request check` on FILE, with the file's own name taken out of the report so reports compare. */
function check(file, extra = []) {
  const r = cli(['--root', fx.site.dir, 'request', 'check', ...extra, file]);
  const name = file.split('/').pop();
  const report = (r.stdout + r.stderr).split(file).join('FILE').split(name).join('FILE');
  return { status: r.status, report };
}

test('the emailed body, pasted or saved as .eml, gets the same verdict from request check as the downloaded file', async () => {
  const page = await newPage(fx.browser, { viewport: { width: 1280, height: 900 } });
  const codes = {
    'public-records': await passQuizAs(page, fx, 'public-records', KIM),
    'ferpa-student-records': await passQuizAs(page, fx, 'ferpa-student-records', KIM),
  };
  await page.goto(fx.server.base + 'request/index.html');
  // A department's request with one administrator: short enough for a mailto link.
  await fillRequest(page, { type: 'department', requesterEmail: KIM, adminEmail: KIM, codes });
  await page.getByRole('button', { name: 'Check and prepare my request' }).click();
  await page.locator('[data-request-result]').waitFor({ state: 'visible' });
  assert.equal(await page.locator('[data-mailto-too-long]').isVisible(), false, 'the request fits in the link');
  const href = await page.locator('[data-mailto]').getAttribute('href');
  const params = new URLSearchParams(href.slice(href.indexOf('?') + 1).replace(/\+/g, '%2B'));
  const subject = params.get('subject');
  const body = params.get('body');
  assert.match(body, /-----BEGIN POLICYSITE REQUEST-----\n\{/);
  assert.doesNotMatch(body, /attach/i, 'nothing to attach');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download]').click()]);
  const file = join(fx.site.dir, 'request.json');
  await download.saveAs(file);
  const pasted = join(fx.site.dir, 'pasted.txt');
  writeFileSync(pasted, body);
  const eml = join(fx.site.dir, 'request.eml');
  const headers = [
    `From: Kim Coach <${KIM}>`,
    'To: communications@tacoma.k12.wa.us',
    `Subject: ${subject}`,
    'Date: Sat, 05 Dec 2026 10:00:00 -0800',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  writeFileSync(eml, headers.join('\r\n') + '\r\n\r\n' + body.replace(/\n/g, '\r\n') + '\r\n');

  for (const extra of [[], ['--today', '2031-01-01']]) {
    const fromFile = check(file, extra);
    const when = extra.length ? 'with the codes expired' : 'today';
    if (extra.length) {
      assert.equal(fromFile.status, 1, fromFile.report);
      assert.match(fromFile.report, /NOT ACCEPTABLE/, fromFile.report);
    } else {
      assert.equal(fromFile.status, 0, fromFile.report);
      assert.match(fromFile.report, /ACCEPTABLE: Instagram @stadiumtigersfb for Stadium High School/, fromFile.report);
    }
    for (const other of [pasted, eml]) {
      const got = check(other, extra);
      assert.equal(got.status, fromFile.status, `${other} ${when}:\n${got.report}`);
      assert.equal(got.report, fromFile.report, `${other} ${when}: the same report as the file`);
    }
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
