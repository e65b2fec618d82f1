//! The training loop: minibatch SGD over a data set, evaluation on the training and test
//! points, and predictions over a grid for the heatmap. After construction a step allocates
//! nothing: the data, the batch order and every buffer are reused.

use super::classes::{self, ConfusionMatrix, MAX_CLASSES};
use super::data::{Dataset, Task};
use super::model::{Gradients, Loss, Model, ModelSpec, Workspace};
use super::optim::{Optimizer, OptimizerConfig};
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// How a model is trained.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The loss.
    pub loss: Loss,
    /// Points per minibatch (clamped to the number of training points).
    pub batch_size: usize,
    /// The update rule and its settings.
    pub optimizer: OptimizerConfig,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            loss: Loss::Logistic,
            batch_size: 10,
            optimizer: OptimizerConfig::default(),
        }
    }
}

/// The loss and the accuracy (or R²) of a model on one set of points.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SplitMetrics {
    /// How many points were evaluated.
    pub count: usize,
    /// The mean loss (NaN when there are no points).
    pub loss: f64,
    /// Classification: the fraction classified correctly (the sign of f for two classes, the
    /// largest score for more; see [`crate::classes`]).
    /// Regression: the coefficient of determination R² = 1 − SSE/SST.
    pub score: f64,
}

/// Training and test metrics together.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// On the training points.
    pub train: SplitMetrics,
    /// On the test points.
    pub test: SplitMetrics,
}

/// The points of one split in flat buffers.
#[derive(Clone, Debug, Default)]
struct Columns {
    x1: Vec<f32>,
    x2: Vec<f32>,
    y: Vec<f32>,
}

impl Columns {
    fn fill<'a>(&mut self, points: impl Iterator<Item = &'a super::data::Point>) {
        self.x1.clear();
        self.x2.clear();
        self.y.clear();
        for p in points {
            self.x1.push(p.x[0]);
            self.x2.push(p.x[1]);
            self.y.push(p.y);
        }
    }

    fn len(&self) -> usize {
        self.y.len()
    }
}

/// Points evaluated per forward pass during evaluation and grid prediction.
const CHUNK: usize = 256;

/// A model together with its data, optimizer and buffers: everything one training run needs.
#[derive(Clone, Debug)]
pub struct Trainer {
    /// The model being trained.
    pub model: Model,
    /// The training settings; the learning rate and penalties may change at any time.
    pub config: TrainConfig,
    spec: ModelSpec,
    task: Task,
    classes: usize,
    train: Columns,
    test: Columns,
    order: Vec<u32>,
    cursor: usize,
    /// Shuffles of `order` since it was last drawn from the seed (see [`BatchPosition`]).
    shuffles: u64,
    batch: Workspace,
    eval: Workspace,
    grads: Gradients,
    optimizer: Optimizer,
    rng: Rng,
    seed: u64,
    steps: u64,
    epochs: u64,
    /// Weights and biases as they were before the last update (for showing it, and for
    /// falling back when an update is not finite).
    previous_weights: Vec<Vec<f32>>,
    previous_bias: Vec<Vec<f32>>,
    diverged: bool,
}

/// Where a run is in its minibatch order. The order depends only on the seed, the number of
/// training points and how often it has been shuffled since it was drawn, so these three
/// numbers rebuild it exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchPosition {
    /// The number of training points when the order was drawn.
    pub train_count: usize,
    /// Shuffles since the order was drawn from the seed: one to start, one per finished epoch.
    pub shuffles: u64,
    /// Where in the order the next minibatch starts.
    pub cursor: usize,
}

/// RNG stream labels: the weights and the batch order draw from separate streams of the seed.
const INIT_STREAM: u64 = 1;
const ORDER_STREAM: u64 = 2;

/// The weights a [`Trainer`] seeded with `seed` starts from (for random features: the features
/// it keeps).
pub fn initial_model(spec: &ModelSpec, seed: u64) -> Model {
    Model::new(spec, &mut Rng::stream(seed, INIT_STREAM))
}

