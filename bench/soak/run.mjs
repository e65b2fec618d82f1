// The soak test: trains in headless Chromium for a while (10 minutes by default) and samples,
// every 30 s, the wasm memory size, the JS heap, the frame rate and the step count. Memory must
// stay flat after warm-up (less than 10% growth) and the frame rate steady. The timeline records
// the whole run (every session does): each sample also reads how many snapshots it holds (at
// most 64, thinned as the run grows) and, after sampling, looks back at the first snapshot and
// returns to live, so copies of the past are made and dropped all along. Not part of the test
// suite: run it with `bash scripts/soak.sh`. Writes target/bench/soak.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { serve, chromiumArgs, dist, root } from '../../tests/e2e/harness.mjs';

const { chromium } = createRequire(import.meta.url)('playwright-core');

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const every = Number(process.env.SOAK_SAMPLE_SECONDS ?? 30);
const scene = process.env.SOAK_SCENE ?? '#dataset=spiral&n=500&model=mlp&layers=16,16,16&act=tanh&opt=adam&lr=0.01&speed=fast&play=1';
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

const server = await serve(dist);
// --expose-gc lets each sample collect garbage first, so the heap figure is what is really kept.
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...chromiumArgs, '--js-flags=--expose-gc'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
// Keep a handle on the wasm instance trunk starts, to read its memory size.
await page.addInitScript(() => {
  addEventListener('TrunkApplicationStarted', (e) => (window.__nnplayWasm = e.detail.wasm));
  window.__frames = 0;
  const tick = () => { window.__frames++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});
await page.goto(server.url + scene);
await page.getByTestId('plot').waitFor();

const sample = () =>
  page.evaluate(() => (window.gc?.(), {
    t: performance.now(),
    wasmBytes: window.__nnplayWasm?.memory?.buffer?.byteLength ?? NaN,
    heapBytes: performance.memory?.usedJSHeapSize ?? NaN,
    frames: window.__frames,
    steps: Number(document.querySelector('[data-testid=step-count]').textContent),
    testAcc: document.querySelector('[data-testid=test-acc]').textContent,
    snapshots: Number(document.querySelector('[data-testid=timeline]').max),
  }));

/** Looks back at the first snapshot, then returns to the live run (the scrubber's own keys). */
async function lookBackAndReturn() {
  const scrubber = page.getByTestId('timeline');
  await scrubber.focus();
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('[data-testid=timeline-bar]').dataset.live === 'false');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('[data-testid=timeline-bar]').dataset.live === 'true');
}

const samples = [];
let previous = await sample();
const started = Date.now();
console.log(`soak: ${minutes} min, a sample every ${every} s, scene ${scene}`);
console.log('minute   wasm MB   JS heap MB    fps   steps/s   snapshots   test acc');
while (Date.now() - started < minutes * 60_000) {
  await sleep(every * 1000);
  const now = await sample();
  const seconds = (now.t - previous.t) / 1000;
  const row = {
    minute: (Date.now() - started) / 60_000,
    wasmMB: now.wasmBytes / 1e6,
    heapMB: now.heapBytes / 1e6,
    fps: (now.frames - previous.frames) / seconds,
    stepsPerSecond: (now.steps - previous.steps) / seconds,
    snapshots: now.snapshots,
    testAcc: now.testAcc,
  };
  samples.push(row);
  console.log(
    `${row.minute.toFixed(1).padStart(6)} ${row.wasmMB.toFixed(2).padStart(9)} ${row.heapMB.toFixed(2).padStart(12)} ${row.fps.toFixed(1).padStart(6)} ${row.stepsPerSecond.toFixed(0).padStart(9)} ${String(row.snapshots).padStart(11)}   ${row.testAcc}`,
  );
  await lookBackAndReturn();
  previous = now;
}
// Growth after warm-up: the first sample after one minute against the last.
const warm = samples.find((s) => s.minute >= 1) ?? samples[0];
const last = samples.at(-1);
const growth = (a, b) => (b - a) / a;
const summary = {
  minutes,
  scene,
  wasmGrowth: growth(warm.wasmMB, last.wasmMB),
  heapGrowth: growth(warm.heapMB, last.heapMB),
  fps: { min: Math.min(...samples.map((s) => s.fps)), max: Math.max(...samples.map((s) => s.fps)) },
  errors,
  samples,
};
console.log(
  `after warm-up: wasm memory ${(summary.wasmGrowth * 100).toFixed(1)}%, JS heap ${(summary.heapGrowth * 100).toFixed(1)}%, ` +
    `fps ${summary.fps.min.toFixed(1)}–${summary.fps.max.toFixed(1)}, page errors ${errors.length}`,
);
// The recorder was on all along and kept within its plan of at most 64 snapshots.
const recorded = samples.every((s) => s.snapshots > 0 && s.snapshots <= 64);
const ok = summary.wasmGrowth < 0.1 && summary.heapGrowth < 0.1 && errors.length === 0 && recorded;
console.log(
  ok
    ? 'soak: memory flat (< 10% growth), the timeline within 64 snapshots, no errors'
    : 'soak: FAILED (memory grew 10% or more, the timeline held no or too many snapshots, or the page reported errors)',
);
await mkdir(join(root, 'target', 'bench'), { recursive: true });
await writeFile(join(root, 'target', 'bench', 'soak.json'), JSON.stringify(summary, null, 2));
await browser.close();
await server.close();
process.exit(ok ? 0 : 1);
