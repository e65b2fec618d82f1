//! Canvas helpers every painter uses: off-screen canvases, 2D contexts, backing stores sized
//! for the pixel ratio, the page's text scale, and CSS colours.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A canvas that is not in the page, for drawing layers off screen.
pub fn new_canvas() -> Option<HtmlCanvasElement> {
    web_sys::window()
        .and_then(|win| win.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
}

/// The 2D context of a canvas.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Makes the canvas's backing store match its CSS size times the device pixel ratio and
/// returns (width, height, pixel ratio).
pub fn fit_backing_store(canvas: &HtmlCanvasElement) -> (f64, f64, f64) {
    let ratio = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .max(1.0);
    let rect = canvas.get_bounding_client_rect();
    let (w, h) = (
        (rect.width() * ratio).round().max(1.0),
        (rect.height() * ratio).round().max(1.0),
    );
    if canvas.width() != w as u32 || canvas.height() != h as u32 {
        canvas.set_width(w as u32);
        canvas.set_height(h as u32);
    }
    (w, h, ratio)
}

/// How much larger the page's type is than its normal 15 px (projector mode enlarges it), so
/// text drawn on canvases can grow with it.
pub fn text_scale() -> f64 {
    web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        })
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .map_or(1.0, |px| (px / 15.0).clamp(0.5, 3.0))
}

/// The canvas font for type of `base` CSS pixels at the normal page size, grown with the page's
/// type (see [`text_scale`]), for a context whose transform already maps CSS pixels.
pub fn font(base: f64) -> String {
    format!("{:.1}px system-ui, sans-serif", base * text_scale())
}

/// How wide `text` is, in the context's units, in its current font (0 if it cannot tell).
pub fn text_width(ctx: &CanvasRenderingContext2d, text: &str) -> f64 {
    ctx.measure_text(text).map_or(0.0, |m| m.width())
}

/// A colour as CSS: `rgb(r, g, b)`.
pub(super) fn css_rgb([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r}, {g}, {b})")
}
