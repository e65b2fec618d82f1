//! The axes of the loss and gradient-norm charts. Each axis maps its values to plain positions
//! itself (a step to its place on a linear or logarithmic step axis, a value to itself or to
//! its logarithm) and carries its own ticks, from `page::paint`'s tick rules, so a chart is
//! drawn on one linear coordinate system whatever its scales, and is labelled however narrow
//! its range. An [`Axis`] is itself a plotters coordinate.

use crate::page::charts::{step_fraction, step_range};
use crate::page::paint::{axis_ticks, log_axis_ticks};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use std::ops::Range;

/// How an axis maps values to positions.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Scale {
    /// Steps from 0 (or 1) to the last, as a fraction of the axis (see [`step_fraction`]).
    Steps { range: (f64, f64), log: bool },
    /// Values as they are.
    Linear,
    /// Values by their base-10 logarithm.
    Log,
}

/// One axis of a chart: its scale, the positions of its ends, and its ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    scale: Scale,
    /// The positions of the axis's two ends.
    ends: (f64, f64),
    /// Each tick's position and label.
    ticks: Vec<(f64, String)>,
}

impl Axis {
    /// A step axis for a history ending at step `last`, linear or logarithmic. Its ticks fall
    /// on whole steps.
    pub fn steps(last: u64, log: bool) -> Axis {
        let range = step_range(last, log);
        let scale = Scale::Steps { range, log };
        let ticks = if log {
            log_axis_ticks(range.0, range.1)
        } else {
            axis_ticks(range.0, range.1)
        };
        let mut axis = Axis {
            scale,
            ends: (0.0, 1.0),
            ticks: Vec::new(),
        };
        // Whole steps, written without decimals ("1", not "1.0"), up to where the tick rules
        // write powers of ten.
        axis.ticks = ticks
            .into_iter()
            .filter(|(v, _)| v.fract() == 0.0)
            .map(|(v, label)| (axis.at(v), if v < 1e6 { format!("{v:.0}") } else { label }))
            .collect();
        axis
    }

    /// A value axis from `lo` to `hi` (both positive when `log`), labelled with round values.
    pub fn values(lo: f64, hi: f64, log: bool) -> Axis {
        let scale = if log { Scale::Log } else { Scale::Linear };
        let ticks = if log {
            log_axis_ticks(lo, hi)
        } else {
            axis_ticks(lo, hi)
        };
        let mut axis = Axis {
            scale,
            ends: (0.0, 1.0),
            ticks: Vec::new(),
        };
        axis.ends = (axis.at(lo), axis.at(hi));
        axis.ticks = ticks.into_iter().map(|(v, label)| (axis.at(v), label)).collect();
        axis
    }

    /// The axis with at most `most` of its ticks (every second, third … one, never fewer than
    /// two when it had two), so labels on a short axis do not crowd each other.
    pub fn thinned(&self, most: usize) -> Axis {
        let every = self.ticks.len().div_ceil(most.max(2)).max(1);
        Axis {
            ticks: self.ticks.iter().step_by(every).cloned().collect(),
            ..self.clone()
        }
    }

    /// The position of `value` on this axis.
    pub fn at(&self, value: f64) -> f64 {
        match self.scale {
            Scale::Steps { range, log } => step_fraction(value.max(0.0) as u64, range, log),
            Scale::Linear => value,
            Scale::Log => value.log10(),
        }
    }

    /// The label of the tick at `position` (empty between ticks).
    pub fn label(&self, position: f64) -> String {
        let tolerance = 1e-9 * (self.ends.1 - self.ends.0).abs().max(1e-300);
        self.ticks
            .iter()
            .find(|(p, _)| (p - position).abs() <= tolerance)
            .map_or(String::new(), |(_, label)| label.clone())
    }
}

/// An axis is a plotters coordinate: positions map linearly onto the pixels, and its key
/// points (the gridlines and labels) are its ticks.
impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, position: &f64, (from, to): (i32, i32)) -> i32 {
        let (lo, hi) = self.ends;
        let fraction = if hi > lo { (position - lo) / (hi - lo) } else { 0.5 };
        from + (fraction * (to - from) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Ticks are bold gridlines; there are no light ones between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.iter().map(|t| t.0).collect()
        }
    }

    fn range(&self) -> Range<f64> {
        self.ends.0..self.ends.1
    }
}
