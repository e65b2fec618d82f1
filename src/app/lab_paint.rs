//! Drawing for the labs: the feature-space view, and the small maps of the pretraining lab (a
//! model's output, or one unit's value, over the input square). The sweep's chart is in
//! `sweep_chart.rs`.

use super::canvas::{context_2d, fit_backing_store, new_canvas, text_scale};
use super::plot::{draw_grid_image, stroke_grid_segments};
use super::points::{draw_point, PointStyle};
use crate::engine::classes::softmax;
use crate::engine::labs::feature_space::FeatureView;
use crate::engine::{class_probability_grid, predict_grid, Model, Point, Task, Workspace, MAX_CLASSES};
use crate::page::class_paint::{fill_class_map, ClassBoundaries};
use crate::page::paint::{self, Shading};
use crate::page::palette::Palette;
use crate::page::session::{unit_grid, UnitRef};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

const INK: &str = "rgba(29, 36, 51, 0.85)";

/// How a lab draws its points: the task, the number of classes their targets name, and the
/// palette.
#[derive(Clone, Copy)]
struct Targets {
    task: Task,
    classes: usize,
    palette: Palette,
}

/// A point as the labs draw it: smaller rims than on the plot, to suit smaller points.
fn dot(
    ctx: &CanvasRenderingContext2d,
    at: (f64, f64),
    radius: f64,
    y: f32,
    targets: Targets,
    test: bool,
    ratio: f64,
) {
    let rim = if test { 1.8 } else { 1.0 } * ratio;
    let style = PointStyle::of(targets.palette, y, targets.task, targets.classes, test);
    draw_point(ctx, at, radius, rim, &style);
}

/// Reusable off-screen canvas and pixels for painting grids.
#[derive(Default)]
pub struct GridPainter {
    offscreen: Option<HtmlCanvasElement>,
    scores: Vec<f32>,
    /// Class probability planes for three or more classes (class k's at k · cells).
    planes: Vec<f32>,
    boundaries: ClassBoundaries,
    pixels: Vec<u8>,
    segments: Vec<[f32; 4]>,
}

impl GridPainter {
    /// Paints `scores` (an n × n grid, top row first) in `palette` into the whole of `ctx`'s
    /// w × h area, with the zero contour when `contour` is set.
    fn paint_scores(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        n: usize,
        shading: Shading,
        palette: Palette,
        contour: bool,
        size: (f64, f64, f64),
    ) {
        let cells = n * n;
        self.pixels.resize(cells * 4, 0);
        paint::fill_heatmap(palette, &self.scores[..cells], shading, &mut self.pixels);
        self.draw_pixels(ctx, n, size);
        if contour {
            paint::contour(&self.scores[..cells], n, 0.0, &mut self.segments);
            self.stroke_segments(ctx, n, size);
        }
    }

    /// Paints `self.planes` (`classes` probability planes of an n × n grid) blended in
    /// `palette` into the whole of `ctx`'s w × h area, with the boundaries between the classes.
    fn paint_planes(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        n: usize,
        classes: usize,
        palette: Palette,
        size: (f64, f64, f64),
    ) {
        self.pixels.resize(n * n * 4, 0);
        fill_class_map(palette, &self.planes, classes, false, &mut self.pixels);
        self.draw_pixels(ctx, n, size);
        self.boundaries
            .trace(&self.planes, classes, n, &mut self.segments);
        self.stroke_segments(ctx, n, size);
    }

    /// Draws `self.pixels` (an n × n grid) smoothed over the whole of `ctx`'s w × h area.
    fn draw_pixels(&mut self, ctx: &CanvasRenderingContext2d, n: usize, (w, h, _): (f64, f64, f64)) {
        if self.offscreen.is_none() {
            self.offscreen = new_canvas();
        }
        if let Some(offscreen) = &self.offscreen {
            draw_grid_image(ctx, offscreen, &self.pixels, n, w, h, true);
        }
    }

