// The page benchmark (run by scripts/bench-page.sh): opens the built page in headless Chromium
// with 500 training points and a 2-8-8-1 network training live, and measures for a while
//   - frames per second: requestAnimationFrame callbacks counted inside the page, with the
//     spread of frame intervals;
//   - SGD examples per second: from the step-count readout (Δsteps × batch size over the
//     interval, timed in the page when the readout changes) and from the page's own
//     `examples-per-sec` readout (median of its updates);
//   - how busy the page's main thread was (Chrome's Performance.getMetrics TaskDuration);
// and, at the default pace, the time from pressing Play until the circle (200 points, half of
// them test points) with the default 8,8 tanh network reaches 99% test accuracy (the page
// pauses itself there: `stopacc=99`), over BENCH_FITS fresh pages.
// Prints a table and writes target/bench/page.json. Not a test: it asserts nothing.
//   BENCH_SECONDS=10          measured seconds per speed (after a 2 s warm-up)
//   BENCH_SPEEDS=idle,default,fast,normal,default+surface,fast+surface  what to measure:
//                             default (the default pace), slow, normal, fast (old links' speeds:
//                             60, 600 steps a second, max), a pace in steps a second, or idle
//                             (paused baseline); `+surface` with the loss-surface view open
//                             beside the plot (the path recorded every step, the surface filled
//                             between frames), `+race` with its optimizer race running
//   BENCH_FITS=5              how many times to time the fit of the circle
//   NNPLAY_DIST=dir           the bundle to serve (default dist/)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { serve, launch, openApp, dist, root, chromiumArgs } from '../../tests/e2e/harness.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = 2;
const speeds = (process.env.BENCH_SPEEDS ?? 'idle,default,fast,normal,default+surface,fast+surface')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const fits = Number(process.env.BENCH_FITS ?? 5);
// `idle` is a baseline: the same page paused, so the frame rate is headless Chromium's own clock.
// A `+surface` or `+race` suffix opens the loss-surface view (and starts its race).
const scenario = (name) => {
  const [speed, view] = name.split('+');
  const extra = { surface: '&panel=surface', race: '&panel=surface&race=1' }[view] ?? '';
  const page = '#dataset=circle&n=1000&split=0.5&model=mlp&layers=8,8&act=tanh';
  if (speed === 'idle') return `${page}&speed=normal&play=0${extra}`;
  if (speed === 'default') return `${page}&play=1${extra}`;
  // A number is a pace in steps a second; the words are the old speeds.
  const pace = /^\d+$/.test(speed) ? `pace=${speed}` : `speed=${speed}`;
  return `${page}&${pace}&play=1${extra}`;
};
// The circle as the page opens it with the default network and pace, pausing at 99% test accuracy.
const fitScenario = '#dataset=circle&stopacc=99';

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const quantile = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Installs the in-page probes: a rAF counter and observers on two readouts. */
function installProbes(page) {
  return page.evaluate(() => {
    const probe = { frames: [], steps: [], rates: [], running: true };
    window.__pageBench = probe;
    const tick = (t) => {
      if (!probe.running) return;
      probe.frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const watch = (id, into) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      const record = () => into.push([performance.now(), el.textContent]);
      record();
      new MutationObserver(record).observe(el, { childList: true, characterData: true, subtree: true });
    };
    watch('step-count', probe.steps);
    watch('examples-per-sec', probe.rates);
  });
}

