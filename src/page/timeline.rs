//! Looking back along a run. The session records its [`Timeline`](crate::engine::Timeline)
//! after every step; a [`SnapshotView`] restores one snapshot into a copy of the model, beside
//! the live trainer (which it never touches), and offers what the page draws from a model: the
//! decision map, unit heatmaps, the gradients and, through [`SnapshotView::model`], the feature
//! space. [`Replay`] walks the snapshots at a chosen pace. Continuing from a snapshot is
//! [`Session::continue_from`].

use crate::engine::{predict_grid, Gradients, Metrics, Model, Snapshot, TimelineError, Workspace};
use crate::page::session::{probe_grid, unit_grid, Session, UnitRef, PROBE_CAPACITY};

/// Multiply-adds a view may spend on the gradient at its step (a few milliseconds).
const GRADIENT_BUDGET: usize = 30_000_000;
/// The most training points the view's gradient averages over.
pub const GRADIENT_POINTS: usize = 512;
/// The fewest training points it averages over, however large the model.
const MIN_GRADIENT_POINTS: usize = 16;

/// One snapshot of a session's run, restored for looking at.
#[derive(Clone, Debug)]
pub struct SnapshotView {
    index: usize,
    step: u64,
    metrics: Metrics,
    model: Model,
    gradients: Gradients,
    gradient_points: usize,
    batch: Workspace,
    probe: Workspace,
}

impl SnapshotView {
    /// Restores snapshot `index` of `session`'s timeline (allocates the view's buffers; move it
    /// to other snapshots with [`SnapshotView::show`]).
    pub fn open(session: &Session, index: usize) -> Result<Self, TimelineError> {
        let mut model = session.trainer.model.clone();
        let snapshot = session.timeline.restore(index, &mut model)?;
        let (step, metrics) = (snapshot.step, snapshot.metrics);
        let points = GRADIENT_BUDGET / (3 * model.parameter_count().max(1));
        let mut view = SnapshotView {
            index,
            step,
            metrics,
            gradients: Gradients::zeros(&model),
            gradient_points: 0,
            batch: Workspace::new(&model, points.clamp(MIN_GRADIENT_POINTS, GRADIENT_POINTS)),
            probe: Workspace::new(&model, PROBE_CAPACITY),
            model,
        };
        view.compute_gradients(session);
        Ok(view)
    }

