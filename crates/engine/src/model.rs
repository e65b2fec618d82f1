//! The model pipeline shared by all four families: a fixed feature map followed by dense layers,
//! some of which may be frozen, with a forward pass and a layer-by-layer backward pass over a
//! minibatch held in reusable buffers.

use super::activation::Activation;
use super::classes::{self, MAX_CLASSES};
use super::features::FeatureMap;
use super::math;
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// The loss a model is trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Loss {
    /// Logistic loss −log σ(y·f(x)) for y = ±1 (classification).
    Logistic,
    /// Squared loss (f(x) − y)² (regression, or classification with y = ±1 as targets).
    Squared,
    /// Softmax cross-entropy −log p_y over the K output units, p = softmax(f(x)), for the class
    /// index y ∈ {0, …, K − 1} (classification with three or more classes; see [`crate::classes`]).
    Softmax,
}

impl Loss {
    /// The loss of a one-unit prediction `f` against target `y`, in `f64` (stable for large
    /// margins). Softmax over one unit is certain of its only class: zero.
    pub fn value(self, f: f32, y: f32) -> f64 {
        let (f, y) = (f as f64, y as f64);
        match self {
            Loss::Logistic => softplus(-y * f),
            Loss::Squared => (f - y) * (f - y),
            Loss::Softmax => 0.0,
        }
    }

    /// The loss of one example whose output units hold `scores` (one value unless the loss is
    /// softmax, which reads them all; the others read the first).
    pub fn example_value(self, scores: &[f32], y: f32) -> f64 {
        match self {
            Loss::Softmax => classes::softmax_cross_entropy(scores, classes::softmax_class(y, scores.len())),
            _ => self.value(scores[0], y),
        }
    }

    /// ∂L/∂f at prediction `f` and target `y`. The logistic one, −y·σ(−y·f) = −y / (1 + e^(y·f)),
    /// is computed through `exp` rather than the fast σ, so it keeps its relative accuracy for
    /// confident points (margin y·f of 15 or 30, where σ(−m) is 3e-7 or 1e-13), whose tiny
    /// gradients the gradient norms and Adam's second moments are made of late in training.
    /// Softmax's deltas involve every output unit (see [`Model::backward`]); over one unit they
    /// are zero.
    #[inline(always)]
    pub fn derivative(self, f: f32, y: f32) -> f32 {
        match self {
            Loss::Logistic => -y / (1.0 + libm::expf(y * f)),
            Loss::Squared => 2.0 * (f - y),
            Loss::Softmax => 0.0,
        }
    }
}

crate::keyed_enum!(Loss {
    Logistic => "logistic";
    Squared => "squared";
    Softmax => "softmax";
});

/// log(1 + e^m), without overflow for large |m|.
pub fn softplus(m: f64) -> f64 {
    if m > 0.0 {
        m + libm::log1p(libm::exp(-m))
    } else {
        libm::log1p(libm::exp(m))
    }
}

/// How a layer's parameters are drawn at initialisation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum LayerInit {
    /// Weights ~ N(0, s²·g/fan_in) with s the model's init scale and g = 2 for ReLU, 1 otherwise;
    /// biases zero.
    Scaled,
    /// Random features: M ~ N(0, scale²); b ~ U(0, 2π) for cos, otherwise b ~ N(0, scale²).
    RandomFeatures {
        /// The standard deviation of the entries of M.
        scale: f32,
    },
}

/// One dense layer of a model, as specified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerSpec {
    /// The number of units.
    pub units: usize,
    /// σ applied after the affine map.
    pub activation: Activation,
    /// A frozen layer keeps its initial parameters: it has no gradient and no update.
    pub frozen: bool,
    /// How its parameters are drawn.
    pub init: LayerInit,
}

