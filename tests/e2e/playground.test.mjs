// The playground as a user sees it: clicks put points of the right colour where they were
// clicked, drags move them, training learns XOR (and a linear model does not), settings redraw
// the plot and live in the URL hash. Every test asserts on readout text or canvas pixels and
// collects console errors. Screenshots: target/screenshots/playground-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openForTest, screenshot, useAppServer } from './harness.mjs';
import {
  ORANGE,
  BLUE,
  until,
  text,
  waitForText,
  num,
  pointCount,
  plotBox,
  toPage,
  pixelsAt,
  colourFraction,
  waitForColour,
  waitForNoColour,
  snapshotCanvas,
  changedFraction,
  setPlaying,
  findEmptySpot,
  candidateSpots,
  hashValue,
  waitForHash,
} from './plotkit.mjs';

const app = useAppServer();

/** Opens the app at `hash` for test `t` (see openForTest). */
const open = (t, hash, options) => openForTest(app, t, hash, options);

/** Clicks the plot at plot coordinates `at` (options: { button, shift }). */
async function clickPlot(page, at, { button = 'left', shift = false } = {}) {
  const p = toPage(await plotBox(page), at);
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.click(p.x, p.y, { button });
  if (shift) await page.keyboard.up('Shift');
}

/** Waits until the point-count readout shows `total` points (all of them training points). */
function waitForPoints(page, total, training = total) {
  return waitForText(page, 'point-count', (t) => t === `${total} (${training} training)`);
}

/** Presses `clear` and waits for an empty plot. */
async function clear(page) {
  await page.getByTestId('clear').click();
  await waitForPoints(page, 0);
}

/**
 * The per-channel median RGB of a disc of `radius` CSS px around plot coordinates `at`: the
 * background's colour, since points cover only a small part of such a disc.
 */
async function medianColour(page, at, radius) {
  const px = await pixelsAt(page, at, { radius });
  return [0, 1, 2].map((c) => px.map((p) => p[c]).sort((a, b) => a - b)[Math.floor(px.length / 2)]);
}

test('clicks add points of the chosen class where clicked (buttons, keys 1/2, shift-click)', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor');
  assert.equal(await text(page, 'point-count'), '200 (100 training)');
  await clear(page);
  // Control: with no points there is no class colour anywhere we are about to click.
  const spots = {
    a: [-0.5, 0.5],
    b: [0.3, 0.6],
    c: [0.5, -0.5],
    d: [-0.6, -0.6],
    e: [0.6, 0.2],
    f: [-0.2, -0.3],
  };
  for (const at of Object.values(spots)) {
    assert.equal(await colourFraction(page, at, ORANGE), 0, `orange at ${at} before any click`);
    assert.equal(await colourFraction(page, at, BLUE), 0, `blue at ${at} before any click`);
  }

  // Class 1 by button.
  await page.getByTestId('class-1').click();
  assert.equal(await page.getByTestId('class-1').getAttribute('aria-pressed'), 'true');
  await clickPlot(page, spots.a);
  await waitForPoints(page, 1);
  await waitForColour(page, spots.a, ORANGE);
  await clickPlot(page, spots.b);
  await waitForPoints(page, 2);
  await waitForColour(page, spots.b, ORANGE);

  // Class 2 by button.
  await page.getByTestId('class-2').click();
  assert.equal(await page.getByTestId('class-2').getAttribute('aria-pressed'), 'true');
  await clickPlot(page, spots.c);
  await waitForPoints(page, 3);
  await waitForColour(page, spots.c, BLUE);

  // Key 1, then key 2 (the class buttons follow the keys).
  await page.keyboard.press('1');
  await until(() => page.getByTestId('class-1').getAttribute('aria-pressed'), (v) => v === 'true', {
    what: 'class-1 pressed after key 1',
  });
  await clickPlot(page, spots.d);
  await waitForPoints(page, 4);
  await waitForColour(page, spots.d, ORANGE);
  await page.keyboard.press('2');
  await until(() => page.getByTestId('class-2').getAttribute('aria-pressed'), (v) => v === 'true', {
    what: 'class-2 pressed after key 2',
  });
  await clickPlot(page, spots.e);
  await waitForPoints(page, 5);
  await waitForColour(page, spots.e, BLUE);

  // Shift-click adds the other class (class 2 is selected, so class 1).
  await clickPlot(page, spots.f, { shift: true });
  await waitForPoints(page, 6);
  await waitForColour(page, spots.f, ORANGE);

  // Every earlier point is still drawn, in its own colour.
  for (const [at, rgb] of [
    [spots.a, ORANGE],
    [spots.b, ORANGE],
    [spots.c, BLUE],
    [spots.d, ORANGE],
    [spots.e, BLUE],
  ]) {
    assert.ok((await colourFraction(page, at, rgb)) >= 0.9, `point at ${at} kept its colour`);
  }
  await screenshot(page, 'playground-1-clicks');
  assert.deepEqual(errors, []);
});

