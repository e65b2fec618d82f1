//! The optimizer race: SGD, momentum and Adam from the same weights on the same minibatches.

use crate::optim::{OptimizerConfig, OptimizerKind};
use crate::train::{Metrics, TrainConfig, Trainer};

/// One runner of a [`Race`].
#[derive(Clone, Debug)]
pub struct Racer {
    /// Its update rule.
    pub kind: OptimizerKind,
    /// Its own copy of the model, data, minibatch order and optimizer state.
    pub trainer: Trainer,
}

/// SGD, momentum and Adam trained side by side: each a copy of one trainer (its weights, points
/// and minibatch order) with fresh optimizer state, all sharing the learning rate and penalties,
/// stepped together so that step k of each uses the same minibatch (until one diverges and stops:
/// see [`Trainer::diverged`]).
#[derive(Clone, Debug)]
pub struct Race {
    racers: Vec<Racer>,
}

impl Race {
    /// The update rules that race, in the order of [`Race::racers`].
    pub const KINDS: [OptimizerKind; 3] = [OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Adam];

    /// A race starting from `start`'s current weights, with its learning rate, penalties,
    /// batch size and minibatch order.
    pub fn new(start: &Trainer) -> Race {
        let racers = Race::KINDS
            .iter()
            .map(|&kind| {
                let mut trainer = start.clone();
                trainer.set_optimizer(OptimizerConfig {
                    kind,
                    ..start.config.optimizer
                });
                trainer.restart_optimizer();
                Racer { kind, trainer }
            })
            .collect();
        Race { racers }
    }

    /// SGD, momentum and Adam, in that order.
    pub fn racers(&self) -> &[Racer] {
        &self.racers
    }

    /// One minibatch step for every racer that has not diverged; false when none could step.
    pub fn step(&mut self) -> bool {
        let mut any = false;
        for racer in &mut self.racers {
            any |= racer.trainer.step();
        }
        any
    }

    /// Each racer's loss and accuracy (or R²), on at most `max_points` evenly spaced points of
    /// each split (see [`Trainer::evaluate_sampled`]).
    pub fn evaluate_sampled(&mut self, max_points: usize) -> Vec<Metrics> {
        self.racers
            .iter_mut()
            .map(|r| r.trainer.evaluate_sampled(max_points))
            .collect()
    }

    /// Applies new shared settings (learning rate, penalties, batch size; the loss is the
    /// data's and does not change here). Each racer keeps its rule and state; one that diverged
    /// resumes from its last finite weights with fresh state, as [`Trainer::set_optimizer`] does.
    pub fn configure(&mut self, config: &TrainConfig) {
        for racer in &mut self.racers {
            racer.trainer.set_optimizer(OptimizerConfig {
                kind: racer.kind,
                ..config.optimizer
            });
            racer.trainer.set_batch_size(config.batch_size);
        }
    }
}
