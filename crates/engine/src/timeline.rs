//! A run's timeline: snapshots of the trainable parameters at log-spaced steps (every step at
//! first, then further and further apart), each with the training and test metrics of its
//! step, within a fixed memory budget. A snapshot can be restored into a copy of the model, to
//! look at the run as it was, or into the trainer itself, to carry on from there.
//!
//! The recorder keeps at most [`TimelinePlan::snapshots`] snapshots. When it is full it drops
//! every other one (the first, step 0, stays) and squares the ratio between the steps it
//! records, so the snapshots stay evenly spread over log(step) however long the run grows.
//! Checking whether a step is due is one comparison; a recording copies the parameters into a
//! buffer the recorder already owns once all its slots exist, so training with the recorder on
//! allocates nothing after that.

use super::model::Model;
use super::optim::{Optimizer, OptimizerKind};
use super::train::{BatchPosition, Metrics, Trainer};
use std::fmt;
use std::mem::size_of;

/// The most memory one timeline may hold, in bytes (its snapshots and their bookkeeping).
pub const TIMELINE_BUDGET: usize = 20_000_000;
/// The most snapshots a timeline keeps, however small the model.
pub const MAX_SNAPSHOTS: usize = 64;
/// Snapshots hold the optimizer state only if at least this many of them, state included,
/// fit the budget; larger models keep their weights alone, in more snapshots.
pub const MIN_SNAPSHOTS_WITH_STATE: usize = 32;
/// The fewest snapshots a timeline keeps (thinning needs a few).
const MIN_SNAPSHOTS: usize = 4;
/// The smallest ratio between recorded steps until the first thinning: every step up to step
/// 10, then 10% apart.
const FIRST_RATIO: f64 = 1.1;
/// The steps the first fill spans at least: a timeline with few snapshots (a large model,
/// whose every recording copies megabytes and evaluates the model) spaces them wider from the
/// start instead of spending them all on the first steps.
const FIRST_SPAN: f64 = 1000.0;
/// The most random draws "continue from here" spends replaying the minibatch order (a tenth
/// of a second natively, measured by `examples/timeline_bench.rs`); beyond it the order is
/// drawn afresh. It covers runs of up to 30 million examples.
pub const ORDER_REPLAY_LIMIT: u64 = 30_000_000;

/// The number of values training changes: the weights and biases of the layers not frozen.
pub fn trainable_count(model: &Model) -> usize {
    trainable_layers(model).map(|l| l.parameter_count()).sum()
}

fn trainable_layers(model: &Model) -> impl Iterator<Item = &super::model::Dense> {
    model.layers.iter().filter(|l| !l.frozen)
}

/// A fingerprint of a model's layer shapes, so a snapshot is never written into a model of
/// another shape.
fn shape_of(model: &Model) -> u64 {
    model.layers.iter().fold(0xcbf2_9ce4_8422_2325, |h, l| {
        [l.inputs as u64, l.outputs as u64, u64::from(l.frozen)]
            .into_iter()
            .fold(h, |h, v| (h ^ v).wrapping_mul(0x0000_0100_0000_01b3))
    })
}

/// How many snapshots a timeline keeps and what each holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelinePlan {
    snapshots: usize,
    optimizer_state: bool,
    trainable: usize,
    shape: u64,
}

impl TimelinePlan {
    /// The plan for `model` within [`TIMELINE_BUDGET`]: up to [`MAX_SNAPSHOTS`] snapshots, with
    /// the optimizer state when at least [`MIN_SNAPSHOTS_WITH_STATE`] such snapshots fit, else
    /// the weights alone.
    pub fn for_model(model: &Model) -> Self {
        let with_state = TimelinePlan::new(model, MAX_SNAPSHOTS, true);
        let fitting = |plan: TimelinePlan| TIMELINE_BUDGET / plan.bytes_per_snapshot();
        if fitting(with_state) >= MIN_SNAPSHOTS_WITH_STATE {
            with_state.at_most(fitting(with_state))
        } else {
            let weights_only = TimelinePlan::new(model, MAX_SNAPSHOTS, false);
            weights_only.at_most(fitting(weights_only))
        }
    }

    /// A plan of `snapshots` snapshots (at least 4) of `model`, with or without the optimizer
    /// state, whatever its size.
    pub fn new(model: &Model, snapshots: usize, optimizer_state: bool) -> Self {
        TimelinePlan {
            snapshots: snapshots.max(MIN_SNAPSHOTS),
            optimizer_state,
            trainable: trainable_count(model),
            shape: shape_of(model),
        }
    }

