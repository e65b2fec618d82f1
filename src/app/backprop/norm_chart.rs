//! The gradient-norm chart: each trainable layer's gradient norm over time, on a log axis.

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

/// Draws each trainable layer's gradient norm over time on a log axis.
pub fn draw_norm_chart(canvas: &HtmlCanvasElement, history: &[NormSample], frozen: &[bool]) {
    let (_, _, ratio) = fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let font = (12.0 * ratio) as u32;
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
    let last = history.last().map_or(1, |s| s.step).max(1) as f64;
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
            let points: Vec<(f64, f64)> = history
                .iter()
                .filter(|s| s.layers == layers && s.norms[l] > 0.0 && s.norms[l].is_finite())
                .map(|s| (s.step as f64, s.norms[l]))
                .collect();
            chart.draw_series(LineSeries::new(
                points,
                colour.stroke_width((2.0 * ratio).round().max(1.0) as u32),
            ))?;
        }
        Ok(())
    };
    if let Err(e) = draw() {
        web_sys::console::warn_1(&format!("gradient chart: {e}").into());
    }
    let _ = root.present();
}
