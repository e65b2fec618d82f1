//! The timeline under the loss chart, in one row: a scrubber over the run's snapshots labelled
//! with the step and loss shown, then Live and "Continue from here" while a snapshot is shown,
//! or a replay of the recorded run and its pace while the live run (or the replay) is.
//!
//! Dragging the scrubber shows the run as it was (the session's copy at that snapshot, see
//! [`Session::look_back`]). Letting go while training runs returns to the live run; while
//! training is paused the view stays there, to be discussed, until *Live*, *Continue from
//! here* or Play. Arrow keys on the focused scrubber step through the snapshots and stay.

use super::handles::AnimationLoop;
use super::panel::fmt_loss;
use super::{now_ms, use_summary, Updater};
use crate::page::pace::thousands;
use crate::page::session::Session;
use crate::page::timeline::{continued_note, Replay, DEFAULT_REPLAY_PACE, REPLAY_PACES};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of [`TimelineBar`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// Access to the session.
    pub updater: Updater,
    /// Whether training runs.
    pub play: bool,
}

/// What the timeline shows, read from the session at render.
struct Shown {
    /// Snapshots recorded; the scrubber's last position, one past them, is the live run.
    snapshots: usize,
    /// The snapshot looked at (its index now), or `None` for the live run.
    index: Option<usize>,
    /// The step shown and its training loss (the second run's too, in compare mode).
    step: u64,
    loss: f64,
    second_loss: Option<f64>,
}

impl Shown {
    fn of(session: &Session) -> Self {
        let shown = session.shown();
        Shown {
            snapshots: session.timeline.snapshots().len(),
            index: session
                .looking_back()
                .and_then(|view| session.timeline.at_or_before(view.step())),
            step: shown.trainer.steps(),
            loss: shown.metrics.train.loss,
            second_loss: shown.compare().map(|other| other.metrics.train.loss),
        }
    }
}

/// A replay under way: what it plays and when it started (milliseconds on the page's clock).
#[derive(Clone, Copy, PartialEq)]
struct Playing {
    replay: Replay,
    started: f64,
}

/// Shows scrubber position `position`: a snapshot, or the live run at the far end.
fn show_position(session: &mut Session, position: usize) {
    if position >= session.timeline.snapshots().len() {
        session.back_to_live();
    } else {
        // The scrubber's range is the timeline's, so the snapshot exists.
        let _ = session.look_back(position);
    }
}

