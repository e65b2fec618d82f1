//! Training fails safe: a runaway learning rate stops training with the last finite weights,
//! and the minibatch order depends only on the seed and the data, not on how it was edited.

use nnplay_engine::{
    Activation, DataSpec, Dataset, Loss, ModelSpec, OptimizerConfig, OptimizerKind, Point, Preset,
    TrainConfig, Trainer,
};

fn config(kind: OptimizerKind, learning_rate: f32) -> TrainConfig {
    TrainConfig {
        loss: Loss::Squared,
        batch_size: 10,
        optimizer: OptimizerConfig {
            kind,
            learning_rate,
            ..Default::default()
        },
    }
}

fn bumps() -> Dataset {
    Dataset::generate(&DataSpec {
        preset: Preset::Bumps,
        count: 200,
        noise: 0.1,
        test_fraction: 0.5,
        seed: 2,
    })
}

#[test]
fn a_huge_learning_rate_stops_with_finite_weights_and_lowering_it_resumes() {
    for (spec, kind) in [
        (ModelSpec::linear(), OptimizerKind::Sgd),
        (
            ModelSpec::mlp(&[16, 16], Activation::Relu),
            OptimizerKind::Momentum,
        ),
        (ModelSpec::mlp(&[8; 6], Activation::Sigmoid), OptimizerKind::Sgd),
    ] {
        let data = bumps();
        let mut trainer = Trainer::new(spec.clone(), config(kind, 1e6), &data, 1);
        let mut steps = 0;
        while trainer.step() {
            steps += 1;
            assert!(steps < 10_000, "{spec:?} never diverged");
        }
        assert!(trainer.diverged(), "{spec:?}");
        assert!(trainer.model.is_finite(), "{spec:?} kept non-finite weights");
        assert!(!trainer.step(), "steps stay off until the settings change");
        // Lowering the rate lets training try again from the kept weights; those may be so large
        // that it stops again at once, but never with non-finite weights.
        trainer.set_optimizer(config(kind, 0.001).optimizer);
        assert!(!trainer.diverged());
        for _ in 0..20 {
            trainer.step();
        }
        assert!(trainer.model.is_finite());
        // A reset at the lower rate always trains.
        trainer.reset(1);
        for _ in 0..20 {
            assert!(trainer.step(), "{spec:?}");
        }
        assert_eq!(trainer.steps(), 20);
        assert!(trainer.evaluate().train.loss.is_finite());
    }
}

#[test]
fn adam_at_learning_rate_ten_never_leaves_non_finite_weights() {
    let data = bumps();
    let mut trainer = Trainer::new(
        ModelSpec::mlp(&[32, 32, 32], Activation::Tanh),
        config(OptimizerKind::Adam, 10.0),
        &data,
        3,
    );
    for _ in 0..2_000 {
        if !trainer.step() {
            break;
        }
    }
    assert!(trainer.model.is_finite());
    let metrics = trainer.evaluate();
    assert!(metrics.train.loss.is_finite());
}

#[test]
fn the_last_update_is_available_for_display() {
    let data = bumps();
    let mut trainer = Trainer::new(ModelSpec::linear(), config(OptimizerKind::Sgd, 0.1), &data, 1);
    assert_eq!(
        trainer.before_last_step(0).0,
        &trainer.model.layers[0].weights[..]
    );
    trainer.step();
    let (before, _) = trainer.before_last_step(0);
    for ((w, b), g) in trainer.model.layers[0]
        .weights
        .iter()
        .zip(before)
        .zip(&trainer.gradients().weights[0])
    {
        assert!((w - (b - 0.1 * g)).abs() < 1e-7);
    }
}

#[test]
fn the_batch_order_depends_on_the_seed_and_the_points_only() {
    let data = bumps();
    let mut edited = Trainer::new(
        ModelSpec::mlp(&[4], Activation::Tanh),
        config(OptimizerKind::Sgd, 0.1),
        &data,
        9,
    );
    // Edits that change the number of points along the way, ending at `final_data`.
    let mut grown = data.clone();
    grown.points.push(Point {
        x: [0.1, 0.2],
        y: 0.3,
        test: false,
    });
    edited.set_data(&grown);
    grown.points.push(Point {
        x: [-0.4, 0.6],
        y: -0.2,
        test: false,
    });
    edited.set_data(&grown);
    let mut fresh = Trainer::new(
        ModelSpec::mlp(&[4], Activation::Tanh),
        config(OptimizerKind::Sgd, 0.1),
        &grown,
        9,
    );
    for _ in 0..50 {
        edited.step();
        fresh.step();
    }
    assert_eq!(edited.model, fresh.model);
}

#[test]
fn sampled_evaluation_uses_every_kth_point_and_estimates_the_full_metrics() {
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Circle,
        count: 1000,
        noise: 0.1,
        test_fraction: 0.5,
        seed: 4,
    });
    let mut trainer = Trainer::new(
        ModelSpec::mlp(&[8, 8], Activation::Tanh),
        config(OptimizerKind::Adam, 0.01),
        &data,
        2,
    );
    for _ in 0..500 {
        trainer.step();
    }
    let full = trainer.evaluate();
    let sampled = trainer.evaluate_sampled(100);
    assert_eq!((full.train.count, full.test.count), (500, 500));
    assert_eq!((sampled.train.count, sampled.test.count), (100, 100));
    // A fifth of the points: the estimate is close, not equal.
    assert!(
        (full.train.loss - sampled.train.loss).abs() < 0.05,
        "{full:?} vs {sampled:?}"
    );
    assert!((full.test.score - sampled.test.score).abs() < 0.1);
    assert_eq!(trainer.evaluate_sampled(usize::MAX), full);
}
