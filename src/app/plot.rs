//! Painting the input plane: the model's output as one `ImageData` heatmap scaled up by the
//! canvas, the decision contour, axes and the points. Sized to the canvas's CSS box times
//! `devicePixelRatio`, so it stays crisp on high-DPI screens and projectors.
//! The points themselves are drawn by `points.rs`.

use super::canvas::{context_2d, css_rgb, fit_backing_store, new_canvas, text_scale};
use super::points::draw_points;
use crate::engine::{Point, Task};
use crate::page::class_paint::{fill_class_map, ClassBoundaries};
use crate::page::paint::{self, Shading};
use crate::page::palette::Palette;
use crate::page::session::{Session, UnitRef};
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Display options that do not change the model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewOptions {
    /// Draw the test points (hollow).
    pub show_test: bool,
    /// Paint hard class regions instead of confidence.
    pub discretize: bool,
    /// Loss chart on a logarithmic axis.
    pub log_scale: bool,
    /// The charts' step axes logarithmic.
    pub log_steps: bool,
    /// Draw the first layer's lines m_j·x + b_j = 0.
    pub show_lines: bool,
    /// The colours and marker shapes (the viewer's choice, not a setting).
    pub palette: Palette,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions::of(&crate::page::settings::Settings::default(), Palette::default())
    }
}

impl ViewOptions {
    /// The display options held in `settings`, painted in `palette`.
    pub fn of(settings: &crate::page::settings::Settings, palette: Palette) -> Self {
        ViewOptions {
            show_test: settings.show_test,
            discretize: settings.discretize,
            log_scale: settings.log_scale,
            log_steps: settings.log_steps,
            show_lines: settings.show_lines,
            palette,
        }
    }

    /// Writes these options into `settings` (the palette is no setting).
    pub fn apply(self, settings: &mut crate::page::settings::Settings) {
        settings.show_test = self.show_test;
        settings.discretize = self.discretize;
        settings.log_scale = self.log_scale;
        settings.log_steps = self.log_steps;
        settings.show_lines = self.show_lines;
    }
}

/// Cells per side of the heatmap grid, finest first. The painter steps down this ladder when
/// a model is so large that evaluating the grid would hold up the frame, and back up when it
/// is cheap again.
pub const RESOLUTIONS: [usize; 8] = [100, 80, 64, 48, 32, 24, 16, 12];
/// Milliseconds evaluating the grid may take before the resolution steps down.
const SLOW_PAINT_MS: f64 = 6.0;
/// Milliseconds under which the resolution steps back up (a step up costs up to 1.8× more).
const FAST_PAINT_MS: f64 = 2.5;

/// What a heatmap grid was computed for (model version, focus, shading, resolution level and
/// palette), and at which step.
type GridKey = ((u64, Option<UnitRef>, Shading, usize, Palette), u64);

/// Reusable buffers for painting the plot.
pub struct PlotPainter {
    level: usize,
    /// Frames to keep showing the last grid before evaluating a new one: when even the
    /// coarsest grid is slow (very large models), it is refreshed every few frames instead of
    /// every frame.
    skip_frames: u32,
    /// What the grid on screen was computed for, and the step count.
    grid_key: Option<GridKey>,
    offscreen: Option<HtmlCanvasElement>,
    /// The points rasterised once, redrawn only when they (or the view) change: with
    /// thousands of points, rasterising them every frame would cost more than training.
    points_layer: Option<HtmlCanvasElement>,
    points_key: Option<(u64, bool, u32, u32, u32, Palette)>,
    /// The points the layer shows.
    layer_points: Vec<Point>,
    scores: Vec<f32>,
    /// The class probability planes of three or more classes (class k's at k · cells).
    planes: Vec<f32>,
    boundaries: ClassBoundaries,
    pixels: Vec<u8>,
    segments: Vec<[f32; 4]>,
}

