//! The weight and gradient matrices: each dense layer's weights beside their gradients.

use super::short;
use crate::app::canvas::{context_2d, fit_backing_store, font, new_canvas, text_scale, text_width};
use crate::page::paint;
use crate::page::palette::Palette;
use crate::page::session::Session;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The height (in rem, so it grows with the page's type) the matrices canvas asks for with
/// `layers` rows, and the least it can do with (a flex column may shrink it that far).
pub fn matrices_height(layers: usize) -> (f64, f64) {
    let rows = layers.max(1) as f64;
    (1.2 + rows * 6.2, 1.2 + rows * 2.6)
}

/// Pixels between the two matrices of a row, and at the canvas's edges.
const GAP: f64 = 12.0;
const MARGIN: f64 = 4.0;

/// The first of `candidates` (longest first) that is at most `room` pixels wide in the
/// context's font, else the last.
fn fit<'a>(ctx: &CanvasRenderingContext2d, candidates: &'a [String], room: f64) -> &'a str {
    candidates
        .iter()
        .find(|c| text_width(ctx, c) <= room)
        .or(candidates.last())
        .map_or("", String::as_str)
}

/// Writes the first of `candidates` that fits `room` pixels at (x, y), squeezed into `room`
/// when even the shortest does not fit, so a caption never runs into its neighbour.
fn caption(ctx: &CanvasRenderingContext2d, candidates: &[String], x: f64, y: f64, room: f64) {
    let _ = ctx.fill_text_with_max_width(fit(ctx, candidates, room), x, y, room.max(1.0));
}

/// Draws every dense layer's weight matrix beside its gradient matrix, one row per layer, each
/// matrix on `palette`'s diverging scale normalised by its own largest magnitude. A table: the
/// columns are headed W and ∂L/∂W, each row names its layer on the left, and each matrix has
/// its largest magnitude under it, shortened as far as the room needs.
pub fn draw_matrices(canvas: &HtmlCanvasElement, session: &Session, palette: Palette, pixels: &mut Vec<u8>) {
    let Some(ctx) = context_2d(canvas) else {
        return;
    };
    let (w, h, ratio) = fit_backing_store(canvas);
    ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok();
    let (w, h) = (w / ratio, h / ratio);
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    let model = &session.trainer.model;
    let grads = session.trainer.gradients();
    // Type that grows with the page's, one line of it a row of text.
    let type_px = 11.0 * text_scale();
    let line = type_px * 1.25;
    ctx.set_font(&font(11.0));
    ctx.set_image_smoothing_enabled(false);
    let labels: Vec<[String; 2]> = model
        .layers
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            [
                format!("layer {}", l + 1),
                format!("{}→{}", layer.inputs, layer.outputs),
            ]
        })
        .collect();
    let label_w = labels
        .iter()
        .flatten()
        .map(|t| text_width(&ctx, t))
        .fold(0.0, f64::max)
        + 2.0 * MARGIN;
    let top = line + 4.0;
    let row_h = (h - top) / model.layers.len().max(1) as f64;
    let side = (row_h - line - 6.0).clamp(6.0, 140.0);
    // Each matrix at least as wide as 1.9 times its height or its caption, and at most half
    // the room beside the labels.
    let half = ((w - label_w - GAP - MARGIN) / 2.0).max(6.0);
    // Each matrix's largest magnitude: its colour scale, and the number under it.
    let scales: Vec<[f32; 2]> = model
        .layers
        .iter()
        .zip(&grads.weights)
        .map(|(layer, g)| [largest(&layer.weights), largest(g)])
        .collect();
    let captions: Vec<[Vec<String>; 2]> = model
        .layers
        .iter()
        .zip(&scales)
        .map(|(layer, &[wmax, gmax])| {
            let weights = vec![
                format!("max |w| {}", short(wmax)),
                format!("max {}", short(wmax)),
                short(wmax),
            ];
            let gradients = if layer.frozen {
                vec!["frozen: none".to_string(), "frozen".to_string()]
            } else {
                vec![format!("max {}", short(gmax)), short(gmax)]
            };
            [weights, gradients]
        })
        .collect();
    let widest = captions
        .iter()
        .flat_map(|pair| pair.iter().filter_map(|c| c.first()))
        .map(|t| text_width(&ctx, t))
        .fold(0.0, f64::max);
    let matrix_w = (side * 1.9).max(widest + 4.0).min(half);
    let columns = [label_w, label_w + matrix_w + GAP];
    // The room each column's text has: up to the next column, or the canvas's edge.
    let rooms = [matrix_w + GAP - MARGIN, w - columns[1] - MARGIN];
    ctx.set_fill_style_str("#5b6477");
    let headers = [
        ["weights W".to_string(), "W".to_string()],
        ["gradients ∂L/∂W".to_string(), "∂L/∂W".to_string()],
    ];
    for ((header, x), room) in headers.iter().zip(columns).zip(rooms) {
        caption(&ctx, header, x, type_px + 2.0, room);
    }
    for (l, layer) in model.layers.iter().enumerate() {
        let y = top + l as f64 * row_h;
        ctx.set_fill_style_str("#5b6477");
        let [name, shape] = &labels[l];
        let label_room = label_w - MARGIN;
        // Two lines where the row has room for them, else one.
        if side >= line {
            let _ = ctx.fill_text_with_max_width(name, MARGIN, y + type_px, label_room);
            let _ = ctx.fill_text_with_max_width(shape, MARGIN, y + type_px + line, label_room);
        } else {
            let _ =
                ctx.fill_text_with_max_width(&format!("{} {shape}", l + 1), MARGIN, y + type_px, label_room);
        }
        for (k, values) in [&layer.weights[..], &grads.weights[l][..]]
            .into_iter()
            .enumerate()
        {
            let (cols, rows_n) = (layer.inputs.max(1), layer.outputs.max(1));
            let scale = scales[l][k];
            pixels.clear();
            for &v in values.iter().take(cols * rows_n) {
                let [r, g, b] = paint::diverging(palette, if scale > 0.0 { v / scale } else { 0.0 }, 1.0);
                pixels.extend_from_slice(&[r, g, b, 255]);
            }
            pixels.resize(cols * rows_n * 4, 255);
            if let Ok(image) =
                ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), cols as u32, rows_n as u32)
            {
                draw_image_data(&ctx, &image, columns[k], y, matrix_w, side);
            }
            ctx.set_fill_style_str("#1d2433");
            caption(
                &ctx,
                &captions[l][k],
                columns[k],
                y + side + type_px + 1.0,
                rooms[k],
            );
        }
    }
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
}

/// The largest magnitude among `values` (0 for none).
fn largest(values: &[f32]) -> f32 {
    values.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

/// Draws `image` stretched into the rectangle, through a scratch canvas (putImageData cannot
/// scale).
fn draw_image_data(ctx: &CanvasRenderingContext2d, image: &ImageData, x: f64, y: f64, w: f64, h: f64) {
    let Some(scratch) = new_canvas() else {
        return;
    };
    scratch.set_width(image.width());
    scratch.set_height(image.height());
    if let Some(sctx) = context_2d(&scratch) {
        let _ = sctx.put_image_data(image, 0.0, 0.0);
        let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&scratch, x, y, w, h);
        ctx.set_stroke_style_str("rgba(29, 36, 51, 0.3)");
        ctx.set_line_width(1.0);
        ctx.stroke_rect(x, y, w, h);
    }
}
