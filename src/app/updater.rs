//! How components reach the session: the [`Updater`], the [`Summary`] of readouts it refreshes,
//! and what the page shows once a callback the browser cut short left the session borrowed.

use super::handles::try_with;
use super::painters::Painters;
use super::state::{Action, PageState};
use crate::engine::{ConfusionMatrix, Task};
use crate::page::pace::StopReason;
use crate::page::session::{Instability, Session};
use crate::page::settings::Settings;
use crate::page::undo::UndoHistory;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the readouts show; rebuilt from the session a few times a second.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Bumped on every edit so the view repaints even when no number changed.
    pub revision: u64,
    /// Minibatch steps.
    pub steps: u64,
    /// Epochs.
    pub epochs: u64,
    /// Points on the plot.
    pub points: usize,
    /// Training points.
    pub train_points: usize,
    /// Classification or regression.
    pub task: Task,
    /// Mean training loss.
    pub train_loss: f64,
    /// Mean test loss.
    pub test_loss: f64,
    /// Training accuracy or R².
    pub train_score: f64,
    /// Test accuracy or R².
    pub test_score: f64,
    /// Training throughput.
    pub examples_per_sec: f64,
    /// Training stopped because something stopped being a finite number.
    pub diverged: bool,
    /// A blow-up with finite numbers: the loss climbing or swinging (see [`LossWatch`]).
    ///
    /// [`LossWatch`]: crate::page::session::LossWatch
    pub unstable: Option<Instability>,
    /// The learning rate, for the divergence message.
    pub learning_rate: f32,
    /// The metrics come from a sample of the points (the model is too large to evaluate on all).
    pub sampled: bool,
    /// Why training last paused itself, until Play is pressed again.
    pub stop_reason: Option<StopReason>,
    /// The step a link named, while the run trains there at full speed.
    pub going_to_link_step: Option<u64>,
    /// For three or more classes, the confusion matrix (see `Session::confusion`).
    pub confusion: Option<ConfusionMatrix>,
    /// Whether the matrix counts the test points (the training points otherwise).
    pub confusion_on_test: bool,
    /// Compare mode's second run, at the same step.
    pub second: Option<SecondRun>,
}

/// The readouts of compare mode's second run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SecondRun {
    /// Mean training loss.
    pub train_loss: f64,
    /// Mean test loss.
    pub test_loss: f64,
    /// Training accuracy or R².
    pub train_score: f64,
    /// Test accuracy or R².
    pub test_score: f64,
    /// It stopped because something stopped being a finite number (it sits its turns out).
    pub diverged: bool,
}

impl Summary {
    /// The readouts of `session` now, at `revision`, with the throughput given: the numbers of
    /// the run it shows (an earlier step while the page looks back), the alerts of the live
    /// run.
    pub(super) fn of(session: &Session, revision: u64, examples_per_sec: f64) -> Self {
        let shown = session.shown();
        Summary {
            revision,
            steps: shown.trainer.steps(),
            epochs: shown.trainer.epochs(),
            points: session.data.points.len(),
            train_points: session.trainer.train_count(),
            task: session.task(),
            train_loss: shown.metrics.train.loss,
            test_loss: shown.metrics.test.loss,
            train_score: shown.metrics.train.score,
            test_score: shown.metrics.test.score,
            examples_per_sec,
            diverged: session.trainer.diverged(),
            unstable: session.loss_watch.instability(),
            learning_rate: session.settings.run.learning_rate,
            sampled: shown.metrics.train.count < shown.trainer.train_count(),
            second: shown.compare().map(|other| SecondRun {
                train_loss: other.metrics.train.loss,
                test_loss: other.metrics.test.loss,
                train_score: other.metrics.train.score,
                test_score: other.metrics.test.score,
                diverged: other.trainer.diverged(),
            }),
            stop_reason: session.stop_reason(),
            going_to_link_step: session.going_to_link_step(),
            confusion: shown.confusion.clone(),
            confusion_on_test: shown.metrics.test.count > 0,
        }
    }
}

