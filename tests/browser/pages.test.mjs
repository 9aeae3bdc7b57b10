// Page friction items of issue 13, each at desktop (1280 px) and phone (375 px) width in real
// Chromium, with axe clean: the Training page says which modules an account needs (from site.yaml
// `required_training`) and which are optional; the regulation links its mention of the request form
// and ends with "Next: complete the training"; the directory becomes cards on a phone instead of
// clipping its table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { axe, buildBundledSite, bundledSiteFixture, cli, newPage, serveStatic } from './harness.mjs';

const fx = bundledSiteFixture(before, after);
const VIEWPORTS = [{ width: 1280, height: 900 }, { width: 375, height: 740 }];

/** The modules listed under the Training page's "required" and "optional" groups, by link text. */
async function moduleGroups(page) {
  const names = (sel) => page.locator(`${sel} li.card h3 a`).allTextContents();
  return { required: await names('[data-modules="required"]'), optional: await names('[data-modules="optional"]') };
}

const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

for (const viewport of VIEWPORTS) {
  const at = `${viewport.width}px`;

  test(`${at}: the Training page lists the modules an account needs, from site.yaml, apart from the optional ones`, async () => {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'training/index.html');
    assert.deepEqual(await moduleGroups(page), {
      required: ['Public Records Act and records retention', 'FERPA and student records'],
      optional: [
        'When a student discloses abuse, a threat or self-harm through the account',
        'Professional boundaries and approved platforms',
        'Running an account safely',
        'Moderating comments on official accounts',
      ],
    });
    assert.match(await page.locator('#required-heading').textContent(), /Required for every account administrator/);
    assert.ok(await page.locator('[data-modules="required"] h2').isVisible());
    assert.ok(await page.locator('[data-modules="optional"] .badge').first().isVisible());
    assert.deepEqual(await axe(page), [], `axe on the Training page at ${at}`);
    assert.ok((await sideways(page)) <= 1);
    // The lists follow site.yaml: require only the Public Records Act module and FERPA becomes optional.
    const other = buildBundledSite((cfg) => cfg.replace(/\n  - ferpa-student-records\n/, '\n'));
    const server = await serveStatic(other.out);
    try {
      await page.goto(server.base + 'training/index.html');
      const groups = await moduleGroups(page);
      assert.deepEqual(groups.required, ['Public Records Act and records retention']);
      assert.ok(groups.optional.includes('FERPA and student records'), groups.optional.join());
    } finally {
      await server.close();
      other.cleanup();
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`${at}: the regulation links the request form and ends with "Next: complete the training"`, async () => {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'regulation/6973-1r/index.html');
    // The regulation's own words link to the form.
    const form = page.locator('#authorization ~ p a', { hasText: 'Social Media Account Request Form' });
    assert.equal(await form.count(), 1);
    assert.match(await page.locator('.content').textContent(), /you must first fill out a Social Media Account Request\s+Form for each account/);
    // The last thing in the article is the next step.
    const last = await page.locator('article.regulation > *').last();
    assert.equal(await last.getAttribute('data-next-step'), '');
    const next = last.locator('a');
    assert.equal((await next.textContent()).trim(), 'Next: complete the training');
    assert.ok(await next.isVisible());
    assert.deepEqual(await axe(page), [], `axe on the regulation at ${at}`);
    await next.click();
    await page.waitForURL(/\/training\/index\.html$/);
    assert.equal(await page.locator('h1').textContent(), 'Training');
    await page.goBack();
    await form.click();
    await page.waitForURL(/\/request\/index\.html$/);
    assert.equal(await page.locator('h1').textContent(), 'Social Media Account Request Form');
    await page.close();
  });
}

