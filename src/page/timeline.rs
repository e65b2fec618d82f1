//! Looking back along a run. The session records its [`Timeline`](crate::engine::Timeline)
//! after every step; a [`SnapshotView`] is a copy of the session (a [`Session`] of its own,
//! without a timeline) put at one snapshot's step, beside the live session, which it never
//! touches. The page draws from the copy exactly what it draws from a live session: the
//! decision map, unit heatmaps, the gradients, the feature space, and in compare mode the
//! second run at the same step. [`Replay`] walks the snapshots at a chosen pace. Continuing
//! from a snapshot is [`Session::continue_from`].

use crate::engine::{Metrics, OptimizerKind, OptimizerResume, Snapshot, TimelineError};
use crate::page::session::{Continued, Session};

/// Multiply-adds a view may spend on the gradient at its step (a few milliseconds).
const GRADIENT_BUDGET: usize = 30_000_000;
/// The most training points the view's gradient averages over.
pub const GRADIENT_POINTS: usize = 512;
/// The fewest training points it averages over, however large the model.
const MIN_GRADIENT_POINTS: usize = 16;

/// One snapshot of a session's run, restored into a copy of the session for looking at.
#[derive(Clone, Debug)]
pub struct SnapshotView {
    index: usize,
    step: u64,
    metrics: Metrics,
    past: Session,
}

/// Training points the gradient at a snapshot of `session`'s model averages over.
fn gradient_points(session: &Session) -> usize {
    let parameters = session.trainer.model.parameter_count().max(1);
    (GRADIENT_BUDGET / (3 * parameters)).clamp(MIN_GRADIENT_POINTS, GRADIENT_POINTS)
}

impl SnapshotView {
    /// A copy of `session` at snapshot `index` of its timeline (copies the session once; move
    /// it to other snapshots with [`SnapshotView::show`]).
    pub fn open(session: &Session, index: usize) -> Result<Self, TimelineError> {
        let snapshot = session
            .timeline
            .snapshots()
            .get(index)
            .ok_or(TimelineError::NoSnapshot {
                index,
                count: session.timeline.snapshots().len(),
            })?;
        let mut view = SnapshotView {
            index,
            step: snapshot.step,
            metrics: snapshot.metrics,
            past: session.detached(),
        };
        view.show(session, index)?;
        Ok(view)
    }

    /// Moves the view to snapshot `index`, reusing the copy (or copying the session afresh if
    /// its model has changed shape since). In compare mode the second run's copy goes to its
    /// snapshot of the same step.
    pub fn show(&mut self, session: &Session, index: usize) -> Result<(), TimelineError> {
        let points = gradient_points(session);
        let snapshot = match session.timeline.show(index, &mut self.past.trainer, points) {
            Err(TimelineError::OtherModel) => {
                self.past = session.detached();
                session.timeline.show(index, &mut self.past.trainer, points)?
            }
            shown => shown?,
        };
        (self.index, self.step, self.metrics) = (index, snapshot.step, snapshot.metrics);
        self.past.metrics = snapshot.metrics;
        self.past.count_confusion();
        if let (Some(live), Some(past)) = (session.compare(), self.past.compare_mut()) {
            if let Some(other) = live.timeline.at_or_before(self.step) {
                let points = gradient_points(live);
                past.metrics = live.timeline.show(other, &mut past.trainer, points)?.metrics;
                past.count_confusion();
            }
        }
        Ok(())
    }

    /// The snapshot's index in the timeline (when it was shown: thinning renumbers them).
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

    /// The session as it was at that step: its trainer holds the snapshot's weights and step
    /// count, and as the last step's gradient that of the mean training loss at those weights
    /// (over all training points up to 512, an evenly spaced sample for large models: see its
    /// [`last_batch`](crate::engine::Trainer::last_batch)); its metrics are the snapshot's.
    pub fn session(&self) -> &Session {
        &self.past
    }