impl Default for PlotPainter {
    fn default() -> Self {
        let cells = RESOLUTIONS[0] * RESOLUTIONS[0];
        PlotPainter {
            level: 0,
            skip_frames: 0,
            grid_key: None,
            offscreen: None,
            points_layer: None,
            points_key: None,
            layer_points: Vec::new(),
            scores: vec![0.0; cells],
            planes: Vec::new(),
            boundaries: ClassBoundaries::default(),
            pixels: vec![0; cells * 4],
            segments: Vec::new(),
        }
    }
}

/// Converts a position in CSS pixels within the canvas to plot coordinates in [-1, 1]².
pub fn to_plot(canvas: &HtmlCanvasElement, offset_x: f64, offset_y: f64) -> [f32; 2] {
    let rect = canvas.get_bounding_client_rect();
    let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
    [
        (offset_x / w * 2.0 - 1.0) as f32,
        (1.0 - offset_y / h * 2.0) as f32,
    ]
}

/// Plot units per CSS pixel (for hit radii).
pub fn units_per_pixel(canvas: &HtmlCanvasElement) -> f32 {
    (2.0 / canvas.get_bounding_client_rect().width().max(1.0)) as f32
}

impl PlotPainter {
    /// Forgets the heatmap grid on screen, so the next paint evaluates it again (the model
    /// shown changed without a step: slow motion plays a step out).
    pub fn forget_grid(&mut self) {
        self.grid_key = None;
    }

    /// Paints everything: heatmap, axes, contour, points and the ring around the traced point.
    /// With `focus`, the heatmap shows that unit's value over the plane (scaled to its largest
    /// magnitude) instead of the model's output. With `reuse_grid`, a grid computed for the same
    /// model some steps ago is redrawn as it is.
    pub fn paint(
        &mut self,
        canvas: &HtmlCanvasElement,
        session: &mut Session,
        view: ViewOptions,
        focus: Option<UnitRef>,
        traced: Option<usize>,
        reuse_grid: bool,
    ) {
        let Some(ctx) = context_2d(canvas) else {
            return;
        };
        let (w, h, device_ratio) = fit_backing_store(canvas);
        // Marks and type grow with the page's type (projector mode): device pixels per CSS
        // pixel, times the text scale.
        let ratio = device_ratio * text_scale();
        let shading = match (focus, session.task(), view.discretize) {
            (Some(_), _, _) | (None, Task::Regression, _) => Shading::Value,
            (None, Task::Classification, true) => Shading::Discrete,
            (None, Task::Classification, false) => Shading::Confidence,
        };
        // The grid depends only on the model and on what is shown: edits of the points reuse
        // it, and so do a few frames of training when even the coarsest grid is slow.
        let what = (session.model_version(), focus, shading, self.level, view.palette);
        let steps = session.trainer.steps();
        let fresh = self
            .grid_key
            .as_ref()
            .is_some_and(|k| k.0 == what && (k.1 == steps || reuse_grid));
        let same_view = self.grid_key.as_ref().is_some_and(|k| k.0 == what);
        let n = RESOLUTIONS[self.level];
        let cells = n * n;
        // Three or more classes: the map blends the class colours by probability.
        let classes = session.classes();
        let several = classes > 2 && focus.is_none();
        if !fresh && (!same_view || self.skip_frames == 0) {
            // Only evaluating the grid counts towards the resolution choice: it is the part
            // that grows with the model.
            let started = super::now_ms();
            if let Some(unit) = focus {
                session.unit_grid(unit, n, &mut self.scores[..cells]);
                let scale = self.scores[..cells]
                    .iter()
                    .fold(0.0f32, |m, v| m.max(v.abs()))
                    .max(1e-6);
                self.scores[..cells].iter_mut().for_each(|v| *v /= scale);
            } else if several {
                self.planes.resize(classes * cells, 0.0);
                session.class_probability_grid(n, &mut self.planes);
            } else {
                session.trainer.predict_grid(n, &mut self.scores[..cells]);
            }
            let elapsed = super::now_ms() - started;
            if several {
                fill_class_map(
                    view.palette,
                    &self.planes,
                    classes,
                    view.discretize,
                    &mut self.pixels[..cells * 4],
                );
                self.boundaries
                    .trace(&self.planes, classes, n, &mut self.segments);
            } else {
                paint::fill_heatmap(
                    view.palette,
                    &self.scores[..cells],
                    shading,
                    &mut self.pixels[..cells * 4],
                );
                paint::contour(&self.scores[..cells], n, 0.0, &mut self.segments);
            }
            self.grid_key = Some((what, steps));
            self.skip_frames = 0;
            if elapsed > SLOW_PAINT_MS && self.level + 1 < RESOLUTIONS.len() {
                self.level += 1;
            } else if elapsed < FAST_PAINT_MS && self.level > 0 {
                self.level -= 1;
            } else if elapsed > SLOW_PAINT_MS {
                // Already as coarse as it goes: spread the cost, about 4 ms a frame on average.
                self.skip_frames = (elapsed / 4.0).ceil() as u32;
            }
        } else if !fresh {
            self.skip_frames -= 1;
        }
        // The grid on screen (which may be from a few frames ago).
        let n = self.grid_key.as_ref().map_or(n, |k| RESOLUTIONS[k.0 .3]);
        self.draw_heatmap(&ctx, n, w, h, view.discretize);
        draw_axes(&ctx, w, h, ratio);
        if session.task() == Task::Classification && focus.is_none() {
            ctx.set_stroke_style_str("rgba(29, 36, 51, 0.85)");
            ctx.set_line_width(2.0 * ratio);
            stroke_grid_segments(&ctx, &self.segments, n, w, h);
        }
        if view.show_lines {
            draw_unit_lines(&ctx, session, w, h, ratio);
        }
        if focus.is_none() {
            super::score_lines::draw(&ctx, session, view.palette, w, h, ratio);
        }
        self.draw_points_layer(&ctx, session, view, w, h, ratio);
        if let Some(point) = traced.and_then(|i| session.data.points.get(i)) {
            draw_trace_marker(&ctx, point.x, w, h, ratio);
        }
        // Visible to tests and curious users: how fine the heatmap currently is.
        let _ = canvas.set_attribute("data-resolution", &n.to_string());
    }

