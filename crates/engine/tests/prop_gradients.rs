//! Property tests: generated models, batches and optimizer settings.
//!
//! - Backprop's gradients equal the `f64` finite-difference reference for every model family,
//!   depth 0–4, widths 1–40, batches 1–200, every activation, every loss (softmax
//!   cross-entropy over 2–5 output units among them), every feature map, random features with
//!   every σ, and frozen layers (whose gradients are exactly zero).
//! - One optimizer step equals its written definition for SGD, momentum and Adam, with L1 and
//!   L2 penalties.
//!
//! The seed is fixed so every run tries the same cases; set `PROPTEST_RNG_SEED` to explore
//! others and `PROPTEST_CASES` for more of them.
#![cfg(not(target_arch = "wasm32"))]

use nnplay_engine::{
    check_gradients, Activation, CheckBatch, FeatureMap, Gradients, HandFeature, LayerInit, LayerSpec, Loss,
    Model, ModelSpec, Optimizer, OptimizerConfig, OptimizerKind, Rng, Workspace, MAX_CLASSES, MOMENTUM,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError};

/// `cases` cases from a fixed seed unless `PROPTEST_CASES` or `PROPTEST_RNG_SEED` say otherwise
/// (the default configuration reads both).
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x6772_6164);
    }
    config
}

fn activation() -> impl Strategy<Value = Activation> {
    prop::sample::select(Activation::ALL.to_vec())
}

fn feature_map() -> impl Strategy<Value = FeatureMap> {
    prop_oneof![
        Just(FeatureMap::Identity),
        prop::sample::subsequence(HandFeature::ALL.to_vec(), 0..=HandFeature::ALL.len())
            .prop_map(FeatureMap::Handmade),
    ]
}

/// A hidden layer: 1–40 units, any σ, sometimes frozen, drawn as a scaled or random-feature layer.
fn hidden_layer() -> impl Strategy<Value = LayerSpec> {
    (
        1usize..=40,
        activation(),
        prop::bool::weighted(0.25),
        prop::bool::ANY,
        0.2f32..5.0,
    )
        .prop_map(|(units, activation, frozen, random, scale)| LayerSpec {
            units,
            activation,
            frozen,
            init: if random {
                LayerInit::RandomFeatures { scale }
            } else {
                LayerInit::Scaled
            },
        })
}

/// Every family: a linear model on any feature map (depth 0), random features of every σ
/// (one frozen layer), and networks of depth 1–4 with any mix of σ and frozen layers.
fn model_spec() -> impl Strategy<Value = ModelSpec> {
    prop_oneof![
        feature_map().prop_map(ModelSpec::on_features),
        (activation(), 1usize..=40, 0.2f32..5.0)
            .prop_map(|(act, k, scale)| ModelSpec::random_features(act, k, scale)),
        (
            feature_map(),
            prop::collection::vec(hidden_layer(), 1..=4),
            0.5f32..2.5
        )
            .prop_map(|(features, hidden, init_scale)| ModelSpec {
                hidden,
                init_scale,
                ..ModelSpec::on_features(features)
            }),
    ]
}

