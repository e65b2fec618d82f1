//! Seeded learning tests that reproduce the lecture's claims.

use nnplay_engine::{
    solve_last_layer, Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec,
    OptimizerConfig, OptimizerKind, Preset, TrainConfig, Trainer,
};

fn data(preset: Preset, seed: u64) -> Dataset {
    Dataset::generate(&DataSpec {
        preset,
        count: 400,
        noise: 0.0,
        test_fraction: 0.5,
        seed,
    })
}

fn config(kind: OptimizerKind, learning_rate: f32, loss: Loss) -> TrainConfig {
    TrainConfig {
        loss,
        batch_size: 10,
        optimizer: OptimizerConfig {
            kind,
            learning_rate,
            ..Default::default()
        },
    }
}

/// Trains for `epochs` and returns the test accuracy.
fn test_accuracy(spec: ModelSpec, config: TrainConfig, data: &Dataset, epochs: usize) -> f64 {
    let mut trainer = Trainer::new(spec, config, data, 7);
    let before = trainer.evaluate();
    for _ in 0..epochs {
        trainer.epoch();
    }
    let after = trainer.evaluate();
    assert!(after.train.loss.is_finite());
    assert!(after.train.loss <= before.train.loss + 1e-9, "training loss rose");
    after.test.score
}

fn features(list: &[HandFeature]) -> ModelSpec {
    ModelSpec::on_features(FeatureMap::Handmade(list.to_vec()))
}

#[test]
fn xor_defeats_a_linear_model() {
    for seed in 1..=3 {
        let acc = test_accuracy(
            ModelSpec::linear(),
            config(OptimizerKind::Sgd, 0.1, Loss::Logistic),
            &data(Preset::Xor, seed),
            50,
        );
        assert!(acc < 0.7, "seed {seed}: linear model reached {acc} on XOR");
    }
}

#[test]
fn the_x1x2_feature_solves_xor() {
    let acc = test_accuracy(
        features(&[HandFeature::X1, HandFeature::X2, HandFeature::X1X2]),
        config(OptimizerKind::Sgd, 0.5, Loss::Logistic),
        &data(Preset::Xor, 1),
        50,
    );
    assert!(acc > 0.95, "x1·x2 feature: {acc}");
}

#[test]
fn random_features_solve_xor() {
    let acc = test_accuracy(
        ModelSpec::random_features(Activation::Relu, 200, 1.0),
        config(OptimizerKind::Adam, 0.01, Loss::Logistic),
        &data(Preset::Xor, 1),
        100,
    );
    assert!(acc > 0.95, "random features k=200: {acc}");
}

#[test]
fn a_small_network_learns_xor() {
    let acc = test_accuracy(
        ModelSpec::mlp(&[8, 8], Activation::Tanh),
        config(OptimizerKind::Adam, 0.03, Loss::Logistic),
        &data(Preset::Xor, 1),
        60,
    );
    assert!(acc > 0.95, "2-8-8-1 network: {acc}");
}

#[test]
fn the_ring_feature_separates_the_ring() {
    let ring = data(Preset::Ring, 2);
    let linear = test_accuracy(
        ModelSpec::linear(),
        config(OptimizerKind::Sgd, 0.1, Loss::Logistic),
        &ring,
        50,
    );
    let with_feature = test_accuracy(
        features(&[HandFeature::Ring]),
        config(OptimizerKind::Sgd, 1.0, Loss::Logistic),
        &ring,
        100,
    );
    assert!(linear < 0.75, "linear on ring: {linear}");
    assert!(with_feature > 0.97, "|x1²+x2²−0.6| on ring: {with_feature}");
}