    fn draw_points_layer(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        session: &Session,
        view: ViewOptions,
        w: f64,
        h: f64,
        ratio: f64,
    ) {
        if self.points_layer.is_none() {
            self.points_layer = new_canvas();
        }
        let Some(layer) = &self.points_layer else {
            return;
        };
        let key = (
            session.data_version(),
            view.show_test,
            w as u32,
            h as u32,
            (ratio * 100.0) as u32,
            view.palette,
        );
        if self.points_key != Some(key) {
            let points = &session.data.points;
            let drawn = self.layer_points.len();
            // A click that only added points draws just those onto the layer.
            let appended = self.points_key.is_some_and(|old| {
                (old.1, old.2, old.3, old.4, old.5) == (key.1, key.2, key.3, key.4, key.5)
            }) && points.len() > drawn
                && points[..drawn] == self.layer_points[..];
            if layer.width() != w as u32 || layer.height() != h as u32 {
                layer.set_width(w as u32);
                layer.set_height(h as u32);
            }
            if let Some(layer_ctx) = context_2d(layer) {
                if appended {
                    draw_points(
                        &layer_ctx,
                        &points[drawn..],
                        session.task(),
                        session.classes(),
                        view,
                        w,
                        h,
                        ratio,
                    );
                    self.layer_points.extend_from_slice(&points[drawn..]);
                } else {
                    layer_ctx.clear_rect(0.0, 0.0, w, h);
                    draw_points(
                        &layer_ctx,
                        points,
                        session.task(),
                        session.classes(),
                        view,
                        w,
                        h,
                        ratio,
                    );
                    self.layer_points.clear();
                    self.layer_points.extend_from_slice(points);
                }
            }
            self.points_key = Some(key);
        }
        let _ = ctx.draw_image_with_html_canvas_element(layer, 0.0, 0.0);
    }

    fn draw_heatmap(&mut self, ctx: &CanvasRenderingContext2d, n: usize, w: f64, h: f64, discretize: bool) {
        if self.offscreen.is_none() {
            self.offscreen = new_canvas();
        }
        let Some(offscreen) = &self.offscreen else {
            return;
        };
        draw_grid_image(ctx, offscreen, &self.pixels, n, w, h, !discretize);
    }
}

