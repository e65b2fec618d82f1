//! Seeing backprop: the network diagram (units with their activation over the plane, links
//! coloured by sign and sized by magnitude), per-layer weight and gradient matrices, the
//! gradient-norm chart, and the single-example trace with the chain rule for one link.
//!
//! Each view is in its own file (`diagram.rs` with `layout.rs`, `norm_chart.rs`,
//! `matrices.rs`); this module holds the number format they share and re-exports them.

mod diagram;
mod layout;
mod matrices;
mod norm_chart;

pub use diagram::{DiagramHit, DiagramOptions, DiagramPainter, LinkMode, LinkRef};
pub use matrices::{draw_matrices, matrices_height};
pub use norm_chart::{draw_norm_chart, layer_colour};

/// A number in a few characters: 0.532, −0.0123, 1.2e-5.
pub fn short(v: f32) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if !(1e-3..1e4).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}
