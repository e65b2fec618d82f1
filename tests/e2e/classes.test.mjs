// Issue 20 as a user meets it: three classes drawn with the class tools and keys, trained, and
// read off the confusion matrix beside the accuracy; a link that brings the same classes back;
// a data file of three labels read as three classes with a note; the traced point's softmax;
// the two scenes. Screenshots: target/screenshots/classes-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, showCompanion, useAppServer } from './harness.mjs';
import { ORANGE, BLUE, until, text, waitForText, num, plotBox, toPage, waitForColour, setPlaying } from './plotkit.mjs';

const app = useAppServer();

/** Class 3's colour (Okabe and Ito's bluish green). */
const GREEN = [0, 158, 115];

async function open(t, hash = '', options = {}) {
  const opened = await openApp(app.browser, app.server.url + hash, options);
  t.after(() => opened.page.close());
  return opened;
}

async function clickPlot(page, at) {
  const p = toPage(await plotBox(page), at);
  await page.mouse.click(p.x, p.y);
}

/** The confusion matrix as shown: rows of counts, true class first, from the `confusion-t-p` cells. */
async function confusion(page) {
  const k = Number(await page.getByTestId('confusion').getAttribute('data-classes'));
  const rows = [];
  for (let t = 1; t <= k; t++) {
    const row = [];
    for (let p = 1; p <= k; p++) row.push(Number(await text(page, `confusion-${t}-${p}`)));
    rows.push(row);
  }
  return rows;
}

/** Three clusters of six points each, around the given centres (plot coordinates). */
const CENTRES = [
  [0, 0.6],
  [-0.6, -0.45],
  [0.6, -0.45],
];
const cluster = ([x, y]) =>
  [
    [0, 0],
    [0.1, 0.05],
    [-0.1, 0.05],
    [0.05, -0.1],
    [-0.05, -0.1],
    [0.12, -0.02],
  ].map(([dx, dy]) => [x + dx, y + dy]);

/** Clears the plot, sets three classes and draws a cluster of each: class 1 by its button, class 2 and 3 by their keys. */
async function drawThreeClasses(page) {
  await page.getByTestId('clear').click();
  await waitForText(page, 'point-count', (t) => t.startsWith('0 '));
  assert.equal(await page.getByTestId('class-3').count(), 0, 'two classes: no class 3 tool yet');
  await page.getByTestId('classes').selectOption('3');
  await page.getByTestId('class-3').waitFor();
  await page.getByTestId('class-1').click();
  for (const at of cluster(CENTRES[0])) await clickPlot(page, at);
  await page.keyboard.press('2');
  await until(() => page.getByTestId('class-2').getAttribute('aria-pressed'), (v) => v === 'true', { what: 'class-2 after key 2' });
  for (const at of cluster(CENTRES[1])) await clickPlot(page, at);
  await page.keyboard.press('3');
  await until(() => page.getByTestId('class-3').getAttribute('aria-pressed'), (v) => v === 'true', { what: 'class-3 after key 3' });
  for (const at of cluster(CENTRES[2])) await clickPlot(page, at);
  await waitForText(page, 'point-count', (t) => t === '18 (18 training)');
}

test('three classes drawn with the tools train until the confusion matrix is diagonal', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor&model=linear&opt=adam&lr=0.05&split=0');
  await drawThreeClasses(page);
  // Each class in its own colour where it was drawn.
  await waitForColour(page, CENTRES[0], ORANGE);
  await waitForColour(page, CENTRES[1], BLUE);
  await waitForColour(page, CENTRES[2], GREEN);
  // A class the plot does not have is refused with a note, and the chosen class stays.
  await page.keyboard.press('4');
  await page.getByTestId('notice').getByText('The plot has 3 classes').waitFor();
  assert.equal(await page.getByTestId('class-3').getAttribute('aria-pressed'), 'true');
  await page.getByTestId('dismiss-notice').click();

  await setPlaying(page, true);
  await waitForText(page, 'train-acc', (s) => num(s) === 100, { timeout: 20_000 });
  await setPlaying(page, false);
  const box = page.getByTestId('confusion');
  assert.match(await box.textContent(), /Confusion, training points/);
  assert.equal(await box.getAttribute('data-total'), '18');
  // Wait for the refresh after the pause, then read the matrix and the accuracy together.
  const rows = await until(() => confusion(page), (m) => m.every((row, i) => row[i] === 6), { what: 'a diagonal matrix' });
  assert.deepEqual(rows, [
    [6, 0, 0],
    [0, 6, 0],
    [0, 0, 6],
  ]);
  assert.equal(await text(page, 'train-acc'), '100.0%');
  await screenshot(page, 'classes-1-drawn-and-trained');
  assert.deepEqual(errors, []);
});

