//! The labs under the playground: the feature-space view, the random-features sweep against
//! the kernel, and pretraining then fine-tuning. Each lab keeps its work outside the virtual
//! DOM and runs it in slices on animation frames, so the page stays responsive.

use super::controls::{button, checkbox, select, slider};
use super::handles::AnimationLoop;
use super::lab_paint::{paint_sweep, GridPainter};
use super::panel::{format_rate, options, pick};
use super::{now_ms, Summary, Updater};
use crate::engine::labs::feature_space::{project, Projection};
use crate::engine::labs::sweep::{kernel_name, Sweep, SweepSpec, MAX_SWEEP_TRAIN, SWEEP_DRAWS};
use crate::engine::labs::transfer::{
    preset_target, Shift, ShiftKind, Strategy, StrategyResult, TargetSource, TransferLab, FINE_TUNE_STEPS,
    LAB_LEARNING_RATE, PRETRAIN_STEPS,
};
use crate::engine::{Preset, Task};
use crate::page::limits;
use crate::page::settings::{Lab, ModelFamily, Settings, RANDOM_ACTIVATIONS};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Milliseconds of lab work per animation frame.
const LAB_BUDGET_MS: f64 = 10.0;

/// What a lab says when a slice of its work was cut short by the browser (Firefox's
/// slow-script "Stop", for example): the work stays borrowed and may be half changed.
const CUT_SHORT: &str =
    "The browser stopped this lab part-way through its work, so it cannot carry on safely: \
    reload the page to use it again (the link keeps the scene).";

/// Properties shared by the labs.
#[derive(Properties, PartialEq, Clone)]
pub struct LabProps {
    /// Access to the session.
    pub updater: Updater,
    /// The current settings.
    pub settings: Settings,
    /// The readouts, so views of the live model refresh with them.
    pub summary: Summary,
}

/// The labs section: a tab per lab, and the open lab.
#[function_component(LabsPanel)]
pub fn labs_panel(props: &LabProps) -> Html {
    let open = props.settings.lab;
    let tab = |lab: Lab| {
        let u = props.updater.clone();
        let selected = open == Some(lab);
        let onclick = Callback::from(move |_: MouseEvent| {
            u.settings(|s| s.lab = if selected { None } else { Some(lab) })
        });
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()}
                class={classes!("tab", selected.then_some("selected"))}
                data-testid={format!("lab-tab-{}", lab.key())} {onclick}>{ lab.label() }</button>
        }
    };
    let body = match open {
        Some(Lab::Space) => html! { <FeatureSpaceLab ..props.clone() /> },
        Some(Lab::Sweep) => html! { <SweepLab ..props.clone() /> },
        Some(Lab::Transfer) => html! { <TransferLabPanel ..props.clone() /> },
        None => html! {
            <p class="lab-hint">{ "Open a lab: see the data through the features the last layer uses, \
                compare random features with their kernel, or pretrain a network and fine-tune it on a few labels." }</p>
        },
    };
    html! {
        <section class="labs" data-testid="labs" aria-label="Labs">
            <div class="tabs" role="tablist">
                <h2>{ "Labs" }</h2>
                { for [Lab::Space, Lab::Sweep, Lab::Transfer].into_iter().map(tab) }
            </div>
            { body }
        </section>
    }
}

