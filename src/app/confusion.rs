//! The confusion matrix beside the loss chart, for three or more classes: how many points of
//! each true class (rows) the model puts in each class (columns), live with the readouts.

use super::palette_ui::class_swatch;
use super::use_summary;
use yew::prelude::*;

/// The confusion matrix (test id `confusion`; cell `confusion-<true>-<predicted>`, classes
/// counted from 1), on the test points or, without any, on the training points. Nothing for
/// two classes or regression.
#[function_component(ConfusionView)]
pub fn confusion_view() -> Html {
    let summary = use_summary();
    let Some(matrix) = summary.confusion.as_ref() else {
        return Html::default();
    };
    let k = matrix.classes;
    let split = if summary.confusion_on_test {
        "test"
    } else {
        "training"
    };
    let cell = |truth: usize, predicted: usize| {
        let count = matrix.count(truth, predicted);
        let kind = match (truth == predicted, count) {
            (true, _) => Some("right"),
            (false, 0) => None,
            (false, _) => Some("wrong"),
        };
        html! {
            <td class={classes!(kind)} data-testid={format!("confusion-{}-{}", truth + 1, predicted + 1)}>
                { count }
            </td>
        }
    };
    html! {
        <div class="confusion-box" data-testid="confusion" data-classes={k.to_string()}
            data-total={matrix.total().to_string()} aria-label="Confusion matrix">
            <p class="chart-caption" title="Rows: the class a point has. Columns: the class the model gives it.">
                { format!("Confusion, {split} points") }
            </p>
            <table class="confusion">
                <tr>
                    <th scope="col" class="corner" title="true class ↓, predicted class →">{ "true╲pred" }</th>
                    { for (0..k).map(|p| html! {
                        <th scope="col" style={format!("color: var(--class-{})", p + 1)}>{ p + 1 }</th>
                    }) }
                </tr>
                { for (0..k).map(|t| html! {
                    <tr>
                        <th scope="row">{ class_swatch(t) }{ t + 1 }</th>
                        { for (0..k).map(|p| cell(t, p)) }
                    </tr>
                }) }
            </table>
        </div>
    }
}