test('a link brings back the same points with the same classes', async (t) => {
  const { page, errors } = await open(t, '#dataset=xor&model=linear&opt=adam&lr=0.05&split=0');
  await drawThreeClasses(page);
  const hash = await until(() => page.evaluate(() => location.hash), (h) => /pts=23/.test(h), { what: 'pts of three classes in the link' });
  const { page: again, errors: againErrors } = await open(t, hash);
  assert.equal(await again.evaluate(() => location.hash), hash);
  assert.equal(await text(again, 'point-count'), '18 (18 training)');
  assert.equal(await again.getByTestId('classes').inputValue(), '3');
  await waitForColour(again, CENTRES[0], ORANGE);
  await waitForColour(again, CENTRES[1], BLUE);
  await waitForColour(again, CENTRES[2], GREEN);
  // The same run: after the same steps both pages show the same loss.
  for (const p of [page, again]) for (let i = 0; i < 5; i++) await p.getByTestId('step').click();
  await waitForText(page, 'step-count', (s) => s === '5');
  await waitForText(again, 'step-count', (s) => s === '5');
  assert.equal(await text(again, 'train-loss'), await text(page, 'train-loss'));
  assert.deepEqual(errors, []);
  assert.deepEqual(againErrors, []);
});

test('a CSV file with three labels becomes three classes and the page says how it read them', async (t) => {
  const { page, errors } = await open(t, '#dataset=circle&n=150&model=linear');
  const rows = ['x1,x2,species'];
  for (const [label, [x, y]] of [
    ['cat', [0, 0.6]],
    ['dog', [-0.6, -0.45]],
    ['bird', [0.6, -0.45]],
  ]) {
    for (const [a, b] of cluster([x, y])) rows.push(`${a.toFixed(3)},${b.toFixed(3)},${label}`);
  }
  await page.getByTestId('upload-data').setInputFiles({
    name: 'animals.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n') + '\n'),
  });
  const notice = page.getByTestId('notice');
  await notice.getByText('Loaded 18 points from animals.csv').waitFor();
  // The files panel says how it read the labels.
  assert.match(await page.getByTestId('import-notes').textContent(), /Read 3 classes: bird→1, cat→2, dog→3\./);
  assert.equal(await page.getByTestId('classes').inputValue(), '3');
  assert.equal(await page.getByTestId('class-3').count(), 1);
  assert.equal(await page.getByTestId('confusion').getAttribute('data-classes'), '3');
  // Birds are class 1 (orange), cats class 2 (blue), dogs class 3 (green).
  await waitForColour(page, [0.6, -0.45], ORANGE);
  await waitForColour(page, [0, 0.6], BLUE);
  await waitForColour(page, [-0.6, -0.45], GREEN);
  assert.match(await page.evaluate(() => location.hash), /pts=23/);
  await screenshot(page, 'classes-2-uploaded');
  assert.deepEqual(errors, []);
});

test('the traced point shows the softmax and its deltas p − y', async (t) => {
  const { page, errors } = await open(t, '#scene=13');
  for (let i = 0; i < 3; i++) await page.getByTestId('epoch').click();
  await page.getByTestId('trace-tool').click();
  await clickPlot(page, [0, 0.55]);
  await showCompanion(page, 'network');
  await page.getByTestId('softmax').waitFor();
  const p = [];
  const delta = [];
  for (let k = 1; k <= 3; k++) {
    p.push(num(await text(page, `softmax-p-${k}`)));
    delta.push(num(await text(page, `softmax-delta-${k}`)));
  }
  assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) <= 0.002, `probabilities ${p} add up to one`);
  // The point at the top is of class 1: δ₁ = p₁ − 1, the others δₖ = pₖ.
  assert.match(await text(page, 'trace-panel'), /of class 1/);
  assert.ok(Math.abs(delta[0] - (p[0] - 1)) <= 0.002, `δ₁ ${delta[0]} vs p₁ − 1`);
  for (const k of [1, 2]) assert.ok(Math.abs(delta[k] - p[k]) <= 0.002, `δ${k + 1} ${delta[k]} vs p ${p[k]}`);
  await screenshot(page, 'classes-3-softmax-trace');
  assert.deepEqual(errors, []);
});

test('the two scenes train their models past 95% on three classes', async (t) => {
  for (const scene of [13, 14]) {
    const { page, errors } = await open(t, `#scene=${scene}`);
    assert.equal(await page.getByTestId('classes').inputValue(), '3');
    if (scene === 13) assert.match(await text(page, 'score-legend'), /wₖ·x \+ bₖ = 0/);
    await setPlaying(page, true);
    await waitForText(page, 'test-acc', (s) => num(s) >= 95, { timeout: 30_000 });
    await setPlaying(page, false);
    // Paused, the matrix and the test accuracy beside it tell the same story: its diagonal
    // holds the test points in their class (training may have moved a little past 95%).
    const rows = await confusion(page);
    const right = rows.reduce((sum, row, i) => sum + row[i], 0);
    const total = rows.flat().reduce((a, b) => a + b, 0);
    assert.equal(String(total), await page.getByTestId('confusion').getAttribute('data-total'));
    const accuracy = num(await text(page, 'test-acc'));
    assert.ok(Math.abs((100 * right) / total - accuracy) < 0.06, `scene ${scene}: ${right} of ${total} against ${accuracy}%`);
    assert.ok(accuracy >= 90, `scene ${scene}: ${accuracy}% after reaching 95%`);
    await screenshot(page, `classes-4-scene-${scene}`);
    assert.deepEqual(errors, []);
  }
});