/// The feature-space view of the live model.
#[function_component(FeatureSpaceLab)]
fn feature_space_lab(props: &LabProps) -> Html {
    let canvas = use_node_ref();
    let painter = use_mut_ref(GridPainter::default);
    let (projection, layer) = (props.settings.projection, props.settings.space_layer);
    let (view, task, depth, linear) = props.updater.with_session(|s| {
        (
            project(&s.trainer.model, &s.data, projection, layer),
            s.task(),
            s.trainer.model.layers.len(),
            s.settings.model == ModelFamily::Linear,
        )
    });
    let last = depth - 1;
    let view = Rc::new(view);
    {
        let (canvas, painter, view) = (canvas.clone(), painter.clone(), view.clone());
        use_effect(move || {
            if let (Some(c), Ok(mut painter)) = (canvas.cast::<HtmlCanvasElement>(), painter.try_borrow_mut())
            {
                painter.paint_feature_space(&c, &view, task);
            }
        });
    }
    let train: Vec<_> = view.points.iter().filter(|p| !p.test).collect();
    let correct = train.iter().filter(|p| (p.score >= 0.0) == (p.y > 0.0)).count();
    let kind = match view.projection {
        Projection::Separator => "sep",
        Projection::Principal => "pca",
        Projection::Units(..) => "units",
    };
    let choose = {
        let u = props.updater.clone();
        Callback::from(move |key: String| {
            u.settings(|s| {
                s.projection = match key.as_str() {
                    "pca" => Projection::Principal,
                    "units" => Projection::Units(0, 1),
                    _ => Projection::Separator,
                }
            })
        })
    };
    let unit_pickers = match view.projection {
        Projection::Units(i, j) => {
            let units: Vec<(String, String)> = (0..view.width.min(64))
                .map(|k| (k.to_string(), format!("unit {}", k + 1)))
                .collect();
            let set = |other: usize, first: bool| {
                let u = props.updater.clone();
                Callback::from(move |key: String| {
                    if let Ok(k) = key.parse::<usize>() {
                        let (a, b) = if first { (k, other) } else { (other, k) };
                        if a != b {
                            u.settings(|s| s.projection = Projection::Units(a, b));
                        }
                    }
                })
            };
            html! { <>
                { select("Across", "space-unit-x", units.clone(), &i.to_string(), set(j, true)) }
                { select("Up", "space-unit-y", units, &j.to_string(), set(i, false)) }
            </> }
        }
        _ => html! {},
    };
    // What dense layer l reads: the inputs or features for l = 0, hidden layer l otherwise.
    let layer_name = |l: usize| match l {
        0 if linear => "the inputs x₁, x₂".to_string(),
        0 if depth == 1 => "the features φ(x)".to_string(),
        0 => "the inputs (x₁, x₂)".to_string(),
        l => format!("hidden layer {l}"),
    };
    let layers: Vec<(String, String)> = (0..depth)
        .map(|l| {
            let key = if l == last {
                "last".to_string()
            } else {
                l.to_string()
            };
            let text = if l == last {
                format!("{} (what the output reads)", layer_name(l))
            } else {
                layer_name(l)
            };
            (key, text)
        })
        .collect();
    let choose_layer = {
        let u = props.updater.clone();
        Callback::from(move |key: String| u.settings(|s| s.space_layer = key.parse::<usize>().ok()))
    };
    let layer_key = if view.layer == last {
        "last".to_string()
    } else {
        view.layer.to_string()
    };
    let exactness = match (view.rule.is_some(), view.exact) {
        (true, true) => {
            "Every point sits on its true side of the line: the view keeps everything the last layer uses."
        }
        (true, false) => {
            "The background and line are the last layer on this plane through the mean features; points are \
            projected onto it, so a point may sit on the wrong side here yet be classified correctly. \
            Choose 'Along w' for the exact picture."
        }
        (false, true) => {
            "The output does not read this layer directly, so there is no line: see how far this layer \
            has pulled the classes apart, and compare the layers after it."
        }
        (false, false) => {
            "The output does not read this layer directly, so there is no line, and a plane shows only \
            part of its values. Compare the layers after it."
        }
    };
    // One value is drawn across the plot as it is; more are projected (or turned) onto a plane.
    let (drawn_at, projected, them) = match view.width {
        1 => (
            format!(
                "Each point is drawn across the plot at the one value of {}",
                layer_name(view.layer)
            ),
            "",
            "it",
        ),
        n => (
            format!(
                "Each point is drawn at the {n} values of {}",
                layer_name(view.layer)
            ),
            ", projected on a plane",
            "them",
        ),
    };
    let total = props.updater.with_session(|s| s.data.points.len());
    let sample = if view.points.len() < total {
        format!(
            " (an evenly spaced sample of {} of the {total} points, to keep this large network quick)",
            view.points.len()
        )
    } else {
        String::new()
    };
    let verdict = match task {
        Task::Classification => format!(
            "Training points the network classifies correctly: {correct} of {}{sample}.",
            train.len()
        ),
        Task::Regression if view.rule.is_some() => {
            "Colour: the last layer's output; the line is where it is zero.".to_string()
        }
        Task::Regression => "Colour of each point: its target value.".to_string(),
    };
    html! {
        <div class="lab lab-space" data-testid="lab-space">
            <div class="lab-controls">
                { select("Projection", "space-projection", vec![
                    ("sep".into(), "Along w, and most spread across it".into()),
                    ("pca".into(), "First two principal components".into()),
                    ("units".into(), "Two chosen units".into()),
                ], kind, choose) }
                { unit_pickers }
                { select("Layer", "space-layer", layers, &layer_key, choose_layer) }
            </div>
            <div class="lab-body">
                <canvas ref={canvas} class="lab-canvas square" data-testid="feature-space"
                    data-exact={view.exact.to_string()} aria-label="The points drawn at their feature values" />
                <div class="lab-text">
                    <p>{ if view.rule.is_some() {
                        format!("{drawn_at} — what the last layer reads{projected}. The last layer is a linear model \
                            w·h + b on {them}: the dark line is w·h + b = 0. Press Play and watch the features move the \
                            classes apart until a line separates them.")
                    } else {
                        format!("{drawn_at}{projected}.")
                    } }</p>
                    <p data-testid="space-exactness">{ exactness }</p>
                    <p data-testid="space-correct" data-correct={correct.to_string()} data-total={train.len().to_string()}>
                        <strong>{ verdict }</strong></p>
                </div>
            </div>
        </div>
    }
}

