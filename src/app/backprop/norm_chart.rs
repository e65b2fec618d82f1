//! The gradient-norm chart: each trainable layer's gradient norm over time, on a log axis; in
//! compare mode with the second run's first and last trainable layers dashed over it.

use crate::app::canvas::fit_backing_store;
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

/// Draws each trainable layer's gradient norm over time on a log axis, and with `second` that
/// run's first and last trainable layers dashed, in the colours of this run's first and last.
pub fn draw_norm_chart(
    canvas: &HtmlCanvasElement,
    history: &[NormSample],
    frozen: &[bool],
    second: Option<NormRun>,
) {
    let (_, _, ratio) = fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let font = (12.0 * ratio) as u32;
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
        .unwrap_or(1)
        .max(1) as f64;
    let width = (2.0 * ratio).round().max(1.0) as u32;
    let layer_line = |run: &[NormSample], layers: usize, l: usize| -> Vec<(f64, f64)> {
        run.iter()
            .filter(|s| s.layers == layers && s.norms[l] > 0.0 && s.norms[l].is_finite())
            .map(|s| (s.step as f64, s.norms[l]))
            .collect()
    };
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let mut chart = ChartBuilder::on(&root)
            .margin(font / 2)
            .x_label_area_size(font * 2)
            .y_label_area_size(font * 4)
            .build_cartesian_2d(0.0..last, (lo * 0.7..hi * 1.4).log_scale())?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", font))
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&crate::app::chart::step_label)
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .light_line_style(BLACK.mix(0.04))
            .bold_line_style(BLACK.mix(0.1))
            .draw()?;
        let layers = history.last().map_or(0, |s| s.layers);
        for l in 0..layers {
            if frozen.get(l).copied().unwrap_or(false) {
                continue;
            }
            let colour = LAYER_COLOURS[l % LAYER_COLOURS.len()];
            chart.draw_series(LineSeries::new(
                layer_line(history, layers, l),
                colour.stroke_width(width),
            ))?;
        }
        if let Some((run, run_frozen)) = second {
            let ours = first_and_last(layers, frozen);
            let theirs_layers = run.last().map_or(0, |s| s.layers);
            let theirs = first_and_last(theirs_layers, run_frozen);
            let (dash, gap) = ((6.0 * ratio).round() as u32, (4.0 * ratio).round() as u32);
            for (i, &l) in theirs.iter().enumerate() {
                // First with first, last with last: the colour of this run's layer in that role.
                let role = if i + 1 == theirs.len() {
                    ours.last()
                } else {
                    ours.first()
                };
                let colour = LAYER_COLOURS[role.copied().unwrap_or(l) % LAYER_COLOURS.len()];
                chart.draw_series(DashedLineSeries::new(
                    layer_line(run, theirs_layers, l),
                    dash,
                    gap,
                    colour.stroke_width(width),
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
