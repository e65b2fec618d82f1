//! The timeline: a restored snapshot is the model of its step bit for bit, continuing from one
//! replays the run exactly, and over a million steps the recorder stays within its budget with
//! its snapshots dense early and sparse late.

use nnplay_engine::{
    predict_grid, Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, Model, ModelSpec,
    OptimizerConfig, OptimizerKind, OptimizerResume, Preset, Timeline, TimelineError, TimelinePlan,
    TrainConfig, Trainer, Workspace, MAX_SNAPSHOTS, TIMELINE_BUDGET,
};
use std::collections::HashMap;

fn data(count: usize) -> Dataset {
    Dataset::generate(&DataSpec {
        preset: Preset::Spiral,
        count,
        noise: 0.1,
        test_fraction: 0.3,
        seed: 4,
    })
}

fn trainer(spec: ModelSpec, kind: OptimizerKind, batch_size: usize, data: &Dataset) -> Trainer {
    let config = TrainConfig {
        loss: Loss::Logistic,
        batch_size,
        optimizer: OptimizerConfig {
            kind,
            learning_rate: 0.02,
            l1: 0.0,
            l2: 1e-4,
        },
    };
    Trainer::new(spec, config, data, 9)
}

fn bits(model: &Model) -> Vec<u32> {
    (model.layers.iter())
        .flat_map(|l| l.weights.iter().chain(&l.bias))
        .map(|v| v.to_bits())
        .collect()
}

fn grid_bits(model: &Model) -> Vec<u32> {
    let mut out = vec![0.0; 24 * 24];
    predict_grid(model, &mut Workspace::new(model, 100), 24, &mut out);
    out.iter().map(|v| v.to_bits()).collect()
}

fn families() -> [ModelSpec; 4] {
    [
        ModelSpec::linear(),
        ModelSpec::on_features(FeatureMap::Handmade(vec![HandFeature::X1X2, HandFeature::Ring])),
        ModelSpec::random_features(Activation::Cos, 40, 2.0),
        ModelSpec::mlp(&[8, 8], Activation::Tanh),
    ]
}

/// Every snapshot still held after thinning gives exactly the weights, the predictions and the
/// metrics the model had at its step, for every family (random features keep their frozen
/// layer, which the snapshot leaves alone).
#[test]
fn a_restored_snapshot_is_the_model_of_its_step_bit_for_bit() {
    let data = data(150);
    for spec in families() {
        let mut run = trainer(spec.clone(), OptimizerKind::Adam, 10, &data);
        let mut timeline = Timeline::new(TimelinePlan::for_model(&run.model), usize::MAX);
        let mut seen = HashMap::new();
        for _ in 0..3000 {
            if timeline.maybe_record(&mut run) {
                seen.insert(run.steps(), (run.model.clone(), run.evaluate()));
            }
            run.step();
        }
        let mut view = run.model.clone();
        assert!(timeline.snapshots().len() > 10, "{spec:?}");
        for (i, snapshot) in timeline.snapshots().iter().enumerate() {
            let restored = timeline.restore(i, &mut view).unwrap();
            assert_eq!(restored.step, snapshot.step);
            let (then, metrics) = &seen[&snapshot.step];
            assert_eq!(bits(&view), bits(then), "{spec:?} at step {}", snapshot.step);
            assert_eq!(
                grid_bits(&view),
                grid_bits(then),
                "{spec:?} at step {}",
                snapshot.step
            );
            assert_eq!(&snapshot.metrics, metrics, "{spec:?} at step {}", snapshot.step);
        }
        // Restoring leaves the live run alone.
        let live = bits(&run.model);
        timeline.restore(0, &mut view).unwrap();
        assert_eq!(bits(&run.model), live);
        assert_ne!(bits(&view), live);
    }
}

/// The mean training loss's gradient at `model`'s weights over every `stride`-th training point
/// of `data`, in their order: the definition a trainer showing a snapshot must match.
fn training_gradient(model: &Model, data: &Dataset, stride: usize) -> nnplay_engine::Gradients {
    let train: Vec<_> = data.points.iter().filter(|p| !p.test).step_by(stride).collect();
    let mut ws = Workspace::new(model, train.len());
    for (slot, p) in train.iter().enumerate() {
        (ws.x1[slot], ws.x2[slot], ws.targets[slot]) = (p.x[0], p.x[1], p.y);
    }
    model.forward(&mut ws, train.len());
    let mut grads = nnplay_engine::Gradients::zeros(model);
    model.backward(&mut ws, Loss::Logistic, &mut grads, false);
    grads
}

