// convnetjs 0.3.0 as a peer: fc + tanh/relu layers built by hand (its `regression` shortcut
// would insert an fc layer without the output tanh), trained with its own Trainer.
import convnetjs from 'convnetjs';
import { GRID } from './nnplay.mjs';

function buildNet(net) {
  const layers = [new convnetjs.InputLayer({ out_sx: 1, out_sy: 1, out_depth: net.layers[0].inputs })];
  const last = net.layers.length - 1;
  net.layers.forEach((spec, l) => {
    const shape = { in_sx: 1, in_sy: 1, in_depth: spec.inputs };
    const fc = new convnetjs.FullyConnLayer({ ...shape, num_neurons: spec.outputs });
    for (let j = 0; j < spec.outputs; j++) {
      for (let i = 0; i < spec.inputs; i++) fc.filters[j].w[i] = spec.weights[j * spec.inputs + i];
      fc.biases.w[j] = spec.bias[j];
    }
    layers.push(fc);
    const act = { in_sx: 1, in_sy: 1, in_depth: spec.outputs };
    const relu = l < last && net.hidden === 'relu';
    layers.push(relu ? new convnetjs.ReluLayer(act) : new convnetjs.TanhLayer(act));
  });
  layers.push(new convnetjs.RegressionLayer({ in_sx: 1, in_sy: 1, in_depth: 1 }));
  const model = new convnetjs.Net();
  model.layers = layers;
  return model;
}

/** The convnetjs peer. */
export function convnetImpl(protocol) {
  const { points, order, lr } = protocol;
  const { x1, x2, y } = points;
  const state = {};
  const input = new convnetjs.Vol(1, 1, 2, 0);
  const target = new Float64Array(1);
  const out = new Float32Array(GRID * GRID);
  let gridNet;
  return {
    name: 'convnetjs',
    note: 'convnetjs 0.3.0 Net + Trainer (sgd, momentum 0), Float64Array Vols',
    async setup() {
      gridNet = buildNet(protocol.nets.W1);
    },
    reset(net) {
      const model = buildNet(protocol.nets[net]);
      // Its regression loss is ½(f − y)², whose gradient is half that of (f − y)²: twice the
      // learning rate gives exactly the protocol's update.
      const trainer = new convnetjs.Trainer(model, {
        method: 'sgd',
        learning_rate: 2 * lr,
        // It sums the gradients of batch_size train() calls, divides by batch_size and updates.
        batch_size: protocol.nets[net].batch,
        momentum: 0,
        l1_decay: 0,
        l2_decay: 0,
      });
      // The cursor cycles over the protocol's minibatches (a whole number of them).
      state[net] = { model, trainer, cursor: 0, span: protocol.checkSteps * protocol.nets[net].batch };
    },
    train(net, steps) {
      const s = state[net];
      for (let k = 0; k < steps * protocol.nets[net].batch; k++) {
        const i = order[s.cursor];
        input.w[0] = x1[i];
        input.w[1] = x2[i];
        target[0] = y[i];
        s.trainer.train(input, target);
        s.cursor = s.cursor + 1 === s.span ? 0 : s.cursor + 1;
      }
    },
    mse(net) {
      let sum = 0;
      for (let i = 0; i < points.count; i++) {
        input.w[0] = x1[i];
        input.w[1] = x2[i];
        const e = state[net].model.forward(input, false).w[0] - y[i];
        sum += e * e;
      }
      return sum / points.count;
    },
    grid(reps) {
      const step = 2 / GRID;
      for (let rep = 0; rep < reps; rep++) {
        for (let r = 0; r < GRID; r++) {
          input.w[1] = 1 - (r + 0.5) * step;
          for (let c = 0; c < GRID; c++) {
            input.w[0] = -1 + (c + 0.5) * step;
            out[r * GRID + c] = gridNet.forward(input, false).w[0];
          }
        }
      }
      return out;
    },
  };
}
