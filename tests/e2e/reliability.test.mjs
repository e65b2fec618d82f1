// Nothing a user does breaks the page: a wild learning rate stops training with a plain
// message and no NaN on screen; a large data set still answers clicks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, useAppServer } from './harness.mjs';

const app = useAppServer();

test('a learning rate of 10 stops training with a message and no NaN on the page', async () => {
  const { page, errors } = await openApp(
    app.browser,
    `${app.server.url}#dataset=bumps&model=mlp&layers=8,8,8,8,8,8&act=sigmoid&lr=10&opt=sgd&speed=fast&play=1`,
  );
  await page.getByTestId('divergence').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('divergence').textContent(), /Lower the learning rate/);
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  const body = await page.locator('body').innerText();
  assert.doesNotMatch(body, /NaN|Infinity/);
  await screenshot(page, 'diverged');
  // Lowering the learning rate and resetting trains again.
  await page.getByTestId('lr').fill('0.03');
  await page.getByTestId('lr').press('Enter');
  await page.getByTestId('reset').click();
  await page.getByTestId('step').click();
  assert.equal(await page.getByTestId('divergence').count(), 0);
  assert.equal((await page.getByTestId('step-count').textContent()).trim(), '1');
  assert.deepEqual(errors, []);
  await page.close();
});

test('10 000 points load and a click still adds a point promptly', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=circle&n=10000&model=mlp&layers=8,8`);
  assert.match((await page.getByTestId('point-count').textContent()).trim(), /^10000 /);
  await page.getByTestId('step').click();
  const box = await page.getByTestId('plot').boundingBox();
  // Time from a click to the new count appearing, measured inside the page; nine clicks in
  // empty corners, the median counts (a slow click when the garbage collector runs, or on a
  // busy machine, is not what a user waits for every time).
  const clickToCount = (x, y, expected) =>
    page.evaluate(
      ([x, y, expected]) =>
        new Promise((resolve, reject) => {
          const plot = document.querySelector('[data-testid=plot]');
          const count = document.querySelector('[data-testid=point-count]');
          const rect = plot.getBoundingClientRect();
          const timer = setTimeout(() => reject(new Error(`no new point after 5 s: ${count.textContent}`)), 5000);
          const start = performance.now();
          const observer = new MutationObserver(() => {
            if (count.textContent.startsWith(expected)) {
              observer.disconnect();
              clearTimeout(timer);
              resolve(performance.now() - start);
            }
          });
          observer.observe(count, { childList: true, subtree: true, characterData: true });
          const init = { bubbles: true, clientX: rect.left + x, clientY: rect.top + y, pointerId: 1, isPrimary: true, button: 0 };
          plot.dispatchEvent(new PointerEvent('pointerdown', init));
          plot.dispatchEvent(new PointerEvent('pointerup', init));
        }),
      [x, y, expected],
    );
  // The corners of the plot are empty in the circle data set, so each click adds a point.
  // At least 0.035 of the plot (20 px) apart, so no click lands on an earlier click's point.
  const corners = [
    [0.985, 0.015], [0.015, 0.015], [0.985, 0.985], [0.015, 0.985], [0.95, 0.015],
    [0.015, 0.95], [0.95, 0.985], [0.985, 0.05], [0.05, 0.015],
  ];
  const times = [];
  for (const [i, [fx, fy]] of corners.entries()) {
    times.push(await clickToCount(box.width * fx, box.height * fy, String(10001 + i)));
  }
  times.sort((a, b) => a - b);
  const median = times[4];
  console.log(`click on a 10 000-point plot to the new count on screen: median ${median.toFixed(1)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
  assert.ok(median < 100, `click to new count took ${median.toFixed(1)} ms (median of nine)`);
  assert.deepEqual(errors, []);
  await page.close();
});
