//! The Yew front end (wasm32 only). The page holds one [`Session`] in a `use_mut_ref` and its
//! own state in one reducer (`state.rs`); the training loop (`live.rs`) runs on
//! requestAnimationFrame and paints straight to the canvases, and only the slow-changing
//! summary (readouts, at about ten updates a second) re-renders the components that show it.

mod axes;
mod backprop;
mod backprop_panel;
mod canvas;
mod chart;
mod class_tools;
mod companion;
mod compare_panel;
mod compare_view;
mod confusion;
mod controls;
mod draw_test;
mod files_ui;
mod handles;
mod lab_paint;
mod labs;
mod lecture;
mod link;
mod live;
mod model_panel;
mod model_view;
mod pace_ui;
mod painters;
mod palette_ui;
mod panel;
mod panic_banner;
mod plot;
mod plot_view;
mod pointer;
mod points;
mod score_lines;
mod share_ui;
mod slow_motion;
mod softmax_trace;
mod state;
mod surface_paint;
mod surface_view;
mod sweep_chart;
mod timeline_bar;
mod undo_ui;
mod updater;

pub use panic_banner::show_error_banner;
pub use updater::{use_summary, SharedSession, Summary, Updater};

use crate::page::palette::Palette;
use crate::page::session::Session;
use crate::page::settings::{Companion, Settings};
use backprop_panel::SharedPainters;
use companion::CompanionPanel;
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

/// Whether `target` is a field the user types into (where keys are text, not shortcuts).
fn is_text_field(target: Option<web_sys::EventTarget>) -> bool {
    let Some(element) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    match element.tag_name().as_str() {
        "TEXTAREA" => true,
        "INPUT" => {
            let kind = element
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            matches!(
                kind.as_str(),
                "" | "text" | "number" | "search" | "email" | "url" | "password" | "tel"
            )
        }
        _ => element
            .get_attribute("contenteditable")
            .is_some_and(|v| v != "false"),
    }
}

