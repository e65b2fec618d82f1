// The timeline and compare mode as a user sees them: scrubbing back redraws the plot as it
// was and Live brings the present back; letting go while training runs returns to live;
// "continue from here" retraces the run (plain SGD, same minibatch order) and says so; Replay
// walks the recorded run; compare mode shows two maps and two sets of numbers, each equal to
// its run alone (opened from its own link in another page); scenes 6 and 10 open comparing.
// Screenshots: target/screenshots/timeline-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, showCompanion, useAppServer } from './harness.mjs';
import { until, text, waitForText, num, snapshotCanvas, changedFraction, setPlaying, hashValue, waitForHash } from './plotkit.mjs';

const app = useAppServer();

async function open(t, hash = '', options = {}) {
  const opened = await openApp(app.browser, app.server.url + hash, options);
  t.after(() => opened.page.close());
  return opened;
}

/** Waits until training has stopped itself at `steps` (a `stopat` in the link). */
async function waitForStop(page, steps, timeout = 30000) {
  await waitForText(page, 'step-count', (s) => Number(s) === steps, { timeout });
}

/** A step count as the timeline writes it ("1 500") → 1500. */
function step(s) {
  return Number((s ?? '').replace(/\s/g, ''));
}

/** Whether the timeline shows the live run. */
function isLive(page) {
  return page.getByTestId('timeline-bar').getAttribute('data-live');
}

/** Moves the focused scrubber with the keyboard (Home: the first snapshot, End: live). */
async function scrubKey(page, key, times = 1) {
  await page.getByTestId('timeline').focus();
  for (let i = 0; i < times; i += 1) await page.keyboard.press(key);
}

/**
 * The step the timeline shows once the page has settled on it: the step beside the scrubber
 * and the step in the link agree, and stay so for 150 ms (key presses render a frame behind).
 */
function settledStep(page) {
  const reading = async () => [step(await text(page, 'timeline-step')), Number(await hashValue(page, 'at'))];
  return until(
    async () => {
      const [shown, linked] = await reading();
      await page.waitForTimeout(150);
      const [again, linkedAgain] = await reading();
      return shown === linked && again === shown && linkedAgain === linked ? shown : NaN;
    },
    (s) => s > 0,
    { what: 'the step shown and the link agreeing' },
  );
}

// Plain SGD on XOR: the page stops itself at step 1500, so the run is the same every time.
const XOR_RUN = '#dataset=xor&n=200&layers=8,8&act=tanh&lr=0.1&opt=sgd&pace=max&stopat=1500&play=1';

test('scrubbing back redraws the plot as it was, and Live restores the present', async (t) => {
  const { page, errors } = await open(t, XOR_RUN);
  await waitForStop(page, 1500);
  assert.equal(await isLive(page), 'true');
  assert.equal(step(await text(page, 'timeline-step')), 1500);
  const live = await snapshotCanvas(page);
  const liveLoss = await text(page, 'train-loss');

  // The first snapshots are the first steps: Home then three steps right is step 3.
  await scrubKey(page, 'Home');
  await scrubKey(page, 'ArrowRight', 3);
  await until(() => isLive(page), (v) => v === 'false', { what: 'looking back' });
  await waitForText(page, 'timeline-step', (s) => step(s) === 3);
  await waitForText(page, 'step-count', (s) => Number(s) === 3);
  assert.notEqual(await text(page, 'train-loss'), liveLoss, 'the readouts show that step');
  assert.equal(num(await text(page, 'timeline-loss')), num(await text(page, 'train-loss')));
  const early = await snapshotCanvas(page);
  const changed = await changedFraction(page, live.index, early.index);
  assert.ok(changed > 0.1, `an early boundary differs from the trained one (${changed})`);
  assert.equal(await page.getByTestId('continue-here').isEnabled(), true);

  // The gradients view says what its gradient is while looking back.
  await showCompanion(page, 'gradients');
  assert.match(await text(page, 'gradient-note'), /At step 3, looking back: the gradient of the mean training loss over 100 training points/);
  assert.notEqual(await text(page, 'grad-norm-1'), '—');
  await screenshot(page, 'timeline-looking-back');

  // A drag back along the scrubber while paused stays where it is let go.
  const box = await page.getByTestId('timeline').boundingBox();
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const middle = step(await text(page, 'timeline-step'));
  assert.ok(middle > 3 && middle < 1500, `the middle of the timeline is step ${middle}`);
  assert.equal(await isLive(page), 'false');

  await page.getByTestId('timeline-live').click();
  await until(() => isLive(page), (v) => v === 'true', { what: 'live again' });
  await waitForText(page, 'step-count', (s) => Number(s) === 1500);
  assert.equal(await text(page, 'train-loss'), liveLoss);
  await until(
    async () => changedFraction(page, live.index, (await snapshotCanvas(page)).index),
    (f) => f < 0.001,
    { what: 'the live plot back' },
  );
  assert.deepEqual(errors, []);
});

