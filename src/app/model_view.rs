//! The Model view beside the plot: the current model written out with its learned numbers,
//! and the loss being minimised with its value, refreshed with the readouts.

use super::panel::SettingsProps;
use super::use_summary;
use crate::page::maths::{mathematics, Expression, Piece};
use yew::prelude::*;

/// A formula with its superscripts and subscripts raised and lowered.
pub fn expression(e: &Expression) -> Html {
    html! {
        { for e.0.iter().map(|piece| match piece {
            Piece::Text(t) => html! { { t.clone() } },
            Piece::Sup(t) => html! { <sup>{ t.clone() }</sup> },
            Piece::Sub(t) => html! { <sub>{ t.clone() }</sub> },
        }) }
    }
}

/// The model's formula with its numbers, notes under it, and the loss with its value.
#[function_component(ModelView)]
pub fn model_view(props: &SettingsProps) -> Html {
    // The numbers change as training goes: re-render with every readout refresh.
    use_summary();
    let maths = props.updater.with_session(mathematics);
    let notes = (!maths.notes.is_empty()).then(|| {
        html! {
            <ul class="formula-notes" data-testid="model-formula-notes">
                { for maths.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
            </ul>
        }
    });
    html! {
        <section class="companion-body model-view" aria-label="The model">
            <h3>{ "The model, with the numbers it has learned" }</h3>
            <p class="formula-line" data-testid="model-maths" title={maths.model.plain()}>{ expression(&maths.model) }</p>
            { for notes }
            <h3>{ "The loss training minimises, on the training points" }</h3>
            <p class="formula-line" data-testid="loss-formula" title={maths.loss.plain()}>{ expression(&maths.loss) }</p>
        </section>
    }
}
