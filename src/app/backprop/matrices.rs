//! The weight and gradient matrices: each dense layer's weights beside their gradients.

use super::short;
use crate::app::canvas::{context_2d, fit_backing_store, font, new_canvas, text_scale};
use crate::page::paint;
use crate::page::palette::Palette;
use crate::page::session::Session;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The height (in rem, so it grows with the page's type) the matrices canvas needs for
/// `layers` rows.
pub fn matrices_height(layers: usize) -> f64 {
    layers.max(1) as f64 * 7.4
}

/// Draws every dense layer's weight matrix beside its gradient matrix, one row per layer, each
/// matrix on `palette`'s diverging scale normalised by its own largest magnitude.
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
    let rows = model.layers.len().max(1) as f64;
    let row_h = h / rows;
    // A title above and a caption below each pair of matrices, in type that grows with the
    // page's; the pair fits the canvas's width.
    let ts = text_scale();
    let side = (row_h - 36.0 * ts).min((w - 20.0) / 3.8).clamp(10.0, 120.0);
    ctx.set_font(&font(11.0));
    ctx.set_image_smoothing_enabled(false);
    for (l, layer) in model.layers.iter().enumerate() {
        let y = l as f64 * row_h + 16.0 * ts;
        ctx.set_fill_style_str("#5b6477");
        let title = format!(
            "layer {} · {}→{}{}",
            l + 1,
            layer.inputs,
            layer.outputs,
            if layer.frozen { " · frozen" } else { "" }
        );
        let _ = ctx.fill_text(&title, 4.0, y - 4.0);
        for (k, values) in [&layer.weights[..], &grads.weights[l][..]]
            .into_iter()
            .enumerate()
        {
            let x = 4.0 + k as f64 * (side * 1.9 + 12.0);
            let (cols, rows_n) = (layer.inputs.max(1), layer.outputs.max(1));
            let scale = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            pixels.clear();
            for &v in values.iter().take(cols * rows_n) {
                let [r, g, b] = paint::diverging(palette, if scale > 0.0 { v / scale } else { 0.0 }, 1.0);
                pixels.extend_from_slice(&[r, g, b, 255]);
            }
            pixels.resize(cols * rows_n * 4, 255);
            if let Ok(image) =
                ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), cols as u32, rows_n as u32)
            {
                draw_image_data(&ctx, &image, x, y, side * 1.9, side);
            }
            ctx.set_fill_style_str("#1d2433");
            let caption = if k == 0 {
                format!("W  (max |w| {})", short(scale))
            } else if layer.frozen {
                "∂L/∂W  (frozen: none)".to_string()
            } else {
                format!("∂L/∂W  (max {})", short(scale))
            };
            let _ = ctx.fill_text(&caption, x, y + side + 13.0 * ts);
        }
    }
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
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
