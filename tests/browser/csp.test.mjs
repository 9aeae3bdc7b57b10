// The Content-Security-Policy every page carries (themes/default/templates/base.html): a page an admin
// wrote with an image or a sound from another host makes no request to that host, from http or
// file://, and the site's own scripts (search, quiz) still run under it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { addPageAndRebuild, bundledSiteFixture, newPage } from './harness.mjs';

const fx = bundledSiteFixture(before, after, {
  afterBuild: (site) => addPageAndRebuild(site, 'outside',
    '---\ntitle: Outside\ndescription: A page with things from other hosts.\n---\n\n' +
    '<img src="https://thirdparty.test/pixel.png" alt="A pixel from another host">\n\n' +
    '<audio controls src="https://thirdparty.test/sound.mp3"></audio>\n\nText.\n'),
});

for (const [where, base] of [['http', () => fx.server.base], ['file://', () => 'file://' + fx.site.out + '/']]) {
  test(`from ${where}: nothing is fetched from another host; the violations are reported`, async () => {
    const page = await newPage(fx.browser);
    const violations = [];
    await page.exposeFunction('reportViolation', (v) => violations.push(v));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI)));
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url() + ' ' + r.failure()?.errorText));
    await page.goto(base() + 'outside/index.html');
    await page.waitForLoadState('load');
    // Chromium reports a blocked request as one that failed with the reason "csp": it never
    // left the browser. Every request to another host must have ended so.
    await page.waitForTimeout(200);
    for (const u of page.thirdParty) {
      assert.ok(failed.includes(u + ' csp'), `${u} was blocked by the policy: ${failed.join(', ')}`);
    }
    assert.ok(violations.some((v) => v.startsWith('img-src https://thirdparty.test/pixel.png')), violations.join('\n'));
    assert.ok(violations.some((v) => v.startsWith('media-src https://thirdparty.test/sound.mp3')), violations.join('\n'));
    // The site's own inline script (allowed by its hash) ran.
    assert.match(await page.evaluate(() => document.documentElement.className), /\bjs\b/);
    await page.close();
  });
}

test('the search page and a quiz still work under the policy', async () => {
  const page = await newPage(fx.browser);
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI)));
  await page.goto(fx.server.base + 'search/index.html?q=snapchat');
  await page.locator('[data-search-result]').first().waitFor();
  await page.goto(fx.server.base + 'training/public-records/index.html');
  await page.locator('[data-quiz] input').first().waitFor();
  assert.deepEqual(violations, [], 'the site itself breaks none of its rules');
  assert.deepEqual(page.errors, []);
  await page.close();
});
