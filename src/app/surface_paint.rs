//! The loss-surface view's drawing and its share of each frame: the filled contour map with
//! labelled levels and named axes, the paths across it with their heads, and the race's loss
//! curves. While the view is open the [`SurfacePainter`] holds its state ([`SurfaceView`]), so
//! the training loop (`live.rs`) records every step on the path, runs the race in the session's
//! place, and fills the surface with what is left of the frame.

use super::canvas::{context_2d, css_rgb, fit_backing_store, font, new_canvas, text_scale};
use super::chart::{draw_lines, Line};
use super::painters::Canvases;
use super::plot::draw_grid_image;
use crate::engine::surface::Window;
use crate::page::pace::FrameReport;
use crate::page::paint;
use crate::page::session::Session;
use crate::page::surface::{optimizer_name, Lane, SurfaceView};
use plotters::style::RGBColor;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Colours of SGD, momentum and Adam, on the map and in the race's chart: apart from each other,
/// from the map's own colours and from the classes (drawn over a dark rim on the map).
pub const LANE_COLOURS: [[u8; 3]; 3] = [[230, 57, 70], [86, 180, 233], [255, 255, 255]];
/// The race's chart draws Adam, white on the map, in the page's ink.
const LANE_CHART_COLOURS: [[u8; 3]; 3] = [LANE_COLOURS[0], [0, 114, 178], [29, 36, 51]];
/// The main path's colour.
const PATH_COLOUR: &str = "#ffffff";
/// The dark rim under every path, so it reads on the bright walls as on the dark valley.
const RIM: &str = "rgba(20, 20, 30, 0.75)";
/// Side of the resampled image the bands are drawn from.
const FINE_NODES: usize = 257;
/// Milliseconds between refreshes of the race's losses.
const RACE_REFRESH_MS: f64 = 90.0;
/// Milliseconds of a training frame's budget the view takes for itself (training stops this
/// much earlier), to fill the surface and paint the map: at the fastest pace the frame costs
/// what it did without the view.
const TRAINING_SHARE_MS: f64 = 2.0;
/// CSS pixels between the points of a path as drawn, at least.
const MIN_VERTEX_GAP: f64 = 1.0;
/// Milliseconds between repaints of the map while training, unless its surface changed.
const TRAINING_PAINT_MS: f64 = 40.0;

/// Where the map sits on its canvas, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct MapBox {
    left: f64,
    top: f64,
    side: f64,
}

impl MapBox {
    /// The map's box on a canvas of `w` × `h` CSS pixels: room on the left and below for
    /// the tick labels and the axes' names.
    fn of(w: f64, h: f64) -> MapBox {
        let scale = text_scale();
        let (left, bottom, top, right) = (46.0 * scale, 38.0 * scale, 8.0, 16.0 * scale);
        let side = (w - left - right).min(h - top - bottom).max(10.0);
        MapBox { left, top, side }
    }

    /// CSS pixels of the point at fractions `f` of the window.
    fn at(&self, f: [f64; 2]) -> (f64, f64) {
        (self.left + f[0] * self.side, self.top + f[1] * self.side)
    }

    /// The fractions of the window at CSS pixel (x, y), if it is on the map.
    fn fraction(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        let f = [(x - self.left) / self.side, (y - self.top) / self.side];
        f.iter().all(|v| (0.0..=1.0).contains(v)).then_some(f)
    }
}

/// What the map's fixed layer was drawn from: the same inputs need no new drawing.
#[derive(Clone, Debug, PartialEq)]
struct BaseKey {
    version: u64,
    window: Option<Window>,
    size: (u32, u32),
    scale: u64,
    axes: [String; 2],
}

/// Buffers the fixed layer is drawn with, kept between paints.
#[derive(Default)]
struct Scratch {
    /// The resampled values as an image, one pixel a value.
    grid: Option<HtmlCanvasElement>,
    fine: Vec<f32>,
    pixels: Vec<u8>,
    segments: Vec<[f32; 4]>,
}

/// The loss-surface view's state and drawing. Closed (no state, no work) until the view opens.
#[derive(Default)]
pub struct SurfacePainter {
    view: Option<SurfaceView>,
    /// The fixed layer (bands, contours and their labels, axes) at the canvas's size.
    base: Option<HtmlCanvasElement>,
    base_key: Option<BaseKey>,
    scratch: Scratch,
    map: Option<MapBox>,
    last_race_refresh: f64,
    last_paint: f64,
    race_key: Option<Vec<usize>>,
    paints: u64,
}

