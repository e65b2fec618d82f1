//! The "Loss surface" companion view without web types: which surface it shows (the exact one
//! over two weights, or a slice through the weights), the path the weights take across it, the
//! optimizer race, and the work of filling the surface between frames.
//!
//! How the page drives it, each animation frame:
//! 1. train with [`SurfaceView::run_frame`], which runs the session's frame at its pace with
//!    every step recorded on the path (or, while the race is on, steps the race in its place);
//! 2. [`SurfaceView::after_frame`]: notices changed settings, data or model, and widens the
//!    window when a path leaves it;
//! 3. [`SurfaceView::refine`] with what is left of the frame's budget;
//! 4. paint when [`SurfaceView::version`] changed: [`SurfaceView::latest`] with
//!    [`SurfaceView::levels`] ([`paint::fill_bands`](super::paint::fill_bands) and
//!    [`paint::contour`](super::paint::contour), whose segments put node (r, c) at (c + ½, r + ½):
//!    a coordinate u of theirs is the fraction (u − ½) / (nodes − 1) of the window), the paths
//!    through `window().to_fraction`, and a click back through `window().from_fraction` into
//!    [`SurfaceView::set_weights_at`].
//!
//! When what is shown goes stale: the exact surface holds the other parameters (the bias) at
//! the values they had when it was made, and a slice goes through the weights of that moment;
//! neither follows training step by step (the picture would never settle). A new model (or a
//! reset) starts everything over; new points or a new penalty re-evaluate the surface on the
//! same slice (the exact surface at the current bias, around the new optimum); new directions
//! settings make a new slice. [`SurfaceView::recentre`], which the page calls when training
//! pauses (and on a "re-centre" button), puts a slice through the current weights, along the
//! same random directions rescaled to them or along the principal directions of the path so
//! far, and remakes the exact surface at the current bias (unless the run overflowed: its bias
//! ran off too). A window that must grow to hold a path keeps its plane, the exact surface's
//! bias included.

use crate::engine::surface::{
    exact_optimum, Directions, ExactAxis, Objective, ParameterLayout, Plane, PlaneKind, Race, Recording,
    Surface, SurfaceError, SurfaceLevel, Window, TRAIL_FLOATS, TRAIL_ROWS,
};
use crate::engine::{FeatureMap, OptimizerKind, TrainConfig, Trainer};
use crate::page::pace::FrameReport;
use crate::page::paint;
use crate::page::session::{HistoryPoint, LossHistory, Session};

/// Multiply-adds of one slice of surface work: about a tenth of a millisecond in the browser.
pub const SLICE_WORK: u64 = 200_000;
/// A slice's window grows to at most this many times its first size (the path's projection can
/// drift far from where the slice was made); a path that runs further leaves the surface.
pub const MAX_GROWTH: f64 = 16.0;
/// The exact surface's window grows to at most this many times its first size: it holds the
/// start and the optimum from the first, so only an overshoot needs room, and a diverging run
/// should leave it while the others still show at their scale.
pub const MAX_EXACT_GROWTH: f64 = 4.0;
/// Points one path keeps (thinned beyond that).
pub const PATH_POINTS: usize = 2000;
/// Contour levels at most.
pub const MAX_LEVELS: usize = 12;
/// Half the side of the first window of an exact surface or a random slice, at least: Li et
/// al. plot ±1 along filter-normalised directions, a whole θ either way.
const UNIT_HALF_WIDTH: f64 = 1.0;
/// Half the side of the first window of a principal slice, at least (the path sets its size).
const PATH_HALF_WIDTH: f64 = 1e-3;
/// Multiply-adds one refresh of the race's losses may spend on each racer.
const RACE_EVALUATION_WORK: usize = 10_000_000;

/// The path of one run across the surface: (a, b) step by step on the current plane, and a
/// trail of whole parameter vectors to re-project it when the plane changes.
#[derive(Clone, Debug)]
struct Track {
    /// (a, b) of the recorded steps, oldest first (rows of two numbers).
    path: Recording,
    trail: Recording,
}

impl Track {
    fn new(layout: &ParameterLayout) -> Self {
        Track {
            path: Recording::new(2, PATH_POINTS),
            trail: Recording::trail(layout),
        }
    }

    /// Records `model` at `step`: its position on `plane` (if any) and its parameters.
    fn record(
        &mut self,
        step: u64,
        plane: Option<&Plane>,
        layout: &ParameterLayout,
        model: &crate::engine::Model,
    ) {
        // Projected only when the recording keeps the step (a long run keeps every k-th).
        if let Some(plane) = plane {
            self.path.record(step, |row| {
                let [a, b] = plane.project_model(model);
                row.copy_from_slice(&[a as f32, b as f32]);
            });
        }
        self.trail.record_parameters(step, layout, model);
    }

    /// Redraws the path on `plane` from the trail (coarser than a path recorded step by step).
    fn reproject(&mut self, plane: &Plane) {
        self.path.clear();
        for (step, theta) in self.trail.rows() {
            let [a, b] = plane.project(theta);
            self.path
                .record(step, |row| row.copy_from_slice(&[a as f32, b as f32]));
        }
    }

    /// The last recorded position.
    fn last(&self) -> Option<[f64; 2]> {
        let n = self.path.len();
        (n > 0).then(|| {
            let row = self.path.row(n - 1);
            [row[0] as f64, row[1] as f64]
        })
    }

