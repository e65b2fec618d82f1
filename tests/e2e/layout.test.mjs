// The lecture layout on the screens lecture halls have (issue 15): the plot, the readouts, the
// caption and the companion view on one screen with no scrolling; projector mode legible from
// the back row; keys that work whatever control has focus; tools that say what a click does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot, useAppServer } from './harness.mjs';
import { findPoints, hashValue, pointCount, text, toPage, plotBox, setPlaying, until, waitForText } from './plotkit.mjs';

const app = useAppServer();

const screens = [
  { name: '1024x768', viewport: { width: 1024, height: 768 } },
  { name: '1280x720', viewport: { width: 1280, height: 720 } },
  { name: '1366x768', viewport: { width: 1366, height: 768 } },
  { name: '1920x1080-projector', viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2, projector: true },
];

const scenes = [
  { name: 'network', scene: 9, view: 'network' },
  { name: 'features', scene: 4, view: 'model' },
  { name: 'lab', scene: 11, view: 'lab' },
];

/** The boxes (CSS pixels) of what the room must see, and the page's scroll extent. */
function measure(page) {
  return page.evaluate(() => {
    const box = (id) => {
      const r = document.querySelector(`[data-testid=${id}]`)?.getBoundingClientRect();
      return r && { left: r.left, top: r.top, right: r.right, bottom: r.bottom, height: r.height };
    };
    return {
      boxes: {
        plot: box('plot'),
        'step-count': box('step-count'),
        'test-acc': box('test-acc'),
        'train-loss': box('train-loss'),
        'scene-caption': box('scene-caption'),
        companion: box('companion'),
        play: box('play'),
      },
      scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
      viewport: [innerWidth, innerHeight],
    };
  });
}

/** The readout values whose text does not fit their box (cut short with an ellipsis). */
function truncatedReadouts(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.readout-value')]
      .filter((e) => e.scrollWidth > e.clientWidth)
      .map((e) => `${e.dataset.testid}: "${e.textContent}" needs ${e.scrollWidth} px, has ${e.clientWidth}`),
  );
}

/** The readout labels cut short (an ellipsis where "Train accuracy" should be). */
function truncatedLabels(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.readout-label')]
      .filter((e) => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
      .map((e) => `"${e.textContent}" needs ${e.scrollWidth} px, has ${e.clientWidth}`),
  );
}

// The tight cases: a three-line caption with the confusion matrix beside the chart leaves the
// plot little height, and projector mode on a 768-line projector has little width. The centre
// column keeps room for the readouts' labels, and projector text scales to the screen.
const tight = [
  { name: '1280x720, three classes', viewport: { width: 1280, height: 720 }, scene: 14 },
  { name: '1024x768 projector, random features', viewport: { width: 1024, height: 768 }, scene: 8, projector: true },
  { name: '1280x720 projector, compare', viewport: { width: 1280, height: 720 }, scene: 10, projector: true },
];

/** Opens `scene` on `screen` (in projector mode if it says so) and lets the layout settle. */
async function openOn(screen, scene) {
  const opened = await openApp(app.browser, `${app.server.url}#scene=${scene}`, {
    viewport: screen.viewport,
    deviceScaleFactor: screen.deviceScaleFactor,
    folded: true,
  });
  if (screen.projector) {
    await opened.page.getByTestId('projector').click();
    await until(() => opened.page.locator('main').getAttribute('class'), (c) => c.includes('projector'));
  }
  // Let the layout settle (canvases sized, the lab's first paint).
  await opened.page.waitForTimeout(400);
  return opened;
}

/** Asserts that what the room must see lies inside the viewport and nothing scrolls. */
async function assertAllInView(page) {
  const { boxes, scroll, viewport } = await measure(page);
  const [w, h] = viewport;
  for (const [id, b] of Object.entries(boxes)) {
    assert.ok(b, `${id} is on the page`);
    assert.ok(
      b.left >= 0 && b.top >= 0 && b.right <= w + 0.5 && b.bottom <= h + 0.5,
      `${id} lies inside the ${w}×${h} viewport: ${JSON.stringify(b)}`,
    );
  }
  assert.ok(scroll[0] <= w, `no horizontal scroll (${scroll[0]} > ${w})`);
  assert.ok(scroll[1] <= h + 1, `no vertical scroll (${scroll[1]} > ${h})`);
  return { boxes, height: h };
}

for (const t of tight) {
  test(`${t.name}: every readout label and value is whole, nothing scrolls`, async () => {
    const { page, errors } = await openOn(t, t.scene);
    await screenshot(page, `layout-tight-${t.scene}-${t.viewport.width}`);
    await assertAllInView(page);
    assert.deepEqual(await truncatedLabels(page), [], 'every readout label is whole');
    assert.deepEqual(await truncatedReadouts(page), [], 'every readout value is whole');
    assert.deepEqual(errors, []);
    await page.close();
  });
}

