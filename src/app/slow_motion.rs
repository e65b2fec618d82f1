//! Slow motion: at a pace of at most [`SLOW_MOTION_PACE`] steps a second, each step's change is
//! played out on screen, the decision boundary and the diagram's links moving from where they
//! were before the step to where it left them (see [`crate::page::motion::part_way`]).

use crate::engine::Model;
use crate::page::motion::part_way;
use crate::page::session::Session;

/// Paces at or below this many steps a second animate each step.
pub const SLOW_MOTION_PACE: f64 = 2.0;
/// The share of the time between two steps that a step's animation takes.
const ANIMATED_SHARE: f64 = 0.6;
/// The longest a step's animation lasts, in milliseconds (at one step every 2 s, 1.2 s).
const LONGEST_ANIMATION_MS: f64 = 1200.0;

/// Which step is being animated and since when, and the model shown part way through it.
#[derive(Default)]
pub struct SlowMotion {
    /// The model version and step count last seen.
    seen: Option<(u64, u64)>,
    /// When the step being animated was seen (milliseconds), if one is.
    step_at: Option<f64>,
    /// The model part way through the step, reused from frame to frame.
    shown: Option<Model>,
}

impl SlowMotion {
    /// How far through the animation of the last step the page is at `now` (milliseconds):
    /// `Some(t)` with t from 0 to 1 while a step taken in slow motion plays out, `None` when
    /// the model on screen is simply the session's (not playing, a faster pace, the
    /// animation over, or a new model).
    pub fn progress(&mut self, session: &Session, now: f64) -> Option<f32> {
        let seen = (session.model_version(), session.trainer.steps());
        match self.seen.replace(seen) {
            Some((model, steps)) if model == seen.0 && steps < seen.1 => self.step_at = Some(now),
            Some(previous) if previous == seen => {}
            // A new model, or the first look: nothing to animate.
            _ => self.step_at = None,
        }
        let rate = session.settings.pace.steps_per_second()?;
        if !session.settings.play || rate > SLOW_MOTION_PACE {
            return None;
        }
        let duration = (ANIMATED_SHARE * 1000.0 / rate).min(LONGEST_ANIMATION_MS);
        let t = (now - self.step_at?) / duration;
        (0.0..1.0).contains(&t).then_some(t as f32)
    }

    /// Runs `paint` on `session` with its model shown a fraction `t` of the way through the
    /// last step (the session's own model when `t` is `None`), and puts the model back.
    pub fn showing<R>(
        &mut self,
        session: &mut Session,
        t: Option<f32>,
        paint: impl FnOnce(&mut Session) -> R,
    ) -> R {
        let Some(t) = t else {
            return paint(session);
        };
        let shown = self.shown.get_or_insert_with(|| session.trainer.model.clone());
        part_way(&session.trainer, t, shown);
        std::mem::swap(&mut session.trainer.model, shown);
        let painted = paint(session);
        std::mem::swap(&mut session.trainer.model, shown);
        painted
    }
}