test('scrubbing back walks the loss surface\'s path back to the step shown', async (t) => {
  const { page, errors } = await open(t, `${XOR_RUN}&panel=surface`);
  await waitForStop(page, 1500);
  const surface = page.getByTestId('surface-view');
  const reading = async () => ({ head: await surface.getAttribute('data-head'), path: Number(await surface.getAttribute('data-path')) });
  const live = await until(reading, (r) => r.path > 50 && r.head, { what: 'the live path' });
  await scrubKey(page, 'Home');
  await scrubKey(page, 'ArrowRight', 3);
  await waitForText(page, 'timeline-step', (s) => step(s) === 3);
  const back = await until(reading, (r) => r.path < 10, { what: 'the path cut at step 3' });
  assert.notEqual(back.head, live.head, 'the head moves back with the timeline');
  await screenshot(page, 'timeline-surface-looking-back');
  await page.getByTestId('timeline-live').click();
  const again = await until(reading, (r) => r.path === live.path, { what: 'the whole path again' });
  assert.equal(again.head, live.head);
  assert.deepEqual(errors, []);
});

test('the link names the step shown: opened elsewhere it trains there and pauses on the same run', async (t) => {
  const { page, errors } = await open(t, XOR_RUN);
  await waitForStop(page, 1500);
  assert.equal(await hashValue(page, 'at'), null, 'a run never looked back at names no step');
  await scrubKey(page, 'Home');
  await scrubKey(page, 'ArrowRight', 40);
  await until(() => isLive(page), (v) => v === 'false', { what: 'looking back' });
  await until(() => page.getByTestId('timeline').inputValue(), (v) => v === '40', { what: 'the scrubber at 40' });
  const shown = await settledStep(page);
  assert.ok(shown > 0 && shown < 1500, `step ${shown}`);
  await until(() => hashValue(page, 'at'), (v) => Number(v) === shown, { what: `at=${shown} in the link` });
  const [loss, acc] = [await text(page, 'train-loss'), await text(page, 'test-acc')];
  const hash = await page.evaluate(() => location.hash);

  // A student opens the link on another machine: the run trains to that step and pauses there.
  const other = await open(t, hash);
  await waitForText(other.page, 'step-count', (s) => Number(s) === shown, { timeout: 20000 });
  await waitForText(other.page, 'stop-reason', (s) => s.includes(`step ${shown}, the step the link shows`));
  assert.equal(await other.page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  assert.equal(await text(other.page, 'train-loss'), loss, 'the same run: the same loss at that step');
  assert.equal(await text(other.page, 'test-acc'), acc);
  await screenshot(other.page, 'timeline-link-at-step');
  // Training on there leaves that moment: the link no longer names it.
  // (At full speed it runs on to its stop at step 1500 within a frame or two.)
  await other.page.getByTestId('play').click();
  await waitForHash(other.page, 'at', null, { what: 'at gone after Play' });
  await waitForText(other.page, 'step-count', (s) => Number(s) > shown);

  // Back to the live run while paused: the link names the live step.
  await page.getByTestId('timeline-live').click();
  await waitForHash(page, 'at', '1500', { what: 'at=1500 after Live' });
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
});

test('a link to a far step says where it is going, and Pause stops the run short of it', async (t) => {
  const { page, errors } = await open(t, '#dataset=circle&n=400&layers=64,64,64&at=1000000');
  await waitForText(page, 'link-step-progress', (s) => s.includes('Training to step 1000000 at full speed'));
  await waitForText(page, 'step-count', (s) => Number(s) > 50);
  await page.getByTestId('play').click();
  await until(() => page.getByTestId('link-step-progress').count(), (n) => n === 0, { what: 'the note gone after Pause' });
  await waitForHash(page, 'at', null, { what: 'at gone after Pause' });
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  assert.ok(Number(await text(page, 'step-count')) < 1000000);
  assert.deepEqual(errors, []);
});

test('letting go of the scrubber while training runs returns to the live run', async (t) => {
  const { page, errors } = await open(t, '#dataset=circle&n=200&layers=6&lr=0.1&pace=200&play=1');
  await waitForText(page, 'step-count', (s) => Number(s) > 300, { timeout: 10000 });
  const box = await page.getByTestId('timeline').boundingBox();
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 6, box.y + box.height / 2, { steps: 10 });
  await until(() => isLive(page), (v) => v === 'false', { what: 'looking back while held' });
  assert.ok(step(await text(page, 'timeline-step')) < 5);
  await page.mouse.up();
  await until(() => isLive(page), (v) => v === 'true', { what: 'live after letting go' });
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true', 'training ran on');
  assert.ok(Number(await text(page, 'step-count')) > 300);
  assert.deepEqual(errors, []);
});

