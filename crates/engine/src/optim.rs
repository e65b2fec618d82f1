//! Optimizers: they read gradients and update parameters, and own whatever state they need
//! (velocities, moment estimates). Regularisation is applied here, on weights only.

use super::model::{Gradients, Model};
use serde::{Deserialize, Serialize};

/// Which update rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OptimizerKind {
    /// w ← w − η g.
    Sgd,
    /// v ← μ v + g; w ← w − η v (heavy ball, μ = [`MOMENTUM`]).
    Momentum,
    /// Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 and bias correction.
    Adam,
}

crate::keyed_enum!(OptimizerKind {
    Sgd => "sgd";
    Momentum => "momentum";
    Adam => "adam";
});

/// The momentum coefficient μ of [`OptimizerKind::Momentum`].
pub const MOMENTUM: f32 = 0.9;
/// Adam's decay rate β1 of the running mean of gradients.
pub const ADAM_BETA1: f32 = 0.9;
/// Adam's decay rate β2 of the running mean of squared gradients.
pub const ADAM_BETA2: f32 = 0.999;
/// Adam's ε, added to √v̂ so the step stays finite where gradients vanish.
pub const ADAM_EPSILON: f32 = 1e-8;

/// Settings of the update; the learning rate and penalties can change between steps.
///
/// ```
/// use nnplay_engine::{OptimizerConfig, OptimizerKind};
/// let adam = OptimizerConfig { kind: OptimizerKind::Adam, learning_rate: 0.01, ..Default::default() };
/// assert_eq!(adam.l2, 0.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerConfig {
    /// The update rule.
    pub kind: OptimizerKind,
    /// η.
    pub learning_rate: f32,
    /// λ1 of the penalty λ1·Σ|w| (weights only, not biases).
    pub l1: f32,
    /// λ2 of the penalty (λ2/2)·Σw² (weights only, not biases).
    pub l2: f32,
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig {
            kind: OptimizerKind::Sgd,
            learning_rate: 0.1,
            l1: 0.0,
            l2: 0.0,
        }
    }
}

/// Optimizer state for one model: one slot per parameter tensor (each layer's W, then its b).
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer {
    first: Vec<Vec<f32>>,
    second: Vec<Vec<f32>>,
    beta1_power: f32,
    beta2_power: f32,
}

impl Optimizer {
    /// Fresh state shaped like `model`.
    pub fn new(model: &Model) -> Self {
        let shapes = || {
            model
                .layers
                .iter()
                .flat_map(|l| [vec![0.0; l.weights.len()], vec![0.0; l.bias.len()]])
                .collect::<Vec<_>>()
        };
        Optimizer {
            first: shapes(),
            second: shapes(),
            beta1_power: 1.0,
            beta2_power: 1.0,
        }
    }

    /// Applies one update with `grads` to every trainable layer of `model`. Allocates nothing.
    pub fn update(&mut self, config: &OptimizerConfig, model: &mut Model, grads: &Gradients) {
        if config.kind == OptimizerKind::Adam {
            self.beta1_power *= ADAM_BETA1;
            self.beta2_power *= ADAM_BETA2;
        }
        let correction1 = 1.0 - self.beta1_power;
        let correction2 = 1.0 - self.beta2_power;
        for (l, layer) in model.layers.iter_mut().enumerate() {
            if layer.frozen {
                continue;
            }
            let tensors = [
                (&mut layer.weights, &grads.weights[l], true),
                (&mut layer.bias, &grads.bias[l], false),
            ];
            for (t, (params, grad, penalised)) in tensors.into_iter().enumerate() {
                let slot = 2 * l + t;
                let (l1, l2) = if penalised {
                    (config.l1, config.l2)
                } else {
                    (0.0, 0.0)
                };
                let (m, v) = (&mut self.first[slot], &mut self.second[slot]);
                let rule = Rule {
                    lr: config.learning_rate,
                    l1,
                    l2,
                    correction1,
                    correction2,
                };
                // The update rule and the L1 test are chosen once per tensor, not per element,
                // so each loop is straight-line code that vectorises.
                match (config.kind, l1 != 0.0) {
                    (OptimizerKind::Sgd, false) => rule.sgd::<false>(params, grad),
                    (OptimizerKind::Sgd, true) => rule.sgd::<true>(params, grad),
                    (OptimizerKind::Momentum, false) => rule.momentum::<false>(params, grad, m),
                    (OptimizerKind::Momentum, true) => rule.momentum::<true>(params, grad, m),
                    (OptimizerKind::Adam, false) => rule.adam::<false>(params, grad, m, v),
                    (OptimizerKind::Adam, true) => rule.adam::<true>(params, grad, m, v),
                }
            }
        }
    }
}