test('on a high-DPI screen (devicePixelRatio 2) the plot is sharp and clicks land where clicked', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor', { deviceScaleFactor: 2 });
  const size = await page.evaluate(() => {
    const c = document.querySelector('[data-testid="plot"]');
    const r = c.getBoundingClientRect();
    return { dpr: devicePixelRatio, width: c.width, height: c.height, cssWidth: r.width, cssHeight: r.height };
  });
  assert.equal(size.dpr, 2);
  assert.equal(size.width, Math.round(size.cssWidth * 2), `backing store ${JSON.stringify(size)}`);
  assert.equal(size.height, Math.round(size.cssHeight * 2), `backing store ${JSON.stringify(size)}`);
  await clear(page);
  const at = [0.4, -0.3];
  await page.getByTestId('class-2').click();
  await clickPlot(page, at);
  await waitForPoints(page, 1);
  await waitForColour(page, at, BLUE, { radius: 3 });
  // A disc of radius ~4.5 CSS px: solid 3 px from the centre, background 7 px away.
  const box = await plotBox(page);
  const px = (n) => (n / box.width) * 2;
  for (const [dx, dy] of [[7, 0], [-7, 0], [0, 7], [0, -7]]) {
    const spot = [at[0] + px(dx), at[1] + px(dy)];
    assert.equal(await colourFraction(page, spot, BLUE, { radius: 0.5 }), 0, `no blue 7 px away at ${spot}`);
  }
  await screenshot(page, 'playground-1b-dpr2');
  assert.deepEqual(errors, []);
});

test('dragging moves a point; right-click and the eraser delete one', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor');
  await clear(page);
  const a = [-0.5, 0.5];
  const moved = [-0.2, -0.6];
  const b = [0.5, -0.5];
  const c = [0.5, 0.5];
  await page.getByTestId('class-1').click();
  await clickPlot(page, a);
  await clickPlot(page, c);
  await page.getByTestId('class-2').click();
  await clickPlot(page, b);
  await waitForPoints(page, 3);
  await waitForColour(page, a, ORANGE);
  await waitForColour(page, b, BLUE);
  await screenshot(page, 'playground-2a-before-drag');

  // Drag the point at `a` to `moved`.
  const box = await plotBox(page);
  const from = toPage(box, a);
  const to = toPage(box, moved);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  await waitForColour(page, moved, ORANGE);
  await waitForNoColour(page, a, ORANGE);
  assert.equal(await text(page, 'point-count'), '3 (3 training)', 'a drag neither adds nor removes');
  await screenshot(page, 'playground-2b-after-drag');

  // Right-click deletes the nearest point (the blue one at `b`) and nothing else.
  await clickPlot(page, b, { button: 'right' });
  await waitForPoints(page, 2);
  await waitForNoColour(page, b, BLUE);
  assert.ok((await colourFraction(page, c, ORANGE)) >= 0.9, 'the other points stay');

  // Eraser mode: a click deletes the point under it, and a click on empty space adds nothing.
  const eraser = page.getByTestId('eraser');
  await eraser.click();
  assert.equal(await eraser.getAttribute('aria-pressed'), 'true');
  await clickPlot(page, c);
  await waitForPoints(page, 1);
  await waitForNoColour(page, c, ORANGE);
  await clickPlot(page, [0.8, -0.8]);
  await page.getByTestId('step').click(); // forces a readout refresh
  assert.equal(await text(page, 'point-count'), '1 (1 training)', 'erasing on empty space adds nothing');
  assert.ok((await colourFraction(page, moved, ORANGE)) >= 0.9, 'the dragged point is still there');
  await eraser.click();
  assert.equal(await eraser.getAttribute('aria-pressed'), 'false');
  await screenshot(page, 'playground-2c-after-deletes');
  assert.deepEqual(errors, []);
});

