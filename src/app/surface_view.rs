//! The "Loss surface" companion view: the training loss over two weights (or a slice through all
//! of them) as a filled contour map with the optimizer's path drawn live, clicked to set the
//! weights there; the slice's directions, re-centring, and the race of SGD, momentum and Adam.
//! While training, the training loop does the view's work each frame (`surface_paint.rs`); while
//! paused, this component fills the rest of the surface on animation frames of its own.

use super::backprop_panel::SharedPainters;
use super::canvas::css_rgb;
use super::controls::{button, checkbox, number_box, select};
use super::handles::AnimationLoop;
use super::painters::Canvases;
use super::surface_paint::LANE_COLOURS;
use super::{now_ms, use_summary, Updater};
use crate::engine::surface::Directions;
use crate::page::session::Session;
use crate::page::settings::Settings;
use crate::page::surface::SurfaceView;
use std::rc::Rc;
use web_sys::PointerEvent;
use yew::prelude::*;

/// Milliseconds of surface work per animation frame while training is paused.
const IDLE_FILL_MS: f64 = 10.0;
/// Frames of idle work between re-renders of the view's words.
const FRAMES_PER_RENDER: u64 = 8;

/// Properties of [`LossSurfaceView`].
#[derive(Properties, PartialEq)]
pub struct SurfaceProps {
    /// Access to the session.
    pub updater: Updater,
    /// The current settings (the session's own).
    pub settings: Rc<Settings>,
    /// The painters, which hold the view's state while it is open.
    pub painters: SharedPainters,
    /// The page's canvases (the map's and the race chart's among them).
    pub canvases: Canvases,
}

/// One racer as the view lists it.
struct LaneText {
    key: &'static str,
    colour: [u8; 3],
    status: String,
    diverged: bool,
}

/// What the view says, read from its state when it renders.
struct Words {
    caption: String,
    exact: bool,
    done: bool,
    progress: f64,
    lanes: Vec<LaneText>,
    /// The main run overflowed: its path left the surface.
    diverged: Option<String>,
}

impl Words {
    fn of(view: &SurfaceView, session: &Session) -> Words {
        let lanes = view
            .lanes()
            .zip(LANE_COLOURS)
            .map(|(lane, colour)| LaneText {
                key: lane_key(lane.kind),
                colour,
                status: lane.status(),
                diverged: lane.trainer.diverged(),
            })
            .collect::<Vec<_>>();
        let trainer = &session.trainer;
        let diverged = (lanes.is_empty() && trainer.diverged()).then(|| {
            format!(
                "The path left the surface: at step {} the weights grew too large to represent. With η = {} each \
                 step overshoots the valley by more than it corrects, so the next lands further up the other side. \
                 Lower η, then press Reset or click the map to start from a point of your choosing.",
                trainer.steps(),
                super::panel::format_rate(trainer.config.optimizer.learning_rate)
            )
        });
        Words {
            caption: view.caption(session),
            exact: view.is_exact(),
            done: view.progress() >= 1.0 || view.problem().is_some(),
            progress: view.progress(),
            lanes,
            diverged,
        }
    }
}

/// The key of an update rule in test ids.
fn lane_key(kind: crate::engine::OptimizerKind) -> &'static str {
    match kind {
        crate::engine::OptimizerKind::Sgd => "sgd",
        crate::engine::OptimizerKind::Momentum => "momentum",
        crate::engine::OptimizerKind::Adam => "adam",
    }
}

