//! Everything that draws on the page's canvases, with the `NodeRef`s it draws into. The render
//! effect and the animation loop call the same two entry points, so a frame looks the same
//! whichever of them painted it. The plot and the backprop views draw what the session shows
//! ([`Session::with_shown`]: a copy at an earlier step while the page looks back), with compare
//! mode's second run beside it; the loss chart draws the live run's whole history.

use super::backprop::{self, DiagramOptions, DiagramPainter, LinkMode, LinkRef};
use super::chart::{self, LossOverlay};
use super::plot::{PlotPainter, ViewOptions};
use super::slow_motion::SlowMotion;
use super::surface_paint::SurfacePainter;
use crate::page::palette::Palette;
use crate::page::session::{Session, UnitRef};
use web_sys::HtmlCanvasElement;
use yew::NodeRef;

/// The canvases of the page.
#[derive(Clone, Default, PartialEq)]
pub struct Canvases {
    /// The input plane.
    pub plot: NodeRef,
    /// Compare mode's second run on the input plane.
    pub plot_2: NodeRef,
    /// The loss chart.
    pub loss: NodeRef,
    /// The network diagram.
    pub diagram: NodeRef,
    /// Weight and gradient matrices.
    pub matrices: NodeRef,
    /// Gradient norms over time.
    pub norms: NodeRef,
    /// The loss surface's map.
    pub surface: NodeRef,
    /// The optimizer race's losses.
    pub race: NodeRef,
}

/// What the backprop views are showing, chosen by the user.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DiagramState {
    /// Weights or gradients on the links.
    pub mode: Option<LinkMode>,
    /// The point whose forward and backward pass is written on the diagram.
    pub trace_point: Option<usize>,
    /// The selected link.
    pub selected: Option<LinkRef>,
    /// The unit under the pointer.
    pub hovered: Option<UnitRef>,
    /// The unit clicked to keep it on the plot.
    pub pinned: Option<UnitRef>,
}

impl DiagramState {
    /// The unit the plot shows instead of the output, if any.
    pub fn focus(&self) -> Option<UnitRef> {
        self.pinned.or(self.hovered)
    }

    /// The link mode (weights unless chosen otherwise).
    pub fn link_mode(&self) -> LinkMode {
        self.mode.unwrap_or(LinkMode::Weights)
    }
}

/// The painters and their reusable buffers, plus the view state they paint with.
#[derive(Default)]
pub struct Painters {
    plot: PlotPainter,
    second_plot: PlotPainter,
    /// What the loss chart and the backprop views were last painted from: unchanged inputs
    /// skip the (slow) repaint.
    loss_key: Option<LossKey>,
    backprop_key: Option<BackpropKey>,
    diagram: DiagramPainter,
    matrix_pixels: Vec<u8>,
    /// Display options.
    pub view: ViewOptions,
    /// The backprop views' state.
    pub diagram_state: DiagramState,
    /// Each step's change played out at slow paces.
    motion: SlowMotion,
    /// The plot and the backprop views last showed a model part way through a step.
    plot_part_way: bool,
    backprop_part_way: bool,
    /// The loss-surface view: its state while open, and its map.
    pub surface: SurfacePainter,
}

