// The engine benchmark, JavaScript side: nnplay compiled to wasm against its JavaScript peers,
// all in one Node.js process and on the same work (see examples/bench_protocol/mod.rs).
//   node bench/engine/run.mjs <wasm_bench.wasm> [out.json] [native.json]
// Normally run by `bash scripts/bench-engine.sh`. BENCH_SECONDS sets the seconds timed per
// workload (default 2; tfjs-cpu gets half as long and convnetjs three quarters); BENCH_ONLY, a
// comma-separated list such as `plain-js,tfjs-wasm`, picks the peers run beside nnplay-wasm.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';
import { loadEngine, GRID } from './nnplay.mjs';
import { plainImpl } from './plain.mjs';
import { convnetImpl } from './convnet.mjs';
import { tfjsImpl } from './tfjs.mjs';

const [wasmPath, outPath = 'target/bench/engine.json', nativePath = 'target/bench/native.json'] =
  process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node bench/engine/run.mjs <wasm_bench.wasm> [out.json] [native.json]');
  process.exit(2);
}
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const WEIGHTS = { W1: 2 * 8 + 8 * 8 + 8, W2: 2 * 64 + 64 * 64 + 64 };
const TRAIN_FLOPS = 6; // per weight per example: forward 2, input deltas 2, weight gradient 2
const FORWARD_FLOPS = 2; // per weight per example
const FLOP_CONVENTION =
  'MFLOP/s counts weights only: 2 FLOPs per weight per example forward (grid), 6 per weight per ' +
  'example for a training step (forward + input deltas + weight gradient); biases, activations, ' +
  `loss and update not counted. W1 has ${WEIGHTS.W1} weights, W2 ${WEIGHTS.W2}.`;
const TARGETS = { 'train W1': 5, 'train W2': 5, grid: 10 }; // nnplay-wasm ÷ plain-js

const ROUND_SECONDS = 0.2;
const ROUNDS = Math.max(3, Math.round(SECONDS / ROUND_SECONDS));

