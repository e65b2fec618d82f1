//! nnplay's training engine: pure Rust with no web dependencies, built and tested on the host,
//! compiled at opt-level 3 (the page around it is built for size).
//!
//! Every model is one pipeline: a fixed [`FeatureMap`] (identity or hand-made) followed by
//! [`Dense`] layers, any of which may be frozen. The lecture's four families are four ways of
//! filling it in ([`ModelSpec::linear`], [`ModelSpec::on_features`],
//! [`ModelSpec::random_features`], [`ModelSpec::mlp`]). A [`Trainer`] runs minibatch SGD on a
//! [`Dataset`] with reusable buffers; [`Model::trace`] follows one example through the network;
//! [`check_gradients`] compares backprop with finite differences; [`solve_last_layer`] gives
//! the exact optimum of the convex cases; a [`Timeline`] keeps log-spaced snapshots of a run to
//! look back at or continue from. [`classes`] says how two to five classes are stored and scored
//! (one logistic unit for two, softmax over K units for more). [`labs`] holds the numerics of the
//! page's labs; [`surface`] the loss surface, the paths across it and the optimizer race.

#![warn(missing_docs)]

mod activation;
pub mod classes;
mod data;
mod features;
mod gradcheck;
mod kernel;
pub mod labs;
mod math;
mod model;
mod names;
mod optim;
mod ridge;
mod rng;
pub mod surface;
mod timeline;
mod trace;
mod train;

pub use activation::Activation;
pub use classes::{
    class_of, class_probabilities, class_probability_grid, class_target, confusion_matrix, loss_for,
    output_units, predicted_class, ConfusionMatrix, MAX_CLASSES, MIN_CLASSES,
};
pub use data::{
    regression_target, split_train_test, DataSpec, Dataset, Point, Preset, Task, RING_HALF_WIDTH,
};
pub use features::{FeatureMap, HandFeature};
pub use gradcheck::{check_gradients, reference_mean_loss, CheckBatch, LayerCheck};
pub use kernel::{random_feature_penalty, Kernel, KernelRidge};
pub use math::{dot_f64, sigmoid, tanh};
pub use model::{
    softplus, Dense, Gradients, LayerInit, LayerSpec, Loss, Model, ModelSpec, Workspace, MAX_HIDDEN_LAYERS,
    MAX_RANDOM_FEATURES, MAX_UNITS,
};
pub use names::UnknownName;
pub use optim::{Optimizer, OptimizerConfig, OptimizerKind, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, MOMENTUM};
pub use ridge::{
    layer_inputs, solve_last_layer, solve_spd, solve_spd_columns, stable_last_layer_rate, RidgeError,
    RidgeSolution,
};
pub use rng::Rng;
pub use timeline::{
    trainable_count, OptimizerResume, Resumed, Snapshot, Timeline, TimelineError, TimelinePlan,
    MAX_SNAPSHOTS, MIN_SNAPSHOTS_WITH_STATE, ORDER_REPLAY_LIMIT, TIMELINE_BUDGET,
};
pub use trace::Trace;
pub use train::{
    evaluate_points, forward_grid, forward_points, grid_cell, initial_model, minibatch_rng, predict_grid,
    predict_points, sample_stride, BatchPosition, Metrics, SplitMetrics, TrainConfig, Trainer,
};
