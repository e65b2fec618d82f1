// The engine benchmark, JavaScript side: nnplay compiled to wasm against its JavaScript peers,
// all in one Node.js process and on the same work (see crates/engine/examples/bench_protocol/mod.rs).
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
const TRAIN_FLOPS = 6; // per weight per example: forward 2, input deltas 2, weight gradient 2
const FORWARD_FLOPS = 2; // per weight per example
const TARGETS = { 'train W1': 8, 'train W2': 8, grid: 12 }; // nnplay-wasm ÷ plain-js (issue 13; none for W3)
// The largest relative difference from nnplay-wasm's check MSE that still counts as agreement
// (the peers compute in f64 or in another order of f32 additions; a wrong gradient is far off).
const MSE_AGREEMENT = 1e-3;

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
const NETS = Object.keys(protocol.nets); // W1, W2, W3
const weightCounts = NETS.map((n, i) => `${n}${i ? '' : ' has'} ${protocol.nets[n].weights}${i ? '' : ' weights'}`);
const FLOP_CONVENTION =
  'MFLOP/s counts weights only: 2 FLOPs per weight per example forward (grid), 6 per weight per ' +
  'example for a training step (forward + input deltas + weight gradient); biases, activations, ' +
  `loss and update not counted. ${weightCounts.join(', ')}.`;
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
  ...Object.fromEntries(
    NETS.map((net) => [
      `train ${net}`,
      { unit: 'examples/s', run: (impl, k) => impl.train(net, k), per: protocol.nets[net].batch },
    ]),
  ),
  grid: { unit: 'grids/s', run: (impl, k) => impl.grid(k), per: 1 },
};
const FLOPS = {
  ...Object.fromEntries(NETS.map((net) => [`train ${net}`, TRAIN_FLOPS * protocol.nets[net].weights])),
  grid: GRID * GRID * FORWARD_FLOPS * protocol.nets.W1.weights,
};

const checks = new Map(); // impl name → { W1: {mse, seconds}, W2: …, W3: …, grid: max |Δ| }
const rates = new Map(); // `${impl}|${workload}` → every round's rate
const ratios = new Map(); // `${peer}|${workload}` → nnplay-wasm ÷ peer within the phase
let referenceGrid;

/** Trains each network CHECK_STEPS steps from the shared start and records the MSE and grid. */
function check(impl) {
  const c = {};
  for (const net of NETS) {
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
  ...Object.fromEntries(
    NETS.map((net) => {
      const n = protocol.nets[net];
      return [`train ${net}`, `train ${net} = ${n.widths.join('-')} ${n.hidden}, minibatch ${n.batch} (examples/s)`];
    }),
  ),
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
  const differ = NETS.filter((net) => nativeResult(`train ${net}`)?.check_mse !== checks.get('nnplay-wasm')[net].mse);
  lines.push(
    `nnplay-wasm and nnplay native after ${protocol.checkSteps} steps: ` +
      (differ.length === 0
        ? `identical MSE bits for ${NETS.join(', ')}.`
        : `MSE bits DIFFER for ${differ.join(', ')} (determinism broken?).`),
  );
}
// Agreement: every peer's check MSE against nnplay-wasm's, as the largest relative difference.
const agreement = {};
lines.push(
  `MSE agreement after ${protocol.checkSteps} steps (largest |MSE - nnplay-wasm| / nnplay-wasm over the peers):`,
);
for (const net of NETS) {
  const ref = checks.get('nnplay-wasm')[net].mse;
  let worst = { impl: '-', rel: 0 };
  for (const impl of impls.slice(1)) {
    const rel = Math.abs(checks.get(impl.name)[net].mse - ref) / ref;
    if (!(rel <= worst.rel)) worst = { impl: impl.name, rel }; // NaN counts as the worst
  }
  const agree = worst.rel <= MSE_AGREEMENT;
  agreement[net] = { worst_impl: worst.impl, worst_relative_difference: worst.rel, agree };
  lines.push(
    `  ${net}  ${worst.rel.toExponential(1)} (${worst.impl}): ` +
      (agree ? `agree (≤ ${MSE_AGREEMENT.toExponential(0)})` : `DISAGREE (> ${MSE_AGREEMENT.toExponential(0)})`),
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
  for (const workload of Object.keys(WORKLOADS).filter((w) => !(w in TARGETS))) {
    lines.push(`  ${workload.padEnd(9)} ${fmt(find('plain-js', workload).nnplay_wasm_ratio, 2)}× (no target)`);
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
  agreement,
  native,
};
writeFileSync(outPath, JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${outPath}`);