    /// Strokes `self.segments` (in the cells of an n × n grid) over the w × h area.
    fn stroke_segments(&self, ctx: &CanvasRenderingContext2d, n: usize, (w, h, ratio): (f64, f64, f64)) {
        ctx.set_stroke_style_str(INK);
        ctx.set_line_width(1.5 * ratio);
        stroke_grid_segments(ctx, &self.segments, n, w, h);
    }

    /// Paints `model`'s output over [-1, 1]² on `canvas` in `palette`, with `points` on top
    /// (test points hollow; those outside the square are not drawn). With `few_labels`, the
    /// training points are drawn large so a handful stand out among many test points.
    pub fn paint_model(
        &mut self,
        canvas: &HtmlCanvasElement,
        model: &Model,
        task: Task,
        points: &[Point],
        few_labels: bool,
        palette: Palette,
    ) {
        let Some(ctx) = context_2d(canvas) else {
            return;
        };
        let (w, h, ratio) = fit_backing_store(canvas);
        let n = 40;
        let mut ws = Workspace::new(model, 256);
        // A model of three or more classes has one output unit per class.
        let outputs = model.layers.last().map_or(1, |l| l.outputs);
        let targets = Targets {
            task,
            classes: outputs.max(2),
            palette,
        };
        if outputs > 2 {
            self.planes.resize(outputs * n * n, 0.0);
            class_probability_grid(model, &mut ws, n, &mut self.planes);
            self.paint_planes(&ctx, n, outputs, palette, (w, h, ratio));
        } else {
            self.scores.resize(n * n, 0.0);
            predict_grid(model, &mut ws, n, &mut self.scores);
            let shading = match task {
                Task::Classification => Shading::Confidence,
                Task::Regression => Shading::Value,
            };
            self.paint_scores(
                &ctx,
                n,
                shading,
                palette,
                task == Task::Classification,
                (w, h, ratio),
            );
        }
        for test in [true, false] {
            for p in points.iter().filter(|p| p.test == test) {
                let at = ((p.x[0] as f64 + 1.0) / 2.0 * w, (1.0 - p.x[1] as f64) / 2.0 * h);
                if test || !few_labels {
                    dot(&ctx, at, 2.2 * ratio, p.y, targets, test, ratio);
                } else {
                    // The few labels must stand out from the many test points: large, ringed dark.
                    ctx.begin_path();
                    let _ = ctx.arc(at.0, at.1, 7.0 * ratio, 0.0, std::f64::consts::TAU);
                    ctx.set_fill_style_str(INK);
                    ctx.fill();
                    dot(&ctx, at, 5.5 * ratio, p.y, targets, false, ratio);
                }
            }
        }
    }

    /// Paints up to `units` units of layer `layer` (0-based dense layer) of `model` side by
    /// side on `canvas` in `palette`, each scaled to its largest magnitude.
    pub fn paint_units(
        &mut self,
        canvas: &HtmlCanvasElement,
        model: &Model,
        layer: usize,
        units: usize,
        palette: Palette,
    ) {
        let Some(ctx) = context_2d(canvas) else {
            return;
        };
        let (w, h, ratio) = fit_backing_store(canvas);
        ctx.clear_rect(0.0, 0.0, w, h);
        let n = 28;
        self.scores.resize(n * n, 0.0);
        let mut ws = Workspace::new(model, n * n);
        let gap = 4.0 * ratio;
        let side = ((w + gap) / units.max(1) as f64 - gap).min(h);
        for unit in 0..units {
            unit_grid(
                model,
                &mut ws,
                n,
                UnitRef {
                    layer: layer + 1,
                    unit,
                },
                &mut self.scores,
            );
            let scale = self.scores.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
            self.scores.iter_mut().for_each(|v| *v /= scale);
            ctx.save();
            let _ = ctx.translate(unit as f64 * (side + gap), 0.0);
            self.paint_scores(&ctx, n, Shading::Value, palette, false, (side, side, ratio));
            ctx.set_stroke_style_str("rgba(29, 36, 51, 0.25)");
            ctx.set_line_width(ratio);
            ctx.stroke_rect(0.0, 0.0, side, side);
            ctx.restore();
        }
    }

