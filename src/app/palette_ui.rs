//! The choice of colours: the "Colour-blind-safe colours" checkbox, the palette kept in this
//! browser's storage (a viewer's preference, like a font size: never part of the link, so a
//! shared scene opens in each viewer's own colours), the context that hands the palette to the
//! components that paint, and the class swatches, which take their colour and shape from the
//! stylesheet variables the page's root element sets.

use super::controls::checkbox;
use super::link::storage;
use super::state::Action;
use super::Updater;
use crate::page::palette::Palette;
use yew::prelude::*;

/// Where this browser keeps the chosen palette.
const PALETTE_KEY: &str = "nnplay:palette";

/// The palette this browser chose last (the standard one when it chose none).
pub fn stored_palette() -> Palette {
    storage()
        .and_then(|s| s.get_item(PALETTE_KEY).ok().flatten())
        .and_then(|key| key.parse().ok())
        .unwrap_or_default()
}

/// Keeps `palette` for this browser's next visits.
pub fn store_palette(palette: Palette) {
    if let Some(store) = storage() {
        let _ = store.set_item(PALETTE_KEY, palette.key());
    }
}

/// The page's palette, for components that paint; they re-render when it changes.
#[hook]
pub fn use_palette() -> Palette {
    use_context::<Palette>().unwrap_or_default()
}

/// The checkbox "Colour-blind-safe colours" (test id `palette`), ticked when `palette` is the
/// colour-blind-safe one.
pub fn toggle(updater: &Updater, palette: Palette) -> Html {
    let u = updater.clone();
    let on_toggle = Callback::from(move |on: bool| {
        let chosen = if on {
            Palette::ColourBlind
        } else {
            Palette::Standard
        };
        u.dispatch(Action::Palette(chosen));
    });
    checkbox(
        html! { "Colour-blind-safe colours" },
        "palette",
        palette == Palette::ColourBlind,
        on_toggle,
    )
}

/// The swatch of class index `class` (0 is class 1), in the class's colour and, in the
/// colour-blind-safe palette, the shape its points have.
pub fn class_swatch(class: usize) -> Html {
    html! { <span class={classes!("swatch", format!("class-{}", class + 1))}></span> }
}
