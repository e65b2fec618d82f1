// Issue 15, item 2: a colour-blind-safe palette. The checkbox repaints the plot's points and
// map in Okabe and Ito's colours, with a shape per class (a disc and a square for two classes),
// the swatches follow through the stylesheet's variables, and the choice is this browser's:
// it survives a reload but never enters the link. Screenshots: target/screenshots/palette-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openForTest, screenshot, showCompanion, useAppServer } from './harness.mjs';
import {
  ORANGE,
  BLUE,
  until,
  waitForText,
  plotBox,
  toPage,
  waitForColour,
  waitForNoColour,
  snapshotCanvas,
  changedFraction,
  setPlaying,
} from './plotkit.mjs';

const app = useAppServer();

/** Okabe and Ito's vermillion and blue: classes 1 and 2 in the colour-blind-safe palette. */
const VERMILLION = [213, 94, 0];
const CB_BLUE = [0, 114, 178];

/** Where the test draws its two points (plot coordinates). */
const A = [-0.5, 0.5];
const B = [0.5, -0.5];

async function clickPlot(page, at) {
  const p = toPage(await plotBox(page), at);
  await page.mouse.click(p.x, p.y);
}

/**
 * How much of its bounding box the pixels of colour `rgb` near plot point `at` fill: about
 * π/4 for a disc, close to 1 for a square.
 */
