//! The random-features sweep: for k = 1 … 2000 random features, fit the last layer exactly
//! (ridge, in closed form) and measure the test error, next to kernel ridge with the kernel the
//! features approach. The work is cut into small units so the page stays responsive.
//!
//! With three or more classes both fits are one-vs-rest: one output per class, fitted to +1 on
//! its class and −1 elsewhere, and the largest output names the class.

use super::thin;
use crate::classes::{predicted_class, softmax_class, MAX_CLASSES};
use crate::ridge::least_squares_targets;
use crate::{
    forward_points, initial_model, random_feature_penalty, solve_last_layer, Activation, Dataset, Kernel,
    KernelRidge, Model, ModelSpec, Point, Task,
};
use std::fmt;

/// The numbers of random features tried, in log steps.
pub const SWEEP_SIZES: [usize; 11] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

/// Independent draws of the features for each k; the error shown is their mean.
pub const SWEEP_DRAWS: usize = 3;

/// At most this many training points are used (evenly spaced), so the exact fits stay quick.
pub const MAX_SWEEP_TRAIN: usize = 400;

/// At most this many test points are scored.
pub const MAX_SWEEP_TEST: usize = 1000;

/// What a sweep fits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepSpec {
    /// σ of the random features.
    pub activation: Activation,
    /// Scale of M and b.
    pub scale: f32,
    /// Ridge penalty λ (per point, as in kernel ridge).
    pub lambda: f32,
    /// Seed of the first draw; draw d uses seed + d.
    pub seed: u64,
}

/// Why a sweep cannot run on the points given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepError {
    /// No training points to fit.
    NoTrainingPoints,
    /// No test points to measure the error on.
    NoTestPoints,
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SweepError::NoTrainingPoints => "there are no training points to fit",
            SweepError::NoTestPoints => {
                "there are no test points to measure the error on: raise the test fraction in the Data panel"
            }
        })
    }
}

/// The result for one k.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    /// Number of random features.
    pub k: usize,
    /// Mean training error over the draws.
    pub train_error: f64,
    /// Mean test error over the draws.
    pub test_error: f64,
    /// The test error of each draw.
    pub draws: Vec<f64>,
}

/// The kernel ridge reference.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KernelResult {
    /// Training error of kernel ridge.
    pub train_error: f64,
    /// Test error of kernel ridge.
    pub test_error: f64,
}

/// A sweep in progress.
#[derive(Clone, Debug)]
pub struct Sweep {
    spec: SweepSpec,
    task: Task,
    /// Outputs fitted per model: one, or one per class for three or more classes.
    units: usize,
    train: Dataset,
    test: Vec<Point>,
    kernel: Option<Kernel>,
    kernel_result: Option<KernelResult>,
    rows: Vec<SweepRow>,
    /// Units of work done: 0 is the kernel fit, then one per (k, draw).
    done: usize,
    pending_train: f64,
    pending_draws: Vec<f64>,
}

/// The error measure: the misclassified fraction, or the mean squared error. `predictions`
/// holds `units` outputs per point, point after point.
fn error(task: Task, predictions: &[f64], units: usize, points: &[Point]) -> f64 {
    let n = points.len().max(1) as f64;
    let rows = || predictions.chunks_exact(units).zip(points);
    match task {
        Task::Classification if units == 1 => {
            rows().filter(|(f, p)| (f[0] >= 0.0) != (p.y > 0.0)).count() as f64 / n
        }
        Task::Classification => {
            let mut scores = [0.0f32; MAX_CLASSES];
            rows()
                .filter(|(f, p)| {
                    let scores = &mut scores[..units.min(MAX_CLASSES)];
                    scores.iter_mut().zip(f.iter()).for_each(|(s, &v)| *s = v as f32);
                    predicted_class(scores) != softmax_class(p.y, scores.len())
                })
                .count() as f64
                / n
        }
        Task::Regression => rows().map(|(f, p)| (f[0] - p.y as f64).powi(2)).sum::<f64>() / n,
    }
}

/// Every output of the model for `points`, in `f64`, point after point.
fn predict_all(model: &Model, points: &[Point]) -> Vec<f64> {
    let mut out = Vec::new();
    let mut scores = [0.0f32; MAX_CLASSES];
    forward_points(model, points, |ws, _| {
        for b in 0..ws.len() {
            out.extend(ws.scores(b, &mut scores).iter().map(|&v| f64::from(v)));
        }
    });
    out
}

fn as_f64(x: [f32; 2]) -> [f64; 2] {
    [x[0] as f64, x[1] as f64]
}

