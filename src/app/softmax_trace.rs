//! The softmax at the traced point, for three or more classes: each class's score fₖ, its
//! probability pₖ = e^{fₖ} / Σⱼ e^{fⱼ}, the target yₖ (1 for the point's class, 0 otherwise) and
//! the output delta δₖ = pₖ − yₖ that backpropagation starts from.

use super::backprop::short;
use super::palette_ui::class_swatch;
use crate::engine::Trace;
use yew::prelude::*;

/// The table of the traced point's K scores, probabilities, targets and deltas (test id
/// `softmax`; cells `softmax-p-<k>` and `softmax-delta-<k>`, classes counted from 1); `None`
/// unless the model has three or more outputs under softmax.
pub fn softmax_table(trace: &Trace) -> Option<Html> {
    let class = trace.class?;
    let p = &trace.probabilities;
    let (scores, deltas) = (trace.a.last()?, trace.delta.last()?);
    if p.len() < 3 || scores.len() != p.len() || deltas.len() != p.len() {
        return None;
    }
    let row = |k: usize| {
        let target = if k == class { 1.0 } else { 0.0 };
        html! {
            <tr class={classes!((k == class).then_some("own-class"))}>
                <th scope="row">{ class_swatch(k) }{ k + 1 }</th>
                <td>{ short(scores[k]) }</td>
                <td data-testid={format!("softmax-p-{}", k + 1)}>{ format!("{:.3}", p[k]) }</td>
                <td>{ target }</td>
                <td data-testid={format!("softmax-delta-{}", k + 1)}>{ format!("{:+.3}", deltas[k]) }</td>
            </tr>
        }
    };
    Some(html! {
        <table class="numbers softmax" data-testid="softmax">
            <tr>
                <th scope="col">{ "class k" }</th>
                <th scope="col">{ "score fₖ" }</th>
                <th scope="col" title="softmax: e^fₖ / Σⱼ e^fⱼ">{ "pₖ" }</th>
                <th scope="col">{ "yₖ" }</th>
                <th scope="col" title="the output delta ∂L/∂fₖ">{ "δₖ = pₖ − yₖ" }</th>
            </tr>
            { for (0..p.len()).map(row) }
        </table>
    })
}
