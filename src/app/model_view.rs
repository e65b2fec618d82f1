//! The Model view beside the plot: the chosen model's formula and what trains in it.

use super::model_panel::model_formula;
use super::panel::SettingsProps;
use yew::prelude::*;

/// The model's formula, for the view beside the plot.
#[function_component(ModelView)]
pub fn model_view(props: &SettingsProps) -> Html {
    let s = &props.settings;
    html! {
        <section class="companion-body model-view" aria-label="The model">
            <p class="formula-line">{ model_formula(s) }</p>
        </section>
    }
}
