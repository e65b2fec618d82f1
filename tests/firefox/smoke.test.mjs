// The end-to-end smoke tests in Firefox: Debian's firefox-esr, driven over WebDriver by
// geckodriver (from crates.io) with selenium-webdriver, console errors collected over WebDriver
// BiDi. The page loads, a network learns XOR to 95%, a point is added, dragged and deleted, and
// a lab trains. Only stable test ids (README, automation contract) and DOM conditions are used;
// every wait polls a condition, none sleeps a fixed time. Screenshots: target/screenshots/firefox-*.png.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Builder, By } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import LogInspector from 'selenium-webdriver/bidi/logInspector.js';
import { dist, screenshots, serve } from '../e2e/harness.mjs';
import { until, num } from '../e2e/plotkit.mjs';

// Never let selenium's driver manager reach for the network: the binaries are given below.
process.env.SE_OFFLINE = 'true';
const FIREFOX = process.env.FIREFOX_BIN ?? '/usr/bin/firefox-esr';
const GECKODRIVER = process.env.GECKODRIVER ?? join(homedir(), '.cargo', 'bin', 'geckodriver');

let driver;
let server;
const errors = [];

before(async () => {
  for (const [what, path] of [['firefox-esr', FIREFOX], ['geckodriver', GECKODRIVER]]) {
    assert.ok(existsSync(path), `${what} is missing at ${path}: bash scripts/setup.sh --tests installs it`);
  }
  server = await serve(dist);
  const options = new firefox.Options()
    .setBinary(FIREFOX)
    .addArguments('-headless', '--width=1280', '--height=900')
    // Keep Firefox off the (closed) network: no updates, telemetry, safe browsing or portal checks.
    .setPreference('app.update.disabledForTesting', true)
    .setPreference('browser.safebrowsing.update.enabled', false)
    .setPreference('network.captive-portal-service.enabled', false)
    .setPreference('network.connectivity-service.enabled', false)
    .setPreference('datareporting.policy.dataSubmissionEnabled', false)
    .setPreference('toolkit.telemetry.enabled', false)
    .enableBidi();
  driver = await new Builder()
    .forBrowser('firefox')
    .setFirefoxOptions(options)
    .setFirefoxService(new firefox.ServiceBuilder(GECKODRIVER))
    .build();
  const logs = await LogInspector(driver);
  await logs.onConsoleEntry((entry) => entry.level === 'error' && errors.push(entry.text));
  await logs.onJavascriptException((entry) => errors.push(entry.text));
});

after(async () => {
  await driver?.quit();
  await server?.close();
});

// Whatever a test leaves running (training) stops with the next page load; errors are per test.
afterEach(() => {
  errors.length = 0;
});

const byId = (id) => driver.findElement(By.css(`[data-testid="${id}"]`));
// The element's text as the DOM holds it, as the Chromium tests read it (narrow readouts hide
// part of it from view: "200 (100 training)" shows as "200 (100)").
const text = async (id) => (await byId(id).getAttribute('textContent')).trim();

/** Polls the readout `id` until `accept(text)`; resolves to the text. */
function waitForText(id, accept, timeout = 10_000) {
  return until(() => text(id).catch(() => ''), accept, { timeout, interval: 100, what: `${id} text` });
}

/** Opens the app at `hash` in a fresh document and waits until the plot is on screen. */
async function open(hash = '') {
  await driver.get('about:blank');
  await driver.get(server.url + hash);
  const plot = await until(
    () => byId('plot').then((el) => el.getRect()).catch(() => null),
    (rect) => rect && rect.width > 100 && rect.height > 100,
    { timeout: 20_000, interval: 100, what: 'the plot' },
  );
  return plot;
}

/** Sets training on or off with the play button, waiting for its aria-pressed state. */
async function setPlaying(on) {
  if ((await byId('play').getAttribute('aria-pressed')) !== String(on)) await byId('play').click();
  await until(() => byId('play').getAttribute('aria-pressed'), (v) => v === String(on), { what: `play ${on}` });
}

/** Saves a screenshot to target/screenshots/firefox-<name>.png. */
async function screenshot(name) {
  await mkdir(screenshots, { recursive: true });
  await writeFile(join(screenshots, `firefox-${name}.png`), await driver.takeScreenshot(), 'base64');
}

/** The plot, scrolled to the middle of the window, for pointer actions on it. */
async function plotInView() {
  const plot = await byId('plot');
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', plot);
  return { plot, rect: await plot.getRect() };
}