test('continue from here retraces the run with plain SGD, and the page says what carried over', async (t) => {
  const { page, errors } = await open(t, XOR_RUN);
  await waitForStop(page, 1500);
  const end = await snapshotCanvas(page);
  const endLoss = await text(page, 'train-loss');
  await scrubKey(page, 'Home');
  await scrubKey(page, 'ArrowRight', 30);
  await until(() => page.getByTestId('timeline').inputValue(), (v) => v === '30', { what: 'the scrubber at 30' });
  const from = await settledStep(page);
  assert.ok(from > 30 && from < 1500, `continuing from step ${from}`);
  await page.getByTestId('continue-here').click();
  const note = await text(page, 'continue-note');
  assert.match(note, new RegExp(`^Training goes on from step ${from}\\. Plain SGD keeps nothing between steps`));
  assert.match(note, /The minibatches come in the order the run drew them/);
  assert.equal(await isLive(page), 'true');
  // It trains on from that step and, with the same minibatches, stops at 1500 where it was.
  await waitForStop(page, 1500);
  assert.equal(await text(page, 'train-loss'), endLoss);
  const again = await snapshotCanvas(page);
  assert.ok((await changedFraction(page, end.index, again.index)) < 0.001, 'the same boundary at step 1500');
  await page.getByTestId('continue-note-close').click();
  assert.equal(await page.getByTestId('continue-note').count(), 0);
  assert.deepEqual(errors, []);
});

test('Replay walks the recorded run at the chosen pace and stops at its end', async (t) => {
  const { page, errors } = await open(t, XOR_RUN);
  await waitForStop(page, 1500);
  await page.getByTestId('replay-pace').selectOption({ label: '12/s' });
  await page.getByTestId('replay').click();
  assert.equal(await page.getByTestId('replay').getAttribute('aria-pressed'), 'true');
  const seen = [];
  // At its end the replay rests on the last snapshot, which offers Live and Continue instead.
  await until(
    async () => {
      seen.push(step(await text(page, 'timeline-step')));
      return page.getByTestId('replay').count();
    },
    (n) => n === 0,
    { timeout: 15000, interval: 100, what: 'the replay to end' },
  );
  assert.equal(await page.getByTestId('continue-here').isVisible(), true);
  const steps = [...new Set(seen)];
  assert.ok(steps.length >= 5, `the replay showed ${steps}`);
  assert.ok(steps.every((s, i) => i === 0 || s > steps[i - 1]), `steps go forward: ${steps}`);
  assert.ok(steps[0] < 10, `it started at the beginning: ${steps}`);
  assert.equal(await isLive(page), 'false', 'it stays at the last snapshot');
  assert.deepEqual(errors, []);
});

/** The numbers a page shows for `side` ('' for the first run, '-2' for the second). */
async function numbers(page, side = '') {
  const out = {};
  for (const id of ['train-loss', 'test-loss', 'train-acc', 'test-acc']) out[id] = await text(page, `${id}${side}`);
  return out;
}

/** Counts the loss chart's pixels near the training curve's colour. */
function darkChartPixels(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="loss-chart"]');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - 29) < 30 && Math.abs(data[i + 1] - 36) < 30 && Math.abs(data[i + 2] - 51) < 30) count += 1;
    }
    return count;
  });
}

