//! The network diagram: units with their activation over the plane, links coloured by sign
//! and sized by magnitude, the single-example trace at each unit, and what the pointer is on.

use super::layout::{distance_to_segment, layer_title, layout, Layout, TypeRoom};
use super::short;
use crate::app::canvas::{context_2d, fit_backing_store, font, new_canvas, text_scale, text_width};
use crate::engine::{Model, Trace};
use crate::page::paint;
use crate::page::palette::Palette;
use crate::page::session::{Session, UnitRef};
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// What the diagram's links show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkMode {
    /// The weights w.
    Weights,
    /// ∂L/∂w of the last minibatch.
    Gradients,
    /// The change the last step made to w.
    Updates,
}

nnplay_engine::keyed_enum!(LinkMode {
    Weights => "weights", "Weights w";
    Gradients => "gradients", "Gradients ∂L/∂w (last step)";
    Updates => "updates", "Updates Δw (last step)";
});

/// One weight: from input `from` to unit `to` of dense layer `layer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkRef {
    /// The dense layer.
    pub layer: usize,
    /// The unit the link feeds.
    pub to: usize,
    /// The input it comes from.
    pub from: usize,
}

/// What the diagram should show besides the model.
#[derive(Clone, Debug, PartialEq)]
pub struct DiagramOptions {
    /// Weights or gradients on the links.
    pub mode: LinkMode,
    /// A single example's forward and backward pass, written at each unit.
    pub trace: Option<Trace>,
    /// The highlighted link.
    pub selected: Option<LinkRef>,
    /// The unit shown large on the plot.
    pub focus: Option<UnitRef>,
    /// The colours of signs, values and classes.
    pub palette: Palette,
}

/// Cells a side of each unit's thumbnail: 16, or 8 for models so large (over 50 000
/// parameters) that evaluating 256 points would hold up the page.
fn thumb_size(model: &Model) -> usize {
    if model.parameter_count() > 50_000 {
        8
    } else {
        16
    }
}

/// A place on the diagram under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagramHit {
    /// A unit's box.
    Unit(UnitRef),
    /// A link.
    Link(LinkRef),
}

/// Reusable buffers for painting the diagram.
#[derive(Default)]
pub struct DiagramPainter {
    paints: u64,
    layout: Layout,
    atlas: Option<HtmlCanvasElement>,
    pixels: Vec<u8>,
}

fn css_rgba([r, g, b]: [u8; 3], alpha: f64) -> String {
    format!("rgba({r}, {g}, {b}, {alpha:.3})")
}

fn link_value(session: &Session, mode: LinkMode, link: LinkRef) -> f32 {
    let layer = &session.trainer.model.layers[link.layer];
    let index = link.to * layer.inputs + link.from;
    match mode {
        LinkMode::Weights => layer.weights[index],
        LinkMode::Gradients => session.trainer.gradients().weights[link.layer][index],
        LinkMode::Updates => layer.weights[index] - session.trainer.before_last_step(link.layer).0[index],
    }
}

