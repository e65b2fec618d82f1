//! The training bar, the data panel and the readouts around the plot, and the helpers the
//! panels share (the model panel is in `model_panel.rs`). Each is a plain component that reads
//! the settings it is given and reports changes through the [`Updater`].

use super::class_tools;
use super::controls::{button, checkbox, number_box, select, slider};
use super::plot::ViewOptions;
use super::state::Action;
use super::{use_summary, Tool, Updater};
use crate::engine::{OptimizerKind, Preset, Task};
use crate::page::limits;
use crate::page::settings::{Regularization, Settings};
use std::rc::Rc;
use yew::prelude::*;

/// Properties shared by the panels that edit settings.
#[derive(Properties, PartialEq, Clone)]
pub struct SettingsProps {
    /// How to change settings.
    pub updater: Updater,
    /// The current settings (the session's own).
    pub settings: Rc<Settings>,
}

/// A callback for a `<select>` whose option values are the keys of `T`: it parses the key and
/// applies `set`; a value that does not parse (none should) changes nothing.
pub(super) fn pick<T: std::str::FromStr + 'static>(
    updater: &Updater,
    set: fn(&mut Settings, T),
) -> Callback<String> {
    let u = updater.clone();
    Callback::from(move |key: String| {
        if let Ok(value) = key.parse::<T>() {
            u.settings(|s| set(s, value));
        }
    })
}

pub(super) fn options<T: Copy>(
    all: &[T],
    key: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter().map(|&v| (key(v).to_string(), label(v))).collect()
}

/// A learning rate as people write it: 0.03, 1e-5.
pub fn format_rate(v: f32) -> String {
    if v == 0.0 {
        "0".into()
    } else if v >= 1e-3 {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.0e}")
    }
}

/// Play, Step, Epoch, Reset, the learning rate and the pace: what a lecturer reaches for most. On
/// landscape screens it heads the controls column; on phones it is the sticky bar.
#[function_component(TransportBar)]
pub fn transport_bar(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let u = props.updater.clone();
    let play = {
        let u = u.clone();
        Callback::from(move |_| u.settings(|s| s.play = !s.play))
    };
    let step = {
        let u = u.clone();
        Callback::from(move |_| u.session(|s| s.step_once()))
    };
    let epoch = {
        let u = u.clone();
        Callback::from(move |_| u.session(|s| s.epoch_once()))
    };
    let reset = {
        let u = u.clone();
        Callback::from(move |_| u.session(|s| s.rebuild()))
    };
    let lr_slider = Callback::from(move |log: f64| {
        u.settings(|s| {
            s.run.learning_rate =
                (10f64.powf(log) as f32).clamp(limits::LEARNING_RATE.0, limits::LEARNING_RATE.1)
        })
    });
    let play_text = if s.play { "❚❚ Pause" } else { "▶ Play" };
    html! {
        <section class="transport" aria-label="Training">
            <div class="transport-buttons">
                <button type="button" class={classes!("button", "primary", s.play.then_some("playing"))}
                    data-testid="play" aria-pressed={s.play.to_string()} title="Start or pause training (Space)"
                    onclick={play}>{ play_text }</button>
                { button("Step", "step", "One minibatch step (S)", step) }
                { button("Epoch", "epoch", "Train until the end of the current pass over the data", epoch) }
                { button("Reset", "reset", "New initial weights from the seed; the data stays (R)", reset) }
            </div>
            <super::pace_ui::StopNote />
            { slider("Learning rate η", "lr-slider", -5.0, 1.0, 0.1, (s.run.learning_rate as f64).log10(),
                format_rate(s.run.learning_rate), lr_slider) }
            { super::pace_ui::pace_slider(&props.updater, s) }
        </section>
    }
}

