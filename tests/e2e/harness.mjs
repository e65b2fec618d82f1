// Shared end-to-end harness: serves dist/ on 127.0.0.1 (a free port) and drives Debian's
// Chromium through playwright-core. Screenshots go to target/screenshots/ for people to look at.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { before, after } from 'node:test';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// NNPLAY_DIST lets a run test a bundle built elsewhere (default: the repository's dist/).
export const dist = process.env.NNPLAY_DIST ? resolve(process.env.NNPLAY_DIST) : join(root, 'dist');
export const screenshots = join(root, 'target', 'screenshots');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves `dir` at http://127.0.0.1:<port>/<prefix>/; resolves to { url, close }. `dir` may be a
 * function returning the folder, read at every request (to switch releases under a page).
 */
export async function serve(dir = dist, prefix = '/') {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    let rel = normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
    if (rel === '' || rel === '.' || rel.endsWith('/')) rel = join(rel, 'index.html');
    try {
      const body = await readFile(join(typeof dir === 'function' ? dir() : dir, rel));
      res.writeHead(200, { 'content-type': types[extname(rel)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((ok) => server.close(ok)) };
}

export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium. */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

/**
 * Opens `url` in a new page, collecting console errors and page errors into `errors`.
 * Waits until the app has mounted (the plot exists). `deviceScaleFactor` (optional) emulates a
 * high-DPI screen (window.devicePixelRatio).
 */
export async function openApp(browser, url, { viewport = { width: 1280, height: 800 }, deviceScaleFactor, folded = false } = {}) {
  const page = await browser.newPage(deviceScaleFactor ? { viewport, deviceScaleFactor } : { viewport });
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page.getByTestId('plot').waitFor({ state: 'visible' });
  // The rarely used controls are folded away; tests reach them as a user would after
  // unfolding them (pass `folded: true` to see the page as it opens).
  if (!folded) await unfold(page);
  return { page, errors };
}

/**
 * {@link openApp} for the node:test test `t`, on the server of `shared` (see useAppServer): the
 * page closes when the test ends, pass or fail, so a failed test never leaves training running
 * under the next one. The caller checks `errors`.
 */
export async function openForTest(shared, t, hash = '', options = {}) {
  const opened = await openApp(shared.browser, shared.server.url + hash, options);
  t.after(() => opened.page.close());
  return opened;
}

/** Opens every folded group of controls (`<details>`), as a user clicking each would. */
export async function unfold(page) {
  await page.evaluate(() => document.querySelectorAll('details.fold').forEach((d) => (d.open = true)));
}

/** Shows the view `name` (network, model, gradients, lab) beside the plot by its tab. */
export async function showCompanion(page, name) {
  const tab = page.getByTestId(`companion-${name}`);
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await page.waitForFunction((n) => document.querySelector('[data-testid=companion]')?.dataset.view === n, name);
}

/** Writes a full-page screenshot to target/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
  await mkdir(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Registers node:test hooks that serve the bundle and launch Chromium once for a test file,
 * and close both afterwards. Returns an object whose `server` and `browser` are set while the
 * tests run.
 */
export function useAppServer() {
  const shared = { server: undefined, browser: undefined };
  before(async () => {
    shared.server = await serve(dist);
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}