test('an 8-8 tanh network learns XOR to 95% test accuracy within 20 s and its loss falls', async (t) => {
  // The page's defaults, spelled out: SGD, η = 0.03, batch 10, the default pace.
  const { page, errors } = await open(
    t,
    '#dataset=xor&model=mlp&layers=8,8&act=tanh&lr=0.03&batch=10&opt=sgd',
  );
  assert.equal(await text(page, 'step-count'), '0');
  assert.equal(await text(page, 'model-formula'), '2 → 8 → 8 → 1, σ = tanh; every layer trains');
  const lossBefore = num(await text(page, 'train-loss'));
  const accBefore = num(await text(page, 'test-acc'));
  assert.ok(Number.isFinite(lossBefore) && lossBefore > 0.3, `initial training loss ${lossBefore}`);
  assert.ok(accBefore < 90, `an untrained network should not already solve XOR (${accBefore}%)`);

  const started = Date.now();
  await setPlaying(page, true);
  assert.equal((await text(page, 'play')).trim(), '❚❚ Pause');
  const acc = await waitForText(page, 'test-acc', (t) => num(t) >= 95, { timeout: 20_000 });
  const seconds = (Date.now() - started) / 1000;
  const lossAfter = num(await text(page, 'train-loss'));
  const steps = num(await text(page, 'step-count'));
  const rate = num(await text(page, 'examples-per-sec'));
  // Train on until the model is confident enough for its picture to be unambiguous.
  await waitForText(page, 'train-loss', (t) => num(t) < 0.15, { timeout: 20_000 });
  await setPlaying(page, false);
  assert.equal((await text(page, 'play')).trim(), '▶ Play');
  t.diagnostic(`XOR: ${acc} test accuracy after ${seconds.toFixed(1)} s, ${steps} steps`);
  assert.ok(lossAfter < lossBefore * 0.6, `training loss fell from ${lossBefore} to ${lossAfter}`);
  assert.ok(steps > 0 && num(await text(page, 'epoch-count')) > 0);
  assert.ok(rate > 0, `examples per second shown while training (${rate})`);

  // Paused: one Step press moves the count by exactly one (no training loop left running).
  const pausedAt = num(await text(page, 'step-count'));
  await page.getByTestId('step').click();
  await waitForText(page, 'step-count', (t) => num(t) === pausedAt + 1);

  // The picture matches: the background of quadrants I and III leans orange (class 1), of II
  // and IV blue. (Neutral is rgb(247, 248, 250); full confidence reaches r − b ≈ ±100.)
  for (const [at, positive] of [
    [[0.5, 0.5], true],
    [[-0.5, -0.5], true],
    [[-0.5, 0.5], false],
    [[0.5, -0.5], false],
  ]) {
    const [r, g, b] = await medianColour(page, at, 25);
    t.diagnostic(`background around ${at}: rgb(${r}, ${g}, ${b})`);
    assert.ok(positive ? r - b > 20 : b - r > 20, `quadrant at ${at} has background rgb(${r}, ${g}, ${b})`);
  }
  await screenshot(page, 'playground-3-xor-trained');
  assert.deepEqual(errors, []);
});

test('a linear model cannot learn XOR (test accuracy stays below 70%)', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor&model=linear&speed=fast&play=1');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true', 'play=1 starts training');
  assert.equal(await text(page, 'model-formula'), 'f(x) = w₁x₁ + w₂x₂ + b');
  await waitForText(page, 'step-count', (t) => num(t) >= 20_000, { timeout: 20_000 });
  await setPlaying(page, false);
  const acc = num(await text(page, 'test-acc'));
  const trainAcc = num(await text(page, 'train-acc'));
  assert.ok(acc < 70, `linear test accuracy on XOR ${acc}%`);
  assert.ok(trainAcc < 75, `linear training accuracy on XOR ${trainAcc}%`);
  assert.ok(num(await text(page, 'train-loss')) > 0.6, 'the logistic loss stays near log 2');
  await screenshot(page, 'playground-4-xor-linear');
  assert.deepEqual(errors, []);
});

test('switching the model from the network to linear redraws the decision boundary', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor&model=mlp&speed=fast');
  await setPlaying(page, true);
  await waitForText(page, 'test-acc', (t) => num(t) >= 95, { timeout: 20_000 });
  await setPlaying(page, false);
  const trained = await snapshotCanvas(page);
  // Control: with nothing changed, the plot is the same picture.
  const again = await snapshotCanvas(page);
  assert.equal(await changedFraction(page, trained.index, again.index), 0);
  assert.equal(trained.hash, again.hash);
  await screenshot(page, 'playground-5a-mlp');

  await page.getByTestId('model').selectOption('linear');
  await waitForText(page, 'model-formula', (t) => t === 'f(x) = w₁x₁ + w₂x₂ + b');
  assert.equal(await text(page, 'step-count'), '0', 'a new model starts from step 0');
  const changed = await until(
    async () => changedFraction(page, trained.index, (await snapshotCanvas(page)).index),
    (f) => f > 0.25,
    { what: 'the plot to change after switching to linear' },
  );
  t.diagnostic(`${(changed * 100).toFixed(0)}% of plot pixels changed`);
  await screenshot(page, 'playground-5b-linear');
  assert.deepEqual(errors, []);
});

