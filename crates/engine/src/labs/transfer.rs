//! Pretraining then fine-tuning: a network learns features on plenty of source points; then
//! three copies learn a target task from a few labels, side by side: with the pretrained
//! features frozen, with every pretrained layer trained further, and from scratch with the same
//! seed. Their test accuracy is compared on the target's test points, also after a shift.
//!
//! Source and target may have different numbers of classes (three blobs, then XOR): the last
//! layer is fresh for the target anyway, with one output per target class.

use crate::classes::{class_of, class_target, MAX_CLASSES};
use crate::{
    evaluate_points, DataSpec, Dataset, Loss, Model, ModelSpec, OptimizerConfig, OptimizerKind, Point,
    Preset, SplitMetrics, Task, TrainConfig, Trainer,
};
use std::fmt;

/// Minibatch steps of pretraining.
pub const PRETRAIN_STEPS: u64 = 4000;
/// Minibatch size while pretraining.
pub const PRETRAIN_BATCH: usize = 16;
/// Full-batch steps of each fine-tuning run.
pub const FINE_TUNE_STEPS: u64 = 1500;
/// Learning rate (Adam) of every run in the lab.
pub const LAB_LEARNING_RATE: f32 = 0.01;
/// Fewest and most labelled target points.
pub const LABELS: (usize, usize) = (2, 40);
/// Points a preset target generates (labelled ones included); the rest are its test set.
pub const TARGET_POOL: usize = 400;

/// The three ways of learning the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Pretrained hidden layers frozen; only a fresh last layer trains.
    Frozen,
    /// Pretrained hidden layers and a fresh last layer all train.
    FineTune,
    /// A fresh network from the same seed, every layer training.
    Scratch,
}

// The three, in table order (the keys name their test ids).
crate::keyed_enum!(Strategy {
    Frozen => "frozen", "Pretrained features, frozen";
    FineTune => "finetune", "Pretrained, all layers fine-tuned";
    Scratch => "scratch", "From scratch (same seed)";
});

/// How the target's test points are moved to test robustness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftKind {
    /// Turned about the origin, by up to 90°.
    Rotate,
    /// Moved right, by up to 0.6.
    Translate,
    /// Stretched away from the origin, by up to 1.6×.
    Scale,
}

crate::keyed_enum!(ShiftKind {
    Rotate => "rotate", "Rotate";
    Translate => "translate", "Translate";
    Scale => "scale", "Scale";
});

/// A shift of the test points: a kind and an amount from 0 (none) to 1 (the most).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shift {
    /// What the shift does.
    pub kind: ShiftKind,
    /// How much, 0 to 1.
    pub amount: f32,
}

impl Shift {
    /// Where the shift moves `x`. Labels move with their points.
    pub fn apply(self, x: [f32; 2]) -> [f32; 2] {
        let t = self.amount.clamp(0.0, 1.0);
        match self.kind {
            ShiftKind::Rotate => {
                let (s, c) = (t * std::f32::consts::FRAC_PI_2).sin_cos();
                [c * x[0] - s * x[1], s * x[0] + c * x[1]]
            }
            ShiftKind::Translate => [x[0] + 0.6 * t, x[1]],
            ShiftKind::Scale => [x[0] * (1.0 + 0.6 * t), x[1] * (1.0 + 0.6 * t)],
        }
    }

    /// How the shift reads in a caption, e.g. "rotated by 45°".
    pub fn describe(self) -> String {
        let t = self.amount.clamp(0.0, 1.0);
        match self.kind {
            ShiftKind::Rotate => format!("rotated by {:.0}°", 90.0 * t),
            ShiftKind::Translate => format!("moved right by {:.2}", 0.6 * t),
            ShiftKind::Scale => format!("stretched {:.2}×", 1.0 + 0.6 * t),
        }
    }
}

/// Where the target's points come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetSource {
    /// A preset, sampled down to a few labels (the rest are test points).
    Preset(Preset),
    /// The points on the plot, as they are when fine-tuning starts.
    Plot,
}

impl TargetSource {
    /// The short name used in links and menus.
    pub fn key(self) -> &'static str {
        match self {
            TargetSource::Preset(p) => p.key(),
            TargetSource::Plot => "plot",
        }
    }
}

impl std::str::FromStr for TargetSource {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "plot" {
            return Ok(TargetSource::Plot);
        }
        Preset::ALL
            .into_iter()
            .find(|p| p.key() == s)
            .map(TargetSource::Preset)
            .ok_or_else(|| crate::UnknownName(s.to_string()))
    }
}

