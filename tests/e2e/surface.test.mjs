// The loss-surface view as a lecturer uses it: the path of the weights drawn live on the
// surface, a click on the map that moves the weights (and the plot's boundary with them), a
// learning rate too large for the surface, and the race of SGD, momentum and Adam. The map's
// canvas (`surface-view`) says what it shows in data attributes: `data-window` (the plane
// coordinates of its centre and half its side), `data-map` (the map's box on the canvas, CSS
// pixels), `data-head` (the path's last point), `data-path`, `data-progress`, `data-nodes`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, showCompanion, useAppServer } from './harness.mjs';
import { changedFraction, hashValue, setPlaying, snapshotCanvas, until, waitForHash } from './plotkit.mjs';

const app = useAppServer();

const map = (page) => page.getByTestId('surface-view');
const numbers = async (page, name) => ((await map(page).getAttribute(name)) ?? '').split(',').filter(Boolean).map(Number);
const head = (page) => numbers(page, 'data-head');

/** Waits until the surface is filled at its finest (65 × 65 nodes for these small models). */
function waitFilled(page, timeout = 15000) {
  return until(async () => [await map(page).getAttribute('data-progress'), await map(page).getAttribute('data-nodes')],
    ([progress, nodes]) => progress === '1.000' && nodes === '65', { timeout, what: 'the surface to be filled' });
}

/** Whether plane point p lies on the map's window. */
async function onMap(page, [a, b]) {
  const [ca, cb, half] = await numbers(page, 'data-window');
  return Math.abs(a - ca) <= half && Math.abs(b - cb) <= half;
}

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

test('the exact surface of the linear model, and the path moving with each step', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=gauss&model=linear&lr=0.3&panel=surface`);
  assert.equal(await page.getByTestId('companion').getAttribute('data-view'), 'surface');
  await waitFilled(page);
  const caption = await text(page, 'surface-caption');
  assert.match(caption, /exact training loss over w₁ \(on x₁\) and w₂ \(on x₂\), with the bias b = \S+ held fixed/);
  // Two weights: no directions to choose.
  assert.equal(await page.getByTestId('surface-directions').count(), 0);
  const start = await head(page);
  assert.equal(start.length, 2);
  assert.ok(await onMap(page, start), `the weights ${start} are on the map`);
  const snapshots = [await snapshotCanvas(page, 'surface-view')];
  for (let i = 0; i < 3; i += 1) {
    const before = await head(page);
    await page.getByTestId('step').click();
    const after = await until(() => head(page), (h) => h.join() !== before.join(), { what: 'the head to move after a step' });
    assert.ok(await onMap(page, after), `${after} on the map`);
  }
  snapshots.push(await snapshotCanvas(page, 'surface-view'));
  assert.ok((await changedFraction(page, snapshots[0].index, snapshots[1].index)) > 0, 'the path is drawn');
  // Training on: the path grows step by step and its head keeps moving.
  const length = Number(await map(page).getAttribute('data-path'));
  await setPlaying(page, true);
  await until(async () => Number(await map(page).getAttribute('data-path')), (n) => n > length + 20, { what: 'the path to grow' });
  const moving = await head(page);
  await until(() => head(page), (h) => h.join() !== moving.join(), { what: 'the head to move while training' });
  await setPlaying(page, false);
  assert.deepEqual(errors, []);
  await page.close();
});

test('clicking the map sets the weights there, and the plot follows', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=gauss&model=linear&panel=surface`);
  await waitFilled(page);
  const plot = await snapshotCanvas(page, 'plot');
  const loss = await text(page, 'train-loss');
  const [left, top, side] = await numbers(page, 'data-map');
  const [ca, cb, half] = await numbers(page, 'data-window');
  // A point near the map's top left: w₁ small, w₂ large.
  const f = [0.15, 0.2];
  await map(page).click({ position: { x: left + f[0] * side, y: top + f[1] * side } });
  const wanted = [ca - half + f[0] * 2 * half, cb + half - f[1] * 2 * half];
  const at = await until(() => head(page), (h) => h.length === 2 && Math.hypot(h[0] - wanted[0], h[1] - wanted[1]) < 0.02 * half, {
    what: `the weights at ${wanted}`,
  });
  assert.equal(Number(await map(page).getAttribute('data-path')), 1, 'the path starts again at the click');
  await until(() => text(page, 'train-loss'), (t) => t !== loss, { what: 'the loss to change' });
  const moved = await snapshotCanvas(page, 'plot');
  assert.ok((await changedFraction(page, plot.index, moved.index)) > 0.05, 'the boundary on the plot moved');
  // Training starts from the clicked weights.
  await page.getByTestId('step').click();
  const next = await until(() => head(page), (h) => h.join() !== at.join(), { what: 'a step from the click' });
  assert.ok(Math.hypot(next[0] - at[0], next[1] - at[1]) < 0.5 * half, `${next} is a step from ${at}`);
  await screenshot(page, 'surface-click');
  assert.deepEqual(errors, []);
  await page.close();
});

