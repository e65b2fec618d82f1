//! "Compare with…": starts compare mode, edits the second run's model and training settings,
//! and ends it. Its controls carry the first run's test ids with "-2" after them; each edit
//! goes through the link's own reading of the `cmp` key, so bounds and messages are the
//! link's.

use super::controls::{button, checkbox, number_box, select};
use super::model_panel::activation_label;
use super::panel::{format_rate, options, SettingsProps};
use crate::engine::{HandFeature, OptimizerKind};
use crate::page::compare;
use crate::page::settings::RunSettings;
use crate::page::settings::{ModelFamily, Regularization, Settings, HIDDEN_ACTIVATIONS, RANDOM_ACTIVATIONS};
use yew::prelude::*;

/// A callback that sets the second run's `key` (a hash key of [`compare::RUN_KEYS`]) to the
/// text it receives, read as the link reads `cmp`; what cannot be used is said in a notice.
fn edit(props: &SettingsProps, key: &'static str) -> Callback<String> {
    let (u, settings) = (props.updater.clone(), props.settings.clone());
    Callback::from(move |value: String| {
        let Some(second) = settings.compared() else {
            return;
        };
        let (run, notices) = compare::decode(&second, &format!("{key}:{}", value.trim()));
        if !notices.is_empty() {
            u.notices(notices);
        }
        u.settings(|s| s.compare = Some(run));
    })
}

/// The second run's own controls, for its model family.
fn family_controls(props: &SettingsProps, run: &RunSettings) -> Html {
    match run.model {
        ModelFamily::Linear => Html::default(),
        ModelFamily::Features => {
            let set = edit(props, "features");
            html! {
                <fieldset class="features">
                    <legend>{ "Features φ(x)" }</legend>
                    { for HandFeature::ALL.iter().map(|&f| {
                        let (set, chosen) = (set.clone(), run.features.clone());
                        let toggle = Callback::from(move |on: bool| {
                            let keys: Vec<&str> = HandFeature::ALL.iter()
                                .filter(|&&g| if g == f { on } else { chosen.contains(&g) })
                                .map(|g| g.key())
                                .collect();
                            set.emit(keys.join(","));
                        });
                        checkbox(html! { <span class="formula">{ f.formula() }</span> }, format!("feature-{}-2", f.key()),
                            run.features.contains(&f), toggle)
                    }) }
                </fieldset>
            }
        }
        ModelFamily::Random => html! {
            <div class="fold-grid">
                { select("σ", "rf-activation-2", options(&RANDOM_ACTIVATIONS, |a| a.key(), activation_label),
                    run.rf_activation.key(), edit(props, "rf")) }
                { number_box("Features k", "rf-k-2", run.k.to_string(), edit(props, "k")) }
                { number_box("Scale of M", "rf-scale-2", format!("{}", run.rf_scale), edit(props, "rfscale")) }
            </div>
        },
        ModelFamily::Mlp => {
            let widths: Vec<String> = run.layers.iter().map(usize::to_string).collect();
            html! {
                <div class="fold-grid">
                    { number_box("Hidden widths", "layers-2", widths.join(","), edit(props, "layers")) }
                    { select("Activation σ", "activation-2", options(&HIDDEN_ACTIVATIONS, |a| a.key(), activation_label),
                        run.activation.key(), edit(props, "act")) }
                </div>
            }
        }
    }
}

/// The compare fold in the controls column.
#[function_component(ComparePanel)]
pub fn compare_panel(props: &SettingsProps) -> Html {
    let u = props.updater.clone();
    let Some(run) = &props.settings.compare else {
        let start = Callback::from(move |_| u.settings(|s| s.compare = Some(s.run.clone())));
        return html! {
            <details class="fold compare-fold" data-testid="fold-compare">
                <summary>{ "Compare two models" }</summary>
                <p class="hint">{ "Train a second model beside this one, on the same points with the same seed and \
                    minibatch order: both maps side by side, both runs on the charts. It starts as a copy; change \
                    what you want to compare." }</p>
                { button("Compare with…", "compare", "Start a second model beside this one", start) }
            </details>
        };
    };
    let end = Callback::from(move |_| u.settings(|s: &mut Settings| s.compare = None));
    let optimizers = options(
        OptimizerKind::ALL.as_slice(),
        |o| o.key(),
        |o| match o {
            OptimizerKind::Sgd => "SGD".into(),
            OptimizerKind::Momentum => "Momentum".into(),
            OptimizerKind::Adam => "Adam".into(),
        },
    );
    let penalty = (run.regularization != Regularization::None).then(|| {
        number_box(
            "Penalty rate λ",
            "reg-rate-2",
            format_rate(run.reg_rate),
            edit(props, "rate"),
        )
    });
    html! {
        <details class="fold compare-fold" data-testid="fold-compare" open=true>
            <summary>{ "Compare with model 2" }</summary>
            <p class="hint" data-testid="compare-summary">{ format!("2: {}", run.describe()) }</p>
            { select("Model 2", "model-2", options(&ModelFamily::ALL, |m| m.key(), |m| m.label().into()),
                run.model.key(), edit(props, "model")) }
            { family_controls(props, run) }
            <div class="fold-grid">
                { number_box("η", "lr-2", format_rate(run.learning_rate), edit(props, "lr")) }
                { number_box("Batch", "batch-2", run.batch_size.to_string(), edit(props, "batch")) }
                { select("Optimizer", "optimizer-2", optimizers, run.optimizer.key(), edit(props, "opt")) }
                { select("Penalty", "regularization-2", options(&Regularization::ALL, |r| r.key(), |r| r.label().into()),
                    run.regularization.key(), edit(props, "reg")) }
                { for penalty }
            </div>
            <p class="hint">{ "A new model 2 starts both runs over, so they stay in step; its η, batch and penalty change as it trains." }</p>
            { button("End comparison", "compare-end", "Back to one model", end) }
        </details>
    }
}