    /// The same plan with at most `snapshots` snapshots (at least 4): two runs compared record
    /// at the same steps when their plans keep as many.
    pub fn at_most(self, snapshots: usize) -> Self {
        TimelinePlan {
            snapshots: self.snapshots.min(snapshots).max(MIN_SNAPSHOTS),
            ..self
        }
    }

    /// The most snapshots kept.
    pub fn snapshots(&self) -> usize {
        self.snapshots
    }

    /// Whether snapshots hold the optimizer state (Adam's moments, momentum's velocity), so
    /// that continuing from one resumes exactly.
    pub fn optimizer_state(&self) -> bool {
        self.optimizer_state
    }

    /// Values in one snapshot: the trainable parameters, and with the optimizer state two
    /// moments for each.
    fn values(&self) -> usize {
        self.trainable * if self.optimizer_state { 3 } else { 1 }
    }

    fn bytes_per_snapshot(&self) -> usize {
        self.values() * size_of::<f32>() + size_of::<Snapshot>() + size_of::<Vec<f32>>()
    }

    /// The memory a full timeline holds, in bytes.
    pub fn bytes(&self) -> usize {
        self.snapshots * self.bytes_per_snapshot()
    }
}

/// The run at one recorded step.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Minibatch steps taken.
    pub step: u64,
    /// Full passes over the training points.
    pub epochs: u64,
    /// Loss and accuracy (or R²) on the training and test points at this step (on an evenly
    /// spaced sample for large models, as the page's readouts are).
    pub metrics: Metrics,
    /// The update rule in use at this step.
    pub optimizer: OptimizerKind,
    has_state: bool,
    beta_powers: [f32; 2],
    position: BatchPosition,
    /// The trainable weights and biases, then (with the state) the optimizer's first and
    /// second moments of each.
    values: Vec<f32>,
}

impl Snapshot {
    /// Whether the optimizer state was recorded with the weights.
    pub fn has_optimizer_state(&self) -> bool {
        self.has_state
    }

    /// Where the run was in its minibatch order.
    pub fn position(&self) -> BatchPosition {
        self.position
    }
}

/// What became of the optimizer state when a run continued from a snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimizerResume {
    /// The state is the one the run had at that step (plain SGD has none to keep).
    Kept,
    /// The timeline of a model this large keeps the weights alone: the state starts afresh.
    NotRecorded,
    /// The update rule has changed since that step: the new rule starts from fresh state.
    RuleChanged,
}

/// What [`Timeline::resume`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resumed {
    /// The step training carries on from.
    pub step: u64,
    /// Whether the optimizer state was kept or reset.
    pub optimizer: OptimizerResume,
    /// Whether the minibatches that follow are the ones the run took from that step (false
    /// when points were added or removed since, or the run was too long to replay the order).
    pub same_minibatches: bool,
}

/// A snapshot that cannot be restored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineError {
    /// There is no snapshot with this index.
    NoSnapshot {
        /// The index asked for.
        index: usize,
        /// How many snapshots there are.
        count: usize,
    },
    /// The model has another shape than the one recorded.
    OtherModel,
}

impl fmt::Display for TimelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimelineError::NoSnapshot { index, count } => {
                write!(f, "There is no snapshot {index}: the timeline holds {count}.")
            }
            TimelineError::OtherModel => {
                f.write_str("The snapshots were taken of a model with other layers; restart the timeline.")
            }
        }
    }
}

/// The snapshots of one training run (see the module documentation).
#[derive(Clone, Debug)]
pub struct Timeline {
    plan: TimelinePlan,
    eval_points: usize,
    snapshots: Vec<Snapshot>,
    spare: Vec<Vec<f32>>,
    ratio: f64,
    next_due: u64,
}

impl Timeline {
    /// An empty timeline following `plan`, whose snapshots evaluate their metrics on at most
    /// `eval_points` points of each split. Snapshot buffers are allocated as they are first
    /// needed and reused from then on.
    pub fn new(plan: TimelinePlan, eval_points: usize) -> Self {
        Timeline {
            plan,
            eval_points,
            snapshots: Vec::with_capacity(plan.snapshots),
            spare: Vec::with_capacity(plan.snapshots),
            ratio: FIRST_RATIO.max(libm::pow(FIRST_SPAN, 1.0 / (plan.snapshots - 1) as f64)),
            next_due: 0,
        }
    }

    /// The plan it follows.
    pub fn plan(&self) -> TimelinePlan {
        self.plan
    }

    /// The snapshots, oldest first (steps strictly increasing).
    pub fn snapshots(&self) -> &[Snapshot] {
        &self.snapshots
    }

    /// The index of the last snapshot taken at or before `step`.
    pub fn at_or_before(&self, step: u64) -> Option<usize> {
        self.snapshots.partition_point(|s| s.step <= step).checked_sub(1)
    }