    fn positions(&self) -> impl Iterator<Item = [f64; 2]> + '_ {
        self.path.rows().map(|(_, r)| [r[0] as f64, r[1] as f64])
    }

    fn clear(&mut self) {
        self.path.clear();
        self.trail.clear();
    }
}

/// One runner of the race as the view shows it.
#[derive(Clone, Copy, Debug)]
pub struct Lane<'a> {
    /// Its update rule.
    pub kind: OptimizerKind,
    /// Its trainer (weights, step count, divergence).
    pub trainer: &'a Trainer,
    /// Its path on the plane.
    pub path: &'a Recording,
    /// Its training and test loss over the race.
    pub losses: &'a LossHistory,
}

impl Lane<'_> {
    /// A line for the view: the rule, its step and loss, or that it stopped and why.
    pub fn status(&self) -> String {
        let name = optimizer_name(self.kind);
        let step = self.trainer.steps();
        let eta = fmt_value(self.trainer.config.optimizer.learning_rate as f64);
        if self.trainer.diverged() {
            return format!(
                "{name} stopped at step {step}: a number overflowed, so η = {eta} is too large for {name}."
            );
        }
        match self.losses.points().last() {
            Some(p) => format!("{name}: step {step}, training loss {}", fmt_value(p.train)),
            None => format!("{name}: step {step}"),
        }
    }
}

/// SGD, momentum and Adam racing from the weights of the moment the race started.
#[derive(Clone, Debug)]
struct RaceRun {
    race: Race,
    tracks: Vec<Track>,
    losses: Vec<LossHistory>,
    config: TrainConfig,
}

/// What the surface was made for; a change of any part remakes it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key {
    model_version: u64,
    data_version: u64,
    objective: Objective,
    directions: Directions,
    seed: u64,
}

impl Key {
    fn of(session: &Session) -> Key {
        Key {
            model_version: session.model_version(),
            data_version: session.data_version(),
            objective: Objective::of(&session.trainer.config),
            directions: session.settings.surface_directions,
            seed: session.settings.surface_seed,
        }
    }
}

/// The state of the "Loss surface" view: the surface being filled, the main path, the race.
#[derive(Clone, Debug)]
pub struct SurfaceView {
    key: Key,
    layout: ParameterLayout,
    track: Track,
    surface: Result<Surface, SurfaceError>,
    /// Principal directions were asked for but the path was too short: the slice is random.
    fallback: bool,
    captured: Option<f64>,
    /// The trail's length and last step when `captured` was measured.
    captured_for: (usize, u64),
    max_half_width: f64,
    /// The step of the main run when the plane was made.
    made_at_step: u64,
    /// How many surfaces were made, for [`SurfaceView::version`].
    surfaces_made: u64,
    race: Option<RaceRun>,
}

impl SurfaceView {
    /// The view of `session`'s model and points, with the race if the settings ask for it.
    pub fn new(session: &Session) -> Self {
        let layout = ParameterLayout::of(&session.trainer.model);
        let mut view = SurfaceView {
            key: Key::of(session),
            track: Track::new(&layout),
            layout,
            surface: Err(SurfaceError::NoWeights),
            fallback: false,
            captured: None,
            captured_for: (0, 0),
            max_half_width: 0.0,
            made_at_step: 0,
            surfaces_made: 0,
            race: None,
        };
        view.restart(session);
        view
    }

    /// Starts everything over for the session's current model: path, plane, race.
    fn restart(&mut self, session: &Session) {
        self.key = Key::of(session);
        self.layout = ParameterLayout::of(&session.trainer.model);
        self.track = Track::new(&self.layout);
        self.track.record(
            session.trainer.steps(),
            None,
            &self.layout,
            &session.trainer.model,
        );
        self.race = None;
        self.make(session, None);
        if session.settings.race {
            self.start_race(session);
        }
    }

    /// Makes the plane (unless `keep` gives one to keep) and a window around everything that
    /// should show, and starts filling the surface over it.
    fn make(&mut self, session: &Session, keep: Option<Plane>) {
        let trainer = &session.trainer;
        let plane = match keep {
            Some(plane) => Ok(plane),
            None => self.make_plane(session),
        };
        let plane = match plane {
            Ok(plane) => plane,
            Err(why) => {
                self.surface = Err(why);
                self.surfaces_made += 1;
                return;
            }
        };
        self.made_at_step = trainer.steps();
        self.track.reproject(&plane);
        self.track
            .record(trainer.steps(), Some(&plane), &self.layout, &trainer.model);
        if let Some(run) = &mut self.race {
            run.tracks.iter_mut().for_each(|t| t.reproject(&plane));
        }
        let objective = Objective::of(&trainer.config);
        // The window holds the weights, the paths and the optimum, but not a run that ran off:
        // its weights are far away, and its path leaves the surface.
        let mut points: Vec<[f64; 2]> = Vec::new();
        if !ran_off(trainer, &session.history) {
            points.push(plane.project_model(&trainer.model));
            points.extend(self.track.positions());
        }
        if let Some(run) = &self.race {
            let racing = run.race.racers().iter().zip(&run.tracks).zip(&run.losses);
            let lively = racing.filter(|((racer, _), losses)| !ran_off(&racer.trainer, losses));
            points.extend(lively.flat_map(|((_, track), _)| track.positions()));
        }
        points.extend(exact_optimum(&trainer.model, &session.data, objective, &plane));
        let min_half_width = match plane.kind() {
            PlaneKind::Principal { .. } => PATH_HALF_WIDTH,
            _ => UNIT_HALF_WIDTH,
        };
        let window = Window::around(&points, min_half_width);
        let growth = if plane.is_exact() {
            MAX_EXACT_GROWTH
        } else {
            MAX_GROWTH
        };
        self.max_half_width = window.half_width * growth;
        self.captured = plane.captured(&self.track.trail);
        self.captured_for = self.trail_state();
        self.surface = Surface::new(&trainer.model, &session.data, objective, plane, window);
        self.surfaces_made += 1;
    }

