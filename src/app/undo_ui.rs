//! Undo and redo on the page: every settings change and every finished point edit goes into
//! the [`UndoHistory`] (a drag or a slider gesture is one entry); the scene bar's buttons and
//! Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) walk back and forth through it. A restore is not itself
//! recorded, and neither is switching the view beside the plot.

use super::handles::{try_with, Listener};
use super::state::Action;
use super::{is_text_field, now_ms, Updater};
use crate::page::settings::Settings;
use crate::page::undo::UndoHistory;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

impl Updater {
    /// Records a change from `before` to `after` for undo (not a change of the view beside
    /// the plot alone: that is not an edit).
    pub(super) fn record(&self, before: &Settings, after: &Settings) {
        let view_only = Settings {
            companion: after.companion,
            ..before.clone()
        } == *after;
        if !view_only {
            try_with(&self.history, |h| h.record(before, after, now_ms()));
        }
    }

    /// Undoes the last edit, if there is one.
    pub fn undo(&self) {
        self.walk_history(UndoHistory::undo);
    }

    /// Does again the last edit undone, if there is one.
    pub fn redo(&self) {
        self.walk_history(UndoHistory::redo);
    }

    /// Whether there is an edit to undo.
    pub fn can_undo(&self) -> bool {
        self.history.try_borrow().is_ok_and(|h| h.can_undo())
    }

    /// Whether there is an undone edit to do again.
    pub fn can_redo(&self) -> bool {
        self.history.try_borrow().is_ok_and(|h| h.can_redo())
    }

    /// Restores the settings `step` takes from the history (not recording the restore).
    fn walk_history(&self, step: fn(&mut UndoHistory, &Settings) -> Option<Settings>) {
        let restored = try_with(&self.session, |s| {
            let target = try_with(&self.history, |h| step(h, &s.settings)).flatten()?;
            s.restore(target);
            Some(s.settings.clone())
        });
        match restored {
            Some(Some(settings)) => {
                self.dispatch(Action::Settings(settings));
                self.refresh();
            }
            Some(None) => {}
            None => self.stuck(),
        }
    }
}

/// What Ctrl (or ⌘) with `key` does: Z undoes, Shift+Z and Y redo. False for other keys.
fn history_shortcut(updater: &Updater, key: &str, shift: bool) -> bool {
    match key {
        "z" | "Z" if shift => updater.redo(),
        "z" | "Z" => updater.undo(),
        "y" | "Y" => updater.redo(),
        _ => return false,
    }
    true
}

/// Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y anywhere on the page but in a text field (which keeps the
/// browser's own undo of typing); and the end of a pointer gesture, a click or a control's
/// change closes the edit in progress, so the next one is a new entry.
#[hook]
pub fn use_undo_keys(updater: &Updater) {
    let updater = updater.clone();
    use_effect_with((), move |_| {
        let window: web_sys::EventTarget = web_sys::window().expect("a window").into();
        let keys_updater = updater.clone();
        let keys = Listener::new(&window, "keydown", move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if !(e.ctrl_key() || e.meta_key()) || e.alt_key() || is_text_field(e.target()) {
                return;
            }
            if history_shortcut(&keys_updater, &e.key(), e.shift_key()) {
                e.prevent_default();
            }
        });
        let seal = |updater: Updater| {
            move |_| {
                try_with(&updater.history, UndoHistory::seal);
            }
        };
        // A button's edit comes with its click, after the pointer went up: sealing on the
        // click too keeps Clear and the next point drawn apart.
        let pointer_up = Listener::new(&window, "pointerup", seal(updater.clone()));
        let clicked = Listener::new(&window, "click", seal(updater.clone()));
        let changed = Listener::new(&window, "change", seal(updater));
        move || drop((keys, pointer_up, clicked, changed))
    });
}

/// The undo and redo buttons for the scene bar, disabled when there is nothing to walk to.
pub fn undo_buttons(updater: &Updater) -> Html {
    let (undo, redo) = (updater.clone(), updater.clone());
    html! {
        <>
            <button type="button" class="button" data-testid="undo" title="Undo the last edit (Ctrl+Z)"
                disabled={!updater.can_undo()} onclick={Callback::from(move |_: MouseEvent| undo.undo())}>{ "↶ Undo" }</button>
            <button type="button" class="button" data-testid="redo" title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
                disabled={!updater.can_redo()} onclick={Callback::from(move |_: MouseEvent| redo.redo())}>{ "↷ Redo" }</button>
        </>
    }
}
