//! One fixed training run whose result must be bit-identical on every platform. Shared by the
//! native determinism test and the browser (wasm) test.

use nnplay::engine::{
    Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec, OptimizerConfig, OptimizerKind,
    Preset, TrainConfig, Trainer,
};

/// FNV-1a over the bits of every parameter, the metrics and a prediction grid, after training
/// one model of each family (tanh, sigmoid, ReLU, cos, sin and exp/log paths all exercised).
pub fn reference_fingerprint() -> u64 {
    fingerprint_of_run(0)
}

/// The fingerprint of the reference run with every seed moved by `seed_offset` (0 is the
/// reference run itself).
pub fn fingerprint_of_run(seed_offset: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |bits: u64| {
        for byte in bits.to_le_bytes() {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let specs = [
        (
            ModelSpec::mlp(&[8, 8], Activation::Tanh),
            OptimizerKind::Adam,
            Loss::Logistic,
            Preset::Spiral,
        ),
        (
            ModelSpec::mlp(&[6, 6], Activation::Sigmoid),
            OptimizerKind::Momentum,
            Loss::Squared,
            Preset::Circle,
        ),
        (
            ModelSpec::mlp(&[16], Activation::Relu),
            OptimizerKind::Sgd,
            Loss::Squared,
            Preset::Bumps,
        ),
        (
            ModelSpec::random_features(Activation::Cos, 64, 3.0),
            OptimizerKind::Adam,
            Loss::Logistic,
            Preset::Xor,
        ),
        (
            ModelSpec::on_features(FeatureMap::Handmade(HandFeature::ALL.to_vec())),
            OptimizerKind::Sgd,
            Loss::Logistic,
            Preset::Ring,
        ),
        // Widths that end in a partial vector, with batches of several gradient slices.
        (
            ModelSpec::mlp(&[6, 7], Activation::Relu),
            OptimizerKind::Momentum,
            Loss::Logistic,
            Preset::Xor,
        ),
    ];
    for (i, (spec, kind, loss, preset)) in specs.into_iter().enumerate() {
        let data = Dataset::generate(&DataSpec {
            preset,
            count: 300,
            noise: 0.2,
            test_fraction: 0.3,
            seed: 40 + i as u64 + seed_offset,
        });
        let config = TrainConfig {
            loss,
            batch_size: if i == 5 { 50 } else { 10 },
            optimizer: OptimizerConfig {
                kind,
                learning_rate: 0.03,
                l1: 1e-4,
                l2: 1e-3,
            },
        };
        let mut trainer = Trainer::new(spec, config, &data, 100 + i as u64 + seed_offset);
        for _ in 0..300 {
            trainer.step();
        }
        for layer in &trainer.model.layers {
            for v in layer.weights.iter().chain(&layer.bias) {
                eat(v.to_bits() as u64);
            }
        }
        let metrics = trainer.evaluate();
        for v in [
            metrics.train.loss,
            metrics.train.score,
            metrics.test.loss,
            metrics.test.score,
        ] {
            eat(v.to_bits());
        }
        let mut grid = vec![0.0; 50 * 50];
        trainer.predict_grid(50, &mut grid);
        for v in grid {
            eat(v.to_bits() as u64);
        }
    }
    hash
}

/// The fingerprint every platform must produce. It changes whenever a kernel changes its order of
/// summation or a formula changes (it last did when the logistic loss's derivative began to be
/// computed through `exp`, and a run with batches of 50 on widths 6 and 7 joined the reference).
pub const EXPECTED_FINGERPRINT: u64 = 0x6e6e_4a7c_04c9_7629;
