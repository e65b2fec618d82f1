//! Pure pixel work for the plot, free of web types so it is tested natively: the heatmap's
//! colour scale, the decision contour (marching squares), the charts' axis ticks, and the loss
//! surface's contour levels and banded colours. The colours come from the [`Palette`] each
//! painter is given.

use super::palette::{Palette, NEUTRAL, NOT_A_NUMBER};

/// How far (0 to 1) the background leans towards a class colour at full confidence; the
/// points keep the full colour so they stand out from the regions. Shared with the map of
/// several classes (`class_paint`).
pub const BACKGROUND_STRENGTH: f32 = 0.62;

/// Maps a value in [-1, 1] to `palette`'s diverging scale (−1 its negative colour, 0 neutral,
/// +1 its positive colour) at the given strength (0 gives neutral, 1 the full class colour).
/// NaN maps to neutral grey.
pub fn diverging(palette: Palette, value: f32, strength: f32) -> [u8; 3] {
    if !value.is_finite() {
        return NOT_A_NUMBER;
    }
    let v = value.clamp(-1.0, 1.0);
    let target = if v >= 0.0 {
        palette.positive()
    } else {
        palette.negative()
    };
    let t = v.abs() * strength;
    let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round() as u8;
    [
        mix(NEUTRAL[0], target[0]),
        mix(NEUTRAL[1], target[1]),
        mix(NEUTRAL[2], target[2]),
    ]
}

/// What the heatmap shows of a model's score f(x).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shading {
    /// Classification: confidence 2σ(f) − 1, so colour depth shows how sure the model is.
    Confidence,
    /// Classification: only the predicted class, hard edges.
    Discrete,
    /// Regression: the predicted value itself, clamped to [-1, 1].
    Value,
}

/// The scale position in [-1, 1] of a score under `shading`.
pub fn shade(score: f32, shading: Shading) -> f32 {
    match shading {
        Shading::Confidence => 2.0 * crate::engine::sigmoid(score) - 1.0,
        Shading::Discrete => {
            if score >= 0.0 {
                1.0
            } else {
                -1.0
            }
        }
        Shading::Value => score,
    }
}

/// Fills `rgba` (4 bytes a cell) from the scores of a grid, in `palette`'s colours.
pub fn fill_heatmap(palette: Palette, scores: &[f32], shading: Shading, rgba: &mut [u8]) {
    for (&s, px) in scores.iter().zip(rgba.chunks_exact_mut(4)) {
        let [r, g, b] = diverging(palette, shade(s, shading), BACKGROUND_STRENGTH);
        px.copy_from_slice(&[r, g, b, 255]);
    }
}

/// Line segments where the grid's values cross `level`, by marching squares over cell centres.
/// Each segment is (x0, y0, x1, y1) in grid units: cell (r, c) is centred at (c + ½, r + ½).
/// Clears and reuses `out`.
pub fn contour(values: &[f32], resolution: usize, level: f32, out: &mut Vec<[f32; 4]>) {
    out.clear();
    let n = resolution;
    if n < 2 || values.len() < n * n {
        return;
    }
    let at = |r: usize, c: usize| values[r * n + c] - level;
    // Where the crossing lies between two corners.
    let lerp = |a: f32, b: f32| {
        if (a - b).abs() < f32::EPSILON {
            0.5
        } else {
            a / (a - b)
        }
    };
    for r in 0..n - 1 {
        for c in 0..n - 1 {
            let (tl, tr, br, bl) = (at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c));
            if [tl, tr, br, bl].iter().any(|v| !v.is_finite()) {
                continue;
            }
            let (x, y) = (c as f32 + 0.5, r as f32 + 0.5);
            let top = (x + lerp(tl, tr), y);
            let right = (x + 1.0, y + lerp(tr, br));
            let bottom = (x + lerp(bl, br), y + 1.0);
            let left = (x, y + lerp(tl, bl));
            let case = (usize::from(tl >= 0.0) << 3)
                | (usize::from(tr >= 0.0) << 2)
                | (usize::from(br >= 0.0) << 1)
                | usize::from(bl >= 0.0);
            let mut push = |a: (f32, f32), b: (f32, f32)| out.push([a.0, a.1, b.0, b.1]);
            match case {
                0 | 15 => {}
                1 | 14 => push(left, bottom),
                2 | 13 => push(bottom, right),
                3 | 12 => push(left, right),
                4 | 11 => push(top, right),
                6 | 9 => push(top, bottom),
                7 | 8 => push(left, top),
                5 => {
                    push(left, top);
                    push(bottom, right);
                }
                10 => {
                    push(top, right);
                    push(left, bottom);
                }
                _ => unreachable!("a four-bit case"),
            }
        }
    }
}