/// The target task of a preset: `labels` labelled points (an even share of each class, the first
/// classes one more when the count does not divide) among [`TARGET_POOL`] drawn with `seed`, the
/// rest held out for testing. With `swap` the classes trade places: for two classes and for
/// values every target is negated; with three or more, each class becomes the next (the last
/// the first).
pub fn preset_target(preset: Preset, labels: usize, swap: bool, noise: f32, seed: u64) -> Dataset {
    let mut data = Dataset::generate(&DataSpec {
        preset,
        count: TARGET_POOL,
        noise,
        test_fraction: 0.0,
        seed,
    });
    let labels = labels.clamp(LABELS.0, LABELS.1);
    let classes = data.classes;
    let (mut per_class, mut taken) = ([0usize; MAX_CLASSES], 0);
    for p in &mut data.points {
        p.test = match data.task {
            Task::Classification => {
                let class = class_of(p.y, classes);
                per_class[class] += 1;
                per_class[class] > labels / classes + usize::from(class < labels % classes)
            }
            Task::Regression => {
                taken += 1;
                taken > labels
            }
        };
    }
    if swap {
        for p in &mut data.points {
            p.y = match classes {
                0..=2 => -p.y,
                k => class_target((class_of(p.y, k) + 1) % k, k),
            };
        }
    }
    data
}

/// Why the lab cannot start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferError {
    /// The model has no hidden layer that trains, so there are no features to pretrain.
    NoHiddenLayer,
    /// No training points to pretrain or fine-tune on.
    NoTrainingPoints(&'static str),
    /// The target is a regression task and the source a classification one, or the reverse.
    TaskMismatch,
}

/// The loss of a data set's task, and the model shape `spec` with the output units it needs.
fn head_for(spec: &ModelSpec, data: &Dataset) -> (Loss, ModelSpec) {
    (data.loss(), spec.clone().with_outputs(data.output_units()))
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::NoHiddenLayer => f.write_str(
                "pretraining needs features to learn: choose the neural network with at least one hidden layer",
            ),
            TransferError::NoTrainingPoints(which) => write!(f, "the {which} has no training points"),
            TransferError::TaskMismatch => {
                f.write_str("the target must be the same kind of task as the source (both classes, or both values)")
            }
        }
    }
}

fn lab_config(loss: Loss, batch_size: usize) -> TrainConfig {
    TrainConfig {
        loss,
        batch_size,
        optimizer: OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate: LAB_LEARNING_RATE,
            ..Default::default()
        },
    }
}

/// One strategy's numbers on the target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StrategyResult {
    /// Which strategy.
    pub strategy: Strategy,
    /// On the labelled target points.
    pub train: SplitMetrics,
    /// On the target's test points.
    pub test: SplitMetrics,
    /// On the shifted test points.
    pub shifted: SplitMetrics,
}

/// The lab's state.
#[derive(Clone, Debug)]
pub struct TransferLab {
    /// The network as asked for (its outputs follow each data set's classes).
    spec: ModelSpec,
    seed: u64,
    /// The source's loss.
    loss: Loss,
    /// The target's loss, once fine-tuning started.
    target_loss: Loss,
    source: Trainer,
    source_points: Vec<Point>,
    /// The pretrained network's score on the source's test points, set when pretraining ends
    /// (the source trainer's model is then the pretrained network and never changes again).
    source_test: Option<SplitMetrics>,
    target: Option<Dataset>,
    runs: Vec<(Strategy, Trainer)>,
}

impl TransferLab {
    /// Starts pretraining a network of shape `spec` (seeded with `seed`) on the training points
    /// of `source`.
    pub fn new(spec: ModelSpec, source: &Dataset, seed: u64) -> Result<Self, TransferError> {
        // Random features have a hidden layer, but a frozen one: nothing to pretrain.
        if spec.hidden.iter().all(|layer| layer.frozen) {
            return Err(TransferError::NoHiddenLayer);
        }
        if source.train_count() == 0 {
            return Err(TransferError::NoTrainingPoints("source (the plot)"));
        }
        let (loss, shaped) = head_for(&spec, source);
        let trainer = Trainer::new(shaped, lab_config(loss, PRETRAIN_BATCH), source, seed);
        Ok(TransferLab {
            spec,
            seed,
            loss,
            target_loss: loss,
            source: trainer,
            source_points: source.points.clone(),
            source_test: None,
            target: None,
            runs: Vec::new(),
        })
    }