impl SurfacePainter {
    /// Opens the view on `session` (keeping it when it is open already).
    pub fn open(&mut self, session: &Session) {
        if self.view.is_none() {
            self.view = Some(SurfaceView::new(session));
            self.base_key = None;
            self.race_key = None;
        }
    }

    /// Closes the view: training goes back to the session alone and the surface's memory is freed.
    pub fn close(&mut self) {
        *self = SurfacePainter::default();
    }

    /// The view's state, while it is open.
    pub fn view(&self) -> Option<&SurfaceView> {
        self.view.as_ref()
    }

    /// Brings the view up to date with the session's settings, points and model (see
    /// [`SurfaceView::after_frame`]).
    pub fn sync(&mut self, session: &Session) {
        if let Some(view) = &mut self.view {
            view.after_frame(session);
        }
    }

    /// One frame of training until `deadline`: the session's own ([`Session::run_frame`]), or,
    /// while the view is open, with every step recorded on the path or the race stepping in
    /// the session's place ([`SurfaceView::run_frame`]), [`TRAINING_SHARE_MS`] shorter.
    pub fn run_frame(&mut self, session: &mut Session, deadline: f64, now: &dyn Fn() -> f64) -> FrameReport {
        match &mut self.view {
            Some(view) => view.run_frame(session, deadline - TRAINING_SHARE_MS, now),
            None => session.run_frame(deadline, now),
        }
    }

    /// After a frame of training: brings the view up to date with the session, fills the surface
    /// for a few milliseconds, refreshes the race's losses now and then, and repaints the map
    /// when its surface changed or [`TRAINING_PAINT_MS`] have passed (the path moves every
    /// frame, and repainting a canvas costs the browser more than the path gains at 60 Hz).
    pub fn after_training(&mut self, canvases: &Canvases, session: &Session, now: &dyn Fn() -> f64) {
        if self.view.is_none() {
            return;
        }
        let time = now();
        self.advance(session, time + TRAINING_SHARE_MS, now);
        let shown = self.base_key.as_ref().map(|k| (k.version, k.window));
        let surface_changed = shown != self.view.as_ref().map(|v| (v.version(), v.window()));
        if surface_changed || time - self.last_paint >= TRAINING_PAINT_MS {
            self.last_paint = time;
            self.paint(canvases, session);
        }
    }

    /// Brings the view up to date with the session, fills the surface until `deadline` (on the
    /// clock `now`), refreshes the race's losses when they are due, and paints the map. Returns
    /// whether the surface is finished (true when the view is closed).
    pub fn work(
        &mut self,
        canvases: &Canvases,
        session: &Session,
        deadline: f64,
        now: &dyn Fn() -> f64,
    ) -> bool {
        let done = self.advance(session, deadline, now);
        self.paint(canvases, session);
        done
    }

    /// [`SurfacePainter::work`] without the painting.
    fn advance(&mut self, session: &Session, deadline: f64, now: &dyn Fn() -> f64) -> bool {
        let Some(view) = &mut self.view else {
            return true;
        };
        view.after_frame(session);
        let time = now();
        if time - self.last_race_refresh >= RACE_REFRESH_MS {
            self.last_race_refresh = time;
            view.refresh_race();
        }
        view.refine(deadline, now)
    }

    /// Re-centres the view on the current weights (see [`SurfaceView::recentre`]).
    pub fn recentre(&mut self, session: &Session) {
        if let Some(view) = &mut self.view {
            view.recentre(session);
        }
    }

    /// Sets the weights to the point of the map under CSS pixel (x, y) of its canvas; false when
    /// (x, y) is off the map or there is no surface.
    pub fn click(&mut self, session: &mut Session, x: f64, y: f64) -> bool {
        let (Some(view), Some(map)) = (&mut self.view, self.map) else {
            return false;
        };
        let (Some(window), Some(f)) = (view.window(), map.fraction(x, y)) else {
            return false;
        };
        view.set_weights_at(session, window.from_fraction(f))
    }

