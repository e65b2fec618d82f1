// Issue 16, items 3 and 8, as a lecturer meets them: a link naming only a scene opens that
// scene, "Free play" leaves the scene, and a learning rate that makes the loss swing without
// overflowing is named in an alert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, useAppServer } from './harness.mjs';

const app = useAppServer();

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

test('#scene=5 alone opens scene 5 as the menu does, not the default network', async () => {
  // Scene 5 chosen from the menu: what the page then shows, and the link it writes.
  const { page: menu } = await openApp(app.browser, app.server.url);
  await menu.getByTestId('scene').selectOption('4');
  await menu.getByTestId('scene-caption').waitFor();
  const expected = await menu.evaluate(() => location.hash);
  const shown = async (page) => ({
    model: await page.getByTestId('model').inputValue(),
    dataset: await page.getByTestId('dataset').inputValue(),
    points: await text(page, 'point-count'),
    caption: await text(page, 'scene-caption'),
  });
  const want = await shown(menu);
  await menu.close();

  const { page, errors } = await openApp(app.browser, `${app.server.url}#scene=5`);
  await page.getByTestId('scene-caption').waitFor();
  assert.deepEqual(await shown(page), want);
  assert.equal(await page.evaluate(() => location.hash), expected);
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Free play" leaves the scene: the caption goes, the points and the model stay', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#scene=3`);
  await page.getByTestId('scene-caption').waitFor();
  const [model, points] = [await page.getByTestId('model').inputValue(), await text(page, 'point-count')];
  await page.getByTestId('scene').selectOption('');
  await page.getByTestId('scene-caption').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('scene').inputValue(), '');
  assert.equal(await page.getByTestId('model').inputValue(), model);
  assert.equal(await text(page, 'point-count'), points);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /scene=/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a learning rate that makes the loss swing without overflowing is named in an alert', async () => {
  const hash = '#dataset=circle&model=mlp&layers=8,8,8,8,8&act=sigmoid&opt=adam&lr=10&speed=fast&play=1';
  const { page, errors } = await openApp(app.browser, `${app.server.url}${hash}`);
  const alert = page.getByTestId('instability');
  await alert.waitFor({ timeout: 20_000 });
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.match(await alert.textContent(), /η = 10\b/);
  assert.equal(await page.getByTestId('divergence').count(), 0, 'the numbers stayed finite');
  await screenshot(page, 'instability-alert');
  // A smaller learning rate starts the watch over and the alert goes.
  await page.getByTestId('lr').fill('0.01');
  await page.getByTestId('lr').press('Enter');
  await alert.waitFor({ state: 'detached', timeout: 10_000 });
  assert.deepEqual(errors, []);
  await page.close();
});