    /// The memory it holds, in bytes: snapshot buffers, spare ones, and their bookkeeping.
    pub fn bytes(&self) -> usize {
        let buffers: usize = (self.snapshots.iter().map(|s| &s.values))
            .chain(&self.spare)
            .map(|v| v.capacity() * size_of::<f32>())
            .sum();
        buffers
            + self.snapshots.capacity() * size_of::<Snapshot>()
            + self.spare.capacity() * size_of::<Vec<f32>>()
    }

    /// Records a snapshot of `trainer` if its step is due (call after every step; a step that
    /// is not due costs one comparison). Evaluates the metrics of a recorded step. A trainer
    /// whose step went back before the last snapshot (a rewind done elsewhere) first drops the
    /// snapshots from that step on. Returns whether it recorded; never records a model of
    /// another shape than the plan's.
    pub fn maybe_record(&mut self, trainer: &mut Trainer) -> bool {
        let step = trainer.steps();
        let went_back = self.snapshots.last().is_some_and(|s| s.step > step);
        if step < self.next_due && !went_back {
            return false;
        }
        if shape_of(&trainer.model) != self.plan.shape {
            return false;
        }
        if went_back {
            let keep = self.snapshots.partition_point(|s| s.step < step);
            self.keep_first(keep);
        }
        if self.snapshots.len() >= self.plan.snapshots {
            self.thin();
        }
        let values_len = self.plan.values();
        let mut values = self.spare.pop().unwrap_or_else(|| vec![0.0; values_len]);
        let optimizer = trainer.optimizer();
        let beta_powers = [optimizer.beta1_power, optimizer.beta2_power];
        write_values(
            &trainer.model,
            self.plan.optimizer_state.then_some(optimizer),
            &mut values,
        );
        let snapshot = Snapshot {
            step,
            epochs: trainer.epochs(),
            metrics: trainer.evaluate_sampled(self.eval_points),
            optimizer: trainer.config.optimizer.kind,
            has_state: self.plan.optimizer_state,
            beta_powers,
            position: trainer.position(),
            values,
        };
        self.snapshots.push(snapshot);
        self.next_due = self.due_after(step);
        true
    }

    /// Records `trainer` at its step again, in place of any snapshot of that step or later: its
    /// weights were changed by hand (an exact fit, a click on the loss surface), so that step
    /// now stands for the new weights. Returns whether it recorded (see [`Timeline::maybe_record`]).
    pub fn record_edit(&mut self, trainer: &mut Trainer) -> bool {
        let step = trainer.steps();
        let keep = self.snapshots.partition_point(|s| s.step < step);
        self.keep_first(keep);
        self.next_due = step;
        self.maybe_record(trainer)
    }

    /// Writes the parameters of snapshot `index` into `model`, a model of the recorded shape
    /// (a copy of the trainer's, say), and returns the snapshot. The trainer is not touched.
    pub fn restore(&self, index: usize, model: &mut Model) -> Result<&Snapshot, TimelineError> {
        let snapshot = self.snapshot(index)?;
        if shape_of(model) != self.plan.shape {
            return Err(TimelineError::OtherModel);
        }
        read_values(&snapshot.values, model, None);
        Ok(snapshot)
    }

    /// Shows snapshot `index` in `trainer`, a copy of the run's trainer kept for looking back
    /// (never the one training): the snapshot's weights, step and epoch counts, and as the
    /// last step's gradient that of the mean training loss at those weights over at most
    /// `gradient_points` evenly spaced training points. Returns the snapshot. To train on from
    /// a snapshot, use [`Timeline::resume`] on the trainer itself.
    pub fn show(
        &self,
        index: usize,
        trainer: &mut Trainer,
        gradient_points: usize,
    ) -> Result<&Snapshot, TimelineError> {
        let snapshot = self.restore(index, &mut trainer.model)?;
        trainer.show_past(snapshot.step, snapshot.epochs, gradient_points);
        Ok(snapshot)
    }

