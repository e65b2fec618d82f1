// The labs benchmark (run by `scripts/bench-page.sh --labs`): opens each lab in headless
// Chromium under a heavy load and measures the frame intervals (requestAnimationFrame) while
// its work runs, and how long the work took until the page said it was done:
//   - sweep: random features k = 1 … 2000 on 1 000 circle points (334 used for training);
//   - transfer: a 2-64-64-1 ReLU network pretrained on 1 000 spiral points, fine-tuned on 20;
//   - space: an 8×256 network training at full speed with the feature-space view open.
// Prints a table and writes target/bench/labs.json. Not a test: it asserts nothing.
//   NNPLAY_DIST=dir   the bundle to serve (default dist/)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openApp, dist, root } from '../../tests/e2e/harness.mjs';

const cases = [
  {
    name: 'sweep',
    hash: '#dataset=circle&n=2000&split=0.5&model=random&rf=relu&k=100&lab=sweep',
    done: 'sweep-progress',
  },
  {
    name: 'transfer',
    hash: '#dataset=spiral&n=1000&model=mlp&layers=64,64&act=relu&lab=transfer&target=spiral&labels=20',
    done: 'transfer-status',
  },
  {
    name: 'space',
    hash: '#dataset=spiral&n=1000&model=mlp&layers=256,256,256,256,256,256,256,256&act=relu&lab=space&view=pca&play=1&speed=fast',
    seconds: 8,
  },
];

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

const server = await serve(dist);
const browser = await launch();
const results = [];
try {
  for (const c of cases) {
    const started = Date.now();
    const { page, errors } = await openApp(browser, server.url + c.hash);
    await page.evaluate(() => {
      const gaps = (window.__labGaps = []);
      let last = performance.now();
      const tick = (t) => {
        gaps.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    let doneAfter = null;
    if (c.done) {
      const done = page.getByTestId(c.done);
      const deadline = Date.now() + 120_000;
      while ((await done.getAttribute('data-done')) !== 'true' && Date.now() < deadline) await page.waitForTimeout(50);
      doneAfter = (Date.now() - started) / 1000;
    } else {
      await page.waitForTimeout(c.seconds * 1000);
    }
    const gaps = (await page.evaluate(() => window.__labGaps)).slice(2);
    results.push({
      lab: c.name,
      url: c.hash,
      frames: gaps.length,
      median_ms: quantile(gaps, 0.5),
      p95_ms: quantile(gaps, 0.95),
      longest_ms: Math.max(...gaps),
      done_after_s: doneAfter,
      errors,
    });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const fixed = (v, d = 1) => (v == null || Number.isNaN(v) ? '—' : v.toFixed(d));
console.log('| lab | frames | median frame (ms) | 95th percentile (ms) | longest (ms) | done after (s, from page load) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.lab} | ${r.frames} | ${fixed(r.median_ms)} | ${fixed(r.p95_ms)} | ${fixed(r.longest_ms)} | ${fixed(r.done_after_s)} |`);
  if (r.errors.length) console.log(`  console errors in ${r.lab}: ${r.errors.join('; ')}`);
}
console.log('Headless Chromium paces frames from its own 60 Hz clock (16.7 ms).');
const out = join(root, 'target', 'bench');
await mkdir(out, { recursive: true });
await writeFile(join(out, 'labs.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