    /// Paints the feature-space view in `palette`: the last layer's rule as the background,
    /// its zero line (for three or more classes, the class regions and their boundaries), and
    /// the points at their projected features, coloured by their class among `classes`.
    pub fn paint_feature_space(
        &mut self,
        canvas: &HtmlCanvasElement,
        view: &FeatureView,
        task: Task,
        classes: usize,
        palette: Palette,
    ) {
        let Some(ctx) = context_2d(canvas) else {
            return;
        };
        let (w, h, ratio) = fit_backing_store(canvas);
        let window = ViewWindow::around(view, w, h);
        let targets = Targets {
            task,
            classes,
            palette,
        };
        if let Some(rule) = view.rule {
            self.paint_rule(&ctx, rule, task, palette, window, ratio);
        } else if view.class_rules.len() > 2 {
            self.paint_class_rules(&ctx, &view.class_rules, palette, window, ratio);
        } else {
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, w, h);
        }
        for test in [true, false] {
            for p in view.points.iter().filter(|p| p.test == test) {
                let radius = if test { 3.0 } else { 4.5 } * ratio;
                dot(
                    &ctx,
                    window.to_px(p.at[0] as f64, p.at[1] as f64),
                    radius,
                    p.y,
                    targets,
                    test,
                    ratio,
                );
            }
        }
        ctx.set_fill_style_str("rgba(29, 36, 51, 0.75)");
        let font = (12.0 * ratio * text_scale()).round();
        ctx.set_font(&format!("{font}px system-ui, sans-serif"));
        // Faint gridlines at round values, labelled, so the scale of the features can be read.
        ctx.set_stroke_style_str("rgba(29, 36, 51, 0.15)");
        ctx.set_line_width(ratio);
        for (a, label) in paint::axis_ticks(window.lo[0], window.hi[0]) {
            let (x, _) = window.to_px(a, window.lo[1]);
            ctx.begin_path();
            ctx.move_to(x, 0.0);
            ctx.line_to(x, h);
            ctx.stroke();
            let _ = ctx.fill_text(&label, x + 3.0 * ratio, h - font - 10.0 * ratio);
        }
        for (b, label) in paint::axis_ticks(window.lo[1], window.hi[1]) {
            let (_, y) = window.to_px(window.lo[0], b);
            // Labels sit above their line: keep clear of the axis title at the top and of the
            // row of labels at the bottom.
            if y < font + 22.0 * ratio || y > h - 2.0 * font - 12.0 * ratio {
                continue;
            }
            ctx.begin_path();
            ctx.move_to(0.0, y);
            ctx.line_to(w, y);
            ctx.stroke();
            let _ = ctx.fill_text(&label, 6.0 * ratio, y - 3.0 * ratio);
        }
        let _ = ctx.fill_text(&format!("{} →", view.axes[0]), 6.0 * ratio, h - 6.0 * ratio);
        let _ = ctx.fill_text(
            &format!("↑ {}", view.axes[1]),
            6.0 * ratio,
            16.0 * ratio * text_scale(),
        );
    }

    /// Paints the last layer's rule z = c + wa·a + wb·b over the view's window and draws its
    /// zero line.
    fn paint_rule(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        [c, wa, wb]: [f64; 3],
        task: Task,
        palette: Palette,
        window: ViewWindow,
        ratio: f64,
    ) {
        let n = 64;
        self.scores.resize(n * n, 0.0);
        for r in 0..n {
            for col in 0..n {
                let (a, b) = window.at((col as f64 + 0.5) / n as f64, (r as f64 + 0.5) / n as f64);
                self.scores[r * n + col] = (c + wa * a + wb * b) as f32;
            }
        }
        let shading = match task {
            Task::Classification => Shading::Confidence,
            Task::Regression => Shading::Value,
        };
        self.paint_scores(ctx, n, shading, palette, false, (window.w, window.h, ratio));
        // The line c + wa·a + wb·b = 0, through two points far outside the window.
        if wa.abs() + wb.abs() > 1e-12 {
            let (lo, hi) = (window.lo, window.hi);
            let span = (hi[0] - lo[0]).max(hi[1] - lo[1]) * 10.0;
            let (ends_a, ends_b) = if wb.abs() > wa.abs() {
                let mid = (lo[0] + hi[0]) / 2.0;
                let (a0, a1) = (mid - span, mid + span);
                ((a0, a1), ((-c - wa * a0) / wb, (-c - wa * a1) / wb))
            } else {
                let mid = (lo[1] + hi[1]) / 2.0;
                let (b0, b1) = (mid - span, mid + span);
                (((-c - wb * b0) / wa, (-c - wb * b1) / wa), (b0, b1))
            };
            let (p, q) = (window.to_px(ends_a.0, ends_b.0), window.to_px(ends_a.1, ends_b.1));
            ctx.set_stroke_style_str(INK);
            ctx.set_line_width(2.5 * ratio);
            ctx.begin_path();
            ctx.move_to(p.0, p.1);
            ctx.line_to(q.0, q.1);
            ctx.stroke();
        }
    }
}

