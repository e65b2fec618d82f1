//! The model panel: the model family, its formula and its own controls.

use super::controls::{button, checkbox, select, slider};
use super::panel::{options, pick, SettingsProps};
use crate::engine::{Activation, HandFeature};
use crate::page::limits;
use crate::page::settings::{ModelFamily, Settings, HIDDEN_ACTIVATIONS, RANDOM_ACTIVATIONS};
use yew::prelude::*;

/// The formula of the chosen model, in words a student can read. With three or more classes
/// the model has one score per class and predicts their softmax.
pub(super) fn model_formula(s: &Settings) -> String {
    let classes = s.classes();
    let formula = one_score_formula(s, classes);
    if classes > 2 {
        format!(
            "{formula}; a score fₖ for each of the {classes} classes, p = softmax(f₁ … f{})",
            subscript(classes)
        )
    } else {
        formula
    }
}

/// [`model_formula`] for one score (a network's output width is `classes` when above two).
fn one_score_formula(s: &Settings, classes: usize) -> String {
    match s.run.model {
        ModelFamily::Linear => "f(x) = w₁x₁ + w₂x₂ + b".into(),
        ModelFamily::Features => {
            if s.run.features.is_empty() {
                "f(x) = b (pick some features)".into()
            } else {
                let terms: Vec<String> = s
                    .run
                    .features
                    .iter()
                    .enumerate()
                    .map(|(i, f)| format!("w{}·{}", subscript(i + 1), f.formula()))
                    .collect();
                format!("f(x) = {} + b", terms.join(" + "))
            }
        }
        ModelFamily::Random => format!(
            "φ(x) = {}(Mx + b), k = {} frozen features; f(x) = w·φ(x) + c",
            s.run.rf_activation.key(),
            s.run.k
        ),
        ModelFamily::Mlp => {
            let widths: Vec<String> = s.run.layers.iter().map(|w| w.to_string()).collect();
            let outputs = if classes > 2 { classes } else { 1 };
            let shape = if widths.is_empty() {
                format!("2 → {outputs}")
            } else {
                format!("2 → {} → {outputs}", widths.join(" → "))
            };
            format!("{shape}, σ = {}; every layer trains", s.run.activation.key())
        }
    }
}

fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// An activation as the menus name it.
pub(super) fn activation_label(a: Activation) -> String {
    match a {
        Activation::Relu => "ReLU".into(),
        Activation::Tanh => "tanh".into(),
        Activation::Sigmoid => "sigmoid".into(),
        Activation::Linear => "linear (none)".into(),
        Activation::Sign => "sign".into(),
        Activation::Cos => "cos".into(),
    }
}

