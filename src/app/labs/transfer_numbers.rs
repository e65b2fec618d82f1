//! The transfer lab's status line and scores: what its text and table show.

use crate::engine::labs::transfer::{Shift, StrategyResult, TransferLab, FINE_TUNE_STEPS, PRETRAIN_STEPS};
use crate::engine::Task;

/// What the pretraining lab's text and table show, recomputed only when the lab or the shift
/// changes (evaluating the three runs costs as much as a few training steps).
#[derive(Clone, PartialEq)]
pub(super) struct TransferNumbers {
    pub(super) status: String,
    pub(super) done: bool,
    pub(super) task: Task,
    pub(super) results: Vec<StrategyResult>,
    /// Labelled and test points of the target.
    pub(super) labels: Option<(usize, usize)>,
}

impl TransferNumbers {
    /// The numbers for `lab` (none yet: not started), its shifted scores taken under `shift`.
    pub(super) fn of(lab: Option<&mut TransferLab>, shift: Shift, default_task: Task) -> Self {
        let Some(lab) = lab else {
            return TransferNumbers {
                status: "Not started.".into(),
                done: false,
                task: default_task,
                results: Vec::new(),
                labels: None,
            };
        };
        let status = if let Some(divergence) = lab.divergence() {
            divergence
        } else if !lab.is_pretrained() {
            format!(
                "Pretraining on the plot's points: step {} of {PRETRAIN_STEPS}…",
                lab.pretrain_steps()
            )
        } else {
            let source_note = match lab.source_test() {
                Some(source) if source.count > 0 => {
                    format!(" (source test score {})", score_text(lab.task(), source.score))
                }
                _ => String::new(),
            };
            let phase = if lab.is_fine_tuned() {
                "fine-tuning done.".to_string()
            } else if lab.target().is_some() {
                format!(
                    "fine-tuning: step {} of {FINE_TUNE_STEPS}…",
                    lab.fine_tune_steps()
                )
            } else {
                "waiting for a target.".to_string()
            };
            format!("Pretrained for {PRETRAIN_STEPS} steps{source_note}; {phase}")
        };
        TransferNumbers {
            status,
            done: lab.is_fine_tuned(),
            task: lab.task(),
            labels: lab.target().map(|t| (t.train_count(), t.test_count())),
            results: lab.results(shift),
        }
    }
}

/// A score as the lab shows it: a percentage for classes, R² to two places for values.
pub(super) fn score_text(task: Task, score: f64) -> String {
    if !score.is_finite() {
        return "—".into();
    }
    match task {
        Task::Classification => format!("{:.0}%", 100.0 * score),
        Task::Regression => format!("{score:.2}"),
    }
}