/// A whole model: feature map, hidden layers and an output layer of [`ModelSpec::outputs`] units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    /// The fixed feature map φ.
    pub features: FeatureMap,
    /// The hidden layers, input side first (empty for linear and hand-made models).
    pub hidden: Vec<LayerSpec>,
    /// σ of the output units (linear for the lecture's models).
    pub output_activation: Activation,
    /// Multiplies the standard deviation of every [`LayerInit::Scaled`] layer.
    pub init_scale: f32,
    /// The number of output units: 1 for regression and two classes, K for K ≥ 3 classes
    /// (see [`crate::output_units`]); at most [`MAX_CLASSES`].
    #[serde(default = "one_output")]
    pub outputs: usize,
}

fn one_output() -> usize {
    1
}

/// The largest number of hidden layers a model may have.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// The largest width of a learned hidden layer.
pub const MAX_UNITS: usize = 256;
/// The largest number of random features.
pub const MAX_RANDOM_FEATURES: usize = 4096;

impl ModelSpec {
    /// A linear model on the raw inputs: f(x) = w·x + b.
    pub fn linear() -> Self {
        Self::on_features(FeatureMap::Identity)
    }

    /// A linear model on the given fixed features: f(x) = w·φ(x) + b.
    pub fn on_features(features: FeatureMap) -> Self {
        ModelSpec {
            features,
            hidden: Vec::new(),
            output_activation: Activation::Linear,
            init_scale: 1.0,
            outputs: 1,
        }
    }

    /// The same model with `outputs` output units (clamped to 1 … [`MAX_CLASSES`]): one per
    /// class for three or more classes.
    pub fn with_outputs(self, outputs: usize) -> Self {
        ModelSpec {
            outputs: outputs.clamp(1, MAX_CLASSES),
            ..self
        }
    }

    /// Random features φ(x) = σ(Mx + b) with k frozen units; only the output layer trains.
    pub fn random_features(activation: Activation, k: usize, scale: f32) -> Self {
        ModelSpec {
            hidden: vec![LayerSpec {
                units: k.clamp(1, MAX_RANDOM_FEATURES),
                activation,
                frozen: true,
                init: LayerInit::RandomFeatures { scale },
            }],
            ..Self::linear()
        }
    }

    /// A fully trained network with the given hidden widths, all with activation `activation`.
    pub fn mlp(widths: &[usize], activation: Activation) -> Self {
        ModelSpec {
            hidden: widths
                .iter()
                .take(MAX_HIDDEN_LAYERS)
                .map(|&units| LayerSpec {
                    units: units.clamp(1, MAX_UNITS),
                    activation,
                    frozen: false,
                    init: LayerInit::Scaled,
                })
                .collect(),
            ..Self::linear()
        }
    }

    /// All dense layers, the output layer last.
    pub fn layers(&self) -> Vec<LayerSpec> {
        let mut layers = self.hidden.clone();
        layers.push(LayerSpec {
            units: self.outputs.clamp(1, MAX_CLASSES),
            activation: self.output_activation,
            frozen: false,
            init: LayerInit::Scaled,
        });
        layers
    }
}

/// A dense layer's parameters: a = σ(W·x + b), with `W` stored row-major, one row per unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dense {
    /// The number of inputs.
    pub inputs: usize,
    /// The number of units.
    pub outputs: usize,
    /// σ.
    pub activation: Activation,
    /// Whether training leaves this layer alone.
    pub frozen: bool,
    /// W: `outputs × inputs`, the weight from input i to unit j at `j * inputs + i`.
    pub weights: Vec<f32>,
    /// b: one per unit.
    pub bias: Vec<f32>,
}