    /// "Continue from here": puts `trainer` back at snapshot `index` (weights, step and epoch
    /// counts, minibatch order, and the optimizer state when recorded and the update rule is
    /// the same) and forgets the later snapshots, whose future is now rewritten.
    pub fn resume(&mut self, index: usize, trainer: &mut Trainer) -> Result<Resumed, TimelineError> {
        let snapshot = self.snapshot(index)?;
        if shape_of(&trainer.model) != self.plan.shape {
            return Err(TimelineError::OtherModel);
        }
        let kind = trainer.config.optimizer.kind;
        let optimizer = if snapshot.optimizer != kind {
            OptimizerResume::RuleChanged
        } else if kind == OptimizerKind::Sgd || snapshot.has_state {
            OptimizerResume::Kept
        } else {
            OptimizerResume::NotRecorded
        };
        let restore_state = snapshot.has_state && optimizer == OptimizerResume::Kept;
        let (model, state) = trainer.model_and_optimizer_mut();
        read_values(&snapshot.values, model, restore_state.then_some(&mut *state));
        if restore_state {
            [state.beta1_power, state.beta2_power] = snapshot.beta_powers;
        }
        let (step, epochs, position) = (snapshot.step, snapshot.epochs, snapshot.position);
        let same_minibatches = trainer.rewind(
            step,
            epochs,
            optimizer == OptimizerResume::Kept,
            position,
            ORDER_REPLAY_LIMIT,
        );
        self.keep_first(index + 1);
        self.next_due = self.due_after(step);
        Ok(Resumed {
            step,
            optimizer,
            same_minibatches,
        })
    }

    fn snapshot(&self, index: usize) -> Result<&Snapshot, TimelineError> {
        self.snapshots.get(index).ok_or(TimelineError::NoSnapshot {
            index,
            count: self.snapshots.len(),
        })
    }

    /// The first step after `step` worth recording at the current spacing.
    fn due_after(&self, step: u64) -> u64 {
        (libm::ceil(step as f64 * self.ratio) as u64).max(step + 1)
    }

    /// Keeps the first `count` snapshots; the buffers of the others become spare.
    fn keep_first(&mut self, count: usize) {
        let count = count.min(self.snapshots.len());
        for dropped in self.snapshots.drain(count..) {
            self.spare.push(dropped.values);
        }
    }

    /// Keeps every other snapshot, the first one included, and squares the spacing, so the
    /// snapshots stay evenly spread over log(step).
    fn thin(&mut self) {
        let mut kept = 0;
        for i in (0..self.snapshots.len()).step_by(2) {
            self.snapshots.swap(kept, i);
            kept += 1;
        }
        self.keep_first(kept);
        self.ratio *= self.ratio;
    }
}

/// The tensors a snapshot holds, in order: each trainable layer's weights, then its biases.
fn tensor_slots(model: &Model) -> impl Iterator<Item = usize> + '_ {
    (model.layers.iter().enumerate())
        .filter(|(_, l)| !l.frozen)
        .flat_map(|(l, _)| [2 * l, 2 * l + 1])
}

/// Copies `model`'s trainable parameters, then `optimizer`'s moments of them, into `out`.
fn write_values(model: &Model, optimizer: Option<&Optimizer>, out: &mut [f32]) {
    let mut at = 0;
    let mut put = |src: &[f32]| {
        out[at..at + src.len()].copy_from_slice(src);
        at += src.len();
    };
    for layer in trainable_layers(model) {
        put(&layer.weights);
        put(&layer.bias);
    }
    if let Some(optimizer) = optimizer {
        for moments in [&optimizer.first, &optimizer.second] {
            for slot in tensor_slots(model) {
                put(&moments[slot]);
            }
        }
    }
}

/// The inverse of [`write_values`]: the parameters into `model`, the moments into `optimizer`.
fn read_values(values: &[f32], model: &mut Model, optimizer: Option<&mut Optimizer>) {
    let mut at = 0;
    let mut take = |dst: &mut [f32]| {
        dst.copy_from_slice(&values[at..at + dst.len()]);
        at += dst.len();
    };
    for layer in model.layers.iter_mut().filter(|l| !l.frozen) {
        take(&mut layer.weights);
        take(&mut layer.bias);
    }
    if let Some(optimizer) = optimizer {
        for moments in [&mut optimizer.first, &mut optimizer.second] {
            for slot in tensor_slots(model) {
                take(&mut moments[slot]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DataSpec, Dataset, ModelSpec, Preset, TrainConfig};

    /// A run too long to replay its minibatch order within the limit continues with a fresh
    /// order and says so; within the limit it gets the order back.
    #[test]
    fn the_order_is_replayed_only_within_the_limit() {
        let data = Dataset::generate(&DataSpec {
            preset: Preset::Xor,
            count: 50,
            noise: 0.0,
            test_fraction: 0.2,
            seed: 3,
        });
        let mut run = Trainer::new(ModelSpec::linear(), TrainConfig::default(), &data, 5);
        for _ in 0..37 {
            run.step();
        }
        let position = run.position();
        assert_eq!(
            (position.train_count, position.shuffles, position.cursor),
            (40, 10, 10)
        );
        let draws = position.shuffles * 40;
        assert!(run.rewind(37, 9, true, position, draws));
        assert_eq!(run.position(), position);
        assert!(!run.rewind(37, 9, true, position, draws - 1));
        assert_eq!(run.position().cursor, 0);
        assert_eq!(run.position().shuffles, 1);
    }
}
