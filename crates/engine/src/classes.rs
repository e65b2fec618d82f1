//! Classification with two to five classes.
//!
//! **Two classes** keep one output unit f(x) and the logistic loss −log σ(y·f) on y = ±1:
//! class 1 is y = +1, class 2 is y = −1, and f ≥ 0 predicts class 1.
//!
//! **Three to [`MAX_CLASSES`] classes** have one output unit per class, with scores
//! s₁ … s_K, the softmax pₖ = e^{sₖ} / Σⱼ e^{sⱼ} and the cross-entropy −log p_y; the target
//! `Point::y` holds the class *index* 0 … K − 1 (class 1 is index 0), and the delta at the output
//! is p − onehot(y). The largest score predicts the class.
//!
//! Everywhere in the engine a class is named by its index (0-based); the page shows index + 1.
//! This module holds the conversions between indices and targets, the softmax, the predicted
//! class, per-class probabilities over a grid (for painting K colours) and the confusion matrix.

use super::data::{Point, Task};
use super::model::{Loss, Model, Workspace};
use super::train::forward_grid;
use serde::{Deserialize, Serialize};

/// The fewest classes a classification task has.
pub const MIN_CLASSES: usize = 2;
/// The most classes a classification task may have (one output unit each).
pub const MAX_CLASSES: usize = 5;

/// The number of output units a model needs: one for regression and for two classes, K for
/// K ≥ 3 classes.
pub fn output_units(task: Task, classes: usize) -> usize {
    match task {
        Task::Classification if classes > 2 => classes.min(MAX_CLASSES),
        _ => 1,
    }
}

/// The loss a task is trained on: squared for regression, logistic for two classes, softmax
/// cross-entropy for more.
pub fn loss_for(task: Task, classes: usize) -> Loss {
    match task {
        Task::Regression => Loss::Squared,
        Task::Classification if classes > 2 => Loss::Softmax,
        Task::Classification => Loss::Logistic,
    }
}

/// The target `Point::y` that stores class index `class` among `classes`: +1 or −1 for two
/// classes (index 0 is +1), the index itself for more. An index past the last names the last.
pub fn class_target(class: usize, classes: usize) -> f32 {
    if classes <= 2 {
        if class == 0 {
            1.0
        } else {
            -1.0
        }
    } else {
        class.min(classes - 1) as f32
    }
}

/// The class index a target names among `classes` (the inverse of [`class_target`]): for two
/// classes y > 0 is index 0 and anything else index 1; for more, y rounded and clamped to
/// 0 … K − 1 (NaN is index 0).
pub fn class_of(y: f32, classes: usize) -> usize {
    if classes <= 2 {
        usize::from(y.is_nan() || y <= 0.0)
    } else {
        softmax_class(y, classes)
    }
}

/// The class index a softmax target names among `units` output units: y rounded, clamped to
/// 0 … units − 1 (NaN is 0).
#[inline]
pub(crate) fn softmax_class(y: f32, units: usize) -> usize {
    (y.round().max(0.0) as usize).min(units.max(1) - 1)
}

/// The class a model's output values predict: for one unit, index 0 when f ≥ 0 and 1 otherwise;
/// for several, the index of the largest score (the first of equal ones).
pub fn predicted_class(scores: &[f32]) -> usize {
    match scores {
        [f] => usize::from(f.is_nan() || *f < 0.0),
        _ => {
            let mut best = 0;
            for (k, &s) in scores.iter().enumerate().skip(1) {
                if s > scores[best] {
                    best = k;
                }
            }
            best
        }
    }
}

/// `out[k] = e^{sₖ − m} / Σⱼ e^{sⱼ − m}` with m the largest score (so nothing overflows).
/// `out` is at least as long as `scores`.
pub fn softmax(scores: &[f32], out: &mut [f32]) {
    let top = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut total = 0.0;
    for (o, &s) in out.iter_mut().zip(scores) {
        *o = libm::expf(s - top);
        total += *o;
    }
    for o in &mut out[..scores.len()] {
        *o /= total;
    }
}