impl Painters {
    /// Paints the plot (every animation frame while training), and in compare mode the second
    /// run's beside it (without the diagram's focus, which is on the first run's units).
    /// With `reuse_grid`, a heatmap grid that is only some training steps old is kept (the
    /// training loop refreshes it on its next frame).
    /// In slow motion it shows the model part way through its last step (not while looking
    /// back, which shows a snapshot).
    pub fn paint_plot(&mut self, canvases: &Canvases, session: &mut Session, reuse_grid: bool) {
        let part_way = self.motion.progress(session, super::now_ms());
        let part_way = part_way.filter(|_| session.looking_back().is_none());
        if part_way.is_some() || self.plot_part_way {
            self.plot.forget_grid();
        }
        self.plot_part_way = part_way.is_some();
        let (state, view) = (self.diagram_state, self.view);
        let (plot, second, motion) = (&mut self.plot, &mut self.second_plot, &mut self.motion);
        session.with_shown(|shown| {
            if let Some(canvas) = canvases.plot.cast::<HtmlCanvasElement>() {
                let focus = valid_unit(shown, state.focus());
                motion.showing(shown, part_way, |shown| {
                    plot.paint(&canvas, shown, view, focus, state.trace_point, reuse_grid)
                });
            }
            if let (Some(canvas), Some(other)) =
                (canvases.plot_2.cast::<HtmlCanvasElement>(), shown.compare_mut())
            {
                second.paint(&canvas, other, view, None, state.trace_point, reuse_grid);
            }
        });
    }

    /// Whether a step is playing out in slow motion (or has just finished and the backprop
    /// views still show it part way): the training loop then repaints them every frame.
    pub fn in_slow_motion(&self) -> bool {
        self.plot_part_way || self.backprop_part_way
    }

    /// Paints the loss chart, unless nothing it shows has changed.
    pub fn paint_loss_chart(&mut self, canvases: &Canvases, session: &Session) {
        if let Some(canvas) = canvases.loss.cast::<HtmlCanvasElement>() {
            let overlay = LossOverlay {
                second: session.compare().map(|other| other.history.points()),
                marker: session.looking_back().map(|view| view.step()),
            };
            let key = LossKey {
                samples: session.history.points().len(),
                last_step: session.history.points().last().map(|p| p.step),
                model: session.model_version(),
                second: overlay.second.map(|run| (run.len(), run.last().map(|p| p.step))),
                marker: overlay.marker,
                log_scale: self.view.log_scale,
                log_steps: self.view.log_steps,
                canvas: canvas_shape(&[&canvases.loss]),
            };
            if self.loss_key.as_ref() != Some(&key) {
                chart::draw_loss_chart(
                    &canvas,
                    session.history.points(),
                    overlay,
                    self.view.log_scale,
                    self.view.log_steps,
                );
                // Painting sized the backing store: remember the shape it has now.
                self.loss_key = Some(LossKey {
                    canvas: canvas_shape(&[&canvases.loss]),
                    ..key
                });
            }
        }
    }

    /// Paints the backprop views of what the session shows: diagram, matrices and the
    /// gradient-norm chart (with the second run's in compare mode), unless nothing they show
    /// has changed (an edit of the points changes only a trace through them).
    /// In slow motion they show the model part way through its last step (not while looking
    /// back).
    pub fn paint_backprop(&mut self, canvases: &Canvases, session: &mut Session) {
        let part_way = self.motion.progress(session, super::now_ms());
        let part_way = part_way.filter(|_| session.looking_back().is_none());
        if part_way.is_some() || self.backprop_part_way {
            self.backprop_key = None;
        }
        self.backprop_part_way = part_way.is_some();
        let mut motion = std::mem::take(&mut self.motion);
        session.with_shown(|shown| {
            motion.showing(shown, part_way, |shown| self.paint_backprop_now(canvases, shown))
        });
        self.motion = motion;
    }

