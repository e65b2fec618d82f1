//! Gradient checking: backprop's gradients compared with central finite differences of an
//! independent `f64` evaluation of the same model, parameter by parameter.
//!
//! The step is tiny (1e-7 relative to the parameter, well within `f64`'s precision; larger only
//! where a layer's gradients are too small for that), and a nudge whose evaluation puts any
//! ReLU or sign unit on the other side of its kink for any example is left out and counted:
//! there the loss is not differentiable along the nudge, and the finite difference measures
//! the jump, not the gradient.

use super::activation::Activation;
use super::model::{Gradients, Loss, Model};
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// The result of checking one dense layer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerCheck {
    /// The layer's index.
    pub layer: usize,
    /// How many of its parameters were compared (zero for a frozen layer).
    pub checked: usize,
    /// How many sampled parameters were left out because nudging them moved a ReLU or sign
    /// unit across its kink for some example (so no finite difference is meaningful there).
    pub kinks_skipped: usize,
    /// The largest relative error |fd − bp| / max(|fd|, |bp|, floor) among them, where the
    /// floor is a tenth of the layer's largest gradient (so that parameters with negligible
    /// gradient, whose `f32` sums cancel, do not dominate).
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

/// One evaluation of the reference model: the mean loss, and a fingerprint of which side of
/// its kink every ReLU and sign unit is on for every example.
#[derive(Clone, Copy, PartialEq)]
struct Evaluation {
    loss: f64,
    kink_sides: u64,
}

/// The mean loss over `batch`, computed in `f64` with plain loops, with one parameter nudged.
/// Parameter `index` counts the weights of the layer first, then its biases.
fn reference_loss(model: &Model, batch: &CheckBatch, loss: Loss, nudge: Option<Nudge>) -> Evaluation {
    // The parameters in f64, the nudge applied, once per evaluation.
    let params: Vec<(Vec<f64>, Vec<f64>)> = model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let mut weights: Vec<f64> = layer.weights.iter().map(|&w| w as f64).collect();
            let mut bias: Vec<f64> = layer.bias.iter().map(|&b| b as f64).collect();
            if let Some(n) = nudge.filter(|n| n.layer == l) {
                match n.index.checked_sub(weights.len()) {
                    None => weights[n.index] += n.amount,
                    Some(b) => bias[b] += n.amount,
                }
            }
            (weights, bias)
        })
        .collect();
    let width = model.features.width();
    let mut features = vec![0.0f32; width];
    let (mut input, mut output) = (Vec::new(), Vec::new());
    let mut total = 0.0;
    let mut kink_sides = 0xcbf2_9ce4_8422_2325u64;
    for k in 0..batch.y.len() {
        model
            .features
            .apply(&batch.x1[k..k + 1], &batch.x2[k..k + 1], &mut features);
        input.clear();
        input.extend(features.iter().map(|&v| v as f64));
        for (layer, (weights, bias)) in model.layers.iter().zip(&params) {
            let kinked = matches!(layer.activation, Activation::Relu | Activation::Sign);
            output.clear();
            for (j, &b) in bias.iter().enumerate() {
                let row = &weights[j * layer.inputs..(j + 1) * layer.inputs];
                let z = b + row.iter().zip(&input).map(|(w, x)| w * x).sum::<f64>();
                if kinked {
                    kink_sides = (kink_sides ^ u64::from(z >= 0.0)).wrapping_mul(0x0100_0000_01b3);
                }
                output.push(activation_f64(layer.activation, z));
            }
            std::mem::swap(&mut input, &mut output);
        }
        total += loss_f64(loss, &input, batch.y[k]);
    }
    Evaluation {
        loss: total / batch.y.len().max(1) as f64,
        kink_sides,
    }
}

