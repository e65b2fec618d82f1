//! Drawing the points: their colours and shapes, one point, and every point stamped from a
//! sprite per style (class or value band, training and test apart).

use super::canvas::{context_2d, css_rgb, new_canvas};
use super::plot::ViewOptions;
use crate::engine::{class_of, Point, Task};
use crate::page::paint;
use crate::page::palette::{Marker, Palette};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// How one point is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct PointStyle {
    /// The CSS colour of its fill (of its rim when it is a test point).
    pub colour: String,
    /// Its shape.
    pub marker: Marker,
    /// A test point: hollow.
    pub test: bool,
    /// A regression value (a dark rim, as values can be near white).
    pub regression: bool,
}

impl PointStyle {
    /// The style of a point with target `y` in `palette`: its class's colour and marker among
    /// `classes` (orange and blue discs for two, in the standard palette), or its value on the
    /// diverging scale as a disc.
    pub fn of(palette: Palette, y: f32, task: Task, classes: usize, test: bool) -> Self {
        match task {
            Task::Classification => PointStyle::class(palette, class_of(y, classes), test),
            Task::Regression => PointStyle::value(palette, y, test),
        }
    }

    /// The style of a point of class index `class` in `palette`.
    fn class(palette: Palette, class: usize, test: bool) -> Self {
        PointStyle {
            colour: css_rgb(palette.class_colour(class)),
            marker: palette.marker(class),
            test,
            regression: false,
        }
    }

    /// The style of a regression point of value `y` in `palette`.
    fn value(palette: Palette, y: f32, test: bool) -> Self {
        PointStyle {
            colour: css_rgb(paint::diverging(palette, y, 1.0)),
            marker: Marker::Circle,
            test,
            regression: true,
        }
    }
}

/// Traces the outline of `marker` of `radius` centred at `at` as the context's path.
fn trace_marker(ctx: &CanvasRenderingContext2d, at: (f64, f64), radius: f64, marker: Marker) {
    ctx.begin_path();
    let corners = marker.outline();
    let Some(([x0, y0], rest)) = corners.split_first() else {
        let _ = ctx.arc(at.0, at.1, radius, 0.0, std::f64::consts::TAU);
        return;
    };
    ctx.move_to(at.0 + x0 * radius, at.1 + y0 * radius);
    for [x, y] in rest {
        ctx.line_to(at.0 + x * radius, at.1 + y * radius);
    }
    ctx.close_path();
}

/// Draws one point centred at `at` with an outline `rim` wide: a training point filled with a
/// white rim (dark for regression values, which can be near white), a test point hollow.
pub fn draw_point(ctx: &CanvasRenderingContext2d, at: (f64, f64), radius: f64, rim: f64, style: &PointStyle) {
    trace_marker(ctx, at, radius, style.marker);
    ctx.set_line_join("round");
    if style.test {
        ctx.set_fill_style_str("rgba(255, 255, 255, 0.85)");
        ctx.fill();
        ctx.set_stroke_style_str(&style.colour);
    } else {
        ctx.set_fill_style_str(&style.colour);
        ctx.fill();
        ctx.set_stroke_style_str(if style.regression { "#1d2433" } else { "#ffffff" });
    }
    ctx.set_line_width(rim);
    ctx.stroke();
}

/// A point of one style drawn on its own small canvas, centred.
fn point_sprite(style: &PointStyle, radius: f64, ratio: f64) -> Option<HtmlCanvasElement> {
    let sprite = new_canvas()?;
    let size = (2.0 * (radius * style.marker.reach() + 3.0 * ratio)).ceil();
    sprite.set_width(size as u32);
    sprite.set_height(size as u32);
    let ctx = context_2d(&sprite)?;
    let rim = if style.test { 2.2 } else { 1.2 } * ratio;
    draw_point(&ctx, (size / 2.0, size / 2.0), radius, rim, style);
    Some(sprite)
}

/// Draws the points grouped by style (class among `classes` or value band, training and test
/// apart) in the view's palette, each style stamped from a sprite.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_points(
    ctx: &CanvasRenderingContext2d,
    points: &[Point],
    task: Task,
    classes: usize,
    view: ViewOptions,
    w: f64,
    h: f64,
    ratio: f64,
) {
    let radius = 4.5 * ratio;
    let regression = task == Task::Regression;
    // Regression values are drawn in 21 colour bands; classes one band each, the last class
    // first (so two classes stack as they always did: blue under orange).
    let band = |y: f32| -> i32 {
        if regression {
            (y.clamp(-1.0, 1.0) * 10.0).round() as i32
        } else {
            class_of(y, classes) as i32
        }
    };
    let bands: Vec<i32> = if regression {
        (-10..=10).collect()
    } else {
        (0..classes.max(2) as i32).rev().collect()
    };
    let position = |x: [f32; 2]| ((x[0] as f64 + 1.0) / 2.0 * w, (1.0 - x[1] as f64) / 2.0 * h);
    for test in [false, true] {
        if test && !view.show_test {
            continue;
        }
        for &b in &bands {
            let style = if regression {
                PointStyle::value(view.palette, b as f32 / 10.0, test)
            } else {
                PointStyle::class(view.palette, b as usize, test)
            };
            // Each style is drawn once into a small sprite, then stamped at every point of
            // that style: far cheaper than filling and stroking a circle per point.
            let Some(sprite) = point_sprite(&style, radius, ratio) else {
                continue;
            };
            let half = sprite.width() as f64 / 2.0;
            for p in points.iter().filter(|p| p.test == test && band(p.y) == b) {
                let (x, y) = position(p.x);
                let _ =
                    ctx.draw_image_with_html_canvas_element(&sprite, (x - half).round(), (y - half).round());
            }
        }
    }
    if regression && view.show_test {
        // Values near zero are near white: a thin dark rim keeps hollow test points visible.
        ctx.begin_path();
        for p in points.iter().filter(|p| p.test) {
            let (x, y) = position(p.x);
            let rim = radius + 1.6 * ratio;
            ctx.move_to(x + rim, y);
            let _ = ctx.arc(x, y, rim, 0.0, std::f64::consts::TAU);
        }
        ctx.set_stroke_style_str("rgba(29, 36, 51, 0.7)");
        ctx.set_line_width(ratio);
        ctx.stroke();
    }
}