/// The training settings used less often, folded away: η typed exactly, the batch size, the
/// optimizer, the penalty and the seed.
#[function_component(TrainingSettings)]
pub fn training_settings(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let u = props.updater.clone();
    let refuse = {
        let u = u.clone();
        move |message: String| u.notices(vec![message])
    };
    let lr_text = {
        let (u, refuse) = (u.clone(), refuse.clone());
        Callback::from(move |text: String| {
            let (lo, hi) = limits::LEARNING_RATE;
            match text.trim().parse::<f32>() {
                Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => u.settings(|s| s.run.learning_rate = v),
                _ => refuse(format!(
                    "The learning rate must be a number from {} to {}; '{}' was not used.",
                    format_rate(lo),
                    format_rate(hi),
                    text.trim()
                )),
            }
        })
    };
    let batch = {
        let (u, refuse) = (u.clone(), refuse.clone());
        Callback::from(move |text: String| {
            let (lo, hi) = limits::BATCH;
            match text.trim().parse::<usize>() {
                Ok(v) if (lo..=hi).contains(&v) => u.settings(|s| s.run.batch_size = v),
                _ => refuse(format!(
                    "The batch size must be a whole number from {lo} to {hi}; '{}' was not used.",
                    text.trim()
                )),
            }
        })
    };
    let optimizer = pick(&u, |s: &mut Settings, kind: OptimizerKind| s.run.optimizer = kind);
    let regularization = pick(&u, |s: &mut Settings, r: Regularization| s.run.regularization = r);
    let rate = {
        let u = u.clone();
        Callback::from(move |log: f64| u.settings(|s| s.run.reg_rate = 10f64.powf(log) as f32))
    };
    let seed = {
        let (u, refuse) = (u.clone(), refuse.clone());
        Callback::from(move |text: String| match text.trim().parse::<u64>() {
            Ok(v) => u.settings(|s| s.seed = v),
            Err(_) => refuse(format!(
                "The seed must be a whole number from 0 to 2⁶⁴ − 1; '{}' was not used.",
                text.trim()
            )),
        })
    };
    let new_seed = {
        let u = u.clone();
        Callback::from(move |_| u.settings(|s| s.seed = s.seed.wrapping_add(1)))
    };
    html! {
        <details class="fold advanced" data-testid="fold-training">
            <summary>{ "Training settings" }</summary>
            <div class="fold-grid">
                { number_box("η", "lr", format_rate(s.run.learning_rate), lr_text) }
                { number_box("Batch", "batch", s.run.batch_size.to_string(), batch) }
                { select("Optimizer", "optimizer", options(OptimizerKind::ALL.as_slice(), |o| o.key(), |o| match o {
                    OptimizerKind::Sgd => "SGD".into(),
                    OptimizerKind::Momentum => "Momentum".into(),
                    OptimizerKind::Adam => "Adam".into(),
                }), s.run.optimizer.key(), optimizer) }
                { select("Penalty", "regularization", options(&Regularization::ALL, |r| r.key(), |r| r.label().into()),
                    s.run.regularization.key(), regularization) }
                { number_box("Seed", "seed", s.seed.to_string(), seed) }
            </div>
            if s.run.regularization != Regularization::None {
                { slider("Penalty rate λ", "reg-rate", -5.0, 0.0, 0.1, (s.run.reg_rate.max(1e-5) as f64).log10(),
                    format_rate(s.run.reg_rate), rate) }
            }
            { button("New seed", "new-seed", "Draw different initial weights (and random features)", new_seed) }
        </details>
    }
}

/// Properties of the data panel.
#[derive(Properties, PartialEq, Clone)]
pub struct DataPanelProps {
    /// How to change settings, points and the page state.
    pub updater: Updater,
    /// The current settings (the session's own).
    pub settings: Rc<Settings>,
    /// The class index new points get (0 is class 1).
    pub class: usize,
    /// The value new regression points get.
    pub draw_value: f32,
    /// New points are test points.
    pub draw_test: bool,
    /// Add or erase.
    pub tool: Tool,
    /// The plot canvas (for PNG export).
    pub plot: NodeRef,
}

