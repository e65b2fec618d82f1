//! The sweep lab's chart: training and test error against the number of random features k
//! on a log axis, with kernel ridge regression's errors as dashed reference lines.

use super::canvas::{fit_backing_store, text_scale};
use crate::engine::labs::sweep::{Sweep, SWEEP_SIZES};
use crate::engine::Task;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

const TEST_COLOUR: RGBColor = RGBColor(138, 92, 214);
const TRAIN_COLOUR: RGBColor = RGBColor(29, 36, 51);
const KERNEL_COLOUR: RGBColor = RGBColor(214, 39, 40);

/// Draws the sweep's errors against k (log axis), with the kernel ridge errors as dashed
/// reference lines.
pub fn paint_sweep(canvas: &HtmlCanvasElement, sweep: &Sweep) {
    let (_, _, ratio) = fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    if let Err(e) = draw_sweep(&root, sweep, ratio) {
        web_sys::console::warn_1(&format!("sweep chart: {e}").into());
    }
    let _ = root.present();
}

fn draw_sweep(
    root: &DrawingArea<CanvasBackend, plotters::coord::Shift>,
    sweep: &Sweep,
    ratio: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let font = (12.0 * ratio * text_scale()) as u32;
    let kernel = sweep.kernel_result();
    let top = sweep
        .rows()
        .iter()
        .flat_map(|r| r.draws.iter().copied().chain([r.train_error]))
        .chain(kernel.iter().flat_map(|k| [k.test_error, k.train_error]))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let top = match sweep.task() {
        Task::Classification => top.clamp(0.1, 1.0) * 1.08,
        Task::Regression => top.max(1e-3) * 1.08,
    };
    // A little room below zero, so a line at 0% error shows above the axis instead of on it.
    let bottom = -0.04 * top;
    let last_k = *SWEEP_SIZES.last().unwrap_or(&1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(font / 2)
        .x_label_area_size(font * 3)
        .y_label_area_size(font * 4)
        .build_cartesian_2d((0.8..last_k * 1.25).log_scale(), bottom..top)?;
    let error_name = match sweep.task() {
        Task::Classification => "error rate",
        Task::Regression => "mean squared error",
    };
    chart
        .configure_mesh()
        .label_style(("sans-serif", font))
        .x_desc("k, the number of random features (log scale)")
        .y_desc(error_name)
        .x_label_formatter(&|v| format!("{v:.0}"))
        // No labels in the padding below zero.
        .y_label_formatter(&|v| {
            if *v < -1e-9 {
                String::new()
            } else {
                format!("{:.2}", v.abs())
            }
        })
        .light_line_style(BLACK.mix(0.04))
        .bold_line_style(BLACK.mix(0.1))
        .draw()?;
    let width = (2.0 * ratio).round().max(1.0) as u32;
    let swatch = (16.0 * ratio).round() as i32;
    let radius = (3.5 * ratio) as i32;
    if let Some(k) = kernel {
        for (value, colour, label) in [
            (k.test_error, KERNEL_COLOUR.mix(1.0), "kernel ridge, test"),
            (k.train_error, KERNEL_COLOUR.mix(0.45), "kernel ridge, training"),
        ] {
            let dashes = (0..40).map(|i| {
                let (a, b) = (
                    0.8 * (last_k * 1.6f64).powf(i as f64 / 40.0),
                    0.8 * (last_k * 1.6f64).powf((i as f64 + 0.5) / 40.0),
                );
                PathElement::new(vec![(a, value), (b, value)], colour.stroke_width(width))
            });
            chart.draw_series(dashes)?.label(label).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], colour.stroke_width(width))
            });
        }
    }
    let rows = sweep.rows();
    let draws = rows
        .iter()
        .flat_map(|r| r.draws.iter().map(move |&e| (r.k as f64, e)))
        .filter(|p| p.1.is_finite());
    chart.draw_series(draws.map(|p| Circle::new(p, radius / 2 + 1, TEST_COLOUR.mix(0.35).filled())))?;
    for (colour, label, pick) in [
        (
            TRAIN_COLOUR.mix(0.5),
            "random features, training",
            (|r: &crate::engine::labs::sweep::SweepRow| r.train_error)
                as fn(&crate::engine::labs::sweep::SweepRow) -> f64,
        ),
        (TEST_COLOUR.mix(1.0), "random features, test", |r| r.test_error),
    ] {
        let line: Vec<(f64, f64)> = rows
            .iter()
            .map(|r| (r.k as f64, pick(r)))
            .filter(|p| p.1.is_finite())
            .collect();
        chart
            .draw_series(LineSeries::new(line.clone(), colour.stroke_width(width)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], colour.stroke_width(width))
            });
        chart.draw_series(line.into_iter().map(|p| Circle::new(p, radius, colour.filled())))?;
    }
    super::chart::draw_legend(&mut chart, font, swatch)
}
