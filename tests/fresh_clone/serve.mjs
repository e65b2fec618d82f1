// The README's first command as a newcomer meets it: clone the repository into a temporary
// folder, run `bash scripts/serve.sh` there (on a free port, through NNPLAY_PORT), wait until
// the page and its wasm are served, load it in headless Chromium and watch the plot train, then
// stop the server by its process id (the whole process group) and check the port is free again.
// One test: exits 0 when all of that holds, 1 otherwise. Run by scripts/test.sh as
// `fresh-clone-serve`; kept out of tests/e2e/ so `node --test tests/e2e/` does not run it too.
//
// Environment: NNPLAY_FRESH_CLONE_TIMEOUT (seconds, default 1200) bounds the wait for the first
// build; CARGO_TARGET_DIR (default: this repository's target/) is where the clone compiles;
// NNPLAY_FRESH_CLONE_COMMIT (default HEAD) tests another commit, e.g. one from before the fix.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, delimiter, sep } from 'node:path';
import { launch, openApp, screenshot, root } from '../e2e/harness.mjs';
import { text, waitForText, num, setPlaying, snapshotCanvas, changedFraction } from '../e2e/plotkit.mjs';

const started = Date.now();
const buildTimeout = 1000 * Number(process.env.NNPLAY_FRESH_CLONE_TIMEOUT ?? 1200);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = (msg) => console.log(`[fresh-clone ${elapsed()}] ${msg}`);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

let server; // the serve.sh child: its PID is trunk's (serve.sh execs trunk) and its group's
let clone;
let browser;

/** Resolves to a port on 127.0.0.1 that nothing listens on (the OS picks it). */
function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** True when a TCP connection to 127.0.0.1:port is accepted. */
function listening(port) {
  return new Promise((ok) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.on('connect', () => (socket.destroy(), ok(true)));
    socket.on('error', () => ok(false));
    socket.on('timeout', () => (socket.destroy(), ok(true)));
  });
}

/** True while some process of group `pgid` is alive. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Stops the server's whole process group (trunk and any cargo it runs): TERM, then KILL. */
async function stopServer() {
  if (!server) return;
  const pgid = server.pid;
  server = undefined;
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 100 && groupAlive(pgid); i += 1) await sleep(100);
  if (groupAlive(pgid)) {
    log(`process group ${pgid} survived SIGTERM for 10 s; sending SIGKILL`);
    signal('SIGKILL');
    for (let i = 0; i < 50 && groupAlive(pgid); i += 1) await sleep(100);
  }
  if (groupAlive(pgid)) throw new Error(`process group ${pgid} is still alive after SIGKILL`);
}

async function cleanUp() {
  await browser?.close().catch(() => {});
  browser = undefined;
  await stopServer().catch((e) => log(String(e)));
  if (clone) rmSync(clone, { recursive: true, force: true });
  clone = undefined;
}

/** Polls `probe` every `interval` ms until it resolves truthy; throws after `timeout` ms. */
async function poll(what, probe, { timeout, interval = 2000 }) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await sleep(interval);
  }
}

/** GETs `url`; resolves to { status, type, body } or undefined when nothing answers. */
async function get(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  } catch {
    return undefined;
  }
}

function assert(ok, msg) {
  if (!ok) throw new Error(msg);
}

