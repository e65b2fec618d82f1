//! The exact optimum of the convex cases: when only the last (linear) layer trains and the loss
//! is squared, minimising (1/n)·Σ(f(xᵢ) − yᵢ)² + (λ/2)·‖w‖² is ridge regression on the features
//! the frozen part of the model computes, solved here in closed form.

use super::classes::softmax_class;
use super::data::{Dataset, Point};
use super::math::dot_f64 as dot;
use super::model::Model;
use super::train::forward_points;
use std::fmt;

/// Why a closed-form solution does not apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RidgeError {
    /// Some layer other than the last trains, so the problem is not convex in the weights.
    NotConvex,
    /// The output unit has a non-linearity, so the loss is not quadratic in the weights.
    NonLinearOutput,
    /// There are no training points.
    NoData,
    /// The linear system could not be solved (should not happen with λ > 0).
    Singular,
}

impl fmt::Display for RidgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RidgeError::NotConvex => "only models whose last layer alone trains have a closed-form optimum",
            RidgeError::NonLinearOutput => "the output unit must be linear for a closed-form optimum",
            RidgeError::NoData => "there are no training points",
            RidgeError::Singular => "the ridge system is singular",
        })
    }
}

/// The optimal last layer.
#[derive(Clone, Debug, PartialEq)]
pub struct RidgeSolution {
    /// The weights, one row of p (one per feature entering the last layer) for each output unit,
    /// laid out as the layer holds them.
    pub weights: Vec<f32>,
    /// The (unpenalised) bias of each output unit.
    pub bias: Vec<f32>,
}

impl RidgeSolution {
    /// Writes the solution into the last layer of `model` (the model it was solved for).
    pub fn install(&self, model: &mut Model) {
        let last = model.layers.last_mut().expect("a model has an output layer");
        for (w, &v) in last.weights.iter_mut().zip(&self.weights) {
            *w = v;
        }
        for (b, &v) in last.bias.iter_mut().zip(&self.bias) {
            *b = v;
        }
    }
}

/// The least-squares targets of each output unit for the training points, one column of n after
/// another: y itself for one output unit (±1 for two classes, the value for regression); for
/// K ≥ 3 classes one-vs-rest, +1 for the unit of the point's class and −1 for the others.
pub(crate) fn least_squares_targets(train: &[&Point], units: usize) -> Vec<f64> {
    if units == 1 {
        return train.iter().map(|pt| pt.y as f64).collect();
    }
    let mut y = vec![-1.0; units * train.len()];
    for (i, pt) in train.iter().enumerate() {
        y[softmax_class(pt.y, units) * train.len() + i] = 1.0;
    }
    y
}

/// Solves for the last layer of `model` on the training points of `data` with penalty `l2`
/// (λ in the objective above). Works in the primal when there are fewer features than points
/// and in the dual otherwise; the bias is left unpenalised by centring. With K ≥ 3 output units
/// (classes) each unit is fitted one-vs-rest to ±1, and the largest score
/// predicts the class.
pub fn solve_last_layer(model: &Model, data: &Dataset, l2: f32) -> Result<RidgeSolution, RidgeError> {
    let last = model.layers.len() - 1;
    if model.layers[..last].iter().any(|l| !l.frozen) {
        return Err(RidgeError::NotConvex);
    }
    if model.layers[last].activation != super::activation::Activation::Linear {
        return Err(RidgeError::NonLinearOutput);
    }
    let train: Vec<_> = data.points.iter().filter(|p| !p.test).collect();
    let n = train.len();
    if n == 0 {
        return Err(RidgeError::NoData);
    }
    let p = model.layers[last].inputs;
    let units = model.layers[last].outputs;
    let mut phi = layer_inputs(model, &train, last);
    let y = least_squares_targets(&train, units);
    // Centre so the bias drops out of the penalised problem.
    let mut feature_mean = vec![0.0; p];
    for row in phi.chunks_exact(p.max(1)).take(n) {
        for (m, v) in feature_mean.iter_mut().zip(row) {
            *m += v / n as f64;
        }
    }
    let y_mean: Vec<f64> = y
        .chunks_exact(n)
        .map(|column| column.iter().sum::<f64>() / n as f64)
        .collect();
    for row in phi.chunks_exact_mut(p.max(1)).take(n) {
        for (v, m) in row.iter_mut().zip(&feature_mean) {
            *v -= m;
        }
    }
    let yc: Vec<f64> = y
        .chunks_exact(n)
        .zip(&y_mean)
        .flat_map(|(column, m)| column.iter().map(move |v| v - m))
        .collect();
    // Stationarity: (ΦᵀΦ + c·I) w = Φᵀy with c = nλ/2, for each unit's y.
    let c = n as f64 * l2.max(0.0) as f64 / 2.0;
    let weights = if p <= n {
        let mut gram = vec![0.0; p * p];
        let mut rhs = vec![0.0; units * p];
        for (i, row) in phi.chunks_exact(p.max(1)).take(n).enumerate() {
            for a in 0..p {
                for k in 0..units {
                    rhs[k * p + a] += row[a] * yc[k * n + i];
                }
                for b in 0..=a {
                    gram[a * p + b] += row[a] * row[b];
                }
            }
        }
        symmetrize(&mut gram, p);
        solve_spd_columns(&mut gram, p, c, &mut rhs, units)?;
        rhs
    } else {
        // w = Φᵀ α with (ΦΦᵀ + c·I) α = y.
        let mut kernel = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..=a {
                kernel[a * n + b] = dot(&phi[a * p..(a + 1) * p], &phi[b * p..(b + 1) * p]);
            }
        }
        symmetrize(&mut kernel, n);
        let mut alpha = yc;
        solve_spd_columns(&mut kernel, n, c, &mut alpha, units)?;
        let mut w = vec![0.0; units * p];
        for (w, alpha) in w.chunks_exact_mut(p).zip(alpha.chunks_exact(n)) {
            for (row, a) in phi.chunks_exact(p).zip(alpha) {
                for (wi, v) in w.iter_mut().zip(row) {
                    *wi += a * v;
                }
            }
        }
        w
    };
    let bias = y_mean
        .iter()
        .enumerate()
        .map(|(k, m)| (m - dot(&weights[k * p..(k + 1) * p], &feature_mean)) as f32)
        .collect();
    Ok(RidgeSolution {
        weights: weights.iter().map(|&v| v as f32).collect(),
        bias,
    })
}