/// The data panel: presets, generator settings and the drawing tools.
#[function_component(DataPanel)]
pub fn data_panel(props: &DataPanelProps) -> Html {
    let palette = super::palette_ui::use_palette();
    let s = &props.settings;
    let u = props.updater.clone();
    // Generator settings replace hand-drawn points with a fresh sample of the preset.
    let change = |f: fn(&mut Settings, f64)| {
        let u = u.clone();
        Callback::from(move |v: f64| {
            u.settings(|s| {
                f(s, v);
                s.points = None;
            })
        })
    };
    let dataset = pick(&u, |s: &mut Settings, p: Preset| {
        s.dataset = p;
        s.points = None;
    });
    let regenerate = {
        let u = u.clone();
        Callback::from(move |_| {
            u.settings(|s| {
                s.data_seed = s.data_seed.wrapping_add(1);
                s.points = None;
            })
        })
    };
    let clear = {
        let u = u.clone();
        Callback::from(move |_| {
            u.session(|s| s.clear_points());
            u.commit_points();
        })
    };
    let regression = s.task() == Task::Regression;
    // A tool button: pressed while its tool is the one in use.
    let tool_button = |text: Html, testid: &'static str, title: String, active: bool, action: Action| {
        let u = u.clone();
        html! {
            <button type="button" class={classes!("button", "tool", active.then_some("active"))} data-testid={testid}
                aria-pressed={active.to_string()} {title} onclick={Callback::from(move |_| u.dispatch(action.clone()))}>
                { text }
            </button>
        }
    };
    let view = ViewOptions::of(s, palette);
    let on_view = {
        let u = u.clone();
        Callback::from(move |o: ViewOptions| u.settings(|s| o.apply(s)))
    };
    let on_draw_value = {
        let u = u.clone();
        Callback::from(move |v: f64| u.dispatch(Action::DrawValue(v as f32)))
    };
    let hint = match props.tool {
        Tool::Add if regression => "Click adds a point (on top of others too); keep the button down and drag up or down to set its value. Drag a point to move it, right-click deletes.",
        Tool::Add => "Click adds a point, on top of others too. Drag a point to move it, right-click deletes.",
        Tool::Erase => "Click or drag over points to remove them. Right-click deletes with any tool.",
        Tool::Trace => "Click follows the nearest point through the network: it is ringed on the plot and its numbers appear in the Network view.",
    };
    html! {
        <section class="panel" aria-label="Data">
            <h2>{ "Data" }</h2>
            { select("Data set", "dataset", options(Preset::ALL.as_slice(), |p| p.key(), |p| p.label().into()), s.dataset.key(), dataset) }
            if !regression {
                { class_tools::classes_menu(&u, s.classes()) }
            }
            <div class="row tools" role="group" aria-label="Drawing tools">
                if regression {
                    { tool_button(html! { "+ Point" }, "add-point", "Clicks add a point with the value below".into(),
                        props.tool == Tool::Add, Action::Tool(Tool::Add)) }
                } else {
                    { class_tools::class_buttons(&u, s.classes(), props.class, props.tool) }
                }
                { tool_button(html! { "⌫ Eraser" }, "eraser", "Clicks and drags remove points (key E; right-click always does)".into(),
                    props.tool == Tool::Erase, Action::ToggleTool(Tool::Erase)) }
                { tool_button(html! { "◎ Trace" }, "trace-tool", "Click a point to follow it forward and backward through the network (key T)".into(),
                    props.tool == Tool::Trace, Action::ToggleTool(Tool::Trace)) }
            </div>
            { super::draw_test::toggle(&u, props.draw_test, view.show_test) }
            if regression {
                { slider("Value of new points", "draw-value", -1.0, 1.0, 0.05, props.draw_value as f64,
                    format!("{:+.2}", props.draw_value), on_draw_value) }
                <div class="legend" data-testid="value-legend" aria-label="Colour scale of the values">
                    <span>{ "−1" }</span><span class="legend-bar"></span><span>{ "+1" }</span>
                </div>
            }
            <p class="hint" data-testid="tool-hint">{ hint }</p>
            <div class="row">
                { button("Regenerate", "regenerate", "Draw a new sample of this data set", regenerate) }
                { button("Clear", "clear", "Remove every point", clear) }
            </div>
            <div class="checks">
                { checkbox(html!{ "Test points (hollow)" }, "show-test", view.show_test, {
                    let on_view = on_view.clone();
                    Callback::from(move |on| on_view.emit(ViewOptions { show_test: on, ..view }))
                }) }
                if !regression {
                    { checkbox(html!{ "Hard class regions" }, "discretize", view.discretize, {
                        let on_view = on_view.clone();
                        Callback::from(move |on| on_view.emit(ViewOptions { discretize: on, ..view }))
                    }) }
                }
                { checkbox(html!{ "Loss chart on a log scale" }, "log-scale", view.log_scale, {
                    let on_view = on_view.clone();
                    Callback::from(move |on| on_view.emit(ViewOptions { log_scale: on, ..view }))
                }) }
                { checkbox(html!{ "Charts' steps on a log scale" }, "log-steps", view.log_steps,
                    Callback::from(move |on| on_view.emit(ViewOptions { log_steps: on, ..view }))) }
                { super::palette_ui::toggle(&u, palette) }
            </div>
            <details class="fold advanced" data-testid="fold-data">
                <summary>{ "Generate and files" }</summary>
                { slider("Noise", "noise", 0.0, 1.0, 0.05, s.noise as f64, format!("{:.2}", s.noise),
                    change(|s, v| s.noise = v as f32)) }
                { slider("Points", "count", 10.0, 2000.0, 10.0, s.count as f64, s.count.to_string(),
                    change(|s, v| s.count = v as usize)) }
                { slider("Held out for testing", "test-fraction", 0.0, 0.9, 0.05, s.test_fraction as f64,
                    format!("{:.0}%", s.test_fraction * 100.0), change(|s, v| s.test_fraction = v as f32)) }
                <super::files_ui::FilesPanel updater={props.updater.clone()} plot={props.plot.clone()} />
            </details>
        </section>
    }
}