impl DiagramPainter {
    /// What is under the pointer at (x, y) in CSS pixels, by the last paint's layout.
    pub fn hit(&self, x: f64, y: f64) -> Option<DiagramHit> {
        let half = self.layout.size / 2.0;
        for (c, column) in self.layout.columns.iter().enumerate() {
            for &(unit, uy) in &column.units {
                if (x - column.x).abs() <= half && (y - uy).abs() <= half {
                    return Some(DiagramHit::Unit(UnitRef { layer: c, unit }));
                }
            }
        }
        let mut best: Option<(f64, LinkRef)> = None;
        for (l, pair) in self.layout.columns.windows(2).enumerate() {
            if x < pair[0].x + half || x > pair[1].x - half {
                continue;
            }
            for &(from, fy) in &pair[0].units {
                for &(to, ty) in &pair[1].units {
                    let d = distance_to_segment((x, y), (pair[0].x + half, fy), (pair[1].x - half, ty));
                    if d < 5.0 && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, LinkRef { layer: l, to, from }));
                    }
                }
            }
        }
        best.map(|(_, link)| DiagramHit::Link(link))
    }

    fn layout_json(&self) -> String {
        let columns: Vec<String> = self
            .layout
            .columns
            .iter()
            .map(|c| {
                let ys: Vec<String> = c.units.iter().map(|u| format!("{:.1}", u.1)).collect();
                format!("{{\"x\":{:.1},\"units\":[{}]}}", c.x, ys.join(","))
            })
            .collect();
        format!(
            "{{\"size\":{:.1},\"columns\":[{}]}}",
            self.layout.size,
            columns.join(",")
        )
    }

    /// Paints the diagram for the session's model.
    pub fn paint(&mut self, canvas: &HtmlCanvasElement, session: &mut Session, options: &DiagramOptions) {
        let Some(ctx) = context_2d(canvas) else {
            return;
        };
        let (w, h, ratio) = fit_backing_store(canvas);
        ctx.set_font(&font(11.0));
        let room = type_room(&ctx, &session.trainer.model, options.trace.as_ref());
        self.layout = layout(&session.trainer.model, w / ratio, h / ratio, room);
        // For automation and the page benchmark: unit centres per column (CSS pixels) and how
        // many times the diagram has been painted.
        self.paints += 1;
        let _ = canvas.set_attribute("data-layout", &self.layout_json());
        let _ = canvas.set_attribute("data-paints", &self.paints.to_string());
        ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok();
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, w / ratio, h / ratio);
        self.paint_links(&ctx, session, options);
        self.paint_units(&ctx, session, options);
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
    }

    fn paint_links(&self, ctx: &CanvasRenderingContext2d, session: &Session, options: &DiagramOptions) {
        let half = self.layout.size / 2.0;
        for (l, pair) in self.layout.columns.windows(2).enumerate() {
            let frozen = pair[1].frozen;
            let links = || {
                pair[0].units.iter().flat_map(move |&(from, fy)| {
                    pair[1]
                        .units
                        .iter()
                        .map(move |&(to, ty)| (LinkRef { layer: l, to, from }, fy, ty))
                })
            };
            let biggest = links()
                .map(|(link, _, _)| link_value(session, options.mode, link).abs())
                .fold(0.0f32, f32::max)
                .max(1e-12);
            if frozen {
                ctx.set_line_dash(&js_dash(&[4.0, 3.0])).ok();
            }
            for (link, fy, ty) in links() {
                let value = link_value(session, options.mode, link);
                let strength = (value.abs() / biggest) as f64;
                let colour = if frozen && options.mode != LinkMode::Weights {
                    "rgba(120, 128, 145, 0.25)".to_string()
                } else {
                    let rgb = if value >= 0.0 {
                        options.palette.positive()
                    } else {
                        options.palette.negative()
                    };
                    css_rgba(rgb, if frozen { 0.25 } else { 0.15 + 0.75 * strength })
                };
                ctx.set_stroke_style_str(&colour);
                ctx.set_line_width(0.6 + 4.4 * strength);
                ctx.begin_path();
                ctx.move_to(pair[0].x + half, fy);
                ctx.line_to(pair[1].x - half, ty);
                ctx.stroke();
                if options.selected == Some(link) {
                    ctx.set_stroke_style_str("#1d2433");
                    ctx.set_line_width(2.0);
                    ctx.set_line_dash(&js_dash(&[])).ok();
                    ctx.begin_path();
                    ctx.move_to(pair[0].x + half, fy);
                    ctx.line_to(pair[1].x - half, ty);
                    ctx.stroke();
                    if frozen {
                        ctx.set_line_dash(&js_dash(&[4.0, 3.0])).ok();
                    }
                }
            }
            ctx.set_line_dash(&js_dash(&[])).ok();
        }
    }

    fn ensure_atlas(&mut self, cells: usize, thumb: usize) -> Option<HtmlCanvasElement> {
        if self.atlas.is_none() {
            self.atlas = new_canvas();
        }
        let atlas = self.atlas.clone()?;
        let width = (thumb * cells.max(1)) as u32;
        if atlas.width() != width || atlas.height() != thumb as u32 {
            atlas.set_width(width);
            atlas.set_height(thumb as u32);
        }
        self.pixels.resize(width as usize * thumb * 4, 0);
        Some(atlas)
    }

    fn paint_units(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        session: &mut Session,
        options: &DiagramOptions,
    ) {
        let units: Vec<UnitRef> = self
            .layout
            .columns
            .iter()
            .enumerate()
            .flat_map(|(c, col)| col.units.iter().map(move |&(unit, _)| UnitRef { layer: c, unit }))
            .collect();
        let thumb = thumb_size(&session.trainer.model);
        let Some(atlas) = self.ensure_atlas(units.len(), thumb) else {
            return;
        };
        // One forward pass over a small grid gives every unit's thumbnail.
        let row_width = thumb * units.len();
        {
            let ws = session.probe_grid(thumb);
            let cells = thumb * thumb;
            for (k, unit) in units.iter().enumerate() {
                let row = if unit.layer == 0 {
                    &ws.features[unit.unit * cells..(unit.unit + 1) * cells]
                } else {
                    ws.activation_row(unit.layer - 1, unit.unit)
                };
                let scale = row.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
                for (cell, &v) in row.iter().enumerate() {
                    let (r, c) = (cell / thumb, cell % thumb);
                    let [red, green, blue] = paint::diverging(options.palette, v / scale, 0.9);
                    let at = (r * row_width + k * thumb + c) * 4;
                    self.pixels[at..at + 4].copy_from_slice(&[red, green, blue, 255]);
                }
            }
        }
        if let (Some(atlas_ctx), Ok(image)) = (
            context_2d(&atlas),
            ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(&self.pixels),
                row_width as u32,
                thumb as u32,
            ),
        ) {
            let _ = atlas_ctx.put_image_data(&image, 0.0, 0.0);
        }
        let size = self.layout.size;
        let half = size / 2.0;
        let width = ctx.canvas().map_or(0.0, |c| c.client_width() as f64);
        let line = line_height();
        ctx.set_image_smoothing_enabled(true);
        ctx.set_font(&font(11.0));
        ctx.set_text_align("center");
        let mut k = 0;
        let last = self.layout.columns.len() - 1;
        for (c, column) in self.layout.columns.iter().enumerate() {
            ctx.set_fill_style_str("#5b6477");
            // Titles stay inside the canvas, however near its edge their column is.
            let title_x = |text: &str| {
                let half_text = text_width(ctx, text) / 2.0 + 2.0;
                column.x.clamp(half_text, (width - half_text).max(half_text))
            };
            let _ = ctx.fill_text(&column.title, title_x(&column.title), self.layout.title_y);
            if column.frozen {
                let note = if self.layout.narrow { "❄" } else { "no gradient" };
                let _ = ctx.fill_text(note, title_x(note), self.layout.title_y + line);
            }
            for &(unit, y) in &column.units {
                let _ = ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    &atlas,
                    (k * thumb) as f64,
                    0.0,
                    thumb as f64,
                    thumb as f64,
                    column.x - half,
                    y - half,
                    size,
                    size,
                );
                k += 1;
                let focused = options.focus == Some(UnitRef { layer: c, unit });
                // One output unit per class: each framed in its class's colour.
                let class_unit = c == last && column.units.len() > 1;
                let stroke = if focused {
                    "#2f6fdb".to_string()
                } else if class_unit {
                    css_rgba(options.palette.class_colour(unit), 1.0)
                } else {
                    "rgba(29, 36, 51, 0.55)".to_string()
                };
                ctx.set_stroke_style_str(&stroke);
                ctx.set_line_width(if focused || class_unit { 3.0 } else { 1.0 });
                ctx.stroke_rect(column.x - half, y - half, size, size);
                if let (Some(trace), true) = (&options.trace, self.layout.labelled) {
                    let [a, d] = unit_labels(trace, c, unit);
                    draw_label(ctx, &a, column.x + half + 3.0, y - 2.0, line, "#1d2433");
                    draw_label(ctx, &d, column.x + half + 3.0, y - 2.0 + line, line, "#6a1b9a");
                }
            }
            if column.hidden > 0 {
                ctx.set_fill_style_str("#5b6477");
                let last_y = column.units.last().map_or(0.0, |u| u.1);
                let more = format!("+{} more", column.hidden);
                let _ = ctx.fill_text(&more, title_x(&more), last_y + half + line);
            }
        }
        ctx.set_text_align("start");
    }
}

