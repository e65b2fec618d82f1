//! The kernels that random features approximate, and kernel ridge regression with them: the
//! reference a random-feature model approaches as the number of features k grows.
//!
//! Random features here are φ_j(x) = σ(m_j·x + b_j) with m_j ~ N(0, s²I) and, for sign and
//! ReLU, b_j ~ N(0, s²) (for cos, b_j ~ U(0, 2π)). Averaged over the draw, φ(x)·φ(x′)/k tends to
//! a kernel K(x, x′) in closed form: the arc-cosine kernels for sign and ReLU (on x̃ = (x, 1))
//! and a Gaussian for cos. Ridge on the features with penalty λ·k then tends to kernel ridge
//! with penalty λ (see [`random_feature_penalty`]).

use super::activation::Activation;
use super::ridge::{solve_spd_columns, RidgeError};
use std::f64::consts::PI;

/// The limit kernel of a kind of random feature, if it has a closed form (tanh does not).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kernel {
    /// sign features: K = 1 − 2θ/π, θ the angle between x̃ and x̃′ (arc-cosine, order 0).
    Sign,
    /// ReLU features: K = s²·|x̃||x̃′|·(sin θ + (π − θ) cos θ)/(2π) (arc-cosine, order 1).
    Relu {
        /// The scale s of M and b.
        scale: f64,
    },
    /// cos features with b ~ U(0, 2π): K = exp(−s²|x − x′|²/2)/2 (Gaussian).
    Gaussian {
        /// The scale s of M.
        scale: f64,
    },
}

impl Kernel {
    /// The kernel random features with activation `sigma` and scale `scale` approach.
    pub fn for_random_features(sigma: Activation, scale: f32) -> Option<Kernel> {
        let scale = scale as f64;
        match sigma {
            Activation::Sign => Some(Kernel::Sign),
            Activation::Relu => Some(Kernel::Relu { scale }),
            Activation::Cos => Some(Kernel::Gaussian { scale }),
            _ => None,
        }
    }

    /// K(x, x′).
    pub fn eval(self, x: [f64; 2], y: [f64; 2]) -> f64 {
        match self {
            Kernel::Sign | Kernel::Relu { .. } => {
                // Augmented inputs (x, 1): the bias is a weight on a constant input.
                let nx = (x[0] * x[0] + x[1] * x[1] + 1.0).sqrt();
                let ny = (y[0] * y[0] + y[1] * y[1] + 1.0).sqrt();
                let cos = ((x[0] * y[0] + x[1] * y[1] + 1.0) / (nx * ny)).clamp(-1.0, 1.0);
                let theta = libm::acos(cos);
                match self {
                    Kernel::Relu { scale } => {
                        scale * scale * nx * ny * (libm::sin(theta) + (PI - theta) * cos) / (2.0 * PI)
                    }
                    _ => 1.0 - 2.0 * theta / PI,
                }
            }
            Kernel::Gaussian { scale } => {
                let d2 = (x[0] - y[0]).powi(2) + (x[1] - y[1]).powi(2);
                0.5 * libm::exp(-scale * scale * d2 / 2.0)
            }
        }
    }
}

/// The ridge penalty to give a model with `k` random features so that, as k grows, its ridge
/// solution tends to kernel ridge with penalty `lambda`: the features' Gram matrix grows like
/// k·K, so the penalty must grow like k too.
pub fn random_feature_penalty(lambda: f32, k: usize) -> f32 {
    lambda * k as f32
}

/// Kernel ridge regression with an unpenalised intercept: minimises
/// (1/n)·Σ(f(xᵢ) − yᵢ)² + (λ/2)·‖f‖² over f = c + Σ αⱼ K(·, xⱼ), by centring the kernel; for
/// several target columns at once (one-vs-rest classes), each column its own f.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelRidge {
    kernel: Kernel,
    points: Vec<[f64; 2]>,
    /// One α of n per column, one after another.
    alpha: Vec<f64>,
    /// mean_j K(xᵢ, xⱼ) for each training point.
    row_means: Vec<f64>,
    grand_mean: f64,
    /// The mean target of each column.
    y_mean: Vec<f64>,
}

impl KernelRidge {
    /// Fits to `points` with targets `y` and penalty `lambda` (λ above).
    pub fn fit(kernel: Kernel, points: &[[f64; 2]], y: &[f64], lambda: f64) -> Result<Self, RidgeError> {
        Self::fit_columns(kernel, points, y, 1, lambda)
    }

