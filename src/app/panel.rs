//! The training bar, the data panel and the readouts around the plot, and the helpers the
//! panels share (the model panel is in `model_panel.rs`). Each is a plain component that reads
//! the settings it is given and reports changes through the [`Updater`].

use super::controls::{button, checkbox, number_box, select, slider};
use super::plot::ViewOptions;
use super::{Summary, Tool, Updater};
use crate::engine::{OptimizerKind, Preset, Task};
use crate::page::limits;
use crate::page::pace::{Pace, PACE_NOTCHES};
use crate::page::settings::{Regularization, Settings};
use yew::prelude::*;

/// Properties shared by the panels that edit settings.
#[derive(Properties, PartialEq, Clone)]
pub struct SettingsProps {
    /// How to change settings.
    pub updater: Updater,
    /// The current settings.
    pub settings: Settings,
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

/// Properties of the training bar.
#[derive(Properties, PartialEq, Clone)]
pub struct TrainingBarProps {
    /// How to change settings.
    pub updater: Updater,
    /// The current settings.
    pub settings: Settings,
    /// Shows a message (for values that were not accepted).
    pub on_notice: Callback<Vec<String>>,
}

/// The bar of training controls above the plot.
#[function_component(TrainingBar)]
pub fn training_bar(props: &TrainingBarProps) -> Html {
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
    let lr_slider = {
        let u = u.clone();
        Callback::from(move |log: f64| {
            u.settings(|s| s.learning_rate = (10f64.powf(log) as f32).clamp(1e-5, 10.0))
        })
    };
    let refuse = {
        let on_notice = props.on_notice.clone();
        move |message: String| on_notice.emit(vec![message])
    };
    let lr_text = {
        let (u, refuse) = (u.clone(), refuse.clone());
        Callback::from(move |text: String| {
            let (lo, hi) = limits::LEARNING_RATE;
            match text.trim().parse::<f32>() {
                Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => u.settings(|s| s.learning_rate = v),
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
                Ok(v) if (lo..=hi).contains(&v) => u.settings(|s| s.batch_size = v),
                _ => refuse(format!(
                    "The batch size must be a whole number from {lo} to {hi}; '{}' was not used.",
                    text.trim()
                )),
            }
        })
    };
    let optimizer = pick(&u, |s: &mut Settings, kind: OptimizerKind| s.optimizer = kind);
    let regularization = pick(&u, |s: &mut Settings, r: Regularization| s.regularization = r);
    let rate = {
        let u = u.clone();
        Callback::from(move |log: f64| u.settings(|s| s.reg_rate = 10f64.powf(log) as f32))
    };
    let seed = {
        let (u, refuse) = (u.clone(), refuse.clone());
        Callback::from(move |text: String| match text.trim().parse::<u64>() {
            Ok(v) => u.settings(|s| s.seed = v),
            Err(_) => refuse(format!(
                "The seed must be a whole number; '{}' was not used.",
                text.trim()
            )),
        })
    };
    let new_seed = {
        let u = u.clone();
        Callback::from(move |_| u.settings(|s| s.seed = s.seed.wrapping_add(1)))
    };
    let speed = pick(&u, |s: &mut Settings, v: Pace| s.pace = v);
    let play_text = if s.play { "❚❚ Pause" } else { "▶ Play" };
    html! {
        <section class="bar" aria-label="Training controls">
            <div class="bar-group">
                <button type="button" class={classes!("button", "primary", s.play.then_some("playing"))}
                    data-testid="play" aria-pressed={s.play.to_string()} title="Start or pause training"
                    onclick={play}>{ play_text }</button>
                { button("Step", "step", "One minibatch step", step) }
                { button("Epoch", "epoch", "Train until the end of the current pass over the data", epoch) }
                { button("Reset", "reset", "New initial weights from the seed; the data stays", reset) }
            </div>
            <div class="bar-group">
                { slider("Learning rate η", "lr-slider", -5.0, 1.0, 0.1, (s.learning_rate as f64).log10(),
                    format_rate(s.learning_rate), lr_slider) }
                <div class="bar-group advanced">
                { number_box("η", "lr", format_rate(s.learning_rate), lr_text) }
                { number_box("Batch", "batch", s.batch_size.to_string(), batch) }
                { select("Optimizer", "optimizer", options(OptimizerKind::ALL.as_slice(), |o| o.key(), |o| match o {
                    OptimizerKind::Sgd => "SGD".into(),
                    OptimizerKind::Momentum => "Momentum".into(),
                    OptimizerKind::Adam => "Adam".into(),
                }), s.optimizer.key(), optimizer) }
                { select("Penalty", "regularization", options(&Regularization::ALL, |r| r.key(), |r| r.label().into()),
                    s.regularization.key(), regularization) }
                if s.regularization != Regularization::None {
                    { slider("Penalty rate λ", "reg-rate", -5.0, 0.0, 0.1, (s.reg_rate.max(1e-5) as f64).log10(),
                        format_rate(s.reg_rate), rate) }
                }
                </div>
            </div>
            <div class="bar-group advanced">
                { number_box("Seed", "seed", s.seed.to_string(), seed) }
                { button("New seed", "new-seed", "Draw different initial weights (and random features)", new_seed) }
                { select("Speed", "speed", PACE_NOTCHES.iter().map(|p| (p.key(), p.describe())).collect(), &Pace::at_notch(s.pace.notch()).key(), speed) }
            </div>
        </section>
    }
}

/// Properties of the data panel.
#[derive(Properties, PartialEq, Clone)]
pub struct DataPanelProps {
    /// How to change settings and points.
    pub updater: Updater,
    /// The current settings.
    pub settings: Settings,
    /// The class new points get: +1 or −1.
    pub class: f32,
    /// Chooses the class.
    pub on_class: Callback<f32>,
    /// The value new regression points get.
    pub draw_value: f32,
    /// Chooses the value.
    pub on_draw_value: Callback<f32>,
    /// Add or erase.
    pub tool: Tool,
    /// Chooses the tool.
    pub on_tool: Callback<Tool>,
    /// Display options.
    pub view: ViewOptions,
    /// Changes display options.
    pub on_view: Callback<ViewOptions>,
    /// Shows messages on the page (file import results).
    pub on_notice: Callback<Vec<String>>,
    /// The plot canvas (for PNG export).
    pub plot: NodeRef,
}

/// The data panel: presets, generator settings and the drawing tools.
#[function_component(DataPanel)]
pub fn data_panel(props: &DataPanelProps) -> Html {
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
    let class_button = |value: f32, text: &str, testid: &'static str, key: &str| {
        let on_class = props.on_class.clone();
        let on_tool = props.on_tool.clone();
        let active = props.tool == Tool::Add && props.class == value;
        let swatch = if value > 0.0 {
            "swatch positive"
        } else {
            "swatch negative"
        };
        html! {
            <button type="button" class={classes!("button", "tool", active.then_some("active"))} data-testid={testid}
                aria-pressed={active.to_string()} title={format!("Clicks add this class (key {key}; shift-click adds the other)")}
                onclick={Callback::from(move |_| { on_class.emit(value); on_tool.emit(Tool::Add); })}>
                <span class={swatch}></span>{ text }
            </button>
        }
    };
    let eraser = {
        let on_tool = props.on_tool.clone();
        let erasing = props.tool == Tool::Erase;
        html! {
            <button type="button" class={classes!("button", "tool", erasing.then_some("active"))} data-testid="eraser"
                aria-pressed={erasing.to_string()} title="Clicks and drags remove points (right-click always does)"
                onclick={Callback::from(move |_| on_tool.emit(if erasing { Tool::Add } else { Tool::Erase }))}>
                { "⌫ Eraser" }
            </button>
        }
    };
    let view = props.view;
    let on_view = props.on_view.clone();
    let on_draw_value = props.on_draw_value.clone();
    html! {
        <aside class="panel" aria-label="Data">
            <h2>{ "Data" }</h2>
            { select("Data set", "dataset", options(Preset::ALL.as_slice(), |p| p.key(), |p| p.label().into()), s.dataset.key(), dataset) }
            <div class="advanced">
            { slider("Noise", "noise", 0.0, 1.0, 0.05, s.noise as f64, format!("{:.2}", s.noise),
                change(|s, v| s.noise = v as f32)) }
            { slider("Points", "count", 10.0, 2000.0, 10.0, s.count as f64, s.count.to_string(),
                change(|s, v| s.count = v as usize)) }
            { slider("Held out for testing", "test-fraction", 0.0, 0.9, 0.05, s.test_fraction as f64,
                format!("{:.0}%", s.test_fraction * 100.0), change(|s, v| s.test_fraction = v as f32)) }
            </div>
            <div class="row">
                { button("Regenerate", "regenerate", "Draw a new sample of this data set", regenerate) }
                { button("Clear", "clear", "Remove every point", clear) }
            </div>
            <h3>{ "Draw" }</h3>
            if regression {
                { slider("Value of new points", "draw-value", -1.0, 1.0, 0.05, props.draw_value as f64,
                    format!("{:+.2}", props.draw_value), Callback::from(move |v: f64| on_draw_value.emit(v as f32))) }
                <div class="legend" data-testid="value-legend" aria-label="Colour scale of the values">
                    <span>{ "−1" }</span><span class="legend-bar"></span><span>{ "+1" }</span>
                </div>
                <p class="hint">{ "Click to add a point; keep the button down and drag up or down to set its value." }</p>
            } else {
                <div class="row">
                    { class_button(1.0, "Class 1", "class-1", "1") }
                    { class_button(-1.0, "Class 2", "class-2", "2") }
                </div>
                <p class="hint">{ "Click adds a point, drag moves one, right-click deletes." }</p>
            }
            <div class="row">{ eraser }</div>
            <h3>{ "Show" }</h3>
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
            { checkbox(html!{ "Loss chart on a log scale" }, "log-scale", view.log_scale,
                Callback::from(move |on| on_view.emit(ViewOptions { log_scale: on, ..view }))) }
            <div class="advanced">
                <super::files_ui::FilesPanel updater={props.updater.clone()} on_notice={props.on_notice.clone()} plot={props.plot.clone()} />
            </div>
        </aside>
    }
}

