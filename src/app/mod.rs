//! The Yew front end (wasm32 only). The page holds one [`Session`] in a `use_mut_ref`; the
//! training loop runs on requestAnimationFrame and paints straight to the canvases, and only
//! the slow-changing summary (readouts, at about ten updates a second) re-renders components.

mod backprop;
mod backprop_panel;
mod canvas;
mod chart;
mod controls;
mod files_ui;
mod handles;
mod lab_paint;
mod labs;
mod lecture;
mod link;
mod model_panel;
mod painters;
mod panel;
mod panic_banner;
mod plot;
mod pointer;
mod points;
mod sweep_chart;
mod updater;

pub use panic_banner::show_error_banner;
pub use updater::{SharedSession, Summary, Updater};

use crate::page::limits;
use crate::page::session::{Instability, Session};
use crate::page::settings::Settings;
use backprop_panel::{BackpropPanel, SharedPainters};
use handles::{AnimationLoop, Listener};
use link::{boot_hash, read_hash, storage, write_hash, STORAGE_KEY};
use painters::{Canvases, DiagramState, Painters};
use plot::ViewOptions;
use pointer::{plot_pointer_handlers, Drag, PlotInput, Tool};
use updater::{is_stuck, stopped_view};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// Installs the panic banner and mounts [`App`] into the page's `#app` element (or the body).
pub fn start() {
    panic_banner::install();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}

/// Milliseconds of training work per animation frame, leaving the rest of a 60 Hz frame for
/// painting and input.
const FRAME_BUDGET_MS: f64 = 8.0;

