//! Backprop against finite differences, for every model family, activation and loss, with two
//! classes, three and five.

use nnplay_engine::{
    check_gradients, class_target, reference_mean_loss, Activation, CheckBatch, DataSpec, Dataset,
    FeatureMap, Gradients, HandFeature, Loss, Model, ModelSpec, Preset, Rng, Workspace, MAX_CLASSES,
};

/// Runs backprop on a fixed batch of a preset and returns the largest relative error of any layer.
fn worst_error(spec: &ModelSpec, loss: Loss, preset: Preset, seed: u64) -> f64 {
    let data = Dataset::generate(&DataSpec {
        preset,
        count: 12,
        noise: 0.1,
        test_fraction: 0.0,
        seed,
    });
    worst_error_on(spec, loss, &data, seed)
}

/// Runs backprop on the points of `data` and returns the largest relative error of any layer.
fn worst_error_on(spec: &ModelSpec, loss: Loss, data: &Dataset, seed: u64) -> f64 {
    let model = Model::new(spec, &mut Rng::new(seed));
    let n = data.points.len();
    let mut ws = Workspace::new(&model, n);
    for (k, p) in data.points.iter().enumerate() {
        ws.x1[k] = p.x[0];
        ws.x2[k] = p.x[1];
        ws.targets[k] = p.y;
    }
    model.forward(&mut ws, n);
    let mut grads = Gradients::zeros(&model);
    model.backward(&mut ws, loss, &mut grads, false);
    let batch = CheckBatch {
        x1: &ws.x1[..n],
        x2: &ws.x2[..n],
        y: &ws.targets[..n],
    };
    // The f32 forward pass agrees with the independent f64 one.
    let mut scores = [0.0f32; MAX_CLASSES];
    let f32_loss: f64 = (0..n)
        .map(|b| loss.example_value(ws.scores(b, &mut scores), ws.targets[b]))
        .sum::<f64>()
        / n as f64;
    let f64_loss = reference_mean_loss(&model, &batch, loss);
    assert!(
        (f32_loss - f64_loss).abs() < 1e-4 * (1.0 + f64_loss.abs()),
        "{f32_loss} vs {f64_loss}"
    );
    let checks = check_gradients(&model, &batch, loss, &grads, 400, &mut Rng::new(seed + 100));
    for (check, layer) in checks.iter().zip(&model.layers) {
        if layer.frozen {
            assert_eq!(check.checked, 0);
            assert!(grads.weights[check.layer].iter().all(|&g| g == 0.0));
        } else {
            assert!(check.checked > 0);
            assert!(
                grads.norms[check.layer] > 0.0,
                "layer {} has no gradient",
                check.layer
            );
        }
    }
    checks.iter().map(|c| c.max_relative_error).fold(0.0, f64::max)
}

const TOLERANCE: f64 = 2e-3;

#[test]
fn linear_models_under_both_losses() {
    for loss in [Loss::Logistic, Loss::Squared] {
        let err = worst_error(&ModelSpec::linear(), loss, Preset::Gauss, 1);
        assert!(err < TOLERANCE, "{loss}: {err}");
    }
}

#[test]
fn hand_made_features() {
    let spec = ModelSpec::on_features(FeatureMap::Handmade(HandFeature::ALL.to_vec()));
    for loss in [Loss::Logistic, Loss::Squared] {
        let err = worst_error(&spec, loss, Preset::Ring, 2);
        assert!(err < TOLERANCE, "{loss}: {err}");
    }
}

#[test]
fn random_features_with_every_sigma() {
    for sigma in [
        Activation::Sign,
        Activation::Cos,
        Activation::Relu,
        Activation::Tanh,
    ] {
        for loss in [Loss::Logistic, Loss::Squared] {
            let err = worst_error(&ModelSpec::random_features(sigma, 40, 2.0), loss, Preset::Xor, 3);
            assert!(err < TOLERANCE, "{sigma} {loss}: {err}");
        }
    }
}

#[test]
fn networks_with_every_hidden_activation() {
    for act in [
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Linear,
    ] {
        for loss in [Loss::Logistic, Loss::Squared] {
            let spec = ModelSpec::mlp(&[6, 5, 4], act);
            let err = worst_error(&spec, loss, Preset::Spiral, 4);
            assert!(err < TOLERANCE, "{act} {loss}: {err}");
        }
    }
}

#[test]
fn networks_with_a_non_linear_output_and_a_frozen_middle_layer() {
    let mut spec = ModelSpec::mlp(&[8, 8], Activation::Tanh);
    spec.output_activation = Activation::Tanh;
    let err = worst_error(&spec, Loss::Squared, Preset::Circle, 5);
    assert!(err < TOLERANCE, "tanh output: {err}");
    // Freezing a middle layer must still let gradients flow through it to the first layer.
    spec.hidden[1].frozen = true;
    let err = worst_error(&spec, Loss::Squared, Preset::Circle, 6);
    assert!(err < TOLERANCE, "frozen middle: {err}");
}

/// Twelve points of the three-arm spiral, labelled with `classes` classes in turn.
fn points_of(classes: usize, seed: u64) -> Dataset {
    let mut data = Dataset::generate(&DataSpec {
        preset: Preset::Spiral3,
        count: 12,
        noise: 0.1,
        test_fraction: 0.0,
        seed,
    });
    for (i, p) in data.points.iter_mut().enumerate() {
        p.y = class_target(i % classes, classes);
    }
    data.classes = classes;
    data
}