function fill(page, at, rgb) {
  return page.evaluate(
    ({ at: [x1, x2], rgb }) => {
      const canvas = document.querySelector('[data-testid="plot"]');
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const cx = ((x1 + 1) / 2) * canvas.width;
      const cy = ((1 - x2) / 2) * canvas.height;
      const r = Math.round(12 * scale);
      const [x0, y0] = [Math.round(cx) - r, Math.round(cy) - r];
      const data = canvas.getContext('2d').getImageData(x0, y0, 2 * r, 2 * r).data;
      let [n, left, right, top, bottom] = [0, Infinity, -Infinity, Infinity, -Infinity];
      for (let y = 0; y < 2 * r; y++) {
        for (let x = 0; x < 2 * r; x++) {
          const i = (y * 2 * r + x) * 4;
          if (rgb.every((v, k) => Math.abs(data[i + k] - v) <= 14)) {
            n += 1;
            [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
          }
        }
      }
      return n === 0 ? 0 : n / ((right - left + 1) * (bottom - top + 1));
    },
    { at, rgb },
  );
}

/** The palette checkbox, the root's palette class and the kept choice, as the page has them. */
function paletteState(page) {
  return page.evaluate(() => ({
    ticked: document.querySelector('[data-testid=palette]').checked,
    safe: document.querySelector('main').classList.contains('palette-cb'),
    stored: localStorage.getItem('nnplay:palette'),
    hash: location.hash,
  }));
}

test('the colour-blind-safe palette repaints the points and the map, shapes the classes, and survives a reload', async (t) => {
  const { page, errors } = await openForTest(app, t, '#dataset=xor&model=linear&lr=1&split=0', {
    deviceScaleFactor: 2,
  });
  const opened = await paletteState(page);
  assert.deepEqual([opened.ticked, opened.safe, opened.stored], [false, false, 'standard']);
  // Two points, one of each class, alone on the plot.
  await page.getByTestId('clear').click();
  await waitForText(page, 'point-count', (s) => s.startsWith('0 '));
  await page.getByTestId('class-1').click();
  await clickPlot(page, A);
  await page.getByTestId('class-2').click();
  await clickPlot(page, B);
  await waitForText(page, 'point-count', (s) => s === '2 (2 training)');
  // Train a moment, so the map leans towards each class around its point.
  await setPlaying(page, true);
  await waitForText(page, 'step-count', (s) => Number(s) >= 50);
  await setPlaying(page, false);
  await waitForColour(page, A, ORANGE);
  await waitForColour(page, B, BLUE);
  assert.ok((await fill(page, B, BLUE)) < 0.85, 'class 2 is a disc in the standard palette');
  const before = await snapshotCanvas(page);

  await page.getByTestId('palette').check();
  await waitForColour(page, A, VERMILLION);
  await waitForColour(page, B, CB_BLUE);
  await waitForNoColour(page, A, ORANGE);
  const after = await snapshotCanvas(page);
  // The map is repainted too, not only the points.
  assert.ok((await changedFraction(page, before.index, after.index, 12)) > 0.3, 'the map changed colour');
  // A disc for class 1, a square for class 2.
  const [disc, square] = [await fill(page, A, VERMILLION), await fill(page, B, CB_BLUE)];
  assert.ok(disc > 0.6 && disc < 0.85, `class 1 is a disc (fills ${disc.toFixed(2)} of its box)`);
  assert.ok(square > 0.9, `class 2 is a square (fills ${square.toFixed(2)} of its box)`);
  // The stylesheet follows: the class swatches in the new colours, class 2's square.
  const css = await page.evaluate(() => {
    const swatch = (k) => getComputedStyle(document.querySelector(`[data-testid=class-${k}] .swatch`));
    return {
      variable: getComputedStyle(document.querySelector('main')).getPropertyValue('--class-1').trim(),
      one: swatch(1).backgroundColor,
      two: swatch(2).backgroundColor,
      corner: swatch(2).borderTopLeftRadius,
    };
  });
  assert.deepEqual(css, { variable: 'rgb(213, 94, 0)', one: 'rgb(213, 94, 0)', two: 'rgb(0, 114, 178)', corner: '0px' });
  await screenshot(page, 'palette-cb');
  const chosen = await paletteState(page);
  assert.equal(chosen.ticked, true);
  assert.equal(chosen.safe, true);
  assert.equal(chosen.stored, 'cb');
  assert.doesNotMatch(chosen.hash, /palette|cb/, 'the palette is no part of the link');

  // A reload keeps it (the points come back from the link, the palette from this browser).
  await page.reload();
  await page.getByTestId('plot').waitFor({ state: 'visible' });
  await waitForText(page, 'point-count', (s) => s === '2 (2 training)');
  assert.equal((await paletteState(page)).ticked, true);
  await waitForColour(page, A, VERMILLION);
  await waitForColour(page, B, CB_BLUE);

  // And unticking brings the standard colours back, for the next visits too.
  await page.getByTestId('palette').uncheck();
  await waitForColour(page, A, ORANGE);
  await waitForColour(page, B, BLUE);
  await until(() => paletteState(page), (s) => !s.safe && s.stored === 'standard', { what: 'the standard palette kept' });
  assert.deepEqual(errors, []);
});

test('with several classes each swatch takes its class shape, and the matrices repaint', async (t) => {
  const { page, errors } = await openForTest(app, t, '#scene=14');
  await showCompanion(page, 'gradients');
  const before = await snapshotCanvas(page, 'grad-matrices');
  await page.getByTestId('palette').check();
  await until(() => page.evaluate(() => document.querySelector('main').classList.contains('palette-cb')), Boolean);
  const shapes = await page.evaluate(() =>
    [1, 2, 3].map((k) => getComputedStyle(document.querySelector(`[data-testid=class-${k}] .swatch`)).clipPath),
  );
  assert.equal(shapes[0], 'none', 'class 1: a disc');
  assert.equal(shapes[1], 'none', 'class 2: a square (square corners, nothing clipped)');
  assert.match(shapes[2], /^polygon/, 'class 3: a triangle');
  // The weight matrices are drawn on the new diverging scale.
  await until(
    async () => changedFraction(page, before.index, (await snapshotCanvas(page, 'grad-matrices')).index, 12),
    (f) => f > 0.02,
    { what: 'the matrices in the new colours' },
  );
  await screenshot(page, 'palette-cb-three-classes');
  assert.deepEqual(errors, []);
});
