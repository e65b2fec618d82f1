//! The loss chart: training and test loss against the step count, drawn with plotters on a
//! canvas, on a linear or logarithmic axis.

use crate::page::session::HistoryPoint;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

// Neither class colour, so the chart never reads as "class 1 against class 2".
const TRAIN_COLOUR: RGBColor = RGBColor(29, 36, 51);
const TEST_COLOUR: RGBColor = RGBColor(138, 92, 214);

/// One line of a chart: its colour, its label in the legend, and its (step, value) points.
pub struct Line<'a> {
    /// Its colour.
    pub colour: RGBColor,
    /// Its label in the legend.
    pub label: &'a str,
    /// (step, value), steps ascending.
    pub points: Vec<(f64, f64)>,
}

/// Draws the history onto `canvas` (sized to its CSS box times the pixel ratio).
pub fn draw_loss_chart(canvas: &HtmlCanvasElement, history: &[HistoryPoint], log_scale: bool) {
    let line = |colour, label, pick: fn(&HistoryPoint) -> f64| Line {
        colour,
        label,
        points: history.iter().map(|p| (p.step as f64, pick(p))).collect(),
    };
    draw_lines(
        canvas,
        &[
            line(TRAIN_COLOUR, "training loss", |p| p.train),
            line(TEST_COLOUR, "test loss", |p| p.test),
        ],
        0.0,
        log_scale,
        "The loss appears here once training starts.",
    );
}

/// Draws `lines` against the step count from `first_step` onto `canvas` (sized to its CSS box
/// times the pixel ratio), on a log axis or a linear one from zero, with a legend; `empty` is
/// written instead when no line has a value to draw.
pub fn draw_lines(canvas: &HtmlCanvasElement, lines: &[Line], first_step: f64, log_scale: bool, empty: &str) {
    let (_, _, ratio) = super::canvas::fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let finite = |v: f64| v.is_finite() && (!log_scale || v > 0.0);
    let values = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .filter(|&v| finite(v));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let font = (12.0 * ratio * super::canvas::text_scale()) as u32;
    if !lo.is_finite() {
        let grey = BLACK.mix(0.5);
        let style = TextStyle::from(("sans-serif", font).into_font()).color(&grey);
        let _ = root.draw_text(empty, &style, (10, 10));
        let _ = root.present();
        return;
    }
    let last_step = lines
        .iter()
        .filter_map(|l| l.points.last().map(|p| p.0))
        .fold(first_step + 1.0, f64::max);
    let steps = first_step..last_step;
    let result = if log_scale {
        let (lo, hi) = (lo * 0.8, hi * 1.25);
        draw_series(&root, lines, steps, (lo..hi).log_scale(), font, ratio, finite)
    } else {
        let pad = ((hi - lo) * 0.08).max(1e-6);
        draw_series(
            &root,
            lines,
            steps,
            (lo - pad).max(0.0)..hi + pad,
            font,
            ratio,
            finite,
        )
    };
    if let Err(e) = result {
        web_sys::console::warn_1(&format!("chart: {e}").into());
    }
    let _ = root.present();
}

/// A tick label on a step axis: steps are whole numbers, so ticks between them get no label.
pub fn step_label(v: &f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// A loss tick label: three decimals from 0.01 to 10 000, powers of ten outside.
fn format_loss_tick(v: f64) -> String {
    if v == 0.0 || (0.01..1e4).contains(&v.abs()) {
        format!("{v:.3}")
    } else {
        format!("{v:.0e}")
    }
}

type Area<'a> = DrawingArea<CanvasBackend, plotters::coord::Shift>;

fn draw_series<Y>(
    root: &Area,
    lines: &[Line],
    x_range: std::ops::Range<f64>,
    y_range: Y,
    font: u32,
    ratio: f64,
    finite: impl Fn(f64) -> bool,
) -> Result<(), Box<dyn std::error::Error>>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(root)
        .margin(font / 2)
        .x_label_area_size(font * 2)
        .y_label_area_size(font * 4)
        .build_cartesian_2d(x_range, y_range)?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", font))
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&step_label)
        .y_label_formatter(&|v| format_loss_tick(*v))
        .light_line_style(BLACK.mix(0.04))
        .bold_line_style(BLACK.mix(0.1))
        .draw()?;
    // Line widths in device pixels, so lines look the same on high-DPI screens.
    let width = (2.0 * ratio).round().max(1.0) as u32;
    let swatch = (16.0 * ratio).round() as i32;
    for line in lines {
        let points: Vec<(f64, f64)> = line.points.iter().copied().filter(|&(_, v)| finite(v)).collect();
        if points.is_empty() {
            continue;
        }
        let colour = line.colour;
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(width)))?
            .label(line.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], colour.stroke_width(width))
            });
    }
    draw_legend(&mut chart, font, swatch)
}

/// Draws the legend of a chart's labelled series in its upper right corner, leaving room for
/// swatches `swatch` pixels long before the labels.
pub fn draw_legend<CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'_, CanvasBackend, CT>,
    font: u32,
    swatch: i32,
) -> Result<(), Box<dyn std::error::Error>> {
    chart
        .configure_series_labels()
        .legend_area_size(swatch.max(0) as u32 + font / 2)
        .label_font(("sans-serif", font))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.15))
        .position(SeriesLabelPosition::UpperRight)
        .draw()?;
    Ok(())
}