impl Dense {
    fn new(inputs: usize, spec: &LayerSpec, init_scale: f32, rng: &mut Rng) -> Self {
        let outputs = spec.units;
        let mut weights = vec![0.0; inputs * outputs];
        let mut bias = vec![0.0; outputs];
        match spec.init {
            LayerInit::Scaled => {
                let gain = if spec.activation == Activation::Relu {
                    2.0
                } else {
                    1.0
                };
                let std = init_scale as f64 * libm::sqrt(gain / inputs.max(1) as f64);
                weights.iter_mut().for_each(|w| *w = (std * rng.normal()) as f32);
            }
            LayerInit::RandomFeatures { scale } => {
                let scale = scale as f64;
                weights
                    .iter_mut()
                    .for_each(|w| *w = (scale * rng.normal()) as f32);
                for b in &mut bias {
                    *b = if spec.activation == Activation::Cos {
                        rng.uniform(0.0, std::f64::consts::TAU) as f32
                    } else {
                        (scale * rng.normal()) as f32
                    };
                }
            }
        }
        Dense {
            inputs,
            outputs,
            activation: spec.activation,
            frozen: spec.frozen,
            weights,
            bias,
        }
    }

    /// The number of parameters (weights and biases).
    pub fn parameter_count(&self) -> usize {
        self.weights.len() + self.bias.len()
    }

    /// `z = W·input + b` and `a = σ(z)` for a batch of `n` (feature-major rows of length n).
    fn forward(&self, input: &[f32], z: &mut [f32], a: &mut [f32], n: usize) {
        if n == 0 {
            return;
        }
        let len = self.outputs * n;
        math::affine(&self.weights, &self.bias, self.inputs, input, n, &mut z[..len]);
        // The rows of all units are contiguous: σ runs over the whole layer at once.
        self.activation.apply_row(&z[..len], &mut a[..len]);
    }

    /// Gradients of this layer from its deltas and inputs: dW = δ·inputᵀ, db = Σ δ. `scratch`
    /// holds at least [`math::gradient_scratch_len`] values.
    fn parameter_gradients(
        &self,
        delta: &[f32],
        input: &[f32],
        n: usize,
        dw: &mut [f32],
        db: &mut [f32],
        scratch: &mut [f32],
    ) {
        for (g, d_row) in db.iter_mut().zip(delta.chunks_exact(n.max(1))).take(self.outputs) {
            *g = math::sum(d_row);
        }
        math::weight_gradients(delta, input, self.outputs, self.inputs, n, dw, scratch);
    }

    /// ∂L/∂input = Wᵀ·δ (before the previous layer's σ′ is applied).
    fn input_deltas(&self, delta: &[f32], n: usize, out: &mut [f32]) {
        math::transposed_affine(&self.weights, self.inputs, delta, n, out);
    }
}

/// A model: the feature map and its dense layers (the last one is the output layer: one unit,
/// or one per class for three or more classes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// φ.
    pub features: FeatureMap,
    /// The dense layers, input side first.
    pub layers: Vec<Dense>,
}

/// Per-layer gradients of the mean loss over the last batch, and their norms.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// ∂L/∂W of each layer (all zeros for frozen layers).
    pub weights: Vec<Vec<f32>>,
    /// ∂L/∂b of each layer (all zeros for frozen layers).
    pub bias: Vec<Vec<f32>>,
    /// ‖(∂L/∂W, ∂L/∂b)‖ of each layer.
    pub norms: Vec<f64>,
}

impl Gradients {
    /// Zero gradients shaped like `model`.
    pub fn zeros(model: &Model) -> Self {
        Gradients {
            weights: model.layers.iter().map(|l| vec![0.0; l.weights.len()]).collect(),
            bias: model.layers.iter().map(|l| vec![0.0; l.bias.len()]).collect(),
            norms: vec![0.0; model.layers.len()],
        }
    }
}

/// Reusable buffers for a forward and backward pass over up to `capacity` inputs at once.
/// Every row is feature-major: unit j's values for the batch are contiguous.
#[derive(Clone, Debug)]
pub struct Workspace {
    capacity: usize,
    len: usize,
    output_units: usize,
    /// x1 of each input in the batch.
    pub x1: Vec<f32>,
    /// x2 of each input in the batch.
    pub x2: Vec<f32>,
    /// The target of each input in the batch.
    pub targets: Vec<f32>,
    /// φ(x): `features.width()` rows.
    pub features: Vec<f32>,
    /// Pre-activations z of each layer.
    pub z: Vec<Vec<f32>>,
    /// Activations a = σ(z) of each layer.
    pub a: Vec<Vec<f32>>,
    /// Deltas ∂L/∂z of each layer (of the mean loss over the batch).
    pub delta: Vec<Vec<f32>>,
    /// ∂L/∂φ, filled only by a full backward pass.
    pub feature_delta: Vec<f32>,
    /// Room for a slice of one layer's inputs transposed (sample-major), for the weight gradients.
    scratch: Vec<f32>,
}

