//! Limits every setting is held to, whether typed, dragged or read from a link or a file. The
//! bottom of the page logic: the other modules read these, and this module reads none of them.

/// Learning rate range.
pub const LEARNING_RATE: (f32, f32) = (1e-5, 10.0);
/// Points a preset may generate.
pub const COUNT: (usize, usize) = (2, 10_000);
/// Batch size range.
pub const BATCH: (usize, usize) = (1, 1000);
/// Random-feature count range.
pub const RANDOM_FEATURES: (usize, usize) = (1, 2000);
/// Random-feature scale range.
pub const RF_SCALE: (f32, f32) = (0.1, 20.0);
/// Units per hidden layer.
pub const UNITS: (usize, usize) = (1, crate::engine::MAX_UNITS);
/// Hidden layers.
pub const LAYERS: (usize, usize) = (0, crate::engine::MAX_HIDDEN_LAYERS);
/// Noise level.
pub const NOISE: (f32, f32) = (0.0, 1.0);
/// Fraction of points held out for testing.
pub const TEST_FRACTION: (f32, f32) = (0.0, 0.9);
/// Regularisation rate.
pub const REG_RATE: (f32, f32) = (0.0, 1.0);
/// Ridge penalty of the random-features sweep.
pub const SWEEP_LAMBDA: (f32, f32) = (1e-6, 10.0);
/// Classes of a classification task (one output unit for two, one per class for more).
pub const CLASSES: (usize, usize) = (crate::engine::MIN_CLASSES, crate::engine::MAX_CLASSES);
/// Labelled points of a fine-tuning target.
pub const TARGET_LABELS: (usize, usize) = crate::engine::labs::transfer::LABELS;
/// Training pace in minibatch steps a second (below 1 is slow motion).
pub const PACE: (f32, f32) = (0.1, 100_000.0);
/// The step count training may be set to stop at.
pub const STOP_STEPS: (u64, u64) = (1, 100_000_000);
/// The step a link may open the run at (`at`): the page trains there at full speed on opening,
/// so the bound keeps that under a minute for the largest networks.
pub const AT_STEP: (u64, u64) = (1, 1_000_000);
/// The score (test accuracy or R², in percent) training may be set to stop at.
pub const STOP_SCORE: (f32, f32) = (1.0, 100.0);
/// Amount of the shift of the target's test points.
pub const SHIFT: (f32, f32) = (0.0, 1.0);

/// The largest number of points the plot accepts: room to draw on top of the largest preset
/// (10 000 points). Links and files carry up to this many.
pub const MAX_POINTS: usize = 20_000;
/// The number of built-in scenes (the scene menu's length; `SCENES` is an array of this size).
pub const SCENES: usize = 14;
/// Steps an exported script or notebook trains: NumPy takes about a second per few thousand
/// steps of a small network, so the largest export runs for a minute or so.
pub const EXPORT_STEPS: (u64, u64) = (1, 100_000);