    fn make_plane(&mut self, session: &Session) -> Result<Plane, SurfaceError> {
        let model = &session.trainer.model;
        self.fallback = false;
        if let Some(plane) = Plane::exact(model) {
            return Ok(plane);
        }
        let seed = session.settings.surface_seed;
        match session.settings.surface_directions {
            Directions::Random => Plane::random(model, seed),
            Directions::Principal => match Plane::principal(model, &self.pca_trail(), seed) {
                Err(SurfaceError::ShortPath) => {
                    self.fallback = true;
                    Plane::random(model, seed)
                }
                other => other,
            },
        }
    }

    /// The parameter vectors the principal directions come from: the main path's, or while the
    /// race runs the three racers' together (every k-th of them, so no more than one trail holds:
    /// the cost of the directions grows with the square of their number).
    fn pca_trail(&self) -> Recording {
        let Some(run) = &self.race else {
            return self.track.trail.clone();
        };
        let rows: usize = run.tracks.iter().map(|t| t.trail.len()).sum();
        let capacity = TRAIL_ROWS.min(TRAIL_FLOATS / self.layout.len().max(1)).max(2);
        let stride = rows.div_ceil(capacity).max(1);
        let mut all = Recording::new(self.layout.len(), capacity);
        let theta = run
            .tracks
            .iter()
            .flat_map(|t| t.trail.rows().map(|(_, theta)| theta));
        for (i, theta) in theta.step_by(stride).enumerate() {
            all.record(i as u64, |row| row.copy_from_slice(theta));
        }
        all
    }

    /// The main trail's length and last step: what the captured share was measured on.
    fn trail_state(&self) -> (usize, u64) {
        let trail = &self.track.trail;
        (
            trail.len(),
            trail.len().checked_sub(1).map_or(0, |i| trail.step(i)),
        )
    }

    /// Measures the captured share again when the trail has changed (it costs a pass over it).
    fn measure_captured(&mut self) {
        if self.trail_state() != self.captured_for {
            self.captured_for = self.trail_state();
            self.captured = self.plane().and_then(|p| p.captured(&self.track.trail));
        }
    }

    fn tracks(&self) -> impl Iterator<Item = &Track> {
        std::iter::once(&self.track).chain(self.race.iter().flat_map(|r| &r.tracks))
    }

    fn plane(&self) -> Option<&Plane> {
        self.surface.as_ref().ok().map(Surface::plane)
    }

    /// Records the main run's weights after a training step.
    fn record_step(&mut self, trainer: &Trainer) {
        if !self.layout.fits(&trainer.model) {
            return;
        }
        let plane = self.surface.as_ref().ok().map(Surface::plane);
        self.track
            .record(trainer.steps(), plane, &self.layout, &trainer.model);
    }

    /// Call after each frame's training (and after any change to the session): remakes what
    /// the model, points, penalty or directions settings made stale, starts or stops the race
    /// as the settings say, records where the weights are, and widens the window when a path
    /// has left it.
    pub fn after_frame(&mut self, session: &Session) {
        let key = Key::of(session);
        if key.model_version != self.key.model_version || !self.layout.fits(&session.trainer.model) {
            self.restart(session);
            return;
        }
        if key != self.key {
            let data_changed = key.data_version != self.key.data_version;
            let directions_changed = (key.directions, key.seed) != (self.key.directions, self.key.seed);
            self.key = key;
            if data_changed && self.race.is_some() {
                self.start_race(session);
            }
            // A slice keeps its plane when only the points or the penalty change; the exact
            // surface takes the current bias and the new optimum.
            let keep = self
                .plane()
                .filter(|p| !p.is_exact() && !directions_changed)
                .cloned();
            self.make(session, keep);
        }
        match (session.settings.race, self.race.is_some()) {
            (true, false) => self.start_race(session),
            (false, true) => self.race = None,
            _ => {}
        }
        if let Some(run) = &mut self.race {
            if run.config != session.trainer.config {
                run.config = session.trainer.config;
                run.race.configure(&run.config);
            }
        }
        self.record_step(&session.trainer);
        self.measure_captured();
        self.hold_paths();
    }

    /// Widens the window so every path's latest point is on it (up to [`MAX_GROWTH`], or
    /// [`MAX_EXACT_GROWTH`] for the exact surface), on the same plane: the exact surface keeps
    /// holding the bias where it was (a run blowing up takes its bias along, and the surface at
    /// that bias would say nothing about where the path came from).
    fn hold_paths(&mut self) {
        let lasts: Vec<[f64; 2]> = self.tracks().filter_map(Track::last).collect();
        let Ok(surface) = &mut self.surface else { return };
        let mut window = surface.window();
        let mut grown = false;
        for last in lasts {
            if let Some(wider) = window.grown_to_hold(last, self.max_half_width) {
                window = wider;
                grown = true;
            }
        }
        if grown {
            surface.set_window(window);
        }
    }

