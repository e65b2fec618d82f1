//! Lecture mode: the built-in scenes with their captions, previous/next, projector mode, full
//! screen, and the keyboard shortcuts overlay.

use super::controls::{button, select};
use super::state::Action;
use super::Updater;
use crate::engine::Activation;
use crate::page::scenes::SCENES;
use crate::page::settings::{Companion, ModelFamily, Settings};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// Calls `target.name()` and returns what it returns: `Element.requestFullscreen()` and
/// `Document.exitFullscreen()` return a promise that rejects when the browser refuses, which
/// web-sys's bindings drop.
fn call_for_promise(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(name))?
        .dyn_into::<js_sys::Function>()?
        .call0(target)
}

/// Properties of [`LectureBar`].
#[derive(Properties, PartialEq, Clone)]
pub struct LectureProps {
    /// Goes to scenes, toggles projector mode, opens the shortcuts, shows notices.
    pub updater: Updater,
    /// The current settings (the session's own): the scene shown, and what its caption offers.
    pub settings: Rc<Settings>,
    /// Whether projector mode is on.
    pub projector: bool,
    /// Inside a slide: the link of the same scene as a full page, opened in a new tab.
    #[prop_or_default]
    pub full_page: Option<String>,
}

/// Takes the keyboard focus away from whatever control has it, back to the page.
pub fn blur_focus() {
    if let Some(active) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        active.blur().ok();
    }
}

/// Applies scene `index` to the session.
pub fn go_to_scene(updater: &Updater, index: Option<usize>) {
    match index {
        Some(index) => {
            if let Some(mut next) = crate::page::scenes::scene_settings(index) {
                // A page inside a slide stays inside it.
                updater.settings(|s| {
                    next.embed = s.embed;
                    *s = next
                });
            }
        }
        // Free play keeps the points and the model; only the caption goes.
        None => updater.settings(|s| s.scene = None),
    }
}

/// What the page says when the browser refuses to enter (or leave) full screen for `why`.
fn refused(entering: bool, why: &JsValue) -> String {
    let reason = why
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| why.as_string())
        .filter(|r| !r.is_empty())
        .map_or(String::new(), |r| format!(" ({r})"));
    if entering {
        format!(
            "The browser refused full screen{reason}. Browsers allow it only straight after a click or a key \
             press on the page (not, for example, right after a download): press F or Full screen again, or use \
             the browser's own full-screen command (F11)."
        )
    } else {
        format!("The browser did not leave full screen{reason}: press Esc.")
    }
}

/// Asks the browser for full screen, or to leave it; a refusal (the request's promise
/// rejects, or it throws) is shown as a notice instead of going uncaught.
pub fn toggle_fullscreen(updater: Updater) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let entering = document.fullscreen_element().is_none();
    let request = if entering {
        match document.document_element() {
            Some(root) => call_for_promise(&root, "requestFullscreen"),
            None => return,
        }
    } else {
        call_for_promise(&document, "exitFullscreen")
    };
    match request.map(JsCast::dyn_into::<js_sys::Promise>) {
        Ok(Ok(promise)) => {
            // Handle the promise now, not in the spawned task: a rejection that has no handler
            // when it happens is reported as uncaught.
            let outcome = wasm_bindgen_futures::JsFuture::from(promise);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(why) = outcome.await {
                    updater.notices(vec![refused(entering, &why)]);
                }
            });
        }
        // Older browsers return nothing and report a refusal with an event only.
        Ok(Err(_)) => {}
        Err(why) => updater.notices(vec![refused(entering, &why)]),
    }
}

/// A previous/next button, disabled when there is no scene that way.
fn stepper(text: &str, testid: &'static str, title: &str, disabled: bool, on_click: Callback<()>) -> Html {
    let onclick = Callback::from(move |_: MouseEvent| on_click.emit(()));
    html! {
        <button type="button" class="button" data-testid={testid} title={title.to_string()} {disabled} {onclick}>{ text }</button>
    }
}

/// For a scene of a sigmoid network, the one click its caption asks for: switch the hidden
/// layers to ReLU, and back. Not while comparing: the second run already shows ReLU, and the
/// switch would make both runs the same.
fn activation_switch(updater: &Updater, scene: &Settings, current: &Settings) -> Option<Html> {
    if scene.run.model != ModelFamily::Mlp
        || scene.run.activation != Activation::Sigmoid
        || current.run.model != ModelFamily::Mlp
        || current.compare.is_some()
    {
        return None;
    }
    let (text, next) = if current.run.activation == Activation::Relu {
        ("Back to sigmoid", Activation::Sigmoid)
    } else {
        ("Switch to ReLU", Activation::Relu)
    };
    // A scene that opens comparing speaks of left and right: say where the right one went.
    let ended = scene
        .compare
        .is_some()
        .then_some(" The comparison has ended: one network trains alone.");
    let u = updater.clone();
    let onclick = Callback::from(move |_: MouseEvent| u.settings(|s| s.run.activation = next));
    Some(html! {
        <>{ ended }{ " " }<button type="button" class="button small" data-testid="scene-relu"
            title="Change the hidden layers' activation (training goes on if it was running)" {onclick}>{ text }</button></>
    })
}