for (const screen of screens) {
  for (const { name, scene, view } of scenes) {
    test(`${screen.name}, ${name} scene: plot, readouts, caption and ${view} view fit without scrolling`, async () => {
      const { page, errors } = await openOn(screen, scene);
      assert.equal(await page.getByTestId('companion').getAttribute('data-view'), view);
      await screenshot(page, `layout-${screen.name}-${name}`);
      const { boxes, height } = await assertAllInView(page);
      assert.ok(boxes.plot.height >= 0.45 * height, `the plot is ${boxes.plot.height} px of ${height}`);
      assert.deepEqual(await truncatedReadouts(page), [], 'every readout value is readable');
      // Training, the numbers grow (steps, examples a second): they still fit.
      await setPlaying(page, true);
      await waitForText(page, 'examples-per-sec', (s) => Number(s) > 0);
      await waitForText(page, 'step-count', (s) => Number(s) >= 100, { timeout: 10_000 });
      assert.deepEqual(await truncatedReadouts(page), [], 'every readout value is readable while training');
      await setPlaying(page, false);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}

test('projector mode: no page text under 14 CSS px, and the scene bar stays on one screen', async () => {
  const { page, errors } = await openOn({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2, projector: true }, 10);
  const small = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || !el) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 14) out.push(`${px}px: ${node.textContent.trim().slice(0, 40)}`);
    }
    return out;
  });
  await screenshot(page, 'layout-projector-text');
  assert.deepEqual(small, [], 'text smaller than 14 px in projector mode');
  assert.deepEqual(errors, []);
  await page.close();
});

test('projector mode: no canvas text under 14 CSS px in the plot, the charts and every companion view', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#scene=9`, {
    viewport: { width: 1920, height: 1080 },
    deviceScaleFactor: 2,
    folded: true,
  });
  // Every fillText from now on records its size in CSS pixels: the font's size in canvas
  // units, times the context's scale, over the canvas's backing pixels per CSS pixel.
  await page.evaluate(() => {
    window.__canvasText = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
      const canvas = this.canvas;
      const rect = canvas.getBoundingClientRect();
      const px = parseFloat(/(\d+(\.\d+)?)px/.exec(this.font)?.[1] ?? 'NaN');
      if (rect.width > 0 && String(text).trim()) {
        const css = (px * Math.hypot(this.getTransform().a, this.getTransform().b)) / (canvas.width / rect.width);
        window.__canvasText.push({ id: canvas.dataset.testid ?? canvas.className, text: String(text), css });
      }
      return fill.call(this, text, ...rest);
    };
  });
  await page.getByTestId('projector').click();
  await until(() => page.locator('main').getAttribute('class'), (c) => c.includes('projector'));
  await setPlaying(page, true);
  await page.waitForTimeout(1200);
  await setPlaying(page, false);
  for (const key of ['n', 'g', 'u', 'l', 'm', 'n']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(700);
  }
  const drawn = await page.evaluate(() => window.__canvasText);
  const canvases = new Set(drawn.map((d) => d.id));
  for (const id of ['plot', 'loss-chart', 'network', 'grad-norm-chart']) {
    assert.ok([...canvases].some((c) => c.includes(id)), `${id} drew text (drew: ${[...canvases].join(', ')})`);
  }
  const small = drawn.filter((d) => d.css < 13.95).map((d) => `${d.id} "${d.text}" ${d.css.toFixed(1)} px`);
  assert.deepEqual([...new Set(small)].slice(0, 12), [], 'canvas text under 14 CSS px in projector mode');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a 390 px phone stacks the page with no horizontal scroll, and Play and Step stay in reach', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#scene=9`, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    folded: true,
  });
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(scrollWidth <= innerWidth, `no horizontal scroll (${scrollWidth} > ${innerWidth})`);
  await screenshot(page, 'layout-390-top');
  // Scrolled to the very bottom, the transport is still on screen.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForTimeout(200);
  for (const id of ['play', 'step']) {
    const b = await page.getByTestId(id).boundingBox();
    assert.ok(b && b.y >= 0 && b.y + b.height <= 844, `${id} is on screen after scrolling: ${JSON.stringify(b)}`);
  }
  await page.getByTestId('play').click();
  await waitForText(page, 'step-count', (t) => Number(t) > 0);
  await screenshot(page, 'layout-390-bottom');
  assert.deepEqual(errors, []);
  await page.close();
});

