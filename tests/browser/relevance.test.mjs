// Search relevance (issue 19): questions staff ask, as they would type them, each with the page that
// answers it. The test passes when that page (and, where given, its section) is among the first three
// results. It prints the table (query, expected, rank, top result) for the report; with
// $POLICYSITE_RELEVANCE set it also writes it there as Markdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { bundledSiteFixture, newPage } from './harness.mjs';

const fx = bundledSiteFixture(before, after);

const R = 'regulation/6973-1r/index.html', P = 'platforms/index.html';
const PR = 'training/public-records/index.html', FE = 'training/ferpa-student-records/index.html';
const MC = 'training/moderating-comments/index.html', PB = 'training/professional-boundaries/index.html';
/** [query, expected page or page#section, or a list of them when several answer it] */
export const QUESTIONS = [
  ["can I post a student's photo", [`${R}#student-work-and-photos-of-students`, `${FE}#photos-and-video`]],
  ['student photo without consent', [`${R}#student-work-and-photos-of-students`, `${FE}#photos-and-video`, `${FE}#photos-at-public-events`]],
  ['delete a comment', `${MC}#hiding-or-deleting`],
  ['can I delete a rude comment', MC],
  ['public records request by message', `${PR}#when-someone-asks-for-records`],
  ['someone asked for our messages', PR],
  ['retention of posts', `${PR}#retention-keep-by-content-not-by-platform`],
  ['how long to keep posts', PR],
  ['FERPA directory information', `${FE}#directory-information-and-opt-outs`],
  ['parent opted out of directory information', `${FE}#directory-information-and-opt-outs`],
  ['using my personal phone for the account', `${PR}#personal-phones-and-personal-accounts`],
  ['friend request from a student', `${R}#maintaining-professional-boundaries`],
  ['follow students', `${R}#maintaining-professional-boundaries`],
  ['classroom account hashtags', `${R}#maintaining-professional-boundaries`],
  ['does the principal approve a school account', `${R}#maintenance-and-monitoring-responsibilities`],
  ['FLSA exempt', `${R}#maintenance-and-monitoring-responsibilities`],
  ['request an account', 'request/index.html'],
  ['which platforms are approved', P],
  ['ballot measure post', `${PB}#elections-and-ballot-measures`],
  ['alt text accessible posts', `${PB}#accessible-posts`],
  ['copyright music in videos', `${PB}#copyright-and-courtesy`],
  ['penalty for not keeping records', `${PR}#penalties`],
  ['email about a student', `${FE}#email-and-student-records`],
  ['block someone on the school page', MC],
  ['anonymous apps', `${PB}#approved-platforms-only`],
  ['anonymous social media sites', [`${R}#fn-2`, P]],
  // Each platform by the names people use.
  ['facebook', `${P}#platform-facebook`],
  ['fb', `${P}#platform-facebook`],
  ['instagram', `${P}#platform-instagram`],
  ['insta', `${P}#platform-instagram`],
  ['twitter', `${P}#platform-twitter`],
  ['x', `${P}#platform-twitter`],
  ['youtube', `${P}#platform-youtube`],
  ['linkedin', `${P}#platform-linkedin`],
  ['pinterest', `${P}#platform-pinterest`],
  ['flickr', `${P}#platform-flickr`],
  ['blog', `${P}#platform-blog`],
  ['snap', `${P}#platform-snapchat`],
  ['snapchat', `${P}#platform-snapchat`],
  ['Snap Chat', `${P}#platform-snapchat`],
  ['tiktok', `${P}#platform-tiktok`],
  ['yik yak', `${P}#platform-yik-yak`],
];

test(`${QUESTIONS.length} staff questions find the page that answers them in the top three`, async () => {
  const page = await newPage(fx.browser);
  const rows = [], misses = [];
  for (const [q, want] of QUESTIONS) {
    await page.goto(fx.server.base + 'search/index.html?q=' + encodeURIComponent(q));
    await page.waitForFunction(() => document.querySelector('[data-search-status]').textContent !== '');
    const hrefs = await page.$$eval('[data-search-result] a', (as) => as.map((a) => a.getAttribute('href').replace(/^(\.\.\/)+/, '')));
    const wants = [want].flat();
    const rank = hrefs.findIndex((h) => wants.some((w) => h === w || (!w.includes('#') && h.split('#')[0] === w))) + 1;
    rows.push([q, wants.join(' or '), rank || '—', hrefs[0] || '(none)']);
    if (!rank || rank > 3) misses.push(`${q}: wanted ${want}, top three ${hrefs.slice(0, 3).join(' | ')}`);
  }
  const table = ['| query | expected | rank | first result |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(table.split('\n').map((l) => '# ' + l).join('\n'));
  if (process.env.POLICYSITE_RELEVANCE) writeFileSync(process.env.POLICYSITE_RELEVANCE, table + '\n');
  assert.deepEqual(misses, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