/// The scene bar at the top of the page.
#[function_component(LectureBar)]
pub fn lecture_bar(props: &LectureProps) -> Html {
    let count = SCENES.len();
    let current = props.settings.scene;
    let choose = {
        let u = props.updater.clone();
        Callback::from(move |key: String| {
            go_to_scene(&u, key.parse::<usize>().ok());
            // Give the keys back to the page: ← and → move between scenes, not menu entries.
            blur_focus();
        })
    };
    let previous = {
        let u = props.updater.clone();
        Callback::from(move |_| go_to_scene(&u, Some(current.map_or(0, |i| i.saturating_sub(1)))))
    };
    let next = {
        let u = props.updater.clone();
        Callback::from(move |_| go_to_scene(&u, Some(current.map_or(0, |i| (i + 1).min(count - 1)))))
    };
    // There is nothing before the first scene or after the last.
    let (at_first, at_last) = (current == Some(0), current == Some(count - 1));
    let mut options = vec![(String::new(), "Free play (no scene)".to_string())];
    options.extend(
        SCENES
            .iter()
            .enumerate()
            .map(|(i, s)| (i.to_string(), format!("{}. {}", i + 1, s.title))),
    );
    let caption = current.and_then(|i| SCENES.get(i)).map(|scene| {
        // Scenes that open a lab point to it: it is one of the views beside the plot.
        let to_lab = scene.settings().lab.map(|lab| {
            let u = props.updater.clone();
            html! {
                <>{ " " }<a href="#labs" class="scene-lab" data-testid="scene-lab" onclick={Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    u.settings(|s| s.companion = Some(Companion::Lab));
                })}>{ format!("Lab: {} →", lab.label()) }</a></>
            }
        });
        let switch = activation_switch(&props.updater, &scene.settings(), &props.settings);
        html! {
            <p class="scene-caption" data-testid="scene-caption" title={scene.caption}>
                <strong>{ scene.title }{ ". " }</strong>{ scene.caption }{ for to_lab }{ for switch }
            </p>
        }
    });
    let (projector, help) = (props.updater.clone(), props.updater.clone());
    html! {
        <header class="topbar" aria-label="Lecture">
            <div class="topbar-row">
                <h1 data-testid="title">{ "nnplay" }</h1>
                <div class="scene-nav">
                    { stepper("◀ Prev", "scene-prev", "Previous scene (← or Page Up)", at_first, previous) }
                    { select("Scene", "scene", options, &current.map(|i| i.to_string()).unwrap_or_default(), choose) }
                    { stepper("Next ▶", "scene-next", "Next scene (→ or Page Down)", at_last, next) }
                </div>
                <span class="spacer"></span>
                if let Some(link) = props.full_page.clone() {
                    <a class="open-full" data-testid="open-full" href={link} target="_blank" rel="noopener">{ "Open in nnplay ↗" }</a>
                }
                <div class="topbar-buttons">
                    { super::undo_ui::undo_buttons(&props.updater) }
                    <super::share_ui::ShareButton settings={props.settings.clone()} />
                    <button type="button" class={classes!("button", props.projector.then_some("active"))} data-testid="projector"
                        aria-pressed={props.projector.to_string()} title="Large type and fewer controls, for a projector (P)"
                        onclick={Callback::from(move |_| projector.dispatch(Action::ToggleProjector))}>{ "Projector" }</button>
                    { button("Full screen", "fullscreen", "Full screen (F)", {
                        let u = props.updater.clone();
                        Callback::from(move |_| toggle_fullscreen(u.clone()))
                    }) }
                    { button("Keys ?", "help", "Keyboard shortcuts (?)", Callback::from(move |_| help.dispatch(Action::Help(true)))) }
                </div>
            </div>
            { for caption }
        </header>
    }
}

/// The keyboard shortcuts, as (keys, what they do). They work whatever control has the focus,
/// except while typing in a text field (Escape leaves it).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "play or pause training"),
    ("S", "one training step"),
    ("R", "reset the weights"),
    ("1 … 5", "draw class 1 … class 5"),
    ("E / T", "eraser / trace a point"),
    ("→ ↓ Page Down", "next scene (presentation clickers too)"),
    ("← ↑ Page Up", "previous scene"),
    (
        "N / M / G / L / U",
        "show the network / model / gradients / labs / loss surface beside the plot",
    ),
    ("Ctrl+Z", "undo the last edit of points or settings"),
    ("Ctrl+Shift+Z / Ctrl+Y", "redo"),
    ("P", "projector mode"),
    ("F", "full screen"),
    ("?", "show or hide this list"),
    ("Esc", "close this list, or leave a text field"),
];

/// Properties of [`ShortcutsOverlay`].
#[derive(Properties, PartialEq, Clone)]
pub struct OverlayProps {
    /// Closes the overlay.
    pub on_close: Callback<()>,
}

/// The list of keyboard shortcuts.
#[function_component(ShortcutsOverlay)]
pub fn shortcuts_overlay(props: &OverlayProps) -> Html {
    let close = props.on_close.clone();
    html! {
        <div class="overlay" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts">
            <div class="overlay-card">
                <h2>{ "Keyboard shortcuts" }</h2>
                <table class="shortcuts">
                    { for SHORTCUTS.iter().map(|(keys, what)| html! { <tr><td><kbd>{ *keys }</kbd></td><td>{ *what }</td></tr> }) }
                </table>
                { button("Close", "close-shortcuts", "Close (Esc)", Callback::from(move |_| close.emit(()))) }
            </div>
        </div>
    }
}
