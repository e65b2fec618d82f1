//! The backprop views beside the plot: the network (the diagram canvas with its controls and
//! the single-example trace with the chain rule for the selected link) and the gradients
//! (per-layer gradient norms, the matrices, the gradient-norm chart and the gradient check).

use super::backprop::{short, DiagramHit, LinkMode};
use super::controls::{button, select};
use super::painters::{link_exists, trace_of, Canvases, DiagramState, Painters};
use super::palette_ui::use_palette;
use super::state::Action;
use super::{use_summary, Updater};
use crate::engine::LayerCheck;
use crate::page::maths::{subscript, weight_update, WeightUpdate};
use crate::page::session::Session;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::PointerEvent;
use yew::prelude::*;

/// The painters, shared with the page (compared by identity).
#[derive(Clone)]
pub struct SharedPainters(pub Rc<RefCell<Painters>>);

impl PartialEq for SharedPainters {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Properties of [`NetworkView`] and [`GradientsView`].
#[derive(Properties, PartialEq, Clone)]
pub struct ViewProps {
    /// Access to the session; changes what the views show.
    pub updater: Updater,
    /// What the views show.
    pub state: DiagramState,
    /// The canvases to draw into.
    pub canvases: Canvases,
    /// The painters (for hit-testing the diagram).
    pub painters: SharedPainters,
    /// Repaints the backprop canvases shown; called after every render of the view.
    pub repaint: Callback<()>,
}

/// How the page names unit `unit` of diagram column `layer` in a model of `layers` dense
/// layers with `outputs` output units (one per class for three or more classes).
fn unit_name(layer: usize, unit: usize, layers: usize, outputs: usize) -> String {
    match layer {
        0 => format!("feature {}", unit + 1),
        l if l == layers && outputs > 1 => format!("the score of class {}", unit + 1),
        l if l == layers => "the output".to_string(),
        l => format!("unit {} of layer {l}", unit + 1),
    }
}

/// The network view: the diagram with its link mode, what the plot shows, and the traced
/// point's forward and backward numbers. It re-renders (and repaints) with every readout refresh.
#[function_component(NetworkView)]
pub fn network_view(props: &ViewProps) -> Html {
    use_summary();
    // A new palette repaints the diagram.
    use_palette();
    {
        let repaint = props.repaint.clone();
        use_effect(move || repaint.emit(()));
    }
    let state = props.state;
    let u = props.updater.clone();

    let mode = {
        let u = u.clone();
        Callback::from(move |key: String| {
            if let Ok(mode) = key.parse::<LinkMode>() {
                u.dispatch(Action::LinkMode(mode));
            }
        })
    };
    let hit_at = {
        let painters = props.painters.clone();
        move |e: &PointerEvent| {
            let painters = painters.0.try_borrow().ok()?;
            painters.diagram_hit(e.offset_x() as f64, e.offset_y() as f64)
        }
    };
    let on_move = {
        let (u, hit_at) = (u.clone(), hit_at.clone());
        Callback::from(move |e: PointerEvent| {
            let hovered = match hit_at(&e) {
                Some(DiagramHit::Unit(unit)) => Some(unit),
                _ => None,
            };
            u.dispatch(Action::Hover(hovered));
        })
    };
    let on_leave = {
        let u = u.clone();
        Callback::from(move |_: PointerEvent| u.dispatch(Action::Hover(None)))
    };
    let on_click = {
        let u = u.clone();
        Callback::from(move |e: PointerEvent| match hit_at(&e) {
            Some(DiagramHit::Unit(unit)) => u.dispatch(Action::TogglePin(unit)),
            Some(DiagramHit::Link(link)) => u.dispatch(Action::ToggleLink(link)),
            None => {}
        })
    };
    // What the session shows: an earlier step while the page looks back.
    let (trace_html, layers, outputs) = props.updater.with_session(|session| {
        let shown = session.shown();
        let model = &shown.trainer.model;
        (
            trace_panel(shown, state, &u),
            model.layers.len(),
            model.layers.last().map_or(1, |l| l.outputs),
        )
    });
    let focus_caption = state.focus().map(|u| {
        format!(
            "The plot now shows {} over the plane.",
            unit_name(u.layer, u.unit, layers, outputs)
        )
    });

    html! {
        <section class="companion-body network-view" aria-label="The network">
            <div class="row view-controls">
                { select("Links show", "link-mode", LinkMode::ALL.iter().map(|m| (m.key().to_string(), m.label().to_string())).collect(),
                    state.link_mode().key(), mode) }
            </div>
            <canvas ref={props.canvases.diagram.clone()} class="diagram" data-testid="network"
                aria-label="The network: each box is a unit showing its value over the plane; links are weights"
                onpointermove={on_move} onpointerleave={on_leave} onpointerup={on_click} />
            <p class="hint" data-testid="plot-caption">{ focus_caption.unwrap_or_else(|| {
                "Hover over a unit to see it on the plot, click to keep it there. Orange links are positive, blue negative; \
                 thicker means larger. Click a link to follow the chain rule through it; trace a point (the Trace tool) to see its numbers."
                    .to_string()
            }) }</p>
            { trace_html }
        </section>
    }
}

/// The gradients view: per-layer gradient norms, the weight and gradient matrices, the norms
/// over time and the gradient check. It re-renders (and repaints) with every readout refresh.
#[function_component(GradientsView)]
pub fn gradients_view(props: &ViewProps) -> Html {
    use_summary();
    // A new palette repaints the matrices.
    use_palette();
    let checks = use_state(|| None::<Vec<LayerCheck>>);
    {
        let repaint = props.repaint.clone();
        use_effect(move || repaint.emit(()));
    }
    let check = {
        let (checks, updater) = (checks.clone(), props.updater.clone());
        Callback::from(move |_| checks.set(Some(updater.with_session(|s| s.shown().check_gradients(30)))))
    };
    let (norms_html, layers, comparing, past) = props.updater.with_session(|session| {
        let shown = session.shown();
        (
            gradient_norms(shown),
            shown.trainer.model.layers.len(),
            shown.compare().is_some(),
            session
                .looking_back()
                .map(|view| (view.step(), shown.trainer.last_batch().len())),
        )
    });
    // Looking back, the gradients are not a minibatch's: say what they are.
    let past_note = past.map(|(step, points)| {
        html! {
            <p class="hint gradient-note" data-testid="gradient-note">{ format!(
                "At step {step}, looking back: the gradient of the mean training loss over {points} training points at that step's weights (live, it is the last minibatch's)."
            ) }</p>
        }
    });
    let check_results = checks.as_ref().map(|results| {
        let worst = results.iter().map(|c| c.max_relative_error).fold(0.0, f64::max);
        let skipped: usize = results.iter().map(|c| c.kinks_skipped).sum();
        let verdict = if worst < 1e-3 {
            "Backprop agrees with finite differences."
        } else {
            "Backprop and finite differences disagree: a gradient on the page is wrong."
        };
        let kink_note = (skipped > 0).then(|| {
            format!(
                "{skipped} sampled {} left out: nudging {} moved a ReLU or sign unit across its kink for some point, where the loss has no derivative to compare.",
                if skipped == 1 { "parameter was" } else { "parameters were" },
                if skipped == 1 { "it" } else { "them" },
            )
        });
        html! {
            <div class="gradcheck" data-testid="gradcheck-result">
                <p>{ verdict }</p>
                if let Some(note) = kink_note {
                    <p class="hint" data-testid="gradcheck-kinks">{ note }</p>
                }
                <ul>
                    { for results.iter().map(|c| html! {
                        <li data-testid={format!("gradcheck-layer-{}", c.layer + 1)}>
                            { if c.checked == 0 && c.kinks_skipped == 0 {
                                format!("Layer {}: frozen, nothing to check", c.layer + 1)
                            } else {
                                let left_out = if c.kinks_skipped > 0 {
                                    format!(" ({} left out at a kink)", c.kinks_skipped)
                                } else {
                                    String::new()
                                };
                                format!("Layer {}: largest relative error {:.1e} over {} parameters{left_out}", c.layer + 1, c.max_relative_error, c.checked)
                            } }
                        </li>
                    }) }
                </ul>
            </div>
        }
    });
    html! {
        <section class="companion-body gradients-view" aria-label="Gradients">
            { for past_note }
            { norms_html }
            <div class="legend" aria-label="Colour scale of the matrices">
                <span>{ "−max" }</span><span class="legend-bar"></span><span>{ "+max" }</span>
                <span class="hint">{ "each matrix is scaled to its own largest magnitude (shown under it)" }</span>
            </div>
            <canvas ref={props.canvases.matrices.clone()} class="matrices" data-testid="grad-matrices"
                style={{
                    let (height, least) = super::backprop::matrices_height(layers);
                    format!("height: {height:.1}rem; min-height: {least:.1}rem")
                }}
                aria-label="Each layer's weight matrix beside its gradient matrix" />
            <p class="chart-caption">{ "Gradient norm of each layer over training (log scale): vanishing gradients sink, exploding ones climb." }
                if comparing { { " Dashed: model 2's first and last layers, in the colours of model 1's." } }</p>
            <canvas ref={props.canvases.norms.clone()} class="norm-chart" data-testid="grad-norm-chart"
                aria-label="Gradient norm of each layer over training steps" />
            <div class="row">
                { button("Check gradients", "check-gradients", "Compare backprop with finite differences on the current minibatch", check) }
            </div>
            { for check_results }
        </section>
    }
}

fn trace_panel(session: &Session, state: DiagramState, updater: &Updater) -> Html {
    let Some(trace) = trace_of(session, state.trace_point) else {
        return html! {
            <p class="hint" data-testid="trace-panel">{ "No point traced. Pause, then click a point on the plot to follow it forward and backward." }</p>
        };
    };
    let clear = {
        let u = updater.clone();
        Callback::from(move |_| u.dispatch(Action::StopTrace))
    };
    let link = state.selected.filter(|l| link_exists(session, *l));
    let layers = session.trainer.model.layers.len();
    let outputs = session.trainer.model.layers.last().map_or(1, |l| l.outputs);
    let chain = link.map(|link| {
        let layer = &session.trainer.model.layers[link.layer];
        let w = layer.weights[link.to * layer.inputs + link.from];
        let a = trace.layer_input(link.layer)[link.from];
        let delta = trace.delta[link.layer][link.to];
        let grad = trace.weight_gradient(link.layer, link.to, link.from);
        let traced = state.trace_point.and_then(|i| session.data.points.get(i));
        let update = traced
            .and_then(|p| weight_update(&session.trainer, p.x, p.y, link.layer, link.to, link.from))
            .map(|update| last_step(&update));
        html! {
            <div class="chain" data-testid="trace-chain">
                <p>{ format!("Link from {} to {}:", unit_name(link.layer, link.from, layers, outputs),
                    unit_name(link.layer + 1, link.to, layers, outputs)) }</p>
                <table class="numbers">
                    <tr><td>{ "weight w" }</td><td data-testid="trace-weight">{ format!("{w:.6}") }</td></tr>
                    <tr><td>{ "input activation aᵢ" }</td><td data-testid="trace-a">{ format!("{a:.6}") }</td></tr>
                    <tr><td>{ "delta δⱼ = ∂L/∂zⱼ" }</td><td data-testid="trace-delta">{ format!("{delta:.6}") }</td></tr>
                    <tr><td>{ "this point's ∂ℓ/∂w = δⱼ · aᵢ, now" }</td><td data-testid="trace-grad">{ format!("{grad:.6}") }</td></tr>
                </table>
                { for update }
            </div>
        }
    });
    let softmax = super::softmax_trace::softmax_table(&trace);
    let headline = match (&softmax, trace.class) {
        (Some(_), Some(class)) => format!(
            "Tracing the point at ({:.2}, {:.2}) of class {}: p = softmax(f(x)), loss = −log p{} = {}.",
            trace.x[0],
            trace.x[1],
            class + 1,
            subscript(class + 1),
            short(trace.loss as f32)
        ),
        _ => format!(
            "Tracing the point at ({:.2}, {:.2}) with target {}: f(x) = {}, loss = {}.",
            trace.x[0],
            trace.x[1],
            short(trace.y),
            short(trace.output),
            short(trace.loss as f32)
        ),
    };
    html! {
        <div class="trace" data-testid="trace-panel">
            <p>{ headline }
                <button type="button" class="button small" data-testid="trace-clear" onclick={clear}>{ "Stop tracing" }</button></p>
            { for softmax }
            <p class="hint">{ "Each unit shows its activation a (forward) and its delta δ = ∂L/∂z (backward)." }</p>
            { chain.unwrap_or_else(|| html! { <p class="hint">{ "Click a link in the diagram to see the chain rule for its weight." }</p> }) }
        </div>
    }
}

/// What the last step did to the selected weight: the traced point's own gradient beside the
/// minibatch's, both labelled, and the update written with the one it used.
fn last_step(update: &WeightUpdate) -> Html {
    let membership = if update.point_in_batch {
        "this point was one of them"
    } else {
        "this point was not among them"
    };
    html! {
        <div class="last-step">
            <p>{ format!("The last step moved w from {} to {}.", short(update.before), short(update.after)) }</p>
            <table class="numbers">
                <tr><td>{ "this point's own ∂ℓ/∂w, at the step's start" }</td>
                    <td data-testid="trace-point-grad">{ format!("{:.6}", update.point_gradient) }</td></tr>
                <tr><td>{ format!("the minibatch's mean ∂L/∂w ({} points; {membership})", update.batch_size) }</td>
                    <td data-testid="trace-batch-grad">{ format!("{:.6}", update.batch_gradient) }</td></tr>
            </table>
            <p data-testid="trace-update">{ "The update used the minibatch's gradient: " }<span class="formula">{ update.rule.clone() }</span></p>
        </div>
    }
}

fn gradient_norms(session: &Session) -> Html {
    let model = &session.trainer.model;
    let grads = session.trainer.gradients();
    html! {
        <ul class="norms" data-testid="grad-norms">
            { for model.layers.iter().enumerate().map(|(l, layer)| {
                let value = if layer.frozen {
                    "frozen".to_string()
                } else if session.trainer.steps() == 0 {
                    // No step yet, so no gradient: not a norm of zero.
                    "—".to_string()
                } else if grads.norms[l].is_finite() {
                    format!("{:.3e}", grads.norms[l])
                } else {
                    "not a finite number".to_string()
                };
                html! {
                    <li>
                        <span class="swatch" style={format!("background: {}", super::backprop::layer_colour(l))}></span>
                        { format!("Layer {} ({} → {}): ‖∂L/∂(W, b)‖ = ", l + 1, layer.inputs, layer.outputs) }
                        <span data-testid={format!("grad-norm-{}", l + 1)}>{ value }</span>
                    </li>
                }
            }) }
        </ul>
    }
}
