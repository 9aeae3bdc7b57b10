// A staff member takes a training module inside an LMS: the package made by `policysite export scorm`
// is launched in a frame page where npm's scorm-again plays the LMS runtime, for SCORM 1.2 and 2004.
// Every assertion reads the CMI data scorm-again holds (what the LMS would record), not the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { assertAccessible, buildBundledSite, cli, launch, newPage, quizAnswers, serveStatic } from './harness.mjs';

const require = createRequire(import.meta.url);
// The browser build (window.Scorm12API, window.Scorm2004API); the package's exports map hides dist/.
const SCORM_AGAIN = join(dirname(require.resolve('axe-core/package.json')), '..', 'scorm-again', 'dist', 'scorm-again.js');
const QUIZ = 'public-records';
const LAUNCH = `training/${QUIZ}/index.html`;

/** Extract a zip (stored or deflated entries) into `dir`. */
function unzip(file, dir) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    const out = join(dir, name);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, method === 8 ? inflateRawSync(raw) : raw);
    names.push(name);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

const FRAME_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title><link rel="icon" href="data:,"><script src="scorm-again.js"></script></head>
<body><main><h1>Test LMS</h1><div id="slot"></div></main>
<script>
  window.launch = function (version, state) {
    var api = version === '2004' ? new Scorm2004API({ logLevel: 4 }) : new Scorm12API({ logLevel: 4 });
    if (state) api.loadFromJSON(state);
    if (version === '2004') window.API_1484_11 = api; else window.API = api;
    window.lmsApi = api;
    var f = document.createElement('iframe');
    f.title = 'Training module'; f.src = '${LAUNCH}?scorm=' + version; f.style.width = '100%'; f.style.height = '80vh';
    document.getElementById('slot').appendChild(f);
  };
  window.leave = function () { document.querySelector('iframe').src = 'about:blank'; };
  window.cmi = function () { return JSON.parse(JSON.stringify(window.lmsApi.cmi)); };
