//! The components that show the live numbers around the plot: the plot canvas with its pointer
//! input, the loss chart, and the two learning-rate alerts. Each reads the readouts through
//! [`use_summary`], so a refresh re-renders (and repaints) these and not the page around them.

use super::backprop_panel::SharedPainters;
use super::painters::{Canvases, DiagramState};
use super::plot::{self, ViewOptions};
use super::pointer::{plot_pointer_handlers, Drag, PlotInput, Tool};
use super::{panel, use_summary, Updater};
use crate::page::limits;
use crate::page::session::Instability;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The pointer gesture in progress on the plot, shared with the page (compared by identity).
#[derive(Clone)]
pub struct SharedDrag(pub Rc<RefCell<Option<Drag>>>);

impl PartialEq for SharedDrag {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Properties of [`PlotView`].
#[derive(Properties, PartialEq)]
pub struct PlotViewProps {
    /// Access to the session and the page state.
    pub updater: Updater,
    /// What paints the plot.
    pub painters: SharedPainters,
    /// The page's canvases (the plot's among them).
    pub canvases: Canvases,
    /// The gesture in progress.
    pub drag: SharedDrag,
    /// The class index new points get (0 is class 1).
    pub class: usize,
    /// The value new regression points get.
    pub draw_value: f32,
    /// New points are test points.
    pub draw_test: bool,
    /// What a press does.
    pub tool: Tool,
    /// Display options.
    pub view: ViewOptions,
    /// What the diagram focuses and traces (the plot shows a focused unit instead of the
    /// output, and rings the traced point).
    pub diagram: DiagramState,
}

/// The input plane: the canvas, its pointer input, and the legend of the lines it may draw.
/// It repaints after every render (edits, setting changes, readout refreshes).
#[function_component(PlotView)]
pub fn plot_view(props: &PlotViewProps) -> Html {
    use_summary();
    {
        let (updater, painters, canvases) = (
            props.updater.clone(),
            props.painters.0.clone(),
            props.canvases.clone(),
        );
        use_effect(move || {
            // While training, the loop keeps the heatmap current; a render only redraws.
            if let (Ok(mut s), Ok(mut p)) = (updater.session.try_borrow_mut(), painters.try_borrow_mut()) {
                let playing = s.settings.play;
                p.paint_plot(&canvases, &mut s, playing);
            }
        });
    }
    let (onpointerdown, onpointermove, onpointerup) = plot_pointer_handlers(PlotInput {
        session: props.updater.session.clone(),
        drag: props.drag.0.clone(),
        plot: props.canvases.plot.clone(),
        updater: props.updater.clone(),
        class: props.class,
        draw_value: props.draw_value,
        draw_test: props.draw_test,
        tool: props.tool,
        show_test: props.view.show_test,
    });
    let oncontextmenu = Callback::from(|e: MouseEvent| e.prevent_default());
    let legend = props
        .view
        .show_lines
        .then(|| {
            props.updater.try_with_session(|s| {
                plot::has_unit_lines(s).then(|| plot::lines_legend(s, props.diagram.focus().is_some()))
            })
        })
        .flatten()
        .flatten()
        .or_else(|| {
            let score_lines = props.diagram.focus().is_none()
                && props.updater.try_with_session(super::score_lines::shown) == Some(true);
            score_lines.then(super::score_lines::legend)
        });
    let cursor = match props.tool {
        Tool::Add => None,
        Tool::Erase => Some("tool-erase"),
        Tool::Trace => Some("tool-trace"),
    };
    html! {
        <div class="plot-box">
            <canvas ref={props.canvases.plot.clone()} class={classes!("plot", cursor)} data-testid="plot"
                aria-label="The input plane: click to add a point, drag a point to move it, right-click to delete"
                {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}
                {oncontextmenu} />
            { for legend }
        </div>
    }
}

/// Properties of [`LossChart`].
#[derive(Properties, PartialEq)]
pub struct LossChartProps {
    /// Access to the session.
    pub updater: Updater,
    /// What paints the chart.
    pub painters: SharedPainters,
    /// The page's canvases (the chart's among them).
    pub canvases: Canvases,
}

/// The loss chart, repainted when the readouts refresh (and only when its history changed).
#[function_component(LossChart)]
pub fn loss_chart(props: &LossChartProps) -> Html {
    use_summary();
    {
        let (updater, painters, canvases) = (
            props.updater.clone(),
            props.painters.0.clone(),
            props.canvases.clone(),
        );
        use_effect(move || {
            if let (Ok(s), Ok(mut p)) = (updater.session.try_borrow(), painters.try_borrow_mut()) {
                p.paint_loss_chart(&canvases, &s);
            }
        });
    }
    html! {
        <div class="chart-box">
            <p class="chart-caption">{ "Loss against training steps: " }
                <span class="key train">{ "training" }</span>{ " and " }<span class="key test">{ "test" }</span></p>
            <canvas ref={props.canvases.loss.clone()} class="chart" data-testid="loss-chart" aria-label="Loss over training steps" />
        </div>
    }
}

/// The alerts about the learning rate: training stopped because a number overflowed, or the
/// numbers stay finite but the loss climbs or swings. Both suggest a tenth of the learning
/// rate (within its range).
#[function_component(Alerts)]
pub fn alerts() -> Html {
    let summary = use_summary();
    let suggestion = panel::format_rate((summary.learning_rate / 10.0).max(limits::LEARNING_RATE.0));
    let rate = panel::format_rate(summary.learning_rate);
    if summary.diverged {
        return html! {
            <div class="notice alarm" role="alert" data-testid="divergence">
                <p><strong>{ "Training stopped: the loss blew up." }</strong>
                    { format!(" At step {} the numbers grew too large to represent (the learning rate η = {rate} is too big for this model). \
                       The weights are kept as they were before that step. Lower the learning rate, to {suggestion} for example, and press Play; \
                       if it stops again at once, press Reset.", summary.steps) }</p>
            </div>
        };
    }
    // Training goes on (the numbers are finite), but the page says it is not learning.
    let Some(unstable) = summary.unstable else {
        return Html::default();
    };
    let what = match unstable {
        Instability::Rising { from, to } => format!(
            "Over the last few readings the training loss has stayed far above where it started ({from:.3}), at about {to:.3}."
        ),
        Instability::Swinging { low, high } => {
            format!("The training loss jumps between {low:.3} and {high:.3} without settling.")
        }
    };
    html! {
        <div class="notice alarm" role="alert" data-testid="instability">
            <p><strong>{ "The model is not learning: the steps are too large." }</strong>
                { format!(" {what} The learning rate η = {rate} makes each step overshoot. \
                   Lower it, to {suggestion} for example (training goes on from here), or press Reset as well.") }</p>
        </div>
    }
}