/// The settings of one tensor's update.
struct Rule {
    lr: f32,
    l1: f32,
    l2: f32,
    correction1: f32,
    correction2: f32,
}

impl Rule {
    /// The penalised gradient of weight `w`: g + λ2·w, plus λ1·sign(w) when `L1` and w ≠ 0.
    #[inline(always)]
    fn gradient<const L1: bool>(&self, w: f32, grad: f32) -> f32 {
        let mut g = grad + self.l2 * w;
        if L1 && w != 0.0 {
            g += self.l1 * w.signum();
        }
        g
    }

    fn sgd<const L1: bool>(&self, params: &mut [f32], grad: &[f32]) {
        for (w, &gr) in params.iter_mut().zip(grad) {
            let g = self.gradient::<L1>(*w, gr);
            *w -= self.lr * g;
        }
    }

    fn momentum<const L1: bool>(&self, params: &mut [f32], grad: &[f32], m: &mut [f32]) {
        for ((w, &gr), m) in params.iter_mut().zip(grad).zip(m) {
            let g = self.gradient::<L1>(*w, gr);
            *m = MOMENTUM * *m + g;
            *w -= self.lr * *m;
        }
    }

    fn adam<const L1: bool>(&self, params: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32]) {
        for (((w, &gr), m), v) in params.iter_mut().zip(grad).zip(m).zip(v) {
            let g = self.gradient::<L1>(*w, gr);
            *m = ADAM_BETA1 * *m + (1.0 - ADAM_BETA1) * g;
            *v = ADAM_BETA2 * *v + (1.0 - ADAM_BETA2) * g * g;
            let m_hat = *m / self.correction1;
            let v_hat = *v / self.correction2;
            *w -= self.lr * m_hat / (v_hat.sqrt() + ADAM_EPSILON);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelSpec;
    use crate::rng::Rng;

    fn one_weight_model() -> (Model, Gradients) {
        let mut model = Model::new(&ModelSpec::linear(), &mut Rng::new(0));
        model.layers[0].weights = vec![1.0, -2.0];
        model.layers[0].bias = vec![0.5];
        let mut grads = Gradients::zeros(&model);
        grads.weights[0] = vec![0.5, 0.25];
        grads.bias[0] = vec![1.0];
        (model, grads)
    }

    #[test]
    fn sgd_and_penalties_follow_their_formulas() {
        let (mut model, grads) = one_weight_model();
        let config = OptimizerConfig {
            learning_rate: 0.1,
            l1: 0.2,
            l2: 0.5,
            ..Default::default()
        };
        Optimizer::new(&model).update(&config, &mut model, &grads);
        // g = grad + l2 w + l1 sign(w); the bias is not penalised.
        assert!((model.layers[0].weights[0] - (1.0 - 0.1 * (0.5 + 0.5 + 0.2))).abs() < 1e-6);
        assert!((model.layers[0].weights[1] - (-2.0 - 0.1 * (0.25 - 1.0 - 0.2))).abs() < 1e-6);
        assert!((model.layers[0].bias[0] - (0.5 - 0.1)).abs() < 1e-6);
    }

    #[test]
    fn momentum_accumulates_and_adam_takes_learning_rate_sized_steps() {
        let (mut model, grads) = one_weight_model();
        let config = OptimizerConfig {
            kind: OptimizerKind::Momentum,
            learning_rate: 0.1,
            ..Default::default()
        };
        let mut opt = Optimizer::new(&model);
        opt.update(&config, &mut model, &grads);
        opt.update(&config, &mut model, &grads);
        // v1 = g, v2 = 0.9 g + g.
        assert!((model.layers[0].bias[0] - (0.5 - 0.1 * (1.0 + 1.9))).abs() < 1e-6);

        let (mut model, grads) = one_weight_model();
        let adam = OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate: 0.01,
            ..Default::default()
        };
        let mut opt = Optimizer::new(&model);
        opt.update(&adam, &mut model, &grads);
        // The first bias-corrected Adam step is η·sign(g).
        assert!((model.layers[0].weights[0] - 0.99).abs() < 1e-6);
        assert!((model.layers[0].bias[0] - 0.49).abs() < 1e-6);
    }

    #[test]
    fn frozen_layers_are_not_updated() {
        let (mut model, grads) = one_weight_model();
        model.layers[0].frozen = true;
        let before = model.clone();
        Optimizer::new(&model).update(&OptimizerConfig::default(), &mut model, &grads);
        assert_eq!(model, before);
    }
}
