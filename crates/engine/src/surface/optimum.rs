//! Where the objective is lowest on the exact plane, where the model's output is linear in the
//! two coordinates: f(x) = a·u(x) + b·v(x) + c(x). For the window to show it, and for the
//! lecture's "the minimum is the least-squares solution".

use super::grid::Objective;
use super::plane::{ExactAxis, Plane, PlaneKind};
use crate::activation::Activation;
use crate::data::{Dataset, Point};
use crate::model::{softplus, Loss, Model};
use crate::train::predict_points;

/// The ridge a logistic loss gets here only, so that data one line separates (whose loss has
/// no minimum, only a direction downhill) still gives a point to frame the window around.
pub const LOGISTIC_RIDGE: f64 = 1e-2;

/// The minimiser of `objective` over the exact `plane` on the training points of `data`, the
/// other parameters held at `model`'s values: for squared loss the least-squares solution with
/// those held fixed (with the L2 penalty, ridge regression); for logistic loss the minimiser
/// with an added ridge of [`LOGISTIC_RIDGE`] on both coordinates. The L1 penalty is left out.
/// `None` for a slice, an output unit that is not linear, no training points, or a
/// minimiser that is not finite.
pub fn exact_optimum(model: &Model, data: &Dataset, objective: Objective, plane: &Plane) -> Option<[f64; 2]> {
    let PlaneKind::Exact { axes, .. } = *plane.kind() else {
        return None;
    };
    let loss = match objective.loss {
        Loss::Logistic => OneUnitLoss::Logistic,
        Loss::Squared => OneUnitLoss::Squared,
        // Softmax reads three or more output units, which no exact plane spans.
        Loss::Softmax => return None,
    };
    if model.layers.last()?.activation != Activation::Linear {
        return None;
    }
    let train: Vec<Point> = data.points.iter().filter(|p| !p.test).copied().collect();
    if train.is_empty() {
        return None;
    }
    // The output at three points of the plane gives u, v and c for every point.
    let mut probe = model.clone();
    let mut outputs_at = |at: [f64; 2]| {
        plane.write_point(at, &mut probe);
        predict_points(&probe, &train)
    };
    let c = outputs_at([0.0, 0.0]);
    let u: Vec<f64> = outputs_at([1.0, 0.0])
        .iter()
        .zip(&c)
        .map(|(&f, &c)| f as f64 - c as f64)
        .collect();
    let v: Vec<f64> = outputs_at([0.0, 1.0])
        .iter()
        .zip(&c)
        .map(|(&f, &c)| f as f64 - c as f64)
        .collect();
    let ridge = |axis: ExactAxis| {
        let penalty = if matches!(axis, ExactAxis::Weight(_)) {
            objective.l2 as f64
        } else {
            0.0
        };
        penalty
            + match loss {
                OneUnitLoss::Logistic => LOGISTIC_RIDGE,
                OneUnitLoss::Squared => 0.0,
            }
    };
    let ridge = [ridge(axes[0]), ridge(axes[1])];
    let n = train.len() as f64;
    let value = |at: [f64; 2]| -> f64 {
        let data: f64 = (0..train.len())
            .map(|i| {
                let f = at[0] * u[i] + at[1] * v[i] + c[i] as f64;
                loss_f64(loss, f, train[i].y as f64)
            })
            .sum();
        data / n + 0.5 * (ridge[0] * at[0] * at[0] + ridge[1] * at[1] * at[1])
    };
    // Newton's method with step halving (one full step for squared loss, which is quadratic).
    let mut at = [0.0; 2];
    for _ in 0..100 {
        let (mut g, mut h) = (
            [ridge[0] * at[0], ridge[1] * at[1]],
            [[ridge[0], 0.0], [0.0, ridge[1]]],
        );
        for i in 0..train.len() {
            let f = at[0] * u[i] + at[1] * v[i] + c[i] as f64;
            let (d1, d2) = loss_derivatives(loss, f, train[i].y as f64);
            let x = [u[i], v[i]];
            for r in 0..2 {
                g[r] += d1 * x[r] / n;
                for s in 0..2 {
                    h[r][s] += d2 * x[r] * x[s] / n;
                }
            }
        }
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        if det.abs() <= 1e-300 || det.is_nan() {
            return None;
        }
        let step = [
            (h[1][1] * g[0] - h[0][1] * g[1]) / det,
            (h[0][0] * g[1] - h[1][0] * g[0]) / det,
        ];
        let before = value(at);
        let mut scale = 1.0;
        let mut next = [at[0] - step[0], at[1] - step[1]];
        while value(next) > before && scale > 1e-6 {
            scale /= 2.0;
            next = [at[0] - scale * step[0], at[1] - scale * step[1]];
        }
        let moved = ((next[0] - at[0]).powi(2) + (next[1] - at[1]).powi(2)).sqrt();
        at = next;
        if moved <= 1e-12 * (1.0 + at[0].abs() + at[1].abs()) {
            break;
        }
    }
    (at[0].is_finite() && at[1].is_finite()).then_some(at)
}

/// The losses of one output unit, whose optimum over an exact plane this module finds.
#[derive(Clone, Copy)]
enum OneUnitLoss {
    Logistic,
    Squared,
}

fn loss_f64(loss: OneUnitLoss, f: f64, y: f64) -> f64 {
    match loss {
        OneUnitLoss::Logistic => softplus(-y * f),
        OneUnitLoss::Squared => (f - y) * (f - y),
    }
}

/// ∂L/∂f and ∂²L/∂f² in `f64`.
fn loss_derivatives(loss: OneUnitLoss, f: f64, y: f64) -> (f64, f64) {
    match loss {
        OneUnitLoss::Logistic => {
            // σ(−y·f) and its complement, without overflow.
            let s = 1.0 / (1.0 + libm::exp(y * f));
            (-y * s, s * (1.0 - s))
        }
        OneUnitLoss::Squared => (2.0 * (f - y), 2.0),
    }
}