impl Workspace {
    /// Buffers for `model` and batches of up to `capacity` inputs.
    pub fn new(model: &Model, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let per_layer = |f: &dyn Fn(&Dense) -> usize| -> Vec<Vec<f32>> {
            model.layers.iter().map(|l| vec![0.0; f(l) * capacity]).collect()
        };
        Workspace {
            capacity,
            len: 0,
            output_units: model.layers.last().map_or(1, |l| l.outputs),
            x1: vec![0.0; capacity],
            x2: vec![0.0; capacity],
            targets: vec![0.0; capacity],
            features: vec![0.0; model.features.width() * capacity],
            z: per_layer(&|l| l.outputs),
            a: per_layer(&|l| l.outputs),
            delta: per_layer(&|l| l.outputs),
            feature_delta: vec![0.0; model.features.width() * capacity],
            scratch: vec![
                0.0;
                model
                    .layers
                    .iter()
                    .map(|l| math::gradient_scratch_len(l.inputs, capacity))
                    .max()
                    .unwrap_or(0)
            ],
        }
    }

    /// The largest batch these buffers hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The size of the batch last passed forward.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no batch has been passed forward.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The model outputs f(x) of the batch last passed forward (of the first output unit, the
    /// only one unless there are three or more classes: see [`Workspace::scores`]).
    pub fn outputs(&self) -> &[f32] {
        &self.a.last().expect("a model has an output layer")[..self.len]
    }

    /// The number of output units.
    pub fn output_units(&self) -> usize {
        self.output_units
    }

    /// The values of every output unit (up to [`MAX_CLASSES`]) for example `b` of the batch last
    /// passed forward, gathered into `buffer`.
    pub fn scores<'a>(&self, b: usize, buffer: &'a mut [f32; MAX_CLASSES]) -> &'a [f32] {
        let units = self.output_units.min(MAX_CLASSES);
        let rows = self.a.last().expect("a model has an output layer");
        for (k, slot) in buffer[..units].iter_mut().enumerate() {
            *slot = rows[k * self.len + b];
        }
        &buffer[..units]
    }

    /// Row `unit` of layer `layer`'s activations (layer 0 = first dense layer).
    pub fn activation_row(&self, layer: usize, unit: usize) -> &[f32] {
        &self.a[layer][unit * self.len..(unit + 1) * self.len]
    }
}

impl Model {
    /// Draws a model for `spec` from `rng`.
    pub fn new(spec: &ModelSpec, rng: &mut Rng) -> Self {
        let mut inputs = spec.features.width();
        let mut layers = Vec::new();
        for layer in spec.layers() {
            let dense = Dense::new(inputs, &layer, spec.init_scale, rng);
            inputs = dense.outputs;
            layers.push(dense);
        }
        Model {
            features: spec.features.clone(),
            layers,
        }
    }