impl Sweep {
    /// A sweep over the training and test points of `data`.
    pub fn new(spec: SweepSpec, data: &Dataset) -> Result<Self, SweepError> {
        let train: Vec<Point> = data.points.iter().filter(|p| !p.test).copied().collect();
        let test: Vec<Point> = data.points.iter().filter(|p| p.test).copied().collect();
        if train.is_empty() {
            return Err(SweepError::NoTrainingPoints);
        }
        if test.is_empty() {
            return Err(SweepError::NoTestPoints);
        }
        Ok(Sweep {
            spec,
            task: data.task,
            units: data.output_units(),
            train: Dataset {
                task: data.task,
                classes: data.classes,
                points: thin(&train, MAX_SWEEP_TRAIN),
            },
            test: thin(&test, MAX_SWEEP_TEST),
            kernel: Kernel::for_random_features(spec.activation, spec.scale),
            kernel_result: None,
            rows: Vec::new(),
            done: 0,
            pending_train: 0.0,
            pending_draws: Vec::new(),
        })
    }

    /// Classification (error = misclassified fraction) or regression (error = mean squared error).
    pub fn task(&self) -> Task {
        self.task
    }

    /// Training points used (at most [`MAX_SWEEP_TRAIN`]).
    pub fn train_count(&self) -> usize {
        self.train.points.len()
    }

    /// Test points used (at most [`MAX_SWEEP_TEST`]).
    pub fn test_count(&self) -> usize {
        self.test.len()
    }

    /// The limit kernel, if the activation has one in closed form.
    pub fn kernel(&self) -> Option<Kernel> {
        self.kernel
    }

    /// The kernel ridge reference, once fitted.
    pub fn kernel_result(&self) -> Option<KernelResult> {
        self.kernel_result
    }

    /// The finished rows, in increasing k.
    pub fn rows(&self) -> &[SweepRow] {
        &self.rows
    }

    fn total_units() -> usize {
        1 + SWEEP_SIZES.len() * SWEEP_DRAWS
    }

    /// Whether every fit is done.
    pub fn is_done(&self) -> bool {
        self.done >= Self::total_units()
    }

    /// The fraction of the work done, 0 to 1.
    pub fn progress(&self) -> f64 {
        self.done as f64 / Self::total_units() as f64
    }

    /// Does units of work until `deadline` (in the clock `now` reads) or until done; at least
    /// one unit per call.
    pub fn run(&mut self, deadline: f64, now: &dyn Fn() -> f64) {
        loop {
            if self.is_done() {
                return;
            }
            self.advance();
            if now() >= deadline {
                return;
            }
        }
    }

    /// Does one unit of work: the kernel fit, or one draw of one k.
    pub fn advance(&mut self) {
        if self.is_done() {
            return;
        }
        if self.done == 0 {
            self.kernel_result = self.kernel.and_then(|kernel| self.fit_kernel(kernel));
        } else {
            let unit = self.done - 1;
            let k = SWEEP_SIZES[unit / SWEEP_DRAWS];
            let draw = unit % SWEEP_DRAWS;
            let (train_error, test_error) = self.fit_features(k, draw);
            self.pending_train += train_error;
            self.pending_draws.push(test_error);
            if draw + 1 == SWEEP_DRAWS {
                let draws = std::mem::take(&mut self.pending_draws);
                self.rows.push(SweepRow {
                    k,
                    train_error: self.pending_train / SWEEP_DRAWS as f64,
                    test_error: draws.iter().sum::<f64>() / SWEEP_DRAWS as f64,
                    draws,
                });
                self.pending_train = 0.0;
            }
        }
        self.done += 1;
    }

    fn fit_kernel(&self, kernel: Kernel) -> Option<KernelResult> {
        let xs: Vec<[f64; 2]> = self.train.points.iter().map(|p| as_f64(p.x)).collect();
        let train: Vec<&Point> = self.train.points.iter().collect();
        let ys = least_squares_targets(&train, self.units);
        let fit = KernelRidge::fit_columns(kernel, &xs, &ys, self.units, self.spec.lambda as f64).ok()?;
        let predict = |points: &[Point]| -> Vec<f64> {
            let mut out = vec![0.0; points.len() * self.units];
            for (row, p) in out.chunks_exact_mut(self.units).zip(points) {
                fit.predict_columns(as_f64(p.x), row);
            }
            out
        };
        Some(KernelResult {
            train_error: self.error(&predict(&self.train.points), &self.train.points),
            test_error: self.error(&predict(&self.test), &self.test),
        })
    }