test('η = 3 on the linear model throws the path off the surface, and the view says why', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=plane&model=linear&lr=3&panel=surface`);
  await waitFilled(page);
  const caption = await text(page, 'surface-caption');
  // Training blows up within a few dozen steps, a frame or two: Play, then wait for the message.
  await page.getByTestId('play').click();
  const message = page.getByTestId('surface-diverged');
  await message.waitFor({ timeout: 15000 });
  assert.match(await message.textContent(), /The path left the surface: at step \d+ .*η = 3/);
  // Training paused itself; the head is off the map, which stays the surface the path left.
  await until(() => page.getByTestId('play').getAttribute('aria-pressed'), (v) => v === 'false', { what: 'training to pause' });
  const last = await head(page);
  assert.equal(await onMap(page, last), false, `the head ${last} left the map`);
  assert.equal(await text(page, 'surface-caption'), caption);
  await page.getByTestId('surface-diverged').scrollIntoViewIfNeeded();
  await screenshot(page, 'surface-diverged');
  // A click on the map starts again from there, and the message goes.
  const [left, top, side] = await numbers(page, 'data-map');
  await map(page).click({ position: { x: left + 0.5 * side, y: top + 0.5 * side } });
  await until(() => message.count(), (n) => n === 0, { what: 'the message to go' });
  assert.equal(await onMap(page, await head(page)), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the race: three lanes on one surface, and SGD diverging once η is raised', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=plane&model=linear&lr=0.3&panel=surface`);
  await page.getByTestId('surface-race').check();
  assert.equal(await hashValue(page, 'race'), '1');
  const lanes = ['sgd', 'momentum', 'adam'].map((k) => page.getByTestId(`race-lane-${k}`));
  for (const lane of lanes) await lane.waitFor();
  await setPlaying(page, true);
  const steps = async () => Number(/step (\d+)/.exec(await lanes[2].textContent())?.[1] ?? 0);
  await until(steps, (n) => n > 200, { what: 'the race to run' });
  for (const lane of lanes) assert.equal(await lane.getAttribute('data-diverged'), 'false');
  assert.equal(await text(page, 'step-count'), '0', 'the plot keeps the weights the race started from');
  // η is shared: raised, SGD overshoots and blows up while Adam keeps its steps small.
  await page.getByTestId('lr').fill('1.5');
  await page.getByTestId('lr').press('Enter');
  await until(() => lanes[0].getAttribute('data-diverged'), (v) => v === 'true', { timeout: 15000, what: 'SGD to diverge' });
  assert.match(await lanes[0].textContent(), /SGD stopped at step \d+: a number overflowed, so η = 1.5 is too large for SGD/);
  assert.equal(await lanes[2].getAttribute('data-diverged'), 'false');
  assert.match(await lanes[2].textContent(), /Adam: step \d+, training loss/);
  const chart = page.getByTestId('race-loss-chart');
  const inked = await chart.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n += 1;
    return n / (d.length / 4);
  });
  assert.ok(inked > 0.01, `the three losses are drawn (${inked})`);
  await setPlaying(page, false);
  await screenshot(page, 'surface-race');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a network gets a slice whose directions and seed are in the link; key U shows the view', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=circle&n=300`);
  await page.keyboard.press('u');
  await page.waitForFunction(() => document.querySelector('[data-testid=companion]')?.dataset.view === 'surface');
  assert.equal(await hashValue(page, 'panel'), 'surface');
  await waitFilled(page);
  assert.match(await text(page, 'surface-caption'), /A slice of the training loss: through the weights of step 0 along two random directions \(seed 1\)/);
  const before = await snapshotCanvas(page, 'surface-view');
  await page.getByTestId('surface-seed').fill('7');
  await page.getByTestId('surface-seed').press('Enter');
  await waitForHash(page, 'sdseed', '7', { what: 'sdseed in the link' });
  assert.match(await text(page, 'surface-caption'), /\(seed 7\)/);
  await waitFilled(page);
  const after = await snapshotCanvas(page, 'surface-view');
  assert.ok((await changedFraction(page, before.index, after.index)) > 0.05, 'another slice');
  // Principal directions: after some training, pausing re-centres on the two directions the path moved most.
  await page.getByTestId('surface-directions').selectOption('pca');
  assert.equal(await hashValue(page, 'surface'), 'pca');
  await setPlaying(page, true);
  await until(async () => Number(await map(page).getAttribute('data-path')), (n) => n > 100, { what: 'a path' });
  await setPlaying(page, false);
  await until(() => text(page, 'surface-caption'), (t) => /along the two directions the path moved most, which hold \S+% of its movement/.test(t), {
    what: 'the principal slice',
  });
  // A bad seed is refused with a message, and the link keeps the last good one. Typed while the
  // new slice fills in, which re-renders the view: the typed text must survive that.
  await page.getByTestId('surface-seed').fill('seven');
  await page.getByTestId('surface-seed').press('Enter');
  await page.getByTestId('notice').waitFor();
  assert.match(await text(page, 'notice'), /seed must be a whole number/);
  assert.equal(await hashValue(page, 'sdseed'), '7');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the view at the lecture sizes: the map and its caption on screen', async () => {
  const sizes = [
    { name: '1024x768', viewport: { width: 1024, height: 768 } },
    { name: '1280x720', viewport: { width: 1280, height: 720 } },
    { name: '1920x1080-projector', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2, projector: true },
    { name: '390x844', viewport: { width: 390, height: 844 } },
  ];
  for (const size of sizes) {
    for (const hash of ['#dataset=xor&model=features&panel=surface&play=1', '#dataset=circle&panel=surface&race=1&lr=0.3&play=1']) {
      const { page, errors } = await openApp(app.browser, app.server.url + hash, { viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor, folded: true });
      if (size.projector) await page.getByTestId('projector').click();
      await showCompanion(page, 'surface');
      await waitFilled(page);
      await page.waitForTimeout(1500);
      const racing = hash.includes('race=1');
      const phone = size.viewport.width < 900;
      if (phone) await map(page).scrollIntoViewIfNeeded();
      const box = await map(page).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= size.viewport.width + 1, `${size.name}: the map fits across (${JSON.stringify(box)})`);
      if (!phone) {
        assert.ok(box.y + box.height <= size.viewport.height, `${size.name}: the map is on screen (${JSON.stringify(box)})`);
        if (!racing) {
          const caption = await page.getByTestId('surface-caption').boundingBox();
          assert.ok(caption.y < size.viewport.height, `${size.name}: the caption starts on screen`);
        }
      }
      await screenshot(page, `surface-${racing ? 'race' : 'features'}-${size.name}`);
      assert.deepEqual(errors, []);
      await page.close();
    }
  }
});
