//! Pointer input on the plot: what a press does (add, move, retrace or erase points), the
//! gesture in progress, and the plot's pointer-down, pointer-move and pointer-up handlers.

use super::painters::DiagramState;
use super::{plot, SharedSession, Updater};
use crate::engine::Task;
use crate::page::session::EditOutcome;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::{HtmlCanvasElement, PointerEvent};
use yew::prelude::*;
use yew::NodeRef;

/// What a press on the plot does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Add points (or move the one under the pointer).
    Add,
    /// Remove the points under the pointer.
    Erase,
}

/// A pointer gesture in progress on the plot.
#[derive(Clone, Copy, Debug)]
pub(super) enum Drag {
    /// Pressed on an existing point and not moved yet: a click traces it, a drag moves it.
    Press {
        index: usize,
        x: f64,
        y: f64,
    },
    Move(usize),
    Value {
        index: usize,
        start_y: f64,
        start_value: f32,
    },
    Erase,
}

/// What the plot's pointer handlers need.
pub(super) struct PlotInput {
    pub(super) session: SharedSession,
    pub(super) drag: Rc<RefCell<Option<Drag>>>,
    pub(super) plot: NodeRef,
    pub(super) updater: Updater,
    pub(super) notices: UseStateSetter<Vec<String>>,
    pub(super) class: f32,
    pub(super) draw_value: f32,
    pub(super) tool: Tool,
    pub(super) diagram_state: UseStateHandle<DiagramState>,
    /// Whether test points are shown (hidden ones cannot be grabbed).
    pub(super) show_test: bool,
}

/// How far (CSS pixels) a press may wander and still count as a click.
const CLICK_SLOP: f64 = 4.0;

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
            let hit = plot::units_per_pixel(&canvas) * 9.0;
            let Ok(mut s) = input.session.try_borrow_mut() else {
                return input.updater.stuck();
            };
            let gesture = if e.button() == 2 || input.tool == Tool::Erase {
                if let Some(i) = s.nearest_point(at, hit, input.show_test) {
                    s.remove_point(i);
                }
                Some(Drag::Erase)
            } else if let Some(index) = s.nearest_point(at, hit, input.show_test) {
                Some(Drag::Press { index, x: px, y: py })
            } else {
                let regression = s.task() == Task::Regression;
                let y = match (regression, e.shift_key()) {
                    (true, _) => input.draw_value,
                    (false, false) => input.class,
                    (false, true) => -input.class,
                };
                match s.add_point(at, y, false) {
                    EditOutcome::Added(index) if regression => Some(Drag::Value {
                        index,
                        start_y: py,
                        start_value: y,
                    }),
                    EditOutcome::Added(index) => Some(Drag::Move(index)),
                    EditOutcome::Refused(why) => {
                        input.notices.set(vec![why.to_string()]);
                        None
                    }
                }
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
            let hit = plot::units_per_pixel(&canvas) * 9.0;
            let gesture = match gesture {
                Drag::Press { index, x, y } if (px - x).hypot(py - y) > CLICK_SLOP => Drag::Move(index),
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
            // A press that did not move is a click on the point: trace it (or stop tracing it).
            Some(Drag::Press { index, .. }) => {
                let state = *input.diagram_state;
                let trace_point = if state.trace_point == Some(index) {
                    None
                } else {
                    Some(index)
                };
                input.diagram_state.set(DiagramState { trace_point, ..state });
            }
            // Any other gesture edited the points: put them in the link.
            Some(_) => input.updater.commit_points(),
            None => {}
        }
    });
    (down, moved, up)
}