    /// Training and test error of ridge on `k` random features of draw `draw`.
    fn fit_features(&self, k: usize, draw: usize) -> (f64, f64) {
        let spec =
            ModelSpec::random_features(self.spec.activation, k, self.spec.scale).with_outputs(self.units);
        // Draw 0 has the features a session with this seed trains.
        let mut model = initial_model(&spec, self.spec.seed.wrapping_add(draw as u64));
        let penalty = random_feature_penalty(self.spec.lambda, k);
        match solve_last_layer(&model, &self.train, penalty) {
            Ok(solution) => solution.install(&mut model),
            Err(_) => return (f64::NAN, f64::NAN),
        }
        let predict = |points: &[Point]| predict_all(&model, points);
        (
            self.error(&predict(&self.train.points), &self.train.points),
            self.error(&predict(&self.test), &self.test),
        )
    }

    fn error(&self, predictions: &[f64], points: &[Point]) -> f64 {
        error(self.task, predictions, self.units, points)
    }
}

/// A short name for a kernel, for captions.
pub fn kernel_name(kernel: Kernel) -> &'static str {
    match kernel {
        Kernel::Sign => "arc-cosine kernel of order 0",
        Kernel::Relu { .. } => "arc-cosine kernel of order 1",
        Kernel::Gaussian { .. } => "Gaussian kernel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataSpec, Preset};

    fn data(preset: Preset, test_fraction: f32) -> Dataset {
        Dataset::generate(&DataSpec {
            preset,
            count: 200,
            noise: 0.0,
            test_fraction,
            seed: 2,
        })
    }

    fn finish(sweep: &mut Sweep) {
        let mut guard = 0;
        while !sweep.is_done() {
            sweep.advance();
            guard += 1;
            assert!(guard < 100, "the sweep never finishes");
        }
    }

    #[test]
    fn a_sweep_fills_every_row_and_its_error_falls_towards_the_kernel() {
        let spec = SweepSpec {
            activation: Activation::Relu,
            scale: 2.0,
            lambda: 1e-3,
            seed: 4,
        };
        let mut sweep = Sweep::new(spec, &data(Preset::Circle, 0.5)).unwrap();
        assert_eq!(sweep.progress(), 0.0);
        finish(&mut sweep);
        assert_eq!(sweep.progress(), 1.0);
        let ks: Vec<usize> = sweep.rows().iter().map(|r| r.k).collect();
        assert_eq!(ks, SWEEP_SIZES);
        assert!(sweep.rows().iter().all(|r| r.draws.len() == SWEEP_DRAWS));
        let kernel = sweep.kernel_result().expect("ReLU features have a kernel");
        let first = &sweep.rows()[0];
        let last = sweep.rows().last().unwrap();
        // One ReLU feature cannot carve a disc; thousands do about as well as the kernel.
        assert!(first.test_error > 0.2, "{first:?}");
        assert!(last.test_error < first.test_error / 2.0, "{last:?}");
        assert!(
            (last.test_error - kernel.test_error).abs() < 0.05,
            "{last:?} vs {kernel:?}"
        );
    }

    #[test]
    fn tanh_features_have_no_reference_and_missing_test_points_are_an_error() {
        let spec = SweepSpec {
            activation: Activation::Tanh,
            scale: 1.0,
            lambda: 1e-3,
            seed: 1,
        };
        let mut sweep = Sweep::new(spec, &data(Preset::Bumps, 0.3)).unwrap();
        sweep.advance();
        assert_eq!(sweep.kernel_result(), None);
        assert_eq!(
            Sweep::new(spec, &data(Preset::Bumps, 0.0)).unwrap_err(),
            SweepError::NoTestPoints
        );
        let empty = Dataset::empty(Task::Regression);
        assert_eq!(
            Sweep::new(spec, &empty).unwrap_err(),
            SweepError::NoTrainingPoints
        );
    }

    #[test]
    fn run_stops_at_the_deadline_but_always_makes_progress() {
        let spec = SweepSpec {
            activation: Activation::Cos,
            scale: 3.0,
            lambda: 1e-3,
            seed: 1,
        };
        let mut sweep = Sweep::new(spec, &data(Preset::Bumps, 0.5)).unwrap();
        sweep.run(0.0, &|| 1.0);
        assert_eq!(sweep.progress(), 1.0 / 34.0);
        sweep.run(f64::INFINITY, &|| 0.0);
        assert!(sweep.is_done());
    }
}