    /// Paints the map: the fixed layer when its inputs changed, then the paths and their heads.
    pub fn paint(&mut self, canvases: &Canvases, session: &Session) {
        let (Some(canvas), Some(view)) = (canvases.surface.cast::<HtmlCanvasElement>(), &self.view) else {
            return;
        };
        let Some(ctx) = context_2d(&canvas) else {
            return;
        };
        let (w, h, ratio) = fit_backing_store(&canvas);
        let map = MapBox::of(w / ratio, h / ratio);
        self.map = Some(map);
        let key = BaseKey {
            version: view.version(),
            window: view.window(),
            size: (w as u32, h as u32),
            scale: (text_scale() * 1000.0) as u64,
            axes: view.axis_names(session),
        };
        if self.base_key.as_ref() != Some(&key) {
            if self.base.is_none() {
                self.base = new_canvas();
            }
            if let Some(base) = &self.base {
                base.set_width(w as u32);
                base.set_height(h as u32);
                if let Some(base_ctx) = context_2d(base) {
                    base_ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok();
                    let size = (w / ratio, h / ratio);
                    paint_base(&base_ctx, view, &key.axes, map, size, &mut self.scratch);
                }
            }
            self.base_key = Some(key);
        }
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
        ctx.clear_rect(0.0, 0.0, w, h);
        if let Some(base) = &self.base {
            let _ = ctx.draw_image_with_html_canvas_element(base, 0.0, 0.0);
        }
        ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok();
        let drawn = paint_paths(&ctx, view, session, map);
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
        // For automation: where the map is, what it shows and where the path's head is.
        self.paints += 1;
        let window = view.window();
        let attributes = [
            ("data-paints", self.paints.to_string()),
            ("data-progress", format!("{:.3}", view.progress())),
            ("data-nodes", view.latest().map_or(0, |l| l.nodes).to_string()),
            (
                "data-map",
                format!("{:.1},{:.1},{:.1}", map.left, map.top, map.side),
            ),
            (
                "data-window",
                window.map_or(String::new(), |w| {
                    format!("{},{},{}", w.centre[0], w.centre[1], w.half_width)
                }),
            ),
            (
                "data-head",
                drawn.map_or(String::new(), |(_, [a, b])| format!("{a},{b}")),
            ),
            ("data-path", drawn.map_or(0, |(points, _)| points).to_string()),
        ];
        for (name, value) in attributes {
            let _ = canvas.set_attribute(name, &value);
        }
    }

    /// Paints the race's training losses, unless they have not changed since the last paint.
    /// `log` says whether the losses' and the steps' axes are logarithmic.
    pub fn paint_race_chart(&mut self, canvases: &Canvases, log: (bool, bool)) {
        let (Some(canvas), Some(view)) = (canvases.race.cast::<HtmlCanvasElement>(), &self.view) else {
            return;
        };
        let rect = canvas.get_bounding_client_rect();
        let mut key: Vec<usize> = view.lanes().map(|l| l.losses.points().len()).collect();
        key.extend([
            log.0 as usize + 2 * log.1 as usize,
            canvas.width() as usize,
            rect.width() as usize,
            rect.height() as usize,
        ]);
        if self.race_key.as_ref() == Some(&key) {
            return;
        }
        // A run blowing up would squash the others into a line at the bottom: the chart reaches
        // twice the highest loss of the racers still running (ten times the start at least),
        // and the others leave it at the top.
        let highest = |lanes: &mut dyn Iterator<Item = &Lane>, first: bool| {
            lanes
                .flat_map(|l| {
                    let points = l.losses.points();
                    if first {
                        &points[..points.len().min(1)]
                    } else {
                        points
                    }
                })
                .map(|p| p.train)
                .fold(f64::MIN_POSITIVE, f64::max)
        };
        let lanes: Vec<Lane> = view.lanes().collect();
        let ceiling = (10.0 * highest(&mut lanes.iter(), true))
            .max(2.0 * highest(&mut lanes.iter().filter(|l| !l.trainer.diverged()), false));
        let lines: Vec<Line> = lanes
            .iter()
            .zip(LANE_CHART_COLOURS)
            .map(|(lane, [r, g, b])| Line {
                colour: RGBColor(r, g, b),
                label: optimizer_name(lane.kind),
                points: lane
                    .losses
                    .points()
                    .iter()
                    .map(|p| (p.step, p.train))
                    .filter(|p| p.1 <= ceiling)
                    .collect(),
            })
            .collect();
        draw_lines(
            &canvas,
            &lines,
            log,
            "The three losses appear here once the race runs.",
        );
        // Painting sized the backing store: remember the shape it has now.
        let last = key.len() - 3;
        key[last] = canvas.width() as usize;
        self.race_key = Some(key);
    }
}