test('keys work after a checkbox, a slider and the scene menu have had the focus', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#scene=3`);
  const play = page.getByTestId('play');
  // A checkbox has the focus: Space plays instead of ticking it.
  const box = page.getByTestId('show-test');
  await box.click();
  const ticked = await box.isChecked();
  await page.keyboard.press(' ');
  await until(() => play.getAttribute('aria-pressed'), (v) => v === 'true', { what: 'Space to play' });
  assert.equal(await box.isChecked(), ticked, 'Space did not also toggle the checkbox');
  await page.keyboard.press(' ');
  await until(() => play.getAttribute('aria-pressed'), (v) => v === 'false', { what: 'Space to pause' });
  // A slider has the focus: → moves to the next scene and leaves the slider alone.
  await page.getByTestId('lr-slider').focus();
  await page.keyboard.press('ArrowRight');
  await until(() => page.getByTestId('scene').inputValue(), (v) => v === '3', { what: 'scene 4 after →' });
  // Scene 4's own learning rate, not one nudged by the slider.
  assert.equal(await hashValue(page, 'lr'), '0.3');
  // The scene menu has been used: the keys still move between scenes, Page Down too.
  await page.getByTestId('scene').selectOption('5');
  await until(() => page.getByTestId('scene-caption').textContent(), (t) => t.startsWith('Random features, few'));
  await page.keyboard.press('ArrowRight');
  await until(() => page.getByTestId('scene').inputValue(), (v) => v === '6', { what: 'scene 7 after →' });
  await page.keyboard.press('PageDown');
  await until(() => page.getByTestId('scene').inputValue(), (v) => v === '7', { what: 'scene 8 after Page Down' });
  await page.keyboard.press('PageUp');
  await until(() => page.getByTestId('scene').inputValue(), (v) => v === '6', { what: 'scene 7 after Page Up' });
  // A text field keeps its keys; Escape leaves it and the keys work again.
  const lr = page.getByTestId('lr');
  await lr.click();
  await page.keyboard.press('s');
  assert.equal(await text(page, 'step-count'), '0', 'typing s in a text field does not step');
  await page.keyboard.press('Escape');
  await page.keyboard.press('s');
  await waitForText(page, 'step-count', (t) => t === '1');
  // Companion views have keys too.
  await page.keyboard.press('g');
  await until(() => page.getByTestId('companion').getAttribute('data-view'), (v) => v === 'gradients');
  assert.deepEqual(errors, []);
  await page.close();
});

test('with a class tool a click on top of a point adds one; with Trace it rings the nearest', async () => {
  // A dense set: nearly every click lands on a point.
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=gauss&n=2000&split=0`);
  const before = pointCount(await text(page, 'point-count')).total;
  // The densest cluster of class-coloured pixels: certainly on top of a point.
  const points = await findPoints(page);
  assert.ok(points.length > 0, 'points are drawn');
  const target = points.reduce((a, b) => (b.pixels > a.pixels ? b : a));
  const box = await plotBox(page);
  const at = toPage(box, target.at);
  for (let i = 0; i < 5; i++) await page.mouse.click(at.x, at.y);
  await waitForText(page, 'point-count', (t) => pointCount(t).total === before + 5);
  // The Trace tool follows the nearest point and says so in the network view.
  await page.getByTestId('trace-tool').click();
  assert.equal(await page.getByTestId('trace-tool').getAttribute('aria-pressed'), 'true');
  await page.mouse.click(at.x, at.y);
  await page.getByTestId('trace-panel').getByText('Tracing the point').waitFor();
  assert.equal(await page.getByTestId('companion').getAttribute('data-view'), 'network');
  assert.equal(pointCount(await text(page, 'point-count')).total, before + 5, 'tracing adds nothing');
  await screenshot(page, 'layout-trace');
  assert.deepEqual(errors, []);
  await page.close();
});

for (const viewport of [
  { width: 640, height: 360 },
  { width: 400, height: 300 },
]) {
  test(`inside a ${viewport.width}×${viewport.height} slide (embed=1) the plot and Play fit, nothing cut off`, async () => {
    const { page, errors } = await openApp(app.browser, `${app.server.url}#scene=9&embed=1`, { viewport, folded: true });
    await page.waitForTimeout(300);
    const [w, h] = [viewport.width, viewport.height];
    for (const id of ['plot', 'play', 'step', 'reset', 'scene-caption', 'open-full']) {
      const b = await page.getByTestId(id).boundingBox();
      assert.ok(b && b.x >= 0 && b.y >= 0 && b.x + b.width <= w + 0.5 && b.y + b.height <= h + 0.5, `${id} inside: ${JSON.stringify(b)}`);
    }
    for (const id of ['scene', 'projector', 'model', 'dataset']) {
      assert.equal(await page.getByTestId(id).isVisible(), false, `${id} is hidden inside a slide`);
    }
    const scroll = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    assert.ok(scroll[0] <= w && scroll[1] <= h + 1, `no scrolling inside the slide: ${scroll}`);
    // The companion shows beside the plot where there is room for it.
    assert.equal(await page.getByTestId('network').isVisible(), w >= 560);
    await page.getByTestId('play').click();
    await waitForText(page, 'step-count', (t) => Number(t) > 0);
    // The full page opens the same scene without embed.
    const href = await page.getByTestId('open-full').getAttribute('href');
    assert.ok(href.includes('scene=9') && !href.includes('embed='), href);
    await screenshot(page, `layout-embed-${w}x${h}`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