/// Backprop on `n` random examples (targets drawn by `target`) against the finite differences of
/// the independent `f64` model on up to 12 parameters of every trainable layer; frozen layers
/// must get exactly zero.
fn backprop_matches(
    spec: &ModelSpec,
    n: usize,
    loss: Loss,
    seed: u64,
    target: impl Fn(&mut Rng) -> f32,
) -> Result<(), TestCaseError> {
    let mut rng = Rng::new(seed);
    let model = Model::new(spec, &mut rng);
    let mut ws = Workspace::new(&model, n);
    for k in 0..n {
        ws.x1[k] = rng.uniform(-1.0, 1.0) as f32;
        ws.x2[k] = rng.uniform(-1.0, 1.0) as f32;
        ws.targets[k] = target(&mut rng);
    }
    model.forward(&mut ws, n);
    let mut grads = Gradients::zeros(&model);
    model.backward(&mut ws, loss, &mut grads, false);
    let batch = CheckBatch {
        x1: &ws.x1[..n],
        x2: &ws.x2[..n],
        y: &ws.targets[..n],
    };
    let checks = check_gradients(&model, &batch, loss, &grads, 12, &mut rng);
    prop_assert_eq!(checks.len(), model.layers.len());
    for (check, layer) in checks.iter().zip(&model.layers) {
        let l = check.layer;
        if layer.frozen {
            prop_assert_eq!(check.checked, 0);
            prop_assert!(grads.weights[l].iter().chain(&grads.bias[l]).all(|&g| g == 0.0));
            prop_assert_eq!(grads.norms[l], 0.0);
        } else {
            prop_assert!(
                check.max_relative_error < 2e-3,
                "layer {} of {:?}: {:?}",
                l,
                spec,
                check
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Backprop equals the finite differences of the independent `f64` model on up to 12
    /// parameters of every trainable layer; frozen layers get exactly zero.
    #[test]
    fn backprop_equals_finite_differences(
        spec in model_spec(),
        n in 1usize..=200,
        logistic in prop::bool::ANY,
        seed in any::<u64>(),
    ) {
        let loss = if logistic { Loss::Logistic } else { Loss::Squared };
        backprop_matches(&spec, n, loss, seed, |rng| {
            if !logistic {
                rng.uniform(-1.5, 1.5) as f32
            } else if rng.chance(0.5) {
                1.0
            } else {
                -1.0
            }
        })?;
    }

    /// The same for softmax cross-entropy over K = 2 … 5 output units, with class indices as
    /// targets: the output deltas p − onehot(y) and everything backprop builds on them.
    #[test]
    fn softmax_backprop_equals_finite_differences(
        spec in model_spec(),
        classes in 2usize..=MAX_CLASSES,
        n in 1usize..=200,
        seed in any::<u64>(),
    ) {
        let spec = spec.with_outputs(classes);
        backprop_matches(&spec, n, Loss::Softmax, seed, |rng| rng.below(classes) as f32)?;
    }
}

/// The penalised gradient of the written definition: g + λ2·w + λ1·sign(w) on weights only.
fn penalised(g: f64, w: f64, penalise: bool, config: &OptimizerConfig) -> f64 {
    if !penalise {
        return g;
    }
    let sign = if w > 0.0 {
        1.0
    } else if w < 0.0 {
        -1.0
    } else {
        0.0
    };
    g + config.l2 as f64 * w + config.l1 as f64 * sign
}

proptest! {
    #![proptest_config(config(200))]

    /// A few optimizer steps equal the update rules as written, in `f64`: SGD w ← w − ηg;
    /// momentum v ← μv + g, w ← w − ηv; Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 and bias
    /// correction; L1 and L2 on weights, never on biases; frozen layers untouched.
    #[test]
    fn optimizer_steps_follow_their_definitions(
        kind in prop::sample::select(OptimizerKind::ALL.to_vec()),
        learning_rate in 1e-4f32..1.0,
        l1 in prop_oneof![Just(0.0f32), 1e-4f32..0.1],
        l2 in prop_oneof![Just(0.0f32), 1e-4f32..0.1],
        steps in 1usize..=4,
        widths in prop::collection::vec(1usize..=12, 0..=2),
        freeze_first in prop::bool::ANY,
        seed in any::<u64>(),
    ) {
        let config = OptimizerConfig { kind, learning_rate, l1, l2 };
        let mut rng = Rng::new(seed);
        let mut model = Model::new(&ModelSpec::mlp(&widths, Activation::Tanh), &mut rng);
        if freeze_first && model.layers.len() > 1 {
            model.layers[0].frozen = true;
        }
        let mut optimizer = Optimizer::new(&model);
        // The definition, in f64: parameters, first and second moments per tensor.
        let mut params: Vec<Vec<f64>> = model
            .layers
            .iter()
            .flat_map(|l| [&l.weights, &l.bias])
            .map(|t| t.iter().map(|&v| v as f64).collect())
            .collect();
        let mut first: Vec<Vec<f64>> = params.iter().map(|t| vec![0.0; t.len()]).collect();
        let mut second = first.clone();
        let (beta1, beta2, epsilon) = (0.9f64, 0.999f64, 1e-8f64);
        for step in 1..=steps {
            let mut grads = Gradients::zeros(&model);
            for t in grads.weights.iter_mut().chain(grads.bias.iter_mut()) {
                t.iter_mut().for_each(|g| *g = rng.uniform(-1.0, 1.0) as f32);
            }
            optimizer.update(&config, &mut model, &grads);
            for (slot, values) in params.iter_mut().enumerate() {
                let (layer, is_bias) = (slot / 2, slot % 2 == 1);
                if model.layers[layer].frozen {
                    continue;
                }
                let grad = if is_bias { &grads.bias[layer] } else { &grads.weights[layer] };
                for (i, w) in values.iter_mut().enumerate() {
                    let g = penalised(grad[i] as f64, *w, !is_bias, &config);
                    let lr = learning_rate as f64;
                    match kind {
                        OptimizerKind::Sgd => *w -= lr * g,
                        OptimizerKind::Momentum => {
                            first[slot][i] = MOMENTUM as f64 * first[slot][i] + g;
                            *w -= lr * first[slot][i];
                        }
                        OptimizerKind::Adam => {
                            let (m, v) = (&mut first[slot][i], &mut second[slot][i]);
                            *m = beta1 * *m + (1.0 - beta1) * g;
                            *v = beta2 * *v + (1.0 - beta2) * g * g;
                            let m_hat = *m / (1.0 - beta1.powi(step as i32));
                            let v_hat = *v / (1.0 - beta2.powi(step as i32));
                            *w -= lr * m_hat / (v_hat.sqrt() + epsilon);
                        }
                    }
                }
            }
        }
        for (layer_index, layer) in model.layers.iter().enumerate() {
            for (is_bias, tensor) in [(false, &layer.weights), (true, &layer.bias)] {
                let want = &params[2 * layer_index + usize::from(is_bias)];
                for (i, (&got, &want)) in tensor.iter().zip(want).enumerate() {
                    // f32 arithmetic against f64: a few ulps of the parameter and of each step.
                    let tolerance = 1e-5 * (1.0 + want.abs()) + 1e-5 * learning_rate as f64 * steps as f64;
                    prop_assert!(
                        (got as f64 - want).abs() <= tolerance,
                        "{:?} layer {} {} {}: {} vs {}", kind, layer_index,
                        if is_bias { "bias" } else { "weight" }, i, got, want
                    );
                }
            }
        }
    }
}
