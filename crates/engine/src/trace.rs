//! A single example followed through the network: its forward activations and its backward
//! deltas at every unit, for showing the chain rule with real numbers.

use super::classes::{self, MAX_CLASSES};
use super::model::{Gradients, Loss, Model, Workspace};
use serde::{Deserialize, Serialize};

/// One example's forward and backward pass, unit by unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// The input x.
    pub x: [f32; 2],
    /// The target y.
    pub y: f32,
    /// φ(x), the inputs of the first dense layer.
    pub features: Vec<f32>,
    /// ∂L/∂φ for each feature.
    pub feature_delta: Vec<f32>,
    /// Pre-activations z of each dense layer.
    pub z: Vec<Vec<f32>>,
    /// Activations a = σ(z) of each dense layer.
    pub a: Vec<Vec<f32>>,
    /// δ = ∂L/∂z of each dense layer (zero below a sign layer, whose derivative is zero). At
    /// the output under softmax these are the K deltas pₖ − [k = y].
    pub delta: Vec<Vec<f32>>,
    /// f(x) of the first output unit (the only one unless there are three or more classes;
    /// the last entry of `a` holds every output unit's value).
    pub output: f32,
    /// The probability of each class: σ(f) and 1 − σ(f) for the logistic loss, the softmax of
    /// the K scores for softmax, none for the squared loss.
    pub probabilities: Vec<f32>,
    /// The class index y names under softmax or the logistic loss (see [`crate::classes`]);
    /// `None` for the squared loss.
    pub class: Option<usize>,
    /// L(f(x), y).
    pub loss: f64,
}

impl Trace {
    /// The inputs of dense layer `layer`: φ(x) for the first, the previous layer's a otherwise.
    pub fn layer_input(&self, layer: usize) -> &[f32] {
        if layer == 0 {
            &self.features
        } else {
            &self.a[layer - 1]
        }
    }

    /// ∂L/∂w for the weight from input `input` to unit `unit` of layer `layer`: δ_unit · a_input.
    pub fn weight_gradient(&self, layer: usize, unit: usize, input: usize) -> f32 {
        self.delta[layer][unit] * self.layer_input(layer)[input]
    }
}

impl Model {
    /// Follows one example (x, y) forward and backward under `loss`.
    pub fn trace(&self, x: [f32; 2], y: f32, loss: Loss) -> Trace {
        let mut ws = Workspace::new(self, 1);
        ws.x1[0] = x[0];
        ws.x2[0] = x[1];
        ws.targets[0] = y;
        self.forward(&mut ws, 1);
        let mut grads = Gradients::zeros(self);
        self.backward(&mut ws, loss, &mut grads, true);
        let output = ws.outputs()[0];
        let mut buffer = [0.0f32; MAX_CLASSES];
        let scores = ws.scores(0, &mut buffer);
        let units = scores.len();
        let (probabilities, class) = match loss {
            Loss::Squared => (Vec::new(), None),
            Loss::Logistic => {
                let mut p = vec![0.0; 2];
                classes::class_probabilities(&scores[..1], &mut p);
                (p, Some(classes::class_of(y, 2)))
            }
            Loss::Softmax => {
                let mut p = vec![0.0; units];
                classes::softmax(scores, &mut p);
                (p, Some(classes::softmax_class(y, units)))
            }
        };
        let width = self.features.width();
        let shape = |rows: &[Vec<f32>]| -> Vec<Vec<f32>> {
            rows.iter()
                .zip(&self.layers)
                .map(|(r, l)| r[..l.outputs].to_vec())
                .collect()
        };
        Trace {
            x,
            y,
            features: ws.features[..width].to_vec(),
            feature_delta: ws.feature_delta[..width].to_vec(),
            z: shape(&ws.z),
            a: shape(&ws.a),
            delta: shape(&ws.delta),
            output,
            probabilities,
            class,
            loss: loss.example_value(scores, y),
        }
    }
}