/// How often the readouts, charts and backprop views refresh while training: at least ten
/// times a second, given that frames arrive every 16.7 ms.
const SUMMARY_INTERVAL_MS: f64 = 90.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let boot = use_memo((), |_| {
        let (hash, restored) = boot_hash();
        let (settings, notices) = crate::page::scenes::settings_from_link(&hash);
        (settings, notices, restored)
    });
    let settings = use_state(|| boot.0.clone());
    let notices = use_state(|| boot.1.clone());
    let restored = use_state(|| boot.2);
    let session = use_mut_ref(|| Session::new(boot.0.clone()));
    let summary = use_state(|| Summary::of(&session.borrow(), 0, 0.0));
    let revision = use_mut_ref(|| 0u64);
    let view = ViewOptions {
        show_test: settings.show_test,
        discretize: settings.discretize,
        log_scale: settings.log_scale,
        show_lines: settings.show_lines,
    };
    let diagram_state = use_state(DiagramState::default);
    let class = use_state(|| 1.0f32);
    let draw_value = use_state(|| 0.5f32);
    let tool = use_state(|| Tool::Add);
    let drag = use_mut_ref(|| None::<Drag>);
    let painters = use_mut_ref(Painters::default);
    let projector = use_state(|| false);
    let help = use_state(|| false);
    // What the keyboard handler (registered once) needs to know of the current render.
    let keys_view = use_mut_ref(|| (None::<usize>, false, false));
    *keys_view.borrow_mut() = (settings.scene, *projector, *help);
    let canvases = use_memo((), |_| Canvases::default());
    let stuck = use_force_update();
    // The animation loop outlives a render: it reads the view state from the painters.
    if let Ok(mut p) = painters.try_borrow_mut() {
        p.view = view;
        p.diagram_state = *diagram_state;
    }

    let updater = Updater {
        session: session.clone(),
        settings: settings.setter(),
        summary: summary.setter(),
        revision: revision.clone(),
        stuck: stuck.clone(),
    };

    // Keep the address bar's hash, and the copy kept for the next visit, in step with the
    // settings.
    use_effect_with((*settings).clone(), |s| {
        let hash = s.to_hash();
        write_hash(&hash);
        if let Some(store) = storage() {
            let _ = store.set_item(STORAGE_KEY, &hash);
        }
    });

    // Repaint after every render (edits, setting changes, readout refreshes); the backprop
    // panel repaints its own canvases after it renders.
    {
        let (session, painters, canvases) = (session.clone(), painters.clone(), canvases.clone());
        let playing = settings.play;
        use_effect(move || {
            // While training, the loop keeps the heatmap current; a render only redraws.
            if let (Ok(mut s), Ok(mut p)) = (session.try_borrow_mut(), painters.try_borrow_mut()) {
                p.paint_plot(&canvases, &mut s, playing);
                p.paint_loss_chart(&canvases, &s);
            }
        });
    }

    // The training loop, alive exactly while `play` is on.
    {
        let (session, painters, canvases) = (session.clone(), painters.clone(), canvases.clone());
        let (summary_setter, revision, settings_setter) =
            (summary.setter(), revision.clone(), settings.setter());
        let stuck = stuck.clone();
        use_effect_with(settings.play, move |&play| {
            let handle = play.then(|| {
                let mut last_summary = now_ms();
                let mut reported = false;
                AnimationLoop::start(move |_| {
                    let start = now_ms();
                    // Still borrowed at the start of a frame: the browser cut an earlier
                    // callback short. Skip the frame, and have the page say so once.
                    let (Ok(mut s), Ok(mut p)) = (session.try_borrow_mut(), painters.try_borrow_mut()) else {
                        if !std::mem::replace(&mut reported, true) {
                            stuck.force_update();
                        }
                        return;
                    };
                    s.run_frame(start + FRAME_BUDGET_MS, &now_ms);
                    p.paint_plot(&canvases, &mut s, false);
                    let now = now_ms();
                    let diverged = s.trainer.diverged();
                    if diverged {
                        // Pause, keeping the last finite weights; the page explains what happened.
                        s.settings.play = false;
                        settings_setter.set(s.settings.clone());
                    }
                    if diverged || now - last_summary >= SUMMARY_INTERVAL_MS {
                        let rate = s.take_examples() as f64 * 1000.0 / (now - last_summary);
                        last_summary = now;
                        s.refresh_metrics();
                        // Re-rendering the readouts repaints the charts and backprop views.
                        let r = revision.try_borrow().map_or(0, |r| *r);
                        summary_setter.set(Summary::of(&s, r, rate));
                    }
                })
            });
            move || drop(handle)
        });
    }

    // Keyboard shortcuts (see lecture::SHORTCUTS); links edited by hand are applied.
    {
        let (class, updater, notices) = (class.setter(), updater.clone(), notices.setter());
        let (projector_set, help_set) = (projector.setter(), help.setter());
        let tool_set = tool.setter();
        let keys_view = keys_view.clone();
        let fullscreen_notice = Callback::from({
            let notices = notices.clone();
            move |list: Vec<String>| notices.set(list)
        });
        use_effect_with((), move |_| {
            let window: web_sys::EventTarget = web_sys::window().expect("a window").into();
            let key_updater = updater.clone();
            let keys = Listener::new(&window, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                let typing = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
                if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let (scene, projector, help) = *keys_view.borrow();
                let last = crate::page::scenes::SCENES.len() - 1;
                // Moving past the first or last scene does nothing (it would reset the scene).
                let go = |index: usize| {
                    if scene != Some(index) {
                        lecture::go_to_scene(&key_updater, Some(index))
                    }
                };
                match e.key().as_str() {
                    "1" | "2" => {
                        class.set(if e.key() == "1" { 1.0 } else { -1.0 });
                        tool_set.set(Tool::Add);
                    }
                    " " => key_updater.settings(|s| s.play = !s.play),
                    "s" | "S" => key_updater.session(|s| s.step_once()),
                    "r" | "R" => key_updater.session(|s| s.rebuild()),
                    "ArrowRight" => go(scene.map_or(0, |i| (i + 1).min(last))),
                    "ArrowLeft" => go(scene.map_or(0, |i| i.saturating_sub(1))),
                    "p" | "P" => projector_set.set(!projector),
                    "f" | "F" => lecture::toggle_fullscreen(fullscreen_notice.clone()),
                    "?" => help_set.set(!help),
                    "Escape" => help_set.set(false),
                    _ => return,
                }
                e.prevent_default();
            });
            // A resized window changes the canvases' CSS size: repaint them at the new size.
            let resize_updater = updater.clone();
            let resize = Listener::new(&window, "resize", move |_| resize_updater.refresh());
            let hash = Listener::new(&window, "hashchange", move |_| {
                let (next, problems) = crate::page::scenes::settings_from_link(&read_hash());
                updater.settings(|s| *s = next);
                notices.set(problems);
            });
            move || drop((keys, resize, hash))
        });
    }

    if is_stuck(&session, &painters) {
        return stopped_view();
    }

    let (onpointerdown, onpointermove, onpointerup) = plot_pointer_handlers(PlotInput {
        session: session.clone(),
        drag: drag.clone(),
        plot: canvases.plot.clone(),
        updater: updater.clone(),
        notices: notices.setter(),
        class: *class,
        draw_value: *draw_value,
        tool: *tool,
        diagram_state: diagram_state.clone(),
        show_test: view.show_test,
    });
    let oncontextmenu = Callback::from(|e: MouseEvent| e.prevent_default());
    let lines_legend = view
        .show_lines
        .then(|| {
            let s = session.try_borrow().ok()?;
            plot::has_unit_lines(&s).then(|| plot::lines_legend(&s, diagram_state.focus().is_some()))
        })
        .flatten();

    let restored_box = restored.then(|| {
        let (updater, restored_set) = (updater.clone(), restored.setter());
        let keep = restored.setter();
        let fresh = Callback::from(move |_| {
            if let Some(store) = storage() {
                let _ = store.remove_item(STORAGE_KEY);
            }
            updater.settings(|s| *s = Settings::default());
            restored_set.set(false);
        });
        html! {
            <div class="notice" role="status" data-testid="restored">
                <p>{ "Welcome back: this is the scene you left, restored from this browser." }</p>
                <div class="row">
                    <button type="button" class="button" data-testid="start-fresh" onclick={fresh}>{ "Start fresh" }</button>
                    <button type="button" class="button" data-testid="keep-scene"
                        onclick={Callback::from(move |_| keep.set(false))}>{ "Keep it" }</button>
                </div>
            </div>
        }
    });
    // Both alerts suggest a tenth of the learning rate (within its range).
    let suggestion = panel::format_rate((summary.learning_rate / 10.0).max(limits::LEARNING_RATE.0));
    let divergence_box = summary.diverged.then(|| {
        html! {
            <div class="notice alarm" role="alert" data-testid="divergence">
                <p><strong>{ "Training stopped: the loss blew up." }</strong>
                    { format!(" At step {} the numbers grew too large to represent (the learning rate η = {} is too big for this model). \
                       The weights are kept as they were before that step. Lower the learning rate, to {} for example, and press Play; \
                       if it stops again at once, press Reset.", summary.steps, panel::format_rate(summary.learning_rate), &suggestion) }</p>
            </div>
        }
    });
    // Training goes on (the numbers are finite), but the page says it is not learning.
    let instability_box = summary.unstable.filter(|_| !summary.diverged).map(|unstable| {
        let rate = panel::format_rate(summary.learning_rate);
        let what = match unstable {
            Instability::Rising { from, to } => format!(
                "Over the last few readings the training loss has stayed far above where it started ({from:.3}), at about {to:.3}."
            ),
            Instability::Swinging { low, high } => format!(
                "The training loss jumps between {low:.3} and {high:.3} without settling."
            ),
        };
        html! {
            <div class="notice alarm" role="alert" data-testid="instability">
                <p><strong>{ "The model is not learning: the steps are too large." }</strong>
                    { format!(" {what} The learning rate η = {rate} makes each step overshoot. \
                       Lower it, to {suggestion} for example (training goes on from here), or press Reset as well.") }</p>
            </div>
        }
    });
    let notice_box = (!notices.is_empty()).then(|| {
        let notices_setter = notices.setter();
        html! {
            <div class="notice" role="status" data-testid="notice">
                <ul>{ for notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                <button type="button" class="button" data-testid="dismiss-notice"
                    onclick={Callback::from(move |_| notices_setter.set(Vec::new()))}>{ "Dismiss" }</button>
            </div>
        }
    });

    let on_scene = {
        let updater = updater.clone();
        Callback::from(move |index: Option<usize>| lecture::go_to_scene(&updater, index))
    };
    let shortcuts = help.then(|| {
        let help = help.setter();
        html! { <lecture::ShortcutsOverlay on_close={Callback::from(move |_| help.set(false))} /> }
    });

    html! {
        <main class={classes!("page", projector.then_some("projector"))}>
            <header class="masthead">
                <h1 data-testid="title">{ "nnplay" }</h1>
                <p class="tagline">{ "Draw data, pick a model, and watch gradient descent learn it." }</p>
            </header>
            { for restored_box }
            { for divergence_box }
            { for instability_box }
            { for notice_box }
            <lecture::LectureBar scene={settings.scene} {on_scene} projector={*projector}
                on_projector={Callback::from({ let (p, on) = (projector.setter(), *projector); move |_| p.set(!on) })}
                on_help={Callback::from({ let h = help.setter(); move |_| h.set(true) })}
                on_notice={Callback::from({ let n = notices.setter(); move |list| n.set(list) })} />
            { for shortcuts }
            <panel::TrainingBar updater={updater.clone()} settings={(*settings).clone()}
                on_notice={Callback::from({ let n = notices.setter(); move |list| n.set(list) })} />
            <div class="workspace">
                <panel::DataPanel updater={updater.clone()} settings={(*settings).clone()}
                    class={*class} on_class={Callback::from({ let c = class.setter(); move |v| c.set(v) })}
                    draw_value={*draw_value} on_draw_value={Callback::from({ let d = draw_value.setter(); move |v| d.set(v) })}
                    tool={*tool} on_tool={Callback::from({ let t = tool.setter(); move |v| t.set(v) })}
                    view={view} on_view={Callback::from({
                        let updater = updater.clone();
                        move |o: ViewOptions| updater.settings(|s| {
                            s.show_test = o.show_test;
                            s.discretize = o.discretize;
                            s.log_scale = o.log_scale;
                            s.show_lines = o.show_lines;
                        })
                    })}
                    on_notice={Callback::from({ let n = notices.setter(); move |list| n.set(list) })}
                    plot={canvases.plot.clone()} />
                <section class="centre">
                    <canvas ref={canvases.plot.clone()} class="plot" data-testid="plot"
                        aria-label="The input plane: click to add a point, drag a point to move it, right-click to delete"
                        {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}
                        {oncontextmenu} />
                    { for lines_legend }
                    <panel::Readouts summary={(*summary).clone()} />
                    <div class="chart-box">
                        <p class="chart-caption">{ "Loss against training steps: " }
                            <span class="key train">{ "training" }</span>{ " and " }<span class="key test">{ "test" }</span></p>
                        <canvas ref={canvases.loss.clone()} class="chart" data-testid="loss-chart" aria-label="Loss over training steps" />
                    </div>
                </section>
                <model_panel::ModelPanel updater={updater.clone()} settings={(*settings).clone()} />
            </div>
            <BackpropPanel updater={updater.clone()} summary={(*summary).clone()} state={*diagram_state}
                on_state={Callback::from({ let d = diagram_state.setter(); move |s| d.set(s) })}
                canvases={(*canvases).clone()} painters={SharedPainters(painters.clone())}
                repaint={Callback::from({
                    let (session, painters, canvases) = (session.clone(), painters.clone(), canvases.clone());
                    move |_| {
                        if let (Ok(mut p), Ok(mut s)) = (painters.try_borrow_mut(), session.try_borrow_mut()) {
                            p.paint_backprop(&canvases, &mut s);
                        }
                    }
                })} />
            <labs::LabsPanel updater={updater.clone()} settings={(*settings).clone()} summary={(*summary).clone()} />
        </main>
    }
}