/// The session shared by the page's callbacks.
pub type SharedSession = Rc<RefCell<Session>>;

/// Where the readouts are published. The live component (see `live.rs`) owns the summary's
/// state and registers its setter here on every render, so a refresh re-renders that component
/// and the components that read the summary from its context, and nothing else.
#[derive(Clone, Default)]
pub struct SummaryPublisher(Rc<RefCell<Option<UseStateSetter<Rc<Summary>>>>>);

impl SummaryPublisher {
    /// Makes `setter` the one that publishes from now on.
    pub(super) fn register(&self, setter: UseStateSetter<Rc<Summary>>) {
        if let Ok(mut slot) = self.0.try_borrow_mut() {
            *slot = Some(setter);
        }
    }

    /// Shows `summary` in every readout; before the live component has mounted it is dropped
    /// (the component starts from the session itself).
    pub(super) fn publish(&self, summary: Summary) {
        if let Ok(slot) = self.0.try_borrow() {
            if let Some(setter) = slot.as_ref() {
                setter.set(Rc::new(summary));
            }
        }
    }
}

/// Everything a control needs to change the page: settings (always starting from the
/// session's current ones, never a stale copy), the session itself, and the page state, each
/// change followed by a refresh of the readouts.
///
/// Its methods never panic when the session is still borrowed by a callback the browser cut
/// short (see [`try_with`]): they skip the work and re-render the page, which then
/// says what happened (see [`stopped_view`]).
#[derive(Clone)]
pub struct Updater {
    pub(super) session: SharedSession,
    pub(super) dispatch: UseReducerDispatcher<PageState>,
    pub(super) summary: SummaryPublisher,
    pub(super) revision: Rc<RefCell<u64>>,
    pub(super) stuck: UseForceUpdateHandle,
    /// The edits undo and redo walk through (see `undo_ui.rs`).
    pub(super) history: Rc<RefCell<UndoHistory>>,
}

thread_local! {
    /// What renders read in place of a session left borrowed by a cut-short callback, for the
    /// one render before the page replaces itself with [`stopped_view`].
    static STAND_IN: Session = Session::new(Settings::default());
}

impl PartialEq for Updater {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
    }
}

impl Updater {
    /// Changes the settings with `change` and brings the session up to date; the change can
    /// be undone.
    pub fn settings(&self, change: impl FnOnce(&mut Settings)) {
        let Some(before) = try_with(&self.session, |s| s.settings.clone()) else {
            return self.stuck();
        };
        let mut next = (*before).clone();
        change(&mut next);
        let Some(settings) = try_with(&self.session, |s| {
            s.apply(next);
            s.settings.clone()
        }) else {
            return self.stuck();
        };
        self.record(&before, &settings);
        self.dispatch(Action::Settings(settings));
        self.refresh();
    }

    /// Works on the session directly (editing points, stepping, looking back), then
    /// re-renders. When the work changed the session's settings (what the link says of the
    /// step shown, [`Settings::at`](crate::page::settings::Settings::at)), the page takes
    /// them; the session replaces its `Rc` whenever it changes them, so most work (a point
    /// dragged, a pointer move) costs no comparison.
    pub fn session(&self, work: impl FnOnce(&mut Session)) {
        self.work_on(work, false);
    }

    /// [`Updater::session`] for work the user can undo (the number of classes, points
    /// committed to the link): the settings it changes are recorded for undo. Returns what
    /// `work` returned (`None` when the session was stuck borrowed).
    pub fn edit<R>(&self, work: impl FnOnce(&mut Session) -> R) -> Option<R> {
        self.work_on(work, true)
    }

    /// Records the plot's points in the settings (and so in the link) after an edit, which
    /// can then be undone.
    pub fn commit_points(&self) {
        self.edit(Session::commit_points);
    }