test('a learning-rate edit keeps training going; an architecture edit starts over', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor');
  for (let i = 1; i <= 3; i++) {
    await page.getByTestId('step').click();
    await waitForText(page, 'step-count', (t) => t === String(i));
  }
  await page.getByTestId('epoch').click();
  await waitForText(page, 'epoch-count', (t) => t === '1');
  assert.equal(await text(page, 'step-count'), '10', '100 training points, batch 10: 10 steps an epoch');

  const lr = page.getByTestId('lr');
  await lr.fill('0.1');
  await lr.press('Enter');
  await waitForHash(page, 'lr', '0.1', { what: 'lr=0.1 in the hash' });
  assert.equal(await text(page, 'step-count'), '10', 'typing a learning rate keeps the step count');
  assert.equal(Number(await page.getByTestId('lr-slider').inputValue()), -1, 'the slider follows (log10 η)');

  await page.getByTestId('lr-slider').fill('-2');
  await until(() => lr.inputValue(), (v) => v === '0.01', { what: 'lr box to follow the slider' });
  assert.equal(await hashValue(page, 'lr'), '0.01');
  assert.equal(await text(page, 'step-count'), '10', 'dragging the learning-rate slider keeps the step count');

  await page.getByTestId('step').click();
  await waitForText(page, 'step-count', (t) => t === '11');
  await page.getByTestId('reset').click();
  await waitForText(page, 'step-count', (t) => t === '0');
  assert.equal(await hashValue(page, 'lr'), '0.01', 'reset keeps the learning rate');
  for (let i = 1; i <= 2; i++) {
    await page.getByTestId('step').click();
    await waitForText(page, 'step-count', (t) => t === String(i));
  }

  await page.getByTestId('add-layer').click();
  await waitForText(page, 'step-count', (t) => t === '0');
  assert.equal(await text(page, 'model-formula'), '2 → 8 → 8 → 8 → 1, σ = tanh; every layer trains');
  assert.equal(await text(page, 'layer-3-units'), '8 units');
  assert.equal(await hashValue(page, 'layers'), '8,8,8');
  assert.equal(await text(page, 'epoch-count'), '0');

  await page.getByTestId('step').click();
  await waitForText(page, 'step-count', (t) => t === '1');
  await page.getByTestId('layer-1-more').click();
  await waitForText(page, 'step-count', (t) => t === '0');
  assert.equal(await text(page, 'layer-1-units'), '16 units');
  await screenshot(page, 'playground-6-architecture');
  assert.deepEqual(errors, []);
});

