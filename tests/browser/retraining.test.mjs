// Retraining windows in the request form: after a quiz's revision is raised with `retrain_by`, a code
// of the superseded revision is accepted by the form until that day (as `request check` accepts it),
// and refused with the deadline after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledSiteFixture, cli, newPage, passQuizAs } from './harness.mjs';

const fx = bundledSiteFixture(before, after);

const passQuiz = (page, id, email) => passQuizAs(page, fx, id, email);

/** The bundled public-records quiz's revision (each training round that changes the quiz raises it). */
const bundledRevision = () => Number(/^revision: (\d+)$/m.exec(readFileSync(join(fx.site.dir, 'quizzes', 'public-records.yaml'), 'utf8'))[1]);
let current;

/** Raise public-records to the next revision (one answer changed) with `retrain_by`, and rebuild. */
function revise(retrainBy, { publish }) {
  const file = join(fx.site.dir, 'quizzes', 'public-records.yaml');
  let text = readFileSync(file, 'utf8').replace(/^retrain_by: .*\n/m, '').replace(/^revision: \d+\n/m, `revision: ${current + 1}\nretrain_by: ${retrainBy}\n`);
  text = text.replace(/(  - id: personal-phone\n(?:    .*\n|      .*\n)*?)    answer: 1\n/, '$1    answer: 0\n');
  writeFileSync(file, text);
  if (publish) {
    const p = cli(['--root', fx.site.dir, 'publish']);
    assert.equal(p.status, 0, p.stderr);
  }
  const b = cli(['--root', fx.site.dir, 'build', '--output', fx.site.out]);
  assert.equal(b.status, 0, b.stderr);
}

async function codeErrors(page, email, code) {
  await page.goto(fx.server.base + 'request/index.html');
  const admin = page.locator('[data-admin]').first();
  await admin.locator('[data-admin-field="email"]').fill(email);
  await admin.locator('[data-admin-code="public-records"]').fill(code);
  await page.getByRole('button', { name: 'Check and prepare my request' }).click();
  return (await page.locator('[data-error-list] li').allTextContents()).join('\n');
}

test('a superseded revision’s code counts in the form until its retraining deadline', async () => {
  const page = await newPage(fx.browser);
  const email = 'coach.kim@tacoma.k12.wa.us';
  current = bundledRevision();
  const old = await passQuiz(page, 'public-records', email);

  revise('2099-12-31', { publish: true });
  const inside = await codeErrors(page, email, old);
  assert.doesNotMatch(inside, /earlier version of the quiz/, inside);
  const verdict = cli(['--root', fx.site.dir, 'verify', '--email', email, old]);
  assert.match(verdict.stdout, new RegExp(`VALID \\(revision ${current} superseded; retraining due by 2099-12-31\\)`), verdict.stdout);

  revise('2020-01-02', { publish: false });
  const afterDue = await codeErrors(page, email, old);
  assert.match(afterDue, /earlier version of the quiz, which has since been revised \(retraining was due by 2020-01-02\)/, afterDue);
  assert.deepEqual(page.errors, []);
});
