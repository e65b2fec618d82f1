//! Drawing several classes: a tool button per class (keys 1 to 5), the menu that sets how many
//! classes the plot has, and the choice of class behind both.

use super::controls::select;
use super::palette_ui::class_swatch;
use super::pointer::Tool;
use super::state::Action;
use super::Updater;
use crate::page::limits;
use yew::prelude::*;

/// Chooses class index `class` (0 for class 1) for new points, as key `class + 1` does. A class
/// the plot does not have yet is refused with a note saying how to add it; for regression only
/// the two class keys choose the add tool, as they always did.
pub fn choose_class(updater: &Updater, class: usize) {
    let Some(classes) = updater.try_with_session(|s| s.classes()) else {
        return;
    };
    if class < classes.max(2) {
        updater.dispatch(Action::Class(class));
    } else if classes > 0 {
        updater.notices(vec![format!(
            "The plot has {classes} classes. To draw class {}, choose {} or more under Classes in the Data panel.",
            class + 1,
            class + 1
        )]);
    }
}

/// Sets the number of classes of the points on the plot (see `Session::set_classes`): every
/// point keeps its class, the model gets one output per class and starts over. A refusal
/// (a point of a class that would go) becomes a note.
fn set_classes(updater: &Updater, classes: usize) {
    // An edit like any other: Undo brings the old number of classes back.
    if let Some(Err(why)) = updater.edit(|s| s.set_classes(classes)) {
        updater.notices(vec![why]);
    }
}

/// The tool buttons "Class 1" … "Class K" (test ids `class-1` …), the chosen one pressed while
/// the add tool is in use. With two classes, shift-click adds the other class.
pub fn class_buttons(updater: &Updater, classes: usize, chosen: usize, tool: Tool) -> Html {
    let classes = classes.max(2);
    let other = if classes == 2 {
        "; shift-click adds the other class"
    } else {
        ""
    };
    html! {
        { for (0..classes).map(|class| {
            let active = tool == Tool::Add && chosen == class;
            let u = updater.clone();
            let title = format!(
                "Clicks add a point of this class, on top of others too (key {}{other})",
                class + 1
            );
            html! {
                <button type="button" class={classes!("button", "tool", active.then_some("active"))}
                    data-testid={format!("class-{}", class + 1)} aria-pressed={active.to_string()} {title}
                    onclick={Callback::from(move |_| u.dispatch(Action::Class(class)))}>
                    { class_swatch(class) }{ format!("Class {}", class + 1) }
                </button>
            }
        }) }
    }
}

/// The menu of how many classes the plot has, 2 to 5 (test id `classes`).
pub fn classes_menu(updater: &Updater, classes: usize) -> Html {
    let (lo, hi) = limits::CLASSES;
    let u = updater.clone();
    let on_change = Callback::from(move |key: String| {
        if let Ok(k) = key.parse::<usize>() {
            set_classes(&u, k);
        }
    });
    select(
        "Classes",
        "classes",
        (lo..=hi).map(|k| (k.to_string(), k.to_string())).collect(),
        &classes.to_string(),
        on_change,
    )
}