    /// Fills the surface until `now()` passes `deadline` (milliseconds on the same clock) or it is
    /// finished, in slices of [`SLICE_WORK`] multiply-adds, at least one slice a call. Returns
    /// whether the surface is finished.
    pub fn refine(&mut self, deadline: f64, now: &dyn Fn() -> f64) -> bool {
        let Ok(surface) = &mut self.surface else {
            return true;
        };
        loop {
            if surface.advance(SLICE_WORK) {
                return true;
            }
            if now() >= deadline {
                return false;
            }
        }
    }

    /// Puts a slice through the current weights (random directions rescaled to them, or the
    /// principal directions of the path so far), or remakes the exact surface at the current
    /// bias; re-projects the paths and starts filling again. Call when training pauses. After the
    /// run overflowed it keeps the surface the path left (the last finite weights, the bias among
    /// them, are far off: a surface there would say nothing about the path).
    pub fn recentre(&mut self, session: &Session) {
        if self.race.is_none() && session.trainer.diverged() {
            return;
        }
        self.key = Key::of(session);
        self.make(session, None);
    }

    /// Sets the weights to the point `at` of the plane (w₁, w₂ on the exact surface, where the
    /// bias also goes back to the value the surface holds it at; θ₀ + a·d₁ + b·d₂ on a slice):
    /// training carries on from there with fresh optimizer state, the path starts there, and a
    /// race restarts there. False when there is no surface to click on.
    pub fn set_weights_at(&mut self, session: &mut Session, at: [f64; 2]) -> bool {
        let Ok(surface) = &self.surface else {
            return false;
        };
        if !(at[0].is_finite() && at[1].is_finite()) {
            return false;
        }
        let plane = surface.plane();
        session.edit_weights(|model| plane.write_point(at, model));
        self.key.model_version = session.model_version();
        self.track.clear();
        self.record_step(&session.trainer);
        if self.race.is_some() {
            self.start_race(session);
        }
        true
    }

    /// Starts (or restarts) the race from the session's current weights and settings.
    pub fn start_race(&mut self, session: &Session) {
        let race = Race::new(&session.trainer);
        let plane = self.plane();
        let tracks = race
            .racers()
            .iter()
            .map(|r| {
                let mut track = Track::new(&self.layout);
                track.record(r.trainer.steps(), plane, &self.layout, &r.trainer.model);
                track
            })
            .collect();
        let losses = race.racers().iter().map(|_| LossHistory::new(600)).collect();
        self.race = Some(RaceRun {
            race,
            tracks,
            losses,
            config: session.trainer.config,
        });
        self.refresh_race();
    }

    /// One frame of training at the session's pace (see [`Session::run_frame_with`]): while
    /// the race runs, the race steps in the session's place (its own weights wait); otherwise
    /// the session trains with every step recorded on the path.
    pub fn run_frame(&mut self, session: &mut Session, deadline: f64, now: &dyn Fn() -> f64) -> FrameReport {
        if self.race.is_some() {
            return session.run_frame_with(deadline, now, &mut |_| self.race_step());
        }
        session.run_frame_with(deadline, now, &mut |trainer| {
            let stepped = trainer.step();
            if stepped {
                self.record_step(trainer);
            }
            stepped
        })
    }

    /// One minibatch step of every racer still running, each recorded on its path; false
    /// without a race or when every racer has stopped.
    fn race_step(&mut self) -> bool {
        let plane = self.surface.as_ref().ok().map(Surface::plane);
        let Some(run) = &mut self.race else {
            return false;
        };
        let stepped = run.race.step();
        for (track, racer) in run.tracks.iter_mut().zip(run.race.racers()) {
            track.record(racer.trainer.steps(), plane, &self.layout, &racer.trainer.model);
        }
        stepped
    }

    /// Records each racer's training and test loss (call when the page refreshes its metrics).
    pub fn refresh_race(&mut self) {
        let Some(run) = &mut self.race else { return };
        let per_point = 2 * run.race.racers()[0].trainer.model.parameter_count().max(1);
        let metrics = run
            .race
            .evaluate_sampled((RACE_EVALUATION_WORK / per_point).max(64));
        for ((history, m), racer) in run.losses.iter_mut().zip(metrics).zip(run.race.racers()) {
            if m.train.loss.is_finite() {
                history.record(HistoryPoint {
                    step: racer.trainer.steps(),
                    train: m.train.loss,
                    test: m.test.loss,
                });
            }
        }
    }