/// Properties of the readouts.
#[derive(Properties, PartialEq, Clone)]
pub struct ReadoutProps {
    /// What to show.
    pub summary: Summary,
}

fn fmt_loss(v: f64) -> String {
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

/// The live numbers under the plot.
#[function_component(Readouts)]
pub fn readouts(props: &ReadoutProps) -> Html {
    let s = &props.summary;
    let score_name = if s.task == Task::Classification {
        "accuracy"
    } else {
        "fit (R²)"
    };
    // Metrics of very large models come from a sample of the points: say so.
    let estimate = if s.sampled { " (sample)" } else { "" };
    let item = |label: String, testid: &'static str, value: String| {
        html! {
            <div class="readout">
                <span class="readout-label">{ label }</span>
                <span class="readout-value" data-testid={testid}>{ value }</span>
            </div>
        }
    };
    html! {
        <div class="readouts" aria-live="off">
            { item("Step".into(), "step-count", s.steps.to_string()) }
            { item("Epoch".into(), "epoch-count", s.epochs.to_string()) }
            { item(format!("Training loss{estimate}"), "train-loss", fmt_loss(s.train_loss)) }
            { item(format!("Test loss{estimate}"), "test-loss", fmt_loss(s.test_loss)) }
            { item(format!("Training {score_name}{estimate}"), "train-acc", fmt_score(s.train_score, s.task)) }
            { item(format!("Test {score_name}{estimate}"), "test-acc", fmt_score(s.test_score, s.task)) }
            { item("Points".into(), "point-count", format!("{} ({} training)", s.points, s.train_points)) }
            { item("Examples / s".into(), "examples-per-sec",
                if s.examples_per_sec > 0.0 { format!("{:.0}", s.examples_per_sec) } else { "—".into() }) }
        </div>
    }
}
