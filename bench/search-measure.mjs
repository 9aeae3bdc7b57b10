// Measures, in headless Chromium, what one search costs a reader: bytes of every response the search
// loads (as the browser receives them, through the DevTools protocol's response bodies), and the time a
// query takes once its files are loaded. Runs policysite's search page and Pagefind's JS API over the
// same built site, served on 127.0.0.1.
//
// usage: node search-measure.mjs OUT_DIR QUERY...   (OUT_DIR holds policysite's output and pagefind/)
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const [out, ...queries] = process.argv.slice(2);
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const server = createServer((req, res) => {
  let file = join(out, normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, ''));
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

// Pagefind only when its index is there (bench/speed.sh measures policysite alone unless PAGEFIND=1).
const tools = existsSync(join(out, 'pagefind')) ? ['policysite', 'pagefind'] : ['policysite'];
// Pagefind's own page: its JS API, the first ten results' data, as its UI shows them.
if (tools.includes('pagefind')) writeFileSync(join(out, 'pagefind-bench.html'), `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>pf</title></head><body>
<script type="module">
const pagefind = await import('./pagefind/pagefind.js');
window.pfSearch = async (q) => {
  const t0 = performance.now();
  const r = await pagefind.search(q);
  const shown = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  return { count: r.results.length, shown: shown.length, ms: performance.now() - t0 };
};
window.pfReady = true;
</script></body></html>`);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

async function measure(tool, q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sizes = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('.html') || r.url().includes('.html?')) return; // the page itself aside
    try { sizes.push((await r.body()).length); } catch { /* redirects have no body */ }
  });
  let count, ms;
  if (tool === 'policysite') {
    await page.goto(base + 'search/index.html?q=' + encodeURIComponent(q));
    await page.waitForFunction(() => /result/.test(document.querySelector('[data-search-status]').textContent));
    await page.waitForLoadState('networkidle');
    count = await page.evaluate(() => document.querySelector('[data-search-status]').textContent.replace(/ .*/, ''));
    // Latency after load: the same query again, files cached in the page.
    ms = await page.evaluate(async (q) => {
      const list = document.querySelector('[data-search-results]');
      const t0 = performance.now();
      document.querySelector('[data-search-page-input]').value = q;
      document.querySelector('[data-search-page-form]').requestSubmit();
      await new Promise((done) => { const check = () => (list.children.length ? done() : setTimeout(check, 0)); check(); });
      return performance.now() - t0;
    }, q);
  } else {
    await page.goto(base + 'pagefind-bench.html');
    await page.waitForFunction(() => window.pfReady);
    count = (await page.evaluate((q) => window.pfSearch(q), q)).count;
    await page.waitForLoadState('networkidle');
    ms = (await page.evaluate((q) => window.pfSearch(q), q)).ms;
  }
  await page.waitForTimeout(200);
  await context.close();
  return { files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0), count, ms };
}

for (const q of queries) {
  for (const tool of tools) {
    const m = await measure(tool, q);
    console.log([tool, JSON.stringify(q), m.count, m.files, m.bytes, m.ms.toFixed(1)].join('\t'));
  }
}
await browser.close();
server.close();