    /// Runs `work` on the session; when it changed the settings, the page takes them (and
    /// records them for undo if `undoable`); then re-renders.
    fn work_on<R>(&self, work: impl FnOnce(&mut Session) -> R, undoable: bool) -> Option<R> {
        let Some((before, after, result)) = try_with(&self.session, |s| {
            let before = s.settings.clone();
            let result = work(s);
            (before, s.settings.clone(), result)
        }) else {
            self.stuck();
            return None;
        };
        if !Rc::ptr_eq(&before, &after) {
            if undoable {
                self.record(&before, &after);
            }
            self.dispatch(Action::Settings(after));
        }
        self.refresh();
        Some(result)
    }

    /// Changes the page state.
    pub fn dispatch(&self, action: Action) {
        self.dispatch.dispatch(action);
    }

    /// Shows `messages` on the page, replacing those shown.
    pub fn notices(&self, messages: Vec<String>) {
        self.dispatch(Action::Notices(messages));
    }

    /// Reads the session from a callback (a click, a download); `None`, doing nothing, when a
    /// callback the browser cut short left it borrowed.
    pub fn try_with_session<R>(&self, read: impl FnOnce(&Session) -> R) -> Option<R> {
        match self.session.try_borrow() {
            Ok(s) => Some(read(&s)),
            Err(_) => {
                self.stuck();
                None
            }
        }
    }

    /// Reads the session while rendering. Renders never run inside a callback, so the session
    /// is free unless a callback was cut short; then this reads a stand-in session for the one
    /// render before the page shows [`stopped_view`] instead.
    pub fn with_session<R>(&self, read: impl FnOnce(&Session) -> R) -> R {
        match self.session.try_borrow() {
            Ok(s) => read(&s),
            Err(_) => {
                self.stuck();
                STAND_IN.with(read)
            }
        }
    }

    /// The next revision number, bumped on every edit so views repaint even when no number
    /// changed.
    pub(super) fn next_revision(&self) -> Option<u64> {
        try_with(&self.revision, |r| {
            *r += 1;
            *r
        })
    }

    /// The current revision number.
    pub(super) fn revision(&self) -> u64 {
        self.revision.try_borrow().map_or(0, |r| *r)
    }

    /// Re-renders the readouts (and so repaints), keeping the last throughput figure.
    pub fn refresh(&self) {
        let Some(revision) = self.next_revision() else {
            return self.stuck();
        };
        match self.try_with_session(|s| Summary::of(s, revision, 0.0)) {
            Some(summary) => self.summary.publish(summary),
            None => self.stuck(),
        }
    }

    /// Re-renders the page, which shows [`stopped_view`] when the session is stuck borrowed.
    pub(crate) fn stuck(&self) {
        self.stuck.force_update();
    }
}

/// The readouts as last published, for components under the live component; they re-render
/// whenever it publishes. Outside it (never, in the page) they read the stand-in session's.
#[hook]
pub fn use_summary() -> Rc<Summary> {
    use_context::<Rc<Summary>>().unwrap_or_else(|| Rc::new(STAND_IN.with(|s| Summary::of(s, 0, 0.0))))
}

/// Whether a callback the browser cut short left the page's state borrowed for good. Renders
/// never run inside a callback, so at render time any borrow is such a leftover.
pub(super) fn is_stuck(session: &RefCell<Session>, painters: &RefCell<Painters>) -> bool {
    session.try_borrow_mut().is_err() || painters.try_borrow_mut().is_err()
}

/// What the page shows once a callback was cut short: the state it was changing may be half
/// changed and stays borrowed, so the page cannot carry on; the link keeps the scene.
pub(super) fn stopped_view() -> Html {
    html! {
        <main class="page">
            <header class="masthead">
                <h1 data-testid="title">{ "nnplay" }</h1>
            </header>
            <div class="notice alarm" role="alert" data-testid="stopped">
                <p><strong>{ "The browser stopped nnplay part-way through its work." }</strong>
                    { " This happens when a script is stopped (Firefox's “Stop” for a slow script, for example).                        What it was changing may be half changed, so the page cannot carry on safely.                        Reload to continue: the link keeps the scene, its settings and the points you drew." }</p>
                <button type="button" class="button primary" data-testid="stopped-reload" onclick={Callback::from(|_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                })}>{ "Reload" }</button>
            </div>
        </main>
    }
}