async function measure(browser, url, speed) {
  const { page, errors } = await openApp(browser, url + scenario(speed));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const points = (await page.getByTestId('point-count').textContent()).trim();
  const batch = Number(await page.getByTestId('batch').inputValue());
  const training = Number(/\((\d+) training\)/.exec(points)?.[1] ?? NaN);
  const playing = (await page.getByTestId('play').getAttribute('aria-pressed')) === 'true';
  if (playing !== !speed.startsWith('idle')) throw new Error(`play=1 did not start training (${speed})`);

  await sleep(warmup * 1000);
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  };
  const m0 = await metric();
  const wall0 = Date.now();
  await installProbes(page);
  // Repaints of the canvas shown beside the plot: the network diagram, or the loss surface's map.
  const companion = (await page.getByTestId('surface-view').count()) ? 'surface-view' : 'network';
  const companionPaints = async () => Number(await page.getByTestId(companion).getAttribute('data-paints'));
  const [paints0, paintsAt0] = [await companionPaints(), Date.now()];
  await sleep(seconds * 1000);
  const companionPaintsPerSec = ((await companionPaints()) - paints0) / ((Date.now() - paintsAt0) / 1000);
  const probe = await page.evaluate(() => {
    const p = window.__pageBench;
    p.running = false;
    return { frames: p.frames, steps: p.steps, rates: p.rates, now: performance.now() };
  });
  const m1 = await metric();
  const wall = (Date.now() - wall0) / 1000;
  const finalText = {
    steps: await page.getByTestId('step-count').textContent(),
    testAcc: await page.getByTestId('test-acc').textContent(),
    trainLoss: await page.getByTestId('train-loss').textContent(),
  };
  await page.close();

  const frames = probe.frames;
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  const frameSpan = (frames.at(-1) - frames[0]) / 1000;
  const fps = (frames.length - 1) / frameSpan;
  // Steps: the first and last readout changes give an exact count over an exactly timed span.
  const steps = probe.steps.map(([t, s]) => [t, Number(s)]).filter(([, s]) => Number.isFinite(s));
  const [first, last] = steps.length > 2 ? [steps[1], steps.at(-1)] : [[0, NaN], [1000, NaN]];
  const stepSpan = (last[0] - first[0]) / 1000;
  const stepsPerSec = (last[1] - first[1]) / stepSpan;
  const perStep = Math.min(batch, training);
  const rates = probe.rates.slice(1).map(([, s]) => Number(s)).filter(Number.isFinite);
  return {
    speed,
    url: scenario(speed),
    points,
    batch,
    seconds: wall,
    frames: frames.length - 1,
    fps,
    frameIntervalMs: {
      p50: quantile(intervals, 0.5),
      p95: quantile(intervals, 0.95),
      max: Math.max(...intervals),
      over20: intervals.filter((d) => d > 20).length,
    },
    stepsPerSec,
    examplesPerSecFromSteps: stepsPerSec * perStep,
    examplesPerSecReadout: {
      median: median(rates),
      min: rates.length ? Math.min(...rates) : NaN,
      max: rates.length ? Math.max(...rates) : NaN,
      samples: rates.length,
    },
    readoutUpdatesPerSec: steps.length > 2 ? (steps.length - 1) / stepSpan : 0,
    // The backprop views (network diagram, matrices, gradient chart) repaint together; the loss
    // surface's map repaints on every frame that trains.
    companion,
    companionPaintsPerSec,
    mainThreadBusy: (m1.TaskDuration - m0.TaskDuration) / ((m1.Timestamp - m0.Timestamp) || wall),
    scriptSecondsPerSecond: (m1.ScriptDuration - m0.ScriptDuration) / ((m1.Timestamp - m0.Timestamp) || wall),
    final: finalText,
    consoleErrors: errors,
  };
}

/**
 * Opens the circle at the default pace, presses Play and times (in the page, to the frame)
 * how long until training pauses itself at 99% test accuracy. Resolves to { seconds, steps,
 * reason }.
 */
async function timeToFit(browser, url) {
  const { page, errors } = await openApp(browser, url + fitScenario);
  await sleep(500);
  await page.evaluate(() => {
    const play = document.querySelector('[data-testid="play"]');
    window.__fit = { start: performance.now(), end: null };
    new MutationObserver(() => {
      if (play.getAttribute('aria-pressed') === 'false' && window.__fit.end === null) window.__fit.end = performance.now();
    }).observe(play, { attributes: true });
    play.click();
  });
  await page.waitForFunction(() => window.__fit.end !== null, null, { timeout: 30_000 });
  const ms = await page.evaluate(() => window.__fit.end - window.__fit.start);
  const result = {
    seconds: ms / 1000,
    steps: Number(await page.getByTestId('step-count').textContent()),
    testAcc: await page.getByTestId('test-acc').textContent(),
    reason: await page.getByTestId('stop-reason').textContent(),
    consoleErrors: errors,
  };
  await page.close();
  return result;
}

