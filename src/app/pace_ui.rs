//! How fast and how long training runs: the pace slider (steps a second, from slow motion to as
//! fast as the machine goes), "train N steps", the stop settings, and the note that says why
//! training paused itself.

use super::controls::{number_box, slider};
use super::panel::SettingsProps;
use super::state::Action;
use super::{use_summary, Updater};
use crate::engine::Task;
use crate::page::limits;
use crate::page::pace::{Pace, StopReason, PACE_NOTCHES};
use crate::page::settings::Settings;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The pace slider, for the transport bar: its notches run from one step every 2 s (each step
/// played out in slow motion) to as fast as the machine goes.
pub fn pace_slider(updater: &Updater, settings: &Settings) -> Html {
    let u = updater.clone();
    let on_input = Callback::from(move |notch: f64| {
        u.settings(|s| s.pace = Pace::at_notch(notch.round().max(0.0) as usize));
    });
    slider(
        "Pace",
        "pace",
        0.0,
        (PACE_NOTCHES.len() - 1) as f64,
        1.0,
        settings.pace.notch() as f64,
        settings.pace.describe(),
        on_input,
    )
}

/// Starts a run of `steps` minibatch steps at the current pace; training pauses itself when
/// they are done.
fn train_steps(updater: &Updater, steps: u64) {
    updater.session(|s| s.train_steps(steps));
    // The session turned Play on: the page (and its training loop) follows.
    if let Some(settings) = updater.try_with_session(|s| s.settings.clone()) {
        updater.dispatch(Action::Settings(settings));
    }
}

/// A callback for a stop setting's text box: empty clears the goal; a number within `range`
/// is set with `set`; anything else is refused with a message naming `what`.
fn goal_box<T>(
    updater: &Updater,
    range: (T, T),
    what: &'static str,
    set: fn(&mut Settings, Option<T>),
) -> Callback<String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy + 'static,
{
    let u = updater.clone();
    Callback::from(move |text: String| {
        let text = text.trim().trim_end_matches('%').trim();
        let goal = match text.parse::<T>() {
            _ if text.is_empty() => None,
            Ok(v) if range.0 <= v && v <= range.1 => Some(v),
            _ => {
                return u.notices(vec![format!(
                    "{what} must be a number from {} to {} (or empty for none); '{text}' was not used.",
                    range.0, range.1
                )])
            }
        };
        u.settings(|s| set(s, goal));
        let mut passed = None;
        u.session(|s| passed = s.goals_already_passed());
        if let Some(passed) = passed {
            u.notices(vec![passed]);
        }
    })
}

/// What the "train N steps" box holds at first.
const DEFAULT_STEPS_IN_A_RUN: &str = "100";
/// The most steps one "train N steps" run may take.
const MOST_STEPS_IN_A_RUN: u64 = 1_000_000;

/// "Train N steps" and the stop settings (pause at a step count, or at a test accuracy).
#[function_component(RunPanel)]
pub fn run_panel(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let u = props.updater.clone();
    let count = use_node_ref();
    // The box starts at 100 and then keeps what the user typed: a `value` attribute would be
    // written back on every render (and training renders many times a second).
    {
        let count = count.clone();
        use_effect_with((), move |_| {
            if let Some(input) = count.cast::<HtmlInputElement>() {
                input.set_value(DEFAULT_STEPS_IN_A_RUN);
            }
        });
    }
    let run = {
        let (u, count) = (u.clone(), count.clone());
        Callback::from(move |_: MouseEvent| {
            let text = count
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            match text.trim().parse::<u64>() {
                Ok(n) if (1..=MOST_STEPS_IN_A_RUN).contains(&n) => train_steps(&u, n),
                _ => u.notices(vec![format!(
                    "The number of steps to train must be a whole number from 1 to {MOST_STEPS_IN_A_RUN}; '{}' was not used.",
                    text.trim()
                )]),
            }
        })
    };
    let stop_steps = goal_box(&u, limits::STOP_STEPS, "The step to pause at", |s, goal| {
        s.stop_steps = goal
    });
    let score_word = if s.task() == Task::Regression {
        "test R² (%)"
    } else {
        "test accuracy (%)"
    };
    let stop_score = goal_box(&u, limits::STOP_SCORE, "The score to pause at", |s, goal| {
        s.stop_score = goal
    });
    html! {
        <details class="fold" data-testid="fold-run">
            <summary>{ "Run and pause" }</summary>
            <div class="row run-steps">
                <button type="button" class="button" data-testid="train-steps" onclick={run}
                    title="Play for this many minibatch steps at the current pace, then pause">{ "Train" }</button>
                <input ref={count} type="text" inputmode="numeric" class="number" data-testid="train-steps-count"
                    aria-label="Steps to train" spellcheck="false" autocomplete="off" />
                <span class="control-label">{ "steps" }</span>
            </div>
            <div class="fold-grid">
                { number_box("Pause at step", "stop-at-steps",
                    s.stop_steps.map_or(String::new(), |n| n.to_string()), stop_steps) }
                { number_box(&format!("Pause at {score_word}"), "stop-at-score",
                    s.stop_score.map_or(String::new(), |v| v.to_string()), stop_score) }
            </div>
        </details>
    }
}

/// Why training paused itself (a step count or a score reached, a run of N steps done), under
/// the Play button, until Play is pressed again or the note is dismissed; before that, while a
/// link's run goes to the step it names, where it is going. An overflow has its own alert.
#[function_component(StopNote)]
pub fn stop_note() -> Html {
    let summary = use_summary();
    let dismissed = use_state(|| None::<StopReason>);
    if let Some(step) = summary.going_to_link_step {
        return html! {
            <div class="stop-reason" role="status">
                <p data-testid="link-step-progress">
                    { format!("Training to step {step} at full speed: the link shows the run there.") }
                </p>
            </div>
        };
    }
    let Some(reason) = summary
        .stop_reason
        .filter(|r| *r != StopReason::Diverged && Some(*r) != *dismissed)
    else {
        return Html::default();
    };
    let dismiss = Callback::from(move |_: MouseEvent| dismissed.set(Some(reason)));
    html! {
        <div class="stop-reason" role="status">
            <p data-testid="stop-reason">{ reason.message() }</p>
            <button type="button" class="button small" data-testid="dismiss-stop-reason" title="Hide this note"
                aria-label="Hide this note" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}
