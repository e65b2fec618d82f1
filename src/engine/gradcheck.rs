//! Gradient checking: backprop's gradients compared with central finite differences of an
//! independent `f64` evaluation of the same model, parameter by parameter.

use super::model::{Gradients, Loss, Model};
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// The result of checking one dense layer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerCheck {
    /// The layer's index.
    pub layer: usize,
    /// How many of its parameters were checked (zero for a frozen layer).
    pub checked: usize,
    /// The largest relative error |fd − bp| / max(|fd|, |bp|, floor) among them, where the
    /// floor is 1% of the layer's largest finite-difference gradient (so that parameters with
    /// negligible gradient do not dominate).
    pub max_relative_error: f64,
}

/// A batch of examples to check on.
pub struct CheckBatch<'a> {
    /// x1 of each example.
    pub x1: &'a [f32],
    /// x2 of each example.
    pub x2: &'a [f32],
    /// y of each example.
    pub y: &'a [f32],
}

/// Which parameter to nudge in a reference evaluation.
#[derive(Clone, Copy)]
struct Nudge {
    layer: usize,
    index: usize,
    amount: f64,
}

/// The mean loss over `batch`, computed in `f64` with plain loops, with one parameter nudged.
/// Parameter `index` counts the weights of the layer first, then its biases.
fn reference_loss(model: &Model, batch: &CheckBatch, loss: Loss, nudge: Option<Nudge>) -> f64 {
    let width = model.features.width();
    let mut features = vec![0.0f32; width];
    let mut total = 0.0;
    for k in 0..batch.y.len() {
        model
            .features
            .apply(&batch.x1[k..k + 1], &batch.x2[k..k + 1], &mut features);
        let mut input: Vec<f64> = features.iter().map(|&v| v as f64).collect();
        for (l, layer) in model.layers.iter().enumerate() {
            let param = |index: usize, value: f32| -> f64 {
                match nudge {
                    Some(n) if n.layer == l && n.index == index => value as f64 + n.amount,
                    _ => value as f64,
                }
            };
            input = (0..layer.outputs)
                .map(|j| {
                    let mut z = param(layer.weights.len() + j, layer.bias[j]);
                    for (i, x) in input.iter().enumerate() {
                        z += param(j * layer.inputs + i, layer.weights[j * layer.inputs + i]) * x;
                    }
                    activation_f64(layer.activation, z)
                })
                .collect();
        }
        total += loss_f64(loss, input[0], batch.y[k] as f64);
    }
    total / batch.y.len().max(1) as f64
}

fn activation_f64(act: super::activation::Activation, z: f64) -> f64 {
    use super::activation::Activation::*;
    match act {
        Linear => z,
        Relu => z.max(0.0),
        Tanh => libm::tanh(z),
        Sigmoid => 1.0 / (1.0 + libm::exp(-z)),
        Sign => {
            if z >= 0.0 {
                1.0
            } else {
                -1.0
            }
        }
        Cos => libm::cos(z),
    }
}

fn loss_f64(loss: Loss, f: f64, y: f64) -> f64 {
    match loss {
        Loss::Logistic => super::model::softplus(-y * f),
        Loss::Squared => (f - y) * (f - y),
    }
}

/// Compares `grads` (backprop on `batch`) with central differences, checking up to
/// `max_per_layer` parameters of each trainable layer, chosen by `rng`.
pub fn check_gradients(
    model: &Model,
    batch: &CheckBatch,
    loss: Loss,
    grads: &Gradients,
    max_per_layer: usize,
    rng: &mut Rng,
) -> Vec<LayerCheck> {
    const H: f64 = 1e-5;
    model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            if layer.frozen {
                return LayerCheck {
                    layer: l,
                    checked: 0,
                    max_relative_error: 0.0,
                };
            }
            let total = layer.parameter_count();
            let mut indices: Vec<usize> = (0..total).collect();
            rng.shuffle(&mut indices);
            indices.truncate(max_per_layer.max(1));
            let pairs: Vec<(f64, f64)> = indices
                .iter()
                .map(|&index| {
                    let at = |amount| {
                        reference_loss(
                            model,
                            batch,
                            loss,
                            Some(Nudge {
                                layer: l,
                                index,
                                amount,
                            }),
                        )
                    };
                    let numeric = (at(H) - at(-H)) / (2.0 * H);
                    let analytic = if index < layer.weights.len() {
                        grads.weights[l][index]
                    } else {
                        grads.bias[l][index - layer.weights.len()]
                    };
                    (numeric, analytic as f64)
                })
                .collect();
            let floor = 0.01 * pairs.iter().map(|p| p.0.abs()).fold(0.0, f64::max) + 1e-9;
            let max_relative_error = pairs
                .iter()
                .map(|&(fd, bp)| (fd - bp).abs() / fd.abs().max(bp.abs()).max(floor))
                .fold(0.0, f64::max);
            LayerCheck {
                layer: l,
                checked: pairs.len(),
                max_relative_error,
            }
        })
        .collect()
}

/// The mean loss over `batch` from the independent `f64` evaluation (for tests and checks).
pub fn reference_mean_loss(model: &Model, batch: &CheckBatch, loss: Loss) -> f64 {
    reference_loss(model, batch, loss, None)
}
