//! Where the network diagram puts its columns and units, in CSS pixels.

use crate::engine::{FeatureMap, Model};

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
    /// Where the column titles' baseline is, and the line under it ("no gradient").
    pub(super) title_y: f64,
    /// Whether each unit has room for its a and δ labels to its right (when a point is traced).
    pub(super) labelled: bool,
}

/// How much room the diagram's type needs, measured with the font it is drawn in.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct TypeRoom {
    /// Height of one line of type.
    pub(super) line: f64,
    /// Width of the widest a or δ label (0 when no point is traced).
    pub(super) label: f64,
    /// Width of the widest full column title.
    pub(super) title: f64,
}

/// A column's title; `narrow` columns get a short one. The first column is the raw inputs x
/// unless hand-made features replace them (random features are the frozen layer after it).
pub(super) fn layer_title(model: &Model, column: usize, narrow: bool) -> String {
    let last = model.layers.len();
    let raw = matches!(model.features, FeatureMap::Identity);
    match column {
        0 if narrow && raw => "x".into(),
        0 if raw => "inputs x".into(),
        0 if narrow => "φ".into(),
        0 => "features φ".into(),
        c if c == last && narrow => "out".into(),
        c if c == last && model.layers[c - 1].outputs > 1 => "class scores → softmax".into(),
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

/// Lays out `model` on a diagram `width` by `height` CSS pixels with type needing `room`.
/// Nothing is cut off at the edges, and the a and δ labels to the right of each unit are kept
/// clear of the next column and of each other: when they cannot be, `labelled` is false.
pub(super) fn layout(model: &Model, width: f64, height: f64, room: TypeRoom) -> Layout {
    let counts: Vec<usize> = std::iter::once(model.features.width())
        .chain(model.layers.iter().map(|l| l.outputs))
        .collect();
    let any_frozen = model.layers.iter().any(|l| l.frozen);
    let title_y = room.line;
    let top = room.line * if any_frozen { 2.6 } else { 1.6 };
    let bottom = room.line * 1.4;
    let usable = (height - top - bottom).max(1.0);
    let columns_n = counts.len().max(1);
    // With labels, each unit needs two lines of height, and each column the label's width.
    let wants_labels = room.label > 0.0;
    let line_slot = 2.0 * room.line + 2.0;
    let mut shown_max = counts.iter().map(|&c| c.min(MAX_SHOWN)).max().unwrap_or(1).max(1);
    if wants_labels {
        shown_max = shown_max.min(((usable / line_slot).floor() as usize).max(1));
    }
    let slot = usable / shown_max as f64;
    let mut size = (slot * 0.62).clamp(14.0, 40.0).min(slot.max(8.0));
    let gap_for = |size: f64, label: f64| {
        let (left, right) = (size / 2.0 + 2.0, size / 2.0 + label + 4.0);
        let gap = if columns_n > 1 {
            (width - left - right) / (columns_n - 1) as f64
        } else {
            0.0
        };
        (left, gap)
    };
    let labelled = wants_labels && {
        // Shrink the units before giving up the labels.
        let fits = |size: f64| gap_for(size, room.label).1 >= size + room.label + 8.0;
        while !fits(size) && size > 14.0 {
            size = (size - 2.0).max(14.0);
        }
        fits(size)
    };
    let (left, gap) = gap_for(size, if labelled { room.label } else { 0.0 });
    let narrow = gap < room.title + 8.0;
    let columns = counts
        .iter()
        .enumerate()
        .map(|(c, &count)| {
            let shown = count.min(if labelled { shown_max } else { MAX_SHOWN });
            let used = shown as f64 * slot;
            let first = top + (usable - used) / 2.0 + slot / 2.0;
            Column {
                x: left + c as f64 * gap,
                units: (0..shown).map(|u| (u, first + u as f64 * slot)).collect(),
                hidden: count - shown,
                frozen: c > 0 && model.layers[c - 1].frozen,
                title: layer_title(model, c, narrow),
            }
        })
        .collect();
    Layout {
        columns,
        size,
        narrow,
        title_y,
        labelled,
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
