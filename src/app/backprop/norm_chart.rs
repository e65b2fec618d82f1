//! The gradient-norm chart: each trainable layer's gradient norm over time, on a log axis,
//! smoothed (bold) over the raw norms (faint); in compare mode with the second run's first and
//! last trainable layers (smoothed) dashed over it.

use crate::app::axes::Axis;
use crate::app::canvas::{fit_backing_store, text_scale};
use crate::app::chart::chart_on;
use crate::page::charts::{smoothed_norms, NORM_SMOOTHING_SPAN};
use crate::page::session::NormSample;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Colours of the per-layer lines in the gradient-norm chart, input side first.
const LAYER_COLOURS: [RGBColor; 9] = [
    RGBColor(47, 111, 219),
    RGBColor(138, 92, 214),
    RGBColor(46, 160, 67),
    RGBColor(214, 92, 146),
    RGBColor(232, 116, 59),
    RGBColor(31, 119, 180),
    RGBColor(120, 90, 40),
    RGBColor(90, 90, 90),
    RGBColor(29, 36, 51),
];

/// The CSS colour of layer `l`'s line, for legends in the page.
pub fn layer_colour(l: usize) -> String {
    let RGBColor(r, g, b) = LAYER_COLOURS[l % LAYER_COLOURS.len()];
    format!("rgb({r}, {g}, {b})")
}

/// One run's gradient norms over time, and which of its layers are frozen.
pub type NormRun<'a> = (&'a [NormSample], &'a [bool]);

/// The indices of the first and last trainable layers of a run whose last sample has `layers`
/// layers (one index when only one trains).
fn first_and_last(layers: usize, frozen: &[bool]) -> Vec<usize> {
    let mut trainable = (0..layers).filter(|&l| !frozen.get(l).copied().unwrap_or(false));
    let (first, last) = (trainable.next(), trainable.next_back());
    first.into_iter().chain(last).collect()
}

/// Draws each trainable layer's gradient norm over time on a log axis: the raw norms faint,
/// their moving average bold (see [`smoothed_norms`]), against steps on a linear or
/// logarithmic axis (`log_steps`); with `second`, that run's first and last trainable layers'
/// moving averages dashed, in the colours of this run's first and last.
pub fn draw_norm_chart(
    canvas: &HtmlCanvasElement,
    (history, frozen): NormRun,
    second: Option<NormRun>,
    log_steps: bool,
) {
    let (_, _, ratio) = fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let font = (12.0 * ratio * text_scale()) as u32;
    let runs = std::iter::once(history).chain(second.map(|(run, _)| run));
    let values = runs
        .clone()
        .flatten()
        .flat_map(|s| s.norms[..s.layers].iter().copied())
        .filter(|v| *v > 0.0 && v.is_finite());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        let grey = BLACK.mix(0.5);
        let style = TextStyle::from(("sans-serif", font).into_font()).color(&grey);
        let _ = root.draw_text(
            "Gradient norms appear here once training starts.",
            &style,
            (10, 10),
        );
        let _ = root.present();
        return;
    }
    let last = runs
        .filter_map(|run| run.last())
        .map(|s| s.step)
        .max()
        .unwrap_or(1);
    let steps = Axis::steps(last, log_steps);
    let norms = Axis::values(lo * 0.7, hi * 1.4, true);
    let smoothed = smoothed_norms(history, NORM_SMOOTHING_SPAN);
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let mut chart = chart_on(&root, &steps, &norms, font)?;
        let layers = history.last().map_or(0, |s| s.layers);
        let bold = (2.5 * ratio).round().max(1.0) as u32;
        let faint = ratio.round().max(1.0) as u32;
        for l in 0..layers {
            if frozen.get(l).copied().unwrap_or(false) {
                continue;
            }
            let colour = LAYER_COLOURS[l % LAYER_COLOURS.len()];
            let line = |samples: &[NormSample]| -> Vec<(f64, f64)> {
                samples
                    .iter()
                    .filter(|s| s.layers == layers && s.norms[l] > 0.0 && s.norms[l].is_finite())
                    .map(|s| (steps.at(s.step as f64), norms.at(s.norms[l])))
                    .collect()
            };
            chart.draw_series(LineSeries::new(
                line(history),
                colour.mix(0.3).stroke_width(faint),
            ))?;
            chart.draw_series(LineSeries::new(line(&smoothed), colour.stroke_width(bold)))?;
        }
        if let Some((run, run_frozen)) = second {
            let ours = first_and_last(layers, frozen);
            let theirs_layers = run.last().map_or(0, |s| s.layers);
            let theirs = first_and_last(theirs_layers, run_frozen);
            let smoothed = smoothed_norms(run, NORM_SMOOTHING_SPAN);
            let (dash, gap) = ((6.0 * ratio).round() as u32, (4.0 * ratio).round() as u32);
            for (i, &l) in theirs.iter().enumerate() {
                // First with first, last with last: the colour of this run's layer in that role.
                let role = if i + 1 == theirs.len() {
                    ours.last()
                } else {
                    ours.first()
                };
                let colour = LAYER_COLOURS[role.copied().unwrap_or(l) % LAYER_COLOURS.len()];
                let points: Vec<(f64, f64)> = smoothed
                    .iter()
                    .filter(|s| s.layers == theirs_layers && s.norms[l] > 0.0 && s.norms[l].is_finite())
                    .map(|s| (steps.at(s.step as f64), norms.at(s.norms[l])))
                    .collect();
                chart.draw_series(DashedLineSeries::new(
                    points,
                    dash,
                    gap,
                    colour.stroke_width(bold),
                ))?;
            }
        }
        Ok(())
    };
    if let Err(e) = draw() {
        web_sys::console::warn_1(&format!("gradient chart: {e}").into());
    }
    let _ = root.present();
}