    /// The shape of the network and the seed it was drawn from.
    pub fn network(&self) -> (&ModelSpec, u64) {
        (&self.spec, self.seed)
    }

    /// The task of the source.
    pub fn task(&self) -> Task {
        match self.loss {
            Loss::Logistic | Loss::Softmax => Task::Classification,
            Loss::Squared => Task::Regression,
        }
    }

    /// Pretraining steps done.
    pub fn pretrain_steps(&self) -> u64 {
        self.source.steps()
    }

    /// The pretrained network, once pretraining is over.
    pub fn pretrained(&self) -> Option<&Model> {
        self.is_pretrained().then_some(&self.source.model)
    }

    /// The network being pretrained (the pretrained one when done).
    pub fn source_model(&self) -> &Model {
        &self.source.model
    }

    /// The points pretraining learns from (training and test), as they were when it started.
    pub fn source_points(&self) -> &[Point] {
        &self.source_points
    }

    /// The pretrained network's loss and score on the source's test points, once pretrained.
    pub fn source_test(&self) -> Option<SplitMetrics> {
        self.source_test
    }

    /// The target in use, once fine-tuning started.
    pub fn target(&self) -> Option<&Dataset> {
        self.target.as_ref()
    }

    /// Starts the three fine-tuning runs on `target` (pretraining must be over). Restarting
    /// with another target keeps the pretrained network.
    pub fn fine_tune(&mut self, target: Dataset) -> Result<(), TransferError> {
        let Some(pretrained) = self.pretrained() else {
            return Ok(());
        };
        if target.task != self.task() {
            return Err(TransferError::TaskMismatch);
        }
        let labels = target.train_count();
        if labels == 0 {
            return Err(TransferError::NoTrainingPoints("target"));
        }
        let (loss, shaped) = head_for(&self.spec, &target);
        let config = lab_config(loss, labels);
        let last = pretrained.layers.len() - 1;
        self.runs = Strategy::ALL
            .into_iter()
            .map(|strategy| {
                let mut trainer = Trainer::new(shaped.clone(), config, &target, self.seed);
                if strategy != Strategy::Scratch {
                    // Pretrained hidden layers under a fresh last layer: a new task needs a new head.
                    for (layer, source) in trainer.model.layers[..last].iter_mut().zip(&pretrained.layers) {
                        *layer = source.clone();
                        layer.frozen = strategy == Strategy::Frozen;
                    }
                }
                (strategy, trainer)
            })
            .collect();
        self.target = Some(target);
        self.target_loss = loss;
        Ok(())
    }

    /// Fine-tuning steps done by each run (they advance together until one diverges).
    pub fn fine_tune_steps(&self) -> u64 {
        self.runs.iter().map(|(_, t)| t.steps()).max().unwrap_or(0)
    }

    /// Whether pretraining is over.
    pub fn is_pretrained(&self) -> bool {
        self.source_test.is_some()
    }

    /// Whether the fine-tuning runs are over: each has done its steps or diverged.
    pub fn is_fine_tuned(&self) -> bool {
        !self.runs.is_empty()
            && self
                .runs
                .iter()
                .all(|(_, t)| t.steps() >= FINE_TUNE_STEPS || t.diverged())
    }

    /// What diverged (the loss or a weight stopped being a finite number), in words for the
    /// page: pretraining, or the fine-tuning runs that did. A diverged run stops where it was.
    pub fn divergence(&self) -> Option<String> {
        if self.source.diverged() {
            return Some(format!(
                "Pretraining diverged at step {}: the loss stopped being a finite number.",
                self.source.steps()
            ));
        }
        let diverged: Vec<&str> = self
            .runs
            .iter()
            .filter(|(_, t)| t.diverged())
            .map(|(s, _)| s.key())
            .collect();
        (!diverged.is_empty()).then(|| {
            format!(
                "Fine-tuning diverged ({}): the loss stopped being a finite number; those runs stopped.",
                diverged.join(", ")
            )
        })
    }

    /// Whether there is work left until the next thing to press: pretraining, or fine-tuning
    /// once started. A lab whose pretraining diverged has none.
    pub fn is_busy(&self) -> bool {
        if self.source.diverged() {
            return false;
        }
        !self.is_pretrained() || (!self.runs.is_empty() && !self.is_fine_tuned())
    }