    /// Fits `columns` functions to `points` at once: `y` holds each column's n targets one
    /// column after another. One factorisation of the kernel matrix serves every column.
    pub fn fit_columns(
        kernel: Kernel,
        points: &[[f64; 2]],
        y: &[f64],
        columns: usize,
        lambda: f64,
    ) -> Result<Self, RidgeError> {
        let n = points.len();
        if n == 0 || columns == 0 || y.len() != n * columns {
            return Err(RidgeError::NoData);
        }
        let mut gram = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let v = kernel.eval(points[i], points[j]);
                gram[i * n + j] = v;
                gram[j * n + i] = v;
            }
        }
        let row_means: Vec<f64> = gram
            .chunks_exact(n)
            .map(|r| r.iter().sum::<f64>() / n as f64)
            .collect();
        let grand_mean = row_means.iter().sum::<f64>() / n as f64;
        for i in 0..n {
            for j in 0..n {
                gram[i * n + j] += grand_mean - row_means[i] - row_means[j];
            }
        }
        let y_mean: Vec<f64> = y
            .chunks_exact(n)
            .map(|c| c.iter().sum::<f64>() / n as f64)
            .collect();
        let mut alpha: Vec<f64> = y
            .chunks_exact(n)
            .zip(&y_mean)
            .flat_map(|(c, m)| c.iter().map(move |v| v - m))
            .collect();
        solve_spd_columns(&mut gram, n, n as f64 * lambda / 2.0, &mut alpha, columns)?;
        Ok(KernelRidge {
            kernel,
            points: points.to_vec(),
            alpha,
            row_means,
            grand_mean,
            y_mean,
        })
    }

    /// The fitted function at `x` (of the first column).
    pub fn predict(&self, x: [f64; 2]) -> f64 {
        let mut out = [0.0];
        self.predict_columns(x, &mut out);
        out[0]
    }

    /// Every column's fitted function at `x`, into `out` (as many as both have).
    pub fn predict_columns(&self, x: [f64; 2], out: &mut [f64]) {
        let k: Vec<f64> = self.points.iter().map(|&p| self.kernel.eval(x, p)).collect();
        let mean = k.iter().sum::<f64>() / k.len() as f64;
        let n = self.points.len();
        for ((o, alpha), y_mean) in out.iter_mut().zip(self.alpha.chunks_exact(n)).zip(&self.y_mean) {
            *o = y_mean
                + k.iter()
                    .zip(alpha)
                    .zip(&self.row_means)
                    .map(|((kx, a), rm)| (kx - mean - rm + self.grand_mean) * a)
                    .sum::<f64>();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dataset, Model, ModelSpec, Rng, Workspace};

    /// φ(x)·φ(x′)/k over 16 draws of 4096 random features, drawn as the random-feature model
    /// draws them.
    fn empirical(sigma: Activation, scale: f32, x: [f32; 2], y: [f32; 2]) -> f64 {
        let k = crate::MAX_RANDOM_FEATURES;
        let draws = 16;
        (0..draws)
            .map(|seed| {
                let model = Model::new(&ModelSpec::random_features(sigma, k, scale), &mut Rng::new(seed));
                let mut ws = Workspace::new(&model, 2);
                ws.x1[..2].copy_from_slice(&[x[0], y[0]]);
                ws.x2[..2].copy_from_slice(&[x[1], y[1]]);
                model.forward(&mut ws, 2);
                let a = &ws.a[0];
                (0..k).map(|j| a[j * 2] as f64 * a[j * 2 + 1] as f64).sum::<f64>() / k as f64
            })
            .sum::<f64>()
            / draws as f64
    }

    #[test]
    fn random_feature_products_average_to_their_kernels() {
        let pairs = [
            ([0.3f32, -0.4f32], [0.5f32, 0.1f32]),
            ([-0.8, 0.6], [0.7, -0.2]),
            ([0.2, 0.2], [0.2, 0.2]),
        ];
        for (sigma, scale) in [
            (Activation::Sign, 1.0f32),
            (Activation::Relu, 1.5),
            (Activation::Cos, 2.0),
        ] {
            let kernel = Kernel::for_random_features(sigma, scale).unwrap();
            for (x, y) in pairs {
                let exact = kernel.eval([x[0] as f64, x[1] as f64], [y[0] as f64, y[1] as f64]);
                let estimate = empirical(sigma, scale, x, y);
                assert!(
                    (exact - estimate).abs() < 0.02 * (1.0 + exact.abs()),
                    "{sigma}: {exact} vs {estimate}"
                );
            }
        }
        assert_eq!(Kernel::for_random_features(Activation::Tanh, 1.0), None);
    }

    #[test]
    fn kernel_ridge_interpolates_with_a_tiny_penalty_and_smooths_with_a_large_one() {
        let data = Dataset::generate(&crate::DataSpec {
            preset: crate::Preset::Bumps,
            count: 60,
            noise: 0.0,
            test_fraction: 0.0,
            seed: 1,
        });
        let xs: Vec<[f64; 2]> = data
            .points
            .iter()
            .map(|p| [p.x[0] as f64, p.x[1] as f64])
            .collect();
        let ys: Vec<f64> = data.points.iter().map(|p| p.y as f64).collect();
        let exact = KernelRidge::fit(Kernel::Gaussian { scale: 3.0 }, &xs, &ys, 1e-9).unwrap();
        for (x, y) in xs.iter().zip(&ys) {
            assert!((exact.predict(*x) - y).abs() < 1e-3);
        }
        let flat = KernelRidge::fit(Kernel::Gaussian { scale: 3.0 }, &xs, &ys, 1e6).unwrap();
        let mean = ys.iter().sum::<f64>() / ys.len() as f64;
        assert!((flat.predict([0.1, 0.2]) - mean).abs() < 1e-3);
    }
}