/// Does what `key` stands for (see [`lecture::SHORTCUTS`]); false when it is no shortcut.
fn shortcut(updater: &Updater, key: &str) -> bool {
    let Some(scene) = updater.try_with_session(|s| s.settings.scene) else {
        return false;
    };
    let last = crate::page::scenes::SCENES.len() - 1;
    // Moving past the first or last scene does nothing (it would reset the scene).
    let go = |index: usize| {
        if scene != Some(index) {
            lecture::go_to_scene(updater, Some(index))
        }
    };
    let show = |companion: Companion| updater.settings(|s| s.companion = Some(companion));
    match key {
        "1" | "2" | "3" | "4" | "5" => {
            class_tools::choose_class(updater, key.parse::<usize>().unwrap_or(1) - 1)
        }
        "e" | "E" => updater.dispatch(Action::Tool(Tool::Erase)),
        "t" | "T" => updater.dispatch(Action::Tool(Tool::Trace)),
        " " => updater.settings(|s| s.play = !s.play),
        "s" | "S" => updater.session(|s| s.step_once()),
        "r" | "R" => updater.session(|s| s.rebuild()),
        // Presentation clickers send Page Down / Page Up, or the arrow keys.
        "ArrowRight" | "ArrowDown" | "PageDown" => go(scene.map_or(0, |i| (i + 1).min(last))),
        // Back from Free play goes nowhere (forward starts the lecture).
        "ArrowLeft" | "ArrowUp" | "PageUp" => {
            if let Some(i) = scene {
                go(i.saturating_sub(1))
            }
        }
        "n" | "N" => show(Companion::Network),
        "m" | "M" => show(Companion::Model),
        "g" | "G" => show(Companion::Gradients),
        "l" | "L" => show(Companion::Lab),
        "u" | "U" => show(Companion::Surface),
        "p" | "P" => updater.dispatch(Action::ToggleProjector),
        "f" | "F" => lecture::toggle_fullscreen(updater.clone()),
        "?" => updater.dispatch(Action::ToggleHelp),
        "Escape" => updater.dispatch(Action::Help(false)),
        _ => return false,
    }
    true
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
            PageState::new(settings, boot.1.clone(), boot.2, palette_ui::stored_palette())
        })
    };
    let publisher = use_memo((), |_| SummaryPublisher::default());
    let revision = use_mut_ref(|| 0u64);
    let history = use_mut_ref(crate::page::undo::UndoHistory::new);
    let drag = use_mut_ref(|| None::<Drag>);
    let painters = use_mut_ref(Painters::default);
    let canvases = use_memo((), |_| Canvases::default());
    let stuck = use_force_update();
    // How often the page itself has rendered, for tests: readout refreshes must not count.
    let renders = use_mut_ref(|| 0u64);
    *renders.borrow_mut() += 1;
    let settings = state.settings.clone();
    let view = ViewOptions::of(&settings, state.palette);
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
        history: history.clone(),
    };
    undo_ui::use_undo_keys(&updater);

    // Keep the address bar's hash, and the copy kept for the next visit, in step with the
    // settings.
    use_effect_with(settings.clone(), |s| {
        let hash = s.to_hash();
        write_hash(&hash);
        if let Some(store) = storage() {
            let _ = store.set_item(STORAGE_KEY, &hash);
        }
    });

    // The palette is this browser's, kept for its next visits (never in the link).
    use_effect_with(state.palette, |p| palette_ui::store_palette(*p));

    // Keyboard shortcuts (see lecture::SHORTCUTS), whatever control has the focus except a
    // text field; links edited by hand are applied.
    {
        let updater = updater.clone();
        use_effect_with((), move |_| {
            let window: web_sys::EventTarget = web_sys::window().expect("a window").into();
            let key_updater = updater.clone();
            let keys = Listener::new(&window, "keydown", move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                if is_text_field(e.target()) {
                    // Typing: keys are text. Escape leaves the field, so the keys work again.
                    if e.key() == "Escape" {
                        lecture::blur_focus();
                    }
                    return;
                }
                if shortcut(&key_updater, &e.key()) {
                    e.prevent_default();
                }
            });
            // A focused button or checkbox acts on Space when the key comes up: Space already
            // played or paused, so it must not also press the control.
            let space_up = Listener::new(&window, "keyup", move |e| {
                if let Some(e) = e.dyn_ref::<KeyboardEvent>() {
                    if e.key() == " " && !is_text_field(e.target()) {
                        e.prevent_default();
                    }
                }
            });
            // A resized window changes the canvases' CSS size: repaint them at the new size.
            let resize_updater = updater.clone();
            let resize = Listener::new(&window, "resize", move |_| resize_updater.refresh());
            let hash = Listener::new(&window, "hashchange", move |_| {
                let (next, problems) = crate::page::scenes::settings_from_link(&read_hash());
                updater.settings(|s| *s = next);
                updater.notices(problems);
            });
            move || drop((keys, space_up, resize, hash))
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
    // Inside a slide, the same scene as a full page.
    let full_page = settings.embed.then(|| {
        let full = Settings {
            embed: false,
            ..(*settings).clone()
        };
        format!("#{}", full.to_hash())
    });
    let repaint_backprop = Callback::from({
        let (session, painters, canvases) = (session.clone(), painters.clone(), canvases.clone());
        move |_| {
            if let (Ok(mut p), Ok(mut s)) = (painters.try_borrow_mut(), session.try_borrow_mut()) {
                p.paint_backprop(&canvases, &mut s);
            }
        }
    });

    html! {
        <main class={classes!("page", state.projector.then_some("projector"), settings.embed.then_some("embed"), state.palette.css_class())}
            style={state.palette.css_variables()} data-renders={renders.borrow().to_string()}>
            <ContextProvider<Palette> context={state.palette}>
            <Live updater={updater.clone()} painters={shared_painters.clone()} canvases={(*canvases).clone()} play={settings.play}>
            <lecture::LectureBar updater={updater.clone()} settings={settings.clone()} projector={state.projector} {full_page} />
            <div class="stage-wrap">
                <div class={classes!("stage", settings.compare.is_some().then_some("comparing"))}>
                    <div class="col-left">
                        <panel::TransportBar updater={updater.clone()} settings={settings.clone()} />
                        <div class="controls" aria-label="Settings">
                            <panel::TrainingSettings updater={updater.clone()} settings={settings.clone()} />
                            <pace_ui::RunPanel updater={updater.clone()} settings={settings.clone()} />
                            <panel::DataPanel updater={updater.clone()} settings={settings.clone()}
                                class={state.class} draw_value={state.draw_value} draw_test={state.draw_test} tool={state.tool}
                                plot={canvases.plot.clone()} />
                            <model_panel::ModelPanel updater={updater.clone()} settings={settings.clone()} />
                            <compare_panel::ComparePanel updater={updater.clone()} settings={settings.clone()} />
                        </div>
                    </div>
                    <div class="col-centre">
                        <PlotView updater={updater.clone()} painters={shared_painters.clone()} canvases={(*canvases).clone()}
                            drag={SharedDrag(drag.clone())} class={state.class} draw_value={state.draw_value} draw_test={state.draw_test} tool={state.tool}
                            view={view} diagram={state.diagram} />
                        <compare_view::ComparePlot settings={settings.clone()} canvases={(*canvases).clone()} />
                        <panel::Readouts />
                        <div class="chart-row">
                            <LossChart painters={shared_painters.clone()} canvases={(*canvases).clone()} updater={updater.clone()} />
                            <confusion::ConfusionView />
                        </div>
                        <timeline_bar::TimelineBar updater={updater.clone()} play={settings.play} />
                    </div>
                    <div class="col-right">
                        <CompanionPanel updater={updater.clone()} settings={settings.clone()} diagram={state.diagram}
                            canvases={(*canvases).clone()} painters={shared_painters.clone()} repaint={repaint_backprop} />
                    </div>
                </div>
            </div>
            <div class="toasts" aria-live="polite">
                { for restored_box }
                <Alerts />
                { for notice_box }
            </div>
            { for shortcuts }
            </Live>
            </ContextProvider<Palette>>
        </main>
    }
}