/// A copy of the trainer shown at a snapshot has that step's weights, step and epoch counts,
/// no change in its "last step", and as its gradient the mean training loss's gradient at those
/// weights (over all training points, or every k-th when fewer are asked for), for every
/// family; the trainer the copy came from is untouched.
#[test]
fn a_trainer_shown_at_a_snapshot_is_the_run_at_that_step() {
    let data = data(150);
    let train_count = data.points.iter().filter(|p| !p.test).count();
    for spec in families() {
        let mut run = trainer(spec.clone(), OptimizerKind::Momentum, 10, &data);
        let mut timeline = Timeline::new(TimelinePlan::for_model(&run.model), usize::MAX);
        let mut seen = HashMap::new();
        for _ in 0..500 {
            if timeline.maybe_record(&mut run) {
                seen.insert(run.steps(), (bits(&run.model), run.epochs()));
            }
            run.step();
        }
        let live = bits(&run.model);
        let mut copy = run.clone();
        for (index, max_points, stride) in [(5, usize::MAX, 1), (timeline.snapshots().len() - 2, 10, 11)] {
            let snapshot = timeline.show(index, &mut copy, max_points).unwrap().clone();
            let (weights, epochs) = &seen[&snapshot.step];
            assert_eq!(&bits(&copy.model), weights, "{spec:?}");
            assert_eq!((copy.steps(), copy.epochs()), (snapshot.step, *epochs));
            for (l, layer) in copy.model.layers.iter().enumerate() {
                assert_eq!(copy.before_last_step(l), (&layer.weights[..], &layer.bias[..]));
            }
            assert_eq!(copy.last_batch().len(), train_count.div_ceil(stride));
            let expected = training_gradient(&copy.model, &data, stride);
            assert_eq!(copy.gradients(), &expected, "{spec:?} at step {}", snapshot.step);
            assert!(copy.gradients().norms.iter().any(|&n| n > 0.0), "{spec:?}");
        }
        assert_eq!(bits(&run.model), live);
        assert!(matches!(
            timeline.show(999, &mut copy, 10),
            Err(TimelineError::NoSnapshot { index: 999, .. })
        ));
    }
}

/// Continuing from a snapshot replays the rest of the run bit for bit when the optimizer state
/// was kept (and for SGD, which has none), whatever the update rule and batch size (batches
/// of 7 on 105 training points end mid-order, so the cursor matters).
#[test]
fn continuing_from_a_snapshot_replays_the_run_exactly() {
    let data = data(150);
    for spec in families() {
        for kind in OptimizerKind::ALL {
            let mut run = trainer(spec.clone(), kind, 7, &data);
            let mut timeline = Timeline::new(TimelinePlan::for_model(&run.model), 64);
            assert!(timeline.plan().optimizer_state());
            for _ in 0..2000 {
                timeline.maybe_record(&mut run);
                run.step();
            }
            let end = (bits(&run.model), run.steps(), run.epochs());
            let index = timeline.at_or_before(700).unwrap();
            let from = timeline.snapshots()[index].step;
            assert!(from > 300 && from <= 700, "{from}");
            let resumed = timeline.resume(index, &mut run).unwrap();
            assert_eq!(resumed.step, from);
            assert_eq!(resumed.optimizer, OptimizerResume::Kept);
            assert!(resumed.same_minibatches);
            assert_eq!(run.steps(), from);
            assert_eq!(
                timeline.snapshots().len(),
                index + 1,
                "the later snapshots are gone"
            );
            while run.steps() < 2000 {
                timeline.maybe_record(&mut run);
                run.step();
            }
            assert_eq!(
                (bits(&run.model), run.steps(), run.epochs()),
                end,
                "{spec:?} {kind}"
            );
        }
    }
}

/// A timeline without the optimizer state says so when a run continues, and a change of the
/// update rule since the snapshot starts the new rule afresh; bad indices and models of
/// another shape are refused.
#[test]
fn continuing_says_when_the_optimizer_state_starts_afresh() {
    let data = data(150);
    let spec = ModelSpec::mlp(&[6], Activation::Relu);
    let mut run = trainer(spec, OptimizerKind::Adam, 10, &data);
    let mut timeline = Timeline::new(TimelinePlan::new(&run.model, 16, false), 64);
    for _ in 0..300 {
        timeline.maybe_record(&mut run);
        run.step();
    }
    assert!(!timeline.snapshots()[3].has_optimizer_state());
    let resumed = timeline.resume(3, &mut run).unwrap();
    assert_eq!(resumed.optimizer, OptimizerResume::NotRecorded);
    assert_eq!(run.steps(), timeline.snapshots()[3].step);

    let mut run = trainer(ModelSpec::linear(), OptimizerKind::Adam, 10, &data);
    let mut timeline = Timeline::new(TimelinePlan::for_model(&run.model), 64);
    for _ in 0..50 {
        timeline.maybe_record(&mut run);
        run.step();
    }
    run.set_optimizer(OptimizerConfig {
        kind: OptimizerKind::Momentum,
        ..run.config.optimizer
    });
    let resumed = timeline.resume(5, &mut run).unwrap();
    assert_eq!(resumed.optimizer, OptimizerResume::RuleChanged);

    let count = timeline.snapshots().len();
    assert_eq!(
        timeline.resume(99, &mut run),
        Err(TimelineError::NoSnapshot { index: 99, count })
    );
    let mut other = trainer(
        ModelSpec::mlp(&[3], Activation::Tanh),
        OptimizerKind::Sgd,
        10,
        &data,
    );
    assert_eq!(timeline.resume(0, &mut other), Err(TimelineError::OtherModel));
    assert_eq!(
        timeline.restore(0, &mut other.model).map(|s| s.step),
        Err(TimelineError::OtherModel)
    );
    assert!(
        !timeline.maybe_record(&mut other),
        "another model is never recorded"
    );
}

