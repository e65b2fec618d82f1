//! The loss surface, its planes and the optimizer race, checked against their definitions:
//!
//! - the surface at the current weights is the training loss the trainer reports, for the exact
//!   plane and for slices, on all points and on a sample;
//! - for squared loss the exact surface is lowest at the least-squares solution;
//! - the race's three optimizers start equal, see the same minibatches and each follows its rule;
//! - principal directions are orthonormal and capture the path's share of movement;
//! - a surface filled in slices equals the surface evaluated node by node (see also
//!   `prop_surface.rs` for generated shapes).

use nnplay_engine::surface::{
    exact_optimum, Directions, ExactAxis, Objective, Plane, PlaneKind, Race, Recording, Surface,
    SurfaceError, Window,
};
use nnplay_engine::{
    class_target, solve_last_layer, Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec,
    OptimizerConfig, OptimizerKind, Preset, TrainConfig, Trainer, MOMENTUM,
};

fn data(preset: Preset, count: usize, seed: u64) -> Dataset {
    Dataset::generate(&DataSpec {
        preset,
        count,
        noise: 0.1,
        test_fraction: 0.3,
        seed,
    })
}

fn config(loss: Loss, kind: OptimizerKind, learning_rate: f32) -> TrainConfig {
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

/// A trainer of `spec` on `data` after `steps` steps of SGD.
fn trained(spec: ModelSpec, data: &Dataset, loss: Loss, steps: usize) -> Trainer {
    let mut trainer = Trainer::new(spec, config(loss, OptimizerKind::Sgd, 0.1), data, 4);
    for _ in 0..steps {
        trainer.step();
    }
    trainer
}

/// The surface of `trainer`'s objective over a window of half-width 1 around its weights.
fn surface_of(trainer: &Trainer, data: &Dataset, plane: Plane) -> Surface {
    let here = plane.project_model(&trainer.model);
    let window = Window {
        centre: here,
        half_width: 1.0,
    };
    Surface::new(
        &trainer.model,
        data,
        Objective::of(&trainer.config),
        plane,
        window,
    )
    .unwrap()
}

#[test]
fn the_surface_at_the_current_weights_is_the_training_loss() {
    let classes = data(Preset::Xor, 150, 1);
    let values = data(Preset::Bumps, 150, 2);
    // Three classes: softmax reads every output unit.
    let mut three = data(Preset::Spiral, 150, 3);
    three.classes = 3;
    for (i, p) in three.points.iter_mut().enumerate() {
        p.y = class_target(i % 3, 3);
    }
    let two_features = FeatureMap::Handmade(vec![HandFeature::X1X2, HandFeature::Ring]);
    let cases = [
        (ModelSpec::linear(), &classes, Loss::Logistic, true),
        (ModelSpec::linear(), &values, Loss::Squared, true),
        (
            ModelSpec::on_features(two_features),
            &classes,
            Loss::Logistic,
            true,
        ),
        (
            ModelSpec::random_features(Activation::Relu, 2, 1.0),
            &values,
            Loss::Squared,
            true,
        ),
        (
            ModelSpec::random_features(Activation::Cos, 40, 2.0),
            &values,
            Loss::Squared,
            false,
        ),
        (
            ModelSpec::mlp(&[8, 8], Activation::Tanh),
            &classes,
            Loss::Logistic,
            false,
        ),
        (
            ModelSpec::mlp(&[5], Activation::Relu),
            &values,
            Loss::Squared,
            false,
        ),
        (ModelSpec::linear().with_outputs(3), &three, Loss::Softmax, false),
        (
            ModelSpec::mlp(&[6], Activation::Tanh).with_outputs(3),
            &three,
            Loss::Softmax,
            false,
        ),
    ];
    for (spec, data, loss, exact) in cases {
        let mut trainer = trained(spec.clone(), data, loss, 30);
        let training_loss = trainer.evaluate().train.loss;
        let plane = Plane::exact(&trainer.model)
            .map_or_else(|| Plane::random(&trainer.model, 7), Ok)
            .unwrap();
        assert_eq!(plane.is_exact(), exact, "{spec:?}");
        let mut surface = surface_of(&trainer, data, plane);
        assert_eq!(surface.points_used(), trainer.train_count());
        let here = surface.plane().project_model(&trainer.model);
        if exact {
            let w = &trainer.model.layers.last().unwrap().weights;
            assert_eq!(
                here,
                [w[0] as f64, w[1] as f64],
                "the exact plane's coordinates are the weights"
            );
        } else {
            assert_eq!(here, [0.0, 0.0], "a slice goes through the current weights");
        }
        assert_eq!(surface.loss_at(here), training_loss, "{spec:?}");
        // The window is centred on the weights: so is the middle node of every level.
        while !surface.advance(1_000_000) {}
        let level = surface.latest().unwrap();
        let middle = level.nodes / 2;
        assert_eq!(
            level.values[middle * level.nodes + middle],
            training_loss as f32,
            "{spec:?}"
        );
    }
}

#[test]
fn a_large_model_is_measured_on_the_points_the_trainer_samples() {
    let data = data(Preset::Spiral, 3000, 3);
    let mut trainer = trained(
        ModelSpec::mlp(&[64, 64], Activation::Tanh),
        &data,
        Loss::Logistic,
        5,
    );
    let mut surface = surface_of(&trainer, &data, Plane::random(&trainer.model, 1).unwrap());
    let used = surface.points_used();
    assert!(
        used < trainer.train_count() / 4,
        "{used} of {}",
        trainer.train_count()
    );
    let sampled = trainer.evaluate_sampled(used);
    assert_eq!(sampled.train.count, used);
    assert_eq!(surface.loss_at([0.0, 0.0]), sampled.train.loss);
    assert!(
        surface.nodes() >= 33,
        "a 2-64-64-1 network still gets a fine grid"
    );
}

#[test]
fn a_penalty_is_part_of_the_surface() {
    let data = data(Preset::Circle, 100, 5);
    let mut trainer = trained(ModelSpec::mlp(&[4], Activation::Tanh), &data, Loss::Logistic, 10);
    let plain = surface_of(&trainer, &data, Plane::random(&trainer.model, 2).unwrap()).loss_at([0.0, 0.0]);
    trainer.set_optimizer(OptimizerConfig {
        l1: 0.01,
        l2: 0.1,
        ..trainer.config.optimizer
    });
    let weights = trainer
        .model
        .layers
        .iter()
        .flat_map(|l| l.weights.iter().map(|&w| w as f64));
    let (l1, l2) = (0.01f32 as f64, 0.1f32 as f64);
    let penalty: f64 = weights.map(|w| l1 * w.abs() + 0.5 * l2 * w * w).sum();
    let penalised =
        surface_of(&trainer, &data, Plane::random(&trainer.model, 2).unwrap()).loss_at([0.0, 0.0]);
    assert!(
        (penalised - (plain + penalty)).abs() < 1e-9,
        "{penalised} vs {plain} + {penalty}"
    );
}

#[test]
fn the_exact_squared_surface_is_lowest_at_the_least_squares_solution() {
    let data = data(Preset::Plane, 300, 6);
    for spec in [
        ModelSpec::linear(),
        ModelSpec::on_features(FeatureMap::Handmade(vec![
            HandFeature::X1Squared,
            HandFeature::Sin2,
        ])),
    ] {
        let mut trainer = trained(spec, &data, Loss::Squared, 0);
        // The bias at its least-squares value, the weights away from theirs.
        let solution = solve_last_layer(&trainer.model, &data, 0.0).unwrap();
        solution.install(&mut trainer.model);
        trainer.model.layers[0].weights = vec![solution.weights[0] - 1.5, solution.weights[1] + 0.8];
        let plane = Plane::exact(&trainer.model).unwrap();
        let objective = Objective::of(&trainer.config);
        let optimum = exact_optimum(&trainer.model, &data, objective, &plane).unwrap();
        for k in 0..2 {
            let want = solution.weights[k] as f64;
            assert!(
                (optimum[k] - want).abs() < 1e-4 * (1.0 + want.abs()),
                "{optimum:?} vs {solution:?}"
            );
        }
        let here = plane.project_model(&trainer.model);
        let window = Window::around(&[here, optimum], 0.5);
        let mut surface = Surface::new(&trainer.model, &data, objective, plane, window).unwrap();
        while !surface.advance(u64::MAX) {}
        let level = surface.latest().unwrap();
        let (lowest, value) = level.lowest().unwrap();
        let spacing = window.spacing(level.nodes);
        for k in 0..2 {
            assert!(
                (lowest[k] - optimum[k]).abs() <= spacing,
                "{lowest:?} vs {optimum:?} ({spacing})"
            );
        }
        // No node is below the minimum (beyond the rounding of f32 values).
        let minimum = surface.loss_at(optimum);
        assert!(value as f64 >= minimum - 1e-6 * minimum, "{value} < {minimum}");
        assert!(surface.loss_at([optimum[0] + spacing, optimum[1]]) > minimum);
    }
}

#[test]
fn the_exact_plane_of_one_weight_is_the_weight_and_the_bias() {
    let model = trained(
        ModelSpec::on_features(FeatureMap::Handmade(vec![HandFeature::Ring])),
        &data(Preset::Ring, 50, 1),
        Loss::Logistic,
        3,
    )
    .model;
    let plane = Plane::exact(&model).unwrap();
    assert_eq!(
        plane.kind(),
        &PlaneKind::Exact {
            layer: 0,
            axes: [ExactAxis::Weight(0), ExactAxis::Bias]
        }
    );
    let out = &model.layers[0];
    assert_eq!(
        plane.project_model(&model),
        [out.weights[0] as f64, out.bias[0] as f64]
    );
    // A bias alone has no plane; networks and many features have no exact one.
    let bias_only = trained(
        ModelSpec::on_features(FeatureMap::Handmade(vec![])),
        &data(Preset::Ring, 50, 1),
        Loss::Logistic,
        0,
    )
    .model;
    assert!(Plane::exact(&bias_only).is_none());
    assert_eq!(Plane::random(&bias_only, 1).unwrap_err(), SurfaceError::NoWeights);
    let three = ModelSpec::on_features(FeatureMap::Handmade(vec![
        HandFeature::X1,
        HandFeature::X2,
        HandFeature::Ring,
    ]));
    assert!(Plane::exact(&trained(three, &data(Preset::Ring, 50, 1), Loss::Logistic, 0).model).is_none());
}

#[test]
fn a_surface_needs_training_points() {
    let mut none = data(Preset::Xor, 20, 1);
    none.points.iter_mut().for_each(|p| p.test = true);
    let trainer = trained(ModelSpec::linear(), &data(Preset::Xor, 20, 1), Loss::Logistic, 0);
    let plane = Plane::exact(&trainer.model).unwrap();
    let window = Window::around(&[], 1.0);
    let objective = Objective::of(&trainer.config);
    assert_eq!(
        Surface::new(&trainer.model, &none, objective, plane.clone(), window).unwrap_err(),
        SurfaceError::NoData
    );
    assert_eq!(exact_optimum(&trainer.model, &none, objective, &plane), None);
}

#[test]
fn the_logistic_optimum_is_finite_even_on_separable_data() {
    let data = data(Preset::Gauss, 200, 2);
    let trainer = trained(ModelSpec::linear(), &data, Loss::Logistic, 0);
    let plane = Plane::exact(&trainer.model).unwrap();
    let optimum = exact_optimum(&trainer.model, &data, Objective::of(&trainer.config), &plane).unwrap();
    assert!(
        optimum.iter().all(|v| v.is_finite() && v.abs() < 100.0),
        "{optimum:?}"
    );
    // Downhill from the start.
    let mut surface = surface_of(&trainer, &data, plane);
    let start = surface.plane().project_model(&trainer.model);
    assert!(surface.loss_at(optimum) < surface.loss_at(start));
}

/// The f64 state of one optimizer, for following its written definition.
struct Definition {
    kind: OptimizerKind,
    first: Vec<f64>,
    second: Vec<f64>,
    steps: i32,
}

impl Definition {
    /// One step of the rule on θ with gradient g, as the optimizer's documentation writes it,
    /// with the L2 penalty λ2·w on weights only.
    fn step(&mut self, theta: &mut [f64], grad: &[f64], is_weight: &[bool], config: &OptimizerConfig) {
        self.steps += 1;
        let lr = config.learning_rate as f64;
        for i in 0..theta.len() {
            let g = grad[i]
                + if is_weight[i] {
                    config.l2 as f64 * theta[i]
                } else {
                    0.0
                };
            match self.kind {
                OptimizerKind::Sgd => theta[i] -= lr * g,
                OptimizerKind::Momentum => {
                    self.first[i] = MOMENTUM as f64 * self.first[i] + g;
                    theta[i] -= lr * self.first[i];
                }
                OptimizerKind::Adam => {
                    self.first[i] = 0.9 * self.first[i] + 0.1 * g;
                    self.second[i] = 0.999 * self.second[i] + 0.001 * g * g;
                    let m_hat = self.first[i] / (1.0 - 0.9f64.powi(self.steps));
                    let v_hat = self.second[i] / (1.0 - 0.999f64.powi(self.steps));
                    theta[i] -= lr * m_hat / (v_hat.sqrt() + 1e-8);
                }
            }
        }
    }
}

#[test]
fn the_race_starts_equal_and_each_racer_follows_its_rule() {
    let data = data(Preset::Circle, 120, 8);
    let mut start = Trainer::new(
        ModelSpec::mlp(&[5], Activation::Tanh),
        config(Loss::Logistic, OptimizerKind::Momentum, 0.05),
        &data,
        9,
    );
    // Some momentum built up in the trainer must not carry into the race.
    for _ in 0..7 {
        start.step();
    }
    start.set_optimizer(OptimizerConfig {
        l2: 1e-3,
        ..start.config.optimizer
    });
    let mut race = Race::new(&start);
    let kinds: Vec<_> = race.racers().iter().map(|r| r.kind).collect();
    assert_eq!(kinds, Race::KINDS);
    let layout = Plane::random(&start.model, 1).unwrap().layout().clone();
    let is_weight: Vec<bool> = {
        let mut flags = vec![false; layout.len()];
        layout
            .blocks()
            .iter()
            .for_each(|b| flags[b.weights.clone()].fill(true));
        flags
    };
    let mut definitions: Vec<Definition> = Race::KINDS
        .iter()
        .map(|&kind| Definition {
            kind,
            first: vec![0.0; layout.len()],
            second: vec![0.0; layout.len()],
            steps: 0,
        })
        .collect();
    let mut thetas: Vec<Vec<f64>> = race
        .racers()
        .iter()
        .map(|r| {
            assert_eq!(
                r.trainer.model, start.model,
                "every racer starts from the same weights"
            );
            assert_eq!(r.trainer.config.optimizer.learning_rate, 0.05);
            assert_eq!(r.trainer.steps(), start.steps());
            layout
                .vector(&r.trainer.model)
                .iter()
                .map(|&v| v as f64)
                .collect()
        })
        .collect();
    for step in 0..40 {
        assert!(race.step());
        let batch = race.racers()[0].trainer.last_batch();
        for (r, racer) in race.racers().iter().enumerate() {
            let theirs = racer.trainer.last_batch();
            assert_eq!(
                (&theirs.x1[..theirs.len()], &theirs.targets[..theirs.len()]),
                (&batch.x1[..batch.len()], &batch.targets[..batch.len()]),
                "step {step}: the same minibatch"
            );
            // The gradient of this step, at the weights before it, laid out like θ.
            let grads = racer.trainer.gradients();
            let mut grad = vec![0.0; layout.len()];
            for b in layout.blocks() {
                grad[b.weights.clone()]
                    .iter_mut()
                    .zip(&grads.weights[b.layer])
                    .for_each(|(g, &v)| *g = v as f64);
                grad[b.bias.clone()]
                    .iter_mut()
                    .zip(&grads.bias[b.layer])
                    .for_each(|(g, &v)| *g = v as f64);
            }
            definitions[r].step(&mut thetas[r], &grad, &is_weight, &racer.trainer.config.optimizer);
            let got = layout.vector(&racer.trainer.model);
            for (i, (&g, &want)) in got.iter().zip(&thetas[r]).enumerate() {
                assert!(
                    (g as f64 - want).abs() <= 2e-5 * (1.0 + want.abs()),
                    "{:?} step {step} parameter {i}: {g} vs {want}",
                    racer.kind
                );
            }
            // Resynchronise with the f32 weights, so rounding does not pile up over the steps.
            thetas[r] = got.iter().map(|&v| v as f64).collect();
        }
    }
    let distinct = |a: usize, b: usize| race.racers()[a].trainer.model != race.racers()[b].trainer.model;
    assert!(distinct(0, 1) && distinct(1, 2) && distinct(0, 2));
}

#[test]
fn a_large_learning_rate_makes_sgd_and_momentum_diverge_while_adam_keeps_going() {
    let data = data(Preset::Plane, 200, 3);
    let start = Trainer::new(
        ModelSpec::linear(),
        config(Loss::Squared, OptimizerKind::Sgd, 3.0),
        &data,
        1,
    );
    let mut race = Race::new(&start);
    for _ in 0..2000 {
        race.step();
    }
    let diverged: Vec<bool> = race.racers().iter().map(|r| r.trainer.diverged()).collect();
    assert_eq!(diverged, [true, true, false]);
    assert!(race.racers().iter().all(|r| r.trainer.model.is_finite()));
    // A new learning rate lets the diverged racers try again from their last finite weights;
    // Adam, which never stopped, takes its next step.
    race.configure(&config(Loss::Squared, OptimizerKind::Sgd, 0.05));
    assert!(race.racers().iter().all(|r| !r.trainer.diverged()));
    let before = race.racers()[2].trainer.steps();
    race.step();
    assert_eq!(race.racers()[2].trainer.steps(), before + 1);
}

/// Orthonormal vectors e₁, e₂, e₃ of length `p` (Gram–Schmidt on fixed vectors).
fn orthonormal(p: usize) -> [Vec<f64>; 3] {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for k in 0..3 {
        let mut v: Vec<f64> = (0..p).map(|i| ((i * (k + 2) + k) as f64 * 0.7).sin()).collect();
        for b in &basis {
            let along: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
            v.iter_mut().zip(b).for_each(|(x, y)| *x -= along * y);
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        basis.push(v);
    }
    [basis[0].clone(), basis[1].clone(), basis[2].clone()]
}

#[test]
fn principal_directions_are_orthonormal_and_capture_the_path() {
    let model = trained(
        ModelSpec::mlp(&[3, 2], Activation::Tanh),
        &data(Preset::Xor, 50, 1),
        Loss::Logistic,
        0,
    )
    .model;
    let plane = Plane::random(&model, 1).unwrap();
    let layout = plane.layout().clone();
    let p = layout.len();
    let theta0 = layout.vector(&model);
    let [e1, e2, e3] = orthonormal(p);
    // A path around θ₀ with independent components along e₁, e₂, e₃ of spreads 3, 2 and 0.5:
    // over whole periods cos t, sin t and cos 3t are orthogonal, so e₁ and e₂ are its principal
    // directions and the plane holds (9 + 4) / (9 + 4 + 0.25) of its squared distance.
    let (a, b, c) = (3.0, 2.0, 0.5);
    let mut trail = Recording::new(p, 200);
    let count = 120;
    for i in 0..count {
        let t = std::f64::consts::TAU * i as f64 / count as f64;
        trail.record(i as u64, |row| {
            for k in 0..p {
                let offset = a * t.cos() * e1[k] + b * t.sin() * e2[k] + c * (3.0 * t).cos() * e3[k];
                row[k] = (theta0[k] as f64 + offset) as f32;
            }
        });
    }
    let plane = Plane::principal(&model, &trail, 5).unwrap();
    let PlaneKind::Principal { captured, straight } = *plane.kind() else {
        panic!("{:?}", plane.kind())
    };
    assert!(!straight);
    let expected = (a * a + b * b) / (a * a + b * b + c * c);
    assert!((captured - expected).abs() < 1e-5, "{captured} vs {expected}");
    assert_eq!(plane.captured(&trail), Some(captured));
    let [d1, d2] = plane.directions();
    let dot = |x: &[f32], y: &[f64]| x.iter().zip(y).map(|(&u, &v)| u as f64 * v).sum::<f64>();
    let d2_64: Vec<f64> = d2.iter().map(|&v| v as f64).collect();
    let d1_64: Vec<f64> = d1.iter().map(|&v| v as f64).collect();
    assert!((dot(d1, &d1_64) - 1.0).abs() < 1e-6 && (dot(d2, &d2_64) - 1.0).abs() < 1e-6);
    assert!(dot(d1, &d2_64).abs() < 1e-6);
    assert!((dot(d1, &e1).abs() - 1.0).abs() < 1e-5 && (dot(d2, &e2).abs() - 1.0).abs() < 1e-5);
    // Projections of the path are its coordinates along e₁ and e₂ (up to sign).
    let i = 10;
    let t = std::f64::consts::TAU * i as f64 / count as f64;
    let [pa, pb] = plane.project(trail.row(i));
    assert!((pa.abs() - (a * t.cos()).abs()).abs() < 1e-4 && (pb.abs() - (b * t.sin()).abs()).abs() < 1e-4);

    // A straight path: one principal direction, the other any orthogonal one; all captured.
    let mut line = Recording::new(p, 50);
    for i in 0..20 {
        line.record(i, |row| {
            for k in 0..p {
                row[k] = (theta0[k] as f64 + 0.1 * i as f64 * e3[k]) as f32;
            }
        });
    }
    let plane = Plane::principal(&model, &line, 5).unwrap();
    let PlaneKind::Principal { captured, straight } = *plane.kind() else {
        panic!()
    };
    assert!(straight && (captured - 1.0).abs() < 1e-6, "{captured}");
    let [d1, d2] = plane.directions();
    let d2_64: Vec<f64> = d2.iter().map(|&v| v as f64).collect();
    assert!(dot(d1, &d2_64).abs() < 1e-6 && (dot(d2, &d2_64) - 1.0).abs() < 1e-6);

    // A path that never moved has no directions.
    let mut still = Recording::new(p, 10);
    still.record(0, |row| row.copy_from_slice(&theta0));
    assert_eq!(
        Plane::principal(&model, &still, 1).unwrap_err(),
        SurfaceError::ShortPath
    );
    assert_eq!(
        Plane::principal(&model, &Recording::new(p + 1, 10), 1).unwrap_err(),
        SurfaceError::ShortPath
    );
}

#[test]
fn random_slices_capture_little_of_a_real_path_and_principal_ones_most() {
    let data = data(Preset::Circle, 200, 4);
    let mut trainer = Trainer::new(
        ModelSpec::mlp(&[8, 8], Activation::Tanh),
        config(Loss::Logistic, OptimizerKind::Sgd, 0.1),
        &data,
        2,
    );
    let layout = Plane::random(&trainer.model, 1).unwrap().layout().clone();
    let mut trail = Recording::trail(&layout);
    for _ in 0..600 {
        trainer.step();
        trail.record_parameters(trainer.steps(), &layout, &trainer.model);
    }
    assert!(trail.len() <= nnplay_engine::surface::TRAIL_ROWS);
    let random = Plane::random(&trainer.model, 1)
        .unwrap()
        .captured(&trail)
        .unwrap();
    let principal = Plane::principal(&trainer.model, &trail, 1).unwrap();
    let PlaneKind::Principal { captured, .. } = *principal.kind() else {
        panic!()
    };
    assert!(
        random < 0.2 && captured > 0.5 && captured > random,
        "{random} vs {captured}"
    );
    assert_eq!(Directions::Principal.key(), "pca");
    assert_eq!("random".parse::<Directions>(), Ok(Directions::Random));
}

#[test]
fn clicking_the_plane_sets_weights_that_project_back_to_the_click() {
    let data = data(Preset::Xor, 80, 1);
    let trainer = trained(
        ModelSpec::mlp(&[4, 3], Activation::Relu),
        &data,
        Loss::Logistic,
        5,
    );
    for plane in [
        Plane::random(&trainer.model, 3).unwrap(),
        Plane::exact(&trained(ModelSpec::linear(), &data, Loss::Logistic, 5).model).unwrap(),
    ] {
        let mut model = if plane.is_exact() {
            trained(ModelSpec::linear(), &data, Loss::Logistic, 5).model
        } else {
            trainer.model.clone()
        };
        let click = [0.3, -0.45];
        plane.write_point(click, &mut model);
        let back = plane.project_model(&model);
        assert!(
            (back[0] - click[0]).abs() < 1e-6 && (back[1] - click[1]).abs() < 1e-6,
            "{back:?}"
        );
        let mut theta = vec![0.0; plane.layout().len()];
        plane.point(click, &mut theta);
        assert_eq!(theta, plane.layout().vector(&model));
    }
}