impl GridPainter {
    /// Paints the regions of the class scores zₖ = cₖ + waₖ·a + wbₖ·b (`rules`, one per
    /// class) over the view's window, blended by their softmax in `palette`, with the
    /// boundaries between them.
    fn paint_class_rules(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        rules: &[[f64; 3]],
        palette: Palette,
        window: ViewWindow,
        ratio: f64,
    ) {
        let (n, k) = (64, rules.len().min(MAX_CLASSES));
        let cells = n * n;
        self.planes.resize(k * cells, 0.0);
        let (mut scores, mut p) = ([0.0f32; MAX_CLASSES], [0.0f32; MAX_CLASSES]);
        for cell in 0..cells {
            let (a, b) = window.at(
                ((cell % n) as f64 + 0.5) / n as f64,
                ((cell / n) as f64 + 0.5) / n as f64,
            );
            for (score, [c, wa, wb]) in scores.iter_mut().zip(rules) {
                *score = (c + wa * a + wb * b) as f32;
            }
            softmax(&scores[..k], &mut p[..k]);
            for (class, &probability) in p[..k].iter().enumerate() {
                self.planes[class * cells + cell] = probability;
            }
        }
        self.paint_planes(ctx, n, k, palette, (window.w, window.h, ratio));
    }
}

/// The part of the feature plane the view shows, and the w × h canvas pixels it maps to.
#[derive(Clone, Copy)]
struct ViewWindow {
    lo: [f64; 2],
    hi: [f64; 2],
    w: f64,
    h: f64,
}

impl ViewWindow {
    /// The points' extent with a margin (a square around the origin when there are none).
    fn around(view: &FeatureView, w: f64, h: f64) -> Self {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in &view.points {
            for axis in 0..2 {
                lo[axis] = lo[axis].min(p.at[axis] as f64);
                hi[axis] = hi[axis].max(p.at[axis] as f64);
            }
        }
        for axis in 0..2 {
            if !lo[axis].is_finite() {
                (lo[axis], hi[axis]) = (-1.0, 1.0);
            }
            let pad = ((hi[axis] - lo[axis]) * 0.12).max(0.05);
            lo[axis] -= pad;
            hi[axis] += pad;
        }
        ViewWindow { lo, hi, w, h }
    }

    /// The width and height of the window in plane units.
    fn spans(self) -> [f64; 2] {
        [self.hi[0] - self.lo[0], self.hi[1] - self.lo[1]]
    }

    /// Canvas pixels of the plane point (a, b).
    fn to_px(self, a: f64, b: f64) -> (f64, f64) {
        let [sa, sb] = self.spans();
        ((a - self.lo[0]) / sa * self.w, (self.hi[1] - b) / sb * self.h)
    }

    /// The plane point a fraction `across` from the left and `down` from the top.
    fn at(self, across: f64, down: f64) -> (f64, f64) {
        let [sa, sb] = self.spans();
        (self.lo[0] + across * sa, self.hi[1] - down * sb)
    }
}
