// The backprop views, as a user would check them: gradients per layer, frozen random
// features, the chain rule for one link in a single-example trace, and the gradient check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openApp, screenshot, screenshots, useAppServer } from './harness.mjs';

const app = useAppServer();

async function stepTimes(page, n) {
  for (let i = 0; i < n; i++) await page.getByTestId('step').click();
}

const number = async (page, id) => Number((await page.getByTestId(id).textContent()).trim());

test('after a few steps every trainable layer has a non-zero gradient norm', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=xor&model=mlp&layers=8,8&act=tanh&panel=gradients`);
  await stepTimes(page, 5);
  for (const l of [1, 2, 3]) {
    const norm = await number(page, `grad-norm-${l}`);
    assert.ok(Number.isFinite(norm) && norm > 0, `layer ${l} norm ${norm}`);
  }
  await page.getByTestId('companion').screenshot({ path: join(screenshots, 'backprop-mlp.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a random-feature layer shows as frozen and carries no gradient', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=circle&model=random&rf=sign&k=50&panel=gradients`);
  await stepTimes(page, 5);
  assert.equal((await page.getByTestId('grad-norm-1').textContent()).trim(), 'frozen');
  assert.ok((await number(page, 'grad-norm-2')) > 0);
  await page.getByTestId('check-gradients').click();
  assert.match(await page.getByTestId('gradcheck-layer-1').textContent(), /frozen/);
  await screenshot(page, 'backprop-random-features');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the trace shows dL/dw = delta_j * a_i for a chosen link, and a step updates it', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=xor&model=mlp&layers=8,8&act=tanh&opt=sgd&lr=0.5`);
  await stepTimes(page, 3);
  // Trace a training point: add one where the plot is empty, then click it with the Trace tool.
  await page.getByTestId('clear').click();
  const box = await page.getByTestId('plot').boundingBox();
  const [px, py] = [box.x + box.width * 0.7, box.y + box.height * 0.3];
  await page.mouse.click(px, py);
  await page.getByTestId('trace-tool').click();
  await page.mouse.click(px, py);
  await page.getByTestId('trace-panel').getByText('Tracing the point').waitFor();
  // Select the link from hidden unit 3 of layer 1 to unit 6 of layer 2 using the diagram's layout.
  const network = page.getByTestId('network');
  await network.scrollIntoViewIfNeeded();
  const layout = JSON.parse(await network.getAttribute('data-layout'));
  const half = layout.size / 2;
  const [from, to] = [layout.columns[1], layout.columns[2]];
  const nb = await network.boundingBox();
  const mid = [(from.x + half + to.x - half) / 2, (from.units[2] + to.units[5]) / 2];
  await page.mouse.click(nb.x + mid[0], nb.y + mid[1]);
  await page.getByTestId('trace-chain').waitFor();
  assert.match(await page.getByTestId('trace-chain').textContent(), /unit 3 of layer 1 to unit 6 of layer 2/);
  const a = await number(page, 'trace-a');
  const delta = await number(page, 'trace-delta');
  const grad = await number(page, 'trace-grad');
  assert.ok(Math.abs(grad - a * delta) <= 1e-6 + 1e-4 * Math.abs(grad), `${grad} vs ${a} × ${delta}`);
  assert.ok(Math.abs(grad) > 0, 'a non-trivial gradient');
  await page.getByTestId('companion').screenshot({ path: join(screenshots, 'backprop-trace.png') });
  // One SGD step on the single training point moves w by -lr * dL/dw.
  const before = await number(page, 'trace-weight');
  await page.getByTestId('step').click();
  await page.getByTestId('trace-update').waitFor();
  const afterStep = await number(page, 'trace-weight');
  assert.ok(Math.abs(afterStep - (before - 0.5 * grad)) < 1e-5, `${afterStep} vs ${before} - 0.5 × ${grad}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the gradient check reports a small error for every trainable layer', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=spiral&model=mlp&layers=6,6&act=tanh&panel=gradients`);
  await stepTimes(page, 3);
  await page.getByTestId('check-gradients').click();
  await page.getByTestId('gradcheck-result').waitFor();
  assert.match(await page.getByTestId('gradcheck-result').textContent(), /agrees/);
  for (const l of [1, 2, 3]) {
    const text = await page.getByTestId(`gradcheck-layer-${l}`).textContent();
    const error = Number(/error ([0-9.e+-]+)/.exec(text)[1]);
    assert.ok(error < 1e-3, `layer ${l}: ${text}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

// Issue 13: with a hidden layer of 6 or 7 units and minibatches over 32 points the weight
// gradients used to be wrong by up to 190%, and on deep ReLU networks the check blamed kinks
// for correct gradients. Every layer must now agree to 1e-4, on small and large batches.
for (const [act, layers, batch] of [
  ['relu', '6,7', 50],
  ['relu', '64,64,64,64,64,64,64,64', 50],
  ['tanh', '64,64,64,64,64,64,64,64', 500],
]) {
  test(`the gradient check agrees to 1e-4 on a ${layers} ${act} network at batch ${batch}`, async () => {
    const hash = `#dataset=spiral&n=1250&split=0.2&model=mlp&layers=${layers}&act=${act}&batch=${batch}&panel=gradients`;
    const { page, errors } = await openApp(app.browser, `${app.server.url}${hash}`);
    await stepTimes(page, 2);
    const started = Date.now();
    await page.getByTestId('check-gradients').click();
    await page.getByTestId('gradcheck-result').waitFor();
    const seconds = (Date.now() - started) / 1000;
    assert.match(await page.getByTestId('gradcheck-result').textContent(), /agrees/);
    const depth = layers.split(',').length + 1;
    for (let l = 1; l <= depth; l++) {
      const text = await page.getByTestId(`gradcheck-layer-${l}`).textContent();
      const error = Number(/error ([0-9.e+-]+)/.exec(text)[1]);
      assert.ok(error <= 1e-4, `layer ${l}: ${text}`);
    }
    assert.ok(seconds < 5, `the check took ${seconds} s`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('hovering a unit shows it on the plot', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=xor&model=mlp&layers=4&act=tanh`);
  const plotPixels = () =>
    page.evaluate(() => {
      const c = document.querySelector('[data-testid=plot]');
      return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 97 === 0));
    });
  const output = await plotPixels();
  const network = page.getByTestId('network');
  await network.scrollIntoViewIfNeeded();
  const layout = JSON.parse(await network.getAttribute('data-layout'));
  const nb = await network.boundingBox();
  const unit = layout.columns[1];
  await page.mouse.move(nb.x + unit.x, nb.y + unit.units[0]);
  await page.getByTestId('plot-caption').getByText('unit 1 of layer 1').waitFor();
  const hidden = await plotPixels();
  const changed = output.filter((v, i) => Math.abs(v - hidden[i]) > 8).length;
  assert.ok(changed > output.length / 10, `only ${changed} of ${output.length} samples changed`);
  assert.deepEqual(errors, []);
  await page.close();
});