/// Draws the fixed layer on a canvas of `size` CSS pixels: the bands, the contours with their
/// labels, the frame, the ticks and the axes' names.
fn paint_base(
    ctx: &CanvasRenderingContext2d,
    view: &SurfaceView,
    axes: &[String; 2],
    map: MapBox,
    size: (f64, f64),
    scratch: &mut Scratch,
) {
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, size.0, size.1);
    ctx.set_fill_style_str("#eef0f4");
    ctx.fill_rect(map.left, map.top, map.side, map.side);
    let levels = view.levels();
    if let Some(level) = view.latest() {
        let values: Vec<f64> = levels.iter().map(|l| l.0).collect();
        paint::upsample(level.values, level.nodes, FINE_NODES, &mut scratch.fine);
        scratch.pixels.resize(scratch.fine.len() * 4, 0);
        paint::fill_bands(&scratch.fine, &values, &mut scratch.pixels);
        if scratch.grid.is_none() {
            scratch.grid = new_canvas();
        }
        if let Some(grid) = &scratch.grid {
            draw_values_image(ctx, grid, &scratch.pixels, FINE_NODES, map);
        }
        paint_contours(
            ctx,
            level.values,
            level.nodes,
            &levels,
            map,
            &mut scratch.segments,
        );
    }
    ctx.set_stroke_style_str("rgba(29, 36, 51, 0.6)");
    ctx.set_line_width(1.0);
    ctx.stroke_rect(map.left, map.top, map.side, map.side);
    if let Some(window) = view.window() {
        paint_axes(ctx, window, axes, map);
    }
}

/// Draws an `n` × `n` image whose pixel (r, c) is the value at node (r, c), so that node sits at
/// fractions (c, r)/(n − 1) of the map: the image reaches half a pixel past the map's edges,
/// which are clipped.
fn draw_values_image(
    ctx: &CanvasRenderingContext2d,
    grid: &HtmlCanvasElement,
    pixels: &[u8],
    n: usize,
    map: MapBox,
) {
    let cell = map.side / (n - 1) as f64;
    ctx.save();
    ctx.begin_path();
    ctx.rect(map.left, map.top, map.side, map.side);
    ctx.clip();
    let _ = ctx.translate(map.left - cell / 2.0, map.top - cell / 2.0);
    draw_grid_image(ctx, grid, pixels, n, map.side + cell, map.side + cell, true);
    ctx.restore();
}

/// Draws each level's contour and writes its value on it once, where there is room.
fn paint_contours(
    ctx: &CanvasRenderingContext2d,
    values: &[f32],
    nodes: usize,
    levels: &[(f64, String)],
    map: MapBox,
    segments: &mut Vec<[f32; 4]>,
) {
    // Marching squares puts node (r, c) at (c + ½, r + ½).
    let unit = map.side / (nodes - 1) as f64;
    let to_px = |u: f32, v: f32| {
        (
            map.left + (u as f64 - 0.5) * unit,
            map.top + (v as f64 - 0.5) * unit,
        )
    };
    let mut labels: Vec<(f64, f64, &str)> = Vec::new();
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str("rgba(20, 20, 30, 0.45)");
    for (value, label) in levels {
        paint::contour(values, nodes, *value as f32, segments);
        if segments.is_empty() {
            continue;
        }
        ctx.begin_path();
        for s in segments.iter() {
            let (a, b) = (to_px(s[0], s[1]), to_px(s[2], s[3]));
            ctx.move_to(a.0, a.1);
            ctx.line_to(b.0, b.1);
        }
        ctx.stroke();
        // A place for the label: the middle of the contour's segments, else a quarter or three
        // quarters along, away from the edges and from the labels already placed.
        let room = 14.0 * text_scale();
        let spot = [2, 1, 3].iter().find_map(|&q| {
            let s = segments[segments.len() * q / 4];
            let (x, y) = to_px((s[0] + s[2]) / 2.0, (s[1] + s[3]) / 2.0);
            let inside = x > map.left + 2.0 * room
                && x < map.left + map.side - 2.0 * room
                && y > map.top + room
                && y < map.top + map.side - room;
            let apart = labels
                .iter()
                .all(|&(lx, ly, _)| (lx - x).abs() > 3.0 * room || (ly - y).abs() > 1.8 * room);
            (inside && apart).then_some((x, y))
        });
        if let Some((x, y)) = spot {
            labels.push((x, y, label));
        }
    }
    ctx.set_font(&font(11.0));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_line_width(3.0);
    ctx.set_stroke_style_str("rgba(255, 255, 255, 0.9)");
    ctx.set_fill_style_str("#1d2433");
    for (x, y, label) in labels {
        let _ = ctx.stroke_text(label, x, y);
        let _ = ctx.fill_text(label, x, y);
    }
    ctx.set_text_align("start");
    ctx.set_text_baseline("alphabetic");
}

