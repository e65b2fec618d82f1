//! Activation functions σ, each with its derivative, as used by hidden layers, random features
//! and the output unit.

use super::math;
use serde::{Deserialize, Serialize};

/// An element-wise non-linearity applied after a dense layer's affine map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Activation {
    /// σ(z) = z: no non-linearity (a linear layer).
    Linear,
    /// σ(z) = max(z, 0).
    Relu,
    /// σ(z) = tanh z.
    Tanh,
    /// σ(z) = 1 / (1 + e^−z).
    Sigmoid,
    /// σ(z) = sign z (±1; derivative zero everywhere it exists). Only sensible in frozen layers.
    Sign,
    /// σ(z) = cos z, as in random Fourier features.
    Cos,
}

impl Activation {
    /// σ(z).
    #[inline(always)]
    pub fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Linear => z,
            Activation::Relu => z.max(0.0),
            Activation::Tanh => math::tanh(z),
            Activation::Sigmoid => math::sigmoid(z),
            Activation::Sign => {
                if z >= 0.0 {
                    1.0
                } else {
                    -1.0
                }
            }
            Activation::Cos => libm::cosf(z),
        }
    }

    /// σ′(z), given both the pre-activation `z` and the output `a = σ(z)`.
    #[inline(always)]
    pub fn derivative(self, z: f32, a: f32) -> f32 {
        match self {
            Activation::Linear => 1.0,
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Sign => 0.0,
            Activation::Cos => -libm::sinf(z),
        }
    }

    /// `out[i] = σ(z[i])` over a whole row; the match is hoisted so each loop vectorises.
    pub fn apply_row(self, z: &[f32], out: &mut [f32]) {
        macro_rules! map {
            ($f:expr) => {
                for (o, &v) in out.iter_mut().zip(z) {
                    *o = $f(v);
                }
            };
        }
        match self {
            Activation::Linear => out[..z.len()].copy_from_slice(z),
            Activation::Relu => map!(|v: f32| v.max(0.0)),
            Activation::Tanh => map!(math::tanh),
            Activation::Sigmoid => map!(math::sigmoid),
            Activation::Sign => map!(|v| Activation::Sign.apply(v)),
            Activation::Cos => map!(libm::cosf),
        }
    }

    /// `delta[i] *= σ′(z[i])` over a whole row, where `a` holds σ(z).
    pub fn scale_by_derivative(self, z: &[f32], a: &[f32], delta: &mut [f32]) {
        match self {
            Activation::Linear => {}
            Activation::Tanh => {
                for (d, &v) in delta.iter_mut().zip(a) {
                    *d *= 1.0 - v * v;
                }
            }
            Activation::Sigmoid => {
                for (d, &v) in delta.iter_mut().zip(a) {
                    *d *= v * (1.0 - v);
                }
            }
            Activation::Relu => {
                for (d, &zv) in delta.iter_mut().zip(z) {
                    *d *= if zv > 0.0 { 1.0 } else { 0.0 };
                }
            }
            _ => {
                for ((d, &zv), &av) in delta.iter_mut().zip(z).zip(a) {
                    *d *= self.derivative(zv, av);
                }
            }
        }
    }

    /// Whether gradients flow through this activation at all (sign has derivative zero).
    pub fn passes_gradient(self) -> bool {
        self != Activation::Sign
    }
}

crate::keyed_enum!(Activation {
    Relu => "relu";
    Tanh => "tanh";
    Sigmoid => "sigmoid";
    Linear => "linear";
    Sign => "sign";
    Cos => "cos";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        for act in Activation::ALL {
            for i in -30..=30 {
                let z = i as f64 * 0.137 + 0.01;
                let h = 1e-3f64;
                let f = |v: f64| act.apply(v as f32) as f64;
                let numeric = (f(z + h) - f(z - h)) / (2.0 * h);
                let analytic = act.derivative(z as f32, act.apply(z as f32)) as f64;
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "{act} at {z}: numeric {numeric} analytic {analytic}"
                );
            }
        }
    }

    #[test]
    fn rows_match_scalars_and_names_round_trip() {
        let z: Vec<f32> = (0..19).map(|i| i as f32 * 0.3 - 2.7).collect();
        for act in Activation::ALL {
            let mut out = vec![0.0; z.len()];
            act.apply_row(&z, &mut out);
            let mut delta = vec![1.0; z.len()];
            act.scale_by_derivative(&z, &out, &mut delta);
            for i in 0..z.len() {
                assert_eq!(out[i], act.apply(z[i]));
                assert_eq!(delta[i], act.derivative(z[i], out[i]));
            }
            assert_eq!(act.key().parse::<Activation>(), Ok(act));
        }
        assert!("swish".parse::<Activation>().is_err());
    }
}