/// What a sweep was run for, to tell when the settings have moved on.
#[derive(Clone, Copy, PartialEq, Debug)]
struct SweepInputs {
    spec: SweepSpec,
    data_version: u64,
}

fn sweep_inputs(updater: &Updater, settings: &Settings) -> SweepInputs {
    SweepInputs {
        spec: SweepSpec {
            activation: settings.rf_activation,
            scale: settings.rf_scale,
            lambda: settings.sweep_lambda,
            seed: settings.seed,
        },
        data_version: updater.with_session(|s| s.data_version()),
    }
}

/// Drives a piece of lab work on animation frames while `busy` says there is some, re-rendering
/// through `tick` after each frame. The loop is owned by the component and stops with it.
#[hook]
fn use_work_loop<T, S, B>(
    work: Rc<RefCell<Option<T>>>,
    running: UseStateHandle<bool>,
    tick: UseStateHandle<u64>,
    step: S,
    busy: B,
) where
    T: 'static,
    S: Fn(&mut T, f64) + 'static,
    B: Fn(&T) -> bool + 'static,
{
    use_effect_with(*running, move |&on| {
        let handle = on.then(|| {
            let (running, tick) = (running.clone(), tick.clone());
            let mut frames = 0u64;
            AnimationLoop::start(move |_| {
                // Still borrowed: the browser cut the last slice short. Stop; the lab says why.
                let Ok(mut slot) = work.try_borrow_mut() else {
                    running.set(false);
                    return;
                };
                let Some(w) = slot.as_mut() else {
                    running.set(false);
                    return;
                };
                step(w, now_ms() + LAB_BUDGET_MS);
                frames += 1;
                let still = busy(w);
                drop(slot);
                tick.set(frames);
                if !still {
                    running.set(false);
                }
            })
        });
        move || drop(handle)
    });
}

