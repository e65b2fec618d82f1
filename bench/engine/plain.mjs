// A plain JavaScript MLP written for the benchmark: per-sample loops over Float64Arrays,
// Math.tanh, no allocation in the loops. This is the straightforward way to write the
// playground's engine in JavaScript (the way TensorFlow Playground's nn.ts works, minus its
// per-neuron objects), and the baseline the engine's targets are stated against.
import { GRID } from './nnplay.mjs';

class PlainNet {
  constructor(net) {
    const layers = net.layers;
    this.L = layers.length;
    this.relu = net.hidden === 'relu';
    this.sizes = [layers[0].inputs, ...layers.map((l) => l.outputs)];
    this.W = layers.map((l) => Float64Array.from(l.weights)); // row-major, outputs × inputs
    this.b = layers.map((l) => Float64Array.from(l.bias));
    this.gW = layers.map((l) => new Float64Array(l.weights.length));
    this.gb = layers.map((l) => new Float64Array(l.bias.length));
    this.a = this.sizes.map((n) => new Float64Array(n)); // a[0] = input, a[l + 1] = output of layer l
    this.d = this.sizes.map((n) => new Float64Array(n)); // ∂L/∂z, and ∂L/∂input for d[0]
  }

  forward(x1, x2) {
    const { L, W, b, a, relu } = this;
    a[0][0] = x1;
    a[0][1] = x2;
    for (let l = 0; l < L; l++) {
      const w = W[l], bias = b[l], input = a[l], out = a[l + 1];
      const nin = input.length, nout = out.length;
      const hidden = l < L - 1;
      for (let j = 0; j < nout; j++) {
        let s = bias[j];
        const row = j * nin;
        for (let i = 0; i < nin; i++) s += w[row + i] * input[i];
        out[j] = hidden && relu ? (s > 0 ? s : 0) : Math.tanh(s);
      }
    }
    return a[L][0];
  }

  /** Adds this example's gradient of (f − y)² to gW, gb (after forward). */
  backward(y) {
    const { L, W, gW, gb, a, d, relu } = this;
    const f = a[L][0];
    d[L][0] = 2 * (f - y) * (1 - f * f);
    for (let l = L - 1; l >= 0; l--) {
      const w = W[l], gw = gW[l], g = gb[l], input = a[l], dout = d[l + 1], din = d[l];
      const nin = input.length, nout = dout.length;
      if (l > 0) din.fill(0);
      for (let j = 0; j < nout; j++) {
        const dj = dout[j];
        g[j] += dj;
        const row = j * nin;
        if (l > 0) {
          for (let i = 0; i < nin; i++) {
            gw[row + i] += dj * input[i];
            din[i] += w[row + i] * dj;
          }
        } else {
          for (let i = 0; i < nin; i++) gw[row + i] += dj * input[i];
        }
      }
      if (l > 0) {
        // σ′ of the layer below, from its outputs.
        if (relu) for (let i = 0; i < nin; i++) din[i] = input[i] > 0 ? din[i] : 0;
        else for (let i = 0; i < nin; i++) din[i] *= 1 - input[i] * input[i];
      }
    }
  }

  /** w ← w − lr · (mean gradient over the n examples); zeroes the accumulators. */
  update(lr, n) {
    const scale = lr / n;
    for (let l = 0; l < this.L; l++) {
      const w = this.W[l], gw = this.gW[l], b = this.b[l], g = this.gb[l];
      for (let k = 0; k < w.length; k++) {
        w[k] -= scale * gw[k];
        gw[k] = 0;
      }
      for (let k = 0; k < b.length; k++) {
        b[k] -= scale * g[k];
        g[k] = 0;
      }
    }
  }
}

/** The plain JavaScript peer. */
export function plainImpl(protocol) {
  const { points, order, lr } = protocol;
  const { x1, x2, y } = points;
  const nets = {};
  const cursor = {};
  let gridNet;
  const out = new Float32Array(GRID * GRID);
  return {
    name: 'plain-js',
    note: 'hand-written per-sample loops, Float64Array, Math.tanh',
    async setup() {
      gridNet = new PlainNet(protocol.nets.W1);
    },
    reset(net) {
      nets[net] = new PlainNet(protocol.nets[net]);
      cursor[net] = 0;
    },
    train(net, steps) {
      const model = nets[net];
      const { batch } = protocol.nets[net];
      const span = protocol.checkSteps * batch; // cycles over the protocol's minibatches
      let c = cursor[net];
      for (let s = 0; s < steps; s++) {
        for (let k = 0; k < batch; k++) {
          const i = order[c + k];
          model.forward(x1[i], x2[i]);
          model.backward(y[i]);
        }
        model.update(lr, batch);
        c += batch;
        if (c >= span) c = 0;
      }
      cursor[net] = c;
    },
    mse(net) {
      let sum = 0;
      for (let i = 0; i < points.count; i++) {
        const e = nets[net].forward(x1[i], x2[i]) - y[i];
        sum += e * e;
      }
      return sum / points.count;
    },
    grid(reps) {
      const step = 2 / GRID;
      for (let rep = 0; rep < reps; rep++) {
        for (let r = 0; r < GRID; r++) {
          const p2 = 1 - (r + 0.5) * step;
          for (let c = 0; c < GRID; c++) out[r * GRID + c] = gridNet.forward(-1 + (c + 0.5) * step, p2);
        }
      }
      return out;
    },
  };
}