/// Puts an n × n RGBA grid on `offscreen` and draws it stretched over `ctx`'s (0, 0, w, h),
/// smoothed or with hard cell edges.
pub fn draw_grid_image(
    ctx: &CanvasRenderingContext2d,
    offscreen: &HtmlCanvasElement,
    pixels: &[u8],
    n: usize,
    w: f64,
    h: f64,
    smooth: bool,
) {
    let n = n as u32;
    if offscreen.width() != n {
        offscreen.set_width(n);
        offscreen.set_height(n);
    }
    let pixels = &pixels[..(n * n * 4) as usize];
    let (Some(off_ctx), Ok(image)) = (
        context_2d(offscreen),
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), n, n),
    ) else {
        return;
    };
    let _ = off_ctx.put_image_data(&image, 0.0, 0.0);
    ctx.set_image_smoothing_enabled(smooth);
    let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(offscreen, 0.0, 0.0, w, h);
}

/// Strokes `segments` (in the cells of an n × n grid, as `paint::contour` gives them) stretched
/// over `ctx`'s (0, 0, w, h), with the context's current stroke style and width.
pub fn stroke_grid_segments(ctx: &CanvasRenderingContext2d, segments: &[[f32; 4]], n: usize, w: f64, h: f64) {
    ctx.begin_path();
    let (sx, sy) = (w / n as f64, h / n as f64);
    for s in segments {
        ctx.move_to(s[0] as f64 * sx, s[1] as f64 * sy);
        ctx.line_to(s[2] as f64 * sx, s[3] as f64 * sy);
    }
    ctx.stroke();
}

/// The most lines drawn: beyond this they only darken the plot.
pub const MAX_LINES: usize = 500;

/// Colour of the lines m·x + b = 0: a purple apart from both classes and from the dark ink of
/// the decision boundary (they are dashed too). The legend under the plot (`.key.unit-lines`
/// in the stylesheet) uses the same colour.
pub const UNIT_LINE_RGB: [u8; 3] = [128, 0, 128];

/// Draws, for each unit j of the first dense layer on the raw inputs, the line where its input
/// m_j·x + b_j crosses zero: the cuts that random (or learned) features make in the plane.
fn draw_unit_lines(ctx: &CanvasRenderingContext2d, session: &Session, w: f64, h: f64, ratio: f64) {
    if !has_unit_lines(session) {
        return;
    }
    let layer = &session.trainer.model.layers[0];
    let to_px = |x1: f64, x2: f64| ((x1 + 1.0) / 2.0 * w, (1.0 - x2) / 2.0 * h);
    ctx.set_stroke_style_str(&css_rgb(UNIT_LINE_RGB));
    ctx.set_line_width(2.0 * ratio);
    let dashes = js_sys::Array::of2(&(7.0 * ratio).into(), &(4.0 * ratio).into());
    let _ = ctx.set_line_dash(&dashes);
    ctx.begin_path();
    for j in 0..layer.outputs.min(MAX_LINES) {
        let (m1, m2, b) = (
            layer.weights[2 * j] as f64,
            layer.weights[2 * j + 1] as f64,
            layer.bias[j] as f64,
        );
        if let Some((a, c)) = line_across_plot(m1, m2, b) {
            let (p, q) = (to_px(a[0], a[1]), to_px(c[0], c[1]));
            ctx.move_to(p.0, p.1);
            ctx.line_to(q.0, q.1);
        }
    }
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
}

/// Two points (plot units) of the line m₁x₁ + m₂x₂ + b = 0 well outside the plot's square, for
/// drawing it across the plot (the canvas clips the rest); `None` when m is zero or the line
/// is not a finite one.
pub fn line_across_plot(m1: f64, m2: f64, b: f64) -> Option<([f64; 2], [f64; 2])> {
    let (a, c) = if m2.abs() >= m1.abs() && m2 != 0.0 {
        ([-3.0, (-b + 3.0 * m1) / m2], [3.0, (-b - 3.0 * m1) / m2])
    } else if m1 != 0.0 {
        ([(-b + 3.0 * m2) / m1, -3.0], [(-b - 3.0 * m2) / m1, 3.0])
    } else {
        return None;
    };
    a.iter().chain(&c).all(|v| v.is_finite()).then_some((a, c))
}

