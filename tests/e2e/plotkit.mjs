// Helpers for end-to-end tests that look at what the user sees: plot coordinates to pixels,
// canvas pixel reads (accounting for devicePixelRatio), readout text, and polling on conditions
// instead of fixed sleeps. Not a test file itself (no `.test.` in the name).

/** Class colours as the page paints training points (src/paint.rs). */
export const ORANGE = [232, 116, 59]; // class 1, y = +1
export const BLUE = [31, 119, 180]; // class 2, y = −1

/**
 * Polls `probe` (async, returns a value) until `accept(value)` is true; resolves to the value.
 * Throws with the last value seen when `timeout` ms pass.
 */
export async function until(probe, accept = Boolean, { timeout = 5000, interval = 40, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((ok) => setTimeout(ok, interval));
  }
}

/** The text of the element with `data-testid=id`. */
export function text(page, id) {
  return page.getByTestId(id).textContent();
}

/** Polls a readout until `accept(text)`; resolves to the text. */
export function waitForText(page, id, accept, options = {}) {
  return until(() => text(page, id), accept, { what: `${id} text`, ...options });
}

/** The value of `key` in the page's URL hash (null when absent). */
export function hashValue(page, key) {
  return page.evaluate((key) => new URLSearchParams(location.hash.slice(1)).get(key), key);
}

/** Polls the link until `key` holds `value` (null: absent); resolves to it. */
export function waitForHash(page, key, value, options = {}) {
  return until(() => hashValue(page, key), (v) => v === value, { what: `${key}=${value} in the link`, ...options });
}

/** "97.5%" → 97.5, "R² 0.912" → 0.912, "0.6931" → 0.6931, "—" → NaN. */
export function num(s) {
  const m = /-?\d+(\.\d+)?(e-?\d+)?/i.exec(s ?? '');
  return m ? Number(m[0]) : NaN;
}

/** "200 (100 training)" → { total: 200, training: 100 }. */
export function pointCount(s) {
  const m = /^(\d+) \((\d+) training\)$/.exec((s ?? '').trim());
  if (!m) throw new Error(`unexpected point-count text ${JSON.stringify(s)}`);
  return { total: Number(m[1]), training: Number(m[2]) };
}

/** The plot canvas's bounding box in CSS pixels (scrolled fully into view first, for the mouse). */
export async function plotBox(page) {
  const plot = page.getByTestId('plot');
  await plot.scrollIntoViewIfNeeded();
  const box = await plot.boundingBox();
  if (!box) throw new Error('the plot has no bounding box');
  return box;
}

/** Plot coordinates [x1, x2] → CSS pixels relative to the canvas's top-left corner. */
export function toCanvas(box, [x1, x2]) {
  return { x: ((x1 + 1) / 2) * box.width, y: ((1 - x2) / 2) * box.height };
}

/** Plot coordinates [x1, x2] → page (viewport) CSS pixels, for page.mouse. */
export function toPage(box, at) {
  const c = toCanvas(box, at);
  return { x: box.x + c.x, y: box.y + c.y };
}

/**
 * The RGB pixels of canvas `testid` in a disc of `radius` CSS pixels around plot coordinates
 * `at` (read from the backing store, which is the CSS size × devicePixelRatio).
 */
export function pixelsAt(page, at, { radius = 1.5, testid = 'plot' } = {}) {
  return page.evaluate(
    ({ at: [x1, x2], radius, testid }) => {
      const canvas = document.querySelector(`[data-testid="${testid}"]`);
      const rect = canvas.getBoundingClientRect();
      const sx = canvas.width / rect.width;
      const sy = canvas.height / rect.height;
      const cx = ((x1 + 1) / 2) * rect.width * sx;
      const cy = ((1 - x2) / 2) * rect.height * sy;
      const r = Math.max(0, radius * sx);
      const x0 = Math.max(0, Math.floor(cx - r));
      const y0 = Math.max(0, Math.floor(cy - r));
      const w = Math.min(canvas.width, Math.ceil(cx + r) + 1) - x0;
      const h = Math.min(canvas.height, Math.ceil(cy + r) + 1) - y0;
      const data = canvas.getContext('2d').getImageData(x0, y0, w, h).data;
      const out = [];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const dx = x0 + x + 0.5 - cx;
          const dy = y0 + y + 0.5 - cy;
          if (dx * dx + dy * dy <= r * r + 0.5) {
            const i = (y * w + x) * 4;
            out.push([data[i], data[i + 1], data[i + 2]]);
          }
        }
      }
      return out;
    },
    { at, radius, testid },
  );
}

