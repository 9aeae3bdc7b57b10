// Site-wide quality in headless Chromium: every page passes axe-core and HTML_CodeSniffer at desktop and
// phone widths, a keyboard-only walk reaches every control with visible focus, text resizes to 200%
// without loss, offline search works from file:// and http, and the regulation and modules print
// cleanly to PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO, assertAccessible, bundledSiteFixture, newPage } from './harness.mjs';

const fx = bundledSiteFixture(before, after, {
  // Published under a sub-path, like an intranet host; base_path tells 404.html where that is.
  editConfig: (cfg) => cfg.replace('base_path: /', 'base_path: /policies/social-media/'),
  prefix: '/policies/social-media/',
});
/** Every HTML file of the built site, relative to its root. */
function builtPages() {
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  return walk(fx.site.out).filter((f) => f.endsWith('.html')).map((f) => relative(fx.site.out, f)).sort();
}

test('every page: zero axe-core and HTML_CodeSniffer problems, desktop and phone', async () => {
  const pages = builtPages();
  assert.ok(pages.length >= 12, pages.join());
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    const page = await newPage(fx.browser, { viewport });
    for (const p of pages) {
      if (p === '404.html') continue; // served at arbitrary paths; checked below
      await page.goto(fx.server.base + p);
      await assertAccessible(assert, page, `${p} at ${viewport.width}px`);
      // Nothing overflows sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `${p} scrolls sideways by ${overflow}px at ${viewport.width}px`);
    }
    assert.deepEqual(page.errors, []);
    const response = await page.goto(fx.server.base + 'no/such/page/');
    assert.equal(response.status(), 404);
    await assertAccessible(assert, page, `404 at ${viewport.width}px`);
    assert.deepEqual(page.thirdParty, [], 'no request leaves the machine');
    // Only the page's own 404 status is logged: its stylesheet and links resolve under the sub-path.
    assert.deepEqual(page.errors, ['Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await page.close();
  }
});

test('text resizes to 200% without loss', async () => {
  const page = await newPage(fx.browser, { viewport: { width: 1280, height: 900 } });
  for (const p of ['index.html', 'regulation/6973-1r/index.html', 'request/index.html']) {
    await page.goto(fx.server.base + p);
    await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${p} at 200% text scrolls sideways by ${overflow}px`);
    // No text clipped: no element with hidden overflow whose content is taller than its box.
    const clipped = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((el) => {
      const cs = getComputedStyle(el);
      return (cs.overflow === 'hidden' || cs.overflowY === 'hidden') && el.scrollHeight > el.clientHeight + 1 && el.clientHeight > 1;
    }).map((el) => el.tagName + '.' + el.className));
    assert.deepEqual(clipped, [], `${p}: clipped text`);
  }
  await page.close();
});

test('keyboard only: skip link, every link and control in order, visible focus, quiz and form usable', async () => {
  const page = await newPage(fx.browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(fx.server.base + 'index.html');
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => ({ text: document.activeElement.textContent, top: document.activeElement.getBoundingClientRect().top }));
  assert.equal(skip.text, 'Skip to main content');
  assert.ok(skip.top >= 0, 'the skip link becomes visible when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  // Walk every page with Tab: each focusable element is reached once, in document order, visibly.
  for (const p of ['index.html', 'regulation/6973-1r/index.html', 'platforms/index.html', 'training/public-records/index.html', 'request/index.html']) {
    await page.goto(fx.server.base + p);
    const expected = await page.evaluate(() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => !el.disabled && el.checkVisibility({ visibilityProperty: true }))
      .filter((el) => !(el.type === 'radio' && !el.checked && document.querySelector(`input[type=radio][name="${el.name}"]`) !== el))
      .length);
    const seen = [];
    for (let i = 0; i < expected + 1; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const cs = getComputedStyle(el);
        const key = el.tagName + '#' + (el.id || '') + (el.getAttribute('href') || '') + (el.name || '') + (el.value || '');
        return { key, visible: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
      });
      if (!info) break;
      if (seen.length && info.key === seen[0].key) break; // wrapped around
      seen.push(info);
    }
    assert.ok(seen.length >= expected, `${p}: Tab reached ${seen.length} of ${expected} controls: ${seen.map((s) => s.key).join(' | ')}`);
    const invisible = seen.filter((s) => !s.visible).map((s) => s.key);
    assert.deepEqual(invisible, [], `${p}: focus not visible on`);
  }

  // The quiz, by keyboard alone: arrows choose radio options, Space ticks boxes, Enter submits.
  await page.goto(fx.server.base + 'training/professional-boundaries/index.html');
  const fs = page.locator('fieldset[data-question="snapchat"]');
  await fs.locator('input').first().focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  assert.ok(['passed', 'failed'].includes(await page.locator('[data-quiz-status]').getAttribute('data-state')));
  assert.notEqual(await fs.locator('[data-feedback]').getAttribute('data-state'), 'unanswered');

  // The request form, by keyboard alone: type into a field, submit with Enter, focus lands on the summary.
  await page.goto(fx.server.base + 'request/index.html');
  await page.locator('#requester-name').focus();
  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.hasAttribute('data-error-summary')), true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'requester-email', 'the first error link moves focus to its field');
  await page.close();
});

async function searchWorks(page, base, checkA11y) {
  await page.goto(base + 'search/index.html?q=' + encodeURIComponent('retention schedule'));
  await page.locator('[data-search-result]').first().waitFor({ timeout: 5000 });
  const results = page.locator('[data-search-result] a');
  const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.some((h) => /training\/public-records\/index\.html#retention-keep-by-content-not-by-platform/.test(h)), hrefs.join('\n'));
  assert.match(await page.locator('[data-search-status]').textContent(), /results? for/);
  assert.match((await page.locator('[data-search-result] mark').first().textContent()).toLowerCase(), /retention|schedule/, 'query words are marked');
  // (The checkers read stylesheets with XHR, which file:// refuses: check them over http.)
  if (checkA11y) await assertAccessible(assert, page, 'search results');
  await results.filter({ hasText: 'Retention' }).first().click();
  await page.waitForURL(/#retention-keep-by-content-not-by-platform$/);
  assert.ok(await page.locator('#retention-keep-by-content-not-by-platform').isVisible());
}

test('search works over http under a sub-path and from file://, typing and the header box', async () => {
  const page = await newPage(fx.browser);
  await searchWorks(page, fx.server.base, true);
  await searchWorks(page, 'file://' + fx.site.out + '/', false);
  // The header search box leads to the search page with the query.
  await page.goto(fx.server.base + 'platforms/index.html');
  await page.locator('#site-search-input').fill('Snapchat');
  await page.locator('#site-search-input').press('Enter');
  await page.locator('[data-search-result]').first().waitFor({ timeout: 5000 });
  // Typing refines live.
  await page.locator('[data-search-page-input]').fill('xyzzy nothing');
  await page.waitForFunction(() => /No results/.test(document.querySelector('[data-search-status]').textContent));
  assert.deepEqual(page.thirdParty, []);
  assert.deepEqual(page.errors.filter((e) => !/favicon/.test(e)), []);
  // The index is sharded below search/ (search helper; see search*.test.mjs).
  const size = statSync(join(fx.site.out, 'search/entry.js')).size;
  console.log(`# search entry file for the bundled site: ${size} bytes`);
  await page.close();
});

function pdfText(page) {
  return page.pdf({ format: 'Letter', printBackground: false }).then((pdf) => {
    const file = join(fx.site.dir, 'print.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  });
}

const words = (s) => s.replace(/[“”"’'‘]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);

test('the regulation prints in full, without navigation, with footnotes and link targets', async () => {
  const page = await newPage(fx.browser);
  await page.goto(fx.server.base + 'regulation/6973-1r/index.html');
  const text = await pdfText(page);
  // Printed link targets "(https://…)" sit between words of the text: leave them out when comparing.
  const flat = words(text.replace(/\(https?:\/\/[^)]*\)/gs, ' ')).join(' ');
  const seed = readFileSync(join(REPO, 'tests/fixtures/regulation-6973.1R.txt'), 'utf8');
  const body = seed.slice(seed.indexOf('Social media is'), seed.indexOf('Approval Date:'))
    .replace(/platforms1\n/, 'platforms\n').replace(/Resources\.2\n/, 'Resources.\n')
    .split('\n').map((l) => l.replace(/^[12] (?=The District)/, '').replace(/^- /, '')).join('\n');
  // Every line of the regulation appears, word for word.
  for (const line of body.split('\n').filter((l) => words(l).length > 3)) {
    assert.ok(flat.includes(words(line).join(' ')), `missing from the printout: ${line}`);
  }
  assert.doesNotMatch(text, /Skip to main content/);
  assert.doesNotMatch(text, /On this page/);
  assert.match(text, /Footnotes/);
  assert.match(text, /\(https:\/\/www\.tacomaschools\.org\/about\/policies\?policy=5243\)/, 'link targets are printed');
  await page.close();
});

test('each training module prints without navigation or quiz controls', async () => {
  const page = await newPage(fx.browser);
  for (const m of ['public-records', 'ferpa-student-records', 'professional-boundaries']) {
    await page.goto(fx.server.base + `training/${m}/index.html`);
    const text = await pdfText(page);
    const h1 = await page.locator('h1').textContent();
    assert.ok(words(text).join(' ').includes(words(h1).join(' ')), `${m}: title`);
    assert.match(text, /Sources/, `${m}: sources`);
    assert.doesNotMatch(text, /Skip to main content|Check answers/, `${m}: chrome or quiz controls printed`);
    const last = (await page.locator('.content > *').last().textContent()).trim().split(/\s+/).slice(0, 6).join(' ');
    const printed = words(text.replace(/\(https?:\/\/[^)]*\)/gs, ' ')).join(' ');
    assert.ok(printed.includes(words(last).join(' ')), `${m}: end of the module missing from the printout`);
  }
  await page.close();
});
