//! Where the network diagram puts its columns and units, in CSS pixels.

use crate::engine::Model;

/// The most units of one layer the diagram draws; the rest are summarised.
const MAX_SHOWN: usize = 10;

/// One column of the diagram: a layer's units as drawn.
pub(super) struct Column {
    pub(super) x: f64,
    /// (unit index, y centre) of each unit drawn.
    pub(super) units: Vec<(usize, f64)>,
    pub(super) hidden: usize,
    pub(super) frozen: bool,
    pub(super) title: String,
}

/// Positions of everything on the diagram, in CSS pixels.
#[derive(Default)]
pub(super) struct Layout {
    pub(super) columns: Vec<Column>,
    pub(super) size: f64,
    /// Columns too close for full titles.
    pub(super) narrow: bool,
}

/// A column's title; `narrow` columns get a short one.
fn layer_title(model: &Model, column: usize, narrow: bool) -> String {
    let last = model.layers.len();
    match column {
        0 if narrow => "φ".into(),
        0 => "features φ".into(),
        c if c == last && narrow => "out".into(),
        c if c == last => "output".into(),
        c if narrow => format!("{c}"),
        c => {
            let layer = &model.layers[c - 1];
            let kind = if layer.frozen {
                "frozen"
            } else {
                layer.activation.key()
            };
            format!("layer {c} · {kind}")
        }
    }
}

/// Lays out `model` on a diagram `width` by `height` CSS pixels.
pub(super) fn layout(model: &Model, width: f64, height: f64) -> Layout {
    let counts: Vec<usize> = std::iter::once(model.features.width())
        .chain(model.layers.iter().map(|l| l.outputs))
        .collect();
    let shown_max = counts.iter().map(|&c| c.min(MAX_SHOWN)).max().unwrap_or(1).max(1) as f64;
    let top = 34.0;
    let bottom = 26.0;
    let slot = (height - top - bottom) / shown_max;
    let size = (slot * 0.62).clamp(14.0, 40.0);
    let margin = 46.0;
    let gap = if counts.len() > 1 {
        (width - 2.0 * margin) / (counts.len() - 1) as f64
    } else {
        0.0
    };
    let columns = counts
        .iter()
        .enumerate()
        .map(|(c, &count)| {
            let shown = count.min(MAX_SHOWN);
            let used = shown as f64 * slot;
            let first = top + (height - top - bottom - used) / 2.0 + slot / 2.0;
            Column {
                x: margin + c as f64 * gap,
                units: (0..shown).map(|u| (u, first + u as f64 * slot)).collect(),
                hidden: count - shown,
                frozen: c > 0 && model.layers[c - 1].frozen,
                title: layer_title(model, c, gap < 110.0),
            }
        })
        .collect();
    Layout {
        columns,
        size,
        narrow: gap < 110.0,
    }
}

/// The distance from `p` to the segment from `a` to `b`.
pub(super) fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = (dx * dx + dy * dy).max(1e-9);
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}
