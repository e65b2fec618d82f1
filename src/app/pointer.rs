//! Pointer input on the plot: what a press does with each tool (add, move, trace or erase
//! points), the gesture in progress, and the plot's pointer-down, pointer-move and pointer-up
//! handlers.

use super::state::Action;
use super::{plot, SharedSession, Updater};
use crate::engine::Task;
use crate::page::session::{EditOutcome, Session};
use crate::page::settings::Companion;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::{HtmlCanvasElement, PointerEvent};
use yew::prelude::*;
use yew::NodeRef;

/// What a press on the plot does. A drag that starts on a point moves it whatever the tool,
/// and a right-click deletes with any tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// A click adds a point of the chosen class (or value), on top of others too.
    Add,
    /// Clicks and drags remove the points under the pointer.
    Erase,
    /// A click follows the nearest point through the network.
    Trace,
}

/// A pointer gesture in progress on the plot.
#[derive(Clone, Copy, Debug)]
pub(super) enum Drag {
    /// Pressed and not moved yet, at `at` (plot units) and (x, y) (CSS pixels), on point
    /// `index` if there is one under the pointer: a drag moves that point, a click does what
    /// the tool does.
    Press {
        index: Option<usize>,
        at: [f32; 2],
        x: f64,
        y: f64,
        /// The class index of a point a click adds (with two classes, shift-click adds the
        /// other).
        class: usize,
    },
    /// Moving a point.
    Move(usize),
    /// Setting a new regression point's value by dragging up or down.
    Value {
        index: usize,
        start_y: f64,
        start_value: f32,
    },
    /// Erasing along the way.
    Erase,
}

/// What the plot's pointer handlers need.
pub(super) struct PlotInput {
    pub(super) session: SharedSession,
    pub(super) drag: Rc<RefCell<Option<Drag>>>,
    pub(super) plot: NodeRef,
    pub(super) updater: Updater,
    /// The class index new points get (0 is class 1).
    pub(super) class: usize,
    pub(super) draw_value: f32,
    /// New points are test points.
    pub(super) draw_test: bool,
    pub(super) tool: Tool,
    /// Whether test points are shown (hidden ones cannot be grabbed).
    pub(super) show_test: bool,
}

/// How far (CSS pixels) a press may wander and still count as a click.
const CLICK_SLOP: f64 = 4.0;

/// How near (CSS pixels) a press must be to a point to grab it.
const GRAB_RADIUS: f64 = 9.0;

/// The plot's pointer-down, pointer-move and pointer-up handlers.
pub(super) fn plot_pointer_handlers(
    input: PlotInput,
) -> (
    Callback<PointerEvent>,
    Callback<PointerEvent>,
    Callback<PointerEvent>,
) {
    let input = Rc::new(input);
    let down = {
        let input = input.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(canvas) = input.plot.cast::<HtmlCanvasElement>() else {
                return;
            };
            e.prevent_default();
            let (px, py) = (e.offset_x() as f64, e.offset_y() as f64);
            let at = plot::to_plot(&canvas, px, py);
            let hit = plot::units_per_pixel(&canvas) * GRAB_RADIUS as f32;
            let Ok(mut s) = input.session.try_borrow_mut() else {
                return input.updater.stuck();
            };
            let under = s.nearest_point(at, hit, input.show_test);
            let class = if e.shift_key() && s.classes() == 2 {
                1 - input.class.min(1)
            } else {
                input.class
            };
            let gesture = if e.button() == 2 || input.tool == Tool::Erase {
                if let Some(i) = under {
                    s.remove_point(i);
                }
                Some(Drag::Erase)
            } else if under.is_some() || input.tool == Tool::Trace {
                // On a point, or tracing: wait to see whether this is a click or a drag.
                Some(Drag::Press {
                    index: under,
                    at,
                    x: px,
                    y: py,
                    class,
                })
            } else {
                add_point(&mut s, &input, at, class, py)
            };
            drop(s);
            if gesture.is_some() {
                let _ = canvas.set_pointer_capture(e.pointer_id());
            }
            *input.drag.borrow_mut() = gesture;
            input.updater.refresh();
        })
    };
    let moved = {
        let input = input.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(gesture) = *input.drag.borrow() else {
                return;
            };
            let Some(canvas) = input.plot.cast::<HtmlCanvasElement>() else {
                return;
            };
            let (px, py) = (e.offset_x() as f64, e.offset_y() as f64);
            let at = plot::to_plot(&canvas, px, py);
            let hit = plot::units_per_pixel(&canvas) * GRAB_RADIUS as f32;
            let gesture = match gesture {
                Drag::Press {
                    index: Some(index),
                    x,
                    y,
                    ..
                } if (px - x).hypot(py - y) > CLICK_SLOP => Drag::Move(index),
                Drag::Press { .. } => return,
                other => other,
            };
            *input.drag.borrow_mut() = Some(gesture);
            input.updater.session(|s| match gesture {
                Drag::Move(i) => s.move_point(i, at),
                Drag::Value {
                    index,
                    start_y,
                    start_value,
                } => {
                    let rise = (start_y - py) / canvas.get_bounding_client_rect().height();
                    s.set_value(index, start_value + 2.0 * rise as f32);
                }
                Drag::Erase => {
                    if let Some(i) = s.nearest_point(at, hit, input.show_test) {
                        s.remove_point(i);
                    }
                }
                Drag::Press { .. } => {}
            });
        })
    };
    let up = Callback::from(move |_: PointerEvent| {
        let gesture = input.drag.borrow_mut().take();
        match gesture {
            // A click: trace the nearest point, or add a point on top of the one under it.
            Some(Drag::Press { at, y, class, .. }) => {
                if input.tool == Tool::Trace {
                    let nearest = input
                        .updater
                        .try_with_session(|s| s.nearest_point(at, f32::INFINITY, input.show_test))
                        .flatten();
                    if let Some(index) = nearest {
                        input.updater.dispatch(Action::Trace(index));
                        // The traced numbers are in the network view: show it.
                        let shown = input.updater.try_with_session(|s| s.settings.companion());
                        if shown.is_some_and(|c| c != Companion::Network) {
                            input.updater.settings(|s| s.companion = Some(Companion::Network));
                        }
                    }
                } else {
                    let Ok(mut s) = input.session.try_borrow_mut() else {
                        return input.updater.stuck();
                    };
                    add_point(&mut s, &input, at, class, y);
                    drop(s);
                    input.updater.commit_points();
                    input.updater.refresh();
                }
            }
            // Any other gesture edited the points: put them in the link.
            Some(_) => input.updater.commit_points(),
            None => {}
        }
    });
    (down, moved, up)
}

/// Adds a point at `at` (of class index `class`, or of the chosen value for regression) and
/// returns the gesture that follows: dragging a new regression point up or down sets its
/// value, dragging a new class point moves it.
fn add_point(
    session: &mut Session,
    input: &PlotInput,
    at: [f32; 2],
    class: usize,
    press_y: f64,
) -> Option<Drag> {
    let regression = session.task() == Task::Regression;
    let outcome = if regression {
        session.add_point(at, input.draw_value, input.draw_test)
    } else {
        session.add_class_point(at, class, input.draw_test)
    };
    match outcome {
        EditOutcome::Added(index) if regression => Some(Drag::Value {
            index,
            start_y: press_y,
            start_value: input.draw_value,
        }),
        EditOutcome::Added(index) => Some(Drag::Move(index)),
        EditOutcome::Refused(why) => {
            input.updater.notices(vec![why.to_string()]);
            None
        }
    }
}
