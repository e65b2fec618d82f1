//! The companion view beside the plot: one of the network, the model's formula, the
//! gradients, the labs or the loss surface, chosen with tabs (and keys N, M, G, L, U). Which one shows is part of
//! the settings, so a link or a scene opens the same view.

use super::backprop_panel::{GradientsView, NetworkView, SharedPainters};
use super::labs::LabsPanel;
use super::model_view::ModelView;
use super::painters::{Canvases, DiagramState};
use super::surface_view::LossSurfaceView;
use super::Updater;
use crate::page::settings::{Companion, Settings};
use std::rc::Rc;
use yew::prelude::*;

/// The keyboard key that shows each view.
pub fn companion_key(companion: Companion) -> &'static str {
    match companion {
        Companion::Network => "N",
        Companion::Model => "M",
        Companion::Gradients => "G",
        Companion::Lab => "L",
        Companion::Surface => "U",
    }
}

/// Properties of [`CompanionPanel`].
#[derive(Properties, PartialEq)]
pub struct CompanionProps {
    /// Access to the session and the page state.
    pub updater: Updater,
    /// The current settings (the session's own).
    pub settings: Rc<Settings>,
    /// What the backprop views show.
    pub diagram: DiagramState,
    /// The page's canvases.
    pub canvases: Canvases,
    /// The painters.
    pub painters: SharedPainters,
    /// Repaints the backprop canvases shown.
    pub repaint: Callback<()>,
}

/// The tabs and the view they choose.
#[function_component(CompanionPanel)]
pub fn companion_panel(props: &CompanionProps) -> Html {
    let shown = props.settings.companion();
    let tab = |companion: Companion| {
        let u = props.updater.clone();
        let selected = shown == companion;
        let key = companion_key(companion);
        let onclick = Callback::from(move |_: MouseEvent| u.settings(|s| s.companion = Some(companion)));
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()}
                class={classes!("tab", selected.then_some("selected"))} title={format!("Show the {} view (key {key})", companion.label())}
                data-testid={format!("companion-{}", companion.key())} {onclick}>
                { companion.label() }<kbd class="tab-key">{ key }</kbd>
            </button>
        }
    };
    let view_props = (
        props.updater.clone(),
        props.diagram,
        props.canvases.clone(),
        props.painters.clone(),
        props.repaint.clone(),
    );
    let body = match shown {
        Companion::Network => html! {
            <NetworkView updater={view_props.0} state={view_props.1} canvases={view_props.2} painters={view_props.3} repaint={view_props.4} />
        },
        Companion::Gradients => html! {
            <GradientsView updater={view_props.0} state={view_props.1} canvases={view_props.2} painters={view_props.3} repaint={view_props.4} />
        },
        Companion::Model => {
            html! { <ModelView updater={props.updater.clone()} settings={props.settings.clone()} /> }
        }
        Companion::Lab => {
            html! { <LabsPanel updater={props.updater.clone()} settings={props.settings.clone()} /> }
        }
        Companion::Surface => html! {
            <LossSurfaceView updater={props.updater.clone()} settings={props.settings.clone()}
                painters={props.painters.clone()} canvases={props.canvases.clone()} />
        },
    };
    html! {
        <section class="companion" data-testid="companion" data-view={shown.key()} aria-label="Beside the plot">
            <div class="tabs companion-tabs" role="tablist">
                { for Companion::ALL.into_iter().map(tab) }
            </div>
            { body }
        </section>
    }
}