/// Ticks below and left of the map, and the axes' names.
fn paint_axes(ctx: &CanvasRenderingContext2d, window: Window, axes: &[String; 2], map: MapBox) {
    let scale = text_scale();
    let lo = [
        window.centre[0] - window.half_width,
        window.centre[1] - window.half_width,
    ];
    let hi = [
        window.centre[0] + window.half_width,
        window.centre[1] + window.half_width,
    ];
    ctx.set_font(&font(11.0));
    ctx.set_fill_style_str("#1d2433");
    ctx.set_stroke_style_str("rgba(29, 36, 51, 0.6)");
    let bottom = map.top + map.side;
    ctx.set_text_align("center");
    ctx.set_text_baseline("top");
    for (a, label) in paint::axis_ticks(lo[0], hi[0]) {
        let (x, _) = map.at(window.to_fraction([a, window.centre[1]]));
        ctx.begin_path();
        ctx.move_to(x, bottom);
        ctx.line_to(x, bottom + 4.0);
        ctx.stroke();
        let _ = ctx.fill_text(&label, x, bottom + 5.0);
    }
    ctx.set_text_align("right");
    ctx.set_text_baseline("middle");
    for (b, label) in paint::axis_ticks(lo[1], hi[1]) {
        let (_, y) = map.at(window.to_fraction([window.centre[0], b]));
        ctx.begin_path();
        ctx.move_to(map.left - 4.0, y);
        ctx.line_to(map.left, y);
        ctx.stroke();
        let _ = ctx.fill_text(&label, map.left - 6.0, y);
    }
    ctx.set_font(&font(12.0));
    ctx.set_text_align("center");
    ctx.set_text_baseline("bottom");
    let _ = ctx.fill_text(
        &format!("{} →", axes[0]),
        map.left + map.side / 2.0,
        bottom + 36.0 * scale,
    );
    ctx.save();
    let _ = ctx.translate(12.0 * scale, map.top + map.side / 2.0);
    let _ = ctx.rotate(-std::f64::consts::FRAC_PI_2);
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text(&format!("{} →", axes[1]), 0.0, 0.0);
    ctx.restore();
    ctx.set_text_align("start");
    ctx.set_text_baseline("alphabetic");
}

/// Draws the main path (or, in a race, the three racers' paths) and their heads; returns the
/// main path's drawn points and its last one on the plane. Looking back on the timeline, the
/// main path stops at the step shown and its head sits at that step's weights, so scrubbing the
/// timeline walks the head back and forth along the path; the race is not on the timeline.
fn paint_paths(
    ctx: &CanvasRenderingContext2d,
    view: &SurfaceView,
    session: &Session,
    map: MapBox,
) -> Option<(usize, [f64; 2])> {
    let window = view.window()?;
    let place = |p: [f64; 2]| map.at(window.to_fraction(p));
    let on_plane = |(_, r): (u64, &[f32])| [r[0] as f64, r[1] as f64];
    let until = session.looking_back().map(|past| past.step());
    let main: Vec<[f64; 2]> = view
        .path()
        .rows()
        .take_while(|&(step, _)| until.is_none_or(|last| step <= last))
        .map(on_plane)
        .collect();
    let head = main.last().copied();
    let lanes: Vec<_> = view.lanes().collect();
    if lanes.is_empty() {
        let points: Vec<_> = main.iter().map(|&p| place(p)).collect();
        stroke_path(ctx, map, &points, PATH_COLOUR, 2.0);
        if let Some(at) = view.position(&session.shown().trainer).or(head) {
            draw_head(ctx, map, place(at), PATH_COLOUR, None);
        }
    }
    for (lane, colour) in lanes.iter().zip(LANE_COLOURS) {
        let points: Vec<_> = lane.path.rows().map(on_plane).map(place).collect();
        stroke_path(ctx, map, &points, &css_rgb(colour), 2.0);
    }
    for (lane, colour) in lanes.iter().zip(LANE_COLOURS) {
        if let Some(at) = view.position(lane.trainer) {
            draw_head(
                ctx,
                map,
                place(at),
                &css_rgb(colour),
                Some(optimizer_name(lane.kind)),
            );
        }
    }
    head.map(|head| (main.len(), head))
}