test('a URL hash with bad values shows a readable notice and the page works on defaults', async (t) => {
  const { page, errors } = await open(t, '#lr=abc&n=5000000&bogus=1');
  const notice = page.getByTestId('notice');
  await notice.waitFor({ state: 'visible' });
  const items = await notice.locator('li').allTextContents();
  assert.equal(items.length, 3, JSON.stringify(items));
  assert.match(items[0], /^Ignored lr=abc: not a number from .+ to 10\.$/);
  assert.match(items[1], /^Ignored n=5000000: not a number from 2 to 10000\.$/);
  assert.equal(items[2], "Ignored unknown setting 'bogus'.");
  await screenshot(page, 'playground-7a-bad-hash');

  // Defaults are used, the address bar is rewritten to a valid link, and the page works.
  assert.equal(await page.getByTestId('lr').inputValue(), '0.03');
  assert.equal(await text(page, 'point-count'), '200 (100 training)');
  assert.equal(await hashValue(page, 'lr'), '0.03');
  assert.equal(await hashValue(page, 'n'), '200');
  assert.equal(await hashValue(page, 'bogus'), null);
  await page.getByTestId('step').click();
  await waitForText(page, 'step-count', (t) => t === '1');
  await clickPlot(page, await findEmptySpot(page, candidateSpots()));
  await waitForPoints(page, 201, 101);
  await page.getByTestId('dismiss-notice').click();
  await notice.waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('a valid URL hash is applied, and edits (and hand-edited hashes) stay in sync', async (t) => {
  const { page, errors } = await open(t, '#dataset=ring&model=features&features=ring');
  assert.equal(await page.getByTestId('notice').count(), 0, 'no notice for a valid hash');
  assert.equal(await page.getByTestId('dataset').inputValue(), 'ring');
  assert.equal(await page.getByTestId('model').inputValue(), 'features');
  assert.equal(await text(page, 'model-formula'), 'f(x) = w₁·|x₁²+x₂²−0.6| + b');
  assert.equal(await page.getByTestId('feature-ring').isChecked(), true);
  assert.equal(await page.getByTestId('feature-x1').isChecked(), false);
  assert.equal(await hashValue(page, 'features'), 'ring');
  await screenshot(page, 'playground-8a-ring-features');

  await page.getByTestId('feature-x1').check();
  await waitForText(page, 'model-formula', (t) => t === 'f(x) = w₁·x₁ + w₂·|x₁²+x₂²−0.6| + b');
  await waitForHash(page, 'features', 'x1,ring', { what: 'features in the hash' });

  // The pace slider's last notch is "as fast as it goes".
  await page.getByTestId('pace').fill('16');
  await waitForHash(page, 'pace', 'max', { what: 'pace in the hash' });
  await page.getByTestId('dataset').selectOption('circle');
  await waitForHash(page, 'dataset', 'circle', { what: 'dataset in the hash' });
  const dseed = Number(await hashValue(page, 'dseed'));
  const before = await snapshotCanvas(page);
  await page.getByTestId('regenerate').click();
  await until(() => hashValue(page, 'dseed'), (v) => Number(v) === dseed + 1, { what: 'dseed+1 in the hash' });
  await until(
    async () => changedFraction(page, before.index, (await snapshotCanvas(page)).index, 100),
    (f) => f > 0.002,
    { what: 'new points after regenerate' },
  );
  assert.equal(await text(page, 'point-count'), '200 (100 training)');
  await setPlaying(page, true);
  await waitForHash(page, 'play', '1', { what: 'play=1 in the hash' });
  await setPlaying(page, false);
  await waitForHash(page, 'play', '0', { what: 'play=0 in the hash' });

  // A link edited by hand in the address bar is applied without a reload.
  await page.evaluate(() => {
    location.hash = '#dataset=spiral&model=random&k=50';
  });
  await until(() => page.getByTestId('dataset').inputValue(), (v) => v === 'spiral', { what: 'spiral' });
  await waitForText(page, 'model-formula', (t) => t.includes('k = 50 frozen features'));
  assert.equal(await page.getByTestId('model').inputValue(), 'random');
  assert.deepEqual(errors, []);
});

test('regression preset (bumps) shows R² and a click adds a point', async (t) => {
  const { page, errors } = await open(t, '#dataset=bumps');
  assert.match(await text(page, 'train-acc'), /^R² -?\d+\.\d{3}$/);
  assert.match(await text(page, 'test-acc'), /^R² -?\d+\.\d{3}$/);
  assert.equal(await page.getByTestId('class-1').count(), 0, 'no class buttons for regression');
  assert.equal(await page.getByTestId('draw-value').count(), 1, 'a value slider instead');
  const before = pointCount(await text(page, 'point-count'));
  // The preset's 200 points are dense: find background that no point's hit radius covers.
  const spots = candidateSpots();
  const at = await findEmptySpot(page, spots);
  await clickPlot(page, at);
  await waitForPoints(page, before.total + 1, before.training + 1);
  // A new point has the draw value +0.50: halfway from neutral to orange on the value scale.
  await waitForColour(page, at, [240, 182, 155]);

  // Press and drag up a quarter of the plot's height: the value rises by 0.5 to +1 (orange).
  const other = await findEmptySpot(page, spots.filter((s) => s[1] < 0 && s !== at));
  const box = await plotBox(page);
  const p = toPage(box, other);
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  await page.mouse.move(p.x, p.y - box.height / 4, { steps: 6 });
  await page.mouse.up();
  await waitForPoints(page, before.total + 2, before.training + 2);
  await waitForColour(page, other, ORANGE);

  await page.getByTestId('step').click();
  await waitForText(page, 'step-count', (t) => t === '1');
  assert.match(await text(page, 'train-acc'), /^R² -?\d+\.\d{3}$/, 'still R² after an edit');
  await screenshot(page, 'playground-9-bumps');
  assert.deepEqual(errors, []);
});
