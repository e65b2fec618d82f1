//! Property tests of the loss surface over generated models, data and budgets:
//!
//! - filter-normalised random directions have, unit by unit, the norms of the weights, zeros at
//!   the biases, and the same seed gives the same plane;
//! - projecting a point of a plane gives back its coordinates;
//! - the surface at the current weights is the training loss the trainer reports;
//! - a surface filled in slices of any budget equals the objective evaluated node by node, and
//!   each coarser level equals the finest grid at its nodes.
//!
//! The seed is fixed so every run tries the same cases; set `PROPTEST_RNG_SEED` to explore
//! others and `PROPTEST_CASES` for more of them.
#![cfg(not(target_arch = "wasm32"))]

use nnplay_engine::surface::{Objective, Plane, Surface, SurfaceError, Window};
use nnplay_engine::{
    Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec, OptimizerConfig, OptimizerKind,
    Preset, TrainConfig, Trainer,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// `cases` cases from a fixed seed unless `PROPTEST_CASES` or `PROPTEST_RNG_SEED` say otherwise.
fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x7375_7266);
    }
    config
}

/// Every family: linear models on any features, random features, and networks of depth 1–3.
fn model_spec() -> impl Strategy<Value = ModelSpec> {
    let features = prop::sample::subsequence(HandFeature::ALL.to_vec(), 0..=HandFeature::ALL.len())
        .prop_map(FeatureMap::Handmade);
    let activation = prop::sample::select(vec![
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Linear,
    ]);
    prop_oneof![
        Just(ModelSpec::linear()),
        features.prop_map(ModelSpec::on_features),
        (1usize..=30, prop::sample::select(Activation::ALL.to_vec()))
            .prop_map(|(k, act)| ModelSpec::random_features(act, k, 1.5)),
        (prop::collection::vec(1usize..=12, 1..=3), activation).prop_map(|(w, act)| ModelSpec::mlp(&w, act)),
    ]
}

/// A trainer of `spec` after a few steps on `count` points of a classification or regression set.
fn trainer(spec: ModelSpec, count: usize, regression: bool, seed: u64, l2: f32) -> (Trainer, Dataset) {
    let data = Dataset::generate(&DataSpec {
        preset: if regression { Preset::Bumps } else { Preset::Spiral },
        count,
        noise: 0.2,
        test_fraction: 0.25,
        seed,
    });
    let config = TrainConfig {
        loss: if regression { Loss::Squared } else { Loss::Logistic },
        batch_size: 7,
        optimizer: OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate: 0.01,
            l1: 0.0,
            l2,
        },
    };
    let mut trainer = Trainer::new(spec, config, &data, seed);
    for _ in 0..5 {
        trainer.step();
    }
    (trainer, data)
}

/// The exact plane when the model has one, otherwise a random one (`None` when the model has
/// no plane: a bias alone, or a single weight in a layer with others frozen).
fn plane_for(trainer: &Trainer, seed: u64) -> Option<Plane> {
    match Plane::exact(&trainer.model) {
        Some(plane) => Some(plane),
        None => match Plane::random(&trainer.model, seed) {
            Ok(plane) => Some(plane),
            Err(SurfaceError::NoWeights | SurfaceError::FlatDirections) => None,
            Err(other) => panic!("{other}"),
        },
    }
}

/// The surface of `trainer`'s objective on its plane (see [`plane_for`]) over a window of
/// `half_width` centred on its weights, and where the weights are; `None` when the model has no
/// plane or there are no training points.
fn surface_around(
    trainer: &Trainer,
    data: &Dataset,
    seed: u64,
    half_width: f64,
) -> Option<(Surface, [f64; 2])> {
    if trainer.train_count() == 0 {
        return None;
    }
    let plane = plane_for(trainer, seed)?;
    let here = plane.project_model(&trainer.model);
    let window = Window {
        centre: here,
        half_width,
    };
    let objective = Objective::of(&trainer.config);
    Some((
        Surface::new(&trainer.model, data, objective, plane, window).unwrap(),
        here,
    ))
}

