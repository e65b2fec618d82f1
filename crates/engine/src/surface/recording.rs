//! Rows of numbers recorded over training steps with bounded memory: a path's coordinates on a
//! plane (two numbers a row) or whole parameter vectors (a trail, for re-projecting the path on a
//! new plane and for its principal directions).

use super::params::ParameterLayout;
use crate::model::Model;

/// The most parameter vectors a trail keeps.
pub const TRAIL_ROWS: usize = 128;
/// The most numbers a trail keeps in all (4 MB of `f32`): a large network keeps fewer vectors
/// (an 8 × 256 network, two).
pub const TRAIL_FLOATS: usize = 1 << 20;

/// Rows of `width` numbers, one per recorded step, thinned as they grow: when full, every other
/// row is dropped and only every second step after that is kept (the policy of the page's loss
/// history), so the rows always span the whole run evenly. Recording allocates nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    width: usize,
    capacity: usize,
    stride: u64,
    steps: Vec<u64>,
    values: Vec<f32>,
}

impl Recording {
    /// Room for at most `capacity` rows (at least 2) of `width` numbers.
    pub fn new(width: usize, capacity: usize) -> Self {
        let capacity = capacity.max(2);
        Recording {
            width,
            capacity,
            stride: 1,
            steps: Vec::with_capacity(capacity + 1),
            values: Vec::with_capacity((capacity + 1) * width),
        }
    }

    /// A trail of parameter vectors of `layout`: [`TRAIL_ROWS`] of them, or as many as fit in
    /// [`TRAIL_FLOATS`] numbers (at least 2, and room for one more while thinning).
    pub fn trail(layout: &ParameterLayout) -> Self {
        Recording::new(layout.len(), TRAIL_ROWS.min(TRAIL_FLOATS / layout.len().max(1)))
    }

    /// Records a row for `step`, written by `fill` into a slice of `width` numbers, unless the
    /// step falls within the current stride of the previous row. A step before the last one
    /// (training started over) clears the recording first. Returns whether a row was added.
    pub fn record(&mut self, step: u64, fill: impl FnOnce(&mut [f32])) -> bool {
        if let Some(&last) = self.steps.last() {
            if step >= last && step < last + self.stride {
                return false;
            }
            if step < last {
                self.clear();
            }
        }
        let start = self.values.len();
        self.steps.push(step);
        self.values.resize(start + self.width, 0.0);
        fill(&mut self.values[start..]);
        if self.steps.len() > self.capacity {
            let width = self.width;
            let mut keep = 0;
            for row in (0..self.steps.len()).step_by(2) {
                self.steps[keep] = self.steps[row];
                self.values
                    .copy_within(row * width..(row + 1) * width, keep * width);
                keep += 1;
            }
            self.steps.truncate(keep);
            self.values.truncate(keep * width);
            self.stride *= 2;
        }
        true
    }

    /// Records the trainable parameters of `model` (laid out by `layout`) at `step`.
    pub fn record_parameters(&mut self, step: u64, layout: &ParameterLayout, model: &Model) -> bool {
        self.record(step, |row| layout.read(model, row))
    }

    /// The numbers per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The number of rows kept.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step of row `i`.
    pub fn step(&self, i: usize) -> u64 {
        self.steps[i]
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.values[i * self.width..(i + 1) * self.width]
    }

    /// Every row with its step, oldest first.
    pub fn rows(&self) -> impl Iterator<Item = (u64, &[f32])> + '_ {
        self.steps
            .iter()
            .copied()
            .zip(self.values.chunks_exact(self.width.max(1)))
    }

    /// Forgets every row.
    pub fn clear(&mut self) {
        self.steps.clear();
        self.values.clear();
        self.stride = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_stays_bounded_spans_the_run_and_restarts_when_steps_go_back() {
        let mut path = Recording::new(2, 100);
        for step in 0..10_000u64 {
            path.record(step, |row| row.copy_from_slice(&[step as f32, -(step as f32)]));
        }
        assert!((50..=100).contains(&path.len()), "{}", path.len());
        assert_eq!(path.step(0), 0);
        assert!(path.step(path.len() - 1) > 9_000);
        for (step, row) in path.rows() {
            assert_eq!(row, [step as f32, -(step as f32)], "rows move with their steps");
        }
        assert!(path.rows().zip(path.rows().skip(1)).all(|(a, b)| a.0 < b.0));
        assert!(
            !path.record(path.step(path.len() - 1), |_| {}),
            "the same step is not recorded twice"
        );
        assert!(path.record(3, |row| row.fill(1.0)));
        assert_eq!((path.len(), path.row(0)), (1, &[1.0f32, 1.0][..]));
    }
}
