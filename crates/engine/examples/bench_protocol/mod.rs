//! The engine benchmark's protocol, shared by `native_bench` and `wasm_bench` (and mirrored by
//! the JavaScript peers in `bench/engine/`, which read the data, the initial weights and the
//! minibatch order from the wasm module so that every implementation does the same work).
//!
//! * Data: 500 "circle" points (`Dataset::generate`, noise 0, no test points, seed 1).
//! * W1 = 2-8-8-1 with tanh hidden units and W2 = 2-64-64-1 with ReLU hidden units, both in
//!   minibatches of 10; W3 = 2-6-6-1 with tanh hidden units in minibatches of 50 (6 inputs and
//!   batches over 32 are the shapes whose weight gradients the blocked kernel once got wrong, so
//!   its agreement check guards them); tanh output.
//! * Weights uniform(−0.5, 0.5) in row-major order layer by layer, biases 0.1.
//! * Plain SGD, learning rate 0.03 (gradient = mean over the batch), squared loss.
//! * Grid: forward-only evaluation of W1 on a 100 × 100 grid over [−1, 1]².
//!
//! The minibatch order is one flat list of point indices for every network: the trainer draws a
//! new permutation of the 500 points at the end of each epoch whatever the batch size, and 10
//! and 50 both divide 500, so a network trained in batches of 50 visits the points in the same
//! sequence as one trained in batches of 10 (checked by [`engine_order`]).

use nnplay_engine::{
    Activation, DataSpec, Dataset, Loss, ModelSpec, OptimizerConfig, OptimizerKind, Preset, Rng, TrainConfig,
    Trainer,
};
use std::collections::HashMap;

/// Points in the training set.
pub const POINTS: usize = 500;
/// The largest minibatch of the protocol's networks (W3's).
pub const MAX_BATCH: usize = 50;
/// The SGD learning rate.
pub const LEARNING_RATE: f32 = 0.03;
/// The grid is `GRID × GRID` points.
pub const GRID: usize = 100;
/// Every implementation trains this many steps from the shared initialisation, in the engine's
/// own minibatch order, before its training MSE is compared (40 epochs of W1 and W2, 200 of W3).
pub const CHECK_STEPS: usize = 2000;
/// The seed of the data set.
const DATA_SEED: u64 = 1;
/// The seed of the trainer (it fixes the minibatch order; the weights are overwritten).
const TRAINER_SEED: u64 = 1;
/// The seed of the uniform(−0.5, 0.5) initial weights.
const INIT_SEED: u64 = 7;
/// The initial value of every bias.
pub const INIT_BIAS: f32 = 0.1;

/// The three networks of the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    /// 2-8-8-1, tanh hidden layers, minibatches of 10.
    W1,
    /// 2-64-64-1, ReLU hidden layers, minibatches of 10.
    W2,
    /// 2-6-6-1, tanh hidden layers, minibatches of 50.
    W3,
}

impl Net {
    /// Every network, in the order of the tables; a network's index here is its number in the
    /// wasm exports.
    pub const ALL: [Net; 3] = [Net::W1, Net::W2, Net::W3];

    /// The network with index 0 (W1), 1 (W2) or 2 (W3), as the wasm exports number them; larger
    /// indices give the last network.
    pub fn from_index(index: u32) -> Net {
        Net::ALL[(index as usize).min(Net::ALL.len() - 1)]
    }

    /// Its name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Net::W1 => "W1 2-8-8-1 tanh",
            Net::W2 => "W2 2-64-64-1 relu",
            Net::W3 => "W3 2-6-6-1 tanh",
        }
    }

    /// Its layer widths, inputs first.
    pub fn widths(self) -> [usize; 4] {
        match self {
            Net::W1 => [2, 8, 8, 1],
            Net::W2 => [2, 64, 64, 1],
            Net::W3 => [2, 6, 6, 1],
        }
    }

    /// Points per minibatch.
    pub fn batch(self) -> usize {
        match self {
            Net::W1 | Net::W2 => 10,
            Net::W3 => MAX_BATCH,
        }
    }

    /// The number of weights (biases not counted), the basis of the FLOP counts.
    pub fn weights(self) -> usize {
        self.widths().windows(2).map(|w| w[0] * w[1]).sum()
    }

    fn spec(self) -> ModelSpec {
        let (hidden, activation) = match self {
            Net::W1 => ([8, 8], Activation::Tanh),
            Net::W2 => ([64, 64], Activation::Relu),
            Net::W3 => ([6, 6], Activation::Tanh),
        };
        let mut spec = ModelSpec::mlp(&hidden, activation);
        spec.output_activation = Activation::Tanh;
        spec
    }
}

