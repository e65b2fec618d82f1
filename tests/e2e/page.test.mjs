// The page loads cleanly: no console errors, a visible plot with a real size, a screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, serve, dist, useAppServer } from './harness.mjs';

const app = useAppServer();

test('the page loads with a title, a sized plot and no console errors', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  assert.equal(await page.getByTestId('title').textContent(), 'nnplay');
  const box = await page.getByTestId('plot').boundingBox();
  assert.ok(box && box.width > 100 && box.height > 100, `plot box ${JSON.stringify(box)}`);
  await screenshot(page, 'page-loaded');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the built bundle works from a sub-path (relative asset URLs)', async () => {
  const nested = await serve(dist, '/courses/ml/nnplay/');
  try {
    const { page, errors } = await openApp(app.browser, nested.url);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await nested.close();
  }
});