    /// The number of parameters, trainable or not.
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(Dense::parameter_count).sum()
    }

    /// The index of the first layer that trains (`layers.len()` if none does).
    pub fn first_trainable(&self) -> usize {
        self.layers
            .iter()
            .position(|l| !l.frozen)
            .unwrap_or(self.layers.len())
    }

    /// Whether every weight and bias is a finite number.
    pub fn is_finite(&self) -> bool {
        self.layers
            .iter()
            .all(|l| l.weights.iter().chain(&l.bias).all(|v| v.is_finite()))
    }

    /// Runs the first `n` inputs held in `ws.x1`/`ws.x2` forward, filling features, z and a.
    pub fn forward(&self, ws: &mut Workspace, n: usize) {
        assert!(n <= ws.capacity, "batch larger than the workspace");
        ws.len = n;
        let width = self.features.width();
        self.features
            .apply(&ws.x1[..n], &ws.x2[..n], &mut ws.features[..width * n]);
        self.forward_from(ws, 0, n);
    }

    /// Runs dense layers `first..` forward for the first `n` inputs, reading layer `first`'s
    /// inputs from the workspace as they are: `ws.features` when `first` is 0, otherwise the
    /// activations of layer `first − 1`. For callers that keep the inputs of a frozen prefix
    /// and vary only the layers after it.
    pub fn forward_from(&self, ws: &mut Workspace, first: usize, n: usize) {
        assert!(n <= ws.capacity, "batch larger than the workspace");
        ws.len = n;
        let width = self.features.width();
        for (l, layer) in self.layers.iter().enumerate().skip(first) {
            let (before, rest) = ws.a.split_at_mut(l);
            let input: &[f32] = if l == 0 {
                &ws.features[..width * n]
            } else {
                &before[l - 1][..layer.inputs * n]
            };
            layer.forward(input, &mut ws.z[l], &mut rest[0], n);
        }
    }

    /// Backpropagates `loss` of the batch last passed forward (targets in `ws.targets`) and
    /// writes the gradients of the mean loss into `grads`. With `full` it also computes the
    /// deltas of frozen layers and ∂L/∂φ, which training does not need.
    pub fn backward(&self, ws: &mut Workspace, loss: Loss, grads: &mut Gradients, full: bool) {
        let n = ws.len;
        let last = self.layers.len() - 1;
        if n == 0 {
            return;
        }
        let scale = 1.0 / n as f32;
        {
            let out = &self.layers[last];
            let len = out.outputs * n;
            let (f, z, delta) = (&ws.a[last][..len], &ws.z[last][..len], &mut ws.delta[last][..len]);
            if loss == Loss::Softmax {
                // δₖ = (pₖ − [k = y]) / n for every output unit k.
                classes::softmax_deltas(f, &ws.targets, n, delta);
            } else {
                // The one-unit losses read the first output unit only.
                for b in 0..n {
                    delta[b] = loss.derivative(f[b], ws.targets[b]) * scale;
                }
                delta[n..].fill(0.0);
            }
            out.activation.scale_by_derivative(z, f, delta);
        }
        let lowest = if full { 0 } else { self.first_trainable() };
        let width = self.features.width();
        for l in (0..=last).rev() {
            let layer = &self.layers[l];
            let input: &[f32] = if l == 0 {
                &ws.features[..width * n]
            } else {
                &ws.a[l - 1][..layer.inputs * n]
            };
            let delta = &ws.delta[l][..layer.outputs * n];
            if layer.frozen {
                grads.weights[l].fill(0.0);
                grads.bias[l].fill(0.0);
                grads.norms[l] = 0.0;
            } else {
                layer.parameter_gradients(
                    delta,
                    input,
                    n,
                    &mut grads.weights[l],
                    &mut grads.bias[l],
                    &mut ws.scratch,
                );
                grads.norms[l] = math::norm(&[&grads.weights[l], &grads.bias[l]]);
            }
            if l > lowest {
                let (below, above) = ws.delta.split_at_mut(l);
                let prev = &mut below[l - 1][..layer.inputs * n];
                layer.input_deltas(&above[0][..layer.outputs * n], n, prev);
                let previous = &self.layers[l - 1];
                previous.activation.scale_by_derivative(
                    &ws.z[l - 1][..layer.inputs * n],
                    &ws.a[l - 1][..layer.inputs * n],
                    prev,
                );
            } else if l == 0 && full {
                layer.input_deltas(delta, n, &mut ws.feature_delta[..width * n]);
            }
        }
    }

    /// f(x) at a single point, of the first output unit (allocates its own buffers: for
    /// occasional use, not in loops).
    pub fn predict(&self, x: [f32; 2]) -> f32 {
        let mut ws = Workspace::new(self, 1);
        ws.x1[0] = x[0];
        ws.x2[0] = x[1];
        self.forward(&mut ws, 1);
        ws.outputs()[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::HandFeature;

    #[test]
    fn spec_constructors_build_the_four_families() {
        let mut rng = Rng::new(1);
        let linear = Model::new(&ModelSpec::linear(), &mut rng);
        assert_eq!(linear.layers.len(), 1);
        assert_eq!(linear.parameter_count(), 3);
        let hand = Model::new(
            &ModelSpec::on_features(FeatureMap::Handmade(vec![HandFeature::X1X2])),
            &mut rng,
        );
        assert_eq!(hand.parameter_count(), 2);
        let random = Model::new(&ModelSpec::random_features(Activation::Cos, 50, 2.0), &mut rng);
        assert_eq!(random.layers.len(), 2);
        assert!(random.layers[0].frozen && !random.layers[1].frozen);
        assert_eq!(random.first_trainable(), 1);
        let mlp = Model::new(&ModelSpec::mlp(&[8, 8], Activation::Tanh), &mut rng);
        assert_eq!(mlp.parameter_count(), (2 * 8 + 8) + (8 * 8 + 8) + (8 + 1));
        assert_eq!(mlp.first_trainable(), 0);
    }

    #[test]
    fn limits_are_enforced_by_the_spec() {
        let spec = ModelSpec::mlp(&[1000; 12], Activation::Relu);
        assert_eq!(spec.hidden.len(), MAX_HIDDEN_LAYERS);
        assert!(spec.hidden.iter().all(|l| l.units == MAX_UNITS));
        let rf = ModelSpec::random_features(Activation::Sign, 0, 1.0);
        assert_eq!(rf.hidden[0].units, 1);
    }

    #[test]
    fn batched_forward_matches_single_predictions() {
        let mut rng = Rng::new(5);
        let model = Model::new(&ModelSpec::mlp(&[7, 5], Activation::Tanh), &mut rng);
        let mut ws = Workspace::new(&model, 13);
        let xs: Vec<[f32; 2]> = (0..13)
            .map(|i| [i as f32 / 13.0 - 0.5, 0.3 - i as f32 / 20.0])
            .collect();
        for (i, x) in xs.iter().enumerate() {
            ws.x1[i] = x[0];
            ws.x2[i] = x[1];
        }
        model.forward(&mut ws, 13);
        for (i, x) in xs.iter().enumerate() {
            assert!((ws.outputs()[i] - model.predict(*x)).abs() < 1e-6);
        }
    }

    #[test]
    fn logistic_loss_is_stable_and_matches_its_definition() {
        let l = Loss::Logistic;
        assert!((l.value(0.0, 1.0) - std::f64::consts::LN_2).abs() < 1e-12);
        assert!((l.value(2.0, -1.0) - (1.0 + 2f64.exp()).ln()).abs() < 1e-12);
        assert!(l.value(1000.0, -1.0).is_finite());
        assert!(l.value(1000.0, 1.0) < 1e-300 + 1e-12);
        assert!((Loss::Squared.value(0.5, -1.0) - 2.25).abs() < 1e-12);
    }

    /// ∂L/∂f of the logistic loss keeps its relative accuracy for confident points, where the
    /// true value is tiny, and for wrong ones, where it is close to ∓1.
    #[test]
    fn logistic_derivative_is_relatively_accurate_for_every_margin() {
        for step in -300..=300 {
            let margin = step as f64 * 0.1;
            for y in [1.0f32, -1.0] {
                let f = (margin / y as f64) as f32;
                let m = y as f64 * f as f64;
                let exact = -(y as f64) / (1.0 + m.exp());
                let got = Loss::Logistic.derivative(f, y) as f64;
                let relative = (got - exact).abs() / exact.abs();
                assert!(
                    relative <= 1e-5,
                    "margin {margin}: {got} vs {exact} ({relative:e})"
                );
            }
        }
    }
}