/// The generator that orders the minibatches of a [`Trainer`] seeded with `seed`: it shuffles the
/// training points once when the data is set, and again at the end of every epoch.
pub fn minibatch_rng(seed: u64) -> Rng {
    Rng::stream(seed, ORDER_STREAM)
}

impl Trainer {
    /// A fresh model drawn from `seed`, ready to train on `data`.
    pub fn new(spec: ModelSpec, config: TrainConfig, data: &Dataset, seed: u64) -> Self {
        let model = initial_model(&spec, seed);
        let batch_capacity = config.batch_size.max(1);
        let mut trainer = Trainer {
            batch: Workspace::new(&model, batch_capacity),
            eval: Workspace::new(&model, CHUNK),
            grads: Gradients::zeros(&model),
            optimizer: Optimizer::new(&model),
            model,
            config,
            spec,
            task: data.task,
            classes: data.classes,
            train: Columns::default(),
            test: Columns::default(),
            order: Vec::new(),
            cursor: 0,
            shuffles: 0,
            rng: minibatch_rng(seed),
            seed,
            steps: 0,
            epochs: 0,
            previous_weights: Vec::new(),
            previous_bias: Vec::new(),
            diverged: false,
        };
        trainer.previous_weights = trainer.model.layers.iter().map(|l| l.weights.clone()).collect();
        trainer.previous_bias = trainer.model.layers.iter().map(|l| l.bias.clone()).collect();
        trainer.set_data(data);
        trainer
    }

    /// Starts over: new weights from `seed`, fresh optimizer state, step and epoch at zero.
    pub fn reset(&mut self, seed: u64) {
        *self = Trainer::new(self.spec.clone(), self.config, &self.dataset_snapshot(), seed);
    }

    fn dataset_snapshot(&self) -> Dataset {
        let point = |c: &Columns, i: usize, test: bool| super::data::Point {
            x: [c.x1[i], c.x2[i]],
            y: c.y[i],
            test,
        };
        let mut points: Vec<_> = (0..self.train.len())
            .map(|i| point(&self.train, i, false))
            .collect();
        points.extend((0..self.test.len()).map(|i| point(&self.test, i, true)));
        Dataset {
            task: self.task,
            classes: self.classes,
            points,
        }
    }

    /// Replaces the data and keeps the weights, so training continues on edited points.
    /// Reuses its buffers when the number of points does not grow.
    pub fn set_data(&mut self, data: &Dataset) {
        self.task = data.task;
        self.classes = data.classes;
        let old_train = self.train.len();
        self.train.fill(data.points.iter().filter(|p| !p.test));
        self.test.fill(data.points.iter().filter(|p| p.test));
        if self.train.len() != old_train || self.order.is_empty() {
            // The order depends only on the seed and the number of points, not on the edits
            // that led here: a link to the edited points replays the same run.
            self.draw_order(1);
            self.cursor = 0;
        }
    }

    /// Draws the minibatch order afresh from the seed for the current training points and
    /// shuffles it `shuffles` times (once to start, once more at the end of each epoch).
    fn draw_order(&mut self, shuffles: u64) {
        self.rng = minibatch_rng(self.seed);
        self.order.clear();
        self.order.extend(0..self.train.len() as u32);
        for _ in 0..shuffles {
            self.rng.shuffle(&mut self.order);
        }
        self.shuffles = shuffles;
    }

    /// Changes the batch size, keeping the weights (resizes the batch buffers).
    pub fn set_batch_size(&mut self, batch_size: usize) {
        self.config.batch_size = batch_size.max(1);
        if self.batch.capacity() < self.config.batch_size {
            self.batch = Workspace::new(&self.model, self.config.batch_size);
        }
    }

    /// Changes the optimizer settings; a different update rule starts from fresh state. After
    /// a divergence this is how training resumes: from the last finite weights, with fresh
    /// optimizer state.
    pub fn set_optimizer(&mut self, optimizer: OptimizerConfig) {
        if optimizer.kind != self.config.optimizer.kind || self.diverged {
            self.optimizer = Optimizer::new(&self.model);
            self.diverged = false;
        }
        self.config.optimizer = optimizer;
    }