/**
 * The pointer offset from the plot's centre to plot coordinates (x1, x2): x1 = −1 … 1 from the
 * left edge to the right, x2 = 1 … −1 from the top to the bottom.
 */
const offset = (rect, [x1, x2]) => ({ x: Math.round((x1 * rect.width) / 2), y: Math.round((-x2 * rect.height) / 2) });

/** Clicks the plot at plot coordinates `at` (the right button with `right`). */
async function clickPlot(at, { right = false } = {}) {
  const { plot, rect } = await plotInView();
  const actions = driver.actions().move({ origin: plot, ...offset(rect, at) });
  await (right ? actions.contextClick() : actions.click()).perform();
}

const points = (total) => (t) => t === `${total} (${total} training)`;

test('the page loads with a sized plot and no console errors', async () => {
  const plot = await open();
  assert.ok(plot.width > 100 && plot.height > 100, JSON.stringify(plot));
  assert.equal(await text('title'), 'nnplay');
  assert.match(await text('point-count'), /^\d+ \(\d+ training\)$/);
  await screenshot('loaded');
  assert.deepEqual(errors, []);
});

test('an 8-8 tanh network learns XOR to 95% test accuracy', async () => {
  await open('#dataset=xor&model=mlp&layers=8,8&act=tanh&lr=0.03&batch=10&opt=sgd&speed=normal');
  assert.equal(await text('step-count'), '0');
  const lossBefore = num(await text('train-loss'));
  await setPlaying(true);
  const accuracy = await waitForText('test-acc', (t) => num(t) >= 95, 30_000);
  await setPlaying(false);
  const lossAfter = num(await text('train-loss'));
  assert.ok(lossAfter < lossBefore * 0.6, `training loss ${lossBefore} → ${lossAfter}`);
  assert.ok(num(await text('step-count')) > 0);
  await screenshot('xor-trained');
  assert.deepEqual(errors, [], `after reaching ${accuracy}`);
});

test('a point can be added, dragged and deleted', async () => {
  await open('#dataset=xor');
  await byId('clear').click();
  await waitForText('point-count', points(0));
  const start = [-0.5, 0.5];
  const moved = [0.4, -0.4];

  await byId('class-1').click();
  await clickPlot(start);
  await waitForText('point-count', points(1));

  // Drag it (the synchronised action form: press, move in steps, release).
  const { plot, rect } = await plotInView();
  const from = offset(rect, start);
  const to = offset(rect, moved);
  let actions = driver.actions().move({ origin: plot, ...from }).press();
  for (let i = 1; i <= 8; i++) {
    actions = actions.move({ origin: plot, x: Math.round(from.x + ((to.x - from.x) * i) / 8), y: Math.round(from.y + ((to.y - from.y) * i) / 8) });
  }
  await actions.release().perform();
  await waitForText('point-count', points(1));

  // Nothing is left where it started: a right-click there deletes nothing (a Step press makes
  // the readouts refresh, so the count below is current) ...
  await clickPlot(start, { right: true });
  await byId('step').click();
  await waitForText('step-count', (t) => num(t) >= 1);
  assert.equal(await text('point-count'), '1 (1 training)', 'the point left its starting place');
  // ... and a right-click where it was dropped deletes it.
  await clickPlot(moved, { right: true });
  await waitForText('point-count', points(0));
  await screenshot('point-deleted');
  assert.deepEqual(errors, []);
});

test('the feature-space lab trains until one line separates the classes', async () => {
  await open();
  const scene = await byId('scene');
  const options = await scene.findElements(By.css('option'));
  const titles = await Promise.all(options.map((o) => o.getText()));
  const index = titles.findIndex((t) => t.includes('The last layer is a linear model'));
  assert.ok(index > 0, titles.join(' | '));
  await options[index].click();
  const view = await until(
    () => byId('feature-space').catch(() => null),
    Boolean,
    { timeout: 10_000, interval: 100, what: 'the feature-space lab' },
  );
  assert.equal(await view.getAttribute('data-exact'), 'true');
  const correct = async () => {
    const el = await byId('space-correct');
    return Number(await el.getAttribute('data-correct')) / Number(await el.getAttribute('data-total'));
  };
  const before = await correct();
  await setPlaying(true);
  const after = await until(correct, (f) => f >= 0.95, { timeout: 30_000, interval: 100, what: 'a separating line' });
  await setPlaying(false);
  assert.ok(after > before, `${before} → ${after}`);
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', view);
  await screenshot('lab-feature-space');
  assert.deepEqual(errors, []);
});