/// A learning rate at which plain SGD on the squared loss (f − y)², trained on from the last
/// layer's exact fit, stays near it: half of 1 / mean(1 + |φ|²) over the training points, with
/// φ the values entering the last layer (the 1 is the bias's input), rounded down to 1, 2 or 5
/// times a power of ten. A step of the last layer on one point moves f by 2η(1 + |φ|²)(f − y),
/// so above about 1 / (1 + |φ|²) it overshoots; many random features make |φ|² large. `None`
/// without training points.
pub fn stable_last_layer_rate(model: &Model, data: &Dataset) -> Option<f32> {
    let last = model.layers.len().checked_sub(1)?;
    let train: Vec<_> = data.points.iter().filter(|p| !p.test).collect();
    if train.is_empty() {
        return None;
    }
    let phi = layer_inputs(model, &train, last);
    let mean_square = 1.0 + phi.iter().map(|v| v * v).sum::<f64>() / train.len() as f64;
    Some(round_down_to_nice(0.5 / mean_square) as f32)
}

/// The largest of 1, 2 or 5 times a power of ten at or below `value` (> 0).
fn round_down_to_nice(value: f64) -> f64 {
    let power = libm::pow(10.0, libm::floor(libm::log10(value)));
    // A hair over, so 0.05 is not taken for 0.0499… and rounded down to 0.02.
    let mantissa = value / power * (1.0 + 1e-9);
    let nice = if mantissa >= 5.0 {
        5.0
    } else if mantissa >= 2.0 {
        2.0
    } else {
        1.0
    };
    nice * power
}

/// The values entering dense layer `layer` of `model` (0 reads the features φ) for each of
/// `points`: an n × p matrix, row-major (row i holds point i's p values).
pub fn layer_inputs(model: &Model, points: &[&Point], layer: usize) -> Vec<f64> {
    let p = model.layers[layer].inputs;
    let mut phi = vec![0.0f64; points.len() * p];
    forward_points(model, points, |ws, first| {
        let m = ws.len();
        let rows: &[f32] = if layer == 0 {
            &ws.features
        } else {
            &ws.a[layer - 1]
        };
        for k in 0..m {
            for f in 0..p {
                phi[(first + k) * p + f] = rows[f * m + k] as f64;
            }
        }
    });
    phi
}

fn symmetrize(m: &mut [f64], n: usize) {
    for a in 0..n {
        for b in 0..a {
            m[b * n + a] = m[a * n + b];
        }
    }
}

/// Solves (A + c·I) x = b in place for symmetric positive semi-definite A by Cholesky. When
/// c is too small for the factorisation to succeed, a jitter proportional to A's trace is added,
/// which yields the minimum-norm solution's close neighbour.
pub fn solve_spd(a: &mut [f64], n: usize, c: f64, b: &mut [f64]) -> Result<(), RidgeError> {
    solve_spd_columns(a, n, c, b, 1)
}

/// [`solve_spd`] for `columns` right-hand sides at once, stored one after another in `b`
/// (column j is `b[j·n .. (j+1)·n]`): one factorisation serves them all.
pub fn solve_spd_columns(
    a: &mut [f64],
    n: usize,
    c: f64,
    b: &mut [f64],
    columns: usize,
) -> Result<(), RidgeError> {
    let trace: f64 = (0..n).map(|i| a[i * n + i]).sum();
    let base = a.to_vec();
    let mut jitter = c;
    for attempt in 0..6 {
        a.copy_from_slice(&base);
        for i in 0..n {
            a[i * n + i] += jitter;
        }
        if cholesky(a, n) {
            // Forward then backward substitution with L Lᵀ.
            for b in b.chunks_exact_mut(n.max(1)).take(columns) {
                for i in 0..n {
                    let s = b[i] - (0..i).map(|k| a[i * n + k] * b[k]).sum::<f64>();
                    b[i] = s / a[i * n + i];
                }
                for i in (0..n).rev() {
                    let s = b[i] - (i + 1..n).map(|k| a[k * n + i] * b[k]).sum::<f64>();
                    b[i] = s / a[i * n + i];
                }
            }
            return Ok(());
        }
        jitter = c.max(trace.max(1e-300) / n.max(1) as f64 * 1e-10 * 100f64.powi(attempt));
    }
    Err(RidgeError::Singular)
}

/// In-place lower Cholesky factor; false if the matrix is not positive definite.
fn cholesky(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::round_down_to_nice;

    #[test]
    fn rates_round_down_to_one_two_or_five_times_a_power_of_ten() {
        let cases = [
            (0.05, 0.05),
            (0.0499, 0.02),
            (0.7, 0.5),
            (3.0, 2.0),
            (10.0, 10.0),
            (1.3e-4, 1e-4),
        ];
        for (value, nice) in cases {
            let got = round_down_to_nice(value);
            assert!((got - nice).abs() <= 1e-12 * nice, "{value} → {got}, not {nice}");
        }
    }
}
