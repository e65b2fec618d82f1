//! The Yew front end (wasm32 only). The page holds one [`Session`] in a `use_mut_ref` and its
//! own state in one reducer (`state.rs`); the training loop (`live.rs`) runs on
//! requestAnimationFrame and paints straight to the canvases, and only the slow-changing
//! summary (readouts, at about ten updates a second) re-renders the components that show it.

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
mod live;
mod model_panel;
mod painters;
mod panel;
mod panic_banner;
mod plot;
mod plot_view;
mod pointer;
mod points;
mod state;
mod sweep_chart;
mod updater;

pub use panic_banner::show_error_banner;
pub use updater::{use_summary, SharedSession, Summary, Updater};

use crate::page::session::Session;
use crate::page::settings::Settings;
use backprop_panel::{BackpropPanel, SharedPainters};
use handles::Listener;
use link::{boot_hash, read_hash, storage, write_hash, STORAGE_KEY};
use live::Live;
use painters::{Canvases, Painters};
use plot::ViewOptions;
use plot_view::{Alerts, LossChart, PlotView, SharedDrag};
use pointer::{Drag, Tool};
use state::{Action, PageState};
use updater::{is_stuck, stopped_view, SummaryPublisher};
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

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The whole page: the session, the page state (one reducer), and the layout. It re-renders
/// when the page state changes (settings, tools, panels), not when the readouts refresh: those
/// re-render only the components under [`Live`] that read them.
#[function_component(App)]
pub fn app() -> Html {
    let boot = use_memo((), |_| {
        let (hash, restored) = boot_hash();
        let (settings, notices) = crate::page::scenes::settings_from_link(&hash);
        (settings, notices, restored)
    });
    let session = use_mut_ref(|| Session::new(boot.0.clone()));
    let state = {
        let (session, boot) = (session.clone(), boot.clone());
        use_reducer_eq(move || {
            let settings = session.borrow().settings.clone();
            PageState::new(settings, boot.1.clone(), boot.2)
        })
    };
    let publisher = use_memo((), |_| SummaryPublisher::default());
    let revision = use_mut_ref(|| 0u64);
    let drag = use_mut_ref(|| None::<Drag>);
    let painters = use_mut_ref(Painters::default);
    let canvases = use_memo((), |_| Canvases::default());
    let stuck = use_force_update();
    // How often the page itself has rendered, for tests: readout refreshes must not count.
    let renders = use_mut_ref(|| 0u64);
    *renders.borrow_mut() += 1;
    let settings = state.settings.clone();
    let view = ViewOptions::of(&settings);
    // The animation loop outlives a render: it reads the view state from the painters.
    if let Ok(mut p) = painters.try_borrow_mut() {
        p.view = view;
        p.diagram_state = state.diagram;
    }

    let updater = Updater {
        session: session.clone(),
        dispatch: state.dispatcher(),
        summary: (*publisher).clone(),
        revision: revision.clone(),
        stuck: stuck.clone(),
    };

    // Keep the address bar's hash, and the copy kept for the next visit, in step with the
    // settings.
    use_effect_with(settings.clone(), |s| {
        let hash = s.to_hash();
        write_hash(&hash);
        if let Some(store) = storage() {
            let _ = store.set_item(STORAGE_KEY, &hash);
        }
    });

    // Keyboard shortcuts (see lecture::SHORTCUTS); links edited by hand are applied.
    {
        let updater = updater.clone();
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
                let Some(scene) = key_updater.try_with_session(|s| s.settings.scene) else {
                    return;
                };
                let last = crate::page::scenes::SCENES.len() - 1;
                // Moving past the first or last scene does nothing (it would reset the scene).
                let go = |index: usize| {
                    if scene != Some(index) {
                        lecture::go_to_scene(&key_updater, Some(index))
                    }
                };
                match e.key().as_str() {
                    "1" | "2" => key_updater.dispatch(Action::Class(if e.key() == "1" { 1.0 } else { -1.0 })),
                    " " => key_updater.settings(|s| s.play = !s.play),
                    "s" | "S" => key_updater.session(|s| s.step_once()),
                    "r" | "R" => key_updater.session(|s| s.rebuild()),
                    "ArrowRight" => go(scene.map_or(0, |i| (i + 1).min(last))),
                    "ArrowLeft" => go(scene.map_or(0, |i| i.saturating_sub(1))),
                    "p" | "P" => key_updater.dispatch(Action::ToggleProjector),
                    "f" | "F" => lecture::toggle_fullscreen(key_updater.clone()),
                    "?" => key_updater.dispatch(Action::ToggleHelp),
                    "Escape" => key_updater.dispatch(Action::Help(false)),
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
                updater.notices(problems);
            });
            move || drop((keys, resize, hash))
        });
    }

    if is_stuck(&session, &painters) {
        return stopped_view();
    }

    let restored_box = state.restored.then(|| {
        let (fresh_updater, keep_updater) = (updater.clone(), updater.clone());
        let fresh = Callback::from(move |_| {
            if let Some(store) = storage() {
                let _ = store.remove_item(STORAGE_KEY);
            }
            fresh_updater.settings(|s| *s = Settings::default());
            fresh_updater.dispatch(Action::DismissRestored);
        });
        html! {
            <div class="notice" role="status" data-testid="restored">
                <p>{ "Welcome back: this is the scene you left, restored from this browser." }</p>
                <div class="row">
                    <button type="button" class="button" data-testid="start-fresh" onclick={fresh}>{ "Start fresh" }</button>
                    <button type="button" class="button" data-testid="keep-scene"
                        onclick={Callback::from(move |_| keep_updater.dispatch(Action::DismissRestored))}>{ "Keep it" }</button>
                </div>
            </div>
        }
    });
    let notice_box = (!state.notices.is_empty()).then(|| {
        let u = updater.clone();
        html! {
            <div class="notice" role="status" data-testid="notice">
                <ul>{ for state.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                <button type="button" class="button" data-testid="dismiss-notice"
                    onclick={Callback::from(move |_| u.notices(Vec::new()))}>{ "Dismiss" }</button>
            </div>
        }
    });
    let shortcuts = state.help.then(|| {
        let u = updater.clone();
        html! { <lecture::ShortcutsOverlay on_close={Callback::from(move |_| u.dispatch(Action::Help(false)))} /> }
    });
    let shared_painters = SharedPainters(painters.clone());

    html! {
        <main class={classes!("page", state.projector.then_some("projector"))} data-renders={renders.borrow().to_string()}>
            <Live updater={updater.clone()} painters={shared_painters.clone()} canvases={(*canvases).clone()} play={settings.play}>
            <header class="masthead">
                <h1 data-testid="title">{ "nnplay" }</h1>
                <p class="tagline">{ "Draw data, pick a model, and watch gradient descent learn it." }</p>
            </header>
            { for restored_box }
            <Alerts />
            { for notice_box }
            <lecture::LectureBar updater={updater.clone()} scene={settings.scene} projector={state.projector} />
            { for shortcuts }
            <panel::TrainingBar updater={updater.clone()} settings={settings.clone()} />
            <div class="workspace">
                <panel::DataPanel updater={updater.clone()} settings={settings.clone()}
                    class={state.class} draw_value={state.draw_value} tool={state.tool}
                    plot={canvases.plot.clone()} />
                <section class="centre">
                    <PlotView updater={updater.clone()} painters={shared_painters.clone()} canvases={(*canvases).clone()}
                        drag={SharedDrag(drag.clone())} class={state.class} draw_value={state.draw_value} tool={state.tool}
                        view={view} focused={state.diagram.focus().is_some()} />
                    <panel::Readouts />
                    <LossChart painters={shared_painters.clone()} canvases={(*canvases).clone()} updater={updater.clone()} />
                </section>
                <model_panel::ModelPanel updater={updater.clone()} settings={settings.clone()} />
            </div>
            <BackpropPanel updater={updater.clone()} state={state.diagram}
                canvases={(*canvases).clone()} painters={shared_painters.clone()}
                repaint={Callback::from({
                    let (session, painters, canvases) = (session.clone(), painters.clone(), canvases.clone());
                    move |_| {
                        if let (Ok(mut p), Ok(mut s)) = (painters.try_borrow_mut(), session.try_borrow_mut()) {
                            p.paint_backprop(&canvases, &mut s);
                        }
                    }
                })} />
            <labs::LabsPanel updater={updater.clone()} settings={settings.clone()} />
            </Live>
        </main>
    }
}
