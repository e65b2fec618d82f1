//! The loss chart: training and test loss against the step count, drawn with plotters on a
//! canvas, on a linear or logarithmic axis; in compare mode the second run's curves dashed over
//! the first's, and while looking back a line at the step looked at.

use crate::page::session::HistoryPoint;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
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

/// Draws the history onto `canvas` (sized to its CSS box times the pixel ratio), with the
/// overlay.
pub fn draw_loss_chart(
    canvas: &HtmlCanvasElement,
    history: &[HistoryPoint],
    overlay: LossOverlay,
    log_scale: bool,
) {
    let (_, _, ratio) = super::canvas::fit_backing_store(canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let finite = |v: f64| v.is_finite() && (!log_scale || v > 0.0);
    let runs = std::iter::once(history).chain(overlay.second);
    let values = runs
        .clone()
        .flatten()
        .flat_map(|p| [p.train, p.test])
        .filter(|&v| finite(v));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let font = (12.0 * ratio * super::canvas::text_scale()) as u32;
    if !lo.is_finite() {
        let grey = BLACK.mix(0.5);
        let style = TextStyle::from(("sans-serif", font).into_font()).color(&grey);
        let _ = root.draw_text("The loss appears here once training starts.", &style, (10, 10));
        let _ = root.present();
        return;
    }
    let last_step = runs
        .filter_map(|run| run.last())
        .map(|p| p.step)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let result = if log_scale {
        let (lo, hi) = (lo * 0.8, hi * 1.25);
        draw_series(
            &root,
            (history, overlay),
            0.0..last_step,
            ((lo..hi).log_scale(), lo),
            font,
            ratio,
            finite,
        )
    } else {
        let pad = ((hi - lo) * 0.08).max(1e-6);
        let lo = (lo - pad).max(0.0);
        draw_series(
            &root,
            (history, overlay),
            0.0..last_step,
            (lo..hi + pad, lo),
            font,
            ratio,
            finite,
        )
    };
    if let Err(e) = result {
        web_sys::console::warn_1(&format!("loss chart: {e}").into());
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

/// A curve of the chart: its colour, its legend and the value it plots.
type Curve = (RGBColor, &'static str, fn(&HistoryPoint) -> f64);

/// Draws the runs' curves on axes over `x_range` and `y_range.0` (`y_range.1` is a value on
/// that axis, where the marker's line is placed).
fn draw_series<Y>(
    root: &Area,
    (history, overlay): (&[HistoryPoint], LossOverlay),
    x_range: std::ops::Range<f64>,
    y_range: (Y, f64),
    font: u32,
    ratio: f64,
    finite: impl Fn(f64) -> bool,
) -> Result<(), Box<dyn std::error::Error>>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let (y_range, y_inside) = y_range;
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
    let picks: [Curve; 2] = [
        (TRAIN_COLOUR, "training loss", |p| p.train),
        (TEST_COLOUR, "test loss", |p| p.test),
    ];
    let curve = |run: &[HistoryPoint], pick: fn(&HistoryPoint) -> f64| -> Vec<(f64, f64)> {
        run.iter()
            .map(|p| (p.step as f64, pick(p)))
            .filter(|&(_, v)| finite(v))
            .collect()
    };
    if let Some(second) = overlay.second {
        for (colour, _, pick) in picks {
            let (dash, gap) = ((6.0 * ratio).round() as u32, (4.0 * ratio).round() as u32);
            chart.draw_series(DashedLineSeries::new(
                curve(second, pick),
                dash,
                gap,
                colour.mix(0.9).stroke_width(width),
            ))?;
        }
    }
    for (colour, label, pick) in picks {
        let points = curve(history, pick);
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(width)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + swatch, y)], colour.stroke_width(width))
            });
    }
    if let Some(step) = overlay.marker {
        let (x, _) = chart.backend_coord(&(step as f64, y_inside));
        let (_, rows) = chart.plotting_area().get_pixel_range();
        let line = PathElement::new(
            vec![(x, rows.start), (x, rows.end)],
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