/// Gridline values and their labels for an axis from `lo` to `hi`: round values (whole
/// multiples of 1, 2 or 5 × 10ⁿ), the finest such step that gives at most six, labelled with
/// as many decimals as the step needs and with a minus sign (−), as on the plot's axes. Very
/// small or very large values read like 2.5e−5. Empty when the range is empty or not finite.
pub fn axis_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    round_ticks(lo, hi, 6)
}

/// [`axis_ticks`] with at most `max` values (up to about 20) instead of six.
pub fn round_ticks(lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    // Steps m × 10^e from about a tenth of the span upwards.
    let mut e = (span / 10.0).log10().floor() as i32;
    let mut candidates = std::iter::from_fn(move || {
        let steps = [(1, e), (2, e), (5, e)];
        e += 1;
        Some(steps)
    })
    .flatten();
    let (m, e, first, last) = loop {
        let Some((m, e)) = candidates.next() else {
            return Vec::new();
        };
        let step = m as f64 * 10f64.powi(e);
        let (first, last) = ((lo / step - 1e-9).ceil(), (hi / step + 1e-9).floor());
        if last - first < max as f64 {
            break (m, e, first as i64, last as i64);
        }
    };
    // Each tick is k × 10^e for a whole number k, computed and printed exactly.
    let value = |k: i64| tick_value(k, e);
    let ticks: Vec<i64> = (first..=last)
        .map(|i| i * m)
        .filter(|&k| (lo..=hi).contains(&value(k)))
        .collect();
    let largest = ticks.iter().map(|&k| value(k).abs()).fold(0.0, f64::max);
    let scientific = largest >= 1e6 || (largest > 0.0 && largest < 1e-3);
    ticks
        .into_iter()
        .map(|k| (value(k), tick_label(k, e, scientific)))
        .collect()
}

/// Gridline values and their labels for a logarithmic axis from `lo` to `hi` (both positive),
/// never fewer than two, so even a narrow range is labelled: powers of ten when the range
/// holds at least two (every second, third … one when there would be more than six); else
/// 1, 2 and 5 × 10ⁿ when it holds at least two of those; else the round values of
/// [`axis_ticks`] (a range narrower than from 1 to 2 looks linear anyway). Labels are written
/// as [`axis_ticks`] writes them, in scientific notation (`1e−4`) when a tick is below 0.001 or
/// from a million up. Empty when the range is empty, not finite or not positive.
pub fn log_axis_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let within = |v: f64| (lo * (1.0 - 1e-9)..=hi * (1.0 + 1e-9)).contains(&v);
    let powers = log_steps(lo, hi, &[10], within);
    let ticks = if powers.len() >= 2 {
        thinned(powers, 6)
    } else {
        let round = log_steps(lo, hi, &[10, 20, 50], within);
        if round.len() < 2 {
            return axis_ticks(lo, hi);
        }
        round
    };
    let scientific = ticks
        .iter()
        .any(|&(k, e)| !(1e-3..1e6).contains(&tick_value(k, e)));
    ticks
        .into_iter()
        .map(|(k, e)| (tick_value(k, e), tick_label(k, e, scientific)))
        .collect()
}

/// Mantissas (in tenths: 15 is 1.5) of contour levels per decade, finest first: a surface whose
/// values span few decades gets the finest set that still gives at most the levels asked for.
const LEVEL_MANTISSAS: [&[i64]; 3] = [&[10, 15, 20, 30, 50, 70], &[10, 20, 50], &[10, 30]];

