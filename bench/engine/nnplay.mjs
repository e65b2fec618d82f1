// The nnplay engine compiled to wasm (crates/engine/examples/wasm_bench.rs), loaded with plain
// WebAssembly.instantiate. It also hands out the protocol every peer follows: the 500 circle
// points, the shared initial weights, each network's minibatch size and the engine's own
// minibatch order (one flat list of point indices: a network with minibatches of b points trains
// its step s on order[s·b .. (s + 1)·b]; the engine checks that this is its order for every b).
import { readFile } from 'node:fs/promises';

/** Networks as the wasm exports number them. */
export const NET_INDEX = { W1: 0, W2: 1, W3: 2 };
/** Hidden-layer activation of each network (the output unit is tanh in all). */
export const HIDDEN = { W1: 'tanh', W2: 'relu', W3: 'tanh' };
/** Mirrors crates/engine/examples/bench_protocol: the learning rate (batch sizes come from the module). */
export const LEARNING_RATE = 0.03;
export const GRID = 100;

/**
 * Instantiates the module. The cdylib carries wasm-bindgen's unused describe exports and a
 * few imports that the engine never calls: they are bound to functions that throw.
 */
export async function loadEngine(path) {
  const module = await WebAssembly.compile(await readFile(path));
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') throw new Error(`unexpected wasm import ${imp.module}.${imp.name}`);
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = () => {
      throw new Error(`wasm import ${imp.module}.${imp.name} called`);
    };
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const e = instance.exports;
  e.bench_init();
  // Views are made after each call: memory may have grown and detached older ones.
  const f32 = (ptr, len) => new Float32Array(e.memory.buffer, ptr, len).slice();
  const u32 = (ptr, len) => new Uint32Array(e.memory.buffer, ptr, len).slice();

  const count = e.bench_point_count();
  const flat = f32(e.bench_points(), 3 * count);
  const points = { count, x1: new Float64Array(count), x2: new Float64Array(count), y: new Float64Array(count) };
  for (let i = 0; i < count; i++) {
    points.x1[i] = flat[3 * i];
    points.x2[i] = flat[3 * i + 1];
    points.y[i] = flat[3 * i + 2];
  }
  const order = u32(e.bench_order(), e.bench_order_len());
  if (e.bench_net_count() !== Object.keys(NET_INDEX).length) throw new Error('unexpected number of networks');
  const nets = {};
  for (const [name, index] of Object.entries(NET_INDEX)) {
    e.bench_reset(index);
    const layers = [];
    for (let l = 0; l < e.bench_layer_count(index); l++) {
      const inputs = e.bench_layer_inputs(index, l);
      const outputs = e.bench_layer_outputs(index, l);
      layers.push({
        inputs,
        outputs,
        weights: f32(e.bench_layer_weights(index, l), inputs * outputs),
        bias: f32(e.bench_layer_bias(index, l), outputs),
      });
    }
    const weights = layers.reduce((sum, l) => sum + l.inputs * l.outputs, 0);
    const widths = [layers[0].inputs, ...layers.map((l) => l.outputs)];
    nets[name] = { hidden: HIDDEN[name], batch: e.bench_batch(index), layers, weights, widths };
  }
  const checkSteps = e.bench_check_steps();
  const protocol = { points, order, nets, checkSteps, lr: LEARNING_RATE };
  // Every network's CHECK_STEPS minibatches lie within the order; the peers cycle over them.
  for (const [name, net] of Object.entries(nets)) {
    if (checkSteps * net.batch > order.length) throw new Error(`the order is too short for ${name}`);
  }

  /** The engine as one of the benchmarked implementations. */
  const impl = {
    name: 'nnplay-wasm',
    note: 'Rust engine, wasm32 + simd128, Trainer::step / Trainer::predict_grid',
    async setup() {},
    reset(net) {
      e.bench_reset(NET_INDEX[net]);
    },
    train(net, steps) {
      e.bench_train(NET_INDEX[net], steps);
    },
    mse(net) {
      return e.bench_mse(NET_INDEX[net]);
    },
    grid(reps) {
      return new Float32Array(e.memory.buffer, e.bench_grid(reps), GRID * GRID).slice();
    },
  };
  return { protocol, impl };
}

/** Cell (r, c) of the grid as the engine lays it out: top row at x2 = +1. */
export function gridPoint(cell) {
  const step = 2 / GRID;
  const r = Math.floor(cell / GRID);
  const c = cell - r * GRID;
  return [-1 + (c + 0.5) * step, 1 - (r + 0.5) * step];
}
