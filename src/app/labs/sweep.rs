//! The sweep lab: random features against their kernel, fitted exactly for each k on
//! animation frames.

use super::{use_work_loop, LabProps, CUT_SHORT};
use crate::app::controls::{button, select, slider};
use crate::app::now_ms;
use crate::app::panel::{format_rate, options, pick};
use crate::app::sweep_chart::paint_sweep;
use crate::app::use_summary;
use crate::app::Updater;
use crate::engine::labs::sweep::{kernel_name, Sweep, SweepSpec, MAX_SWEEP_TRAIN, SWEEP_DRAWS};
use crate::engine::Task;
use crate::page::limits;
use crate::page::settings::{ModelFamily, Settings, RANDOM_ACTIVATIONS};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// What a sweep was run for, to tell when the settings have moved on.
#[derive(Clone, Copy, PartialEq, Debug)]
struct SweepInputs {
    spec: SweepSpec,
    data_version: u64,
}

fn sweep_inputs(updater: &Updater, settings: &Settings) -> SweepInputs {
    SweepInputs {
        spec: SweepSpec {
            activation: settings.run.rf_activation,
            scale: settings.run.rf_scale,
            lambda: settings.sweep_lambda,
            seed: settings.seed,
        },
        data_version: updater.with_session(|s| s.data_version()),
    }
}

/// Random features against their kernel.
#[function_component(SweepLab)]
pub(super) fn sweep_lab(props: &LabProps) -> Html {
    let summary = use_summary();
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
        use_effect_with((*tick, *running, summary.revision), move |_| {
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
                s.run.model = ModelFamily::Random;
                s.run.k = k;
                s.show_lines = k <= 200;
                s.play = false;
            });
            let (mut outcome, mut before) = (Ok(None), 0.0);
            u.session(|s| {
                before = s.settings.run.learning_rate;
                outcome = s.fit_last_layer_exactly(lambda);
            });
            match outcome {
                Err(why) => error.set(Some(format!("Could not fit k = {k} exactly: {why}."))),
                Ok(Some(rate)) => u.notices(vec![format!(
                    "η is now {}: with k = {k} features a step of η = {} would overshoot the exact fit, \
                     and Play would climb away from it instead of fine-tuning it.",
                    format_rate(rate),
                    format_rate(before)
                )]),
                Ok(None) => {}
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
    let activation = pick(u, |s, a| s.run.rf_activation = a);
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
                s.run.rf_scale = (10f64.powf(log) as f32).clamp(limits::RF_SCALE.0, limits::RF_SCALE.1)
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
                    options(&RANDOM_ACTIVATIONS, |a| a.key(), |a| a.to_string()), props.settings.run.rf_activation.key(), activation) }
                { slider("Scale of M", "sweep-scale", -1.0, 20f64.log10(), 0.01, (props.settings.run.rf_scale as f64).log10(),
                    format!("{:.2}", props.settings.run.rf_scale), scale) }
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
