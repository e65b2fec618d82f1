//! The training loss over a window of a plane, filled coarse to fine in slices of a work budget.

use super::params::ParameterLayout;
use super::plane::Plane;
use super::window::Window;
use super::SurfaceError;
use crate::classes::MAX_CLASSES;
use crate::data::Dataset;
use crate::model::{Loss, Model, Workspace};
use crate::train::{sample_stride, TrainConfig};

/// What a surface measures: the objective the optimizer descends, the mean training loss plus
/// the weight penalty λ1·Σ|w| + (λ2/2)·Σw² over the trainable weights (biases are not penalised,
/// as in the optimizer). Without a penalty it is the training loss the page shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    /// The loss of each point.
    pub loss: Loss,
    /// λ1.
    pub l1: f32,
    /// λ2.
    pub l2: f32,
}

impl Objective {
    /// The objective a trainer with `config` descends.
    pub fn of(config: &TrainConfig) -> Self {
        Objective {
            loss: config.loss,
            l1: config.optimizer.l1,
            l2: config.optimizer.l2,
        }
    }

    /// The penalty of `model`'s trainable weights.
    fn penalty(&self, layout: &ParameterLayout, model: &Model) -> f64 {
        if self.l1 == 0.0 && self.l2 == 0.0 {
            return 0.0;
        }
        let (l1, l2) = (self.l1 as f64, self.l2 as f64);
        layout
            .blocks()
            .iter()
            .flat_map(|b| &model.layers[b.layer].weights)
            .map(|&w| {
                let w = w as f64;
                l1 * w.abs() + 0.5 * l2 * w * w
            })
            .sum()
    }
}

/// The coarsest grid has this many intervals a side (17 × 17 nodes); each finer level halves
/// the spacing, up to 64 intervals (65 × 65 nodes).
pub const COARSEST_INTERVALS: usize = 16;
/// Levels of refinement at most: 16, 32 and 64 intervals a side.
const MAX_LEVELS: usize = 3;
/// The most multiply-adds one evaluation of the loss may cost: a model too large for that is
/// measured on an evenly spaced sample of the training points (at least [`MIN_POINTS`]).
pub const EVALUATION_WORK: u64 = 500_000;
/// The most multiply-adds a whole grid may cost: a model too large for 65 × 65 nodes stops at
/// 33 × 33 or 17 × 17.
pub const GRID_WORK: u64 = 4_000_000_000;
/// The fewest points a sampled evaluation uses.
const MIN_POINTS: usize = 64;
/// Points run through the model at once: as many as cost about this many multiply-adds.
const CHUNK_WORK: u64 = 100_000;
/// And at most this many.
const MAX_CHUNK: usize = 256;

/// A finished level of a surface, ready to paint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceLevel<'a> {
    /// The objective at each node, `nodes × nodes`, row by row from the top (largest b), each row
    /// left to right (smallest a first); node (r, c) sits at `window.node(r, c, nodes)`. Values
    /// may be infinite or NaN far from the data, where the loss overflows.
    pub values: &'a [f32],
    /// Nodes a side.
    pub nodes: usize,
    /// The square the nodes span edge to edge.
    pub window: Window,
}

impl SurfaceLevel<'_> {
    /// The lowest finite value and where it is.
    pub fn lowest(&self) -> Option<([f64; 2], f32)> {
        let (index, &value) = self
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .min_by(|a, b| a.1.total_cmp(b.1))?;
        Some((
            self.window
                .node(index / self.nodes, index % self.nodes, self.nodes),
            value,
        ))
    }

    /// The smallest and largest finite values.
    pub fn range(&self) -> Option<(f32, f32)> {
        let finite = self.values.iter().copied().filter(|v| v.is_finite());
        let lo = finite.clone().fold(f32::INFINITY, f32::min);
        let hi = finite.fold(f32::NEG_INFINITY, f32::max);
        (lo <= hi).then_some((lo, hi))
    }
}

/// Where the fill is: the level being filled, the node within it (an index into that level's
/// lattice), and the node's progress through the points.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fill {
    level: usize,
    node: usize,
    chunk: usize,
    sum: f64,
    /// Whether the scratch model holds the current node's parameters.
    loaded: bool,
}

const START: Fill = Fill {
    level: 0,
    node: 0,
    chunk: 0,
    sum: 0.0,
    loaded: false,
};

/// The objective over a window of a plane, evaluated in slices: [`Surface::advance`] fills a
/// 17 × 17 grid, then 33 × 33, then 65 × 65 (each level reusing the nodes of the one before, so
/// the finest grid costs no more than evaluating it at once), and [`Surface::latest`] gives the
/// finest finished level. The inputs of the layers the plane does not move are computed once;
/// after construction nothing allocates.
#[derive(Clone, Debug)]
pub struct Surface {
    plane: Plane,
    window: Window,
    objective: Objective,
    /// A copy of the model whose trainable parameters are set to the node being evaluated.
    model: Model,
    ws: Workspace,
    /// The first dense layer run for each evaluation; its inputs are cached.
    start: usize,
    /// Inputs of layer `start` of every sampled point, a chunk after another, each feature-major.
    inputs: Vec<f32>,
    targets: Vec<f32>,
    width: usize,
    chunk: usize,
    training_points: usize,
    point_cost: u64,
    nodes: usize,
    levels: Vec<Vec<f32>>,
    fill: Fill,
    complete: Option<usize>,
    evaluated: usize,
    version: u64,
}