/// The probability of each class given a model's output values `scores`: for one unit (two
/// classes) σ(f) and 1 − σ(f), otherwise the softmax of the scores. Fills the first
/// [`classes_of_scores`]`(scores.len())` entries of `out`, which must hold that many.
pub fn class_probabilities(scores: &[f32], out: &mut [f32]) {
    match scores {
        [f] => {
            let p = 1.0 / (1.0 + libm::expf(-f));
            out[0] = p;
            out[1] = 1.0 - p;
        }
        _ => softmax(scores, out),
    }
}

/// The softmax cross-entropy −log p_y of scores `scores` for class index `class`, in `f64`
/// through log-sum-exp (stable for any scores).
pub fn softmax_cross_entropy(scores: &[f32], class: usize) -> f64 {
    let top = scores.iter().map(|&s| s as f64).fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = scores.iter().map(|&s| libm::exp(s as f64 - top)).sum();
    top + libm::log(total) - scores[class] as f64
}

/// The deltas of the mean softmax cross-entropy at the output of a batch of `n`: row k of
/// `delta` (k = 0 … K − 1, feature-major like `scores`) gets (pₖ − [k = yᵦ]) / n for each
/// example b. Allocates nothing.
pub(crate) fn softmax_deltas(scores: &[f32], targets: &[f32], n: usize, delta: &mut [f32]) {
    let units = scores.len() / n.max(1);
    let scale = 1.0 / n as f32;
    for (b, &y) in targets[..n].iter().enumerate() {
        let top = (0..units)
            .map(|k| scores[k * n + b])
            .fold(f32::NEG_INFINITY, f32::max);
        let mut total = 0.0;
        for k in 0..units {
            let e = libm::expf(scores[k * n + b] - top);
            delta[k * n + b] = e;
            total += e;
        }
        let class = softmax_class(y, units);
        for k in 0..units {
            let onehot = if k == class { 1.0 } else { 0.0 };
            delta[k * n + b] = (delta[k * n + b] / total - onehot) * scale;
        }
    }
}

/// Fills `out` with the probability of each class over a `resolution²` grid laid out by
/// [`crate::grid_cell`]: class k's plane is `out[k·res² .. (k+1)·res²]`, so `out` holds K · res²
/// values, K being [`classes_of_scores`] of the model's output units (two for one unit).
/// Reuses `ws` and allocates nothing, so it can run every frame.
pub fn class_probability_grid(model: &Model, ws: &mut Workspace, resolution: usize, out: &mut [f32]) {
    let cells = resolution * resolution;
    let mut scores = [0.0f32; MAX_CLASSES];
    let mut probabilities = [0.0f32; MAX_CLASSES];
    forward_grid(model, ws, resolution, |ws, start| {
        for b in 0..ws.len() {
            let scores = ws.scores(b, &mut scores);
            class_probabilities(scores, &mut probabilities);
            for (k, &p) in probabilities[..classes_of_scores(scores.len())]
                .iter()
                .enumerate()
            {
                out[k * cells + start + b] = p;
            }
        }
    });
}

/// The number of classes a model with `units` output units tells apart (2 for one unit).
pub fn classes_of_scores(units: usize) -> usize {
    units.max(2)
}

/// Counts of true against predicted classes: `count(t, p)` points of class t were put in class p.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// The number of classes K.
    pub classes: usize,
    /// K × K counts, row = true class, column = predicted class.
    pub counts: Vec<usize>,
}

impl ConfusionMatrix {
    /// An all-zero matrix for `classes` classes.
    pub fn new(classes: usize) -> Self {
        ConfusionMatrix {
            classes,
            counts: vec![0; classes * classes],
        }
    }

    /// How many points of class `truth` the model put in class `predicted` (0 out of range).
    pub fn count(&self, truth: usize, predicted: usize) -> usize {
        if truth < self.classes && predicted < self.classes {
            self.counts[truth * self.classes + predicted]
        } else {
            0
        }
    }

    /// How many points were counted.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// How many points of class `truth` there were (a row's sum).
    pub fn class_total(&self, truth: usize) -> usize {
        (0..self.classes).map(|p| self.count(truth, p)).sum()
    }