fn activation_f64(act: Activation, z: f64) -> f64 {
    use Activation::*;
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

/// The loss of one example whose output units hold `outputs`, in `f64`: the one-unit losses
/// read the first; softmax cross-entropy is log Σₖ e^{fₖ} − f_y, written out here
/// independently of the engine's own.
fn loss_f64(loss: Loss, outputs: &[f64], y: f32) -> f64 {
    let (f, y64) = (outputs[0], y as f64);
    match loss {
        Loss::Logistic => super::model::softplus(-y64 * f),
        Loss::Squared => (f - y64) * (f - y64),
        Loss::Softmax => {
            let top = outputs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_total = top + libm::log(outputs.iter().map(|&s| libm::exp(s - top)).sum::<f64>());
            let class = (y64.round().max(0.0) as usize).min(outputs.len() - 1);
            log_total - outputs[class]
        }
    }
}

/// The finite-difference step for a parameter of value `value` in a layer whose largest
/// gradient is `layer_scale`, where the loss is `loss`: 1e-7 relative to the parameter (and to
/// 1), small enough that truncation error is negligible and few nudges reach a kink. Where the
/// layer's gradients are so small (vanishing through deep sigmoid layers) that the `f64`
/// rounding of the loss, about 2e-16·L, divided by the step would be more than 1e-6 of them,
/// the step grows to keep that rounding below 1e-6 of the gradient scale (at most 1e-3).
fn step_for(value: f32, layer_scale: f64, loss: f64) -> f64 {
    let relative = 1.0 + (value as f64).abs();
    let for_rounding = 2.2e-10 * loss.abs().max(1e-3) / layer_scale.max(1e-30);
    (1e-7 * relative).max(for_rounding).min(1e-3 * relative)
}

/// Compares `grads` (backprop on `batch`) with central differences, checking up to
/// `max_per_layer` parameters of each trainable layer, chosen by `rng`. Parameters whose nudge
/// crosses a kink are left out and counted in [`LayerCheck::kinks_skipped`].
pub fn check_gradients(
    model: &Model,
    batch: &CheckBatch,
    loss: Loss,
    grads: &Gradients,
    max_per_layer: usize,
    rng: &mut Rng,
) -> Vec<LayerCheck> {
    let centre = reference_loss(model, batch, loss, None);
    model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            if layer.frozen {
                return LayerCheck {
                    layer: l,
                    checked: 0,
                    kinks_skipped: 0,
                    max_relative_error: 0.0,
                };
            }
            let total = layer.parameter_count();
            let mut indices: Vec<usize> = (0..total).collect();
            rng.shuffle(&mut indices);
            indices.truncate(max_per_layer.max(1));
            let value = |index: usize| {
                if index < layer.weights.len() {
                    (layer.weights[index], grads.weights[l][index])
                } else {
                    let b = index - layer.weights.len();
                    (layer.bias[b], grads.bias[l][b])
                }
            };
            let largest_analytic = grads.weights[l]
                .iter()
                .chain(&grads.bias[l])
                .map(|g| g.abs() as f64)
                .fold(0.0, f64::max);
            let mut kinks_skipped = 0;
            let pairs: Vec<(f64, f64)> = indices
                .iter()
                .filter_map(|&index| {
                    let (param, analytic) = value(index);
                    let h = step_for(param, largest_analytic, centre.loss);
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
                    let (up, down) = (at(h), at(-h));
                    if up.kink_sides != centre.kink_sides || down.kink_sides != centre.kink_sides {
                        kinks_skipped += 1;
                        return None;
                    }
                    Some(((up.loss - down.loss) / (2.0 * h), analytic as f64))
                })
                .collect();
            // Errors are relative to each gradient, but never to less than a tenth of the
            // layer's largest: an entry much smaller than that is a sum of terms that cancel,
            // which `f32` backprop gets right only to about 1e-7 of the terms.
            let largest = pairs.iter().map(|p| p.0.abs()).fold(largest_analytic, f64::max);
            let floor = 0.1 * largest + 1e-30;
            let max_relative_error = pairs
                .iter()
                .map(|&(fd, bp)| (fd - bp).abs() / fd.abs().max(bp.abs()).max(floor))
                .fold(0.0, f64::max);
            LayerCheck {
                layer: l,
                checked: pairs.len(),
                kinks_skipped,
                max_relative_error,
            }
        })
        .collect()
}

/// The mean loss over `batch` from the independent `f64` evaluation (for tests and checks).
pub fn reference_mean_loss(model: &Model, batch: &CheckBatch, loss: Loss) -> f64 {
    reference_loss(model, batch, loss, None).loss
}