</script></body></html>`;

const fx = {};
before(async () => {
  fx.site = buildBundledSite();
  fx.packages = {};
  for (const version of ['1.2', '2004']) {
    const out = join(fx.site.dir, 'packages');
    const r = cli(['--root', fx.site.dir, 'export', 'scorm', '--version', version, '--output', out, '--module', QUIZ]);
    assert.equal(r.status, 0, r.stderr);
    const slug = version === '1.2' ? 'scorm12' : 'scorm2004';
    const dir = join(fx.site.dir, 'lms', slug);
    const names = unzip(join(out, `${QUIZ}-${slug}.zip`), dir);
    assert.ok(names.includes('imsmanifest.xml') && names.includes(LAUNCH));
    writeFileSync(join(dir, 'lms.html'), FRAME_PAGE);
    copyFileSync(SCORM_AGAIN, join(dir, 'scorm-again.js'));
    fx.packages[version] = slug;
  }
  fx.server = await serveStatic(join(fx.site.dir, 'lms'));
  fx.browser = await launch();
  fx.quiz = quizAnswers(fx.site.dir, QUIZ);
});
after(async () => {
  await fx.browser?.close();
  await fx.server?.close();
  fx.site?.cleanup();
});

/** Open the frame page and launch the SCO; returns {page, frame}. */
async function open(version, state) {
  const page = await newPage(fx.browser);
  await page.goto(`${fx.server.base}${fx.packages[version]}/lms.html`);
  await page.evaluate(([v, s]) => window.launch(v, s), [version, state || null]);
  const handle = await page.waitForSelector('iframe');
  const frame = await handle.contentFrame();
  await frame.waitForSelector('form[data-quiz]');
  await frame.waitForFunction(() => !!window.PolicysiteQuiz);
  return { page, frame };
}

function rightValues(q) {
  if (q.type === 'true_false') return [String(q.answer)];
  if (q.type === 'multiple') return q.answer.map(String);
  return [String(q.answer)];
}
function wrongValues(q) {
  if (q.type === 'true_false') return [String(!q.answer)];
  if (q.type === 'multiple') return [String(q.options.findIndex((_, i) => !q.answer.includes(i)))];
  return [String((q.answer + 1) % q.options.length)];
}
async function pick(frame, q, values) {
  const fs = frame.locator(`fieldset[data-question="${q.id}"]`);
  for (const box of await fs.locator('input[type=checkbox]').all()) await box.setChecked(false);
  for (const v of values) await fs.locator(`input[data-option="${v}"]`).check();
}
const cmi = (page) => page.evaluate(() => window.cmi());
const interactions = (c) => Object.values(c.interactions); // scorm-again's JSON: {"0": {...}, ...}

for (const version of ['1.2', '2004']) {
  const is12 = version === '1.2';
  const wrongWord = is12 ? 'wrong' : 'incorrect';

  test(`SCORM ${version}: wrong answers are failed, reported per question; relaunch resumes; right answers pass`, async () => {
    const quiz = fx.quiz;
    let { page, frame } = await open(version);
    let c = await cmi(page);
    if (is12) assert.equal(c.core.lesson_status, 'incomplete');
    else assert.equal(c.completion_status, 'incomplete');
    // Other pages open beside the SCO, so the LMS session is not ended by following a link.
    assert.equal(await frame.locator('nav a[href]').first().getAttribute('target'), '_blank');
    assert.equal(await frame.locator('form[role="search"]').getAttribute('target'), '_blank');
    await assertAccessible(assert, frame, `SCORM ${version} launch page in the LMS frame, first launch`);

    // Answer everything, the first two wrongly, and check.
    for (const [i, q] of quiz.questions.entries()) await pick(frame, q, i < 2 ? wrongValues(q) : rightValues(q));
    await frame.getByRole('button', { name: 'Check answers' }).click();
    c = await cmi(page);
    const total = quiz.questions.length;
    const pct = String(Math.round((100 * (total - 2)) / total));
    if (is12) {
      assert.equal(c.core.lesson_status, 'failed');
      assert.equal(c.core.score.raw, pct);
      assert.equal(c.core.score.max, '100');
      assert.equal(c.core.score.min, '0');
    } else {
      assert.equal(c.success_status, 'failed');
      assert.equal(c.completion_status, 'incomplete');
      assert.equal(c.score.raw, pct);
      assert.ok(Math.abs(Number(c.score.scaled) - (total - 2) / total) < 0.001, c.score.scaled);
    }
    let items = interactions(c);
    assert.equal(items.length, total, 'one interaction per question');
    for (const [i, q] of quiz.questions.entries()) {
      assert.equal(items[i].id, `${QUIZ}.r${quiz.revision}.${q.id}`, 'the id carries the quiz revision');
      assert.equal(items[i].type, q.type === 'true_false' ? 'true-false' : 'choice');
      assert.equal(items[i].result, i < 2 ? wrongWord : 'correct', q.id);
      assert.notEqual(items[i][is12 ? 'student_response' : 'learner_response'], '');
    }
    const tf = quiz.questions.findIndex((q) => q.type === 'true_false');
    assert.equal(items[tf][is12 ? 'student_response' : 'learner_response'], is12 ? String(!quiz.questions[tf].answer)[0] : String(!quiz.questions[tf].answer));
    assert.equal(Object.values(c.objectives)[0].id, `${QUIZ}-revision-${quiz.revision}`, 'the objective names the revision');

    // Change one answer, then leave: the LMS keeps the answers in the suspend data and ends the session.
    await pick(frame, quiz.questions[0], rightValues(quiz.questions[0]));
    await page.evaluate(() => window.leave());
    await page.waitForFunction(() => window.lmsApi.isTerminated());
    c = await cmi(page);
    const suspend = JSON.parse(c.suspend_data);
    assert.equal(suspend.revision, quiz.revision);
    assert.equal(suspend.answers[quiz.questions[0].id], rightValues(quiz.questions[0]).join(','));
    assert.equal(suspend.answers[quiz.questions[1].id], wrongValues(quiz.questions[1]).join(','));
    if (is12) {
      assert.equal(c.core.exit, 'suspend');
      assert.match(c.core.session_time, /^\d{2,}:\d\d:\d\d(\.\d\d)?$/);
    } else {
      assert.equal(c.exit, 'suspend');
      assert.match(c.session_time, /^PT\d+H\d+M[\d.]+S$/);
    }
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.thirdParty, []);
    await page.close();

    // Relaunch with what the LMS saved (a new browser context: nothing in local storage).
    const state = is12
      ? { suspend_data: c.suspend_data, core: { lesson_status: c.core.lesson_status, lesson_location: c.core.lesson_location, entry: 'resume' } }
      : { suspend_data: c.suspend_data, location: c.location, completion_status: c.completion_status, success_status: c.success_status, entry: 'resume' };
    ({ page, frame } = await open(version, state));
    for (const [i, q] of quiz.questions.entries()) {
      const want = i === 1 ? wrongValues(q) : rightValues(q);
      for (const v of want) assert.equal(await frame.locator(`fieldset[data-question="${q.id}"] input[data-option="${v}"]`).isChecked(), true, `${q.id} restored`);
    }
    // Fix the last wrong answer and pass.
    await pick(frame, quiz.questions[1], rightValues(quiz.questions[1]));
    await frame.getByRole('button', { name: 'Check answers' }).click();
    c = await cmi(page);
    if (is12) {
      assert.equal(c.core.lesson_status, 'passed');
      assert.equal(c.core.score.raw, '100');
    } else {
      assert.equal(c.success_status, 'passed');
      assert.equal(c.completion_status, 'completed');
      assert.equal(c.score.raw, '100');
      assert.equal(Number(c.score.scaled), 1);
    }
    items = interactions(c);
    for (const [i, q] of quiz.questions.entries()) {
      assert.equal(items[i].result, 'correct', q.id);
      const pattern = Object.values(items[i].correct_responses)[0].pattern;
      assert.equal(pattern, items[i][is12 ? 'student_response' : 'learner_response']);
    }
    // The completion code is still shown on passing.
    await frame.locator('[data-completion-email]').fill('pat.doe@tacoma.k12.wa.us');
    await frame.locator('[data-completion-email]').press('Enter');
    const code = (await frame.locator('[data-completion-code]').textContent()).trim();
    const ok = cli(['--root', fx.site.dir, 'verify', '--email', 'pat.doe@tacoma.k12.wa.us', code]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);

    await assertAccessible(assert, frame, `SCORM ${version} launch page in the LMS frame, passed`);
    await page.evaluate(() => window.leave());
    await page.waitForFunction(() => window.lmsApi.isTerminated());
    c = await cmi(page);
    assert.equal(is12 ? c.core.exit : c.exit, is12 ? '' : 'normal');
    assert.equal(JSON.parse(c.suspend_data).passed, true);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.thirdParty, []);
    console.log(`# CMI after a passing SCORM ${version} attempt: ${JSON.stringify(is12 ? { core: c.core, suspend_data: c.suspend_data } : { completion_status: c.completion_status, success_status: c.success_status, score: c.score, session_time: c.session_time, suspend_data: c.suspend_data })}`);
    await page.close();
  });
}

test('outside an LMS the packaged page is the ordinary module page (no API, no errors)', async () => {
  const page = await newPage(fx.browser);
  await page.goto(`${fx.server.base}scorm12/${LAUNCH}`);
  await page.waitForFunction(() => !!window.PolicysiteQuiz);
  // Links are not retargeted: only inside an LMS do they open beside the SCO.
  assert.equal(await page.locator('a[target="_blank"]').count(), 0);
  for (const q of fx.quiz.questions) await pick(page, q, rightValues(q));
  await page.getByRole('button', { name: 'Check answers' }).click();
  assert.equal(await page.locator('[data-quiz-status]').getAttribute('data-state'), 'passed');
  assert.deepEqual(page.errors, []);
  await page.close();
});
