//! Three to five classes: softmax cross-entropy learning the class presets, and everything that
//! reads a model's K outputs (the trace, metrics, the confusion matrix, the probability grid,
//! the exact last layer, the labs). Its gradients are in `engine_gradients.rs`.

use nnplay_engine::labs::feature_space::{project, Projection};
use nnplay_engine::labs::sweep::{Sweep, SweepSpec};
use nnplay_engine::labs::transfer::{preset_target, Shift, ShiftKind, Strategy, TransferLab};
use nnplay_engine::{
    class_of, confusion_matrix, grid_cell, predicted_class, solve_last_layer, Activation, DataSpec, Dataset,
    Gradients, Loss, Model, ModelSpec, OptimizerConfig, OptimizerKind, Preset, Rng, Task, TrainConfig,
    Trainer, Workspace, MAX_CLASSES,
};

fn data(preset: Preset, count: usize, seed: u64) -> Dataset {
    Dataset::generate(&DataSpec {
        preset,
        count,
        noise: 0.0,
        test_fraction: 0.5,
        seed,
    })
}

#[test]
fn the_trace_shows_the_softmax_and_the_deltas_p_minus_y() {
    let spec = ModelSpec::mlp(&[5, 3], Activation::Tanh).with_outputs(4);
    let model = Model::new(&spec, &mut Rng::new(11));
    let (x, y) = ([0.3f32, -0.7f32], 2.0f32);
    let trace = model.trace(x, y, Loss::Softmax);
    assert_eq!(trace.class, Some(2));
    assert_eq!(trace.probabilities.len(), 4);
    assert!((trace.probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    let out = model.layers.len() - 1;
    let scores = &trace.a[out];
    assert_eq!(scores.len(), 4);
    // p = softmax(scores), δ = p − onehot(y), and the loss is −log p_y.
    let total: f64 = scores.iter().map(|&s| (s as f64).exp()).sum();
    for (k, &score) in scores.iter().enumerate() {
        let p = (score as f64).exp() / total;
        assert!((trace.probabilities[k] as f64 - p).abs() < 1e-6);
        let onehot = if k == 2 { 1.0 } else { 0.0 };
        assert!(
            (trace.delta[out][k] as f64 - (p - onehot)).abs() < 1e-6,
            "unit {k}"
        );
    }
    assert!((trace.loss + (trace.probabilities[2] as f64).ln()).abs() < 1e-5);
    // The trace's weight gradients are backprop's on this one example.
    let mut ws = Workspace::new(&model, 1);
    (ws.x1[0], ws.x2[0], ws.targets[0]) = (x[0], x[1], y);
    model.forward(&mut ws, 1);
    let mut grads = Gradients::zeros(&model);
    model.backward(&mut ws, Loss::Softmax, &mut grads, false);
    for (l, layer) in model.layers.iter().enumerate() {
        for j in 0..layer.outputs {
            for i in 0..layer.inputs {
                let g = grads.weights[l][j * layer.inputs + i];
                assert!((trace.weight_gradient(l, j, i) - g).abs() <= 1e-7 + 1e-5 * g.abs());
            }
        }
    }
    // ∂L/∂x by finite differences on the input.
    let loss_at = |x: [f32; 2]| model.trace(x, y, Loss::Softmax).loss;
    let h = 1e-3f32;
    for axis in 0..2 {
        let (mut plus, mut minus) = (x, x);
        plus[axis] += h;
        minus[axis] -= h;
        let fd = (loss_at(plus) - loss_at(minus)) / (2.0 * h as f64);
        assert!(
            (fd - trace.feature_delta[axis] as f64).abs() < 1e-3,
            "axis {axis}"
        );
    }
    // Two classes keep the logistic unit: σ(f), 1 − σ(f), and the class from the sign of y.
    let binary = Model::new(&ModelSpec::linear(), &mut Rng::new(2));
    let trace = binary.trace(x, -1.0, Loss::Logistic);
    assert_eq!(trace.class, Some(1));
    let p = 1.0 / (1.0 + (-trace.output).exp());
    assert!((trace.probabilities[0] - p).abs() < 1e-6 && (trace.probabilities[1] - (1.0 - p)).abs() < 1e-6);
    assert!(binary.trace(x, 0.4, Loss::Squared).probabilities.is_empty());
}

fn adam(learning_rate: f32) -> TrainConfig {
    TrainConfig {
        loss: Loss::Softmax,
        batch_size: 10,
        optimizer: OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate,
            ..Default::default()
        },
    }
}

/// Trains `spec` on `data` for `epochs` and returns the trainer.
fn trained(spec: ModelSpec, config: TrainConfig, data: &Dataset, epochs: usize) -> Trainer {
    let spec = spec.with_outputs(data.output_units());
    let mut trainer = Trainer::new(spec, config, data, 7);
    let before = trainer.evaluate();
    for _ in 0..epochs {
        trainer.epoch();
    }
    let after = trainer.evaluate();
    assert!(after.train.loss < before.train.loss, "training loss did not fall");
    trainer
}

#[test]
fn softmax_regression_separates_three_blobs() {
    for seed in 1..=3 {
        let blobs = data(Preset::Blobs3, 400, seed);
        assert_eq!((blobs.classes, blobs.loss()), (3, Loss::Softmax));
        let mut trainer = trained(ModelSpec::linear(), adam(0.03), &blobs, 30);
        let test = trainer.evaluate().test;
        assert!(test.score >= 0.95, "seed {seed}: {test:?}");
        // The confusion matrix agrees with the accuracy, and each blob keeps its points.
        let matrix = trainer.confusion_matrix(true, usize::MAX);
        assert_eq!(matrix.total(), test.count);
        assert!((matrix.accuracy() - test.score).abs() < 1e-12);
        for class in 0..3 {
            assert!(matrix.count(class, class) as f64 >= 0.9 * matrix.class_total(class) as f64);
        }
    }
}

#[test]
fn a_network_learns_the_three_arm_spiral() {
    let spiral = data(Preset::Spiral3, 600, 1);
    let mut trainer = trained(
        ModelSpec::mlp(&[16, 16], Activation::Tanh),
        adam(0.01),
        &spiral,
        400,
    );
    let test = trainer.evaluate().test;
    assert!(test.score >= 0.95, "{test:?}");
    // A linear model cannot: softmax regression's regions are convex.
    let mut linear = trained(ModelSpec::linear(), adam(0.03), &spiral, 50);
    let score = linear.evaluate().test.score;
    assert!(score < 0.7, "linear model on the spiral: {score}");
}

#[test]
fn four_quadrants_need_no_hidden_layer() {
    let quadrants = data(Preset::Quadrants4, 400, 2);
    let mut trainer = trained(ModelSpec::linear(), adam(0.05), &quadrants, 60);
    assert!(trainer.evaluate().test.score >= 0.95);
    let mut rf = trained(
        ModelSpec::random_features(Activation::Relu, 100, 1.0),
        adam(0.01),
        &quadrants,
        60,
    );
    assert!(rf.evaluate().test.score >= 0.95);
}

#[test]
fn the_probability_grid_paints_each_class_by_its_softmax() {
    let blobs = data(Preset::Blobs3, 300, 4);
    let mut trainer = trained(ModelSpec::mlp(&[8], Activation::Tanh), adam(0.03), &blobs, 10);
    let resolution = 20;
    let cells = resolution * resolution;
    let mut planes = vec![0.0; 3 * cells];
    trainer.predict_class_grid(resolution, &mut planes);
    let mut scores = [0.0f32; MAX_CLASSES];
    let model = &trainer.model;
    let mut ws = Workspace::new(model, 1);
    for cell in 0..cells {
        let p: Vec<f32> = (0..3).map(|k| planes[k * cells + cell]).collect();
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        [ws.x1[0], ws.x2[0]] = grid_cell(cell, resolution);
        model.forward(&mut ws, 1);
        let predicted = predicted_class(ws.scores(0, &mut scores));
        let most = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(p[most], p[predicted], "cell {cell}");
    }
    // Two classes: σ(f) and 1 − σ(f), f the prediction grid's value.
    let xor = data(Preset::Xor, 100, 1);
    let mut binary = Trainer::new(ModelSpec::linear(), TrainConfig::default(), &xor, 1);
    let (mut planes, mut f) = (vec![0.0; 2 * cells], vec![0.0; cells]);
    binary.predict_class_grid(resolution, &mut planes);
    binary.predict_grid(resolution, &mut f);
    for cell in 0..cells {
        let p = 1.0 / (1.0 + (-f[cell]).exp());
        assert!((planes[cell] - p).abs() < 1e-6 && (planes[cells + cell] - (1.0 - p)).abs() < 1e-6);
    }
}

#[test]
fn the_confusion_matrix_puts_truth_in_rows() {
    let quadrants = data(Preset::Quadrants4, 200, 5);
    let model = Model::new(&ModelSpec::linear().with_outputs(4), &mut Rng::new(1));
    let matrix = confusion_matrix(&model, &quadrants.points, 4);
    assert_eq!(matrix.total(), 200);
    let mut scores = [0.0f32; MAX_CLASSES];
    let mut ws = Workspace::new(&model, 1);
    let mut expected = vec![0usize; 16];
    for p in &quadrants.points {
        (ws.x1[0], ws.x2[0]) = (p.x[0], p.x[1]);
        model.forward(&mut ws, 1);
        expected[class_of(p.y, 4) * 4 + predicted_class(ws.scores(0, &mut scores))] += 1;
    }
    assert_eq!(matrix.counts, expected);
    // Regression has no classes.
    let bumps = data(Preset::Bumps, 50, 1);
    let mut trainer = Trainer::new(ModelSpec::linear(), TrainConfig::default(), &bumps, 1);
    assert_eq!(trainer.confusion_matrix(false, 100).classes, 0);
}

/// The exact last layer with several classes is one-vs-rest ridge: each output unit equals the
/// one-output fit to +1 on its class and −1 elsewhere, and the argmax classifies the blobs.
#[test]
fn the_exact_last_layer_is_one_vs_rest_ridge() {
    let blobs = data(Preset::Blobs3, 300, 6);
    let spec = ModelSpec::random_features(Activation::Relu, 50, 1.5);
    let mut model = Model::new(&spec.clone().with_outputs(3), &mut Rng::new(3));
    let solution = solve_last_layer(&model, &blobs, 1e-3).unwrap();
    assert_eq!((solution.weights.len(), solution.bias.len()), (150, 3));
    for class in 0..3 {
        let single = Model::new(&spec, &mut Rng::new(3));
        let mut one_vs_rest = blobs.clone();
        one_vs_rest.classes = 2;
        for p in &mut one_vs_rest.points {
            p.y = if class_of(p.y, 3) == class { 1.0 } else { -1.0 };
        }
        let alone = solve_last_layer(&single, &one_vs_rest, 1e-3).unwrap();
        for (a, b) in alone
            .weights
            .iter()
            .zip(&solution.weights[class * 50..(class + 1) * 50])
        {
            assert!(
                (a - b).abs() <= 1e-4 * (1.0 + a.abs()),
                "class {class}: {a} vs {b}"
            );
        }
        assert!((alone.bias[0] - solution.bias[class]).abs() < 1e-4);
    }
    solution.install(&mut model);
    let matrix = confusion_matrix(&model, &blobs.points, 3);
    assert!(matrix.accuracy() > 0.95, "{matrix:?}");
}

#[test]
fn the_sweep_fits_several_classes_one_vs_rest() {
    let spec = SweepSpec {
        activation: Activation::Cos,
        scale: 5.0,
        lambda: 1e-3,
        seed: 4,
    };
    let mut sweep = Sweep::new(spec, &data(Preset::Spiral3, 300, 2)).unwrap();
    while !sweep.is_done() {
        sweep.advance();
    }
    let rows = sweep.rows();
    let (first, last) = (&rows[0], rows.last().unwrap());
    assert!(
        first.test_error > 0.4,
        "one feature cannot tell three arms: {first:?}"
    );
    assert!(last.test_error < first.test_error / 2.0, "{last:?}");
    let kernel = sweep.kernel_result().expect("cos features have a kernel");
    assert!(kernel.test_error < 0.05, "{kernel:?}");
    assert!(
        (last.test_error - kernel.test_error).abs() < 0.03,
        "{last:?} vs {kernel:?}"
    );
}

#[test]
fn pretraining_on_three_classes_transfers_to_another_number_of_classes() {
    let source = data(Preset::Spiral3, 400, 3);
    let mut lab = TransferLab::new(ModelSpec::mlp(&[8, 8], Activation::Tanh), &source, 1).unwrap();
    assert_eq!(lab.task(), Task::Classification);
    while lab.is_busy() {
        lab.advance(200);
    }
    assert!(lab.source_test().unwrap().score > 0.8, "{:?}", lab.source_test());
    for target in [
        preset_target(Preset::Xor, 8, false, 0.0, 5),
        preset_target(Preset::Quadrants4, 8, false, 0.0, 5),
    ] {
        lab.fine_tune(target.clone()).unwrap();
        while lab.is_busy() {
            lab.advance(300);
        }
        let outputs = lab
            .model(Strategy::Frozen)
            .unwrap()
            .layers
            .last()
            .unwrap()
            .outputs;
        assert_eq!(outputs, target.output_units());
        let none = Shift {
            kind: ShiftKind::Scale,
            amount: 0.0,
        };
        // A fresh network learns the few labels of either target, and fine-tuning the three
        // classes' features learns the four quadrants' (on XOR it stops at 7 of 8 with this seed).
        for result in lab.results(none) {
            assert!((0.0..=1.0).contains(&result.test.score), "{result:?}");
            let learns = result.strategy == Strategy::Scratch
                || (result.strategy == Strategy::FineTune && target.classes == 4);
            if learns {
                assert!(result.train.score >= 0.99, "{result:?}");
            }
        }
    }
}

#[test]
fn preset_targets_share_labels_between_classes_and_swap_by_turning() {
    let data = preset_target(Preset::Quadrants4, 10, false, 0.0, 3);
    let labelled: Vec<usize> = data
        .points
        .iter()
        .filter(|p| !p.test)
        .map(|p| class_of(p.y, 4))
        .collect();
    for class in 0..4 {
        let share = labelled.iter().filter(|&&c| c == class).count();
        assert_eq!(share, 10 / 4 + usize::from(class < 10 % 4), "class {class}");
    }
    let swapped = preset_target(Preset::Quadrants4, 10, true, 0.0, 3);
    for (a, b) in data.points.iter().zip(&swapped.points) {
        assert_eq!(class_of(b.y, 4), (class_of(a.y, 4) + 1) % 4);
    }
}

#[test]
fn the_feature_space_of_three_classes_is_exact_along_the_class_directions() {
    let blobs = data(Preset::Blobs3, 200, 8);
    let trainer = trained(ModelSpec::mlp(&[6, 5], Activation::Tanh), adam(0.03), &blobs, 5);
    let model = &trainer.model;
    let view = project(model, &blobs, Projection::Separator, None);
    assert!(view.exact, "three classes depend on two score differences only");
    assert_eq!((view.rule, view.class_rules.len()), (None, 3));
    let mut scores = [0.0f32; MAX_CLASSES];
    let mut ws = Workspace::new(model, 1);
    for (v, p) in view.points.iter().zip(&blobs.points) {
        (ws.x1[0], ws.x2[0]) = (p.x[0], p.x[1]);
        model.forward(&mut ws, 1);
        let scores = ws.scores(0, &mut scores);
        // The class rules on the plane differ from the scores by one shared amount.
        let on_plane: Vec<f64> = view
            .class_rules
            .iter()
            .map(|[c, wa, wb]| c + wa * v.at[0] as f64 + wb * v.at[1] as f64)
            .collect();
        let shift = on_plane[0] - scores[0] as f64;
        for k in 1..3 {
            assert!((on_plane[k] - scores[k] as f64 - shift).abs() < 1e-3, "{v:?}");
        }
        assert_eq!(v.correct, Some(predicted_class(scores) == class_of(p.y, 3)));
        assert_eq!(v.score > 0.0, v.correct == Some(true));
    }
    // Four classes need three differences: a plane is only a view.
    let quadrants = data(Preset::Quadrants4, 200, 8);
    let deep = trained(
        ModelSpec::mlp(&[6, 5], Activation::Tanh),
        adam(0.03),
        &quadrants,
        2,
    );
    let view = project(&deep.model, &quadrants, Projection::Separator, None);
    assert!(!view.exact);
    assert_eq!(view.class_rules.len(), 4);
}