    fn paint_backprop_now(&mut self, canvases: &Canvases, session: &mut Session) {
        let key = BackpropKey {
            model: session.model_version(),
            steps: session.trainer.steps(),
            state: self.diagram_state,
            palette: self.view.palette,
            log_steps: self.view.log_steps,
            data: self.diagram_state.trace_point.map(|_| session.data_version()),
            second: session.compare().map(|other| other.model_version()),
            canvases: canvas_shape(&[&canvases.diagram, &canvases.matrices, &canvases.norms]),
        };
        if self.backprop_key.as_ref() == Some(&key) {
            return;
        }
        if let Some(canvas) = canvases.diagram.cast::<HtmlCanvasElement>() {
            let options = self.diagram_options(session);
            self.diagram.paint(&canvas, session, &options);
        }
        if let Some(canvas) = canvases.matrices.cast::<HtmlCanvasElement>() {
            backprop::draw_matrices(&canvas, session, self.view.palette, &mut self.matrix_pixels);
        }
        if let Some(canvas) = canvases.norms.cast::<HtmlCanvasElement>() {
            let frozen = |s: &Session| {
                s.trainer
                    .model
                    .layers
                    .iter()
                    .map(|l| l.frozen)
                    .collect::<Vec<bool>>()
            };
            let ours = frozen(session);
            let second = session
                .compare()
                .map(|other| (other.gradient_history.points(), frozen(other)));
            backprop::draw_norm_chart(
                &canvas,
                (session.gradient_history.points(), &ours),
                second.as_ref().map(|(run, frozen)| (*run, &frozen[..])),
                self.view.log_steps,
            );
        }
        // Painting sized the backing stores: remember the shapes they have now.
        self.backprop_key = Some(BackpropKey {
            canvases: canvas_shape(&[&canvases.diagram, &canvases.matrices, &canvases.norms]),
            ..key
        });
    }

    /// What the diagram shows now: the trace of the chosen point, if it still exists.
    fn diagram_options(&self, session: &Session) -> DiagramOptions {
        let state = self.diagram_state;
        DiagramOptions {
            mode: state.link_mode(),
            trace: trace_of(session, state.trace_point),
            selected: state.selected.filter(|l| link_exists(session, *l)),
            focus: valid_unit(session, state.focus()),
            palette: self.view.palette,
        }
    }

    /// What is under the pointer on the diagram.
    pub fn diagram_hit(&self, x: f64, y: f64) -> Option<backprop::DiagramHit> {
        self.diagram.hit(x, y)
    }
}

/// The inputs of the loss chart's last paint.
#[derive(Clone, Debug, PartialEq)]
struct LossKey {
    samples: usize,
    last_step: Option<u64>,
    model: u64,
    second: Option<(usize, Option<u64>)>,
    marker: Option<u64>,
    log_scale: bool,
    log_steps: bool,
    canvas: Vec<(u32, u32, i32, i32)>,
}

/// The inputs of the backprop views' last paint.
#[derive(Clone, Debug, PartialEq)]
struct BackpropKey {
    model: u64,
    steps: u64,
    state: DiagramState,
    palette: Palette,
    log_steps: bool,
    data: Option<u64>,
    second: Option<u64>,
    canvases: Vec<(u32, u32, i32, i32)>,
}

/// Each canvas's backing store and CSS size: a canvas Yew replaced, or one the window resized,
/// no longer matches its last paint.
fn canvas_shape(refs: &[&NodeRef]) -> Vec<(u32, u32, i32, i32)> {
    refs.iter()
        .filter_map(|r| r.cast::<HtmlCanvasElement>())
        .map(|c| {
            let rect = c.get_bounding_client_rect();
            (c.width(), c.height(), rect.width() as i32, rect.height() as i32)
        })
        .collect()
}

/// The single-example trace of point `index`, if there is such a point.
pub fn trace_of(session: &Session, index: Option<usize>) -> Option<crate::engine::Trace> {
    let p = session.data.points.get(index?)?;
    Some(session.trainer.model.trace(p.x, p.y, session.trainer.config.loss))
}

/// Whether `link` exists in the session's model.
pub fn link_exists(session: &Session, link: LinkRef) -> bool {
    session
        .trainer
        .model
        .layers
        .get(link.layer)
        .is_some_and(|l| link.to < l.outputs && link.from < l.inputs)
}

fn valid_unit(session: &Session, unit: Option<UnitRef>) -> Option<UnitRef> {
    let model = &session.trainer.model;
    unit.filter(|u| {
        if u.layer == 0 {
            u.unit < model.features.width()
        } else {
            model.layers.get(u.layer - 1).is_some_and(|l| u.unit < l.outputs)
        }
    })
}