    /// Starts the update rule afresh (zero velocities and moment estimates) from the current
    /// weights, keeping the minibatch order, and clears a divergence: for weights set by hand,
    /// and for runs that must start from equal states.
    pub fn restart_optimizer(&mut self) {
        self.optimizer = Optimizer::new(&self.model);
        self.diverged = false;
        for (l, layer) in self.model.layers.iter().enumerate() {
            self.previous_weights[l].copy_from_slice(&layer.weights);
            self.previous_bias[l].copy_from_slice(&layer.bias);
        }
    }

    /// Whether training stopped because the loss, a gradient or an update was not finite
    /// (too large a learning rate, usually). The model keeps the last finite weights; steps do
    /// nothing until [`Trainer::set_optimizer`] or a reset.
    pub fn diverged(&self) -> bool {
        self.diverged
    }

    /// Layer `layer`'s weights and biases as they were before the last step (equal to the
    /// current ones before the first step and for frozen layers).
    pub fn before_last_step(&self, layer: usize) -> (&[f32], &[f32]) {
        (&self.previous_weights[layer], &self.previous_bias[layer])
    }

    /// The spec the model was built from.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// The seed of the current run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Minibatch steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Full passes over the training points so far.
    pub fn epochs(&self) -> u64 {
        self.epochs
    }

    /// The number of classes of the data (0 for regression).
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The number of training points.
    pub fn train_count(&self) -> usize {
        self.train.len()
    }

    /// The gradients of the last step, per layer.
    pub fn gradients(&self) -> &Gradients {
        &self.grads
    }

    /// The buffers of the last training batch (its inputs, activations and deltas).
    pub fn last_batch(&self) -> &Workspace {
        &self.batch
    }

    /// One SGD step on the next minibatch; false if there is nothing to train on or training
    /// has diverged (see [`Trainer::diverged`]).
    pub fn step(&mut self) -> bool {
        let n_train = self.train.len();
        if n_train == 0 || self.diverged {
            return false;
        }
        let size = self
            .config
            .batch_size
            .min(self.batch.capacity())
            .min(n_train - self.cursor);
        for (slot, &index) in self.order[self.cursor..self.cursor + size].iter().enumerate() {
            let i = index as usize;
            self.batch.x1[slot] = self.train.x1[i];
            self.batch.x2[slot] = self.train.x2[i];
            self.batch.targets[slot] = self.train.y[i];
        }
        self.model.forward(&mut self.batch, size);
        if !self.batch.outputs().iter().all(|f| f.is_finite()) {
            self.diverged = true;
            return false;
        }
        self.model
            .backward(&mut self.batch, self.config.loss, &mut self.grads, false);
        if !self.grads.norms.iter().all(|n| n.is_finite()) {
            self.diverged = true;
            return false;
        }
        for (l, layer) in self.model.layers.iter().enumerate() {
            if !layer.frozen {
                self.previous_weights[l].copy_from_slice(&layer.weights);
                self.previous_bias[l].copy_from_slice(&layer.bias);
            }
        }
        self.optimizer
            .update(&self.config.optimizer, &mut self.model, &self.grads);
        if !self.model.is_finite() {
            for (l, layer) in self.model.layers.iter_mut().enumerate() {
                layer.weights.copy_from_slice(&self.previous_weights[l]);
                layer.bias.copy_from_slice(&self.previous_bias[l]);
            }
            self.diverged = true;
            return false;
        }
        self.steps += 1;
        self.cursor += size;
        if self.cursor == n_train {
            self.cursor = 0;
            self.epochs += 1;
            self.rng.shuffle(&mut self.order);
            self.shuffles += 1;
        }
        true
    }

    /// Where the run is in its minibatch order.
    pub fn position(&self) -> BatchPosition {
        BatchPosition {
            train_count: self.train.len(),
            shuffles: self.shuffles,
            cursor: self.cursor,
        }
    }

    /// The optimizer's state (velocities, moment estimates).
    pub(crate) fn optimizer(&self) -> &Optimizer {
        &self.optimizer
    }

    /// The model and the optimizer's state, to restore both.
    pub(crate) fn model_and_optimizer_mut(&mut self) -> (&mut Model, &mut Optimizer) {
        (&mut self.model, &mut self.optimizer)
    }