/// Random features against their kernel.
#[function_component(SweepLab)]
fn sweep_lab(props: &LabProps) -> Html {
    // The sweep shown (running or finished), with the inputs it runs for.
    let sweep = use_mut_ref(|| None::<(Sweep, SweepInputs)>);
    let running = use_state(|| false);
    let tick = use_state(|| 0u64);
    let error = use_state(|| None::<String>);
    let canvas = use_node_ref();
    let inputs = sweep_inputs(&props.updater, &props.settings);
    let start = {
        let (updater, sweep, running, error) = (
            props.updater.clone(),
            sweep.clone(),
            running.clone(),
            error.clone(),
        );
        Callback::from(move |inputs: SweepInputs| {
            let Some(data) = updater.try_with_session(|s| s.data.clone()) else {
                return;
            };
            let Ok(mut slot) = sweep.try_borrow_mut() else {
                return error.set(Some(CUT_SHORT.into()));
            };
            match Sweep::new(inputs.spec, &data) {
                Ok(s) => {
                    *slot = Some((s, inputs));
                    error.set(None);
                    running.set(true);
                }
                Err(why) => {
                    *slot = None;
                    error.set(Some(format!("The sweep cannot run: {why}.")));
                }
            }
        })
    };
    use_work_loop(
        sweep.clone(),
        running.clone(),
        tick.clone(),
        |(s, _): &mut (Sweep, SweepInputs), deadline| s.run(deadline, &now_ms),
        |(s, _)| !s.is_done(),
    );
    // Start on opening, once.
    {
        let start = start.clone();
        use_effect_with((), move |_| start.emit(inputs));
    }
    {
        // Repainted when the sweep advances, and on edits and resizes (which bump the readouts'
        // revision), not on every readout refresh while the playground trains.
        let (canvas, sweep) = (canvas.clone(), sweep.clone());
        use_effect_with((*tick, *running, props.summary.revision), move |_| {
            if let (Some(c), Ok(sweep)) = (canvas.cast::<HtmlCanvasElement>(), sweep.try_borrow()) {
                if let Some((s, _)) = sweep.as_ref() {
                    paint_sweep(&c, s);
                }
            }
        });
    }
    let current = sweep.try_borrow().ok();
    let cut_short = current.is_none();
    let current = current.as_deref().and_then(Option::as_ref);
    let shown: Option<&Sweep> = current.map(|(s, _)| s);
    let stale = current.is_some_and(|(_, ran)| *ran != inputs);
    let status = match shown {
        Some(s) if !s.is_done() => format!("Fitting… {:.0}% done", 100.0 * s.progress()),
        Some(_) if stale => "The settings changed since this sweep ran: run it again to update.".into(),
        Some(s) => format!(
            "Done: {} training and {} test points, {SWEEP_DRAWS} draws of the features per k.",
            s.train_count(),
            s.test_count()
        ),
        None => String::new(),
    };
    let finished = shown.is_some_and(Sweep::is_done);
    // The sweep's own task: the plot may have changed kind since it ran.
    let task = shown.map_or(Task::Classification, Sweep::task);
    let fmt_error = |v: f64| match task {
        Task::Classification => format!("{:.1}%", 100.0 * v),
        Task::Regression => format!("{v:.4}"),
    };
    let show = |k: usize| {
        let (u, lambda, error) = (props.updater.clone(), props.settings.sweep_lambda, error.clone());
        Callback::from(move |_| {
            u.settings(|s| {
                s.model = ModelFamily::Random;
                s.k = k;
                s.show_lines = k <= 200;
                s.play = false;
            });
            let mut outcome = Ok(());
            u.session(|s| outcome = s.fit_last_layer_exactly(lambda));
            if let Err(why) = outcome {
                error.set(Some(format!("Could not fit k = {k} exactly: {why}.")));
            }
        })
    };
    let rows = shown.map(|s| {
        let kernel = s.kernel().map(|k| {
            let (train, test) = s
                .kernel_result()
                .map_or(("…".into(), "…".into()), |r| (fmt_error(r.train_error), fmt_error(r.test_error)));
            html! {
                <tr class="kernel" data-testid="sweep-kernel">
                    <th scope="row">{ format!("Kernel ridge ({})", kernel_name(k)) }</th>
                    <td>{ train }</td><td data-testid="sweep-kernel-test">{ test }</td><td></td>
                </tr>
            }
        });
        html! {
            <table class="lab-table" data-testid="sweep-table">
                <thead><tr><th scope="col">{ "k" }</th><th scope="col">{ "training error" }</th>
                    <th scope="col">{ "test error" }</th><th scope="col">{ "on the plot" }</th></tr></thead>
                <tbody>
                    { for s.rows().iter().map(|r| html! {
                        <tr data-testid={format!("sweep-row-{}", r.k)} data-test-error={r.test_error.to_string()}>
                            <th scope="row">{ r.k }</th><td>{ fmt_error(r.train_error) }</td>
                            <td>{ fmt_error(r.test_error) }</td>
                            <td>{ button("Show", format!("sweep-show-{}", r.k),
                                "Put this many random features on the plot, with the exact last layer", show(r.k)) }</td>
                        </tr>
                    }) }
                    { for kernel }
                </tbody>
            </table>
        }
    });
    let no_kernel = shown.is_some_and(|s| s.kernel().is_none()).then(|| html! {
        <p data-testid="sweep-no-kernel">{ "tanh features have no closed-form kernel, so there is no reference line; \
            choose sign, ReLU or cos to compare with one." }</p>
    });
    let u = &props.updater;
    let activation = pick(u, |s, a| s.rf_activation = a);
    let lambda = {
        let u = props.updater.clone();
        Callback::from(move |key: String| {
            if let Ok(v) = key.parse::<f32>() {
                u.settings(|s| s.sweep_lambda = v.clamp(limits::SWEEP_LAMBDA.0, limits::SWEEP_LAMBDA.1));
            }
        })
    };
    let scale = {
        let u = props.updater.clone();
        Callback::from(move |log: f64| {
            u.settings(|s| {
                s.rf_scale = (10f64.powf(log) as f32).clamp(limits::RF_SCALE.0, limits::RF_SCALE.1)
            })
        })
    };
    let mut lambdas: Vec<f32> = vec![1e-4, 1e-3, 1e-2, 1e-1];
    if !lambdas.contains(&props.settings.sweep_lambda) {
        lambdas.push(props.settings.sweep_lambda);
    }
    let rerun = {
        let start = start.clone();
        Callback::from(move |_| start.emit(inputs))
    };
    html! {
        <div class="lab lab-sweep" data-testid="lab-sweep">
            <div class="lab-controls">
                { select("Random features σ", "sweep-activation",
                    options(&RANDOM_ACTIVATIONS, |a| a.key(), |a| a.to_string()), props.settings.rf_activation.key(), activation) }
                { slider("Scale of M", "sweep-scale", -1.0, 20f64.log10(), 0.01, (props.settings.rf_scale as f64).log10(),
                    format!("{:.2}", props.settings.rf_scale), scale) }
                { select("Ridge penalty λ", "sweep-lambda",
                    lambdas.iter().map(|v| (v.to_string(), format_rate(*v))).collect(), &props.settings.sweep_lambda.to_string(), lambda) }
                { button(if finished { "Run sweep" } else { "Restart sweep" }, "sweep-run",
                    "Fit every k again on the current points", rerun) }
            </div>
            if cut_short {
                <p class="lab-error" role="alert" data-testid="sweep-error">{ CUT_SHORT }</p>
            } else if let Some(why) = &*error {
                <p class="lab-error" role="alert" data-testid="sweep-error">{ why }</p>
            }
            <p class="lab-status" data-testid="sweep-progress" data-done={finished.to_string()}>{ status }</p>
            <div class="lab-body">
                <canvas ref={canvas} class="lab-canvas wide" data-testid="sweep-chart"
                    aria-label="Error against the number of random features, with the kernel ridge reference" />
                <div class="lab-text">
                    <p>{ format!("For each k, draw k random features σ(m·x + b), freeze them, and fit the last layer \
                        exactly (least squares with ridge penalty λ, on at most {MAX_SWEEP_TRAIN} training points). \
                        As k grows the error settles on that of kernel ridge regression with the kernel these features \
                        average to: the dashed line. Few features underfit; many behave like the kernel method.") }</p>
                    { for no_kernel }
                    { for rows }
                </div>
            </div>
        </div>
    }
}