#[test]
fn softmax_in_every_family_with_three_and_five_classes() {
    let families = [
        ("linear", ModelSpec::linear()),
        (
            "hand-made features",
            ModelSpec::on_features(FeatureMap::Handmade(HandFeature::ALL.to_vec())),
        ),
        (
            "random sign features",
            ModelSpec::random_features(Activation::Sign, 40, 2.0),
        ),
        (
            "random cos features",
            ModelSpec::random_features(Activation::Cos, 40, 2.0),
        ),
        (
            "random ReLU features",
            ModelSpec::random_features(Activation::Relu, 40, 2.0),
        ),
        (
            "random tanh features",
            ModelSpec::random_features(Activation::Tanh, 40, 2.0),
        ),
        ("tanh network", ModelSpec::mlp(&[6, 5, 4], Activation::Tanh)),
        ("ReLU network", ModelSpec::mlp(&[6, 5], Activation::Relu)),
        ("sigmoid network", ModelSpec::mlp(&[6, 5], Activation::Sigmoid)),
        ("linear network", ModelSpec::mlp(&[4], Activation::Linear)),
    ];
    for (name, spec) in families {
        for classes in [3, 5] {
            let seed = 3 + classes as u64;
            let spec = spec.clone().with_outputs(classes);
            let err = worst_error_on(&spec, Loss::Softmax, &points_of(classes, seed), seed);
            assert!(err < TOLERANCE, "{name}, {classes} classes: {err}");
        }
    }
}

/// Softmax over two output units is a valid model too, and its gradients are as exact.
#[test]
fn softmax_over_two_units_is_exact_as_well() {
    let spec = ModelSpec::mlp(&[5], Activation::Tanh).with_outputs(2);
    let err = worst_error_on(&spec, Loss::Softmax, &points_of(2, 9), 9);
    assert!(err < TOLERANCE, "{err}");
}

#[test]
fn the_single_example_trace_agrees_with_backprop() {
    let spec = ModelSpec::mlp(&[5, 3], Activation::Tanh);
    let model = Model::new(&spec, &mut Rng::new(11));
    let (x, y) = ([0.3f32, -0.7f32], -1.0f32);
    let trace = model.trace(x, y, Loss::Logistic);
    let mut ws = Workspace::new(&model, 1);
    ws.x1[0] = x[0];
    ws.x2[0] = x[1];
    ws.targets[0] = y;
    model.forward(&mut ws, 1);
    let mut grads = Gradients::zeros(&model);
    model.backward(&mut ws, Loss::Logistic, &mut grads, false);
    assert_eq!(trace.output, ws.outputs()[0]);
    for (l, layer) in model.layers.iter().enumerate() {
        for j in 0..layer.outputs {
            assert_eq!(trace.a[l][j], layer.activation.apply(trace.z[l][j]));
            for i in 0..layer.inputs {
                let g = grads.weights[l][j * layer.inputs + i];
                assert!((trace.weight_gradient(l, j, i) - g).abs() <= 1e-7 + 1e-5 * g.abs());
            }
        }
    }
    // ∂L/∂x by finite differences on the input, for the identity features.
    let h = 1e-3f32;
    for axis in 0..2 {
        let mut plus = x;
        let mut minus = x;
        plus[axis] += h;
        minus[axis] -= h;
        let fd = (Loss::Logistic.value(model.predict(plus), y)
            - Loss::Logistic.value(model.predict(minus), y))
            / (2.0 * h as f64);
        assert!(
            (fd - trace.feature_delta[axis] as f64).abs() < 1e-3,
            "axis {axis}"
        );
    }
}

/// The check tells exact gradients from wrong ones on a deep ReLU network, where half the
/// nudges of a coarser step would flip a unit: exact gradients report at most 1e-4, one entry
/// off by 1% reports about 1e-2.
#[test]
fn the_check_separates_exact_gradients_from_one_percent_errors_on_a_deep_relu_network() {
    let model = Model::new(&ModelSpec::mlp(&[64; 8], Activation::Relu), &mut Rng::new(21));
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Spiral,
        count: 50,
        noise: 0.1,
        test_fraction: 0.0,
        seed: 21,
    });
    let n = data.points.len();
    let mut ws = Workspace::new(&model, n);
    for (k, p) in data.points.iter().enumerate() {
        ws.x1[k] = p.x[0];
        ws.x2[k] = p.x[1];
        ws.targets[k] = p.y;
    }
    model.forward(&mut ws, n);
    let mut grads = Gradients::zeros(&model);
    model.backward(&mut ws, Loss::Logistic, &mut grads, false);
    let batch = CheckBatch {
        x1: &ws.x1[..n],
        x2: &ws.x2[..n],
        y: &ws.targets[..n],
    };
    let output = model.layers.len() - 1;
    // Every one of the output layer's 65 parameters, and a sample of each hidden layer's.
    let check =
        |grads: &Gradients| check_gradients(&model, &batch, Loss::Logistic, grads, 65, &mut Rng::new(3));
    let exact = check(&grads);
    for c in &exact {
        assert!(c.max_relative_error <= 1e-4, "{c:?}");
    }
    assert_eq!(exact[output].checked + exact[output].kinks_skipped, 65);

    let largest = (0..grads.weights[output].len())
        .max_by(|&a, &b| {
            grads.weights[output][a]
                .abs()
                .total_cmp(&grads.weights[output][b].abs())
        })
        .unwrap();
    grads.weights[output][largest] *= 1.01;
    let wrong = check(&grads);
    let error = wrong[output].max_relative_error;
    assert!(
        (0.5e-2..=1.5e-2).contains(&error),
        "one entry 1% off reports {error}"
    );
}
