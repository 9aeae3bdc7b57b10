// The SCO in players that differ: our own harness LMS page exposes both SCORM APIs, each alone,
// neither, or the 2004 name aliased to a 1.2 object (scorm-again plays each runtime). The package is
// launched the way an LMS does: the launch file plus the item's `parameters` from imsmanifest.xml.
// Assertions read the CMI data each runtime holds (what the LMS would record) and the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { buildBundledSite, cli, launch, newPage, quizAnswers, serveStatic } from './harness.mjs';

const require = createRequire(import.meta.url);
const SCORM_AGAIN = join(dirname(require.resolve('axe-core/package.json')), '..', 'scorm-again', 'dist', 'scorm-again.js');
const QUIZ = 'public-records';

function unzip(file, dir) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const out = join(dir, name);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, method === 8 ? inflateRawSync(buf.subarray(start, start + size)) : buf.subarray(start, start + size));
    p += 46 + nameLen + extraLen + commentLen;
  }
}

// expose: which objects the LMS window has. 'both' = API (1.2) and API_1484_11 (2004); '1.2' / '2004'
// = that one alone; 'none'; 'alias' = a 1.2 runtime under the name API_1484_11 only.
// Every call the SCO makes is logged in window.calls (name, arguments, result, GetLastError after).
const FRAME_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harness LMS</title><link rel="icon" href="data:,"><script src="scorm-again.js"></script></head>
<body><main><h1>Harness LMS</h1><div id="slot"></div></main>
<script>
  window.calls = [];
  function logged(api, label) {
    return new Proxy(api, { get: function (t, k) {
      var v = t[k];
      if (typeof v !== 'function' || !/^(LMS)?(Initialize|Finish|Terminate|GetValue|SetValue|Commit|GetLastError|GetErrorString|GetDiagnostic)$/.test(String(k))) return v;
      return function () {
        var r = v.apply(t, arguments);
        if (!/GetLastError|GetErrorString|GetDiagnostic/.test(k)) {
          var e = String((t.GetLastError || t.LMSGetLastError).call(t));
          window.calls.push({ api: label, fn: String(k), args: Array.prototype.slice.call(arguments), result: r, error: e });
        }
        return r;
      };
    } });
  }
  window.launch = function (expose, launchUrl, state12, state2004) {
    window.api12 = new Scorm12API({ logLevel: 5 });
    window.api2004 = new Scorm2004API({ logLevel: 5 });
    if (state12) window.api12.loadFromJSON(state12);
    if (state2004) window.api2004.loadFromJSON(state2004);
    if (expose === 'both' || expose === '1.2') window.API = logged(window.api12, '1.2');
    if (expose === 'both' || expose === '2004') window.API_1484_11 = logged(window.api2004, '2004');
    if (expose === 'alias') window.API_1484_11 = logged(window.api12, '1.2 as API_1484_11');
    var f = document.createElement('iframe');
    f.title = 'Training module'; f.src = launchUrl; f.style.width = '100%'; f.style.height = '80vh';
    document.getElementById('slot').appendChild(f);
  };
  window.leave = function () { document.querySelector('iframe').src = 'about:blank'; };
  window.cmi12 = function () { return JSON.parse(JSON.stringify(window.api12.cmi)); };
  window.cmi2004 = function () { return JSON.parse(JSON.stringify(window.api2004.cmi)); };