    /// The fraction on the diagonal (NaN when empty).
    pub fn accuracy(&self) -> f64 {
        let right: usize = (0..self.classes).map(|k| self.count(k, k)).sum();
        let total = self.total();
        if total == 0 {
            f64::NAN
        } else {
            right as f64 / total as f64
        }
    }

    /// Counts one point of class `truth` put in class `predicted` (ignored out of range).
    pub fn record(&mut self, truth: usize, predicted: usize) {
        if truth < self.classes && predicted < self.classes {
            self.counts[truth * self.classes + predicted] += 1;
        }
    }
}

/// The confusion matrix of `model` on `points` of a task with `classes` classes (targets as
/// [`class_target`] stores them).
pub fn confusion_matrix<P: std::borrow::Borrow<Point>>(
    model: &Model,
    points: &[P],
    classes: usize,
) -> ConfusionMatrix {
    let mut matrix = ConfusionMatrix::new(classes);
    let mut scores = [0.0f32; MAX_CLASSES];
    crate::forward_points(model, points, |ws, first| {
        for b in 0..ws.len() {
            let truth = class_of(points[first + b].borrow().y, classes);
            matrix.record(truth, predicted_class(ws.scores(b, &mut scores)));
        }
    });
    matrix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_indices_round_trip_for_every_class_count() {
        for classes in MIN_CLASSES..=MAX_CLASSES {
            for class in 0..classes {
                assert_eq!(class_of(class_target(class, classes), classes), class);
            }
        }
        assert_eq!(class_target(0, 2), 1.0);
        assert_eq!(class_target(1, 2), -1.0);
        assert_eq!(class_target(2, 3), 2.0);
        assert_eq!(class_of(f32::NAN, 4), 0);
        assert_eq!(class_of(9.0, 4), 3);
        assert_eq!(class_of(-3.0, 4), 0);
    }

    #[test]
    fn the_predicted_class_is_the_sign_or_the_largest_score() {
        assert_eq!(predicted_class(&[0.0]), 0);
        assert_eq!(predicted_class(&[-0.1]), 1);
        assert_eq!(predicted_class(&[0.1, 2.0, -1.0]), 1);
        assert_eq!(predicted_class(&[3.0, 3.0, -1.0]), 0);
        assert_eq!(predicted_class(&[-5.0, -4.0, -3.0, -6.0, -3.5]), 2);
    }

    #[test]
    fn softmax_sums_to_one_even_for_huge_scores() {
        let mut p = [0.0; MAX_CLASSES];
        for scores in [
            vec![0.0f32, 0.0, 0.0],
            vec![1000.0, -1000.0, 3.0, 999.0],
            vec![-80.0, -81.0, -79.5, -90.0, -85.0],
        ] {
            softmax(&scores, &mut p);
            assert!(
                (p[..scores.len()].iter().sum::<f32>() - 1.0).abs() < 1e-6,
                "{scores:?}"
            );
            assert!(p[..scores.len()].iter().all(|v| v.is_finite() && *v >= 0.0));
        }
        class_probabilities(&[0.0], &mut p);
        assert_eq!(&p[..2], &[0.5, 0.5]);
    }

    #[test]
    fn cross_entropy_matches_its_definition() {
        let scores = [0.5f32, -1.0, 2.0];
        let exps: Vec<f64> = scores.iter().map(|&s| (s as f64).exp()).collect();
        let sum: f64 = exps.iter().sum();
        for (class, e) in exps.iter().enumerate() {
            let exact = -(e / sum).ln();
            assert!((softmax_cross_entropy(&scores, class) - exact).abs() < 1e-12);
        }
        assert!(softmax_cross_entropy(&[1e4, -1e4, 0.0], 1).is_finite());
    }

    #[test]
    fn the_confusion_matrix_counts_rows_as_truth() {
        let mut m = ConfusionMatrix::new(3);
        m.record(0, 0);
        m.record(0, 2);
        m.record(2, 2);
        m.record(7, 1);
        assert_eq!((m.count(0, 2), m.count(2, 0), m.total()), (1, 0, 3));
        assert_eq!(m.class_total(0), 2);
        assert!((m.accuracy() - 2.0 / 3.0).abs() < 1e-12);
        assert!(ConfusionMatrix::new(4).accuracy().is_nan());
    }
}