    /// [`SnapshotView::session`], for drawing it (grids need its buffers). Do not train it.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.past
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

/// The paces a replay offers, with their names on the page: evenly through the snapshots (so
/// many a second), or at a number of training steps a second.
pub const REPLAY_PACES: [(ReplayPace, &str); 6] = [
    (ReplayPace::SnapshotsPerSecond(2.0), "2/s"),
    (ReplayPace::SnapshotsPerSecond(5.0), "5/s"),
    (ReplayPace::SnapshotsPerSecond(12.0), "12/s"),
    (ReplayPace::StepsPerSecond(100.0), "100 steps/s"),
    (ReplayPace::StepsPerSecond(1000.0), "1 000 steps/s"),
    (ReplayPace::StepsPerSecond(10_000.0), "10 000 steps/s"),
];

/// The pace a replay starts at: five snapshots a second, so a full timeline of 64 snapshots
/// plays in about 13 seconds.
pub const DEFAULT_REPLAY_PACE: usize = 1;

/// What the page says after "continue from here": the step training goes on from, what became
/// of the optimizer's state under the update rule `rule`, whether the minibatches follow the
/// run's own order, and where the second run went in compare mode.
pub fn continued_note(continued: &Continued, rule: OptimizerKind) -> String {
    let state_of = |rule: OptimizerKind| match rule {
        OptimizerKind::Sgd => "plain SGD",
        OptimizerKind::Momentum => "momentum's velocity",
        OptimizerKind::Adam => "Adam's running averages of the gradient and its square",
    };
    let run = continued.run;
    let state = match (run.optimizer, rule) {
        (_, OptimizerKind::Sgd) => "Plain SGD keeps nothing between steps, so there was no optimizer state to restore.".to_string(),
        (OptimizerResume::Kept, rule) => format!("The optimizer's state ({}) is back as it was then.", state_of(rule)),
        (OptimizerResume::NotRecorded, rule) => format!(
            "The optimizer's state ({}) was reset to zero: this model is too large for the timeline to keep it.",
            state_of(rule)
        ),
        (OptimizerResume::RuleChanged, rule) => format!(
            "The optimizer's state ({}) was reset to zero: the update rule has changed since that step.",
            state_of(rule)
        ),
    };
    let order = if run.same_minibatches {
        "The minibatches come in the order the run drew them, so with the same settings it retraces its steps."
    } else {
        "The minibatch order was drawn afresh: the points have changed since that step, or the run is too long to replay its order."
    };
    let second = match continued.compare {
        Some(other) if other.optimizer == OptimizerResume::Kept || rule == OptimizerKind::Sgd => {
            format!(" The second run went back to step {} too.", other.step)
        }
        Some(other) => format!(
            " The second run went back to step {} too, with its optimizer's state reset.",
            other.step
        ),
        None => String::new(),
    };
    format!("Training goes on from step {}. {state} {order}{second}", run.step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Trainer;
    use crate::page::session::UnitRef;
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

    /// The view shows the run as it was at the snapshot's step: the same weights, decision map,
    /// unit grids, step count and metrics as a run stopped there (the second run too, in
    /// compare mode), while the live trainer stays where it is.
    #[test]
    fn a_view_shows_the_run_at_its_step_and_leaves_the_live_run_alone() {
        let hash = "dataset=circle&n=120&layers=6,4&act=tanh&lr=0.1&opt=adam&cmp=act:relu;layers:5";
        let session = trained(hash, 400);
        let live = session.trainer.model.clone();
        let index = session.timeline.at_or_before(150).unwrap();
        let mut view = SnapshotView::open(&session, index).unwrap();
        assert_eq!(view.index(), index);
        let step = view.step();
        assert!(step > 50 && step <= 150, "{step}");
        let mut then = trained(hash, step as usize);
        assert_eq!(then.trainer.steps(), step);
        let past = view.session_mut();
        assert_eq!(past.trainer.steps(), step);
        assert_eq!(past.trainer.model, then.trainer.model);
        assert_eq!(
            grid(|out| past.trainer.predict_grid(20, out)),
            grid(|out| then.trainer.predict_grid(20, out))
        );
        let unit = UnitRef { layer: 1, unit: 3 };
        assert_eq!(
            grid(|out| past.unit_grid(unit, 20, out)),
            grid(|out| then.unit_grid(unit, 20, out))
        );
        then.refresh_metrics();
        assert_eq!(past.metrics, then.metrics);
        assert_eq!(view.metrics(), &then.metrics);
        let (other, other_then) = (view.session().compare().unwrap(), then.compare().unwrap());
        assert_eq!(other.trainer.steps(), step);
        assert_eq!(other.trainer.model, other_then.trainer.model);
        assert_eq!(other.metrics, other_then.metrics);
        assert_eq!(session.trainer.model, live);
        assert_eq!(session.trainer.steps(), 400);
        // Moving the view to the first snapshot shows the initial weights.
        view.show(&session, 0).unwrap();
        assert_eq!(view.step(), 0);
        assert_eq!(view.session().trainer.model, trained(hash, 0).trainer.model);
        assert_eq!(
            SnapshotView::open(&session, 999).map(|v| v.step()),
            Err(TimelineError::NoSnapshot {
                index: 999,
                count: session.timeline.snapshots().len()
            })
        );
    }

    /// With four classes (softmax outputs) the view is the run at its step too, its confusion
    /// matrix included, and in compare mode the second run's.
    #[test]
    fn a_view_of_several_classes_counts_their_confusion_at_its_step() {
        let hash = "dataset=quadrants4&n=160&layers=6&lr=0.1&cmp=act:relu";
        let session = trained(hash, 200);
        let index = session.timeline.at_or_before(60).unwrap();
        let view = SnapshotView::open(&session, index).unwrap();
        let mut then = trained(hash, view.step() as usize);
        then.refresh_metrics();
        let past = view.session();
        assert_eq!(past.trainer.model.layers.last().unwrap().outputs, 4);
        assert_eq!(past.metrics, then.metrics);
        assert!(past.confusion.is_some());
        assert_eq!(past.confusion, then.confusion);
        assert_ne!(
            past.confusion, session.confusion,
            "the live run's matrix has moved on"
        );
        let (other, other_then) = (past.compare().unwrap(), then.compare().unwrap());
        assert_eq!(other.confusion, other_then.confusion);
    }

    /// The view's gradient is that of the mean loss over the training points at the snapshot's
    /// weights (checked against a full-batch step at those weights), and zero for a frozen
    /// layer.
    #[test]
    fn the_views_gradient_is_the_training_loss_gradient_at_its_step() {
        let hash = "dataset=xor&n=100&model=random&rf=relu&k=20&lr=0.05";
        let session = trained(hash, 60);
        let index = session.timeline.at_or_before(30).unwrap();
        let view = SnapshotView::open(&session, index).unwrap();
        let past = &view.session().trainer;
        assert_eq!(past.last_batch().len(), 50, "all training points");
        let train: Vec<_> = session.data.points.iter().filter(|p| !p.test).cloned().collect();
        let mut whole = Trainer::new(
            session.settings.model_spec(),
            crate::engine::TrainConfig {
                batch_size: train.len(),
                ..session.settings.train_config()
            },
            &crate::engine::Dataset {
                points: train,
                ..session.data.clone()
            },
            1,
        );
        whole.model = past.model.clone();
        // One full-batch step computes exactly this gradient (in the order of its shuffle,
        // so the sums agree to rounding).
        whole.step();
        let (ours, theirs) = (&past.gradients().norms, &whole.gradients().norms);
        assert_eq!(ours[0], 0.0, "the random features are frozen");
        assert!(
            (ours[1] - theirs[1]).abs() <= 1e-5 * theirs[1],
            "{ours:?} {theirs:?}"
        );
        assert!(ours[1] > 0.0);
    }

    /// A view follows the session when its model changes shape.
    #[test]
    fn a_new_learning_rate_while_looking_back_keeps_both_compared_runs() {
        let mut session = trained("layers=4&cmp=act:relu", 60);
        session.look_back(3).unwrap();
        assert!(session.settings.at.is_some());
        session.change(|s| s.run.learning_rate = 0.5);
        let other = session.compare().unwrap();
        assert_eq!((session.trainer.steps(), other.trainer.steps()), (60, 60));
        assert_eq!(
            other.trainer.config.optimizer.learning_rate, 0.03,
            "model 2 keeps its own η"
        );
    }

    #[test]
    fn a_view_reopens_when_the_model_changes_shape() {
        let mut session = trained("layers=4", 30);
        let mut view = SnapshotView::open(&session, 2).unwrap();
        session.change(|s| s.run.layers = vec![5, 3]);
        for _ in 0..10 {
            session.step_once();
        }
        view.show(&session, 1).unwrap();
        assert_eq!(view.session().trainer.model.layers[1].outputs, 3);
        assert_eq!(view.step(), 1);
    }

    /// Looking back shows the copy at the snapshot (`shown`, `with_shown`) while the session
    /// trains on; moving along the timeline reuses the copy; edits of the points, a new model,
    /// continuing from a snapshot and pressing Play return to the live run.
    #[test]
    fn looking_back_shows_a_copy_until_the_run_changes() {
        let mut session = trained("layers=4&lr=0.1", 100);
        assert!(session.looking_back().is_none());
        assert!(std::ptr::eq(session.shown(), &session));
        session.look_back(3).unwrap();
        assert_eq!(session.looking_back().map(|v| v.step()), Some(3));
        assert_eq!(session.shown().trainer.steps(), 3);
        assert_ne!(session.shown().model_version(), session.model_version());
        let far = session.timeline.snapshots().len() - 1;
        let far_step = session.timeline.snapshots()[far].step;
        assert!(far_step > 50, "{far_step}");
        session.look_back(far).unwrap();
        assert_eq!(session.with_shown(|shown| shown.trainer.steps()), far_step);
        assert_eq!(
            session.look_back(999).unwrap_err(),
            TimelineError::NoSnapshot {
                index: 999,
                count: far + 1
            }
        );
        assert_eq!(
            session.shown().trainer.steps(),
            far_step,
            "a bad index keeps the view"
        );
        // Training goes on underneath.
        session.step_once();
        assert_eq!(session.trainer.steps(), 101);
        assert_eq!(session.shown().trainer.steps(), far_step);
        session.back_to_live();
        assert_eq!(session.shown().trainer.steps(), 101);
        for change in [
            (|s: &mut Session| {
                s.add_point([0.1, 0.1], 1.0, false);
            }) as fn(&mut Session),
            |s| s.rebuild(),
            |s| {
                s.continue_from(1).unwrap();
            },
            |s| s.change(|s| s.play = true),
        ] {
            for _ in 0..5 {
                session.step_once();
            }
            session.look_back(2).unwrap();
            change(&mut session);
            assert!(session.looking_back().is_none());
        }
    }

    /// The note after "continue from here" tells what carried over, case by case, from what
    /// the session did.
    #[test]
    fn the_note_says_what_continuing_kept() {
        let note = |hash: &str, change: fn(&mut Session)| {
            let mut session = trained(hash, 40);
            change(&mut session);
            let index = session.timeline.at_or_before(20).unwrap();
            let continued = session.continue_from(index).unwrap();
            let text = continued_note(&continued, session.settings.run.optimizer);
            let from = format!("Training goes on from step {}. ", continued.run.step);
            assert!(text.starts_with(&from), "{text}");
            text
        };
        let unchanged: fn(&mut Session) = |_| {};
        let sgd = note("layers=4", unchanged);
        assert!(sgd.contains(". Plain SGD keeps nothing between steps"), "{sgd}");
        assert!(sgd.contains("in the order the run drew them"), "{sgd}");
        let adam = note("layers=4&opt=adam", unchanged);
        assert!(
            adam.contains("Adam's running averages of the gradient and its square) is back"),
            "{adam}"
        );
        let switched = note("layers=4&opt=adam", |s| {
            s.change(|s| s.run.optimizer = OptimizerKind::Momentum)
        });
        assert!(
            switched.contains("(momentum's velocity) was reset to zero: the update rule has changed"),
            "{switched}"
        );
        let large = note("layers=256,256,256&opt=adam", unchanged);
        assert!(
            large.contains("was reset to zero: this model is too large"),
            "{large}"
        );
        let edited = note("layers=4", |s| {
            s.add_point([0.3, 0.3], 1.0, false);
        });
        assert!(edited.contains("drawn afresh"), "{edited}");
        let race = note("layers=4&opt=adam&cmp=layers:6", unchanged);
        assert!(
            race.contains("retraces its steps. The second run went back to step "),
            "{race}"
        );
        assert!(race.ends_with(" too."), "{race}");
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