    /// The racers, SGD, momentum and Adam in that order (none without a race).
    pub fn lanes(&self) -> impl Iterator<Item = Lane<'_>> {
        self.race.iter().flat_map(|run| {
            run.race
                .racers()
                .iter()
                .zip(&run.tracks)
                .zip(&run.losses)
                .map(|((racer, track), losses)| Lane {
                    kind: racer.kind,
                    trainer: &racer.trainer,
                    path: &track.path,
                    losses,
                })
        })
    }

    /// The main run's path on the plane.
    pub fn path(&self) -> &Recording {
        &self.track.path
    }

    /// Where `trainer`'s weights are on the plane (for a marker at the path's head).
    pub fn position(&self, trainer: &Trainer) -> Option<[f64; 2]> {
        let plane = self.plane()?;
        self.layout
            .fits(&trainer.model)
            .then(|| plane.project_model(&trainer.model))
    }

    /// Whether the model has one unit with one or two weights in play, so the view shows the
    /// exact surface over them (and the directions settings do not apply).
    pub fn is_exact(&self) -> bool {
        self.layout.exact_block().is_some()
    }

    /// Why there is no surface (a sentence for the view), if there is none.
    pub fn problem(&self) -> Option<SurfaceError> {
        self.surface.as_ref().err().copied()
    }

    /// The finest finished level of the surface, with its window.
    pub fn latest(&self) -> Option<SurfaceLevel<'_>> {
        self.surface.as_ref().ok()?.latest()
    }

    /// The window being filled (paths are painted through its `to_fraction`; clicks come back
    /// through `from_fraction`).
    pub fn window(&self) -> Option<Window> {
        self.surface.as_ref().ok().map(Surface::window)
    }

    /// A number that changes whenever [`SurfaceView::latest`] does (also when the surface is
    /// made anew, whose own count starts over).
    pub fn version(&self) -> u64 {
        (self.surfaces_made << 32) + self.surface.as_ref().map_or(0, Surface::version)
    }

    /// How much of the finest grid is filled, from 0 to 1.
    pub fn progress(&self) -> f64 {
        self.surface.as_ref().map_or(0.0, Surface::progress)
    }

    /// Contour levels of the latest level, with labels (at most [`MAX_LEVELS`]).
    pub fn levels(&self) -> Vec<(f64, String)> {
        let Some((lo, hi)) = self.latest().and_then(|l| l.range()) else {
            return Vec::new();
        };
        paint::contour_levels(lo as f64, hi as f64, MAX_LEVELS)
    }

    /// The share of the main path's movement the plane holds (see [`Plane::captured`]).
    pub fn captured(&self) -> Option<f64> {
        self.captured
    }

    /// Names of the two axes: the two weights (and what they multiply) of the exact surface,
    /// or the two directions of a slice.
    pub fn axis_names(&self, session: &Session) -> [String; 2] {
        let Some(PlaneKind::Exact { layer, axes }) = self.plane().map(Plane::kind) else {
            return ["direction 1".into(), "direction 2".into()];
        };
        let inputs = input_names(&session.trainer.model.features, *layer);
        let name = |axis: ExactAxis, k: usize| match axis {
            ExactAxis::Weight(i) if axes[1] == ExactAxis::Bias => format!("w (on {})", inputs(i)),
            ExactAxis::Weight(i) => format!("w{} (on {})", SUBSCRIPTS[k], inputs(i)),
            ExactAxis::Bias => "b".to_string(),
        };
        [name(axes[0], 0), name(axes[1], 1)]
    }

    /// What the view shows, in plain words: which surface or slice, what is held fixed, how
    /// much of the path the plane holds, and on how many points the loss is measured.
    pub fn caption(&self, session: &Session) -> String {
        let surface = match &self.surface {
            Ok(surface) => surface,
            Err(why) => return why.to_string(),
        };
        let plane = surface.plane();
        let what = if surface.objective().l1 != 0.0 || surface.objective().l2 != 0.0 {
            "training loss with its penalty"
        } else {
            "training loss"
        };
        let share = |c: f64| format!("{}%", fmt_value(100.0 * c));
        let captured = self
            .captured
            .map(|c| format!(" The plane holds {} of the path's movement.", share(c)))
            .unwrap_or_default();
        let mut text = match plane.kind() {
            PlaneKind::Exact { axes, .. } => {
                let [a, b] = self.axis_names(session);
                let held = match axes[1] {
                    ExactAxis::Bias => String::new(),
                    ExactAxis::Weight(_) => {
                        let bias = self.layout.blocks()[0].bias.start;
                        format!(
                            ", with the bias b = {} held fixed",
                            fmt_value(plane.origin()[bias] as f64)
                        )
                    }
                };
                let frozen = if session.trainer.model.first_trainable() > 0 {
                    " The random features stay as they were drawn."
                } else {
                    ""
                };
                format!("The exact {what} over {a} and {b}{held}.{frozen}")
            }
            PlaneKind::Random { seed } => {
                let intro = if self.fallback {
                    format!(
                        "The path is too short for its principal directions yet, so this slice of the {what} \
                         uses random directions"
                    )
                } else {
                    format!("A slice of the {what}")
                };
                format!(
                    "{intro}: through the weights of step {} along two random directions (seed {seed}), \
                     each unit's part scaled to that unit's weights; biases stay fixed.{captured}",
                    self.made_at_step
                )
            }
            PlaneKind::Principal { captured, straight } => {
                let whose = if self.race.is_some() {
                    "the racers"
                } else {
                    "the path"
                };
                let second = if *straight {
                    format!(" {whose} moved along a line, so the second direction is a random one across it.")
                } else {
                    String::new()
                };
                format!(
                    "A slice of the {what} through the weights of step {} along the two directions {whose} \
                     moved most, which hold {} of its movement.{second}",
                    self.made_at_step,
                    share(*captured)
                )
            }
        };
        if surface.points_used() < surface.training_points() {
            text.push_str(&format!(
                " Measured on {} of the {} training points, to keep the page quick.",
                surface.points_used(),
                surface.training_points()
            ));
        }
        text
    }
}

/// How many times its starting loss a run's training loss may reach before it counts as running
/// off (at an η too large it climbs like this long before a number overflows).
const RUNAWAY_GROWTH: f64 = 100.0;