/// FLOPs per weight per example of a forward pass (one multiply, one add).
pub const FORWARD_FLOPS_PER_WEIGHT: usize = 2;
/// FLOPs per weight per example of a training step (forward 2, backward input deltas 2, weight
/// gradient 2), whether or not an implementation skips the first layer's input deltas.
pub const TRAIN_FLOPS_PER_WEIGHT: usize = 6;

/// The convention the MFLOP/s columns use, printed with every table.
pub const FLOP_CONVENTION: &str = "MFLOP/s counts weights only: 2 FLOPs per weight per example forward \
(grid), 6 per weight per example for a training step (forward + input deltas + weight gradient); \
biases, activations, loss and update not counted. W1 has 88 weights, W2 4288, W3 54.";

/// The 500 circle points.
pub fn dataset() -> Dataset {
    Dataset::generate(&DataSpec {
        preset: Preset::Circle,
        count: POINTS,
        noise: 0.0,
        test_fraction: 0.0,
        seed: DATA_SEED,
    })
}

/// A trainer for `net` on `data` with the protocol's settings and initial weights.
pub fn trainer(net: Net, data: &Dataset) -> Trainer {
    let config = TrainConfig {
        loss: Loss::Squared,
        batch_size: net.batch(),
        optimizer: OptimizerConfig {
            kind: OptimizerKind::Sgd,
            learning_rate: LEARNING_RATE,
            l1: 0.0,
            l2: 0.0,
        },
    };
    let mut trainer = Trainer::new(net.spec(), config, data, TRAINER_SEED);
    let mut rng = Rng::new(INIT_SEED);
    for layer in &mut trainer.model.layers {
        for w in &mut layer.weights {
            *w = rng.uniform(-0.5, 0.5) as f32;
        }
        layer.bias.fill(INIT_BIAS);
    }
    trainer
}

/// The indices of the points the engine's trainers visit in their first `steps` minibatches
/// (`steps × MAX_BATCH` indices), read back from [`Trainer::last_batch`], so the JavaScript
/// peers can follow the same order: network `net` trains its step s on the indices
/// `s·b .. (s + 1)·b` with `b = net.batch()`. Panics unless every network's trainer visits
/// exactly that prefix of the list, i.e. unless the order really is independent of the batch size.
pub fn engine_order(data: &Dataset, steps: usize) -> Vec<u32> {
    let index: HashMap<(u32, u32), u32> = data
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.x[0].to_bits(), p.x[1].to_bits()), i as u32))
        .collect();
    let visited = |net: Net| {
        let mut trainer = trainer(net, data);
        let mut order = Vec::with_capacity(steps * net.batch());
        for _ in 0..steps {
            assert!(trainer.step(), "{} stopped training", net.name());
            let batch = trainer.last_batch();
            assert_eq!(batch.len(), net.batch(), "{}: a short minibatch", net.name());
            for k in 0..batch.len() {
                order.push(index[&(batch.x1[k].to_bits(), batch.x2[k].to_bits())]);
            }
        }
        order
    };
    let longest = Net::ALL
        .into_iter()
        .max_by_key(|net| net.batch())
        .expect("a network");
    let order = visited(longest);
    let mut checked = vec![longest.batch()];
    for net in Net::ALL {
        if !checked.contains(&net.batch()) {
            checked.push(net.batch());
            let own = visited(net);
            assert!(
                order[..own.len()] == own[..],
                "{} visits the points in another order than {}",
                net.name(),
                longest.name()
            );
        }
    }
    order
}

/// The mean squared error (f(x) − y)² of the trainer's model over the training points.
pub fn training_mse(trainer: &mut Trainer) -> f64 {
    trainer.evaluate().train.loss
}