/// The timeline row (two lines: the scrubber with what it shows, then its buttons).
#[function_component(TimelineBar)]
pub fn timeline_bar(props: &TimelineProps) -> Html {
    use_summary();
    let dragging = use_mut_ref(|| false);
    let playing = use_state_eq(|| None::<Playing>);
    let pace = use_state_eq(|| DEFAULT_REPLAY_PACE);
    let note = use_state_eq(|| None::<String>);
    let shown = props.updater.with_session(Shown::of);
    let u = props.updater.clone();

    // Replay: a frame loop, alive while a replay runs, that moves the view along the snapshots.
    {
        let (updater, playing) = (u.clone(), playing.clone());
        use_effect_with(*playing, move |current| {
            let handle = current.map(|run| {
                let mut last = None;
                AnimationLoop::start(move |_| {
                    let elapsed = (now_ms() - run.started) / 1000.0;
                    let Some(frame) =
                        updater.try_with_session(|s| run.replay.frame(s.timeline.snapshots(), elapsed))
                    else {
                        return;
                    };
                    let Some(frame) = frame else {
                        playing.set(None);
                        return;
                    };
                    if last != Some(frame.index) {
                        last = Some(frame.index);
                        updater.session(|s| show_position(s, frame.index));
                    }
                    if frame.finished {
                        playing.set(None);
                    }
                })
            });
            move || drop(handle)
        });
    }
    // Play goes on from the live run (the session returns to it): a replay stops.
    {
        let playing = playing.clone();
        use_effect_with(props.play, move |&play| {
            if play {
                playing.set(None);
            }
        });
    }

    let stop_replay = {
        let playing = playing.clone();
        move || playing.set(None)
    };
    let on_down = {
        let dragging = dragging.clone();
        Callback::from(move |_: PointerEvent| *dragging.borrow_mut() = true)
    };
    let on_input = {
        let (u, stop_replay, note) = (u.clone(), stop_replay.clone(), note.clone());
        Callback::from(move |e: InputEvent| {
            if let Ok(position) = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse::<usize>()
            {
                stop_replay();
                note.set(None);
                u.session(|s| show_position(s, position));
            }
        })
    };
    // The scrubber's own keys move it; the page's shortcuts (arrows change the scene) do not see them.
    let on_key = Callback::from(|e: KeyboardEvent| {
        if matches!(
            e.key().as_str(),
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End" | "PageUp" | "PageDown"
        ) {
            e.stop_propagation();
        }
    });
    let on_up = {
        let (u, dragging) = (u.clone(), dragging.clone());
        Callback::from(move |_: PointerEvent| {
            // Letting go while training runs returns to the live run (the session knows whether
            // it runs: training may have paused itself at a stop).
            let dragged = std::mem::take(&mut *dragging.borrow_mut());
            if dragged && u.try_with_session(|s| s.settings.play) == Some(true) {
                u.session(Session::back_to_live);
            }
        })
    };
    let live = {
        let (u, stop_replay, note) = (u.clone(), stop_replay.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            stop_replay();
            note.set(None);
            u.session(Session::back_to_live);
        })
    };
    let continue_here = {
        let (u, stop_replay, note) = (u.clone(), stop_replay.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            stop_replay();
            let mut said = None;
            u.session(|s| {
                let step = s.looking_back().map(|view| view.step());
                if let Some(index) = step.and_then(|step| s.timeline.at_or_before(step)) {
                    said = Some(match s.continue_from(index) {
                        Ok(continued) => continued_note(&continued, s.settings.run.optimizer),
                        Err(error) => error.to_string(),
                    });
                }
            });
            if said.is_some() {
                note.set(said);
                u.settings(|s| s.play = true);
            }
        })
    };
    let replay = {
        let (u, playing, pace, note) = (u.clone(), playing.clone(), pace.clone(), note.clone());
        let from = shown.index.unwrap_or(0);
        Callback::from(move |_: MouseEvent| {
            if playing.is_some() {
                playing.set(None);
                return;
            }
            note.set(None);
            u.settings(|s| s.play = false);
            playing.set(Some(Playing {
                replay: Replay {
                    pace: REPLAY_PACES[*pace].0,
                    from,
                },
                started: now_ms(),
            }));
        })
    };
    let choose_pace = {
        let (u, pace, playing) = (u.clone(), pace.clone(), playing.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let Ok(index) = value.parse::<usize>() else {
                return;
            };
            let index = index.min(REPLAY_PACES.len() - 1);
            pace.set(index);
            // A replay under way goes on from where it is, at the new pace.
            if playing.is_some() {
                let from = u.try_with_session(|s| {
                    s.looking_back()
                        .and_then(|view| s.timeline.at_or_before(view.step()))
                });
                playing.set(Some(Playing {
                    replay: Replay {
                        pace: REPLAY_PACES[index].0,
                        from: from.flatten().unwrap_or(0),
                    },
                    started: now_ms(),
                }));
            }
        })
    };
    let dismiss = {
        let note = note.clone();
        Callback::from(move |_: MouseEvent| note.set(None))
    };

    let looking_back = shown.index.is_some();
    let position = shown.index.unwrap_or(shown.snapshots);
    let second_loss = shown.second_loss.map(|loss| {
        html! { <>{ " and " }<b class="second" data-testid="timeline-loss-2">{ fmt_loss(loss) }</b></> }
    });
    // The scrubber's label says what it shows: the live run, or the step looked at.
    let info = html! { <>
        { if looking_back { "Step " } else { "Live: step " } }<b data-testid="timeline-step">{ thousands(shown.step as f64) }</b>
        { ", loss " }<b data-testid="timeline-loss">{ fmt_loss(shown.loss) }</b>{ for second_loss }
    </> };
    let note_box = note.as_ref().map(|text| {
        html! {
            <div class="timeline-note" role="status">
                <p data-testid="continue-note">{ text }</p>
                <button type="button" class="button small" data-testid="continue-note-close" onclick={dismiss}
                    aria-label="Close this note">{ "✕" }</button>
            </div>
        }
    });
    let pace_options = REPLAY_PACES.iter().enumerate().map(|(i, (_, name))| {
        html! { <option value={i.to_string()} selected={i == *pace}>{ *name }</option> }
    });
    // One row, whose buttons follow what the timeline shows: a snapshot offers Live and
    // Continue from here; the live run and a replay offer Replay (or Stop) and its pace.
    let buttons = if looking_back && playing.is_none() {
        html! { <>
            <button type="button" class="button small" data-testid="timeline-live" title="Show the run as it is now"
                onclick={live}>{ "Live" }</button>
            <button type="button" class="button small" data-testid="continue-here"
                title="Continue from here: train on from the step shown; the page then says whether the optimizer's state and the minibatch order carried over"
                onclick={continue_here}>{ "Continue from here" }</button>
        </> }
    } else {
        html! { <>
            <button type="button" class="button small" data-testid="replay" aria-pressed={playing.is_some().to_string()}
                title="Play the recorded run back at the pace chosen beside" onclick={replay}>
                { if playing.is_some() { "■ Stop" } else { "▶ Replay" } }</button>
            <select class="timeline-pace" data-testid="replay-pace" title="Replay pace: snapshots a second, or training steps a second"
                aria-label="Replay pace" onchange={choose_pace}>{ for pace_options }</select>
        </> }
    };
    html! {
        <section class="timeline" data-testid="timeline-bar" data-live={(!looking_back).to_string()} aria-label="Timeline">
            { for note_box }
            <div class="timeline-row">
                <input type="range" id="timeline-scrubber" class="timeline-scrubber" data-testid="timeline"
                    min="0" max={shown.snapshots.to_string()} step="1" value={position.to_string()}
                    title="Timeline: drag back to see the run as it was; the right end is the live run"
                    aria-valuetext={if looking_back { format!("step {}", shown.step) } else { "live".to_string() }}
                    onpointerdown={on_down} oninput={on_input} onpointerup={on_up.clone()} onpointercancel={on_up} onkeydown={on_key} />
                <label class="timeline-info" for="timeline-scrubber">{ info }</label>
                { buttons }
            </div>
        </section>
    }
}
