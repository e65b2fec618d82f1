//! One playground session without any web types: the settings, the editable points, the
//! trainer, the loss history and the frame's training work. The page wires events and
//! drawing to it; tests drive it natively.

use crate::engine::{Dataset, Metrics, Point, SplitMetrics, Task, Trainer};
use crate::settings::{Settings, Speed};

/// Training and test loss over time, thinned as it grows so memory stays bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct LossHistory {
    capacity: usize,
    stride: u64,
    points: Vec<HistoryPoint>,
}

/// One sample of the loss history.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryPoint {
    /// The step count when sampled.
    pub step: u64,
    /// Mean training loss.
    pub train: f64,
    /// Mean test loss (NaN without test points).
    pub test: f64,
}

impl LossHistory {
    /// An empty history keeping at most `capacity` samples (at least 4).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(4);
        LossHistory {
            capacity,
            stride: 1,
            points: Vec::with_capacity(capacity + 1),
        }
    }

    /// Records a sample unless it falls within the current stride of the previous one. When
    /// full, every other sample is dropped and the stride doubles, so the history always
    /// spans the whole run at an even spacing.
    pub fn record(&mut self, point: HistoryPoint) {
        if let Some(last) = self.points.last() {
            if point.step < last.step + self.stride && point.step >= last.step {
                return;
            }
            if point.step < last.step {
                self.points.clear();
                self.stride = 1;
            }
        }
        self.points.push(point);
        if self.points.len() > self.capacity {
            let mut keep = 0;
            for i in (0..self.points.len()).step_by(2) {
                self.points[keep] = self.points[i];
                keep += 1;
            }
            self.points.truncate(keep);
            self.stride *= 2;
        }
    }

    /// The samples, oldest first.
    pub fn points(&self) -> &[HistoryPoint] {
        &self.points
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.points.clear();
        self.stride = 1;
    }
}

/// The largest number of points the plot accepts.
pub const MAX_POINTS: usize = 10_000;

/// What happened to a click on the plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditOutcome {
    /// A point was added at this index.
    Added(usize),
    /// Nothing changed, and why.
    Refused(&'static str),
}

/// A playground session.
#[derive(Clone, Debug)]
pub struct Session {
    /// The settings the trainer and data currently reflect.
    pub settings: Settings,
    /// The points on the plot.
    pub data: Dataset,
    /// The model in training.
    pub trainer: Trainer,
    /// Loss over time.
    pub history: LossHistory,
    /// Metrics at the last refresh.
    pub metrics: Metrics,
    examples_since_rate: u64,
}

const NO_METRICS: SplitMetrics = SplitMetrics {
    count: 0,
    loss: f64::NAN,
    score: f64::NAN,
};

impl Session {
    /// A session for `settings`, with the preset's points and a fresh model.
    pub fn new(settings: Settings) -> Self {
        let data = Dataset::generate(&settings.data_spec());
        let trainer = Trainer::new(
            settings.model_spec(),
            settings.train_config(),
            &data,
            settings.seed,
        );
        let mut session = Session {
            settings,
            data,
            trainer,
            history: LossHistory::new(600),
            metrics: Metrics {
                train: NO_METRICS,
                test: NO_METRICS,
            },
            examples_since_rate: 0,
        };
        session.refresh_metrics();
        session
    }

    /// Moves to `new` settings, doing only the work the change needs: new data when the data
    /// settings change, new weights when the model, seed or task changes, and otherwise just
    /// the optimizer settings (so changing the learning rate keeps training where it is).
    pub fn apply(&mut self, new: Settings) {
        let old = std::mem::replace(&mut self.settings, new);
        let new = &self.settings;
        let data_changed = old.data_spec() != new.data_spec();
        if data_changed {
            self.data = Dataset::generate(&new.data_spec());
        }
        if data_changed || old.model_spec() != new.model_spec() || old.seed != new.seed {
            self.rebuild();
        } else {
            self.trainer.set_optimizer(new.optimizer_config());
            self.trainer.set_batch_size(new.batch_size);
        }
    }