/// The model panel: the family and its own controls.
#[function_component(ModelPanel)]
pub fn model_panel(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let u = props.updater.clone();
    let family = pick(&u, |s: &mut Settings, m: ModelFamily| s.run.model = m);
    let body = match s.run.model {
        ModelFamily::Linear => html! {
            <p class="hint">{ "A straight line (a plane in 3D) through the inputs: it cannot separate XOR or the ring." }</p>
        },
        ModelFamily::Features => html! {
            <fieldset class="features">
                <legend>{ "Features φ(x)" }</legend>
                { for HandFeature::ALL.iter().map(|&f| {
                    let u = u.clone();
                    let on = s.run.features.contains(&f);
                    checkbox(html! { <span class="formula">{ f.formula() }</span> }, format!("feature-{}", f.key()), on,
                        Callback::from(move |checked: bool| u.settings(|s| {
                            s.run.features.retain(|&g| g != f);
                            if checked {
                                s.run.features.push(f);
                                s.run.features.sort();
                            }
                        })))
                }) }
            </fieldset>
        },
        ModelFamily::Random => {
            let sigma = pick(&u, |s: &mut Settings, a: Activation| s.run.rf_activation = a);
            let k = {
                let u = u.clone();
                Callback::from(move |log: f64| {
                    u.settings(|s| s.run.k = (10f64.powf(log).round() as usize).clamp(1, 2000))
                })
            };
            let scale = {
                let u = u.clone();
                Callback::from(move |log: f64| {
                    u.settings(|s| s.run.rf_scale = (10f64.powf(log) as f32).clamp(0.1, 20.0))
                })
            };
            let resample = {
                let u = u.clone();
                Callback::from(move |_| u.settings(|s| s.seed = s.seed.wrapping_add(1)))
            };
            html! {
                <>
                    { select("σ", "rf-activation", options(&RANDOM_ACTIVATIONS, |a| a.key(), activation_label), s.run.rf_activation.key(), sigma) }
                    { slider("Number of features k", "rf-k", 0.0, 2000f64.log10(), 0.01, (s.run.k as f64).log10(), s.run.k.to_string(), k) }
                    { slider("Scale of M", "rf-scale", -1.0, 20f64.log10(), 0.01, (s.run.rf_scale as f64).log10(), format!("{:.2}", s.run.rf_scale), scale) }
                    { button("Resample M, b", "resample", "Draw new random features (changes the seed)", resample) }
                    { checkbox(html! { "Draw the lines Mx + b = 0" }, "show-lines", s.show_lines, {
                        let u = u.clone();
                        Callback::from(move |on: bool| u.settings(|s| s.show_lines = on))
                    }) }
                    <p class="hint">{ "M and b are drawn once and frozen; only the last layer learns. With many features this behaves like a kernel method." }</p>
                </>
            }
        }
        ModelFamily::Mlp => {
            let activation = pick(&u, |s: &mut Settings, a: Activation| s.run.activation = a);
            let add = {
                let u = u.clone();
                Callback::from(move |_| {
                    u.settings(|s| {
                        if s.run.layers.len() < limits::LAYERS.1 {
                            let w = s.run.layers.last().copied().unwrap_or(4);
                            s.run.layers.push(w);
                        }
                    })
                })
            };
            let remove = {
                let u = u.clone();
                Callback::from(move |_| {
                    u.settings(|s| {
                        s.run.layers.pop();
                    })
                })
            };
            html! {
                <>
                    { select("Activation σ", "activation", options(&HIDDEN_ACTIVATIONS, |a| a.key(), activation_label), s.run.activation.key(), activation) }
                    <ol class="layers" data-testid="layers">
                        { for s.run.layers.iter().enumerate().map(|(i, &w)| {
                            let (u1, u2) = (u.clone(), u.clone());
                            let fewer = Callback::from(move |_: MouseEvent| u1.settings(|s| s.run.layers[i] = (s.run.layers[i] / 2).max(1)));
                            let more = Callback::from(move |_: MouseEvent| u2.settings(|s| s.run.layers[i] = (s.run.layers[i] * 2).min(limits::UNITS.1)));
                            html! {
                                <li class="layer">
                                    <span>{ format!("Hidden layer {}", i + 1) }</span>
                                    <button type="button" class="button small" data-testid={format!("layer-{}-fewer", i + 1)} title="Halve the units" onclick={fewer}>{ "−" }</button>
                                    <span class="units" data-testid={format!("layer-{}-units", i + 1)}>{ format!("{w} units") }</span>
                                    <button type="button" class="button small" data-testid={format!("layer-{}-more", i + 1)} title="Double the units" onclick={more}>{ "+" }</button>
                                </li>
                            }
                        }) }
                    </ol>
                    <div class="row">
                        { button("Add layer", "add-layer", "Add a hidden layer (at most 8)", add) }
                        { button("Remove layer", "remove-layer", "Remove the last hidden layer", remove) }
                    </div>
                </>
            }
        }
    };
    html! {
        <section class="panel" aria-label="Model">
            <h2>{ "Model" }</h2>
            { select("Model", "model", options(&ModelFamily::ALL, |m| m.key(), |m| m.label().into()), s.run.model.key(), family) }
            <p class="formula-line" data-testid="model-formula">{ model_formula(s) }</p>
            { body }
            <p class="hint">{ "Changing the model starts training over; changing the learning rate does not." }</p>
        </section>
    }
}