async function main() {
  // The committed state a fresh clone gets (what CI checks out): HEAD of this repository, not
  // its working tree, so uncommitted edits are not what this tests.
  const rev = process.env.NNPLAY_FRESH_CLONE_COMMIT || 'HEAD';
  const head = execFileSync('git', ['-C', root, 'rev-parse', '--verify', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  if (dirty) log(`note: the working tree has uncommitted changes; the clone has only HEAD ${head}`);
  clone = mkdtempSync(join(tmpdir(), 'nnplay-fresh-clone-'));
  execFileSync('git', ['clone', '--quiet', root, clone], { stdio: 'inherit', timeout: 120_000 });
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', '--detach', head], { stdio: 'inherit', timeout: 60_000 });
  for (const p of ['target', 'dist', 'node_modules']) assert(!existsSync(join(clone, p)), `the clone already has ${p}/`);
  log(`cloned ${head.slice(0, 12)} into ${clone}`);

  const port = await freePort();
  // What the clone builds with, and why:
  // - CARGO_TARGET_DIR: this repository's target dir, so CI compiles the app's dependencies
  //   once (scripts/test.sh has just built them for the end-to-end tests) instead of a second
  //   time from scratch; only the nnplay crate itself recompiles. trunk 0.21 takes its target
  //   dir from `cargo metadata`, which honours CARGO_TARGET_DIR. The clone's own target/ still
  //   does not exist, which is what broke `trunk serve` (issue 12).
  // - node_modules: not shared. serve.sh (through setup.sh) runs `npm ci` in the clone, exactly
  //   as for a newcomer; npm's cache makes that take seconds once the main install has run.
  //   This repository's node_modules/.bin is taken off PATH (scripts/test.sh put it there), so
  //   the clone's build cannot quietly use our wasm-opt instead of installing its own.
  const env = {
    ...process.env,
    CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(root, 'target'),
    NNPLAY_PORT: String(port),
    PATH: (process.env.PATH ?? '')
      .split(delimiter)
      .filter((p) => p !== root && !p.startsWith(root + sep))
      .join(delimiter),
  };
  log(`running \`bash scripts/serve.sh\` in the clone with NNPLAY_PORT=${port}, CARGO_TARGET_DIR=${env.CARGO_TARGET_DIR}`);
  // detached: serve.sh (then trunk, which it execs) leads a new process group, so one kill of
  // the group stops trunk and any cargo or wasm-opt it is running.
  server = spawn('bash', ['scripts/serve.sh'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const serverPid = server.pid;
  let exited;
  server.on('exit', (code, sig) => {
    exited = `serve.sh exited (code ${code}, signal ${sig})`;
  });
  for (const stream of [server.stdout, server.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) console.log(`[serve] ${line}`);
    });
  }

  const base = `http://127.0.0.1:${port}/`;
  const page = await poll(
    `the page at ${base}`,
    async () => {
      if (exited) throw new Error(`${exited} before serving the page`);
      const res = await get(base);
      return res?.status === 200 && /_bg\.wasm/.test(res.body.toString()) ? res : undefined;
    },
    { timeout: buildTimeout },
  );
  log(`the page is served (${page.type})`);
  assert(page.type.startsWith('text/html'), `index is served as ${page.type}`);
  const html = page.body.toString();
  const wasmRef = /["']([^"']*_bg\.wasm)["']/.exec(html)?.[1];
  const jsRef = /["']([^"']*\.js)["']/.exec(html)?.[1];
  assert(wasmRef && jsRef, `no wasm or JS reference in the served page:\n${html}`);
  const wasm = await get(new URL(wasmRef, base).href);
  assert(wasm?.status === 200, `GET ${wasmRef}: ${wasm?.status}`);
  assert(wasm.type.startsWith('application/wasm'), `${wasmRef} is served as ${wasm.type}`);
  assert(wasm.body.subarray(0, 4).equals(Buffer.from([0, 0x61, 0x73, 0x6d])), `${wasmRef} is not WebAssembly`);
  const js = await get(new URL(jsRef, base).href);
  assert(js?.status === 200, `GET ${jsRef}: ${js?.status}`);
  log(`served ${wasmRef} (${(wasm.body.length / 1024).toFixed(0)} KiB, ${wasm.type}) and ${jsRef}`);

  browser = await launch();
  const { page: tab, errors } = await openApp(browser, base);
  tab.setDefaultTimeout(30_000);
  assert((await text(tab, 'step-count')) === '0', 'a fresh page starts at step 0');
  const lossBefore = num(await text(tab, 'train-loss'));
  assert(Number.isFinite(lossBefore), `initial training loss ${lossBefore}`);
  const before = await snapshotCanvas(tab);
  await setPlaying(tab, true);
  const steps = num(await waitForText(tab, 'step-count', (t) => num(t) >= 200, { timeout: 30_000 }));
  const lossAfter = num(
    await waitForText(tab, 'train-loss', (t) => num(t) < lossBefore * 0.7, { timeout: 60_000 }),
  );
  const after = await snapshotCanvas(tab);
  await setPlaying(tab, false);
  const changed = await changedFraction(tab, before.index, after.index);
  await screenshot(tab, 'fresh-clone-serve');
  log(`trained: step ${steps}+, training loss ${lossBefore} → ${lossAfter}, ${(changed * 100).toFixed(1)}% of plot pixels changed`);
  assert(changed > 0.01, `the plot barely changed while training (${changed})`);
  assert(errors.length === 0, `console errors: ${JSON.stringify(errors)}`);
  await browser.close();
  browser = undefined;

  await stopServer();
  assert(!groupAlive(serverPid), `process group ${serverPid} is still alive`);
  assert(!(await listening(port)), `something still listens on 127.0.0.1:${port}`);
  // Binding the port ourselves is the proof that it is free.
  await new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', (e) => fail(new Error(`port ${port} is not free after stopping the server: ${e.message}`)));
    s.listen(port, '127.0.0.1', () => s.close(ok));
  });
  log(`stopped the server (process group ${serverPid}); port ${port} is free`);
}

// A hung step fails the test instead of freezing CI: everything together gets the build timeout
// plus ten minutes, then the server's group is killed.
const watchdog = setTimeout(
  async () => {
    console.log(`FAILED: fresh-clone test still running after ${elapsed()}`);
    await cleanUp();
    process.exit(1);
  },
  buildTimeout + 600_000,
);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.log(`fresh-clone test interrupted (${sig})`);
    await cleanUp();
    process.exit(1);
  });
}

let status = 0;
try {
  await main();
  log('ok');
} catch (e) {
  console.log(`FAILED: ${e.stack ?? e}`);
  status = 1;
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
process.exit(status);