    /// Does up to `steps` steps of the current phase (pretraining, or every fine-tuning run);
    /// a run that diverges stops.
    pub fn advance(&mut self, steps: u64) {
        if !self.is_pretrained() {
            let todo = steps.min(PRETRAIN_STEPS - self.source.steps());
            for _ in 0..todo {
                if !self.source.step() {
                    return;
                }
            }
            if self.source.steps() >= PRETRAIN_STEPS {
                self.source_test = Some(self.source.evaluate().test);
            }
            return;
        }
        for (_, trainer) in &mut self.runs {
            let todo = steps.min(FINE_TUNE_STEPS.saturating_sub(trainer.steps()));
            for _ in 0..todo {
                if !trainer.step() {
                    break;
                }
            }
        }
    }

    /// The model of one strategy's run, once fine-tuning started.
    pub fn model(&self, strategy: Strategy) -> Option<&Model> {
        self.runs
            .iter()
            .find(|(s, _)| *s == strategy)
            .map(|(_, t)| &t.model)
    }

    /// Each strategy's numbers, with the test points moved by `shift`.
    pub fn results(&mut self, shift: Shift) -> Vec<StrategyResult> {
        let Some(target) = &self.target else {
            return Vec::new();
        };
        let shifted: Vec<Point> = target
            .points
            .iter()
            .filter(|p| p.test)
            .map(|p| Point {
                x: shift.apply(p.x),
                ..*p
            })
            .collect();
        let (loss, task) = (self.target_loss, target.task);
        self.runs
            .iter_mut()
            .map(|(strategy, trainer)| {
                let metrics = trainer.evaluate();
                StrategyResult {
                    strategy: *strategy,
                    train: metrics.train,
                    test: metrics.test,
                    shifted: evaluate_points(&trainer.model, &shifted, loss, task),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Activation;

    fn xor_source() -> Dataset {
        Dataset::generate(&DataSpec {
            preset: Preset::Xor,
            count: 400,
            noise: 0.0,
            test_fraction: 0.2,
            seed: 11,
        })
    }

    fn finish(lab: &mut TransferLab) {
        for _ in 0..10_000 {
            if !lab.is_busy() {
                return;
            }
            lab.advance(100);
        }
        panic!("the lab never finishes");
    }

    /// A run whose weights stop being finite stops and says so, in either phase, instead of
    /// keeping the lab busy for ever.
    #[test]
    fn a_diverging_run_finishes_and_says_so() {
        let spec = ModelSpec::mlp(&[8, 8], Activation::Tanh);
        let mut lab = TransferLab::new(spec.clone(), &xor_source(), 3).unwrap();
        lab.advance(10);
        lab.source.model.layers[0].weights[0] = f32::INFINITY;
        lab.advance(10);
        assert!(!lab.is_busy(), "a diverged pretraining is not busy");
        assert!(lab.divergence().unwrap().contains("Pretraining diverged"));

        let mut lab = TransferLab::new(spec, &xor_source(), 3).unwrap();
        finish(&mut lab);
        lab.fine_tune(xor_source()).unwrap();
        lab.advance(10);
        let (_, scratch) = lab
            .runs
            .iter_mut()
            .find(|(s, _)| *s == Strategy::Scratch)
            .unwrap();
        scratch.model.layers[1].weights[0] = f32::NAN;
        finish(&mut lab);
        assert!(lab.is_fine_tuned());
        let message = lab.divergence().unwrap();
        assert!(
            message.contains("scratch") && !message.contains("frozen"),
            "{message}"
        );
        let frozen = lab.runs.iter().find(|(s, _)| *s == Strategy::Frozen).unwrap();
        assert_eq!(frozen.1.steps(), FINE_TUNE_STEPS, "the other runs finish");
    }

    #[test]
    fn preset_targets_have_the_asked_number_of_balanced_labels() {
        for labels in [2, 7, 8, 20] {
            let data = preset_target(Preset::Xor, labels, false, 0.0, 3);
            let train: Vec<&Point> = data.points.iter().filter(|p| !p.test).collect();
            assert_eq!(train.len(), labels);
            let positives = train.iter().filter(|p| p.y > 0.0).count();
            assert_eq!(positives, labels.div_ceil(2));
            assert_eq!(data.points.len(), TARGET_POOL);
        }
        let plain = preset_target(Preset::Circle, 8, false, 0.0, 3);
        let swapped = preset_target(Preset::Circle, 8, true, 0.0, 3);
        for (a, b) in plain.points.iter().zip(&swapped.points) {
            assert_eq!(a.y, -b.y);
            assert_eq!(a.x, b.x);
        }
        let values = preset_target(Preset::Bumps, 5, false, 0.0, 3);
        assert_eq!(values.train_count(), 5);
    }

    #[test]
    fn frozen_pretrained_features_beat_scratch_on_eight_swapped_labels() {
        let mut lab = TransferLab::new(ModelSpec::mlp(&[8, 8], Activation::Tanh), &xor_source(), 1).unwrap();
        assert!(lab.fine_tune(preset_target(Preset::Xor, 8, true, 0.0, 5)).is_ok());
        assert!(lab.target().is_none(), "fine-tuning waits for pretraining");
        finish(&mut lab);
        assert!(lab.is_pretrained());
        assert!(lab.source_test().unwrap().score > 0.9);
        lab.fine_tune(preset_target(Preset::Xor, 8, true, 0.0, 5))
            .unwrap();
        finish(&mut lab);
        assert_eq!(lab.fine_tune_steps(), FINE_TUNE_STEPS);
        let none = Shift {
            kind: ShiftKind::Rotate,
            amount: 0.0,
        };
        let results = lab.results(none);
        let score = |s: Strategy| results.iter().find(|r| r.strategy == s).unwrap().test.score;
        assert!(results.iter().all(|r| r.train.score == 1.0), "{results:?}");
        assert!(score(Strategy::Frozen) > 0.9, "{results:?}");
        assert!(
            score(Strategy::Frozen) > score(Strategy::Scratch) + 0.1,
            "{results:?}"
        );
        // Without a shift the shifted column is the test column.
        assert!(results.iter().all(|r| r.shifted.score == r.test.score));
        // The frozen layers did not move; the fine-tuned ones did.
        let pretrained = lab.pretrained().unwrap().layers[0].weights.clone();
        assert_eq!(lab.model(Strategy::Frozen).unwrap().layers[0].weights, pretrained);
        assert_ne!(
            lab.model(Strategy::FineTune).unwrap().layers[0].weights,
            pretrained
        );
        // A quarter turn swaps XOR's quadrants: every model now gets most points wrong.
        let turned = lab.results(Shift {
            kind: ShiftKind::Rotate,
            amount: 1.0,
        });
        let frozen = turned.iter().find(|r| r.strategy == Strategy::Frozen).unwrap();
        assert!(frozen.shifted.score < 0.2, "{frozen:?}");
    }

    #[test]
    fn bad_starts_are_explained() {
        let flat = TransferLab::new(ModelSpec::linear(), &xor_source(), 1);
        assert_eq!(flat.unwrap_err(), TransferError::NoHiddenLayer);
        let random = ModelSpec::random_features(Activation::Relu, 50, 1.0);
        let frozen = TransferLab::new(random, &xor_source(), 1);
        assert_eq!(frozen.unwrap_err(), TransferError::NoHiddenLayer);
        let empty = Dataset::empty(Task::Classification);
        let spec = ModelSpec::mlp(&[4], Activation::Tanh);
        assert!(matches!(
            TransferLab::new(spec.clone(), &empty, 1),
            Err(TransferError::NoTrainingPoints(_))
        ));
        let mut lab = TransferLab::new(spec, &xor_source(), 1).unwrap();
        finish(&mut lab);
        let values = preset_target(Preset::Bumps, 8, false, 0.0, 1);
        assert_eq!(lab.fine_tune(values), Err(TransferError::TaskMismatch));
        assert!(matches!(
            lab.fine_tune(empty),
            Err(TransferError::NoTrainingPoints(_))
        ));
    }

    #[test]
    fn shifts_move_points_as_described() {
        let turn = Shift {
            kind: ShiftKind::Rotate,
            amount: 1.0,
        };
        let [a, b] = turn.apply([1.0, 0.0]);
        assert!(a.abs() < 1e-6 && (b - 1.0).abs() < 1e-6);
        assert_eq!(turn.describe(), "rotated by 90°");
        let stretch = Shift {
            kind: ShiftKind::Scale,
            amount: 0.5,
        };
        assert_eq!(stretch.apply([0.5, -0.5]), [0.65, -0.65]);
        for kind in ShiftKind::ALL {
            assert_eq!(kind.key().parse::<ShiftKind>().unwrap(), kind);
        }
        assert_eq!("plot".parse::<TargetSource>().unwrap(), TargetSource::Plot);
        assert_eq!(
            "ring".parse::<TargetSource>().unwrap(),
            TargetSource::Preset(Preset::Ring)
        );
        assert!("moon".parse::<TargetSource>().is_err());
    }
}