function chromiumVersion() {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const fmt = (v, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';

const loadBefore = os.loadavg();
const server = await serve(dist);
const browser = await launch();
const results = [];
const fitRuns = [];
try {
  for (const speed of speeds) {
    process.stderr.write(`[bench-page] ${speed}: ${warmup} s warm-up, ${seconds} s measured\n`);
    results.push(await measure(browser, server.url, speed));
  }
  for (let i = 0; i < fits; i++) {
    process.stderr.write(`[bench-page] time to 99% test accuracy on the circle, run ${i + 1} of ${fits}\n`);
    fitRuns.push(await timeToFit(browser, server.url));
  }
} finally {
  await browser.close();
  await server.close();
}

const rows = [
  ['speed', 'fps', 'frame p50/p95/max ms', '>20 ms', 'steps/s', 'examples/s (Δsteps×batch)', 'examples/s (readout median)', 'main thread busy'],
  ...results.map((r) => [
    r.speed,
    fmt(r.fps, 1),
    `${fmt(r.frameIntervalMs.p50, 1)} / ${fmt(r.frameIntervalMs.p95, 1)} / ${fmt(r.frameIntervalMs.max, 1)}`,
    String(r.frameIntervalMs.over20),
    fmt(r.stepsPerSec),
    fmt(r.examplesPerSecFromSteps),
    fmt(r.examplesPerSecReadout.median),
    `${fmt(r.mainThreadBusy * 100)}%`,
  ]),
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
const line = (r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
console.log(`nnplay page benchmark: circle, 1000 points (500 training), 2-8-8-1 tanh MLP, SGD, batch ${results[0]?.batch}`);
console.log(`${seconds} s measured per speed after ${warmup} s warm-up; ${chromiumVersion()}, ${os.cpus().length} CPUs`);
console.log(`load average before/after: ${loadBefore.map((v) => v.toFixed(2)).join(' ')} / ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} (other work on the machine lowers every figure)`);
console.log();
console.log(line(rows[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows.slice(1)) console.log(line(r));
console.log();
const fitSeconds = fitRuns.map((r) => r.seconds);
if (fitRuns.length) {
  const atDefault = results.find((r) => r.speed === 'default');
  const fps = atDefault ? `, at ${fmt(atDefault.fps, 1)} frames/s` : '';
  console.log(
    `Time to 99% test accuracy, circle (200 points), 8,8 tanh, default pace: median ${fmt(median(fitSeconds), 2)} s${fps} ` +
      `(runs: ${fitSeconds.map((v) => fmt(v, 2)).join(', ')} s; target < 1.2 s, TensorFlow Playground about 1.1 s)`,
  );
  console.log(`  last run: ${fitRuns.at(-1).steps} steps, test accuracy ${fitRuns.at(-1).testAcc}; the page said: ${fitRuns.at(-1).reason}`);
  for (const r of fitRuns.filter((r) => r.consoleErrors.length)) console.log(`  console errors: ${r.consoleErrors.join(' | ')}`);
  console.log();
}
for (const r of results.filter((r) => !r.speed.startsWith('idle'))) {
  const views = r.companion === 'network' ? 'backprop views' : 'loss-surface map';
  console.log(`${r.speed}: after the run ${r.final.steps} steps, test accuracy ${r.final.testAcc}, training loss ${r.final.trainLoss}; readouts refreshed ${fmt(r.readoutUpdatesPerSec, 1)}×/s; ${views} repainted ${fmt(r.companionPaintsPerSec, 1)}×/s`);
  if (r.consoleErrors.length) console.log(`${r.speed}: console errors: ${r.consoleErrors.join(' | ')}`);
}
const note =
  'Headless Chromium (--headless=new, --disable-gpu: software compositing, no real display) paces ' +
  'requestAnimationFrame from its own virtual frame clock, nominally 60 Hz; a real monitor (e.g. 120 Hz) ' +
  'or a GPU may give a different frame rate, and at speed=normal (10 steps a frame) the training rate ' +
  'scales with it.';
console.log();
console.log(`Note: ${note}`);

const out = join(root, 'target', 'bench');
await mkdir(out, { recursive: true });
const file = join(out, 'page.json');
await writeFile(
  file,
  JSON.stringify(
    {
      benchmark: 'page',
      date: new Date().toISOString(),
      environment: {
        chromium: chromiumVersion(),
        chromiumArgs,
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        loadAverageBefore: loadBefore,
        loadAverageAfter: os.loadavg(),
        bundle: dist,
      },
      warmupSeconds: warmup,
      measuredSeconds: seconds,
      note,
      results,
      timeToFit: { scenario: fitScenario, medianSeconds: median(fitSeconds), runs: fitRuns },
    },
    null,
    2,
  ),
);
console.log(`Wrote ${file}`);
