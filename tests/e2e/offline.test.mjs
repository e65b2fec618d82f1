// Offline: after a first visit the service worker (www/sw.js) holds the whole build, so the page
// reloads and trains with the network off (the browser offline and the server stopped); a new
// release's files replace the old cache instead of mixing with it; and without service workers
// the page works as before.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, launch, root, screenshot, serve } from './harness.mjs';

let browser;
const folders = [];
// What a test opened (servers, browser contexts): closed after it, passed or failed, so a failure
// never leaves a server keeping this process alive.
let opened = [];
before(async () => {
  browser = await launch();
});
afterEach(async () => {
  await Promise.all(opened.map((thing) => thing.close().catch(() => {})));
  opened = [];
});
after(async () => {
  await browser?.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Serves `dir` (see harness.mjs) until the test ends. */
async function serving(dir) {
  const server = await serve(dir);
  opened.push(server);
  return server;
}

/** A copy of the release build to serve (the update test turns a copy into a new release). */
async function copyOf(dir) {
  const copy = await mkdtemp(join(tmpdir(), 'nnplay-offline-'));
  folders.push(copy);
  await cp(dir, copy, { recursive: true });
  return copy;
}

/** The version and file list the build stamped into its sw.js. */
async function stamped(dir) {
  const source = await readFile(join(dir, 'sw.js'), 'utf8');
  const line = source.match(/^const BUILD = (.*);$/m);
  assert.ok(line, 'sw.js has its BUILD line');
  return JSON.parse(line[1]);
}

/** Polls `check` (every 100 ms, up to `timeout`) until it returns a truthy value, and returns it. */
async function until(check, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every cache of the page's origin and the file names it holds. */
function caches(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await self.caches.keys()) {
      const cache = await self.caches.open(name);
      out[name] = (await cache.keys()).map((request) => new URL(request.url).pathname.split('/').pop()).sort();
    }
    return out;
  });
}

/**
 * Waits until the service worker controls `page` and the only cache is `build`'s, complete.
 * After a reload that brings a new release this takes about 4 s here (Chromium asks for the new
 * sw.js 2.5 s after the navigation); the generous limit only spares a slow machine, and a
 * timeout says what it last saw (a leftover cache, a worker stuck installing).
 */
async function cachedExactly(page, build) {
  const name = `nnplay-${build.version}`;
  const want = build.files.map((file) => file.split('/').pop()).sort();
  let seen; // the last state seen, for the message if the wait times out
  try {
    await until(
      async () => {
        const workers = await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          const state = (worker) => worker?.state ?? 'none';
          return {
            controlled: navigator.serviceWorker.controller !== null,
            installing: state(registration?.installing),
            waiting: state(registration?.waiting),
            active: state(registration?.active),
          };
        });
        const all = await caches(page);
        seen = { ...workers, caches: all };
        return workers.controlled && Object.keys(all).length === 1 && JSON.stringify(all[name]) === JSON.stringify(want);
      },
      `the cache ${name} to hold exactly the build's ${want.length} files`,
      90_000,
    );
  } catch (error) {
    error.message += `; last seen: ${JSON.stringify(seen)}`;
    throw error;
  }
}

/** Opens `url` in a fresh context, collecting console and page errors. */
async function open(url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  opened.push(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page.getByTestId('plot').waitFor({ state: 'visible' });
  return { context, page, errors };
}

/** Reloads and waits for the app. */
async function reload(page) {
  await page.reload();
  await page.getByTestId('plot').waitFor({ state: 'visible' });
}

/** Trains until the step counter passes 100, and returns the training accuracy shown. */
async function trains(page) {
  await page.getByTestId('play').click();
  await until(async () => Number((await page.getByTestId('step-count').textContent()).replace(/\D/g, '')) > 100, 'training steps');
  await page.getByTestId('play').click();
  return page.getByTestId('train-acc').textContent();
}

/** Whether the page can reach the network at all (a URL the service worker does not serve). */
function reachesNetwork(page) {
  return page.evaluate(() => fetch(`index.html?probe=${Math.random()}`).then(() => true, () => false));
}

test('after a first visit the page reloads and trains with the network off', async () => {
  const dir = await copyOf(dist);
  const build = await stamped(dir);
  assert.ok(build.files.includes('index.html') && build.files.some((f) => f.endsWith('.wasm')), build.files.join(' '));
  assert.ok(build.files.includes('manifest.webmanifest') && build.files.includes('icon-512.png'));
  const server = await serving(dir);
  const { context, page, errors } = await open(server.url);
  await cachedExactly(page, build);

  await server.close();
  await context.setOffline(true);
  assert.equal(await reachesNetwork(page), false, 'the network is really gone');
  errors.length = 0; // the probe's failed request is logged as an error
  await reload(page);
  const accuracy = await trains(page);
  assert.match(accuracy, /^\d+(\.\d+)?%$/);
  await screenshot(page, 'offline-trained');
  assert.deepEqual(errors, []);
});

/** Turns the build in `dir` into a new release: its stylesheet changes (so does its hashed name). */
async function newRelease(dir) {
  const css = (await readdir(dir)).find((file) => /^style-.*\.css$/.test(file));
  const text = `${await readFile(join(dir, css), 'utf8')}\n:root { --release: "second"; }\n`;
  const renamed = `style-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.css`;
  await writeFile(join(dir, renamed), text);
  await rm(join(dir, css));
  // The new stylesheet's name, and no integrity hash of the old content.
  const html = (await readFile(join(dir, 'index.html'), 'utf8')).replaceAll(css, renamed);
  await writeFile(join(dir, 'index.html'), html.replace(/(<link[^>]*rel="stylesheet"[^>]*?)\s+integrity="[^"]*"/, '$1'));
  execFileSync('node', [join(root, 'scripts', 'stamp-service-worker.mjs'), dir]);
  return { old: css, renamed };
}

const release = (page) => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--release').trim());

test("a new release's files replace the old cache, and the new release works offline", async () => {
  const first = await copyOf(dist);
  const second = await copyOf(dist);
  const { old, renamed } = await newRelease(second);
  const [firstBuild, secondBuild] = [await stamped(first), await stamped(second)];
  assert.notEqual(firstBuild.version, secondBuild.version);

  let current = first;
  const server = await serving(() => current);
  const { context, page, errors } = await open(server.url);
  await cachedExactly(page, firstBuild);
  assert.equal(await release(page), '');

  current = second; // the host now serves the new release
  await reload(page);
  await cachedExactly(page, secondBuild);
  const [cache] = Object.values(await caches(page));
  assert.ok(cache.includes(renamed) && !cache.includes(old), 'the new stylesheet replaced the old one');
  assert.equal(await release(page), '"second"');

  await server.close();
  await context.setOffline(true);
  await reload(page);
  assert.equal(await release(page), '"second"', 'offline, the page is the new release');
  await trains(page);
  assert.deepEqual(errors, []);
});

test('without service workers the page loads and trains as before', async () => {
  const server = await serving(dist);
  const { page, errors } = await open(server.url, { serviceWorkers: 'block' });
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);
  await trains(page);
  assert.deepEqual(errors, []);
});