/// A loss for a readout: four decimals, scientific when huge, a dash when not a number.
pub(super) fn fmt_loss(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.abs() >= 1e5 {
        format!("{v:.2e}")
    } else {
        format!("{v:.4}")
    }
}

fn fmt_score(v: f64, task: Task) -> String {
    match task {
        _ if !v.is_finite() => "—".into(),
        Task::Classification => format!("{:.1}%", v * 100.0),
        Task::Regression if v.abs() >= 1e5 => format!("R² {v:.2e}"),
        Task::Regression => format!("R² {v:.3}"),
    }
}

/// The live numbers under the plot, in two rows of four: step, epoch, the losses and scores on
/// training and test points, the point count and the throughput.
#[function_component(Readouts)]
pub fn readouts() -> Html {
    let s = &*use_summary();
    // For regression the value itself says R² ("R² 0.953").
    let score = if s.task == Task::Classification {
        "accuracy"
    } else {
        "fit"
    };
    // Metrics of very large models come from a sample of the points: say so.
    let (mark, why) = if s.sampled {
        ("≈ ", "Measured on an evenly spaced sample of the points: the model is too large to evaluate on all of them every refresh.")
    } else {
        ("", "")
    };
    // In compare mode a cell of a run's numbers shows the second run's under the first's, with
    // the same test id and "-2" after it.
    let item = |label: String,
                testid: &'static str,
                value: Html,
                kind: &'static str,
                second: Option<Html>| {
        html! {
            <div class={classes!("readout", kind)} title={why}>
                <span class="readout-label" title={label.clone()}>{ label }</span>
                <span class="readout-value" data-testid={testid}>{ value }</span>
                { for second.map(|value| html! {
                    <span class="readout-value second" data-testid={format!("{testid}-2")}>{ value }</span>
                }) }
            </div>
        }
    };
    let rate = if s.examples_per_sec > 0.0 {
        format!("{:.0}", s.examples_per_sec)
    } else {
        "—".into()
    };
    // "200 (100 training)", shortened on screen to "200 (100)" where the cell is narrow.
    let points = html! {
        <>{ format!("{} ({}", s.points, s.train_points) }<span class="wide-only">{ " training" }</span>{ ")" }</>
    };
    html! {
        <div class={classes!("readouts", s.second.is_some().then_some("comparing"))} aria-live="off">
            { item("Step".into(), "step-count", html! { s.steps.to_string() }, "count", None) }
            { item(format!("{mark}Train loss"), "train-loss", html! { fmt_loss(s.train_loss) }, "train",
                s.second.map(|r| html! { fmt_loss(r.train_loss) })) }
            { item(format!("{mark}Train {score}"), "train-acc", html! { fmt_score(s.train_score, s.task) }, "train",
                s.second.map(|r| html! { fmt_score(r.train_score, s.task) })) }
            { item("Points (training)".into(), "point-count", points, "count", None) }
            { item("Epoch".into(), "epoch-count", html! { s.epochs.to_string() }, "count", None) }
            { item(format!("{mark}Test loss"), "test-loss", html! { fmt_loss(s.test_loss) }, "test",
                s.second.map(|r| html! { fmt_loss(r.test_loss) })) }
            { item(format!("{mark}Test {score}"), "test-acc", html! { fmt_score(s.test_score, s.task) }, "test",
                s.second.map(|r| html! { fmt_score(r.test_score, s.task) })) }
            { item("Examples / s".into(), "examples-per-sec", html! { rate }, "count", None) }
        </div>
    }
}