proptest! {
    #![proptest_config(config(64))]

    /// Each unit's row of each direction has the norm of the unit's row of weights; biases do
    /// not move; the same seed gives the same plane, another seed another one.
    #[test]
    fn random_directions_have_the_weights_unit_norms(
        spec in model_spec(),
        seed in any::<u64>(),
    ) {
        let (trainer, _) = trainer(spec, 30, false, seed, 0.0);
        let Ok(plane) = Plane::random(&trainer.model, seed) else {
            // Only models with fewer than two weights, or all of them zero, have no plane.
            let layout = nnplay_engine::surface::ParameterLayout::of(&trainer.model);
            prop_assert!(layout.weight_count() < 2, "{:?}", layout);
            return Ok(());
        };
        let theta = plane.layout().vector(&trainer.model);
        let norm = |v: &[f32]| v.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt();
        for d in plane.directions() {
            for block in plane.layout().blocks() {
                for unit in 0..block.outputs {
                    let row = block.row(unit);
                    let (want, got) = (norm(&theta[row.clone()]), norm(&d[row]));
                    prop_assert!((got - want).abs() <= 1e-5 * want, "unit {} of layer {}: {} vs {}", unit, block.layer, got, want);
                }
                prop_assert!(d[block.bias.clone()].iter().all(|&b| b == 0.0));
            }
        }
        prop_assert_eq!(&Plane::random(&trainer.model, seed).unwrap(), &plane);
        let other = Plane::random(&trainer.model, seed.wrapping_add(1)).unwrap();
        prop_assert_ne!(other.directions()[0], plane.directions()[0]);
    }

    /// θ(a, b) projects back to (a, b), from a vector and from a model alike.
    #[test]
    fn projecting_a_point_of_a_plane_gives_its_coordinates(
        spec in model_spec(),
        seed in any::<u64>(),
        a in -3.0f64..3.0,
        b in -3.0f64..3.0,
    ) {
        let (trainer, _) = trainer(spec, 20, true, seed, 0.0);
        let Some(plane) = plane_for(&trainer, seed) else { return Ok(()) };
        let mut model = trainer.model.clone();
        let at = if plane.is_exact() { [a, b] } else { [a / 3.0, b / 3.0] };
        plane.write_point(at, &mut model);
        let scale = 1.0 + plane.origin().iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64));
        let mut theta = vec![0.0; plane.layout().len()];
        plane.point(at, &mut theta);
        for back in [plane.project_model(&model), plane.project(&theta)] {
            for k in 0..2 {
                prop_assert!((back[k] - at[k]).abs() <= 1e-5 * scale, "{:?} vs {:?}", back, at);
            }
        }
    }

    /// The surface where the weights are is the loss the trainer reports, on the same points
    /// (all of them, or its even sample for a large model), with the L2 penalty when there is one.
    #[test]
    fn the_surface_at_the_weights_is_the_training_loss(
        spec in model_spec(),
        count in 2usize..=150,
        regression in prop::bool::ANY,
        seed in any::<u64>(),
        penalised in prop::bool::ANY,
    ) {
        let l2 = if penalised { 0.01 } else { 0.0 };
        let (mut trainer, data) = trainer(spec, count, regression, seed, l2);
        let Some((mut surface, here)) = surface_around(&trainer, &data, seed, 1.0) else { return Ok(()) };
        let metrics = trainer.evaluate_sampled(surface.points_used());
        let penalty: f64 = trainer.model.layers.iter().filter(|l| !l.frozen)
            .flat_map(|l| &l.weights).map(|&w| 0.5 * l2 as f64 * (w as f64).powi(2)).sum();
        let value = surface.loss_at(here);
        prop_assert!(
            (value - (metrics.train.loss + penalty)).abs() <= 1e-12 * value.abs(),
            "{} vs {} + {}", value, metrics.train.loss, penalty
        );
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// Filling in slices of any budget gives the objective evaluated node by node, exactly; the
    /// coarser levels shown on the way are the finest grid's values at their nodes.
    #[test]
    fn a_surface_filled_in_slices_equals_the_nodes_evaluated_one_by_one(
        spec in model_spec(),
        count in 2usize..=40,
        regression in prop::bool::ANY,
        seed in any::<u64>(),
        budget in 1u64..=20_000,
        half_width in 0.1f64..4.0,
    ) {
        let (trainer, data) = trainer(spec, count, regression, seed, 0.0);
        let Some((mut surface, _)) = surface_around(&trainer, &data, seed, half_width) else { return Ok(()) };
        let window = surface.window();
        let mut shown: Vec<(usize, Vec<f32>)> = Vec::new();
        let mut version = surface.version();
        let mut calls = 0;
        while !surface.advance(budget) {
            calls += 1;
            prop_assert!(calls < 10_000_000, "no progress");
            if surface.version() != version {
                version = surface.version();
                let level = surface.latest().unwrap();
                shown.push((level.nodes, level.values.to_vec()));
            }
        }
        let finest = surface.latest().unwrap();
        let (nodes, values) = (finest.nodes, finest.values.to_vec());
        prop_assert_eq!(nodes, surface.nodes());
        prop_assert_eq!(surface.progress(), 1.0);
        for r in 0..nodes {
            for c in 0..nodes {
                let at = window.node(r, c, nodes);
                let once = surface.loss_at(at) as f32;
                prop_assert!(values[r * nodes + c] == once || (once.is_nan() && values[r * nodes + c].is_nan()),
                    "node ({}, {}): {} vs {}", r, c, values[r * nodes + c], once);
            }
        }
        // The levels before the last, unless a call finished two at once.
        prop_assert!(shown.len() < ((nodes - 1) / 16).trailing_zeros() as usize + 1);
        for (side, coarse) in shown {
            let stride = (nodes - 1) / (side - 1);
            for (i, &v) in coarse.iter().enumerate() {
                let fine = values[(i / side) * stride * nodes + (i % side) * stride];
                prop_assert!(v == fine || (v.is_nan() && fine.is_nan()));
            }
        }
    }
}