test('the directory is a table on a desktop and a list of labelled cards on a phone, never clipped', async () => {
  // Long, unbreakable handles are what used to push the table out of its box.
  const accounts = [
    ['instagram', '@stadiumtigersfootballboosters', 'Stadium High School Tigers Football Boosters'],
    ['facebook', '@stadiumhighschoolathleticsdepartment', 'Stadium High School Athletics Department'],
  ].map(([platform, handle, name], i) => `  - request_id: req-2026112${i}-0000000${i}\n    platform: ${platform}\n    handle: "${handle}"\n    url: https://www.${platform}.com/${handle.slice(1)}\n    account_type: sports_team\n    unit: Stadium High School\n    name: ${name}\n    approved: 2026-11-2${i}\n    managers:\n      - name: Kim Coach\n        email: coach.kim@tacoma.k12.wa.us\n`);
  writeFileSync(join(fx.site.dir, 'data/directory.yaml'), 'accounts:\n' + accounts.join(''));
  const r = cli(['--root', fx.site.dir, 'build', '--output', fx.site.out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(join(fx.site.out, 'directory/index.html'), 'utf8'), /data-account="instagram:@stadiumtigersfootballboosters"/);
  for (const viewport of VIEWPORTS) {
    const page = await newPage(fx.browser, { viewport });
    await page.goto(fx.server.base + 'directory/index.html');
    const layout = await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap');
      const row = document.querySelector('tr[data-account]');
      const cells = [...row.querySelectorAll('td')].map((td) => ({
        label: getComputedStyle(td, '::before').content,
        right: td.getBoundingClientRect().right,
      }));
      return { display: getComputedStyle(row).display, clipped: wrap.scrollWidth - wrap.clientWidth, cells, width: innerWidth };
    });
    assert.ok(layout.clipped <= 1, `${viewport.width}px: the table is ${layout.clipped}px wider than its box`);
    assert.ok(layout.cells.every((c) => c.right <= layout.width), `${viewport.width}px: a cell runs off the screen`);
    if (viewport.width === 375) {
      assert.equal(layout.display, 'block', 'a row is a card on a phone');
      const labels = layout.cells.map((c) => (c.label.match(/^"([^"]*)"/) || [])[1]);
      assert.deepEqual(labels, ['Account: ', 'Platform: ', 'Handle: ', 'Approved: '], layout.cells.map((c) => c.label).join(' | '));
    } else {
      assert.equal(layout.display, 'table-row');
    }
    // Still a table to assistive technology, with its column headers.
    const snapshot = await page.locator('table[data-directory-unit]').first().ariaSnapshot();
    assert.match(snapshot, /columnheader "Handle"/);
    assert.match(snapshot, /cell "@stadiumtigersfootballboosters"/);
    assert.deepEqual(await axe(page), [], `axe on the directory at ${viewport.width}px`);
    assert.ok((await sideways(page)) <= 1);
    await page.close();
  }
});

test('rewritten explanations show when the question is answered correctly, desktop and phone', async () => {
  const { default: YAML } = await import('yaml');
  const expect = {
    'public-records': { exemptions: /2023 amendment to RCW 42\.56\.230 \(SSB 5127\).*including correspondence/ },
    'ferpa-student-records': { 'game-photo': /Student Privacy Policy Office, FAQs on Photos and Videos under FERPA/ },
  };
  for (const viewport of VIEWPORTS) {
    const page = await newPage(fx.browser, { viewport });
    for (const [quiz, questions] of Object.entries(expect)) {
      const yaml = YAML.parse(readFileSync(join(fx.site.dir, 'quizzes', `${quiz}.yaml`), 'utf8'));
      await page.goto(fx.server.base + `training/${quiz}/index.html`);
      for (const [id, pattern] of Object.entries(questions)) {
        const q = yaml.questions.find((x) => x.id === id);
        await page.locator(`fieldset[data-question="${id}"] input[data-option="${q.answer}"]`).check();
        await page.getByRole('button', { name: 'Check answers' }).click();
        const feedback = page.locator(`fieldset[data-question="${id}"] [data-feedback]`);
        assert.equal(await feedback.getAttribute('data-state'), 'correct');
        assert.match((await feedback.textContent()).replace(/\s+/g, ' '), pattern);
      }
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});
