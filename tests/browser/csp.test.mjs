// The Content-Security-Policy every page carries (themes/default/templates/base.html): markup with an
// image or a sound from another host, an inline script and a javascript: link makes no request to that
// host and runs nothing, from http or file://; the site's own scripts (search, quiz) still run under it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledSiteFixture, newPage } from './harness.mjs';

// Polls `cond` until it holds or the deadline passes (no fixed sleeps: a slow machine waits longer,
// a fast one not at all).
async function until(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The build refuses such content (src/markdown/safety.rs), so it is put into a built page directly, as
// if something had slipped past: the policy is the second line of defence.
const INJECTED = '<img src="https://thirdparty.test/pixel.png" alt="A pixel from another host">' +
  '<audio controls src="https://thirdparty.test/sound.mp3"></audio>' +
  '<script>document.documentElement.setAttribute("data-injected", "ran")</script>' +
  '<a id="js-link" href="javascript:document.documentElement.setAttribute(\'data-link\', \'ran\')">x</a>';
const fx = bundledSiteFixture(before, after, {
  afterBuild(site) {
    const file = join(site.out, 'platforms', 'index.html');
    writeFileSync(file, readFileSync(file, 'utf8').replace('</main>', INJECTED + '</main>'));
  },
});

for (const [where, base] of [['http', () => fx.server.base], ['file://', () => 'file://' + fx.site.out + '/']]) {
  test(`from ${where}: nothing is fetched from another host; the violations are reported`, async () => {
    const page = await newPage(fx.browser);
    const violations = [];
    await page.exposeFunction('reportViolation', (v) => violations.push(v));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI)));
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url() + ' ' + r.failure()?.errorText));
    await page.goto(base() + 'platforms/index.html');
    await page.waitForLoadState('load');
    // Chromium reports a blocked request as one that failed with the reason "csp": it never
    // left the browser. Every request to another host must have ended so.
    await until(
      () => ['img-src', 'media-src'].every((d) => violations.some((v) => v.startsWith(d))) &&
        page.thirdParty.every((u) => failed.some((f) => f.startsWith(u + ' '))),
      'both injected loads to be blocked and every third-party request to end',
    );
    for (const u of page.thirdParty) {
      assert.ok(failed.includes(u + ' csp'), `${u} was blocked by the policy: ${failed.join(', ')}`);
    }
    assert.ok(violations.some((v) => v.startsWith('img-src https://thirdparty.test/pixel.png')), violations.join('\n'));
    assert.ok(violations.some((v) => v.startsWith('media-src https://thirdparty.test/sound.mp3')), violations.join('\n'));
    // The site's own inline script (allowed by its hash) ran; the injected one and the javascript:
    // link did not.
    assert.match(await page.evaluate(() => document.documentElement.className), /\bjs\b/);
    const before = violations.length;
    await page.click('#js-link');
    // The blocked javascript: navigation is reported as a script-src violation: once it is, the
    // click has been handled and had its chance to run.
    await until(() => violations.slice(before).some((v) => v.startsWith('script-src')), 'the javascript: link to be blocked');
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-injected')), null);
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-link')), null);
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
