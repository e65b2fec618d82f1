// The page loads cleanly: no console errors, a visible plot with a real size, a screenshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, screenshot, dist } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve(dist);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page loads with a title, a sized plot and no console errors', async () => {
  const { page, errors } = await openApp(browser, server.url);
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
    const { page, errors } = await openApp(browser, nested.url);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await nested.close();
  }
});