/// The target the settings ask for, or the source's own data set when the chosen preset is
/// the other kind of task (classes against values).
fn effective_target(settings: &Settings) -> TargetSource {
    match settings.target {
        TargetSource::Preset(p) if p.task() != settings.task() => TargetSource::Preset(settings.dataset),
        other => other,
    }
}

/// The target task the settings describe, drawn from the plot when it says so.
fn target_of(settings: &Settings, updater: &Updater) -> crate::engine::Dataset {
    match effective_target(settings) {
        TargetSource::Plot => updater.with_session(|s| s.data.clone()),
        TargetSource::Preset(p) => preset_target(
            p,
            settings.target_labels,
            settings.target_swap,
            settings.noise,
            settings.data_seed.wrapping_add(1),
        ),
    }
}

/// Pretraining then fine-tuning.
#[function_component(TransferLabPanel)]
fn transfer_lab_panel(props: &LabProps) -> Html {
    let work = use_mut_ref(|| None::<TransferLab>);
    let running = use_state(|| false);
    let tick = use_state(|| 0u64);
    let error = use_state(|| None::<String>);
    let painter = use_mut_ref(GridPainter::default);
    let maps: Rc<[NodeRef; 3]> = use_memo((), |_| Default::default());
    let units: Rc<[NodeRef; 3]> = use_memo((), |_| Default::default());
    let source_map = use_node_ref();
    let settings = props.settings.clone();

    let fine_tune = {
        let (work, running, error, updater) = (
            work.clone(),
            running.clone(),
            error.clone(),
            props.updater.clone(),
        );
        Callback::from(move |settings: Settings| {
            let Ok(mut slot) = work.try_borrow_mut() else {
                return error.set(Some(CUT_SHORT.into()));
            };
            let Some(lab) = slot.as_mut() else {
                return;
            };
            match lab.fine_tune(target_of(&settings, &updater)) {
                Ok(()) => {
                    error.set(None);
                    running.set(true);
                }
                Err(why) => error.set(Some(format!("Cannot fine-tune: {why}."))),
            }
        })
    };
    let pretrain = {
        let (work, running, error, updater) = (
            work.clone(),
            running.clone(),
            error.clone(),
            props.updater.clone(),
        );
        Callback::from(move |settings: Settings| {
            let Some(source) = updater.try_with_session(|s| s.data.clone()) else {
                return;
            };
            let Ok(mut slot) = work.try_borrow_mut() else {
                return error.set(Some(CUT_SHORT.into()));
            };
            match TransferLab::new(settings.model_spec(), &source, settings.seed) {
                Ok(lab) => {
                    // Fine-tuning follows by itself when pretraining ends (see below).
                    *slot = Some(lab);
                    error.set(None);
                    running.set(true);
                }
                Err(why) => {
                    *slot = None;
                    error.set(Some(format!("Cannot pretrain: {why}.")));
                }
            }
        })
    };
    {
        let (work, fine_tune, settings) = (work.clone(), fine_tune.clone(), settings.clone());
        use_work_loop(
            work.clone(),
            running.clone(),
            tick.clone(),
            move |lab: &mut TransferLab, deadline| {
                let was_pretrained = lab.is_pretrained();
                while lab.is_busy() && now_ms() < deadline {
                    lab.advance(if lab.is_pretrained() { 20 } else { 200 });
                    if !was_pretrained && lab.is_pretrained() {
                        break;
                    }
                }
            },
            |lab| lab.is_busy(),
        );
        // When pretraining ends, fine-tuning starts on the target chosen now.
        let pretrained_now = work.try_borrow().is_ok_and(|w| {
            w.as_ref()
                .is_some_and(|l| l.is_pretrained() && l.target().is_none())
        });
        use_effect_with(pretrained_now, move |&now| {
            if now {
                fine_tune.emit(settings);
            }
        });
    }
    // Changing the target re-runs fine-tuning from the same pretrained network.
    {
        let fine_tune = fine_tune.clone();
        let key = (settings.target, settings.target_swap, settings.target_labels);
        let work = work.clone();
        let settings = settings.clone();
        use_effect_with(key, move |_| {
            if work
                .try_borrow()
                .is_ok_and(|w| w.as_ref().is_some_and(|l| l.target().is_some()))
            {
                fine_tune.emit(settings);
            }
        });
    }
    // Start on opening, once.
    {
        let (pretrain, settings) = (pretrain.clone(), settings.clone());
        use_effect_with((), move |_| pretrain.emit(settings));
    }
    // Paint the maps and units when the lab or the shift changes, and on edits and resizes.
    {
        let (work, painter, maps, units, shift, source_map) = (
            work.clone(),
            painter.clone(),
            maps.clone(),
            units.clone(),
            settings.shift,
            source_map.clone(),
        );
        let key = (*tick, *running, shift_key(&settings), props.summary.revision);
        use_effect_with(key, move |_| {
            let (Ok(lab), Ok(mut painter)) = (work.try_borrow(), painter.try_borrow_mut()) else {
                return;
            };
            let Some(lab) = lab.as_ref() else {
                return;
            };
            let task = lab.task();
            let shown: Vec<crate::engine::Point> = lab.target().map_or_else(Vec::new, |t| {
                t.points
                    .iter()
                    .map(|p| {
                        if p.test {
                            crate::engine::Point {
                                x: shift.apply(p.x),
                                ..*p
                            }
                        } else {
                            *p
                        }
                    })
                    .collect()
            });
            if let Some(c) = source_map.cast::<HtmlCanvasElement>() {
                painter.paint_model(&c, lab.source_model(), task, lab.source_points(), false);
            }
            for (strategy, node) in Strategy::ALL.into_iter().zip(maps.iter()) {
                if let (Some(model), Some(c)) = (lab.model(strategy), node.cast::<HtmlCanvasElement>()) {
                    painter.paint_model(&c, model, task, &shown, true);
                }
            }
            let source = lab.source_model();
            let layer = source.layers.len().saturating_sub(2);
            let count = source.layers[layer].outputs.min(8);
            let models = [
                Some(source),
                lab.model(Strategy::FineTune),
                lab.model(Strategy::Scratch),
            ];
            for (model, node) in models.into_iter().zip(units.iter()) {
                if let (Some(model), Some(c)) = (model, node.cast::<HtmlCanvasElement>()) {
                    painter.paint_units(&c, model, layer, count);
                }
            }
        });
    }

    let numbers = {
        let (work, shift, task) = (work.clone(), settings.shift, settings.task());
        let key = (*tick, *running, shift_key(&settings), (*error).clone());
        use_memo(key, move |_| match work.try_borrow_mut() {
            Ok(mut lab) => TransferNumbers::of(lab.as_mut(), shift, task),
            Err(_) => TransferNumbers {
                status: CUT_SHORT.into(),
                ..TransferNumbers::of(None, shift, task)
            },
        })
    };
    let TransferNumbers {
        status,
        done,
        task,
        results,
        labels,
    } = (*numbers).clone();
    // Pretraining learned from the plot and the network as they were; say so once they differ
    // (edits to the plot are expected when the plot is the target, so those alone pass).
    let stale = props.updater.with_session(|s| {
        work.try_borrow().is_ok_and(|w| {
            let Some(lab) = w.as_ref() else {
                return false;
            };
            let network_changed = lab.network() != (&settings.model_spec(), settings.seed);
            let points_changed = lab.source_points() != s.data.points.as_slice();
            network_changed || (points_changed && settings.target != TargetSource::Plot)
        })
    });
    let shifted = settings.shift.amount > 0.0;
    let table = (!results.is_empty()).then(|| html! {
        <table class="lab-table" data-testid="transfer-table">
            <thead><tr>
                <th scope="col">{ "How the target is learned" }</th>
                <th scope="col">{ "labelled points" }</th>
                <th scope="col">{ "test points" }</th>
                <th scope="col">{ if shifted { format!("test points {}", settings.shift.describe()) } else { "shifted test points (no shift)".into() } }</th>
            </tr></thead>
            <tbody>
                { for results.iter().map(|r| html! {
                    <tr data-testid={format!("transfer-row-{}", r.strategy.key())}>
                        <th scope="row">{ r.strategy.label() }</th>
                        <td data-testid={format!("transfer-train-{}", r.strategy.key())}>{ score_text(task, r.train.score) }</td>
                        <td data-testid={format!("transfer-test-{}", r.strategy.key())} data-score={r.test.score.to_string()}>{ score_text(task, r.test.score) }</td>
                        <td data-testid={format!("transfer-shifted-{}", r.strategy.key())} data-score={r.shifted.score.to_string()}>{ score_text(task, r.shifted.score) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    });
    let targets: Vec<(String, String)> = Preset::ALL
        .into_iter()
        .filter(|p| p.task() == task)
        .map(|p| (p.key().to_string(), p.label().to_string()))
        .chain([("plot".to_string(), "The points on the plot".to_string())])
        .collect();
    let u = &props.updater;
    let swap_label = match task {
        Task::Classification => "Swap the classes",
        Task::Regression => "Negate the values",
    };
    let labels_input = {
        let u = props.updater.clone();
        Callback::from(move |v: f64| {
            u.settings(|s| {
                s.target_labels = (v.round() as usize).clamp(limits::TARGET_LABELS.0, limits::TARGET_LABELS.1)
            })
        })
    };
    let shift_amount = {
        let u = props.updater.clone();
        Callback::from(move |v: f64| u.settings(|s| s.shift.amount = (v as f32).clamp(0.0, 1.0)))
    };
    let is_preset = matches!(effective_target(&settings), TargetSource::Preset(_));
    let score_name = match task {
        Task::Classification => "accuracy",
        Task::Regression => "R²",
    };
    html! {
        <div class="lab lab-transfer" data-testid="lab-transfer">
            <div class="lab-controls">
                { button("Pretrain, then fine-tune", "transfer-run",
                    "Pretrain the network on the plot's points, then fine-tune three ways on the target", {
                        let (pretrain, settings) = (pretrain.clone(), settings.clone());
                        Callback::from(move |_| pretrain.emit(settings.clone()))
                    }) }
                { button("Fine-tune again", "transfer-finetune", "Keep the pretrained network; learn the target again", {
                        let (fine_tune, settings) = (fine_tune.clone(), settings.clone());
                        Callback::from(move |_| fine_tune.emit(settings.clone()))
                    }) }
                { select("Target task", "transfer-target", targets, effective_target(&settings).key(), pick(u, |s, t| s.target = t)) }
                if is_preset {
                    { slider("Labelled points", "transfer-labels", limits::TARGET_LABELS.0 as f64, limits::TARGET_LABELS.1 as f64, 1.0,
                        settings.target_labels as f64, settings.target_labels.to_string(), labels_input) }
                    { checkbox(html! { swap_label }, "transfer-swap", settings.target_swap,
                        Callback::from({ let u = props.updater.clone(); move |on| u.settings(|s| s.target_swap = on) })) }
                }
                { select("Shift the test points", "transfer-shift-kind",
                    options(&ShiftKind::ALL, |k| k.key(), |k| k.label().to_string()), settings.shift.kind.key(), pick(u, |s, k| s.shift.kind = k)) }
                { slider("Shift amount", "transfer-shift", 0.0, 1.0, 0.05, settings.shift.amount as f64,
                    settings.shift.describe(), shift_amount) }
            </div>
            if let Some(why) = &*error {
                <p class="lab-error" role="alert" data-testid="transfer-error">{ why }</p>
            }
            <p class="lab-status" data-testid="transfer-status" data-done={done.to_string()}>{ status }</p>
            if stale {
                <p class="lab-note" data-testid="transfer-stale">{ "The plot or the network has changed since pretraining: \
                    press 'Pretrain, then fine-tune' to start again from them as they are now." }</p>
            }
            <p class="lab-text">{ format!(
                "The neural network set in the Model panel (its shape, activation and seed) first learns the points on the plot for {PRETRAIN_STEPS} steps. \
                 Then it learns the target from only {} labelled points in three ways, each for {FINE_TUNE_STEPS} full-batch steps (Adam, η = {}){}",
                labels.map_or("a few".to_string(), |l| l.0.to_string()), format_rate(LAB_LEARNING_RATE),
                match labels {
                    Some((_, 0)) => ".".to_string(),
                    Some((_, tests)) => format!(", and is scored ({score_name}) on the target's {tests} other points. \
                        Drag the shift to move those test points away from where the labels were."),
                    None => format!(", and is scored ({score_name}) on the target's other points."),
                }) }</p>
            if labels.is_some_and(|l| l.1 == 0) {
                <p class="lab-note" data-testid="transfer-note">{ "The target has no test points (every point on the plot is \
                    labelled), so only the labelled points are scored: compare how the three maps below fill the rest of the plane." }</p>
            }
            if settings.shift.kind == ShiftKind::Rotate {
                <p class="lab-note" data-testid="transfer-shift-note">{ "A rotation moves each test point with its label, so it can \
                    change the task itself: XOR turned by 90° swaps its classes, and then all three runs sink together — because the \
                    task changed, not because pretraining failed. Scale keeps XOR's rule (every point stays in its quadrant) and \
                    tests how each run does beyond the square it learned on." }</p>
            }
            { for table }
            <div class="transfer-maps">
                <figure class="source">
                    <canvas ref={source_map} class="lab-canvas thumb" data-testid="transfer-map-source"
                        aria-label="The pretrained network's output over the plane, with the source points" />
                    <figcaption>{ "Pretrained, on its source" }</figcaption>
                </figure>
                { for Strategy::ALL.into_iter().zip(maps.iter()).map(|(s, node)| html! {
                    <figure>
                        <canvas ref={node.clone()} class="lab-canvas thumb" data-testid={format!("transfer-map-{}", s.key())}
                            aria-label={format!("{}: output over the plane, with the target's points", s.label())} />
                        <figcaption>{ s.label() }</figcaption>
                    </figure>
                }) }
            </div>
            <h3>{ "The features (the last hidden layer's units) before and after" }</h3>
            <div class="transfer-units">
                { for ["Pretrained (the frozen run keeps these)", "After fine-tuning every layer", "Learned from scratch"]
                    .into_iter().zip(units.iter()).zip(["pretrained", "finetune", "scratch"]).map(|((label, node), key)| html! {
                    <figure>
                        <figcaption>{ label }</figcaption>
                        <canvas ref={node.clone()} class="lab-canvas units" data-testid={format!("transfer-units-{key}")}
                            aria-label={format!("{label}: each unit's value over the plane")} />
                    </figure>
                }) }
            </div>
        </div>
    }
}

/// The shift as a comparable key.
fn shift_key(settings: &Settings) -> (ShiftKind, u32) {
    (settings.shift.kind, settings.shift.amount.to_bits())
}

/// What the pretraining lab's text and table show, recomputed only when the lab or the shift
/// changes (evaluating the three runs costs as much as a few training steps).
#[derive(Clone, PartialEq)]
struct TransferNumbers {
    status: String,
    done: bool,
    task: Task,
    results: Vec<StrategyResult>,
    /// Labelled and test points of the target.
    labels: Option<(usize, usize)>,
}

impl TransferNumbers {
    fn of(lab: Option<&mut TransferLab>, shift: Shift, default_task: Task) -> Self {
        let Some(lab) = lab else {
            return TransferNumbers {
                status: "Not started.".into(),
                done: false,
                task: default_task,
                results: Vec::new(),
                labels: None,
            };
        };
        let status = if let Some(divergence) = lab.divergence() {
            divergence
        } else if !lab.is_pretrained() {
            format!(
                "Pretraining on the plot's points: step {} of {PRETRAIN_STEPS}…",
                lab.pretrain_steps()
            )
        } else {
            let source_note = match lab.source_test() {
                Some(source) if source.count > 0 => {
                    format!(" (source test score {})", score_text(lab.task(), source.score))
                }
                _ => String::new(),
            };
            let phase = if lab.is_fine_tuned() {
                "fine-tuning done.".to_string()
            } else if lab.target().is_some() {
                format!(
                    "fine-tuning: step {} of {FINE_TUNE_STEPS}…",
                    lab.fine_tune_steps()
                )
            } else {
                "waiting for a target.".to_string()
            };
            format!("Pretrained for {PRETRAIN_STEPS} steps{source_note}; {phase}")
        };
        TransferNumbers {
            status,
            done: lab.is_fine_tuned(),
            task: lab.task(),
            labels: lab.target().map(|t| (t.train_count(), t.test_count())),
            results: lab.results(shift),
        }
    }
}

fn score_text(task: Task, score: f64) -> String {
    if !score.is_finite() {
        return "—".into();
    }
    match task {
        Task::Classification => format!("{:.0}%", 100.0 * score),
        Task::Regression => format!("{score:.2}"),
    }
}
