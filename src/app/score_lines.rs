//! The score lines of a linear model of three or more classes, as the CS231n linear-classifier
//! demo draws them: for each class k the line wₖ·x + bₖ = 0 in the class's colour, with an
//! arrow along wₖ pointing where that class's score grows. The boundaries between classes
//! (where two scores tie) are drawn by the plot itself.

use super::canvas::css_rgb;
use super::plot::line_across_plot;
use crate::engine::FeatureMap;
use crate::page::palette::Palette;
use crate::page::session::Session;
use web_sys::CanvasRenderingContext2d;
use yew::{html, Html};

/// Length of a score line's arrow, in plot units.
const ARROW: f64 = 0.16;

/// Whether the plot draws score lines: a linear model on x₁, x₂ with three or more outputs.
pub fn shown(session: &Session) -> bool {
    let model = &session.trainer.model;
    model.features == FeatureMap::Identity && model.layers.len() == 1 && model.layers[0].outputs > 2
}

/// The stretch of the line through `p0` along `d` that lies in the plot's square, as the
/// parameters (t₀, t₁) of p0 + t·d; `None` when the line misses the square.
fn inside_square(p0: [f64; 2], d: [f64; 2]) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for axis in 0..2 {
        if d[axis].abs() < 1e-12 {
            if p0[axis].abs() > 1.0 {
                return None;
            }
        } else {
            let (a, b) = ((-1.0 - p0[axis]) / d[axis], (1.0 - p0[axis]) / d[axis]);
            lo = lo.max(a.min(b));
            hi = hi.min(a.max(b));
        }
    }
    (lo < hi).then_some((lo, hi))
}

/// Draws each class's score line wₖ·x + bₖ = 0 (dashed, in its colour in `palette`, on a white
/// casing) and, at the middle of its visible stretch, an arrow along wₖ.
pub fn draw(ctx: &CanvasRenderingContext2d, session: &Session, palette: Palette, w: f64, h: f64, ratio: f64) {
    if !shown(session) {
        return;
    }
    let layer = &session.trainer.model.layers[0];
    let to_px = |x: [f64; 2]| ((x[0] + 1.0) / 2.0 * w, (1.0 - x[1]) / 2.0 * h);
    let dashes = js_sys::Array::of2(&(8.0 * ratio).into(), &(5.0 * ratio).into());
    for k in 0..layer.outputs {
        let (w1, w2, b) = (
            layer.weights[2 * k] as f64,
            layer.weights[2 * k + 1] as f64,
            layer.bias[k] as f64,
        );
        let Some((from, to)) = line_across_plot(w1, w2, b) else {
            continue;
        };
        let colour = css_rgb(palette.class_colour(k));
        let (p, q) = (to_px(from), to_px(to));
        for (stroke, width, dashed) in [
            ("rgba(255, 255, 255, 0.8)", 4.5, false),
            (colour.as_str(), 2.5, true),
        ] {
            ctx.set_stroke_style_str(stroke);
            ctx.set_line_width(width * ratio);
            let pattern: wasm_bindgen::JsValue = if dashed {
                dashes.clone().into()
            } else {
                js_sys::Array::new().into()
            };
            let _ = ctx.set_line_dash(&pattern);
            ctx.begin_path();
            ctx.move_to(p.0, p.1);
            ctx.line_to(q.0, q.1);
            ctx.stroke();
        }
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        // The arrow starts mid-way along the visible stretch and points along wₖ.
        let norm = w1.hypot(w2);
        let (along, normal) = ([-w2 / norm, w1 / norm], [w1 / norm, w2 / norm]);
        let foot = [-b * normal[0] / norm, -b * normal[1] / norm];
        let Some((t0, t1)) = inside_square(foot, along) else {
            continue;
        };
        let t = (t0 + t1) / 2.0;
        let start = [foot[0] + t * along[0], foot[1] + t * along[1]];
        let tip = [start[0] + ARROW * normal[0], start[1] + ARROW * normal[1]];
        let head = |side: f64| {
            let back = 0.35 * ARROW;
            [
                tip[0] - back * normal[0] + side * 0.5 * back * along[0],
                tip[1] - back * normal[1] + side * 0.5 * back * along[1],
            ]
        };
        let (s, t, l, r) = (to_px(start), to_px(tip), to_px(head(1.0)), to_px(head(-1.0)));
        ctx.set_stroke_style_str(&colour);
        ctx.set_line_width(2.5 * ratio);
        ctx.begin_path();
        ctx.move_to(s.0, s.1);
        ctx.line_to(t.0, t.1);
        ctx.move_to(l.0, l.1);
        ctx.line_to(t.0, t.1);
        ctx.line_to(r.0, r.1);
        ctx.stroke();
    }
}

/// The legend under the plot while it shows score lines.
pub fn legend() -> Html {
    html! {
        <p class="plot-legend" data-testid="score-legend">
            <span class="key boundary">{ "solid: two scores tie" }</span>{ " · " }
            <span class="key score-lines">{ "dashed: wₖ·x + bₖ = 0 (arrow: fₖ grows)" }</span>
        </p>
    }
}
