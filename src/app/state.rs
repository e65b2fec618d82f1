//! The page's state in one place: one typed [`PageState`] changed only through [`Action`]s by
//! `use_reducer` (as in Yew's `function_todomvc` example). The session (points, trainer) stays
//! in its `use_mut_ref`; the settings here are the session's own `Rc`, never a copy.

use super::backprop::{LinkMode, LinkRef};
use super::painters::DiagramState;
use super::pointer::Tool;
use crate::page::palette::Palette;
use crate::page::session::UnitRef;
use crate::page::settings::Settings;
use std::rc::Rc;
use yew::prelude::*;

/// Everything the page shows that is not the session itself.
#[derive(Clone, Debug)]
pub struct PageState {
    /// The session's settings (the same allocation the session holds).
    pub settings: Rc<Settings>,
    /// What a press on the plot does.
    pub tool: Tool,
    /// The class new points get, as an index (0 is class 1; see `Session::add_class_point`).
    pub class: usize,
    /// The value new regression points get.
    pub draw_value: f32,
    /// New points are test points (drawn hollow), to draw the gap between training and test.
    pub draw_test: bool,
    /// What the backprop views show: link mode, traced point, selected link, hovered and
    /// pinned unit.
    pub diagram: DiagramState,
    /// Large type and fewer controls.
    pub projector: bool,
    /// The colours (and, colour-blind-safe, the marker shapes) of classes and values: this
    /// viewer's choice, kept in this browser, never in the link.
    pub palette: Palette,
    /// The keyboard shortcuts overlay is open.
    pub help: bool,
    /// Messages for the user (values a link or file could not use, refusals).
    pub notices: Vec<String>,
    /// The scene was restored from this browser's storage (the page offers to start fresh).
    pub restored: bool,
}

impl PartialEq for PageState {
    /// Settings compare by pointer: every change makes a new `Rc`.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.settings, &other.settings)
            && self.tool == other.tool
            && self.class == other.class
            && self.draw_value == other.draw_value
            && self.draw_test == other.draw_test
            && self.diagram == other.diagram
            && self.projector == other.projector
            && self.palette == other.palette
            && self.help == other.help
            && self.notices == other.notices
            && self.restored == other.restored
    }
}

impl PageState {
    /// The state a page opens with, in the palette this browser last chose.
    pub fn new(settings: Rc<Settings>, notices: Vec<String>, restored: bool, palette: Palette) -> Self {
        PageState {
            settings,
            tool: Tool::Add,
            class: 0,
            draw_value: 0.5,
            draw_test: false,
            diagram: DiagramState::default(),
            projector: false,
            palette,
            help: false,
            notices,
            restored,
        }
    }
}

/// Every change of the page state.
#[derive(Clone, Debug)]
pub enum Action {
    /// The session's settings changed (the session already holds them).
    Settings(Rc<Settings>),
    /// Choose a tool.
    Tool(Tool),
    /// Choose a tool, or go back to adding points when it is the one in use.
    ToggleTool(Tool),
    /// New points get this class index, 0 for class 1 (and the add tool is chosen).
    Class(usize),
    /// New regression points get this value.
    DrawValue(f32),
    /// New points are test points, or training points.
    DrawTest(bool),
    /// The pointer is over this unit of the diagram (or over none).
    Hover(Option<UnitRef>),
    /// Keep this unit on the plot, or let it go when it is kept already.
    TogglePin(UnitRef),
    /// Select this link, or deselect it when it is selected already.
    ToggleLink(LinkRef),
    /// Trace this point.
    Trace(usize),
    /// Stop tracing.
    StopTrace,
    /// What the diagram's links show.
    LinkMode(LinkMode),
    /// Projector mode on or off.
    ToggleProjector,
    /// Paint in this palette.
    Palette(Palette),
    /// Open or close the shortcuts overlay.
    Help(bool),
    /// Open the shortcuts overlay, or close it when it is open.
    ToggleHelp,
    /// Replace the messages shown (an empty list dismisses them).
    Notices(Vec<String>),
    /// The restored scene was kept or replaced: stop offering the choice.
    DismissRestored,
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let diagram = &mut next.diagram;
        match action {
            Action::Settings(settings) => {
                // Fewer classes than before: draw the last one rather than one that is gone.
                next.class = next.class.min(settings.classes().max(2) - 1);
                next.settings = settings;
            }
            Action::Tool(tool) => next.tool = tool,
            Action::ToggleTool(tool) => next.tool = if next.tool == tool { Tool::Add } else { tool },
            Action::Class(class) => {
                next.class = class;
                next.tool = Tool::Add;
            }
            Action::DrawValue(value) => next.draw_value = value,
            Action::DrawTest(test) => next.draw_test = test,
            Action::Hover(unit) => diagram.hovered = unit,
            Action::TogglePin(unit) => diagram.pinned = toggled(diagram.pinned, unit),
            Action::ToggleLink(link) => diagram.selected = toggled(diagram.selected, link),
            Action::Trace(point) => diagram.trace_point = Some(point),
            Action::StopTrace => diagram.trace_point = None,
            Action::LinkMode(mode) => diagram.mode = Some(mode),
            Action::ToggleProjector => next.projector = !next.projector,
            Action::Palette(palette) => next.palette = palette,
            Action::Help(open) => next.help = open,
            Action::ToggleHelp => next.help = !next.help,
            Action::Notices(list) => next.notices = list,
            Action::DismissRestored => next.restored = false,
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// `Some(value)`, or `None` when `value` is the one already chosen.
fn toggled<T: PartialEq>(current: Option<T>, value: T) -> Option<T> {
    if current.as_ref() == Some(&value) {
        None
    } else {
        Some(value)
    }
}
