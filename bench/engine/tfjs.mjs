// TensorFlow.js 4.22.0 as a peer, on its `cpu` backend (plain JavaScript kernels) and on its
// `wasm` backend (XNNPACK compiled to wasm; in Node.js the SIMD, single-threaded binary that
// ships in @tensorflow/tfjs-backend-wasm/dist). The model is written with the core ops and
// trained with tf.train.sgd().minimize(); every minibatch (the protocol's CHECK_STEPS of each
// batch size, cycled over) is a tensor made once up front, so the timed loop is only the
// optimizer step.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { GRID } from './nnplay.mjs';

const require = createRequire(import.meta.url);

/** Loads tfjs and the wasm backend; both share the one @tensorflow/tfjs-core. */
async function loadTf() {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Production mode skips tfjs's debug checks, as a deployed page would (it also silences the
  // Node.js banner recommending tfjs-node, a native library and so not a browser peer).
  tf.enableProdMode();
  return { tf, wasm };
}

/** A tfjs peer on the given backend ('cpu' or 'wasm'). */
export function tfjsImpl(protocol, backend) {
  const { points, order, lr } = protocol;
  let tf;
  let data; // all points, for the MSE
  let batches; // batch size → [x, y] tensors of the first checkSteps minibatches in the engine's order
  let gridX;
  let gridParams;
  const state = {};

  const makeParams = (net) =>
    net.layers.map((l) => {
      // tfjs computes x·W with W as inputs × outputs: transpose the engine's row-major layout.
      const kernel = new Float32Array(l.inputs * l.outputs);
      for (let j = 0; j < l.outputs; j++) {
        for (let i = 0; i < l.inputs; i++) kernel[i * l.outputs + j] = l.weights[j * l.inputs + i];
      }
      return {
        w: tf.variable(tf.tensor2d(kernel, [l.inputs, l.outputs])),
        b: tf.variable(tf.tensor1d(l.bias)),
      };
    });

  const forward = (params, hidden, x) => {
    let h = x;
    params.forEach((p, l) => {
      const z = tf.add(tf.matMul(h, p.w), p.b);
      h = l < params.length - 1 && hidden === 'relu' ? tf.relu(z) : tf.tanh(z);
    });
    return h;
  };

  const dispose = (params) => params?.forEach((p) => tf.dispose([p.w, p.b]));

  return {
    name: `tfjs-${backend}`,
    note: `@tensorflow/tfjs 4.22.0, ${backend} backend, core ops + tf.train.sgd().minimize()`,
    async setup() {
      const loaded = await loadTf();
      tf = loaded.tf;
      if (backend === 'wasm') {
        const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
        loaded.wasm.setWasmPaths(dist);
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
      await tf.ready();
      if (backend === 'wasm') {
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        this.note += simd ? ', SIMD binary' : ', non-SIMD binary';
        this.note += threads ? ', threaded' : ', single-threaded';
      }
      const xy = new Float32Array(2 * points.count);
      for (let i = 0; i < points.count; i++) {
        xy[2 * i] = points.x1[i];
        xy[2 * i + 1] = points.x2[i];
      }
      data = [tf.tensor2d(xy, [points.count, 2]), tf.tensor2d(Float32Array.from(points.y), [points.count, 1])];
      batches = new Map();
      for (const { batch } of Object.values(protocol.nets)) {
        if (batches.has(batch)) continue;
        const list = [];
        for (let start = 0; start < protocol.checkSteps * batch; start += batch) {
          const bx = new Float32Array(2 * batch);
          const by = new Float32Array(batch);
          for (let k = 0; k < batch; k++) {
            const i = order[start + k];
            bx[2 * k] = points.x1[i];
            bx[2 * k + 1] = points.x2[i];
            by[k] = points.y[i];
          }
          list.push([tf.tensor2d(bx, [batch, 2]), tf.tensor2d(by, [batch, 1])]);
        }
        batches.set(batch, list);
      }
      const grid = new Float32Array(2 * GRID * GRID);
      const step = 2 / GRID;
      for (let r = 0; r < GRID; r++) {
        for (let c = 0; c < GRID; c++) {
          grid[2 * (r * GRID + c)] = -1 + (c + 0.5) * step;
          grid[2 * (r * GRID + c) + 1] = 1 - (r + 0.5) * step;
        }
      }
      gridX = tf.tensor2d(grid, [GRID * GRID, 2]);
      gridParams = makeParams(protocol.nets.W1);
    },
    reset(net) {
      dispose(state[net]?.params);
      state[net] = {
        params: makeParams(protocol.nets[net]),
        hidden: protocol.nets[net].hidden,
        batches: batches.get(protocol.nets[net].batch),
        optimizer: tf.train.sgd(lr),
        cursor: 0,
      };
    },
    train(net, steps) {
      const s = state[net];
      const vars = s.params.flatMap((p) => [p.w, p.b]);
      for (let k = 0; k < steps; k++) {
        const [x, y] = s.batches[s.cursor];
        s.optimizer.minimize(() => tf.mean(tf.square(tf.sub(forward(s.params, s.hidden, x), y))), false, vars);
        s.cursor = s.cursor + 1 === s.batches.length ? 0 : s.cursor + 1;
      }
      s.params[0].b.dataSync(); // make sure the work is done before the clock stops
    },
    mse(net) {
      const s = state[net];
      return tf.tidy(() => tf.mean(tf.square(tf.sub(forward(s.params, s.hidden, data[0]), data[1])))).dataSync()[0];
    },
    grid(reps) {
      let out;
      for (let r = 0; r < reps; r++) {
        const t = tf.tidy(() => forward(gridParams, 'tanh', gridX));
        out = t.dataSync();
        t.dispose();
      }
      return out;
    },
    teardown() {
      for (const s of Object.values(state)) dispose(s.params);
      dispose(gridParams);
      tf.dispose([...data, ...[...batches.values()].flat(2), gridX]);
    },
  };
}
