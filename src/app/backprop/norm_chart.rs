//! The gradient-norm chart: each trainable layer's gradient norm over time, on a log axis,
//! smoothed (bold) over the raw norms (faint).

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

/// Draws each trainable layer's gradient norm over time on a log axis: the raw norms faint,
/// their moving average bold (see [`smoothed_norms`]), against steps on a linear or
/// logarithmic axis (`log_steps`).
pub fn draw_norm_chart(canvas: &HtmlCanvasElement, history: &[NormSample], frozen: &[bool], log_steps: bool) {
    let (_, _, ratio) = fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let font = (12.0 * ratio * text_scale()) as u32;
    let values = history
        .iter()
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
    let steps = Axis::steps(history.last().map_or(1, |s| s.step), log_steps);
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
        Ok(())
    };
    if let Err(e) = draw() {
        web_sys::console::warn_1(&format!("gradient chart: {e}").into());
    }
    let _ = root.present();
}
