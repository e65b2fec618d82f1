//! The "test points" drawing toggle: with it on, clicks add hollow test points, so the gap
//! between training and test (overfitting, or points far from any training point) can be drawn.

use super::controls::checkbox;
use super::state::Action;
use super::Updater;
use yew::prelude::*;

/// The toggle; turning it on also shows the test points if they were hidden (drawing invisible
/// points would look like nothing happening).
pub fn toggle(updater: &Updater, on: bool, test_points_shown: bool) -> Html {
    let u = updater.clone();
    let on_toggle = Callback::from(move |test: bool| {
        u.dispatch(Action::DrawTest(test));
        if test && !test_points_shown {
            u.settings(|s| s.show_test = true);
        }
    });
    checkbox(
        html! { "New points are test points (hollow)" },
        "draw-test",
        on,
        on_toggle,
    )
}