/// Strokes a polyline over a dark rim, clipped to the map (its points may lie far off it).
fn stroke_path(ctx: &CanvasRenderingContext2d, map: MapBox, points: &[(f64, f64)], colour: &str, width: f64) {
    let (lo, hi) = ([map.left, map.top], [map.left + map.side, map.top + map.side]);
    // Steps far smaller than a pixel add nothing to the picture and cost the browser a vertex
    // each: keep the points at least a pixel apart (and the last).
    let mut kept: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for (i, &p) in points.iter().enumerate() {
        let far = kept
            .last()
            .is_none_or(|q: &(f64, f64)| (p.0 - q.0).hypot(p.1 - q.1) >= MIN_VERTEX_GAP || !p.0.is_finite());
        if far || i + 1 == points.len() {
            kept.push(p);
        }
    }
    let trace = || {
        ctx.begin_path();
        let mut last: Option<[f64; 2]> = None;
        for pair in kept.windows(2) {
            let (a, b) = ([pair[0].0, pair[0].1], [pair[1].0, pair[1].1]);
            let Some((from, to)) = paint::clip_segment(a, b, lo, hi) else {
                last = None;
                continue;
            };
            if last != Some(from) {
                ctx.move_to(from[0], from[1]);
            }
            ctx.line_to(to[0], to[1]);
            last = Some(to);
        }
    };
    ctx.set_line_join("round");
    ctx.set_line_width(width + 2.0);
    ctx.set_stroke_style_str(RIM);
    trace();
    ctx.stroke();
    ctx.set_line_width(width);
    ctx.set_stroke_style_str(colour);
    trace();
    ctx.stroke();
}

/// A path's head: a dot with a dark rim, with `label` beside it; off the map, a triangle on
/// its edge pointing the way the head went.
fn draw_head(
    ctx: &CanvasRenderingContext2d,
    map: MapBox,
    (x, y): (f64, f64),
    colour: &str,
    label: Option<&str>,
) {
    let (right, bottom) = (map.left + map.side, map.top + map.side);
    let inside = (map.left..=right).contains(&x) && (map.top..=bottom).contains(&y);
    let (cx, cy) = (x.clamp(map.left, right), y.clamp(map.top, bottom));
    ctx.set_line_width(1.5);
    ctx.set_stroke_style_str(RIM);
    ctx.set_fill_style_str(colour);
    ctx.begin_path();
    if inside || !(x.is_finite() && y.is_finite()) {
        let _ = ctx.arc(cx, cy, 5.0, 0.0, std::f64::consts::TAU);
    } else {
        // The triangle points from the map's centre towards the head.
        let centre = (map.left + map.side / 2.0, map.top + map.side / 2.0);
        let angle = (y - centre.1).atan2(x - centre.0);
        let corner = |turn: f64, r: f64| (cx + r * (angle + turn).cos(), cy + r * (angle + turn).sin());
        let (tip, left, right) = (corner(0.0, 2.0), corner(2.5, 9.0), corner(-2.5, 9.0));
        ctx.move_to(tip.0, tip.1);
        ctx.line_to(left.0, left.1);
        ctx.line_to(right.0, right.1);
        ctx.close_path();
    }
    ctx.fill();
    ctx.stroke();
    if let Some(label) = label {
        ctx.set_font(&font(11.0));
        let (lx, ly) = (
            (cx + 8.0).min(right - 8.0 * label.len() as f64),
            (cy - 8.0).max(map.top + 12.0),
        );
        ctx.set_line_width(3.0);
        ctx.set_stroke_style_str(RIM);
        let _ = ctx.stroke_text(label, lx, ly);
        ctx.set_fill_style_str(colour);
        let _ = ctx.fill_text(label, lx, ly);
    }
}