test('compare shows two maps and two runs, each as it trains alone', async (t) => {
  const base = '#dataset=spiral&n=200&layers=8,8&act=sigmoid&lr=0.1&opt=sgd&seed=3&pace=max&stopat=1200';
  const { page, errors } = await open(t, `${base}&play=1&cmp=act:relu;opt:adam;lr:0.02`);
  await waitForStop(page, 1200, 40000);
  assert.match(await text(page, 'compare-description-1'), /^1Network 8,8 sigmoid, SGD η = 0\.1$/);
  assert.match(await text(page, 'compare-description-2'), /^2Network 8,8 relu, Adam η = 0\.02$/);
  const [first, second] = [await page.getByTestId('plot').boundingBox(), await page.getByTestId('plot-2').boundingBox()];
  assert.ok(second.x >= first.x + first.width - 1 && Math.abs(second.y - first.y) < 1, 'side by side');
  assert.ok(Math.abs(second.width - first.width) < 1);
  const race = { first: await numbers(page), second: await numbers(page, '-2') };
  assert.notDeepEqual(race.first, race.second);
  const raceDark = await darkChartPixels(page);
  await screenshot(page, 'timeline-compare');

  // Each side alone, from its own link with the same seed and steps.
  const solo = async (hash) => {
    const other = await openApp(app.browser, app.server.url + hash);
    t.after(() => other.page.close());
    await waitForStop(other.page, 1200, 40000);
    assert.equal(await other.page.getByTestId('plot-2').count(), 0);
    return { numbers: await numbers(other.page), dark: await darkChartPixels(other.page), errors: other.errors };
  };
  const one = await solo(`${base}&play=1`);
  const two = await solo(`${base.replace('act=sigmoid&lr=0.1&opt=sgd', 'act=relu&lr=0.02&opt=adam')}&play=1`);
  assert.deepEqual(race.first, one.numbers, 'model 1 as alone');
  assert.deepEqual(race.second, two.numbers, 'model 2 as alone');
  // The chart holds both runs' curves: the training colour covers far more of it than one run's.
  assert.ok(raceDark > 1.25 * one.dark, `${raceDark} vs ${one.dark}`);
  assert.deepEqual([...errors, ...one.errors, ...two.errors], []);
});

test('Compare with… starts a second model, edits it in the link, and ends it', async (t) => {
  const { page, errors } = await open(t, '#dataset=circle&n=100&layers=4');
  assert.equal(await page.getByTestId('plot-2').count(), 0);
  await page.getByTestId('compare').click();
  await page.getByTestId('plot-2').waitFor();
  assert.equal(await hashValue(page, 'cmp'), '');
  await page.getByTestId('model-2').selectOption('random');
  await waitForHash(page, 'cmp', 'model:random', { what: 'cmp in the link' });
  assert.match(await text(page, 'compare-description-2'), /Random features k = 100/);
  await page.getByTestId('rf-k-2').fill('7');
  await page.getByTestId('rf-k-2').press('Enter');
  await waitForHash(page, 'cmp', 'model:random;k:7', { what: 'k in the link' });
  await page.getByTestId('lr-2').fill('99');
  await page.getByTestId('lr-2').press('Enter');
  await waitForText(page, 'notice', (s) => s.includes('In the comparison'));
  assert.equal(await hashValue(page, 'cmp'), 'model:random;k:7', 'a bad value changes nothing');
  await page.getByTestId('step').click();
  await waitForText(page, 'step-count', (s) => s === '1');
  assert.notEqual(await text(page, 'train-loss-2'), '—');
  await page.getByTestId('compare-end').click();
  await until(() => page.getByTestId('plot-2').count(), (n) => n === 0, { what: 'one map' });
  assert.equal(await hashValue(page, 'cmp'), null);
  assert.equal(await page.getByTestId('train-loss-2').count(), 0);
  assert.deepEqual(errors, []);
});

test('scenes 6 and 10 open comparing, and a link opens the timeline live', async (t) => {
  const { page, errors } = await open(t, '#scene=10');
  await page.getByTestId('plot-2').waitFor();
  assert.match(await text(page, 'compare-description-1'), /sigmoid/);
  assert.match(await text(page, 'compare-description-2'), /relu/);
  assert.equal(await isLive(page), 'true');
  await page.getByTestId('scene').selectOption({ index: 6 });
  await waitForText(page, 'compare-description-2', (s) => s.includes('k = 500'));
  assert.match(await text(page, 'compare-description-1'), /k = 5 /);
  await page.getByTestId('scene').selectOption({ index: 7 });
  await until(() => page.getByTestId('plot-2').count(), (n) => n === 0, { what: 'scene 7 alone' });
  assert.deepEqual(errors, []);
});
