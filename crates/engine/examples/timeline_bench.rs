//! What the timeline costs: `cargo run --release -p nnplay-engine --example timeline_bench`.
//!
//! Prints (1) training steps a second of a 2-8-8-1 tanh network (batch 10, 500 circle points)
//! without a timeline and with one offered every step; (2) for the largest network the page
//! allows (8 hidden layers of 256 ReLU units), its timeline plan and what one recording costs
//! beside one training step; (3) how long "continue from here" takes after a million steps,
//! most of it replaying the minibatch order, and the random draws a second that replay does.

use nnplay_engine::{
    Activation, DataSpec, Dataset, Loss, ModelSpec, OptimizerConfig, OptimizerKind, Preset, Timeline,
    TimelinePlan, TrainConfig, Trainer, ORDER_REPLAY_LIMIT,
};
use std::time::Instant;

fn circle(count: usize) -> Dataset {
    Dataset::generate(&DataSpec {
        preset: Preset::Circle,
        count,
        noise: 0.1,
        test_fraction: 0.2,
        seed: 1,
    })
}

fn trainer(spec: ModelSpec, data: &Dataset) -> Trainer {
    let config = TrainConfig {
        loss: Loss::Logistic,
        batch_size: 10,
        optimizer: OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate: 0.01,
            ..Default::default()
        },
    };
    Trainer::new(spec, config, data, 1)
}

/// Steps a second over `steps` steps, offering each to `timeline` if there is one.
fn steps_per_second(run: &mut Trainer, mut timeline: Option<&mut Timeline>, steps: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..steps {
        run.step();
        if let Some(timeline) = timeline.as_deref_mut() {
            timeline.maybe_record(run);
        }
    }
    steps as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let data = circle(500);
    let spec = ModelSpec::mlp(&[8, 8], Activation::Tanh);
    let (mut bare, mut recorded) = (trainer(spec.clone(), &data), trainer(spec, &data));
    let mut timeline = Timeline::new(TimelinePlan::for_model(&recorded.model), 64);
    let (mut without, mut with) = (0.0f64, 0.0f64);
    for _ in 0..3 {
        without = without.max(steps_per_second(&mut bare, None, 300_000));
        with = with.max(steps_per_second(&mut recorded, Some(&mut timeline), 300_000));
    }
    println!("2-8-8-1 tanh, batch 10: {without:.0} steps/s without a timeline, {with:.0} with one");
    println!(
        "  ({} snapshots kept after 900 000 steps, {} bytes)",
        timeline.snapshots().len(),
        timeline.bytes()
    );

    let mut large = trainer(ModelSpec::mlp(&[256; 8], Activation::Relu), &data);
    let plan = TimelinePlan::for_model(&large.model);
    let mut timeline = Timeline::new(plan, 64);
    let (mut recording, mut recordings, mut stepping) = (0.0, 0, 0.0);
    for _ in 0..40 {
        let start = Instant::now();
        large.step();
        stepping += start.elapsed().as_secs_f64();
        let start = Instant::now();
        if timeline.maybe_record(&mut large) {
            recording += start.elapsed().as_secs_f64();
            recordings += 1;
        }
    }
    println!(
        "8×256 ReLU: {} snapshots of the weights alone (optimizer state: {}), at most {:.1} MB; \
         one recording {:.1} ms ({recordings} in the first 40 steps), one step {:.1} ms",
        plan.snapshots(),
        plan.optimizer_state(),
        plan.bytes() as f64 / 1e6,
        1e3 * recording / recordings as f64,
        1e3 * stepping / 40.0,
    );

    let small = circle(100);
    let mut long = trainer(ModelSpec::mlp(&[4], Activation::Tanh), &small);
    let mut timeline = Timeline::new(TimelinePlan::for_model(&long.model), 64);
    for _ in 0..1_000_000 {
        long.step();
        timeline.maybe_record(&mut long);
    }
    let last = timeline.snapshots().len() - 1;
    let position = timeline.snapshots()[last].position();
    let draws = position.shuffles * position.train_count as u64;
    let start = Instant::now();
    let resumed = timeline
        .resume(last, &mut long)
        .expect("the snapshot fits its model");
    let took = start.elapsed().as_secs_f64();
    println!(
        "continue from step {} of a million-step run: {:.1} ms, replaying {draws} draws \
         ({:.0} M draws/s; the limit of {} M draws would take {:.0} ms); same minibatches: {}",
        resumed.step,
        1e3 * took,
        draws as f64 / took / 1e6,
        ORDER_REPLAY_LIMIT / 1_000_000,
        1e3 * took * ORDER_REPLAY_LIMIT as f64 / draws as f64,
        resumed.same_minibatches,
    );
}
