// The labs as a lecturer runs them: the random-features sweep against its kernel, pretraining
// then fine-tuning with the shift control, and the feature-space view, each opened from its
// scene or by hand, with the numbers a student would read checked for sanity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, useAppServer } from './harness.mjs';
import { hashValue, num, setPlaying, snapshotCanvas, changedFraction, until } from './plotkit.mjs';

const app = useAppServer();

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

/** Chooses the built-in scene whose title contains `title`. */
async function chooseScene(page, title) {
  const options = await page.getByTestId('scene').locator('option').allTextContents();
  const index = options.findIndex((o) => o.includes(title));
  assert.ok(index > 0, `no scene titled ${title}: ${options}`);
  await page.getByTestId('scene').selectOption({ index });
}

/** Waits until the element's `data-done` attribute is "true". */
function waitDone(page, id, timeout = 30000) {
  return until(() => page.getByTestId(id).getAttribute('data-done'), (v) => v === 'true', { timeout, what: `${id} done` });
}

/** The fraction of a canvas's pixels that are not plain white (something was drawn). */
function inkedFraction(page, testid) {
  return page.evaluate((testid) => {
    const c = document.querySelector(`[data-testid="${testid}"]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let inked = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) inked += 1;
    return inked / (d.length / 4);
  }, testid);
}

test('the sweep plots test error against k and settles on the kernel ridge line', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  await chooseScene(page, 'Random features approach a kernel');
  await page.getByTestId('lab-sweep').waitFor();
  // The caption leads to the lab, which sits below the network views.
  await page.getByTestId('scene-lab').click();
  await until(() => page.getByTestId('labs').evaluate((el) => el.getBoundingClientRect().top), (top) => top < 300, {
    what: 'the labs to scroll into view',
  });
  assert.equal(await hashValue(page, 'lab'), 'sweep', 'the link stays a settings link');
  await waitDone(page, 'sweep-progress');
  const rows = page.locator('[data-testid^="sweep-row-"]');
  assert.equal(await rows.count(), 11);
  const error = async (k) => Number(await page.getByTestId(`sweep-row-${k}`).getAttribute('data-test-error'));
  const [few, many] = [await error(1), await error(2000)];
  const kernel = num(await text(page, 'sweep-kernel-test'));
  assert.match(await text(page, 'sweep-kernel'), /arc-cosine kernel of order 1/);
  assert.ok(few > 2 * many, `k = 1: ${few}, k = 2000: ${many}`);
  assert.ok(Math.abs(many - kernel) < 0.25 * kernel, `k = 2000: ${many}, kernel: ${kernel}`);
  assert.ok((await inkedFraction(page, 'sweep-chart')) > 0.02, 'the chart is drawn');
  await page.getByTestId('sweep-chart').scrollIntoViewIfNeeded();
  await screenshot(page, 'lab-sweep');

  // "Show" puts that many features on the plot, fitted exactly: no training needed.
  await page.getByTestId('sweep-show-50').click();
  assert.equal(await hashValue(page, 'k'), '50');
  assert.equal(await hashValue(page, 'model'), 'random');
  const fitted = num(await text(page, 'test-loss'));
  assert.ok(fitted < 2 * (await error(50)) + 0.01, `test loss ${fitted} after the exact fit`);

  // A changed setting marks the sweep stale until it is run again; cos features use the
  // Gaussian kernel.
  await page.getByTestId('sweep-activation').selectOption('cos');
  assert.match(await text(page, 'sweep-progress'), /changed/);
  await page.getByTestId('sweep-run').click();
  await waitDone(page, 'sweep-progress');
  assert.match(await text(page, 'sweep-kernel'), /Gaussian kernel/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sweep explains why it cannot run without test points', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=bumps&split=0&model=random&lab=sweep`);
  await until(() => page.getByTestId('sweep-error').count(), (n) => n === 1, { what: 'the sweep error' });
  assert.match(await text(page, 'sweep-error'), /no test points/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pretrained frozen features beat training from scratch on eight labels, and the shift hurts all', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  await chooseScene(page, 'Pretrain, then fine-tune');
  await waitDone(page, 'transfer-status');
  assert.match(await text(page, 'transfer-status'), /Pretrained for 4000 steps/);
  const score = async (kind, strategy) =>
    Number(await page.getByTestId(`transfer-${kind}-${strategy}`).getAttribute('data-score'));
  const [frozen, tuned, scratch] = [await score('test', 'frozen'), await score('test', 'finetune'), await score('test', 'scratch')];
  for (const s of [frozen, tuned, scratch]) assert.ok(s >= 0 && s <= 1, `score ${s}`);
  assert.ok(frozen > 0.9, `frozen ${frozen}`);
  assert.ok(frozen > scratch + 0.1, `frozen ${frozen}, scratch ${scratch}`);
  for (const strategy of ['frozen', 'finetune', 'scratch']) {
    assert.equal(await text(page, `transfer-train-${strategy}`), '100%', `${strategy} fits its 8 labels`);
    assert.ok((await inkedFraction(page, `transfer-map-${strategy}`)) > 0.5, `${strategy} map drawn`);
  }
  assert.ok((await inkedFraction(page, 'transfer-units-pretrained')) > 0.3, 'pretrained units drawn');
  assert.ok((await inkedFraction(page, 'transfer-map-source')) > 0.5, 'the source map drawn');
  await page.getByTestId('transfer-table').scrollIntoViewIfNeeded();
  await screenshot(page, 'lab-transfer');

  // The scene stretches the test points; a quarter turn of XOR instead swaps its quadrants,
  // so every strategy now gets most test points wrong, and the lab says why.
  assert.equal(await page.getByTestId('transfer-shift-kind').inputValue(), 'scale');
  await page.getByTestId('transfer-shift-kind').selectOption('rotate');
  await page.getByTestId('transfer-shift-note').waitFor();
  const before = await snapshotCanvas(page, 'transfer-map-frozen');
  await page.getByTestId('transfer-shift').fill('1');
  await until(() => text(page, 'transfer-shift-kind').then(() => score('shifted', 'frozen')), (s) => s < 0.3, {
    what: 'the shifted score to fall',
  });
  const after = await snapshotCanvas(page, 'transfer-map-frozen');
  assert.ok((await changedFraction(page, before.index, after.index)) > 0.005, 'the test points moved on the map');
  assert.equal(await score('test', 'frozen'), frozen, 'the unshifted column stays');
  assert.equal(await hashValue(page, 'shiftby'), '1');
  await screenshot(page, 'lab-transfer-shifted');

  // The link reproduces the lab: same numbers from the same seed.
  const link = await page.evaluate(() => location.href);
  const { page: other, errors: otherErrors } = await openApp(app.browser, link);
  await waitDone(other, 'transfer-status');
  assert.equal(Number(await other.getByTestId('transfer-test-frozen').getAttribute('data-score')), frozen);
  assert.equal(await other.getByTestId('transfer-shift').inputValue(), '1');
  assert.deepEqual(errors, []);
  assert.deepEqual(otherErrors, []);
  await page.close();
  await other.close();
});

test('the plot can be the target, and a model without hidden layers is refused with a reason', async () => {
  const { page, errors } = await openApp(
    app.browser,
    `${app.server.url}#dataset=circle&n=300&model=mlp&layers=6&act=tanh&lab=transfer&target=circle&labels=6`,
  );
  await waitDone(page, 'transfer-status');
  assert.match(await text(page, 'transfer-status'), /fine-tuning done/);
  // Hand-drawn target: the plot's points (here, the circle's own) are the labels.
  await page.getByTestId('transfer-target').selectOption('plot');
  await waitDone(page, 'transfer-status');
  assert.ok(num(await text(page, 'transfer-test-frozen')) > 50, 'scored on the plot\'s test points');

  // Changing the network after pretraining is pointed out.
  assert.equal(await page.getByTestId('transfer-stale').count(), 0);
  await page.getByTestId('activation').selectOption('relu');
  await page.getByTestId('transfer-stale').waitFor();
  await page.getByTestId('model').selectOption('linear');
  await page.getByTestId('transfer-run').click();
  await until(() => page.getByTestId('transfer-error').count(), (n) => n === 1, { what: 'the error' });
  assert.match(await text(page, 'transfer-error'), /hidden layer/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the feature space shows a linear separator that training makes correct', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  await chooseScene(page, 'The last layer is a linear model');
  const view = page.getByTestId('feature-space');
  await view.waitFor();
  assert.equal(await view.getAttribute('data-exact'), 'true');
  const correct = async () => {
    const el = page.getByTestId('space-correct');
    return Number(await el.getAttribute('data-correct')) / Number(await el.getAttribute('data-total'));
  };
  const start = await correct();
  const before = await snapshotCanvas(page, 'feature-space');
  await setPlaying(page, true);
  const trained = await until(correct, (f) => f >= 0.95, { timeout: 30000, what: 'a separating line' });
  await setPlaying(page, false);
  assert.ok(trained > start, `${start} → ${trained}`);
  const after = await snapshotCanvas(page, 'feature-space');
  assert.ok((await changedFraction(page, before.index, after.index)) > 0.05, 'the points moved');
  await view.scrollIntoViewIfNeeded();
  await screenshot(page, 'lab-feature-space');

  // With more units than the plane holds, principal components are an approximation, and the
  // page says so; along w it is exact again.
  await page.evaluate(() => {
    location.hash = location.hash.replace(/layers=[^&]*/, 'layers=8,8');
  });
  await page.getByTestId('space-projection').selectOption('pca');
  await until(() => view.getAttribute('data-exact'), (v) => v === 'false', { what: 'an approximate view' });
  assert.match(await text(page, 'space-exactness'), /plane through the mean/);
  await page.getByTestId('space-projection').selectOption('sep');
  await until(() => view.getAttribute('data-exact'), (v) => v === 'true', { what: 'the exact view' });
  assert.equal(await hashValue(page, 'view'), 'sep');

  // An earlier layer has no line (the output does not read it); its choice travels in the link.
  await page.getByTestId('space-layer').selectOption('1');
  await until(() => text(page, 'space-exactness'), (t) => /no line/.test(t), { what: 'the no-line note' });
  assert.equal(await hashValue(page, 'vlayer'), '1');
  await page.getByTestId('space-layer').selectOption('last');
  assert.equal(await hashValue(page, 'vlayer'), 'last');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a target drawn by hand after pretraining is learned from four clicks', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  await chooseScene(page, 'Pretrain, then fine-tune');
  await waitDone(page, 'transfer-status');
  // Draw the swapped XOR with one point per quadrant.
  await page.getByTestId('clear').click();
  const box = await page.getByTestId('plot').boundingBox();
  const at = ([x1, x2]) => [box.x + ((x1 + 1) / 2) * box.width, box.y + ((1 - x2) / 2) * box.height];
  const drawn = [[[0.5, -0.5], '1'], [[-0.5, 0.5], '1'], [[0.5, 0.5], '2'], [[-0.5, -0.5], '2']];
  for (const [x, key] of drawn) {
    await page.keyboard.press(key);
    await page.mouse.click(...at(x));
  }
  assert.match(await text(page, 'point-count'), /^4 /);
  await page.getByTestId('transfer-target').selectOption('plot');
  await waitDone(page, 'transfer-status');
  assert.match(await text(page, 'transfer-note'), /no test points/);
  for (const strategy of ['frozen', 'finetune', 'scratch']) {
    assert.equal(await text(page, `transfer-train-${strategy}`), '100%');
    assert.equal(await text(page, `transfer-test-${strategy}`), '—');
  }
  // The frozen run's map colours each quadrant as its drawn point: orange (class 1) at top left.
  const colour = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="transfer-map-frozen"]');
    const [x, y] = [Math.round(c.width * 0.1), Math.round(c.height * 0.1)];
    return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3));
  });
  assert.ok(colour[0] > colour[2], `top-left corner of the frozen map is orange-ish: ${colour}`);
  await page.getByTestId('transfer-table').scrollIntoViewIfNeeded();
  await screenshot(page, 'lab-transfer-drawn');
  assert.deepEqual(errors, []);
  await page.close();
});