#[test]
fn ridge_and_long_sgd_agree_on_a_convex_problem() {
    let bumps = data(Preset::Bumps, 3);
    let spec = features(&[
        HandFeature::X1,
        HandFeature::X2,
        HandFeature::X1Squared,
        HandFeature::X2Squared,
        HandFeature::X1X2,
        HandFeature::Sin1,
        HandFeature::Sin2,
    ]);
    let l2 = 0.01;
    let mut sgd_config = config(OptimizerKind::Momentum, 0.01, Loss::Squared);
    sgd_config.optimizer.l2 = l2;
    sgd_config.batch_size = 400;
    let mut trainer = Trainer::new(spec.clone(), sgd_config, &bumps, 1);
    for _ in 0..20_000 {
        trainer.step();
    }
    let exact = solve_last_layer(&trainer.model, &bumps, l2).expect("convex");
    let sgd = &trainer.model.layers[0];
    for (a, b) in sgd.weights.iter().zip(&exact.weights) {
        assert!(
            (a - b).abs() < 2e-3,
            "sgd {:?} vs ridge {:?}",
            sgd.weights,
            exact.weights
        );
    }
    assert!((sgd.bias[0] - exact.bias[0]).abs() < 2e-3);
    // The optimum is no worse than where SGD stopped.
    let mut at_optimum = trainer.clone();
    exact.install(&mut at_optimum.model);
    assert!(at_optimum.evaluate().train.loss <= trainer.evaluate().train.loss + 1e-6);
}

#[test]
fn ridge_with_more_random_features_than_points_uses_the_dual() {
    let plane = Dataset::generate(&DataSpec {
        preset: Preset::Plane,
        count: 60,
        noise: 0.0,
        test_fraction: 0.5,
        seed: 4,
    });
    let spec = ModelSpec::random_features(Activation::Relu, 500, 1.0);
    let mut trainer = Trainer::new(spec, config(OptimizerKind::Sgd, 0.01, Loss::Squared), &plane, 2);
    let solution = solve_last_layer(&trainer.model, &plane, 1e-4).expect("convex");
    solution.install(&mut trainer.model);
    let metrics = trainer.evaluate();
    assert!(metrics.train.score > 0.999, "train R² {}", metrics.train.score);
    assert!(metrics.test.score > 0.95, "test R² {}", metrics.test.score);
    let mlp = Trainer::new(
        ModelSpec::mlp(&[4], Activation::Tanh),
        TrainConfig::default(),
        &plane,
        2,
    );
    assert!(solve_last_layer(&mlp.model, &plane, 0.1).is_err());
}

#[test]
fn regression_networks_fit_the_bumps() {
    let bumps = data(Preset::Bumps, 5);
    let mut trainer = Trainer::new(
        ModelSpec::mlp(&[16, 16], Activation::Tanh),
        config(OptimizerKind::Adam, 0.01, Loss::Squared),
        &bumps,
        3,
    );
    for _ in 0..150 {
        trainer.epoch();
    }
    let r2 = trainer.evaluate().test.score;
    assert!(r2 > 0.9, "test R² {r2}");
}

#[test]
fn the_same_seed_gives_the_same_run_and_reset_restarts_it() {
    let xor = data(Preset::Xor, 1);
    let run = |seed| {
        let mut t = Trainer::new(
            ModelSpec::mlp(&[8, 8], Activation::Relu),
            config(OptimizerKind::Adam, 0.01, Loss::Logistic),
            &xor,
            seed,
        );
        for _ in 0..300 {
            t.step();
        }
        t
    };
    let (a, b, c) = (run(5), run(5), run(6));
    assert_eq!(a.model, b.model);
    assert_ne!(a.model, c.model);
    let mut again = a.clone();
    again.reset(5);
    assert_eq!(again.steps(), 0);
    assert_eq!(
        again.model,
        Trainer::new(a.spec().clone(), a.config, &xor, 5).model
    );
    // Batches walk through every training point once per epoch.
    let mut t = Trainer::new(ModelSpec::linear(), TrainConfig::default(), &xor, 1);
    let steps_per_epoch = xor.train_count().div_ceil(10) as u64;
    t.epoch();
    assert_eq!((t.steps(), t.epochs()), (steps_per_epoch, 1));
}
