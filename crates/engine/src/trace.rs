//! A single example followed through the network: its forward activations and its backward
//! deltas at every unit, for showing the chain rule with real numbers.

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
    /// δ = ∂L/∂z of each dense layer (zero below a sign layer, whose derivative is zero).
    pub delta: Vec<Vec<f32>>,
    /// f(x).
    pub output: f32,
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
            loss: loss.value(output, y),
        }
    }
}