/** Doubles k until run(k) (k units of work) lasts 20 ms, then scales it to one round. */
function calibrate(run, roundSeconds) {
  let k = 1;
  for (;;) {
    const t0 = performance.now();
    run(k);
    const t = (performance.now() - t0) / 1000;
    if (t >= 0.02) return Math.max(1, Math.ceil((k * roundSeconds) / t));
    k *= 2;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const { protocol, impl: nnplay } = await loadEngine(wasmPath);
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (impl) => !only || only.includes(impl.name);
// tfjs has one backend at a time, so the peers run in phases; nnplay-wasm takes part in every
// phase, its rounds alternating with the peers' so that all see the same machine load, and
// each peer's ratio is taken against the nnplay-wasm rounds of its own phase.
const phases = [
  [plainImpl(protocol), convnetImpl(protocol)],
  [tfjsImpl(protocol, 'cpu')],
  [tfjsImpl(protocol, 'wasm')],
]
  .map((peers) => peers.filter(wanted))
  .filter((peers) => peers.length > 0);
const impls = [nnplay, ...phases.flat()];
// Slow peers get shorter rounds (their rates are still medians of ROUNDS rounds).
const roundShare = { 'tfjs-cpu': 0.5, convnetjs: 0.75 };
const WORKLOADS = {
  'train W1': { unit: 'examples/s', run: (impl, k) => impl.train('W1', k), per: protocol.batch },
  'train W2': { unit: 'examples/s', run: (impl, k) => impl.train('W2', k), per: protocol.batch },
  grid: { unit: 'grids/s', run: (impl, k) => impl.grid(k), per: 1 },
};
const FLOPS = {
  'train W1': TRAIN_FLOPS * WEIGHTS.W1,
  'train W2': TRAIN_FLOPS * WEIGHTS.W2,
  grid: GRID * GRID * FORWARD_FLOPS * WEIGHTS.W1,
};

const checks = new Map(); // impl name → { W1: {mse, seconds}, W2: …, grid: max |Δ| }
const rates = new Map(); // `${impl}|${workload}` → every round's rate
const ratios = new Map(); // `${peer}|${workload}` → nnplay-wasm ÷ peer within the phase
let referenceGrid;

/** Trains each network CHECK_STEPS steps from the shared start and records the MSE and grid. */
function check(impl) {
  const c = {};
  for (const net of ['W1', 'W2']) {
    impl.reset(net);
    const t0 = performance.now();
    impl.train(net, protocol.checkSteps);
    c[net] = { mse: impl.mse(net), seconds: (performance.now() - t0) / 1000 };
  }
  const grid = impl.grid(1);
  referenceGrid ??= Float32Array.from(grid);
  let maxDiff = 0;
  for (let i = 0; i < GRID * GRID; i++) maxDiff = Math.max(maxDiff, Math.abs(grid[i] - referenceGrid[i]));
  c.grid = maxDiff;
  checks.set(impl.name, c);
}

for (const peers of phases) {
  const group = [nnplay, ...peers];
  for (const impl of group) {
    await impl.setup();
    if (!checks.has(impl.name)) check(impl);
  }
  process.stderr.write(`[bench] ${peers.map((p) => p.name).join(', ')} with nnplay-wasm:`);
  for (const [workload, w] of Object.entries(WORKLOADS)) {
    const ks = group.map((impl) => calibrate((k) => w.run(impl, k), ROUND_SECONDS * (roundShare[impl.name] ?? 1)));
    const phaseRates = group.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      group.forEach((impl, i) => {
        const t0 = performance.now();
        w.run(impl, ks[i]);
        phaseRates[i].push((ks[i] * w.per) / ((performance.now() - t0) / 1000));
      });
    }
    group.forEach((impl, i) => {
      const key = `${impl.name}|${workload}`;
      rates.set(key, [...(rates.get(key) ?? []), ...phaseRates[i]]);
      if (i > 0) ratios.set(key, median(phaseRates[0]) / median(phaseRates[i]));
    });
    process.stderr.write(` ${workload}`);
  }
  for (const impl of peers) impl.teardown?.();
  process.stderr.write('\n');
}

const results = [];
for (const impl of impls) {
  for (const [workload, w] of Object.entries(WORKLOADS)) {
    const key = `${impl.name}|${workload}`;
    const rate = median(rates.get(key));
    const c = checks.get(impl.name);
    const net = workload.slice(-2);
    results.push({
      impl: impl.name,
      workload,
      unit: w.unit,
      rate,
      mflops: (rate * FLOPS[workload]) / 1e6,
      nnplay_wasm_ratio: impl === nnplay ? 1 : ratios.get(key),
      rounds: rates.get(key).length,
      ...(workload === 'grid'
        ? { grid_max_abs_diff: c.grid }
        : { check_mse: c[net].mse, check_seconds: c[net].seconds }),
    });
  }
}

const native = existsSync(nativePath) ? JSON.parse(readFileSync(nativePath, 'utf8')) : null;
const nativeResult = (workload) =>
  native?.results.find((r) => r.workload === workload || r.workload.startsWith(`${workload} `));
const find = (impl, workload) => results.find((r) => r.impl === impl && r.workload === workload);

const titles = {
  'train W1': 'train W1 = 2-8-8-1 tanh, minibatch 10 (examples/s)',
  'train W2': 'train W2 = 2-64-64-1 relu, minibatch 10 (examples/s)',
  grid: `grid: W1 forward on ${GRID}x${GRID} points over [-1,1]^2 (grids/s)`,
};
const fmt = (v, d = 0) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const row = (name, rate, mflops, ratio, check) =>
  `  ${name.padEnd(14)} ${fmt(rate).padStart(13)} ${fmt(mflops, 1).padStart(9)} ` +
  `${(fmt(ratio, 2) + '×').padStart(14)} ${check.padStart(20)}`;
const lines = [];
lines.push(`nnplay engine in wasm vs JavaScript peers (Node ${process.version}, ${os.cpus()[0]?.model ?? '?'})`);
lines.push(
  `${ROUNDS} rounds of ~${ROUND_SECONDS} s per implementation and workload, alternating with nnplay-wasm; ` +
    'rates are medians; "nnplay-wasm ÷" is the speed-up of nnplay-wasm over that row.',
);
for (const workload of Object.keys(titles)) {
  lines.push('');
  lines.push(titles[workload]);
  const last = workload === 'grid' ? 'max |grid - nnplay|' : `MSE@${protocol.checkSteps} steps`;
  lines.push(
    `  ${'implementation'.padEnd(14)} ${'rate'.padStart(13)} ${'MFLOP/s'.padStart(9)} ` +
      `${'nnplay-wasm ÷'.padStart(14)} ${last.padStart(20)}`,
  );
  for (const r of results.filter((x) => x.workload === workload)) {
    const check = workload === 'grid' ? r.grid_max_abs_diff.toExponential(1) : r.check_mse.toFixed(6);
    lines.push(row(r.impl, r.rate, r.mflops, r.nnplay_wasm_ratio, check));
  }
  const n = nativeResult(workload);
  if (n) {
    const check = n.check_mse == null ? '' : n.check_mse.toFixed(6);
    lines.push(row('(native)', n.rate, n.mflops, find('nnplay-wasm', workload).rate / n.rate, check));
  }
}
lines.push('');
lines.push(FLOP_CONVENTION);
lines.push(
  'Every implementation starts from the same weights (uniform(-0.5,0.5), biases 0.1) and follows the ' +
    `engine's minibatch order; MSE = mean (f(x)-y)^2 over the 500 points after ${protocol.checkSteps} steps; ` +
    'the grid is the initial W1 evaluated by each implementation, compared with nnplay-wasm.',
);
if (native) {
  const same = ['W1', 'W2'].every((net) => nativeResult(`train ${net}`)?.check_mse === checks.get('nnplay-wasm')[net].mse);
  lines.push(
    `nnplay-wasm and nnplay native after ${protocol.checkSteps} steps: ` +
      (same ? 'identical MSE bits for W1 and W2.' : 'MSE bits DIFFER (determinism broken?).'),
  );
}
const targets = {};
if (find('plain-js', 'grid')) {
  lines.push('Targets (nnplay-wasm ÷ plain-js):');
  for (const [workload, want] of Object.entries(TARGETS)) {
    const got = find('plain-js', workload).nnplay_wasm_ratio;
    targets[workload] = { want, got, met: got >= want };
    const verdict = got >= want ? 'met' : `NOT met (${fmt((100 * got) / want, 0)}% of the target)`;
    lines.push(`  ${workload.padEnd(9)} ${fmt(got, 2)}× (target ≥ ${want}×): ${verdict}`);
  }
}
lines.push('Implementations:');
for (const impl of impls) lines.push(`  ${impl.name.padEnd(12)} ${impl.note}`);
console.log(lines.join('\n'));

mkdirSync(dirname(outPath), { recursive: true });
const report = {
  node: process.version,
  cpu: os.cpus()[0]?.model,
  seconds_per_workload: SECONDS,
  rounds: ROUNDS,
  round_seconds: ROUND_SECONDS,
  check_steps: protocol.checkSteps,
  checks: Object.fromEntries(checks),
  flop_convention: FLOP_CONVENTION,
  implementations: Object.fromEntries(impls.map((i) => [i.name, i.note])),
  results,
  targets,
  native,
};
writeFileSync(outPath, JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${outPath}`);