/** Whether two RGB triples are within `tolerance` in every channel. */
export function near(a, b, tolerance = 14) {
  return a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** The fraction (0–1) of the pixels in a small disc at `at` that have colour `rgb`. */
export async function colourFraction(page, at, rgb, options = {}) {
  const pixels = await pixelsAt(page, at, options);
  return pixels.filter((p) => near(p, rgb)).length / Math.max(1, pixels.length);
}

/** Waits until the disc at `at` is (nearly) all `rgb` (a training point of that class is drawn there). */
export function waitForColour(page, at, rgb, options = {}) {
  return until(() => colourFraction(page, at, rgb, options), (f) => f >= 0.9, {
    what: `colour ${rgb} at plot ${at}`,
    ...options,
  });
}

/** Waits until the disc at `at` has (almost) none of colour `rgb`. */
export function waitForNoColour(page, at, rgb, options = {}) {
  return until(() => colourFraction(page, at, rgb, options), (f) => f <= 0.1, {
    what: `no colour ${rgb} at plot ${at}`,
    ...options,
  });
}

/**
 * Keeps a copy of canvas `testid`'s pixels inside the page and returns its index, for
 * {@link changedFraction}; also returns a short hash of the pixels.
 */
export function snapshotCanvas(page, testid = 'plot') {
  return page.evaluate((testid) => {
    const canvas = document.querySelector(`[data-testid="${testid}"]`);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 1) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
    const snaps = (window.__e2eSnapshots ??= []);
    snaps.push({ data: data.slice(), width: canvas.width, height: canvas.height });
    return { index: snaps.length - 1, hash: hash.toString(16), width: canvas.width, height: canvas.height };
  }, testid);
}

/** The fraction of pixels whose colour differs by more than `tolerance` between two snapshots. */
export function changedFraction(page, a, b, tolerance = 24) {
  return page.evaluate(
    ({ a, b, tolerance }) => {
      const [p, q] = [window.__e2eSnapshots[a], window.__e2eSnapshots[b]];
      if (p.width !== q.width || p.height !== q.height) return 1;
      let changed = 0;
      for (let i = 0; i < p.data.length; i += 4) {
        const d = Math.max(
          Math.abs(p.data[i] - q.data[i]),
          Math.abs(p.data[i + 1] - q.data[i + 1]),
          Math.abs(p.data[i + 2] - q.data[i + 2]),
        );
        if (d > tolerance) changed += 1;
      }
      return changed / (p.data.length / 4);
    },
    { a, b, tolerance },
  );
}

/** Presses `play` if training is not already in the wanted state, and waits for the toggle. */
export async function setPlaying(page, on) {
  const play = page.getByTestId('play');
  if ((await play.getAttribute('aria-pressed')) !== String(on)) await play.click();
  await until(() => play.getAttribute('aria-pressed'), (v) => v === String(on), { what: `play ${on}` });
}

/**
 * The first of `candidates` (plot coordinates) whose surroundings (a disc of `radius` CSS px)
 * are plain background: no point, axis line or label, so a click there lands on empty space.
 */
export async function findEmptySpot(page, candidates, { radius = 14, spread = 24 } = {}) {
  for (const at of candidates) {
    const px = await pixelsAt(page, at, { radius });
    const range = [0, 1, 2].map((c) => Math.max(...px.map((p) => p[c])) - Math.min(...px.map((p) => p[c])));
    if (Math.max(...range) <= spread) return at;
  }
  throw new Error(`no empty spot among ${JSON.stringify(candidates)}`);
}

/** A grid of candidate spots away from the axes, grid lines and the plot's edges. */
export function candidateSpots() {
  const ticks = [-0.85, -0.7, -0.3, -0.15, 0.15, 0.3, 0.7, 0.85];
  return ticks.flatMap((x1) => ticks.map((x2) => [x1, x2]));
}

/**
 * The points drawn on the plot, found from its pixels: clusters of class-coloured pixels, each
 * with its centre in plot coordinates, its colour ('orange' | 'blue') and whether its centre is
 * filled (a training point) or not (a hollow test point). For sparse plots only.
 */
export function findPoints(page) {
  return page.evaluate(
    ({ colours }) => {
      const canvas = document.querySelector('[data-testid="plot"]');
      const { width: w, height: h } = canvas;
      const scale = w / canvas.getBoundingClientRect().width;
      const data = canvas.getContext('2d').getImageData(0, 0, w, h).data;
      const near = (i, c) => c.every((v, k) => Math.abs(data[i + k] - v) <= 14);
      const clusters = [];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 4;
          const name = Object.keys(colours).find((n) => near(i, colours[n]));
          if (!name) continue;
          let c = clusters.find((q) => q.name === name && Math.hypot(q.sx / q.n - x, q.sy / q.n - y) < 8 * scale);
          if (!c) clusters.push((c = { name, sx: 0, sy: 0, n: 0 }));
          c.sx += x;
          c.sy += y;
          c.n += 1;
        }
      }
      return clusters.map((c) => {
        const [cx, cy] = [c.sx / c.n, c.sy / c.n];
        const i = (Math.round(cy) * w + Math.round(cx)) * 4;
        return {
          at: [((cx + 0.5) / w) * 2 - 1, 1 - ((cy + 0.5) / h) * 2],
          colour: c.name,
          filled: near(i, colours[c.name]),
          pixels: c.n,
        };
      });
    },
    { colours: { orange: ORANGE, blue: BLUE } },
  );
}