/// Whether a run overflowed, or its training loss (as `losses` recorded it) has grown
/// [`RUNAWAY_GROWTH`] times since it started: its weights are running off, and a window fitted
/// to them would shrink every other path to a dot.
fn ran_off(trainer: &Trainer, losses: &LossHistory) -> bool {
    let points = losses.points();
    let grown = match (points.first(), points.last()) {
        (Some(first), Some(last)) => last.train > RUNAWAY_GROWTH * first.train.max(f64::MIN_POSITIVE),
        _ => false,
    };
    trainer.diverged() || grown
}

/// The names of what dense layer `layer` reads: the features φ for the first, hidden units after.
fn input_names(features: &FeatureMap, layer: usize) -> impl Fn(usize) -> String + '_ {
    move |i| {
        if layer == 0 {
            features.label(i).to_string()
        } else {
            format!("h{}", SUBSCRIPTS[i.min(1)])
        }
    }
}

/// The name of an update rule, as the optimizer menu shows it.
pub fn optimizer_name(kind: OptimizerKind) -> &'static str {
    match kind {
        OptimizerKind::Sgd => "SGD",
        OptimizerKind::Momentum => "Momentum",
        OptimizerKind::Adam => "Adam",
    }
}

/// Subscripts for the two axes (an exact plane's unit has at most two inputs).
const SUBSCRIPTS: [&str; 2] = ["₁", "₂"];

