//! The engine benchmark's workloads run natively: `cargo run --release -p nnplay-engine --example native_bench`.
//!
//! Prints examples/s for training W1, W2 and W3, grids/s for the W1 grid, loss evaluations/s of
//! the loss surface of W1 (and what a grid of them costs) and MFLOP/s, with the training MSE
//! after the protocol's check run, and writes the same to `target/bench/native.json`
//! (read by `bench/engine/run.mjs` to show native beside wasm). The protocol is in
//! `bench_protocol`; `BENCH_SECONDS` sets the seconds timed per workload (default 2).

#[allow(dead_code)] // each benchmark uses its part of the shared protocol
mod bench_protocol;

use bench_protocol::{Net, CHECK_STEPS, FLOP_CONVENTION, GRID};
use nnplay_engine::surface::{Objective, Plane, Surface, Window};
use std::fmt::Write as _;
use std::time::Instant;

/// One timed workload.
struct Row {
    workload: String,
    unit: &'static str,
    rate: f64,
    mflops: f64,
    check_mse: Option<f64>,
}

/// Calls `run(k)` (which does k units of work) with growing k until one call lasts 20 ms (the
/// warm-up), then in rounds of about 0.2 s until `seconds` have passed; returns the median
/// rate in units per second.
fn measure(seconds: f64, mut run: impl FnMut(u64)) -> f64 {
    let mut k = 1u64;
    loop {
        let start = Instant::now();
        run(k);
        let t = start.elapsed().as_secs_f64();
        if t >= 0.02 {
            k = ((k as f64) * 0.2 / t).ceil().max(1.0) as u64;
            break;
        }
        k *= 2;
    }
    let mut rates = Vec::new();
    let begin = Instant::now();
    while rates.len() < 3 || begin.elapsed().as_secs_f64() < seconds {
        let start = Instant::now();
        run(k);
        rates.push(k as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    let seconds: f64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let data = bench_protocol::dataset();
    let mut rows = Vec::new();
    for net in Net::ALL {
        let mut trainer = bench_protocol::trainer(net, &data);
        for _ in 0..CHECK_STEPS {
            trainer.step();
        }
        let mse = bench_protocol::training_mse(&mut trainer);
        let steps_per_s = measure(seconds, |k| {
            for _ in 0..k {
                trainer.step();
            }
        });
        let rate = steps_per_s * net.batch() as f64;
        rows.push(Row {
            workload: format!("train {}, batch {}", net.name(), net.batch()),
            unit: "examples/s",
            rate,
            mflops: rate * (bench_protocol::TRAIN_FLOPS_PER_WEIGHT * net.weights()) as f64 / 1e6,
            check_mse: Some(mse),
        });
    }
    let mut grid_model = bench_protocol::trainer(Net::W1, &data);
    let mut grid = vec![0.0f32; GRID * GRID];
    let rate = measure(seconds, |k| {
        for _ in 0..k {
            grid_model.predict_grid(GRID, &mut grid);
        }
    });
    let grid_flops = (GRID * GRID * bench_protocol::FORWARD_FLOPS_PER_WEIGHT * Net::W1.weights()) as f64;
    rows.push(Row {
        workload: format!("grid {GRID}x{GRID} {}", Net::W1.name()),
        unit: "grids/s",
        rate,
        mflops: rate * grid_flops / 1e6,
        check_mse: None,
    });

    // The loss surface: W1's objective on the 500 points at the nodes of a slice along random
    // directions, as the page's "Loss surface" view evaluates it between frames.
    let surface_model = bench_protocol::trainer(Net::W1, &data);
    let plane = Plane::random(&surface_model.model, 1).expect("W1 has weights");
    let window = Window::around(&[[0.0, 0.0]], 1.0);
    let objective = Objective::of(&surface_model.config);
    let mut surface =
        Surface::new(&surface_model.model, &data, objective, plane, window).expect("W1 has points");
    let evaluation = surface.evaluation_cost();
    let rate = measure(seconds, |k| {
        if surface.advance(k * evaluation) {
            surface.restart();
        }
    });
    let nodes = surface.nodes();
    rows.push(Row {
        workload: format!("surface {}, {} points", Net::W1.name(), surface.points_used()),
        unit: "evals/s",
        rate,
        mflops: rate
            * (surface.points_used() * bench_protocol::FORWARD_FLOPS_PER_WEIGHT * Net::W1.weights()) as f64
            / 1e6,
        check_mse: None,
    });
    let surface_line = format!(
        "surface: one evaluation = {evaluation} multiply-adds, {:.1} µs; the {nodes}x{nodes} grid \
         {:.1} ms, its first 17x17 level {:.2} ms",
        1e6 / rate,
        1e3 * (nodes * nodes) as f64 / rate,
        1e3 * 289.0 / rate
    );

    let cpu = cpu_model();
    println!("nnplay engine, native ({}, {cpu})", std::env::consts::ARCH);
    println!(
        "{:<34} {:>14} {:<11} {:>10} {:>18}",
        "workload", "rate", "unit", "MFLOP/s", "MSE@2000 steps"
    );
    for r in &rows {
        let mse = r.check_mse.map_or("-".to_string(), |m| format!("{m:.6}"));
        println!(
            "{:<34} {:>14.0} {:<11} {:>10.1} {:>18}",
            r.workload, r.rate, r.unit, r.mflops, mse
        );
    }
    println!("{surface_line}");
    println!("{FLOP_CONVENTION}");

    let mut json = String::new();
    let _ = write!(
        json,
        "{{\n  \"implementation\": \"nnplay native\",\n  \"arch\": \"{}\",\n  \"cpu\": {:?},\n  \
         \"seconds_per_workload\": {seconds},\n  \"check_steps\": {CHECK_STEPS},\n  \
         \"flop_convention\": {:?},\n  \"results\": [",
        std::env::consts::ARCH,
        cpu,
        FLOP_CONVENTION
    );
    for (i, r) in rows.iter().enumerate() {
        let mse = r.check_mse.map_or("null".to_string(), |m| format!("{m:e}"));
        let _ = write!(
            json,
            "{}\n    {{\"workload\": {:?}, \"unit\": \"{}\", \"rate\": {:.1}, \"mflops\": {:.2}, \
             \"check_mse\": {mse}}}",
            if i == 0 { "" } else { "," },
            r.workload,
            r.unit,
            r.rate,
            r.mflops
        );
    }
    json.push_str("\n  ]\n}\n");
    // The workspace's target/bench, wherever the command runs from (the engine crate is two
    // folders below the workspace root).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).expect("create target/bench");
    let path = dir.join("native.json");
    std::fs::write(&path, json).expect("write native.json");
    println!("wrote {}", path.display());
}