    /// Puts the run back to an earlier point whose trainable weights the caller has already
    /// written into [`Trainer::model`]: the step and epoch counts, the optimizer state (kept as
    /// the caller left it, or fresh unless `keep_optimizer`), and the minibatch order at `position`, rebuilt by replaying its shuffles
    /// from the seed when that takes at most `replay_limit` random draws. Returns whether the
    /// order is the one the run had there; if not (the points were added or removed since, or
    /// the replay would be too long) the order is drawn afresh, as after an edit. Clears the
    /// last step's gradients and the divergence flag.
    pub(crate) fn rewind(
        &mut self,
        steps: u64,
        epochs: u64,
        keep_optimizer: bool,
        position: BatchPosition,
        replay_limit: u64,
    ) -> bool {
        self.steps = steps;
        self.epochs = epochs;
        if !keep_optimizer {
            self.optimizer = Optimizer::new(&self.model);
        }
        self.diverged = false;
        for (l, layer) in self.model.layers.iter().enumerate() {
            self.previous_weights[l].copy_from_slice(&layer.weights);
            self.previous_bias[l].copy_from_slice(&layer.bias);
        }
        for g in self.grads.weights.iter_mut().chain(&mut self.grads.bias) {
            g.fill(0.0);
        }
        self.grads.norms.fill(0.0);
        let n = self.train.len();
        let draws = position.shuffles.saturating_mul(n as u64);
        let replayable = position.train_count == n && position.cursor < n.max(1) && draws <= replay_limit;
        if replayable {
            self.draw_order(position.shuffles);
            self.cursor = position.cursor;
        } else {
            self.draw_order(1);
            self.cursor = 0;
        }
        replayable
    }

    /// Makes this trainer, a copy kept for looking back and never the one training, show the
    /// run at an earlier step whose trainable weights the caller has already written into
    /// [`Trainer::model`]: the step and epoch counts, and as "the last step" the gradient of the
    /// mean training loss at these weights over at most `max_points` evenly spaced training
    /// points (every k-th), a step that changed nothing. The minibatch order and the optimizer
    /// are left as they are: training on from here is [`crate::Timeline::resume`]'s work, on
    /// the trainer itself. Allocates a larger batch buffer when `max_points` needs one.
    pub(crate) fn show_past(&mut self, steps: u64, epochs: u64, max_points: usize) {
        self.steps = steps;
        self.epochs = epochs;
        self.diverged = false;
        for (l, layer) in self.model.layers.iter().enumerate() {
            self.previous_weights[l].copy_from_slice(&layer.weights);
            self.previous_bias[l].copy_from_slice(&layer.bias);
        }
        let n_train = self.train.len();
        let stride = n_train.div_ceil(max_points.max(1)).max(1);
        let count = n_train.div_ceil(stride);
        if self.batch.capacity() < count {
            self.batch = Workspace::new(&self.model, count);
        }
        for (slot, i) in (0..n_train).step_by(stride).enumerate() {
            self.batch.x1[slot] = self.train.x1[i];
            self.batch.x2[slot] = self.train.x2[i];
            self.batch.targets[slot] = self.train.y[i];
        }
        if count == 0 {
            for g in self.grads.weights.iter_mut().chain(&mut self.grads.bias) {
                g.fill(0.0);
            }
            self.grads.norms.fill(0.0);
        } else {
            self.model.forward(&mut self.batch, count);
            self.model
                .backward(&mut self.batch, self.config.loss, &mut self.grads, false);
        }
    }

    /// Steps until the current epoch ends (a whole epoch when called at its start).
    pub fn epoch(&mut self) {
        let start = self.epochs;
        while self.epochs == start && self.step() {}
    }

    /// Loss and accuracy (or R²) on the training and on the test points.
    pub fn evaluate(&mut self) -> Metrics {
        self.evaluate_sampled(usize::MAX)
    }