/// Contour levels for a loss surface whose finite values run from `lo` to `hi`, with labels:
/// round values (1, 2 and 5 × 10ⁿ, with 1.5, 3 and 7 too when the range is short; powers of
/// ten, every second or third one if need be, when it is long) evenly spread on a log scale,
/// since a loss spans decades between its valley and its walls; at most `max` of them, strictly
/// between `lo` and `hi`, and no lower than a millionth of `hi`. A range too short for three
/// such values gets evenly spaced round values instead ([`round_ticks`]). Each label is written
/// on its own, as the axes' are (`0.015`, and `2e−5` below a thousandth).
pub fn contour_levels(lo: f64, hi: f64, max: usize) -> Vec<(f64, String)> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo && hi > 0.0 && max > 0) {
        return Vec::new();
    }
    // A loss can touch zero (or underflow towards it): six decades below the top are plenty.
    let floor = lo.max(hi * 1e-6);
    let inside = |v: f64| v > lo && v < hi && v >= floor;
    let levels = |mantissas: &[i64]| log_steps(floor, hi, mantissas, inside);
    if levels(LEVEL_MANTISSAS[0]).len() < 3 {
        return round_ticks(lo, hi, max)
            .into_iter()
            .filter(|t| inside(t.0))
            .collect();
    }
    let chosen = LEVEL_MANTISSAS
        .iter()
        .map(|m| levels(m))
        .find(|l| l.len() <= max)
        .unwrap_or_else(|| thinned(levels(&[10]), max));
    chosen
        .into_iter()
        .map(|(k, e)| {
            let value = tick_value(k, e);
            (value, tick_label(k, e, !(1e-3..1e6).contains(&value)))
        })
        .collect()
}

/// The round values m × 10ⁿ that `keep` accepts, for each mantissa m of `mantissas` (in tenths:
/// 15 is 1.5) and each decade n from `lo`'s to `hi`'s (both positive), ascending, as (k, e) with
/// the value k × 10^e written in the fewest digits.
fn log_steps(lo: f64, hi: f64, mantissas: &[i64], keep: impl Fn(f64) -> bool) -> Vec<(i64, i32)> {
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mut steps = Vec::new();
    for decade in first..=last {
        for &m in mantissas {
            let (mut k, mut e) = (m, decade - 1);
            while k % 10 == 0 {
                (k, e) = (k / 10, e + 1);
            }
            if keep(tick_value(k, e)) {
                steps.push((k, e));
            }
        }
    }
    steps
}

/// Every second, third … of `ticks`, the fewest skipped that leave at most `max`.
fn thinned(ticks: Vec<(i64, i32)>, max: usize) -> Vec<(i64, i32)> {
    let every = ticks.len().div_ceil(max.max(1)).max(1);
    ticks.into_iter().step_by(every).collect()
}

/// k × 10^e, as exactly as a float holds it (dividing by an exact power of ten for e < 0).
fn tick_value(k: i64, e: i32) -> f64 {
    if e >= 0 {
        k as f64 * 10f64.powi(e)
    } else {
        k as f64 / 10f64.powi(-e)
    }
}

/// Colour stops of the loss surface's scale, low to high (viridis: dark valleys, bright walls,
/// readable by the colour-blind and in greyscale).
const SURFACE_STOPS: [[u8; 3]; 5] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
];

