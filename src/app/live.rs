//! The live part of the page: the training loop on requestAnimationFrame, alive exactly while
//! training is on, and the readouts it publishes. The component owns both its timer (as the
//! animated leaf in Yew's `boids` example does) and the summary's state, which it hands to
//! the components below through a context: a readout refresh re-renders this component and
//! the components that read the summary, not the page around them.

use super::backprop_panel::SharedPainters;
use super::handles::AnimationLoop;
use super::painters::Canvases;
use super::state::Action;
use super::{now_ms, Summary, Updater};
use std::rc::Rc;
use yew::prelude::*;

/// Milliseconds of training work per animation frame, leaving the rest of a 60 Hz frame for
/// painting and input.
const FRAME_BUDGET_MS: f64 = 8.0;

/// How often the readouts, charts and backprop views refresh while training: at least ten
/// times a second, given that frames arrive every 16.7 ms.
const SUMMARY_INTERVAL_MS: f64 = 90.0;

/// Properties of [`Live`].
#[derive(Properties, PartialEq)]
pub struct LiveProps {
    /// Access to the session and the page state.
    pub updater: Updater,
    /// What paints the plot every frame.
    pub painters: SharedPainters,
    /// The canvases painted.
    pub canvases: Canvases,
    /// Whether training runs.
    pub play: bool,
    /// The page, which reads the summary through the context.
    #[prop_or_default]
    pub children: Html,
}

/// Runs the training loop while `play` is on and provides the readouts ([`Rc<Summary>`]) to
/// its children through a context (read it with [`super::use_summary`]).
#[function_component(Live)]
pub fn live(props: &LiveProps) -> Html {
    let summary = {
        let updater = props.updater.clone();
        use_state(move || Rc::new(updater.with_session(|s| Summary::of(s, 0, 0.0))))
    };
    props.updater.summary.register(summary.setter());

    {
        let (updater, painters, canvases) = (
            props.updater.clone(),
            props.painters.0.clone(),
            props.canvases.clone(),
        );
        use_effect_with(props.play, move |&play| {
            let handle = play.then(|| {
                let mut last_summary = now_ms();
                let mut reported = false;
                AnimationLoop::start(move |_| {
                    let start = now_ms();
                    // Still borrowed at the start of a frame: the browser cut an earlier
                    // callback short. Skip the frame, and have the page say so once.
                    let (Ok(mut s), Ok(mut p)) =
                        (updater.session.try_borrow_mut(), painters.try_borrow_mut())
                    else {
                        if !std::mem::replace(&mut reported, true) {
                            updater.stuck();
                        }
                        return;
                    };
                    // The loss-surface view, when open, records the steps or races in their place.
                    let report = p.surface.run_frame(&mut s, start + FRAME_BUDGET_MS, &now_ms);
                    p.paint_plot(&canvases, &mut s, false);
                    if p.in_slow_motion() {
                        // The links move with the boundary, frame by frame.
                        p.paint_backprop(&canvases, &mut s);
                    }
                    p.surface.after_training(&canvases, &s, &now_ms);
                    let now = now_ms();
                    let stopped = report.stopped.is_some();
                    if stopped {
                        // The session paused itself (a goal reached, a run done, or a number
                        // overflowed, keeping the last finite weights): the page follows, and
                        // the summary says why.
                        updater.dispatch(Action::Settings(s.settings.clone()));
                    }
                    if stopped || now - last_summary >= SUMMARY_INTERVAL_MS {
                        let rate = s.take_examples() as f64 * 1000.0 / (now - last_summary);
                        last_summary = now;
                        s.refresh_metrics();
                        // Re-rendering the readouts repaints the charts and backprop views.
                        updater.summary.publish(Summary::of(&s, updater.revision(), rate));
                    }
                })
            });
            move || drop(handle)
        });
    }

    html! {
        <ContextProvider<Rc<Summary>> context={(*summary).clone()}>
            { props.children.clone() }
        </ContextProvider<Rc<Summary>>>
    }
}