impl Surface {
    /// A surface of `objective` on the training points of `data` over `window` of `plane`,
    /// which must have been made for `model`'s shape (the layers the plane does not move keep
    /// `model`'s values). Nothing is evaluated yet.
    pub fn new(
        model: &Model,
        data: &Dataset,
        objective: Objective,
        plane: Plane,
        window: Window,
    ) -> Result<Surface, SurfaceError> {
        let train: Vec<_> = data.points.iter().filter(|p| !p.test).collect();
        if train.is_empty() {
            return Err(SurfaceError::NoData);
        }
        if plane.layout().is_empty() {
            return Err(SurfaceError::NoWeights);
        }
        let start = plane.first_varying_layer();
        let width = model.layers[start].inputs;
        let point_cost: u64 = model.layers[start..]
            .iter()
            .map(|l| ((l.inputs + 1) * l.outputs) as u64)
            .sum::<u64>()
            .max(1);
        let max_points = (EVALUATION_WORK / point_cost).max(MIN_POINTS as u64) as usize;
        let stride = sample_stride(train.len(), max_points);
        let sampled: Vec<_> = train.iter().step_by(stride).collect();
        let points = sampled.len();
        let chunk = ((CHUNK_WORK / point_cost) as usize)
            .clamp(1, MAX_CHUNK)
            .min(points);
        let mut ws = Workspace::new(model, chunk);
        let mut inputs = vec![0.0; points * width];
        let targets: Vec<f32> = sampled.iter().map(|p| p.y).collect();
        for (c, group) in sampled.chunks(chunk).enumerate() {
            let n = group.len();
            for (k, p) in group.iter().enumerate() {
                [ws.x1[k], ws.x2[k]] = p.x;
            }
            model.forward(&mut ws, n);
            let rows = if start == 0 {
                &ws.features
            } else {
                &ws.a[start - 1]
            };
            inputs[c * chunk * width..(c * chunk + n) * width].copy_from_slice(&rows[..n * width]);
        }
        let evaluation = points as u64 * point_cost;
        let levels = (1..=MAX_LEVELS)
            .rev()
            .find(|&levels| {
                let side = (COARSEST_INTERVALS << (levels - 1)) as u64 + 1;
                side * side * evaluation <= GRID_WORK
            })
            .unwrap_or(1);
        let nodes = (COARSEST_INTERVALS << (levels - 1)) + 1;
        let levels = (0..levels)
            .map(|k| vec![f32::NAN; ((COARSEST_INTERVALS << k) + 1).pow(2)])
            .collect();
        Ok(Surface {
            plane,
            window,
            objective,
            model: model.clone(),
            ws,
            start,
            inputs,
            targets,
            width,
            chunk,
            training_points: train.len(),
            point_cost,
            nodes,
            levels,
            fill: START,
            complete: None,
            evaluated: 0,
            version: 0,
        })
    }

    /// The plane.
    pub fn plane(&self) -> &Plane {
        &self.plane
    }

    /// The window being filled.
    pub fn window(&self) -> Window {
        self.window
    }

    /// What is measured.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// Nodes a side of the finest level (65, or 33 or 17 for a model too large for that).
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// The training points each evaluation uses (all of them unless the model is so large
    /// that they are sampled evenly, as [`crate::Trainer::evaluate_sampled`] samples).
    pub fn points_used(&self) -> usize {
        self.targets.len()
    }

    /// The number of training points.
    pub fn training_points(&self) -> usize {
        self.training_points
    }

    /// Multiply-adds of one evaluation of the objective (the unit of [`Surface::advance`]'s
    /// budget).
    pub fn evaluation_cost(&self) -> u64 {
        self.targets.len() as u64 * self.point_cost
    }

    /// Starts over on a new window (keeping every buffer).
    pub fn set_window(&mut self, window: Window) {
        self.window = window;
        self.restart();
    }

    /// Forgets every value and starts again from the coarsest level.
    pub fn restart(&mut self) {
        self.fill = START;
        self.complete = None;
        self.evaluated = 0;
        self.version += 1;
    }

    /// A number that changes whenever [`Surface::latest`] does (a level finished, or a restart).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether the finest level is finished.
    pub fn is_done(&self) -> bool {
        self.complete == Some(self.levels.len() - 1)
    }

    /// The share of the finest grid's nodes evaluated so far, from 0 to 1.
    pub fn progress(&self) -> f64 {
        self.evaluated as f64 / (self.nodes * self.nodes) as f64
    }