    /// Like [`Trainer::evaluate`], but on at most `max_points` evenly spaced points of each
    /// split (every k-th point), for models too large to evaluate on everything several times a
    /// second. [`SplitMetrics::count`] says how many points were used.
    pub fn evaluate_sampled(&mut self, max_points: usize) -> Metrics {
        let (model, ws, loss, task) = (&self.model, &mut self.eval, self.config.loss, self.task);
        Metrics {
            train: evaluate_split(model, ws, &self.train, loss, task, max_points),
            test: evaluate_split(model, ws, &self.test, loss, task, max_points),
        }
    }

    /// f(x) (of the first output unit; see [`Trainer::predict_class_grid`] for three or more
    /// classes) over a `resolution × resolution` grid covering [-1, 1]², row-major with the top
    /// row at x2 = +1 (as an image is laid out): cell (r, c) is centred at
    /// x1 = −1 + (c + ½)·2/res, x2 = 1 − (r + ½)·2/res.
    pub fn predict_grid(&mut self, resolution: usize, out: &mut [f32]) {
        predict_grid(&self.model, &mut self.eval, resolution, out);
    }

    /// The probability of each class over a `resolution²` grid laid out like
    /// [`Trainer::predict_grid`]: class k's plane is `out[k·res² .. (k+1)·res²]` (`out` holds
    /// classes × res² values; two planes for two classes). Allocates nothing: for every frame.
    pub fn predict_class_grid(&mut self, resolution: usize, out: &mut [f32]) {
        classes::class_probability_grid(&self.model, &mut self.eval, resolution, out);
    }

    /// The confusion matrix on the training points, or on the test points with `test`, from at
    /// most `max_points` evenly spaced ones (as [`Trainer::evaluate_sampled`] picks them).
    /// Empty (no classes) for regression.
    pub fn confusion_matrix(&mut self, test: bool, max_points: usize) -> ConfusionMatrix {
        let count = if self.task == Task::Classification {
            self.classes
        } else {
            0
        };
        let mut matrix = ConfusionMatrix::new(count);
        if count == 0 {
            return matrix;
        }
        let data = if test { &self.test } else { &self.train };
        let ws = &mut self.eval;
        let mut scores = [0.0f32; MAX_CLASSES];
        let mut indices = sampled_indices(data.len(), max_points);
        loop {
            let n = fill_chunk(ws, data, &mut indices);
            if n == 0 {
                break;
            }
            self.model.forward(ws, n);
            for b in 0..n {
                let truth = classes::class_of(ws.targets[b], count);
                matrix.record(truth, classes::predicted_class(ws.scores(b, &mut scores)));
            }
        }
        matrix
    }
}

/// Every k-th index of `len`, with k the smallest stride that leaves at most `max_points`.
fn sampled_indices(len: usize, max_points: usize) -> std::iter::StepBy<std::ops::Range<usize>> {
    (0..len).step_by(sample_stride(len, max_points))
}

/// Copies the next points `indices` names (up to the workspace's capacity) into `ws`;
/// returns how many.
fn fill_chunk(ws: &mut Workspace, data: &Columns, indices: &mut impl Iterator<Item = usize>) -> usize {
    let mut n = 0;
    for i in indices.take(ws.capacity()) {
        ws.x1[n] = data.x1[i];
        ws.x2[n] = data.x2[i];
        ws.targets[n] = data.y[i];
        n += 1;
    }
    n
}

/// The centre of cell `cell` of a `resolution²` grid over [−1, 1]², row by row from the top
/// left (x2 = +1 at the top): the layout of every grid the page evaluates.
#[inline]
pub fn grid_cell(cell: usize, resolution: usize) -> [f32; 2] {
    let step = 2.0 / resolution as f32;
    [
        -1.0 + ((cell % resolution) as f32 + 0.5) * step,
        1.0 - ((cell / resolution) as f32 + 0.5) * step,
    ]
}

/// Fills `out` with f(x) over a grid (see [`Trainer::predict_grid`]), `ws.capacity()` points at
/// a time.
pub fn predict_grid(model: &Model, ws: &mut Workspace, resolution: usize, out: &mut [f32]) {
    forward_grid(model, ws, resolution, |ws, start| {
        out[start..start + ws.len()].copy_from_slice(ws.outputs())
    });
}

