// Shared helpers for the browser tests: build a site with the real binary, serve it on loopback,
// drive Debian's Chromium with playwright-core, and run axe-core and HTML_CodeSniffer in the page.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = process.env.POLICYSITE_BIN || join(REPO, 'target', 'debug', 'policysite');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Run the policysite CLI; returns {status, stdout, stderr}. */
export function cli(args, opts = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', cwd: opts.cwd || REPO, ...opts });
  if (r.error) throw new Error(`cannot run ${BIN}: ${r.error.message} (build it with cargo build first)`);
  return r;
}

/** Copy the bundled site to a temp folder (so tests may change it) and build it; `editConfig` may
 *  change site.yaml first. */
export function buildBundledSite(editConfig = (c) => c) {
  const dir = mkdtempSync(join(tmpdir(), 'policysite-site-'));
  for (const f of ['site.yaml', 'content', 'data', 'quizzes', 'themes']) cpSync(join(REPO, f), join(dir, f), { recursive: true });
  writeFileSync(join(dir, 'site.yaml'), editConfig(readFileSync(join(dir, 'site.yaml'), 'utf8')));
  const out = join(dir, 'public');
  const r = cli(['--root', dir, 'build', '--output', out]);
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
  return { dir, out, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** A plain static server on 127.0.0.1, optionally under a sub-path (e.g. '/policies/social/'). */
export async function serveStatic(root, prefix = '/') {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) { res.writeHead(404); return res.end('not found'); }
    path = normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404, { 'content-type': 'text/html' }); return res.end(readFileSync(join(root, '404.html'))); }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${server.address().port}${prefix}`;
  return { base, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launch Chromium. Fails loudly (never skips) when the browser is missing. */
export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (the test script does this)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records every request leaving this machine, and console errors. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...opts });
  const page = await context.newPage();
  page.thirdParty = [];
  page.errors = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['file:', 'data:', 'blob:', 'about:'].includes(u.protocol) && u.hostname !== '127.0.0.1') page.thirdParty.push(r.url());
  });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HTMLCS = readFileSync(join(REPO, 'tests/browser/node_modules/html_codesniffer/build/HTMLCS.js'), 'utf8');

/** axe-core violations for WCAG 2.0/2.1 A and AA, formatted for an assertion message. */
export async function axe(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  return result;
}

/** HTML_CodeSniffer (pa11y's engine) errors for WCAG2AA. */
export async function htmlcs(page) {
  if (!(await page.evaluate(() => !!window.HTMLCS))) await page.evaluate(HTMLCS);
  return page.evaluate(() => new Promise((done) => {
    window.HTMLCS.process('WCAG2AA', document, () => {
      const msgs = window.HTMLCS.getMessages().filter((m) => m.type === 1);
      done(msgs.map((m) => `${m.code}: ${m.msg} — <${m.element.tagName.toLowerCase()}${m.element.id ? ' id=' + m.element.id : ''}>`));
    });
  }));
}

/** Both checkers must report nothing. */
export async function assertAccessible(assert, page, label) {
  const a = await axe(page);
  assert.deepEqual(a, [], `axe-core violations on ${label}`);
  const h = await htmlcs(page);
  assert.deepEqual(h, [], `HTML_CodeSniffer errors on ${label}`);
}

/** Pass quiz `id` on the fixture's served site as a staff member who knows the answers, and get the
 *  completion code for `email`. */
export async function passQuizAs(page, fx, id, email) {
  const quiz = quizAnswers(fx.site.dir, id);
  await page.goto(fx.server.base + `training/${id}/index.html`);
  for (const q of quiz.questions) {
    const fs = page.locator(`fieldset[data-question="${q.id}"]`);
    const values = q.type === 'multiple' ? q.answer.map(String) : [String(q.answer)];
    for (const v of values) await fs.locator(`input[data-option="${v}"]`).check();
  }
  await page.getByRole('button', { name: 'Check answers' }).click();
  await page.locator('[data-completion-email]').fill(email);
  await page.locator('[data-completion-submit]').click();
  return (await page.locator('[data-completion-code]').textContent()).trim();
}

/** The quizzes' answers, read from the YAML sources (the test plays a staff member who knows them). */
export function quizAnswers(siteDir, id) {
  const YAML = require('yaml');
  const q = YAML.parse(readFileSync(join(siteDir, 'quizzes', `${id}.yaml`), 'utf8'));
  return q;
}

/** Today's date, YYYY-MM-DD, in `zone` (default: the bundled site's `time_zone`, as site.yaml names it
 *  and as the browser's quiz dates codes; pass 'UTC' for a site without one), at `now` (ms, default the clock). */
export function today(zone = 'America/Los_Angeles', now = Date.now()) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date(now)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

export { execFileSync };

/** Fill the request form with the Stadium Tigers football request: the requester (name Kim Coach,
 *  `requesterEmail`), the account, one administrator (`adminEmail`, FLSA-exempt, `codes`: quiz id →
 *  code), the principal's approval when `principal` (by default when `type` needs one), and every
 *  privacy setting and acknowledgement. */
export async function fillRequest(page, { type = 'sports_team', requesterEmail, adminEmail, codes = {}, principal } = {}) {
  await page.locator('#requester-name').fill('Kim Coach');
  await page.locator('#requester-email').fill(requesterEmail);
  await page.locator('#account-type').selectOption(type);
  await page.locator('#account-unit').fill('Stadium High School');
  await page.locator('#account-name').fill('Stadium Tigers Football');
  await page.locator('#purpose-educational').check();
  await page.locator('#account-description').fill('Game schedules and team news for families.');
  await page.locator('#account-platform').selectOption('instagram');
  await page.locator('#account-handle').fill('@stadiumtigersfb');
  const admin = page.locator('[data-admin]').first();
  await admin.locator('[data-admin-field="name"]').fill('Kim Coach');
  await admin.locator('[data-admin-field="email"]').fill(adminEmail);
  await admin.locator('[data-admin-field="flsa_exempt"]').check();
  for (const [q, code] of Object.entries(codes)) await admin.locator(`[data-admin-code="${q}"]`).fill(code);
  if (principal ?? ['sports_team', 'school', 'club', 'classroom'].includes(type)) {
    await page.locator('#principal-name').fill('Pat Principal');
    await page.locator('#principal-email').fill('pat.principal@tacoma.k12.wa.us');
    await page.locator('#principal-approved').check();
  }
  for (const id of ['privacy-tag', 'privacy-approve', 'ack-policies', 'ack-deletion', 'ack-privacy']) await page.locator('#' + id).check();
}

/** Add `content/NAME.md` with `text` to a built site and build it again into the same output. */
export function addPageAndRebuild(site, name, text) {
  writeFileSync(join(site.dir, 'content', name + '.md'), text);
  const r = cli(['--root', site.dir, 'build', '--output', site.out]);
  if (r.status !== 0) throw new Error(`rebuild failed:\n${r.stderr}`);
}

/** The usual fixture: a built copy of the bundled site, a static server for it, and a browser, set up
 *  before the file's tests and torn down after them. Returns an object filled in by `before`.
 *  `afterBuild(site)` runs between the build and the server's start (to change and rebuild it). */
export function bundledSiteFixture(before, after, { editConfig, prefix, afterBuild } = {}) {
  const fx = {};
  before(async () => {
    fx.site = buildBundledSite(editConfig);
    if (afterBuild) afterBuild(fx.site);
    fx.server = await serveStatic(fx.site.out, prefix);
    fx.browser = await launch();
  });
  after(async () => {
    await fx.browser?.close();
    await fx.server?.close();
    fx.site?.cleanup();
  });
  return fx;
}
