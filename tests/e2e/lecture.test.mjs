// Lecture mode as a lecturer and a student use it: shared links reproduce a scene exactly,
// every built-in scene loads and trains, shortcuts work, and a broken link loses nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openApp, screenshot, useAppServer } from './harness.mjs';
import { num } from './plotkit.mjs';

const app = useAppServer();

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();

async function stepTimes(page, n) {
  for (let i = 0; i < n; i++) await page.getByTestId('step').click();
}

test('a shared link with hand-drawn points reproduces the points and the training run', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=xor&model=mlp&layers=4&act=tanh&lr=0.3&seed=7`);
  await page.getByTestId('clear').click();
  const box = await page.getByTestId('plot').boundingBox();
  const spots = [[0.2, 0.2, '1'], [0.8, 0.8, '1'], [0.2, 0.8, '2'], [0.8, 0.2, '2'], [0.5, 0.3, '1'], [0.3, 0.6, '2']];
  for (const [fx, fy, key] of spots) {
    await page.keyboard.press(key);
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  }
  // Drag one point somewhere else, as a user would.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45, { steps: 5 });
  await page.mouse.up();
  assert.match(await text(page, 'point-count'), /^6 /);
  const link = await page.evaluate(() => location.href);
  assert.match(link, /pts=1/);
  await stepTimes(page, 20);
  const original = [await text(page, 'train-loss'), await text(page, 'train-acc')];

  const { page: other, errors: otherErrors } = await openApp(app.browser, link);
  assert.match(await text(other, 'point-count'), /^6 /);
  await stepTimes(other, 20);
  assert.deepEqual([await text(other, 'train-loss'), await text(other, 'train-acc')], original);
  assert.deepEqual(errors, []);
  assert.deepEqual(otherErrors, []);
  await page.close();
  await other.close();
});

test('every built-in scene loads, shows its caption and trains', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  const count = await page.getByTestId('scene').locator('option').count();
  assert.ok(count >= 10, `${count - 1} scenes`);
  for (let i = 0; i < count - 1; i++) {
    await page.getByTestId('scene').selectOption(String(i));
    const caption = await text(page, 'scene-caption');
    assert.ok(caption.length > 80, `scene ${i + 1} caption: ${caption}`);
    const before = Number(await text(page, 'step-count'));
    assert.equal(before, 0);
    await stepTimes(page, 3);
    assert.equal(Number(await text(page, 'step-count')), 3);
    assert.doesNotMatch(await text(page, 'train-loss'), /NaN|—/);
  }
  await screenshot(page, 'scene-last');
  assert.deepEqual(errors, []);
  await page.close();
});

test('keyboard shortcuts drive the lecture', async () => {
  const { page, errors } = await openApp(app.browser, app.server.url);
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('scene').inputValue(), '0');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByTestId('scene').inputValue(), '1');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByTestId('scene').inputValue(), '0');
  await page.keyboard.press('s');
  assert.equal(await text(page, 'step-count'), '1');
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) > 5);
  await page.keyboard.press(' ');
  assert.equal(await page.getByTestId('play').getAttribute('aria-pressed'), 'false');
  await page.keyboard.press('r');
  assert.equal(await text(page, 'step-count'), '0');
  await page.keyboard.press('p');
  assert.equal(await page.getByTestId('projector').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('batch').isVisible(), false, 'advanced controls hide in projector mode');
  await page.keyboard.press('?');
  await page.getByTestId('shortcuts').waitFor();
  await screenshot(page, 'shortcuts-projector');
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a malformed link says what it ignored and still works', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=ring&pts=1%21%21&lr=abc&layers=4,zz&bogus=%E0%A4`);
  const notice = await text(page, 'notice');
  assert.match(notice, /points in the link/);
  assert.match(notice, /lr=abc/);
  assert.match(notice, /layers/);
  assert.match(notice, /bogus/);
  assert.equal(await page.getByTestId('dataset').inputValue(), 'ring');
  assert.match(await text(page, 'point-count'), /^200 /);
  await stepTimes(page, 2);
  assert.equal(await text(page, 'step-count'), '2');
  await screenshot(page, 'malformed-link');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a bad data file shows what is wrong and keeps the points; a good one loads', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=circle&n=150`);
  const before = await text(page, 'point-count');
  const upload = page.getByTestId('upload-data');
  await upload.setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,y\n0.5,zero,1\n') });
  await page.getByTestId('notice').getByText('broken.csv').waitFor();
  assert.match(await text(page, 'notice'), /line 2: x2 = 'zero' is not a number.*unchanged/);
  await upload.setInputFiles({ name: 'binary.csv', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 159, 146, 150, 0, 1]) });
  await page.getByTestId('notice').getByText('binary.csv').waitFor();
  assert.equal(await text(page, 'point-count'), before);
  await screenshot(page, 'bad-file');
  const good = 'x1,x2,y,split\n0.5,0.5,1,train\n-0.5,-0.5,1,train\n0.5,-0.5,-1,train\n-0.5,0.5,-1,test\n';
  await upload.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByTestId('notice').getByText('Loaded 4 points').waitFor();
  assert.match(await text(page, 'point-count'), /^4 \(3 training\)/);
  assert.match(await page.evaluate(() => location.hash), /pts=1/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the last scene comes back on the next visit, with a way to start fresh', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=spiral&model=linear`);
  await page.goto('about:blank');
  await page.goto(app.server.url);
  await page.getByTestId('restored').waitFor();
  assert.equal(await page.getByTestId('dataset').inputValue(), 'spiral');
  assert.equal(await page.getByTestId('model').inputValue(), 'linear');
  await page.getByTestId('start-fresh').click();
  assert.equal(await page.getByTestId('dataset').inputValue(), 'xor');
  assert.equal(await page.getByTestId('model').inputValue(), 'mlp');
  assert.equal(await page.getByTestId('restored').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('points, model and plot download as files a user can open again', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=ring&n=60`);
  await page.getByTestId('step').click();
  const fetchDownload = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    const stream = await download.createReadStream();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return [download.suggestedFilename(), Buffer.concat(chunks)];
  };
  const [csvName, csv] = await fetchDownload('download-csv');
  assert.equal(csvName, 'nnplay-points.csv');
  const rows = csv.toString().trim().split('\n');
  assert.equal(rows[0], 'x1,x2,y,split');
  assert.equal(rows.length, 61);
  const [, json] = await fetchDownload('download-json');
  assert.equal(JSON.parse(json.toString()).points.length, 60);
  const [, model] = await fetchDownload('export-model');
  const layers = JSON.parse(model.toString()).layers;
  assert.equal(layers.at(-1).outputs, 1);
  const [pngName, png] = await fetchDownload('export-png');
  assert.equal(pngName, 'nnplay-plot.png');
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  // The run as Python: run the script, and it ends where the page is (one step, same loss).
  const [scriptName, script] = await fetchDownload('export-script');
  assert.equal(scriptName, 'nnplay.py');
  const printed = execFileSync('python3', ['-'], { input: script }).toString();
  const loss = Number(/After 1 steps: training loss ([0-9.e+-]+)/.exec(printed)?.[1]);
  const shown = num(await text(page, 'train-loss'));
  assert.ok(Math.abs(loss - shown) <= 1e-4 * Math.max(1, shown), `script ${loss} vs page ${shown}: ${printed}`);
  const [notebookName, notebook] = await fetchDownload('export-notebook');
  assert.equal(notebookName, 'nnplay.ipynb');
  assert.equal(JSON.parse(notebook.toString()).nbformat, 4);
  // The CSV goes back in unchanged.
  await page.getByTestId('upload-data').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: csv });
  await page.getByTestId('notice').getByText('Loaded 60 points').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('display choices and the scene travel in the link', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=xor&model=features&features=x1,x2,x1x2&scene=4&test=0&hard=1&logloss=0`);
  assert.match(await text(page, 'scene-caption'), /hand-made feature/i);
  assert.equal(await page.getByTestId('show-test').isChecked(), false);
  assert.equal(await page.getByTestId('discretize').isChecked(), true);
  assert.equal(await page.getByTestId('log-scale').isChecked(), false);
  await page.getByTestId('show-test').check();
  assert.match(await page.evaluate(() => location.hash), /test=1/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the random lines Mx + b = 0 can be drawn on the plot', async () => {
  const { page, errors } = await openApp(app.browser, `${app.server.url}#dataset=circle&model=random&rf=sign&k=5`);
  const pixels = () =>
    page.evaluate(() => {
      const c = document.querySelector('[data-testid=plot]');
      return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 13 === 0));
    });
  const without = await pixels();
  await page.getByTestId('show-lines').check();
  const withLines = await pixels();
  const changed = without.filter((v, i) => Math.abs(v - withLines[i]) > 20).length;
  assert.ok(changed > 200, `only ${changed} samples changed`);
  assert.match(await page.evaluate(() => location.hash), /lines=1/);
  assert.deepEqual(errors, []);
  await page.close();
});