/// The colour at `t` (0 to 1) of the loss surface's scale.
pub fn surface_colour(t: f64) -> [u8; 3] {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * (SURFACE_STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(SURFACE_STOPS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (SURFACE_STOPS[i], SURFACE_STOPS[i + 1]);
    [0, 1, 2].map(|k| (a[k] as f64 + (b[k] as f64 - a[k] as f64) * f).round() as u8)
}

/// Fills `rgba` (4 bytes a value) with a filled contour map of a loss surface: each value takes
/// the colour of the band between `levels` (ascending) it lies in, darkest for the band below the
/// first level and brightest above the last. Values that are not finite (a loss that overflowed)
/// are grey.
pub fn fill_bands(values: &[f32], levels: &[f64], rgba: &mut [u8]) {
    let bands = levels.len().max(1) as f64;
    for (&v, px) in values.iter().zip(rgba.chunks_exact_mut(4)) {
        let [r, g, b] = if v.is_finite() {
            let band = levels.partition_point(|&level| level <= v as f64);
            surface_colour(band as f64 / bands)
        } else {
            [200, 200, 200]
        };
        px.copy_from_slice(&[r, g, b, 255]);
    }
}

/// Resamples a `nodes × nodes` grid of values (row by row) onto a finer `fine × fine` grid over
/// the same square by bilinear interpolation, so a filled contour map drawn from it has smooth
/// band edges: fine node (i, j) sits at (i, j) · (nodes − 1)/(fine − 1) in coarse node units,
/// so the corners (and every coarse node, when fine − 1 is a multiple of nodes − 1) keep their
/// values. A value that is not finite spreads only as far as its own weight does. Clears and
/// refills `out`; leaves it empty when `values` holds fewer than `nodes²` values.
pub fn upsample(values: &[f32], nodes: usize, fine: usize, out: &mut Vec<f32>) {
    out.clear();
    if nodes == 0 || fine == 0 || values.len() < nodes * nodes {
        return;
    }
    let scale = if fine > 1 {
        (nodes - 1) as f64 / (fine - 1) as f64
    } else {
        0.0
    };
    // Where fine index i falls: the coarse node at or before it and the weight of the next one.
    let place = |i: usize| {
        let x = i as f64 * scale;
        let k = (x.floor() as usize).min(nodes.saturating_sub(2));
        (k, x - k as f64)
    };
    let at = |r: usize, c: usize| values[r.min(nodes - 1) * nodes + c.min(nodes - 1)] as f64;
    for i in 0..fine {
        let (r, fy) = place(i);
        for j in 0..fine {
            let (c, fx) = place(j);
            let terms = [
                ((1.0 - fy) * (1.0 - fx), at(r, c)),
                ((1.0 - fy) * fx, at(r, c + 1)),
                (fy * (1.0 - fx), at(r + 1, c)),
                (fy * fx, at(r + 1, c + 1)),
            ];
            let value: f64 = terms.iter().filter(|t| t.0 != 0.0).map(|t| t.0 * t.1).sum();
            out.push(value as f32);
        }
    }
}

/// The part of the segment from `a` to `b` inside the box from `lo` to `hi` (Liang–Barsky), or
/// `None` when it misses the box or an end is not finite: for drawing paths whose points may be
/// far beyond the canvas (a run blowing up), which canvases do not draw reliably.
pub fn clip_segment(a: [f64; 2], b: [f64; 2], lo: [f64; 2], hi: [f64; 2]) -> Option<([f64; 2], [f64; 2])> {
    if !a.iter().chain(&b).all(|v| v.is_finite()) {
        return None;
    }
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for k in 0..2 {
        let d = b[k] - a[k];
        for (p, q) in [(-d, a[k] - lo[k]), (d, hi[k] - a[k])] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
    }
    let at = |t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    (t0 <= t1).then(|| (at(t0), at(t1)))
}

/// k × 10^e written out: with −e decimals, or as a mantissa and an exponent.
fn tick_label(k: i64, e: i32, scientific: bool) -> String {
    if k == 0 {
        return "0".into();
    }
    let sign = if k < 0 { "−" } else { "" };
    let mut digits = k.unsigned_abs().to_string();
    if scientific {
        let mut e = e;
        while digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
            e += 1;
        }
        let exponent = e + digits.len() as i32 - 1;
        let (lead, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() {
            lead.to_string()
        } else {
            format!("{lead}.{rest}")
        };
        let exponent = exponent.to_string().replace('-', "−");
        format!("{sign}{mantissa}e{exponent}")
    } else if e >= 0 {
        format!("{sign}{digits}{}", "0".repeat(e as usize))
    } else {
        let decimals = (-e) as usize;
        if digits.len() <= decimals {
            digits = format!("{}{digits}", "0".repeat(decimals + 1 - digits.len()));
        }
        let (whole, fraction) = digits.split_at(digits.len() - decimals);
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The feature space's gridlines sit at round values (whole multiples of 1, 2 or 5 × 10ⁿ)
    /// and their labels write negatives with a minus sign, as the plot's axes do.
    #[test]
    fn axis_ticks_are_round_and_negatives_have_a_minus_sign() {
        let labels = |lo, hi| axis_ticks(lo, hi).into_iter().map(|t| t.1).collect::<Vec<_>>();
        assert_eq!(labels(-0.4637, 0.4512), ["−0.4", "−0.2", "0", "0.2", "0.4"]);
        assert_eq!(labels(-0.05, 0.05), ["−0.04", "−0.02", "0", "0.02", "0.04"]);
        assert_eq!(
            labels(0.0213, 0.0871),
            ["0.03", "0.04", "0.05", "0.06", "0.07", "0.08"]
        );
        assert_eq!(labels(-2.3, 7.9), ["−2", "0", "2", "4", "6"]);
        assert_eq!(labels(-1234.0, 56.0), ["−1000", "−500", "0"]);
        assert_eq!(labels(-7.0, -6.2), ["−7.0", "−6.8", "−6.6", "−6.4", "−6.2"]);
        assert_eq!(labels(1.1e-5, 3.2e-5), ["1.5e−5", "2e−5", "2.5e−5", "3e−5"]);
        for (lo, hi) in [
            (-0.91, 0.37),
            (-3e4, 2e5),
            (0.5, 0.5001),
            (-7.0, -6.2),
            (-1e-7, 1e-7),
        ] {
            let ticks = axis_ticks(lo, hi);
            assert!((3..=6).contains(&ticks.len()), "{lo}..{hi}: {ticks:?}");
            let step = ticks[1].0 - ticks[0].0;
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-6),
                "{lo}..{hi}: step {step}"
            );
            for (v, label) in &ticks {
                assert!(lo <= *v && *v <= hi, "{lo}..{hi}: {v}");
                assert!(
                    (v / step - (v / step).round()).abs() < 1e-6,
                    "{lo}..{hi}: {v} is not a whole step"
                );
                assert!(!label.contains('-'), "{label}: a hyphen for a minus sign");
                let read: f64 = label.replace('−', "-").parse().unwrap();
                assert!((read - v).abs() <= 1e-9 * step.abs().max(1.0), "{label} for {v}");
            }
        }
    }

    /// A log axis is labelled at every width: decades when it spans them, 1–2–5 steps within
    /// about a decade, and round linear values when narrower still (the loss chart on a narrow
    /// range used to show no labels at all).
    #[test]
    fn log_axis_ticks_always_label_the_axis() {
        let labels = |lo, hi| {
            log_axis_ticks(lo, hi)
                .into_iter()
                .map(|t| t.1)
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(0.008, 3.0), ["0.01", "0.1", "1"]);
        assert_eq!(labels(2e-5, 0.3), ["1e−4", "1e−3", "1e−2", "1e−1"]);
        assert_eq!(labels(1e-9, 5e2), ["1e−9", "1e−7", "1e−5", "1e−3", "1e−1", "1e1"]);
        assert_eq!(labels(0.04, 0.9), ["0.05", "0.1", "0.2", "0.5"]);
        assert_eq!(labels(3.0, 70.0), ["5", "10", "20", "50"]);
        assert_eq!(labels(1.0, 50_000.0), ["1", "10", "100", "1000", "10000"]);
        assert_eq!(
            labels(0.0823, 0.0951),
            ["0.084", "0.086", "0.088", "0.090", "0.092", "0.094"]
        );
        assert_eq!(
            labels(0.4931, 0.4932),
            ["0.49310", "0.49312", "0.49314", "0.49316", "0.49318", "0.49320"]
        );
        for (lo, hi) in [
            (0.0823, 0.0951),
            (0.11, 0.19),
            (1e-7, 1e-6),
            (0.3, 0.31),
            (1.0, 1e12),
            (4.9e-3, 5.1e-3),
            (0.4931, 0.4932),
        ] {
            let ticks = log_axis_ticks(lo, hi);
            assert!((2..=6).contains(&ticks.len()), "{lo}..{hi}: {ticks:?}");
            for (v, label) in &ticks {
                assert!(
                    lo * (1.0 - 1e-9) <= *v && *v <= hi * (1.0 + 1e-9),
                    "{lo}..{hi}: {v}"
                );
                assert!(!label.is_empty() && !label.contains('-'), "{label}");
                let read: f64 = label.replace('−', "-").parse().unwrap();
                assert!((read - v).abs() <= 1e-9 * v.abs(), "{label} for {v}");
            }
        }
        for (lo, hi) in [
            (0.0, 1.0),
            (-1.0, 1.0),
            (2.0, 1.0),
            (1.0, f64::INFINITY),
            (f64::NAN, 1.0),
        ] {
            assert!(log_axis_ticks(lo, hi).is_empty(), "{lo}..{hi}");
        }
    }

    #[test]
    fn the_scale_runs_from_blue_through_neutral_to_orange() {
        for palette in Palette::ALL {
            let (positive, negative) = (palette.positive(), palette.negative());
            assert_eq!(diverging(palette, 1.0, 1.0), positive);
            assert_eq!(diverging(palette, -1.0, 1.0), negative);
            assert_eq!(diverging(palette, 0.0, 1.0), NEUTRAL);
            assert_eq!(diverging(palette, 5.0, 1.0), positive);
            assert_eq!(diverging(palette, f32::NAN, 1.0), [200, 200, 200]);
            // Half way, half way between neutral and the class colour.
            let half = diverging(palette, -0.5, 1.0);
            for c in 0..3 {
                let middle = (NEUTRAL[c] as f32 + negative[c] as f32) / 2.0;
                assert!((half[c] as f32 - middle).abs() <= 0.5, "{palette:?}: {half:?}");
            }
        }
        assert_eq!(shade(-3.0, Shading::Discrete), -1.0);
        assert!((shade(0.0, Shading::Confidence)).abs() < 1e-6);
        let mut rgba = [0u8; 8];
        fill_heatmap(Palette::Standard, &[10.0, -10.0], Shading::Confidence, &mut rgba);
        assert!(rgba[0] > rgba[2] && rgba[6] > rgba[4]);
        assert_eq!((rgba[3], rgba[7]), (255, 255));
    }

    /// The heatmap paints in the palette it is given: confident cells at the background
    /// strength of that palette's class colours, unsure ones neutral.
    #[test]
    fn the_heatmap_paints_the_palette_s_colours() {
        for palette in Palette::ALL {
            let mut rgba = [0u8; 12];
            fill_heatmap(palette, &[1.0, -1.0, 0.0], Shading::Discrete, &mut rgba);
            assert_eq!(rgba[..3], diverging(palette, 1.0, BACKGROUND_STRENGTH));
            assert_eq!(rgba[4..7], diverging(palette, -1.0, BACKGROUND_STRENGTH));
            fill_heatmap(palette, &[0.0], Shading::Confidence, &mut rgba);
            assert_eq!(rgba[..3], NEUTRAL);
        }
        let (mut standard, mut safe) = ([0u8; 4], [0u8; 4]);
        fill_heatmap(Palette::Standard, &[3.0], Shading::Value, &mut standard);
        fill_heatmap(Palette::ColourBlind, &[3.0], Shading::Value, &mut safe);
        assert_ne!(standard, safe);
    }

    /// In the colour-blind palette the two sides of the scale stay apart whoever looks: every
    /// value from ±0.3 up at the background strength differs plainly (ΔE*ab ≥ 15) from its
    /// opposite, and each side of the heatmap darkens steadily away from neutral, so the scale
    /// reads as an order under deuteranopia, protanopia and tritanopia too.
    #[test]
    fn the_colour_blind_scale_stays_apart_under_every_deficiency() {
        use crate::page::colour_vision::{delta_e, Vision};
        let palette = Palette::ColourBlind;
        for vision in Vision::ALL {
            for tenth in 3..=10 {
                let t = tenth as f32 / 10.0;
                let (above, below) = (
                    diverging(palette, t, BACKGROUND_STRENGTH),
                    diverging(palette, -t, BACKGROUND_STRENGTH),
                );
                let d = delta_e(above, below, vision);
                assert!(d >= 15.0, "{vision:?}: ±{t} are {d:.1} apart");
            }
            for sign in [1.0, -1.0] {
                let mut last = 0.0;
                for tenth in 1..=10 {
                    let v = sign * tenth as f32 / 10.0;
                    let from_neutral = delta_e(diverging(palette, v, BACKGROUND_STRENGTH), NEUTRAL, vision);
                    assert!(
                        from_neutral > last + 1.0,
                        "{vision:?}: {v} is {from_neutral:.1} from neutral"
                    );
                    last = from_neutral;
                }
            }
        }
    }

    #[test]
    fn the_contour_of_a_vertical_split_is_a_vertical_line() {
        let n = 10;
        // Values −1 on the left half, +1 on the right: the zero crossing is at x = 5 in
        // cell-centre units.
        let values: Vec<f32> = (0..n * n).map(|i| if i % n < 5 { -1.0 } else { 1.0 }).collect();
        let mut segments = Vec::new();
        contour(&values, n, 0.0, &mut segments);
        assert_eq!(segments.len(), n - 1);
        for s in &segments {
            assert!((s[0] - 5.0).abs() < 1e-6 && (s[2] - 5.0).abs() < 1e-6, "{s:?}");
        }
        contour(&vec![1.0; n * n], n, 0.0, &mut segments);
        assert!(segments.is_empty());
    }

    #[test]
    fn the_contour_of_a_circle_stays_on_the_circle() {
        let n = 60;
        let values: Vec<f32> = (0..n * n)
            .map(|i| {
                let (r, c) = ((i / n) as f32 + 0.5, (i % n) as f32 + 0.5);
                let (dx, dy) = (c - 30.0, r - 30.0);
                (dx * dx + dy * dy).sqrt() - 20.0
            })
            .collect();
        let mut segments = Vec::new();
        contour(&values, n, 0.0, &mut segments);
        assert!(segments.len() > 100);
        for s in &segments {
            let radius = ((s[0] - 30.0).powi(2) + (s[1] - 30.0).powi(2)).sqrt();
            assert!((radius - 20.0).abs() < 0.1, "{radius}");
        }
    }

    /// Loss surfaces span decades: levels are round values spread on a log scale, within the
    /// range, no more than asked for, and a short range falls back to round linear steps.
    #[test]
    fn contour_levels_are_round_and_log_spaced_within_the_range() {
        let values = |lo, hi, max| {
            contour_levels(lo, hi, max)
                .into_iter()
                .map(|l| l.1)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            values(0.05, 3.0, 20),
            ["0.07", "0.1", "0.15", "0.2", "0.3", "0.5", "0.7", "1", "1.5", "2"]
        );
        assert_eq!(values(0.05, 3.0, 8), ["0.1", "0.2", "0.5", "1", "2"]);
        assert_eq!(values(0.0, 100.0, 12).first().map(String::as_str), Some("1e−4"));
        assert_eq!(
            values(0.69, 0.71, 10),
            ["0.695", "0.700", "0.705"],
            "as the axis ticks"
        );
        assert_eq!(values(1e-5, 1e-2, 6), ["3e−5", "1e−4", "3e−4", "0.001", "0.003"]);
        for (lo, hi, max) in [(0.01, 50.0, 10), (1e-9, 1e9, 8), (0.3, 0.9, 10), (2.0, 2000.0, 4)] {
            let levels = contour_levels(lo, hi, max);
            assert!(
                !levels.is_empty() && levels.len() <= max,
                "{lo}..{hi}: {levels:?}"
            );
            assert!(levels.windows(2).all(|w| w[0].0 < w[1].0));
            for (v, label) in &levels {
                assert!(lo < *v && *v < hi, "{lo}..{hi}: {v}");
                let read: f64 = label.replace('−', "-").parse().unwrap();
                assert!((read - v).abs() <= 1e-9 * v.abs(), "{label} for {v}");
            }
        }
        for (lo, hi) in [(1.0, 1.0), (f64::NAN, 1.0), (0.0, f64::INFINITY), (-1.0, 0.0)] {
            assert!(contour_levels(lo, hi, 10).is_empty(), "{lo}..{hi}");
        }
    }

    /// Bilinear resampling reproduces a bilinear function exactly at any resolution, keeps the
    /// coarse nodes, and keeps an overflow to the cells that touch it.
    #[test]
    fn upsampling_is_exact_for_bilinear_values_and_keeps_the_nodes() {
        let f = |x: f64, y: f64| 0.5 + 2.0 * x - 3.0 * y + 1.5 * x * y;
        for (nodes, fine) in [(2, 2), (2, 7), (5, 17), (17, 257), (5, 9), (4, 1)] {
            let coarse: Vec<f32> = (0..nodes * nodes)
                .map(|k| f((k % nodes) as f64, (k / nodes) as f64) as f32)
                .collect();
            let mut out = Vec::new();
            upsample(&coarse, nodes, fine, &mut out);
            assert_eq!(out.len(), fine * fine);
            let scale = if fine > 1 {
                (nodes - 1) as f64 / (fine - 1) as f64
            } else {
                0.0
            };
            for (k, &v) in out.iter().enumerate() {
                let (x, y) = ((k % fine) as f64 * scale, (k / fine) as f64 * scale);
                assert!(
                    (v as f64 - f(x, y)).abs() < 1e-4,
                    "{nodes}→{fine} at ({x}, {y}): {v}"
                );
            }
        }
        let mut values = vec![1.0f32; 9];
        values[0] = f32::INFINITY;
        let mut out = Vec::new();
        upsample(&values, 3, 5, &mut out);
        assert!(out[0].is_infinite() && out[1].is_infinite());
        assert_eq!(out[2], 1.0, "a coarse node beside the overflow keeps its value");
        assert!(out[24] == 1.0 && out.iter().all(|v| !v.is_nan()));
        upsample(&values, 4, 5, &mut out);
        assert!(out.is_empty(), "too few values");
    }

    /// Clipped segments stay on their line and inside the box; segments that miss it, or have
    /// an end that is not finite, give nothing; ends far beyond it are handled exactly.
    #[test]
    fn segments_are_clipped_to_the_box() {
        let (lo, hi) = ([0.0, 0.0], [10.0, 10.0]);
        assert_eq!(
            clip_segment([2.0, 3.0], [4.0, 5.0], lo, hi),
            Some(([2.0, 3.0], [4.0, 5.0]))
        );
        assert_eq!(
            clip_segment([-5.0, 5.0], [15.0, 5.0], lo, hi),
            Some(([0.0, 5.0], [10.0, 5.0]))
        );
        let (a, b) = clip_segment([5.0, 5.0], [5e37, 2.5e37], lo, hi).unwrap();
        assert_eq!(a, [5.0, 5.0]);
        assert!((b[0] - 10.0).abs() < 1e-9 && (b[1] - 7.5).abs() < 1e-6, "{b:?}");
        assert_eq!(clip_segment([-5.0, -5.0], [-1.0, 20.0], lo, hi), None);
        assert_eq!(clip_segment([11.0, 0.0], [20.0, 9.0], lo, hi), None);
        assert_eq!(clip_segment([1.0, 1.0], [f64::INFINITY, 1.0], lo, hi), None);
        let mut rng = crate::engine::Rng::new(7);
        for _ in 0..2000 {
            let mut p = || [rng.uniform(-30.0, 40.0), rng.uniform(-30.0, 40.0)];
            let (a, b) = (p(), p());
            let inside = |q: [f64; 2]| (0..2).all(|k| (lo[k]..=hi[k]).contains(&q[k]));
            if inside(a) {
                assert_eq!(
                    clip_segment(a, b, lo, hi).map(|c| c.0),
                    Some(a),
                    "an end inside stays"
                );
            }
            if let Some((c, d)) = clip_segment(a, b, lo, hi) {
                for q in [c, d] {
                    assert!(
                        (0..2).all(|k| (lo[k] - 1e-9..=hi[k] + 1e-9).contains(&q[k])),
                        "{q:?}"
                    );
                    let cross = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
                    assert!(
                        cross.abs() < 1e-6 * (1.0 + (b[0] - a[0]).hypot(b[1] - a[1]).powi(2)),
                        "{a:?} {b:?} {q:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn surface_bands_darken_towards_the_valley() {
        let levels = [0.1, 1.0];
        let mut rgba = [0u8; 16];
        fill_bands(&[0.05, 0.5, 5.0, f32::INFINITY], &levels, &mut rgba);
        let brightness = |px: &[u8]| px[0] as u32 + px[1] as u32 + px[2] as u32;
        assert!(
            brightness(&rgba[0..4]) < brightness(&rgba[4..8])
                && brightness(&rgba[4..8]) < brightness(&rgba[8..12])
        );
        assert_eq!(&rgba[0..3], &SURFACE_STOPS[0]);
        assert_eq!(&rgba[8..11], &SURFACE_STOPS[4]);
        assert_eq!(&rgba[12..16], &[200, 200, 200, 255]);
        assert_eq!(surface_colour(0.5), SURFACE_STOPS[2]);
    }
}
