//! The loss chart: training and test loss against the step count, drawn with plotters on a
//! canvas, each axis linear or logarithmic (any set of lines so: the optimizer race's losses
//! too), in compare mode with the second run's curves dashed and while looking back a line at
//! the step looked at; and the chart frame the gradient-norm chart shares.

use super::axes::Axis;
use crate::page::session::HistoryPoint;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

// Neither class colour, so the chart never reads as "class 1 against class 2".
const TRAIN_COLOUR: RGBColor = RGBColor(29, 36, 51);
const TEST_COLOUR: RGBColor = RGBColor(138, 92, 214);
/// The line at the step looked back at: the page's accent.
const MARKER_COLOUR: RGBColor = RGBColor(47, 111, 219);

/// What the loss chart shows besides the run's own history.
#[derive(Clone, Copy, Debug, Default)]
pub struct LossOverlay<'a> {
    /// Compare mode's second run, drawn dashed.
    pub second: Option<&'a [HistoryPoint]>,
    /// The step being looked back at, marked with a vertical line.
    pub marker: Option<u64>,
}

/// What a chart draws besides its labelled lines.
#[derive(Default)]
struct Extras<'a> {
    /// Lines drawn dashed, without a legend.
    dashed: Vec<Line<'a>>,
    /// A step marked with a vertical line.
    marker: Option<u64>,
}

/// One line of a chart: its colour, its label in the legend, and its (step, value) points.
pub struct Line<'a> {
    /// Its colour.
    pub colour: RGBColor,
    /// Its label in the legend.
    pub label: &'a str,
    /// (step, value), steps ascending.
    pub points: Vec<(u64, f64)>,
}

/// Draws the history onto `canvas` (sized to its CSS box times the pixel ratio), with the
/// overlay: the loss on a linear or logarithmic axis (`log_scale`), against steps on a linear or
/// logarithmic axis (`log_steps`).
pub fn draw_loss_chart(
    canvas: &HtmlCanvasElement,
    history: &[HistoryPoint],
    overlay: LossOverlay,
    log_scale: bool,
    log_steps: bool,
) {
    let lines = |run: &[HistoryPoint]| {
        let line = |colour, label, pick: fn(&HistoryPoint) -> f64| Line {
            colour,
            label,
            points: run.iter().map(|p| (p.step, pick(p))).collect(),
        };
        vec![
            line(TRAIN_COLOUR, "training loss", |p| p.train),
            line(TEST_COLOUR, "test loss", |p| p.test),
        ]
    };
    let extras = Extras {
        dashed: overlay.second.map_or_else(Vec::new, lines),
        marker: overlay.marker,
    };
    draw_chart(
        canvas,
        &lines(history),
        extras,
        (log_scale, log_steps),
        "The loss appears here once training starts.",
    );
}

/// Draws `lines` against the step count onto `canvas` (sized to its CSS box times the pixel
/// ratio), with a legend; `log` says whether the values' and the steps' axes are logarithmic.
/// `empty` is written instead when no line has a value to draw.
pub fn draw_lines(canvas: &HtmlCanvasElement, lines: &[Line], log: (bool, bool), empty: &str) {
    draw_chart(canvas, lines, Extras::default(), log, empty);
}

/// [`draw_lines`] with the extras drawn too.
fn draw_chart(canvas: &HtmlCanvasElement, lines: &[Line], extras: Extras, log: (bool, bool), empty: &str) {
    let (log_scale, log_steps) = log;
    let (_, _, ratio) = super::canvas::fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let finite = |v: f64| v.is_finite() && (!log_scale || v > 0.0);
    let all = || lines.iter().chain(&extras.dashed);
    let values = all()
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
    let last_step = all()
        .filter_map(|l| l.points.last().map(|p| p.0))
        .max()
        .unwrap_or(1);
    let steps = Axis::steps(last_step, log_steps);
    let losses = if log_scale {
        Axis::values(lo * 0.8, hi * 1.25, true)
    } else {
        let pad = ((hi - lo) * 0.08).max(1e-6);
        Axis::values((lo - pad).max(0.0), hi + pad, false)
    };
    if let Err(e) = draw_series(&root, (lines, &extras), &steps, &losses, font, ratio, finite) {
        web_sys::console::warn_1(&format!("chart: {e}").into());
    }
    let _ = root.present();
}

type Area<'a> = DrawingArea<CanvasBackend, plotters::coord::Shift>;

/// A chart on `root` whose axes are `x` and `y`, with its gridlines and tick labels drawn.
pub fn chart_on<'a>(
    root: &'a Area<'_>,
    x: &Axis,
    y: &Axis,
    font: u32,
) -> Result<Chart<'a>, Box<dyn std::error::Error>> {
    // Room for a label every two lines of type up the axis, and every six characters across.
    let (width, height) = root.dim_in_pixel();
    let y = y.thinned((height.saturating_sub(3 * font) / (2 * font).max(1)) as usize);
    let x = x.thinned((width.saturating_sub(5 * font) / (4 * font).max(1)) as usize);
    // Room on the right for the last step's label, centred under its tick.
    let mut chart = ChartBuilder::on(root)
        .margin(font / 2)
        .margin_right(font * 3 / 2)
        .x_label_area_size(font * 2)
        .y_label_area_size(font * 4)
        .build_cartesian_2d(x.clone(), y.clone())?;
    chart
        .configure_mesh()
        .label_style(("sans-serif", font))
        .x_label_formatter(&|v| x.label(*v))
        .y_label_formatter(&|v| y.label(*v))
        .bold_line_style(BLACK.mix(0.1))
        .draw()?;
    Ok(chart)
}

/// A chart on a canvas whose axes are [`Axis`] coordinates.
pub type Chart<'a> = ChartContext<'a, CanvasBackend, Cartesian2d<Axis, Axis>>;

fn draw_series(
    root: &Area,
    (lines, extras): (&[Line], &Extras),
    x: &Axis,
    y: &Axis,
    font: u32,
    ratio: f64,
    finite: impl Fn(f64) -> bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut chart = chart_on(root, x, y, font)?;
    // Line widths in device pixels, so lines look the same on high-DPI screens.
    let width = (2.0 * ratio).round().max(1.0) as u32;
    let swatch = (16.0 * ratio).round() as i32;
    let positions = |line: &Line| -> Vec<(f64, f64)> {
        line.points
            .iter()
            .filter(|p| finite(p.1))
            .map(|&(step, v)| (x.at(step as f64), y.at(v)))
            .collect()
    };
    let (dash, gap) = ((6.0 * ratio).round() as u32, (4.0 * ratio).round() as u32);
    for line in &extras.dashed {
        let style = line.colour.stroke_width(width);
        chart.draw_series(DashedLineSeries::new(positions(line), dash, gap, style))?;
    }
    for line in lines {
        let points = positions(line);
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
    if let Some(step) = extras.marker {
        let (px, _) = chart.backend_coord(&(x.at(step as f64), 0.0));
        let (_, rows) = chart.plotting_area().get_pixel_range();
        let line = PathElement::new(
            vec![(px, rows.start), (px, rows.end)],
            MARKER_COLOUR.stroke_width(width),
        );
        root.draw(&line)?;
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