/// The "Loss surface" view.
#[function_component(LossSurfaceView)]
pub fn loss_surface_view(props: &SurfaceProps) -> Html {
    // The path moves with training: re-render (and repaint) with every readout refresh.
    use_summary();
    let frames = use_state(|| 0u64);
    let filling = use_state_eq(|| false);
    let was_playing = use_mut_ref(|| props.settings.play);
    let play = props.settings.play;

    // Open the view (at the first render) and bring it up to date with the session; when
    // training has just paused, re-centre it on where the weights are.
    let paused = std::mem::replace(&mut *was_playing.borrow_mut(), play) && !play;
    let words = props.updater.with_session(|s| {
        let mut painters = props.painters.0.try_borrow_mut().ok()?;
        painters.surface.open(s);
        painters.surface.sync(s);
        if paused {
            painters.surface.recentre(s);
        }
        painters.surface.view().map(|v| Words::of(v, s))
    });

    // Close the view when it leaves the page: training goes back to the session alone.
    {
        let painters = props.painters.clone();
        use_effect_with((), move |_| {
            move || {
                if let Ok(mut p) = painters.0.try_borrow_mut() {
                    p.surface.close();
                }
            }
        });
    }
    // Paint after every render, and keep filling the surface while paused.
    {
        let (updater, painters, canvases) = (
            props.updater.clone(),
            props.painters.clone(),
            props.canvases.clone(),
        );
        let (filling, log) = (
            filling.clone(),
            (props.settings.log_scale, props.settings.log_steps),
        );
        let done = words.as_ref().is_none_or(|w| w.done);
        use_effect(move || {
            if let (Ok(s), Ok(mut p)) = (updater.session.try_borrow(), painters.0.try_borrow_mut()) {
                p.surface.paint(&canvases, &s);
                p.surface.paint_race_chart(&canvases, log);
            }
            filling.set(!play && !done);
        });
    }
    {
        let (updater, painters, canvases) = (
            props.updater.clone(),
            props.painters.clone(),
            props.canvases.clone(),
        );
        let (running, frames) = (filling.clone(), frames.clone());
        use_effect_with(*filling, move |&on| {
            let handle = on.then(|| {
                let mut count = 0u64;
                AnimationLoop::start(move |_| {
                    // Borrowed at the start of a frame: training or a cut-short callback holds
                    // them. Try again next frame (the page says so if it is stuck).
                    let (Ok(s), Ok(mut p)) = (updater.session.try_borrow(), painters.0.try_borrow_mut())
                    else {
                        return;
                    };
                    let done = p.surface.work(&canvases, &s, now_ms() + IDLE_FILL_MS, &now_ms);
                    count += 1;
                    if done {
                        running.set(false);
                    }
                    if done || count.is_multiple_of(FRAMES_PER_RENDER) {
                        frames.set(count);
                    }
                })
            });
            move || drop(handle)
        });
    }

    let Some(words) = words else {
        return html! { <section class="companion-body surface" data-testid="surface-panel" /> };
    };
    let settings = &props.settings;
    let u = props.updater.clone();
    let directions = {
        let u = u.clone();
        Callback::from(move |key: String| {
            if let Ok(d) = key.parse::<Directions>() {
                u.settings(|s| s.surface_directions = d);
            }
        })
    };
    let seed = {
        let u = u.clone();
        Callback::from(move |text: String| match text.trim().parse::<u64>() {
            Ok(seed) => u.settings(|s| s.surface_seed = seed),
            Err(_) => u.notices(vec![format!(
                "The directions' seed must be a whole number from 0 up, not “{}”.",
                text.trim()
            )]),
        })
    };
    let recentre = {
        let (u, painters) = (u.clone(), props.painters.clone());
        Callback::from(move |_| {
            u.session(|s| {
                if let Ok(mut p) = painters.0.try_borrow_mut() {
                    p.surface.recentre(s);
                }
            })
        })
    };
    let race = {
        let u = u.clone();
        Callback::from(move |on: bool| u.settings(|s| s.race = on))
    };
    let onpointerdown = {
        let (u, painters) = (u.clone(), props.painters.clone());
        Callback::from(move |e: PointerEvent| {
            let (x, y) = (e.offset_x() as f64, e.offset_y() as f64);
            u.session(|s| {
                if let Ok(mut p) = painters.0.try_borrow_mut() {
                    p.surface.click(s, x, y);
                }
            });
        })
    };
    let slice_controls = (!words.exact).then(|| {
        html! { <>
            { select("Directions", "surface-directions", vec![
                (Directions::Random.key().to_string(), "Random, scaled to the weights".to_string()),
                (Directions::Principal.key().to_string(), "Where the path moved most".to_string()),
            ], settings.surface_directions.key(), directions) }
            { number_box("Seed of the directions", "surface-seed", settings.surface_seed.to_string(), seed) }
        </> }
    });
    let filling_text = if words.done {
        String::new()
    } else {
        format!("Filling in the surface: {:.0}%", 100.0 * words.progress)
    };
    let diverged = words.diverged.map(|text| {
        html! { <p class="notice alarm surface-diverged" role="alert" data-testid="surface-diverged">{ text }</p> }
    });
    let race_section = (!words.lanes.is_empty()).then(|| {
        let rate = super::panel::format_rate(settings.run.learning_rate);
        html! {
            <div class="race" data-testid="race">
                <p class="hint">{ format!("SGD, momentum and Adam start from the same weights and take the same minibatches \
                    with the same η = {rate}. Play runs the race; the plot keeps the weights the race started from.") }</p>
                <ul class="race-lanes">
                    { for words.lanes.iter().map(|lane| html! {
                        <li data-testid={format!("race-lane-{}", lane.key)} data-diverged={lane.diverged.to_string()}
                            class={classes!(lane.diverged.then_some("diverged"))}>
                            <span class="swatch" style={format!("background: {}", css_rgb(lane.colour))} />
                            { lane.status.clone() }
                        </li>
                    }) }
                </ul>
                <canvas ref={props.canvases.race.clone()} class="chart race-chart" data-testid="race-loss-chart"
                    aria-label="The training loss of SGD, momentum and Adam over the race" />
            </div>
        }
    });
    let racing = race_section.is_some();
    let left = diverged.is_some();
    html! {
        <section class={classes!("companion-body", "surface", racing.then_some("racing"), left.then_some("path-left"))}
            data-testid="surface-panel"
            aria-label="Loss surface" data-frames={frames.to_string()}>
            // Every part that comes and goes sits in a wrapper of its own: Yew matches unkeyed
            // siblings from the end, so a sibling appearing before the map would replace it.
            <div class="surface-controls">
                <div class="surface-slice">{ slice_controls }</div>
                { button("Re-centre", "surface-recentre", "Put the map's centre at the current weights", recentre) }
                { checkbox(html! { { "Race SGD, momentum and Adam" } }, "surface-race", settings.race, race) }
            </div>
            <div class="surface-alert">{ diverged }</div>
            <div class="surface-body">
                <div class="surface-figure">
                    <canvas ref={props.canvases.surface.clone()} class="surface-map" data-testid="surface-view"
                        aria-label="The loss surface with the path of the weights: click to set the weights there"
                        {onpointerdown} />
                    <p class="hint surface-status">{ filling_text }</p>
                </div>
                <div class="surface-text">
                    <p class="surface-caption" data-testid="surface-caption">{ words.caption }
                        { " Click the map to set the weights there." }</p>
                    <div class="surface-race">{ race_section }</div>
                </div>
            </div>
        </section>
    }
}