    /// The finest finished level, if any.
    pub fn latest(&self) -> Option<SurfaceLevel<'_>> {
        let level = self.complete?;
        Some(SurfaceLevel {
            values: &self.levels[level],
            nodes: (COARSEST_INTERVALS << level) + 1,
            window: self.window,
        })
    }

    /// Nodes a side of `level`, and how many of the finest grid's spacings lie between its nodes.
    fn lattice(&self, level: usize) -> (usize, usize) {
        let side = (COARSEST_INTERVALS << level) + 1;
        (side, (self.nodes - 1) / (side - 1))
    }

    /// Whether node `node` of `level`'s lattice already belongs to the coarser level.
    fn inherited(&self, level: usize, node: usize) -> bool {
        let (side, _) = self.lattice(level);
        level > 0 && (node / side).is_multiple_of(2) && (node % side).is_multiple_of(2)
    }

    /// Moves the fill past the nodes the coarser level already gave.
    fn skip_inherited(&mut self) {
        let (side, _) = self.lattice(self.fill.level);
        while self.fill.node < side * side && self.inherited(self.fill.level, self.fill.node) {
            self.fill.node += 1;
        }
    }

    /// Evaluates the objective for at most about `budget` multiply-adds (at least one chunk of
    /// points, so every call makes progress; see [`Surface::evaluation_cost`]), carrying on
    /// where the last call stopped. Returns whether the finest level is finished. Allocates
    /// nothing.
    pub fn advance(&mut self, budget: u64) -> bool {
        let mut spent = 0u64;
        while !self.is_done() {
            let level = self.fill.level;
            let (side, stride) = self.lattice(level);
            let node = self.fill.node;
            if !self.fill.loaded {
                let at = self
                    .window
                    .node((node / side) * stride, (node % side) * stride, self.nodes);
                self.plane.write_point(at, &mut self.model);
                self.fill.loaded = true;
            }
            let n = self.run_chunk(self.fill.chunk);
            spent += n as u64 * self.point_cost;
            self.fill.chunk += 1;
            if self.fill.chunk * self.chunk >= self.targets.len() {
                let value = self.fill.sum / self.targets.len() as f64
                    + self.objective.penalty(self.plane.layout(), &self.model);
                self.levels[level][node] = value as f32;
                self.evaluated += 1;
                self.fill = Fill {
                    level,
                    node: node + 1,
                    ..START
                };
                self.skip_inherited();
                if self.fill.node == side * side {
                    self.finish_level(level);
                }
            }
            if spent >= budget {
                break;
            }
        }
        self.is_done()
    }

    /// Marks `level` finished and seeds the next one with its values.
    fn finish_level(&mut self, level: usize) {
        self.complete = Some(level);
        self.version += 1;
        if level + 1 < self.levels.len() {
            let (side, _) = self.lattice(level);
            let (finer, _) = self.lattice(level + 1);
            let (coarse, fine) = self.levels.split_at_mut(level + 1);
            for (i, &v) in coarse[level].iter().enumerate() {
                fine[0][(i / side) * 2 * finer + (i % side) * 2] = v;
            }
            self.fill = Fill {
                level: level + 1,
                ..START
            };
            self.skip_inherited();
        }
    }

    /// Runs chunk `c` of the sampled points through the scratch model from the first varying
    /// layer and adds their losses to the running sum; returns the chunk's size.
    fn run_chunk(&mut self, c: usize) -> usize {
        let first = c * self.chunk;
        let n = self.chunk.min(self.targets.len() - first);
        let cached = &self.inputs[first * self.width..(first + n) * self.width];
        let rows = if self.start == 0 {
            &mut self.ws.features
        } else {
            &mut self.ws.a[self.start - 1]
        };
        rows[..n * self.width].copy_from_slice(cached);
        self.model.forward_from(&mut self.ws, self.start, n);
        let loss = self.objective.loss;
        // Every output unit's score: softmax reads them all (three classes or more).
        let mut scores = [0.0f32; MAX_CLASSES];
        for (b, &y) in self.targets[first..first + n].iter().enumerate() {
            self.fill.sum += loss.example_value(self.ws.scores(b, &mut scores), y);
        }
        n
    }

    /// The objective at `at` on the plane, evaluated at once (on the same points as the grid).
    /// Allocates nothing; a fill in progress carries on afterwards.
    pub fn loss_at(&mut self, at: [f64; 2]) -> f64 {
        let saved = self.fill.sum;
        self.fill.sum = 0.0;
        self.plane.write_point(at, &mut self.model);
        let mut c = 0;
        while c * self.chunk < self.targets.len() {
            self.run_chunk(c);
            c += 1;
        }
        let value = self.fill.sum / self.targets.len() as f64
            + self.objective.penalty(self.plane.layout(), &self.model);
        self.fill.sum = saved;
        self.fill.loaded = false;
        value
    }
}