/// Whether the plot can draw the lines m·x + b = 0 of this model: its first dense layer reads
/// the raw inputs and is followed by another layer (see `draw_unit_lines`).
pub fn has_unit_lines(session: &Session) -> bool {
    let model = &session.trainer.model;
    model.features == crate::engine::FeatureMap::Identity && model.layers.len() >= 2
}

/// Rings the traced point (at `x` in plot units) so the room sees which point the numbers in
/// the network view belong to.
fn draw_trace_marker(ctx: &CanvasRenderingContext2d, x: [f32; 2], w: f64, h: f64, ratio: f64) {
    let (cx, cy) = ((x[0] as f64 + 1.0) / 2.0 * w, (1.0 - x[1] as f64) / 2.0 * h);
    for (colour, width) in [("#ffffff", 5.0), ("#1d2433", 2.5)] {
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(width * ratio);
        ctx.begin_path();
        let _ = ctx.arc(cx, cy, 11.0 * ratio, 0.0, std::f64::consts::TAU);
        ctx.stroke();
    }
}

fn draw_axes(ctx: &CanvasRenderingContext2d, w: f64, h: f64, ratio: f64) {
    ctx.set_stroke_style_str("rgba(29, 36, 51, 0.18)");
    ctx.set_line_width(ratio);
    ctx.begin_path();
    for t in [-0.5, 0.0, 0.5] {
        let x = (t + 1.0) / 2.0 * w;
        let y = (1.0 - t) / 2.0 * h;
        ctx.move_to(x, 0.0);
        ctx.line_to(x, h);
        ctx.move_to(0.0, y);
        ctx.line_to(w, y);
    }
    ctx.stroke();
    ctx.set_fill_style_str("rgba(29, 36, 51, 0.65)");
    ctx.set_font(&format!("{}px system-ui, sans-serif", (11.0 * ratio).round()));
    for (t, label) in [(-0.5, "−0.5"), (0.0, "0"), (0.5, "0.5")] {
        let x = (t + 1.0) / 2.0 * w;
        let y = (1.0 - t) / 2.0 * h;
        let _ = ctx.fill_text(label, x + 3.0 * ratio, h - 4.0 * ratio);
        let _ = ctx.fill_text(label, 3.0 * ratio, y - 3.0 * ratio);
    }
    let _ = ctx.fill_text("x₁ →", w - 34.0 * ratio, h - 4.0 * ratio);
    let _ = ctx.fill_text("x₂ ↑", 3.0 * ratio, 13.0 * ratio);
}

/// The legend under the plot while it draws the lines m·x + b = 0, telling them from the
/// decision boundary (shown unless the plot shows a unit or a regression).
pub fn lines_legend(session: &Session, focused: bool) -> yew::Html {
    use yew::html;
    let boundary = (session.task() == Task::Classification && !focused).then(|| {
        let text = if session.classes() > 2 {
            "boundaries between classes"
        } else {
            "decision boundary f(x) = 0"
        };
        html! { <span class="key boundary">{ text }</span> }
    });
    let units = session.trainer.model.layers[0].outputs;
    let (whose, line) = if session.settings.run.model == crate::page::settings::ModelFamily::Random {
        (["random feature", "random features"], "Mx + b = 0")
    } else {
        (["first-layer unit", "first-layer units"], "m·x + b = 0")
    };
    let lines = match units {
        1 => format!("the {}'s line {line}", whose[0]),
        n if n <= MAX_LINES => format!("the {n} {}' lines {line}", whose[1]),
        n => format!("the first {MAX_LINES} of the {n} {}' lines {line}", whose[1]),
    };
    html! {
        <p class="plot-legend" data-testid="plot-legend">
            { for boundary }
            <span class="key unit-lines">{ lines }</span>
        </p>
    }
}