</script></body></html>`;

const fx = {};
before(async () => {
  fx.site = buildBundledSite();
  fx.launch = {};
  for (const version of ['1.2', '2004']) {
    const out = join(fx.site.dir, 'packages');
    const r = cli(['--root', fx.site.dir, 'export', 'scorm', '--version', version, '--output', out, '--module', QUIZ]);
    assert.equal(r.status, 0, r.stderr);
    const slug = version === '1.2' ? 'scorm12' : 'scorm2004';
    const dir = join(fx.site.dir, 'lms', slug);
    unzip(join(out, `${QUIZ}-${slug}.zip`), dir);
    writeFileSync(join(dir, 'lms.html'), FRAME_PAGE);
    copyFileSync(SCORM_AGAIN, join(dir, 'scorm-again.js'));
    // The launch URL an LMS builds: the SCO resource's href plus the item's parameters.
    const manifest = readFileSync(join(dir, 'imsmanifest.xml'), 'utf8');
    const href = /adlcp:scorm[tT]ype="sco" href="([^"]+)"/.exec(manifest)[1];
    const params = /<item [^>]*parameters="([^"]+)"/.exec(manifest)[1];
    fx.launch[version] = { slug, url: href + params, href };
  }
  fx.server = await serveStatic(join(fx.site.dir, 'lms'));
  fx.other = await serveStatic(join(fx.site.dir, 'lms')); // another port: another origin
  fx.browser = await launch();
  fx.quiz = quizAnswers(fx.site.dir, QUIZ);
});
after(async () => {
  await fx.browser?.close();
  await fx.server?.close();
  await fx.other?.close();
  fx.site?.cleanup();
});

async function open(version, expose, { state12, state2004, page, url } = {}) {
  page = page || (await newPage(fx.browser));
  await page.goto(`${fx.server.base}${fx.launch[version].slug}/lms.html`);
  await page.evaluate(([e, u, s12, s04]) => window.launch(e, u, s12, s04), [expose, url || fx.launch[version].url, state12 || null, state2004 || null]);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('form[data-quiz]');
  await frame.waitForFunction(() => !!window.PolicysiteQuiz);
  return { page, frame };
}
const right = (q) => (q.type === 'multiple' ? q.answer.map(String) : [String(q.answer)]);
function wrong(q) {
  if (q.type === 'true_false') return [String(!q.answer)];
  if (q.type === 'multiple') return [String(q.options.findIndex((_, i) => !q.answer.includes(i)))];
  return [String((q.answer + 1) % q.options.length)];
}
async function pick(frame, q, values) {
  const fs = frame.locator(`fieldset[data-question="${q.id}"]`);
  for (const box of await fs.locator('input[type=checkbox]').all()) await box.setChecked(false);
  for (const v of values) await fs.locator(`input[data-option="${v}"]`).check();
}
async function answerAll(frame, wrongFirst) {
  for (const [i, q] of fx.quiz.questions.entries()) await pick(frame, q, i < wrongFirst ? wrong(q) : right(q));
  await frame.getByRole('button', { name: 'Check answers' }).click();
}
const status12 = (c) => c.core.lesson_status;
const status2004 = (c) => c.success_status;
const list = (o) => Object.values(o || {});

for (const version of ['1.2', '2004']) {
  const other = version === '1.2' ? '2004' : '1.2';
  const cmiOf = (v) => (v === '1.2' ? 'cmi12' : 'cmi2004');
  const statusOf = (v, c) => (v === '1.2' ? status12(c) : status2004(c));

  test(`SCORM ${version} package, player exposing both APIs: reports through the ${version} API only`, async () => {
    const { page, frame } = await open(version, 'both');
    await answerAll(frame, 0);
    const mine = await page.evaluate(cmiOf(version) + '()');
    const theirs = await page.evaluate(cmiOf(other) + '()');
    assert.equal(statusOf(version, mine), 'passed');
    assert.equal(list(mine.interactions).length, fx.quiz.questions.length);
    assert.equal(list(theirs.interactions).length, 0, `the ${other} record stays empty`);
    assert.ok(!['passed', 'failed'].includes(statusOf(other, theirs)), `the ${other} API is not used`);
    const calls = await page.evaluate(() => window.calls);
    assert.ok(calls.every((c) => c.api === version), JSON.stringify(calls.filter((c) => c.api !== version)));
    assert.equal(await frame.locator('[data-lms-notice]').count(), 0, 'no notice when recording');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`SCORM ${version} package, only the ${other} API: falls back to it`, async () => {
    const { page, frame } = await open(version, other);
    await answerAll(frame, 0);
    assert.equal(statusOf(other, await page.evaluate(cmiOf(other) + '()')), 'passed');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`SCORM ${version} package, the 2004 name aliased to a 1.2 object: recorded as 1.2, no exception`, async () => {
    const { page, frame } = await open(version, 'alias');
    await answerAll(frame, 1);
    await answerAll(frame, 0);
    const c = await page.evaluate(() => window.cmi12());
    assert.equal(c.core.lesson_status, 'passed');
    assert.equal(list(c.interactions).length, 2 * fx.quiz.questions.length);
    assert.deepEqual(page.errors, [], 'no "Initialize is not a function"');
    await page.close();
  });

  test(`SCORM ${version} package, no API: a visible notice says the LMS is not recording; the code still works`, async () => {
    const { page, frame } = await open(version, 'none');
    const notice = frame.locator('[data-lms-notice]');
    assert.equal(await notice.isVisible(), true);
    assert.match(await notice.textContent(), /not recording this attempt.*no SCORM .* interface was found.*completion code/s);
    await answerAll(frame, 0);
    await frame.locator('[data-completion-email]').fill('pat.doe@tacoma.k12.wa.us');
    await frame.locator('[data-completion-email]').press('Enter');
    const code = (await frame.locator('[data-completion-code]').textContent()).trim();
    const ok = cli(['--root', fx.site.dir, 'verify', '--email', 'pat.doe@tacoma.k12.wa.us', code]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`SCORM ${version} package served from another origin than the LMS: the notice says so`, async () => {
    const url = `${fx.other.base}${fx.launch[version].slug}/${fx.launch[version].url}`;
    assert.notEqual(new URL(url).origin, new URL(fx.server.base).origin);
    const { page, frame } = await open(version, 'both', { url });
    assert.match(await frame.locator('[data-lms-notice]').textContent(), /not recording this attempt: this page is served from another address than the LMS/);
    assert.deepEqual(await page.evaluate(() => window.calls), [], 'no call reached the LMS');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`SCORM ${version}: fail then pass appends interactions (the misses stay recorded)`, async () => {
    const { page, frame } = await open(version, version);
    const n = fx.quiz.questions.length;
    await answerAll(frame, 2);
    await answerAll(frame, 0);
    const c = await page.evaluate(cmiOf(version) + '()');
    const items = list(c.interactions);
    assert.equal(items.length, 2 * n, 'one interaction per question per check');
    const wrongWord = version === '1.2' ? 'wrong' : 'incorrect';
    assert.deepEqual(items.map((i) => i.result), [...fx.quiz.questions.map((_, i) => (i < 2 ? wrongWord : 'correct')), ...fx.quiz.questions.map(() => 'correct')]);
    assert.deepEqual(items.slice(0, n).map((i) => i.id), items.slice(n).map((i) => i.id), 'the same question keeps its id');
    // Every call was checked: none the runtime refused.
    const calls = await page.evaluate(() => window.calls);
    const refused = calls.filter((x) => x.error !== '0' && !(x.fn === 'GetValue' && x.error === '403'));
    assert.deepEqual(refused, []);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`SCORM ${version}: interactions already recorded in an earlier session are kept; new ones follow them`, async () => {
    // The LMS already holds one check (n interactions) from an earlier session.
    const first = await open(version, version);
    await answerAll(first.frame, 1);
    const saved = await first.page.evaluate(cmiOf(version) + '()');
    await first.page.close();
    const n = fx.quiz.questions.length;
    const state = { interactions: saved.interactions, suspend_data: saved.suspend_data };
    const { page, frame } = await open(version, version, version === '1.2' ? { state12: state } : { state2004: state });
    await answerAll(frame, 0);
    const items = list((await page.evaluate(cmiOf(version) + '()')).interactions);
    assert.equal(items.length, 2 * n);
    assert.notEqual(items[0].result, 'correct', 'the earlier miss is still there');
    await page.close();
  });

  test(`SCORM ${version}, shared computer: the LMS attempt takes nothing from browser storage and leaves nothing in it`, async () => {
    // Learner A used the ordinary site in this browser: answers in progress, a code and an email kept.
    const page = await newPage(fx.browser);
    await page.goto(`${fx.server.base}${fx.launch[version].slug}/${fx.launch[version].href}`);
    await page.waitForFunction(() => !!window.PolicysiteQuiz);
    for (const q of fx.quiz.questions) await pick(page, q, right(q));
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.locator('[data-completion-email]').fill('alex.a@tacoma.k12.wa.us');
    await page.locator('[data-completion-email]').press('Enter');
    await page.locator('[data-completion-code]').waitFor();
    await page.reload();
    await page.waitForFunction(() => !!window.PolicysiteQuiz);
    await pick(page, fx.quiz.questions[0], wrong(fx.quiz.questions[0])); // A's answer in progress
    const before = await page.evaluate(() => JSON.stringify(localStorage));
    assert.match(before, /alex\.a@tacoma/);
    // Learner B opens the module in the LMS in the same browser.
    const { frame } = await open(version, version, { page });
    assert.equal(await frame.locator('input[data-option]:checked').count(), 0, "A's answers are not pre-filled");
    assert.equal(await frame.locator('[data-remembered]').isVisible(), false, "A's code is not shown");
    await answerAll(frame, 0);
    assert.equal(await frame.locator('[data-completion-email]').inputValue(), '', "A's email is not pre-filled");
    await frame.locator('[data-completion-email]').fill('blake.b@tacoma.k12.wa.us');
    await frame.locator('[data-completion-email]').press('Enter');
    await frame.locator('[data-completion-code]').waitFor();
    const c = await page.evaluate(cmiOf(version) + '()');
    assert.doesNotMatch(c.suspend_data, /alex/);
    assert.equal(statusOf(version, c), 'passed');
    assert.equal(await page.evaluate(() => JSON.stringify(localStorage)), before, 'B leaves nothing in browser storage');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  for (const mode of ['review', 'browse']) test(`SCORM ${version}, ${mode} mode: answers shown from the LMS, nothing written about status or score`, async () => {
    const answers = Object.fromEntries(fx.quiz.questions.map((q) => [q.id, right(q).join(',')]));
    const suspend = JSON.stringify({ v: 1, quiz: QUIZ, revision: fx.quiz.revision ?? 2, answers });
    const state = version === '1.2'
      ? { state12: { suspend_data: suspend, core: { lesson_mode: mode, lesson_status: 'failed', entry: 'resume' } } }
      : { state2004: { suspend_data: suspend, mode, success_status: 'failed', completion_status: 'incomplete', entry: 'resume' } };
    const { page, frame } = await open(version, version, state);
    assert.match(await frame.locator('[data-lms-notice]').textContent(), new RegExp(`${mode} mode`));
    for (const q of fx.quiz.questions) {
      for (const v of right(q)) assert.equal(await frame.locator(`fieldset[data-question="${q.id}"] input[data-option="${v}"]`).isChecked(), true, `${q.id} shown from the LMS`);
    }
    await answerAll(frame, 0);
    await page.evaluate(() => window.leave());
    const calls = await page.evaluate(() => window.calls);
    const writes = calls.filter((x) => /SetValue|Commit/.test(x.fn));
    assert.deepEqual(writes, [], `${mode} mode writes nothing`);
    const c = await page.evaluate(cmiOf(version) + '()');
    assert.equal(statusOf(version, c), 'failed');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`SCORM ${version}: the call trace of one attempt (first launch, a failed check, a pass, leaving)`, async () => {
    const { page, frame } = await open(version, version);
    await answerAll(frame, 1);
    await answerAll(frame, 0);
    await page.evaluate(() => window.leave());
    await page.waitForFunction(() => window.calls.some((c) => /^(LMSFinish|Terminate)$/.test(c.fn)));
    const calls = await page.evaluate(() => window.calls);
    // 2004: the first read of cmi.suspend_data answers 403 (never set), which is not an error.
    if (version === '2004') assert.ok(calls.some((c) => c.fn === 'GetValue' && c.args[0] === 'cmi.suspend_data' && c.error === '403'));
    assert.deepEqual(calls.filter((x) => x.error !== '0' && !(x.fn === 'GetValue' && x.error === '403')), []);
    assert.equal(calls[0].fn, version === '1.2' ? 'LMSInitialize' : 'Initialize');
    assert.equal(calls.at(-1).fn, version === '1.2' ? 'LMSFinish' : 'Terminate');
    const trace = calls.map((x) => `${x.fn}(${x.args.map((a) => JSON.stringify(a)).join(', ')}) → ${JSON.stringify(x.result)}${x.error !== '0' ? ` [error ${x.error}]` : ''}`);
    console.log(`# SCORM ${version} call trace:\n# ${trace.join('\n# ')}`);
    await page.close();
  });
}