/// The a and δ labels of `unit` in diagram column `column` for the traced example.
fn unit_labels(trace: &Trace, column: usize, unit: usize) -> [String; 2] {
    let (a, d) = if column == 0 {
        (trace.features[unit], trace.feature_delta[unit])
    } else {
        (trace.a[column - 1][unit], trace.delta[column - 1][unit])
    };
    [format!("a {}", short(a)), format!("δ {}", short(d))]
}

/// Height of a line of the diagram's type.
fn line_height() -> f64 {
    13.0 * text_scale()
}

/// Measures what the diagram's type needs (with the context's current font): the widest a or
/// δ label of the traced example and the widest full column title.
fn type_room(ctx: &CanvasRenderingContext2d, model: &Model, trace: Option<&Trace>) -> TypeRoom {
    let width = |text: &str| text_width(ctx, text);
    let columns = model.layers.len() + 1;
    let title = (0..columns)
        .map(|c| width(&layer_title(model, c, false)))
        .fold(0.0, f64::max);
    let label = trace.map_or(0.0, |trace| {
        (0..columns)
            .flat_map(|c| {
                let units = if c == 0 {
                    model.features.width()
                } else {
                    model.layers[c - 1].outputs
                };
                (0..units).flat_map(move |u| unit_labels(trace, c, u))
            })
            .map(|text| width(&text))
            .fold(0.0, f64::max)
            + 6.0
    });
    TypeRoom {
        line: line_height(),
        label,
        title,
    }
}

/// Writes `text` left-aligned at (x, baseline y) on a white backing, in `colour`, so the links
/// under it do not make it hard to read.
fn draw_label(ctx: &CanvasRenderingContext2d, text: &str, x: f64, y: f64, line: f64, colour: &str) {
    let width = text_width(ctx, text);
    ctx.set_fill_style_str("rgba(255, 255, 255, 0.88)");
    ctx.fill_rect(x - 1.0, y - line * 0.8, width + 2.0, line);
    ctx.set_text_align("left");
    ctx.set_fill_style_str(colour);
    let _ = ctx.fill_text(text, x, y);
    ctx.set_text_align("center");
}

fn js_dash(pattern: &[f64]) -> wasm_bindgen::JsValue {
    let array = js_sys::Array::new();
    for &v in pattern {
        array.push(&v.into());
    }
    array.into()
}