/// A number for a caption: three significant digits at most, a minus sign for negatives, and
/// powers of ten below a thousandth and from a million (a loss can be 1e−14 at its exact
/// optimum, and 1e67 on its way to overflowing).
fn fmt_value(v: f64) -> String {
    let text = if v == 0.0 || !v.is_finite() {
        format!("{v}")
    } else if !(1e-3..1e6).contains(&v.abs()) {
        let text = format!("{v:.2e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    } else {
        let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
        let fixed = format!("{v:.digits$}");
        if fixed.contains('.') {
            fixed.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            fixed
        }
    };
    text.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::pace::Pace;
    use crate::page::simulate::session;

    /// Trains one frame of `steps` steps at the fastest pace with the view recording every
    /// step, then lets it catch up.
    fn train(s: &mut Session, view: &mut SurfaceView, steps: u64) {
        let mut settings = (*s.settings).clone();
        settings.pace = Pace::Max;
        settings.play = true;
        s.apply(settings);
        let count = std::cell::Cell::new(0u64);
        let now = || {
            count.set(count.get() + 1);
            count.get() as f64
        };
        // The fake clock ticks once a read, and is read once before the first step and once
        // after each: a deadline of `steps` + 1 reads ends the frame after `steps` steps (fewer
        // when a step overflows).
        let report = view.run_frame(s, (steps + 1) as f64, &now);
        assert!(report.steps == steps || s.trainer.diverged(), "{report:?}");
        view.after_frame(s);
    }

    /// Re-centres `view` on principal directions, checks that its caption says they are the
    /// ones `whose` moved most and that they hold most of the movement; returns the caption and
    /// the share.
    fn recentred_on_principal_directions(view: &mut SurfaceView, s: &Session, whose: &str) -> (String, f64) {
        view.recentre(s);
        let caption = view.caption(s);
        assert!(
            caption.contains(&format!("two directions {whose} moved most")),
            "{caption}"
        );
        let PlaneKind::Principal { captured, .. } = *view.plane().unwrap().kind() else {
            panic!("{caption}")
        };
        assert!(captured > 0.5, "{caption}");
        (caption, captured)
    }

    fn fill(view: &mut SurfaceView) {
        while !view.refine(f64::INFINITY, &|| 0.0) {}
    }

    #[test]
    fn the_linear_model_gets_the_exact_surface_with_the_bias_held() {
        let mut s = session("dataset=plane&model=linear&lr=0.1&n=200");
        let mut view = SurfaceView::new(&s);
        assert_eq!(view.axis_names(&s), ["w₁ (on x₁)", "w₂ (on x₂)"]);
        let bias = s.trainer.model.layers[0].bias[0];
        let caption = view.caption(&s);
        assert!(
            caption.starts_with("The exact training loss over w₁ (on x₁) and w₂ (on x₂)"),
            "{caption}"
        );
        assert!(
            caption.contains(&format!("b = {}", fmt_value(bias as f64))),
            "{caption}"
        );
        fill(&mut view);
        assert_eq!(view.progress(), 1.0);
        let level = view.latest().unwrap();
        assert_eq!(level.nodes, 65);
        // The window holds the weights and the least-squares optimum (the valley's floor).
        let here = view.position(&s.trainer).unwrap();
        assert!(level.window.contains(here));
        let plane = view.plane().unwrap();
        let objective = Objective::of(&s.trainer.config);
        let optimum = exact_optimum(&s.trainer.model, &s.data, objective, plane).unwrap();
        assert!(level.window.contains(optimum));
        let (lowest, _) = level.lowest().unwrap();
        let spacing = level.window.spacing(level.nodes);
        assert!(
            (0..2).all(|k| (lowest[k] - optimum[k]).abs() <= spacing),
            "{lowest:?} {optimum:?}"
        );
        let levels = view.levels();
        assert!((3..=MAX_LEVELS).contains(&levels.len()), "{levels:?}");
        // Training moves the path's head; the exact surface is not remade step by step.
        let version = view.version();
        view.recentre(&s);
        assert!(view.version() > version, "a surface made anew is painted anew");
        fill(&mut view);
        let version = view.version();
        train(&mut s, &mut view, 30);
        assert!(view.path().len() >= 30, "{}", view.path().len());
        let head = view.path().row(view.path().len() - 1);
        let now = view.position(&s.trainer).unwrap();
        assert_eq!([head[0], head[1]], [now[0] as f32, now[1] as f32]);
        assert_eq!(view.version(), version);
    }

    #[test]
    fn a_network_gets_a_random_slice_and_principal_directions_after_training() {
        let mut s = session("dataset=circle&layers=8,8&act=tanh&lr=0.1&n=300");
        let mut view = SurfaceView::new(&s);
        assert_eq!(view.axis_names(&s), ["direction 1", "direction 2"]);
        assert!(
            view.caption(&s).contains("random directions (seed 1)"),
            "{}",
            view.caption(&s)
        );
        assert_eq!(view.position(&s.trainer), Some([0.0, 0.0]));
        // Principal directions asked for before any training: random ones, and the view says so.
        let mut settings = (*s.settings).clone();
        settings.surface_directions = Directions::Principal;
        s.apply(settings);
        view.after_frame(&s);
        assert!(
            view.caption(&s).starts_with("The path is too short"),
            "{}",
            view.caption(&s)
        );
        for _ in 0..20 {
            train(&mut s, &mut view, 20);
        }
        let (caption, captured) = recentred_on_principal_directions(&mut view, &s, "the path");
        assert!(caption.contains('%'), "{caption}");
        assert_eq!(view.captured(), Some(captured));
        // The path is re-projected: its last point is where the weights are now, the centre.
        let last = view.path().row(view.path().len() - 1);
        assert!(last[0].abs() < 1e-6 && last[1].abs() < 1e-6, "{last:?}");
        let window = view.window().unwrap();
        assert!(view
            .path()
            .rows()
            .all(|(_, r)| window.contains([r[0] as f64, r[1] as f64])));
        // Training on runs off the window fitted to the path so far: it grows to hold the head.
        for _ in 0..20 {
            train(&mut s, &mut view, 20);
        }
        let grown = view.window().unwrap();
        assert!(grown.half_width > window.half_width, "{grown:?} from {window:?}");
        assert!(grown.contains(view.position(&s.trainer).unwrap()));
    }

    #[test]
    fn a_diverging_run_leaves_the_exact_surface_which_stays() {
        let mut s = session("dataset=plane&model=linear&lr=3");
        let mut view = SurfaceView::new(&s);
        fill(&mut view);
        let first = view.window().unwrap();
        let caption = view.caption(&s);
        for _ in 0..20 {
            train(&mut s, &mut view, 5);
            if s.trainer.diverged() {
                break;
            }
        }
        assert!(s.trainer.diverged());
        let window = view.window().unwrap();
        assert!(
            window.half_width > first.half_width
                && window.half_width <= MAX_EXACT_GROWTH * first.half_width + 1e-9,
            "{window:?} from {first:?}"
        );
        let head = view.path().row(view.path().len() - 1);
        assert!(
            !window.contains([head[0] as f64, head[1] as f64]),
            "{head:?} left {window:?}"
        );
        // The bias stays where the surface was made, and pausing (re-centring) keeps the surface.
        assert_eq!(view.caption(&s), caption);
        let version = view.version();
        view.recentre(&s);
        assert_eq!((view.version(), view.window()), (version, Some(window)));
    }

    #[test]
    fn clicking_the_surface_sets_the_weights_there() {
        let mut s = session("dataset=gauss&model=linear&n=100");
        let mut view = SurfaceView::new(&s);
        fill(&mut view);
        let version = s.model_version();
        let window = view.window().unwrap();
        let click = window.from_fraction([0.2, 0.9]);
        assert!(view.set_weights_at(&mut s, click));
        assert!(s.model_version() > version, "the plot repaints");
        let w = &s.trainer.model.layers[0].weights;
        assert_eq!([w[0], w[1]], [click[0] as f32, click[1] as f32]);
        assert_eq!(view.path().len(), 1);
        // The surface stays; the loss there is the surface's value there.
        view.after_frame(&s);
        assert_eq!(view.window(), Some(window));
        assert!(!view.set_weights_at(&mut s, [f64::NAN, 0.0]));
    }

    #[test]
    fn the_race_runs_three_paths_and_reports_a_divergence() {
        let mut s = session("dataset=plane&model=linear&lr=3&race=1&play=1&pace=600");
        let mut view = SurfaceView::new(&s);
        let kinds: Vec<_> = view.lanes().map(|l| l.kind).collect();
        assert_eq!(kinds, Race::KINDS);
        // 100 frames of 1/60 s at 600 steps a second: ten steps a frame, the race in the
        // session's place.
        for frame in 0..100 {
            let time = frame as f64 * 1000.0 / 60.0;
            let report = view.run_frame(&mut s, f64::INFINITY, &|| time);
            assert!(frame == 0 || report.steps == 10, "{report:?}");
            view.refresh_race();
            view.after_frame(&s);
        }
        assert_eq!(s.trainer.steps(), 0, "the session's own run waits");
        let lanes: Vec<_> = view.lanes().collect();
        assert!(lanes[0].trainer.diverged() && !lanes[2].trainer.diverged());
        assert!(
            lanes[0].status().starts_with("SGD stopped at step"),
            "{}",
            lanes[0].status()
        );
        assert!(lanes[0].status().contains("η = 3"), "{}", lanes[0].status());
        assert!(
            lanes[2].status().contains("training loss"),
            "{}",
            lanes[2].status()
        );
        assert!(lanes
            .iter()
            .all(|l| l.path.len() > 5 && !l.losses.points().is_empty()));
        // The diverged path ran off: the window grew as far as it may and no further.
        let window = view.window().unwrap();
        assert!(!window.contains(
            lanes[0]
                .path
                .rows()
                .last()
                .map(|(_, r)| [r[0] as f64, r[1] as f64])
                .unwrap()
        ));
        // Remade after the divergence, the window frames the live runs, not the runaway one.
        view.recentre(&s);
        let window = view.window().unwrap();
        let adam = view.lanes().nth(2).unwrap().path;
        let head = adam.row(adam.len() - 1);
        assert!(window.contains([head[0] as f64, head[1] as f64]), "{window:?}");
        assert!(window.half_width < 100.0, "{window:?}");
        // Turning the race off drops it.
        let mut settings = (*s.settings).clone();
        settings.race = false;
        s.apply(settings);
        view.after_frame(&s);
        assert_eq!(view.lanes().count(), 0);
    }

    /// A racer whose loss climbs is left out when the window is fitted, before it overflows:
    /// pausing in the middle of its blow-up must not shrink the other paths to a dot.
    #[test]
    fn a_racer_running_off_is_left_out_of_a_new_window() {
        let s = session("dataset=plane&model=linear&lr=1.5&race=1");
        let mut view = SurfaceView::new(&s);
        let momentum = |view: &SurfaceView| {
            let lane = view.lanes().nth(1).unwrap();
            let losses = lane.losses.points();
            let growth = losses.last().unwrap().train / losses[0].train;
            (lane.trainer.diverged(), growth)
        };
        let mut steps = 0;
        while momentum(&view).1 < 1e6 {
            for _ in 0..10 {
                view.race_step();
            }
            view.refresh_race();
            steps += 10;
            assert!(
                steps < 5000 && !momentum(&view).0,
                "momentum runs off before it overflows"
            );
        }
        view.recentre(&s);
        let window = view.window().unwrap();
        assert!(window.half_width < 10.0, "{window:?}");
        let adam = view.lanes().nth(2).unwrap().path;
        let head = adam.row(adam.len() - 1);
        assert!(window.contains([head[0] as f64, head[1] as f64]), "{window:?}");
    }

    #[test]
    fn principal_directions_of_a_race_come_from_the_three_racers() {
        let s = session("dataset=circle&layers=4&lr=0.3&race=1&surface=pca&n=200");
        let mut view = SurfaceView::new(&s);
        for _ in 0..300 {
            view.race_step();
        }
        view.after_frame(&s);
        recentred_on_principal_directions(&mut view, &s, "the racers");
        // Every racer starts where the main run's weights are: the plane's origin.
        for lane in view.lanes() {
            let first = lane.path.row(0);
            assert!(first[0].abs() < 1e-4 && first[1].abs() < 1e-4, "{first:?}");
        }
    }

    /// With three classes the linear model has a unit per class: six weights, so a slice, on
    /// which the surface at the current weights is the training loss the readouts show.
    #[test]
    fn three_classes_get_a_slice_of_the_softmax_loss() {
        let s = session("dataset=blobs3&n=150&model=linear&lr=0.1");
        let mut view = SurfaceView::new(&s);
        assert!(!view.is_exact());
        assert!(
            view.caption(&s).starts_with("A slice of the training loss"),
            "{}",
            view.caption(&s)
        );
        // The slice goes through the weights, at the middle of the window.
        assert_eq!(view.position(&s.trainer), Some([0.0, 0.0]));
        fill(&mut view);
        let level = view.latest().unwrap();
        let middle = level.nodes / 2;
        assert_eq!(level.window.node(middle, middle, level.nodes), [0.0, 0.0]);
        let here = level.values[middle * level.nodes + middle];
        assert!(
            (here as f64 - s.metrics.train.loss).abs() < 1e-5,
            "{here} {}",
            s.metrics.train.loss
        );
    }

    #[test]
    fn no_points_and_no_weights_are_said_not_shown() {
        let mut s = session("model=features&features=");
        let view = SurfaceView::new(&s);
        assert_eq!(view.problem(), Some(SurfaceError::NoWeights));
        assert_eq!(view.caption(&s), SurfaceError::NoWeights.to_string());
        s.clear_points();
        let mut settings = (*s.settings).clone();
        settings.run.features = vec![crate::engine::HandFeature::X1, crate::engine::HandFeature::X2];
        s.apply(settings);
        let mut view = SurfaceView::new(&s);
        assert_eq!(view.problem(), Some(SurfaceError::NoData));
        assert!(view.refine(0.0, &|| 1.0) && view.latest().is_none() && view.levels().is_empty());
    }

    #[test]
    fn numbers_in_captions_are_short_with_a_minus_sign() {
        assert_eq!(fmt_value(0.123456), "0.123");
        assert_eq!(fmt_value(-0.05), "−0.05");
        assert_eq!(fmt_value(93.71), "93.7");
        assert_eq!(fmt_value(1234.6), "1235");
        assert_eq!(fmt_value(3.0), "3");
        assert_eq!(fmt_value(1.234e-14), "1.23e−14");
        assert_eq!(fmt_value(-5e-4), "−5e−4");
        assert_eq!(fmt_value(0.00123), "0.00123");
        assert_eq!(fmt_value(8.1731e67), "8.17e67");
        assert_eq!(fmt_value(999_999.0), "999999");
    }
}