/// Points added since a snapshot change the minibatch order, so continuing says the
/// minibatches differ from the original run's.
#[test]
fn continuing_after_points_were_added_draws_a_new_order() {
    let mut points = data(150);
    let mut run = trainer(ModelSpec::linear(), OptimizerKind::Sgd, 10, &points);
    let mut timeline = Timeline::new(TimelinePlan::for_model(&run.model), 64);
    for _ in 0..100 {
        timeline.maybe_record(&mut run);
        run.step();
    }
    points.points.push(nnplay_engine::Point {
        x: [0.1, 0.2],
        y: 1.0,
        test: false,
    });
    run.set_data(&points);
    let resumed = timeline.resume(8, &mut run).unwrap();
    assert!(!resumed.same_minibatches);
    assert_eq!(run.position().cursor, 0);
}

/// A million steps of a small model: the recorder never holds more than its plan, the plan
/// fits the budget, and recording is rare (its cost per step is one comparison). The steps it
/// keeps are dense early and sparse late: every step at first, then evenly spread in log(step).
#[test]
fn a_million_steps_stay_within_the_budget_dense_early_and_sparse_late() {
    let data = data(40);
    let mut run = trainer(ModelSpec::linear(), OptimizerKind::Momentum, 1, &data);
    let plan = TimelinePlan::for_model(&run.model);
    assert_eq!(plan.snapshots(), MAX_SNAPSHOTS);
    let mut timeline = Timeline::new(plan, 64);
    let mut recordings = 0;
    let mut most = 0;
    for _ in 0..1_000_000 {
        if timeline.maybe_record(&mut run) {
            recordings += 1;
            most = most.max(timeline.bytes());
            assert!(timeline.snapshots().len() <= plan.snapshots());
        }
        assert!(run.step());
    }
    assert!(
        most <= plan.bytes() && plan.bytes() <= TIMELINE_BUDGET,
        "{most} {}",
        plan.bytes()
    );
    assert!(
        plan.bytes() < 20_000,
        "a small model's timeline is small: {}",
        plan.bytes()
    );
    assert!(recordings < 200, "{recordings} recordings");
    let steps: Vec<u64> = timeline.snapshots().iter().map(|s| s.step).collect();
    assert_eq!(steps[0], 0);
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    assert!(*steps.last().unwrap() > 500_000, "{steps:?}");
    assert!(steps.len() >= MAX_SNAPSHOTS / 2, "{steps:?}");
    // Dense early: a few snapshots in the first ten steps. Sparse late: the gaps grow (one step
    // of rounding aside) and the last is over a hundred thousand steps.
    assert!(steps.iter().filter(|&&s| s <= 10).count() >= 4, "{steps:?}");
    let gaps: Vec<u64> = steps.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] + 1 >= g[0]), "{gaps:?}");
    assert!(*gaps.last().unwrap() > 100_000, "{gaps:?}");
    // Evenly spread in log(step): beyond the first steps, neighbours are within one ratio.
    let ratios: Vec<f64> = steps
        .windows(2)
        .filter(|w| w[0] >= 100)
        .map(|w| w[1] as f64 / w[0] as f64)
        .collect();
    let (low, high) = ratios
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    assert!(high / low < 1.3, "{ratios:?}");
}

/// The largest network the page allows keeps its weights alone in at most 20 MB; small ones
/// keep the optimizer state too, in far less.
#[test]
fn budgets_scale_with_the_model() {
    let mut rng = nnplay_engine::Rng::new(1);
    let largest = Model::new(&ModelSpec::mlp(&[256; 8], Activation::Relu), &mut rng);
    let plan = TimelinePlan::for_model(&largest);
    assert!(!plan.optimizer_state());
    assert!(
        plan.bytes() <= TIMELINE_BUDGET && plan.snapshots() >= 10,
        "{plan:?}"
    );
    let small = Model::new(&ModelSpec::mlp(&[8, 8], Activation::Tanh), &mut rng);
    let plan = TimelinePlan::for_model(&small);
    assert!(plan.optimizer_state());
    assert_eq!(plan.snapshots(), MAX_SNAPSHOTS);
    assert!(plan.bytes() < 200_000, "{}", plan.bytes());
    // Random features keep only the trained last layer.
    let features = Model::new(&ModelSpec::random_features(Activation::Relu, 2000, 1.0), &mut rng);
    assert_eq!(nnplay_engine::trainable_count(&features), 2001);
}