/// Runs the cells of a `resolution²` grid (laid out by [`grid_cell`]) through `model`
/// `ws.capacity()` at a time, handing `visit` each chunk's workspace and its first cell.
pub fn forward_grid(
    model: &Model,
    ws: &mut Workspace,
    resolution: usize,
    mut visit: impl FnMut(&Workspace, usize),
) {
    let total = resolution * resolution;
    let mut start = 0;
    while start < total {
        let n = ws.capacity().min(total - start);
        for k in 0..n {
            [ws.x1[k], ws.x2[k]] = grid_cell(start + k, resolution);
        }
        model.forward(ws, n);
        visit(ws, start);
        start += n;
    }
}

/// Runs `points` through `model` a chunk at a time, handing `visit` each chunk's workspace
/// (its [`Workspace::len`] is the chunk's size) and the index of the chunk's first point.
pub fn forward_points<P: std::borrow::Borrow<super::data::Point>>(
    model: &Model,
    points: &[P],
    mut visit: impl FnMut(&Workspace, usize),
) {
    let mut ws = Workspace::new(model, CHUNK);
    for (c, chunk) in points.chunks(CHUNK).enumerate() {
        for (k, p) in chunk.iter().enumerate() {
            ws.x1[k] = p.borrow().x[0];
            ws.x2[k] = p.borrow().x[1];
        }
        model.forward(&mut ws, chunk.len());
        visit(&ws, c * CHUNK);
    }
}

/// The outputs f(x) of `model` for `points`.
pub fn predict_points(model: &Model, points: &[super::data::Point]) -> Vec<f32> {
    let mut out = Vec::with_capacity(points.len());
    forward_points(model, points, |ws, _| out.extend_from_slice(ws.outputs()));
    out
}

/// Loss and accuracy (or R²) of `model` on `points`, test or not: for points no trainer holds,
/// such as a shifted copy of a test set.
pub fn evaluate_points(model: &Model, points: &[super::data::Point], loss: Loss, task: Task) -> SplitMetrics {
    let mut columns = Columns::default();
    columns.fill(points.iter());
    let mut ws = Workspace::new(model, CHUNK);
    evaluate_split(model, &mut ws, &columns, loss, task, usize::MAX)
}

/// The stride of the evenly spaced sample of at most `max_points` of `len` points that
/// [`Trainer::evaluate_sampled`] takes (every stride-th point, starting with the first).
pub fn sample_stride(len: usize, max_points: usize) -> usize {
    len.div_ceil(max_points.max(1)).max(1)
}

fn evaluate_split(
    model: &Model,
    ws: &mut Workspace,
    data: &Columns,
    loss: Loss,
    task: Task,
    max_points: usize,
) -> SplitMetrics {
    let sampled = || sampled_indices(data.len(), max_points);
    let total = sampled().count();
    let (mut loss_sum, mut correct, mut sse) = (0.0f64, 0usize, 0.0f64);
    let mean_y = sampled().map(|i| data.y[i] as f64).sum::<f64>() / total.max(1) as f64;
    let sst: f64 = sampled().map(|i| (data.y[i] as f64 - mean_y).powi(2)).sum();
    let mut indices = sampled();
    let mut scores = [0.0f32; MAX_CLASSES];
    loop {
        let n = fill_chunk(ws, data, &mut indices);
        if n == 0 {
            break;
        }
        model.forward(ws, n);
        for b in 0..n {
            let (scores, y) = (ws.scores(b, &mut scores), ws.targets[b]);
            let f = scores[0];
            loss_sum += loss.example_value(scores, y);
            correct += usize::from(match loss {
                Loss::Softmax => classes::predicted_class(scores) == classes::softmax_class(y, scores.len()),
                _ => (f >= 0.0) == (y > 0.0),
            });
            sse += (f as f64 - y as f64).powi(2);
        }
    }
    let score = match task {
        Task::Classification => correct as f64 / total.max(1) as f64,
        Task::Regression if sst > 0.0 => 1.0 - sse / sst,
        Task::Regression => f64::NAN,
    };
    SplitMetrics {
        count: total,
        loss: if total == 0 {
            f64::NAN
        } else {
            loss_sum / total as f64
        },
        score: if total == 0 { f64::NAN } else { score },
    }
}