    /// Moves the view to snapshot `index`, reusing its buffers (or opening it afresh if the
    /// session's model has changed shape since).
    pub fn show(&mut self, session: &Session, index: usize) -> Result<(), TimelineError> {
        match session.timeline.restore(index, &mut self.model) {
            Ok(snapshot) => {
                (self.index, self.step, self.metrics) = (index, snapshot.step, snapshot.metrics);
                self.compute_gradients(session);
                Ok(())
            }
            Err(TimelineError::OtherModel) => {
                *self = SnapshotView::open(session, index)?;
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// The gradient of the mean training loss at the snapshot's weights, over the training
    /// points (an evenly spaced sample of at most `batch.capacity()` of them).
    fn compute_gradients(&mut self, session: &Session) {
        let train = || session.data.points.iter().filter(|p| !p.test);
        let stride = train().count().div_ceil(self.batch.capacity()).max(1);
        let mut n = 0;
        for p in train().step_by(stride) {
            (self.batch.x1[n], self.batch.x2[n], self.batch.targets[n]) = (p.x[0], p.x[1], p.y);
            n += 1;
        }
        self.gradient_points = n;
        if n == 0 {
            for g in self.gradients.weights.iter_mut().chain(&mut self.gradients.bias) {
                g.fill(0.0);
            }
            self.gradients.norms.fill(0.0);
            return;
        }
        self.model.forward(&mut self.batch, n);
        let loss = session.trainer.config.loss;
        self.model
            .backward(&mut self.batch, loss, &mut self.gradients, false);
    }

    /// The snapshot's index in the timeline.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The step the snapshot was taken at.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Loss and accuracy (or R²) on the training and test points at that step, as recorded.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The model as it was at that step (for the feature-space view, traces, the diagram).
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The gradient of the mean training loss at that step, per layer (zero for frozen
    /// layers). Unlike the live view's, which shows the last minibatch's, it averages over
    /// [`SnapshotView::gradient_points`] training points.
    pub fn gradients(&self) -> &Gradients {
        &self.gradients
    }

    /// How many training points the gradient averages over: all of them up to 512, fewer for
    /// large networks (at least 16), evenly spaced.
    pub fn gradient_points(&self) -> usize {
        self.gradient_points
    }

    /// f(x) over a `resolution²` grid at that step (laid out like
    /// [`Trainer::predict_grid`](crate::engine::Trainer::predict_grid)).
    pub fn predict_grid(&mut self, resolution: usize, out: &mut [f32]) {
        predict_grid(&self.model, &mut self.probe, resolution, out);
    }

    /// The values of `unit` over a `resolution²` grid at that step (see [`unit_grid`]).
    pub fn unit_grid(&mut self, unit: UnitRef, resolution: usize, out: &mut [f32]) {
        unit_grid(&self.model, &mut self.probe, resolution, unit, out);
    }

    /// Every unit's values over a `resolution²` grid at that step (see
    /// [`Session::probe_grid`]).
    pub fn probe_grid(&mut self, resolution: usize) -> &Workspace {
        probe_grid(&self.model, &mut self.probe, resolution);
        &self.probe
    }
}

/// How fast a replay moves along the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReplayPace {
    /// Snapshots a second: evenly through the recorded snapshots, which are log-spaced, so the
    /// first hundred steps take as long as the last hundred thousand.
    SnapshotsPerSecond(f64),
    /// Training steps a second: the run as it went, sped up; the early snapshots flash by.
    StepsPerSecond(f64),
}

/// A replay of the recorded run, from snapshot `from` on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Replay {
    /// The pace.
    pub pace: ReplayPace,
    /// The snapshot it starts at.
    pub from: usize,
}

/// Where a replay is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplayFrame {
    /// The snapshot to show.
    pub index: usize,
    /// Whether it is the last one (the replay is over; the page returns to live or stays).
    pub finished: bool,
}

impl Replay {
    /// The snapshot to show `elapsed` seconds into the replay (`None` without snapshots).
    /// Negative or non-finite times and paces count as zero, except an infinite time, which is
    /// the end.
    pub fn frame(&self, snapshots: &[Snapshot], elapsed: f64) -> Option<ReplayFrame> {
        let last = snapshots.len().checked_sub(1)?;
        let from = self.from.min(last);
        let elapsed = if elapsed.is_nan() { 0.0 } else { elapsed.max(0.0) };
        let index = match self.pace {
            ReplayPace::SnapshotsPerSecond(rate) => {
                // Float-to-integer casts saturate: NaN gives 0, infinity the largest index.
                from.saturating_add((elapsed * rate.max(0.0)) as usize)
            }
            ReplayPace::StepsPerSecond(rate) => {
                let target = snapshots[from]
                    .step
                    .saturating_add((elapsed * rate.max(0.0)) as u64);
                snapshots.partition_point(|s| s.step <= target).saturating_sub(1)
            }
        }
        .clamp(from, last);
        Some(ReplayFrame {
            index,
            finished: index == last,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Trainer;
    use crate::page::settings::Settings;

    fn trained(hash: &str, steps: usize) -> Session {
        let (settings, notices) = Settings::from_hash(hash);
        assert!(notices.is_empty(), "{notices:?}");
        let mut session = Session::new(settings);
        for _ in 0..steps {
            session.step_once();
        }
        session
    }

    fn grid(mut predict: impl FnMut(&mut [f32])) -> Vec<u32> {
        let mut out = vec![0.0; 20 * 20];
        predict(&mut out);
        out.iter().map(|v| v.to_bits()).collect()
    }

    /// The view shows the run as it was at the snapshot's step: the same decision map, unit
    /// grids and metrics as a run stopped there, while the live trainer stays where it is.
    #[test]
    fn a_view_shows_the_run_at_its_step_and_leaves_the_live_run_alone() {
        let hash = "dataset=circle&n=120&layers=6,4&act=tanh&lr=0.1&opt=adam";
        let session = trained(hash, 400);
        let live = session.trainer.model.clone();
        let index = session.timeline.at_or_before(150).unwrap();
        let mut view = SnapshotView::open(&session, index).unwrap();
        assert_eq!(view.index(), index);
        let step = view.step();
        assert!(step > 50 && step <= 150, "{step}");
        let mut then = trained(hash, step as usize);
        assert_eq!(then.trainer.steps(), step);
        assert_eq!(view.model(), &then.trainer.model);
        assert_eq!(
            grid(|out| view.predict_grid(20, out)),
            grid(|out| then.trainer.predict_grid(20, out))
        );
        let unit = UnitRef { layer: 1, unit: 3 };
        assert_eq!(
            grid(|out| view.unit_grid(unit, 20, out)),
            grid(|out| then.unit_grid(unit, 20, out))
        );
        assert_eq!(view.metrics(), &then.trainer.evaluate());
        assert_eq!(session.trainer.model, live);
        // Moving the view to the first snapshot shows the initial weights.
        view.show(&session, 0).unwrap();
        assert_eq!(view.step(), 0);
        assert_eq!(view.model(), &trained(hash, 0).trainer.model);
        assert_eq!(
            SnapshotView::open(&session, 999).map(|v| v.step()),
            Err(TimelineError::NoSnapshot {
                index: 999,
                count: session.timeline.snapshots().len()
            })
        );
    }

    /// The view's gradient is that of the mean loss over the training points at the snapshot's
    /// weights (checked against the trainer's own backward pass on all of them), and zero for a
    /// frozen layer.
    #[test]
    fn the_views_gradient_is_the_training_loss_gradient_at_its_step() {
        let hash = "dataset=xor&n=100&model=random&rf=relu&k=20&lr=0.05";
        let session = trained(hash, 60);
        let index = session.timeline.at_or_before(30).unwrap();
        let view = SnapshotView::open(&session, index).unwrap();
        assert_eq!(view.gradient_points(), 50);
        let train: Vec<_> = session.data.points.iter().filter(|p| !p.test).cloned().collect();
        let mut whole = Trainer::new(
            session.settings.model_spec(),
            crate::engine::TrainConfig {
                batch_size: train.len(),
                ..session.settings.train_config()
            },
            &crate::engine::Dataset {
                task: session.task(),
                points: train,
            },
            1,
        );
        whole.model = view.model().clone();
        // One full-batch step computes exactly this gradient (in the order of its shuffle,
        // so the sums agree to rounding).
        whole.step();
        let (ours, theirs) = (&view.gradients().norms, &whole.gradients().norms);
        assert_eq!(ours[0], 0.0, "the random features are frozen");
        assert!(
            (ours[1] - theirs[1]).abs() <= 1e-5 * theirs[1],
            "{ours:?} {theirs:?}"
        );
        assert!(ours[1] > 0.0);
    }

    /// A view follows the session when its model changes shape.
    #[test]
    fn a_view_reopens_when_the_model_changes_shape() {
        let mut session = trained("layers=4", 30);
        let mut view = SnapshotView::open(&session, 2).unwrap();
        session.apply(Settings {
            layers: vec![5, 3],
            ..(*session.settings).clone()
        });
        for _ in 0..10 {
            session.step_once();
        }
        view.show(&session, 1).unwrap();
        assert_eq!(view.model().layers[1].outputs, 3);
        assert_eq!(view.step(), 1);
    }

    #[test]
    fn replays_walk_the_snapshots_at_their_pace() {
        let session = trained("model=linear", 5);
        let snapshots = session.timeline.snapshots();
        assert_eq!(
            snapshots.iter().map(|s| s.step).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        let by_snapshot = Replay {
            pace: ReplayPace::SnapshotsPerSecond(2.0),
            from: 1,
        };
        let at = |replay: Replay, t: f64| replay.frame(snapshots, t).unwrap();
        assert_eq!(
            at(by_snapshot, 0.0),
            ReplayFrame {
                index: 1,
                finished: false
            }
        );
        assert_eq!(at(by_snapshot, 1.2).index, 3);
        assert_eq!(
            at(by_snapshot, 99.0),
            ReplayFrame {
                index: 5,
                finished: true
            }
        );
        let by_step = Replay {
            pace: ReplayPace::StepsPerSecond(3.0),
            from: 0,
        };
        assert_eq!(at(by_step, 0.5).index, 1);
        assert_eq!(at(by_step, 1.0).index, 3);
        // Nonsense times and paces neither panic nor leave the timeline.
        for t in [f64::NAN, -5.0, f64::INFINITY] {
            for pace in [f64::NAN, -1.0, f64::INFINITY, 0.0] {
                for replay in [
                    Replay {
                        pace: ReplayPace::SnapshotsPerSecond(pace),
                        from: 9,
                    },
                    Replay {
                        pace: ReplayPace::StepsPerSecond(pace),
                        from: 2,
                    },
                ] {
                    assert!(at(replay, t).index <= 5);
                }
            }
        }
        assert_eq!(by_step.frame(&[], 1.0), None);
    }

    /// Replaying by step spends its time where the steps are: the log-spaced snapshots of a
    /// long run go by quickly at first and slowly later.
    #[test]
    fn replaying_by_step_hurries_through_the_dense_start() {
        let session = trained("model=linear", 1000);
        let snapshots = session.timeline.snapshots();
        let replay = Replay {
            pace: ReplayPace::StepsPerSecond(100.0),
            from: 0,
        };
        let shown = |t: f64| snapshots[replay.frame(snapshots, t).unwrap().index].step;
        let after_one_second = replay.frame(snapshots, 1.0).unwrap().index;
        assert!(after_one_second > 20, "the first 100 steps hold many snapshots");
        assert!(shown(1.0) <= 100 && snapshots[after_one_second + 1].step > 100);
        assert!(shown(9.0) <= 900 && shown(9.0) > 700, "{}", shown(9.0));
        assert!(replay.frame(snapshots, 10.0).unwrap().finished);
    }

    /// "Continue from here" puts the run back at the snapshot, cuts the histories and the
    /// timeline there, and training on from it retraces the run (plain SGD keeps no state);
    /// in compare mode the second run goes back to the same step.
    #[test]
    fn continuing_from_a_snapshot_retraces_the_run() {
        // Ten steps a frame, as the page plays at 600 steps a second on a 60 Hz display, until
        // it pauses itself at step 300.
        let mut session = trained("layers=5&lr=0.1&pace=600&stopat=300&play=1&cmp=act:relu", 0);
        for frame in 0..=30 {
            session.run_frame(f64::INFINITY, &|| frame as f64 * 1000.0 / 60.0);
            session.refresh_metrics();
        }
        assert_eq!(session.trainer.steps(), 300);
        let end = session.trainer.model.clone();
        let other_end = session.compare().unwrap().trainer.model.clone();
        let index = session.timeline.at_or_before(120).unwrap();
        let step = session.timeline.snapshots()[index].step;
        let version = session.model_version();
        let kept = session.history.points().iter().filter(|p| p.step <= step).count();
        assert!(kept > 5, "{kept}");
        let continued = session.continue_from(index).unwrap();
        assert_eq!(continued.run.step, step);
        assert_eq!(continued.run.optimizer, crate::engine::OptimizerResume::Kept);
        assert!(continued.run.same_minibatches);
        assert_eq!(continued.compare.map(|c| c.step), Some(step));
        assert!(session.model_version() > version);
        assert_eq!(session.trainer.steps(), step);
        assert_eq!(session.timeline.snapshots().len(), index + 1);
        assert!(session.history.points().iter().all(|p| p.step <= step));
        assert!(
            session.history.points().len() >= kept,
            "the loss before the snapshot stays"
        );
        assert!(session.gradient_history.points().last().unwrap().step <= step);
        let other = session.compare().unwrap();
        assert_eq!(other.trainer.steps(), step);
        assert!(other.history.points().iter().all(|p| p.step <= step));
        while session.trainer.steps() < 300 {
            session.step_once();
        }
        assert_eq!(session.trainer.model, end);
        assert_eq!(session.compare().unwrap().trainer.model, other_end);
        assert!(matches!(
            session.continue_from(500),
            Err(TimelineError::NoSnapshot { index: 500, .. })
        ));
    }
}
