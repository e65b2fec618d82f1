//! What the last training step changed, for showing one step in slow motion: each layer's Δw
//! and Δb (to animate the links), and the model part way through the step (to animate the
//! decision boundary from where it was to where it is).

use crate::engine::{Model, Trainer};

/// What the last step did to one dense layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStep {
    /// Δw of every weight, laid out like [`crate::engine::Dense::weights`] (row j = unit j).
    pub weights: Vec<f32>,
    /// Δb of every unit.
    pub bias: Vec<f32>,
    /// ‖(Δw, Δb)‖.
    pub norm: f64,
}

/// Δw and Δb of every dense layer in the last step: zero for frozen layers and before the
/// first step. (An exact fit of the last layer counts as a step here: it moves the weights
/// without one.)
pub fn last_step(trainer: &Trainer) -> Vec<LayerStep> {
    trainer
        .model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let (weights_before, bias_before) = trainer.before_last_step(l);
            let change = |now: &[f32], before: &[f32]| -> Vec<f32> {
                now.iter().zip(before).map(|(a, b)| a - b).collect()
            };
            let weights = change(&layer.weights, weights_before);
            let bias = change(&layer.bias, bias_before);
            let norm = weights
                .iter()
                .chain(&bias)
                .map(|&d| d as f64 * d as f64)
                .sum::<f64>()
                .sqrt();
            LayerStep { weights, bias, norm }
        })
        .collect()
}

/// Writes into `out` the model a fraction `t` of the way through the last step: every
/// parameter at before + t·(after − before), so `t = 0` is the model before the step and
/// `t = 1` the model now. `out` is reused from frame to frame (it is replaced only when the
/// model's shape changed), so animating allocates nothing.
pub fn part_way(trainer: &Trainer, t: f32, out: &mut Model) {
    let model = &trainer.model;
    let same_shape = out.features == model.features
        && out.layers.len() == model.layers.len()
        && out
            .layers
            .iter()
            .zip(&model.layers)
            .all(|(a, b)| a.weights.len() == b.weights.len() && a.bias.len() == b.bias.len());
    if !same_shape {
        *out = model.clone();
    }
    for (l, (target, now)) in out.layers.iter_mut().zip(&model.layers).enumerate() {
        let (weights_before, bias_before) = trainer.before_last_step(l);
        target.activation = now.activation;
        for (slot, (&after, &before)) in target
            .weights
            .iter_mut()
            .zip(now.weights.iter().zip(weights_before))
        {
            *slot = before + t * (after - before);
        }
        for (slot, (&after, &before)) in target.bias.iter_mut().zip(now.bias.iter().zip(bias_before)) {
            *slot = before + t * (after - before);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::session::Session;
    use crate::page::settings::Settings;

    /// With plain SGD the last step's change is −η times the minibatch gradient, layer by
    /// layer; frozen random features do not move.
    #[test]
    fn the_last_step_is_minus_eta_times_the_gradient() {
        let mut s = Session::new(Settings::default());
        assert!(last_step(&s.trainer).iter().all(|l| l.norm == 0.0), "no step yet");
        s.step_once();
        let eta = s.settings.run.learning_rate;
        let steps = last_step(&s.trainer);
        assert_eq!(steps.len(), 3);
        for (l, step) in steps.iter().enumerate() {
            let grads = &s.trainer.gradients();
            for (d, g) in step.weights.iter().zip(&grads.weights[l]) {
                assert!(
                    (d + eta * g).abs() <= 1e-6 * (1.0 + g.abs()),
                    "layer {l}: {d} vs −η·{g}"
                );
            }
            for (d, g) in step.bias.iter().zip(&grads.bias[l]) {
                assert!(
                    (d + eta * g).abs() <= 1e-6 * (1.0 + g.abs()),
                    "layer {l}: {d} vs −η·{g}"
                );
            }
            let expected = eta as f64 * grads.norms[l];
            assert!(
                (step.norm - expected).abs() <= 1e-4 * expected,
                "{} vs {expected}",
                step.norm
            );
        }
        let (settings, _) = Settings::from_hash("model=random&k=20&dataset=circle");
        let mut s = Session::new(settings);
        s.step_once();
        let steps = last_step(&s.trainer);
        assert_eq!(steps[0].norm, 0.0, "random features are frozen");
        assert!(steps[1].norm > 0.0);
    }

    /// Part way through the step, the model runs from the one before it (t = 0) to the one
    /// now (t = 1), and a reused buffer follows a change of architecture.
    #[test]
    fn part_way_runs_from_the_model_before_the_step_to_the_model_now() {
        let mut s = Session::new(Settings::default());
        let before = s.trainer.model.clone();
        s.step_once();
        let mut out = Model::new(
            &crate::engine::ModelSpec::linear(),
            &mut crate::engine::Rng::new(1),
        );
        part_way(&s.trainer, 0.0, &mut out);
        assert_eq!(out, before);
        part_way(&s.trainer, 1.0, &mut out);
        assert_eq!(out, s.trainer.model);
        part_way(&s.trainer, 0.5, &mut out);
        let (w0, w1, half) = (
            before.layers[1].weights[3],
            s.trainer.model.layers[1].weights[3],
            out.layers[1].weights[3],
        );
        assert!((half - (w0 + w1) / 2.0).abs() < 1e-7, "{w0} {w1} {half}");
    }
}