    /// New weights from the current seed; the step count and history start over.
    pub fn rebuild(&mut self) {
        self.trainer = Trainer::new(
            self.settings.model_spec(),
            self.settings.train_config(),
            &self.data,
            self.settings.seed,
        );
        self.history.clear();
        self.refresh_metrics();
    }

    /// The task of the points on the plot.
    pub fn task(&self) -> Task {
        self.data.task
    }

    fn data_edited(&mut self) {
        self.trainer.set_data(&self.data);
        self.refresh_metrics();
    }

    /// Adds a training point at `x` with target `y` (±1, or a value for regression).
    pub fn add_point(&mut self, x: [f32; 2], y: f32) -> EditOutcome {
        if self.data.points.len() >= MAX_POINTS {
            return EditOutcome::Refused("The plot holds at most 10 000 points.");
        }
        if !(x[0].is_finite() && x[1].is_finite() && y.is_finite()) {
            return EditOutcome::Refused("That position is outside the plot.");
        }
        self.data.points.push(Point {
            x: [x[0].clamp(-1.0, 1.0), x[1].clamp(-1.0, 1.0)],
            y,
            test: false,
        });
        self.data_edited();
        EditOutcome::Added(self.data.points.len() - 1)
    }

    /// The index of the point nearest to `x` within `radius` (in plot units), if any.
    pub fn nearest_point(&self, x: [f32; 2], radius: f32) -> Option<usize> {
        self.data
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (dx, dy) = (p.x[0] - x[0], p.x[1] - x[1]);
                (i, dx * dx + dy * dy)
            })
            .filter(|&(_, d2)| d2 <= radius * radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// Moves point `index` to `x` (clamped to the plot); training continues on the new data.
    pub fn move_point(&mut self, index: usize, x: [f32; 2]) {
        if let Some(p) = self.data.points.get_mut(index) {
            if x[0].is_finite() && x[1].is_finite() {
                p.x = [x[0].clamp(-1.0, 1.0), x[1].clamp(-1.0, 1.0)];
                self.data_edited();
            }
        }
    }

    /// Sets the regression target of point `index` (clamped to [-1, 1]).
    pub fn set_value(&mut self, index: usize, y: f32) {
        if let Some(p) = self.data.points.get_mut(index) {
            if y.is_finite() {
                p.y = y.clamp(-1.0, 1.0);
                self.data_edited();
            }
        }
    }

    /// Removes point `index`.
    pub fn remove_point(&mut self, index: usize) {
        if index < self.data.points.len() {
            self.data.points.remove(index);
            self.data_edited();
        }
    }

    /// Removes every point (the model keeps its weights).
    pub fn clear_points(&mut self) {
        self.data.points.clear();
        self.data_edited();
    }

    /// Runs training work for one animation frame: as many minibatches as `speed` allows,
    /// stopping once `now()` passes `deadline` (milliseconds on the same clock). Returns the
    /// number of steps taken.
    pub fn run_frame(&mut self, deadline: f64, now: &dyn Fn() -> f64) -> u64 {
        let cap = match self.settings.speed {
            Speed::Slow => 1,
            Speed::Normal => 10,
            Speed::Fast => u64::MAX,
        };
        let mut steps = 0;
        // Check the clock every few steps: reading it costs more than a small step.
        while steps < cap {
            let burst = (cap - steps).min(4);
            for _ in 0..burst {
                if !self.trainer.step() {
                    return steps;
                }
                steps += 1;
            }
            if now() >= deadline {
                break;
            }
        }
        let batch = self.settings.batch_size.min(self.trainer.train_count()) as u64;
        self.examples_since_rate += steps * batch;
        steps
    }

    /// Takes and resets the number of examples trained on since the last call.
    pub fn take_examples(&mut self) -> u64 {
        std::mem::take(&mut self.examples_since_rate)
    }

    /// One minibatch.
    pub fn step_once(&mut self) {
        self.trainer.step();
        self.refresh_metrics();
    }

    /// The rest of the current epoch.
    pub fn epoch_once(&mut self) {
        self.trainer.epoch();
        self.refresh_metrics();
    }

    /// Evaluates the model on all points and records the losses in the history.
    pub fn refresh_metrics(&mut self) {
        self.metrics = self.trainer.evaluate();
        if self.metrics.train.loss.is_finite() {
            self.history.record(HistoryPoint {
                step: self.trainer.steps(),
                train: self.metrics.train.loss,
                test: self.metrics.test.loss,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::ModelFamily;

    #[test]
    fn history_stays_bounded_and_spans_the_run() {
        let mut h = LossHistory::new(100);
        for step in 0..10_000 {
            h.record(HistoryPoint {
                step,
                train: 1.0 / (step + 1) as f64,
                test: f64::NAN,
            });
        }
        assert!(
            h.points().len() <= 100 && h.points().len() >= 50,
            "{}",
            h.points().len()
        );
        assert_eq!(h.points()[0].step, 0);
        assert!(h.points().last().unwrap().step > 9_000);
        assert!(h.points().windows(2).all(|w| w[0].step < w[1].step));
        // A restart (step goes back to zero) starts a new history.
        h.record(HistoryPoint {
            step: 0,
            train: 1.0,
            test: 1.0,
        });
        assert_eq!(h.points().len(), 1);
    }

    #[test]
    fn learning_rate_changes_keep_weights_but_architecture_changes_reset_them() {
        let mut s = Session::new(Settings::default());
        for _ in 0..50 {
            s.trainer.step();
        }
        let weights = s.trainer.model.clone();
        let mut faster = s.settings.clone();
        faster.learning_rate = 0.3;
        s.apply(faster);
        assert_eq!(s.trainer.model, weights);
        assert_eq!(s.trainer.steps(), 50);
        assert_eq!(s.trainer.config.optimizer.learning_rate, 0.3);
        let mut wider = s.settings.clone();
        wider.layers = vec![16, 8];
        s.apply(wider);
        assert_eq!(s.trainer.steps(), 0);
        assert_eq!(s.trainer.model.layers[0].outputs, 16);
        let mut linear = s.settings.clone();
        linear.model = ModelFamily::Linear;
        s.apply(linear);
        assert_eq!(s.trainer.model.layers.len(), 1);
    }

    #[test]
    fn editing_points_updates_the_training_set() {
        let mut s = Session::new(Settings::default());
        let before = s.data.points.len();
        let train_before = s.trainer.train_count();
        assert_eq!(s.add_point([0.5, 0.5], 1.0), EditOutcome::Added(before));
        assert_eq!(s.trainer.train_count(), train_before + 1);
        let near = s.nearest_point([0.51, 0.49], 0.05).unwrap();
        assert_eq!(s.data.points[near].x, [0.5, 0.5]);
        s.move_point(near, [2.0, -0.25]);
        assert_eq!(s.data.points[near].x, [1.0, -0.25]);
        s.remove_point(near);
        assert_eq!(s.data.points.len(), before);
        assert!(matches!(
            s.add_point([f32::NAN, 0.0], 1.0),
            EditOutcome::Refused(_)
        ));
        s.clear_points();
        assert_eq!(s.trainer.train_count(), 0);
        assert_eq!(s.run_frame(f64::INFINITY, &|| 0.0), 0);
    }

    #[test]
    fn a_frame_respects_the_speed_and_the_deadline() {
        let mut settings = Settings {
            speed: Speed::Normal,
            ..Settings::default()
        };
        let mut s = Session::new(settings.clone());
        assert_eq!(s.run_frame(f64::INFINITY, &|| 0.0), 10);
        settings.speed = Speed::Slow;
        s.apply(settings.clone());
        assert_eq!(s.run_frame(f64::INFINITY, &|| 0.0), 1);
        settings.speed = Speed::Fast;
        s.apply(settings);
        let clock = std::cell::Cell::new(0.0);
        let steps = s.run_frame(10.0, &|| {
            clock.set(clock.get() + 1.0);
            clock.get()
        });
        assert_eq!(steps, 40, "ten clock reads, four steps between reads");
        assert_eq!(s.take_examples(), (1 + 10 + 40) * 10);
    }
}
