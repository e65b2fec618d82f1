//! Undo and redo of what a user edits: points (a whole drag is one edit) and settings (a whole
//! slider drag is one edit). The history keeps the settings as they were before each edit
//! (the points ride in [`Settings::points`] once committed) and hands back the settings to
//! apply; Play and Pause are not edits and are never undone.
//!
//! How the page uses it: after an edit, `record(&before, &session.settings, now)` (for point
//! edits, `before` is the settings before [`Session::commit_points`]); when a gesture ends,
//! `seal()`; on Ctrl+Z, `undo(&session.settings)` and, if it returns settings,
//! [`Session::restore`] them (not recorded again). Ctrl+Shift+Z is the same with `redo`.
//!
//! [`Session::commit_points`]: crate::page::session::Session::commit_points
//! [`Session::restore`]: crate::page::session::Session::restore

use super::settings::Settings;

/// The most edits the history keeps (the oldest go first).
pub const UNDO_DEPTH: usize = 100;
/// The most points the kept settings may hold together, so a history of edits on a plot of
/// 20 000 points stays a few megabytes.
pub const UNDO_POINT_BUDGET: usize = 400_000;
/// Edits of the same thing closer together than this (milliseconds), with no [`UndoHistory::seal`]
/// between them, are one edit: the steps of a drag.
pub const COALESCE_MS: f64 = 1000.0;

/// The history of edits.
#[derive(Clone, Debug, Default)]
pub struct UndoHistory {
    past: Vec<Settings>,
    future: Vec<Settings>,
    open: Option<Group>,
}

/// The edit still growing: what it changes, and when it last did.
#[derive(Clone, Debug, PartialEq)]
struct Group {
    changes: Vec<String>,
    at: f64,
}

impl UndoHistory {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an edit from `before` to `after` made at `now` (milliseconds). It joins the
    /// previous edit when both change the same settings (or both the points), the previous one
    /// was at most [`COALESCE_MS`] earlier, and no [`UndoHistory::seal`] came between. An edit
    /// that changes nothing but Play (or the step shown) is not recorded. Any new edit ends what redo could bring
    /// back.
    pub fn record(&mut self, before: &Settings, after: &Settings, now: f64) {
        let changes = changed_keys(before, after);
        if changes.is_empty() {
            return;
        }
        self.future.clear();
        let joins = self.open.as_ref().is_some_and(|group| {
            group.changes == changes && now - group.at <= COALESCE_MS && now >= group.at
        });
        if !joins {
            self.past.push(before.clone());
            self.trim();
        }
        self.open = Some(Group { changes, at: now });
    }

    /// Ends the current edit: the next one starts a new entry (call when a drag or a slider
    /// gesture ends).
    pub fn seal(&mut self) {
        self.open = None;
    }

    /// The settings before the last edit, to restore, with `current`'s Play state; `current`
    /// becomes what redo brings back. `None` when there is nothing to undo.
    pub fn undo(&mut self, current: &Settings) -> Option<Settings> {
        self.open = None;
        step_between(&mut self.past, &mut self.future, current)
    }

    /// The settings the last undo left, to restore again, with `current`'s Play state. `None`
    /// when there is nothing to redo.
    pub fn redo(&mut self, current: &Settings) -> Option<Settings> {
        self.open = None;
        step_between(&mut self.future, &mut self.past, current)
    }

    /// Whether [`UndoHistory::undo`] would do something (for enabling its button).
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Whether [`UndoHistory::redo`] would do something.
    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// Drops the oldest edits beyond [`UNDO_DEPTH`] or [`UNDO_POINT_BUDGET`].
    fn trim(&mut self) {
        let points = |s: &Settings| s.points.as_ref().map_or(0, Vec::len);
        let mut total: usize = self.past.iter().chain(&self.future).map(points).sum();
        let mut drop = 0;
        while self.past.len() - drop > UNDO_DEPTH || (total > UNDO_POINT_BUDGET && self.past.len() - drop > 1)
        {
            total -= points(&self.past[drop]);
            drop += 1;
        }
        self.past.drain(..drop);
    }
}

/// Takes the settings on top of `from` to restore, with `current`'s Play state, and keeps
/// `current` on `to` to come back to.
fn step_between(from: &mut Vec<Settings>, to: &mut Vec<Settings>, current: &Settings) -> Option<Settings> {
    let target = from.pop()?;
    to.push(current.clone());
    Some(Settings {
        play: current.play,
        at: current.at,
        ..target
    })
}

/// The link keys whose values differ between `a` and `b`, Play and the step shown aside (`pts`
/// for the points).
fn changed_keys(a: &Settings, b: &Settings) -> Vec<String> {
    let pairs = |s: &Settings| -> Vec<(String, String)> {
        Settings {
            points: None,
            play: false,
            at: None,
            ..s.clone()
        }
        .to_hash()
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect()
    };
    let (pa, pb) = (pairs(a), pairs(b));
    let mut keys: Vec<String> = pa
        .iter()
        .filter(|pair| !pb.contains(pair))
        .chain(pb.iter().filter(|pair| !pa.contains(pair)))
        .map(|(k, _)| k.clone())
        .collect();
    if a.points != b.points {
        keys.push("pts".into());
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::session::Session;

    fn with(change: impl FnOnce(&mut Settings)) -> Settings {
        let mut s = Settings::default();
        change(&mut s);
        s
    }

    /// A learning-rate slider dragged through many values is one edit; a seal or a pause
    /// longer than [`COALESCE_MS`] starts another; undo and redo walk back and forth.
    #[test]
    fn a_slider_drag_is_one_edit_and_undo_and_redo_walk_the_history() {
        let mut history = UndoHistory::new();
        let mut current = Settings::default();
        assert!(!history.can_undo() && !history.can_redo());
        for (i, rate) in [0.04, 0.06, 0.1, 0.2].into_iter().enumerate() {
            let mut next = current.clone();
            next.run.learning_rate = rate;
            history.record(&current, &next, 100.0 * i as f64);
            current = next;
        }
        history.seal();
        let mut next = current.clone();
        next.run.learning_rate = 0.5;
        history.record(&current, &next, 500.0);
        current = next;
        let mut next = current.clone();
        next.run.batch_size = 20;
        history.record(&current, &next, 600.0);
        current = next;
        let back = history.undo(&current).unwrap();
        assert_eq!((back.run.learning_rate, back.run.batch_size), (0.5, 10));
        let back = history.undo(&back).unwrap();
        assert_eq!(back.run.learning_rate, 0.2);
        let back = history.undo(&back).unwrap();
        assert_eq!(back, Settings::default(), "the whole drag undone at once");
        assert_eq!(history.undo(&back), None);
        let forward = history.redo(&back).unwrap();
        assert_eq!(forward.run.learning_rate, 0.2);
        let forward = history.redo(&forward).unwrap();
        let forward = history.redo(&forward).unwrap();
        assert_eq!((forward.run.learning_rate, forward.run.batch_size), (0.5, 20));
        assert_eq!(history.redo(&forward), None);
        // Two changes of the same slider more than a second apart are two edits.
        let mut history = UndoHistory::new();
        let a = with(|s| s.run.learning_rate = 0.1);
        let b = with(|s| s.run.learning_rate = 0.2);
        history.record(&Settings::default(), &a, 0.0);
        history.record(&a, &b, 5000.0);
        assert_eq!(history.undo(&b).unwrap(), a);
    }

    /// Play is not an edit: toggling it is not recorded, and undo keeps the current Play.
    #[test]
    fn play_is_never_undone() {
        let mut history = UndoHistory::new();
        let playing = with(|s| s.play = true);
        history.record(&Settings::default(), &playing, 0.0);
        assert!(!history.can_undo());
        let edited = with(|s| s.noise = 0.3);
        history.record(&Settings::default(), &edited, 10.0);
        let now_playing = Settings { play: true, ..edited };
        let back = history.undo(&now_playing).unwrap();
        assert!(back.play);
        assert_eq!(back.noise, 0.0);
    }

    /// The step shown (the timeline's, in the link) is not an edit either: scrubbing records
    /// nothing, and undo keeps the step shown now.
    #[test]
    fn the_step_shown_is_never_undone() {
        let mut history = UndoHistory::new();
        let looking_back = with(|s| s.at = Some(40));
        history.record(&Settings::default(), &looking_back, 0.0);
        assert!(!history.can_undo());
        let edited = with(|s| s.noise = 0.3);
        history.record(&Settings::default(), &edited, 10.0);
        let back = history
            .undo(&Settings {
                at: Some(7),
                ..edited
            })
            .unwrap();
        assert_eq!((back.at, back.noise), (Some(7), 0.0));
    }

    /// A drag of a point is one edit; undoing it puts the point back and the model keeps
    /// its weights and step count; redo moves it again; a new edit ends redo.
    #[test]
    fn a_point_drag_is_undone_in_one_step_and_training_goes_on() {
        let mut session = Session::new(Settings::default());
        let mut history = UndoHistory::new();
        session.commit_points();
        for _ in 0..20 {
            session.step_once();
        }
        let original = session.data.points[0].x;
        let before = (*session.settings).clone();
        for (i, x) in [0.1f32, 0.2, 0.3].into_iter().enumerate() {
            session.move_point(0, [x, x]);
            // The app commits once the pointer is released; a drag records once then.
            if i == 2 {
                session.commit_points();
                history.record(&before, &session.settings, 0.0);
                history.seal();
            }
        }
        let moved = session.data.points[0].x;
        assert_ne!(moved, original);
        let weights = session.trainer.model.clone();
        let undone = history.undo(&session.settings).unwrap();
        session.restore(undone);
        assert_eq!(session.data.points[0].x, original);
        assert_eq!(session.trainer.model, weights, "the model keeps its weights");
        assert_eq!(session.trainer.steps(), 20);
        let redone = history.redo(&session.settings).unwrap();
        session.restore(redone);
        assert_eq!(session.data.points[0].x, moved);
        let before = (*session.settings).clone();
        session.remove_point(3);
        session.commit_points();
        history.record(&before, &session.settings, 10.0);
        assert!(!history.can_redo());
        // Undoing a setting change goes through apply as any change does.
        let before = (*session.settings).clone();
        let mut wider = before.clone();
        wider.run.layers = vec![4];
        session.apply(wider.clone());
        history.record(&before, &wider, 20.0);
        session.restore(history.undo(&session.settings).unwrap());
        assert_eq!(session.trainer.model.layers[0].outputs, 8);
    }

    /// The history keeps at most [`UNDO_DEPTH`] edits and about [`UNDO_POINT_BUDGET`] points.
    #[test]
    fn the_history_is_bounded() {
        let mut history = UndoHistory::new();
        let mut current = Settings::default();
        for i in 0..(UNDO_DEPTH + 20) {
            let next = Settings {
                seed: i as u64 + 2,
                ..current.clone()
            };
            history.record(&current, &next, 0.0);
            history.seal();
            current = next;
        }
        assert_eq!(history.past.len(), UNDO_DEPTH);
        let many = |n: usize| {
            with(|s| {
                s.points = Some(vec![
                    crate::engine::Point {
                        x: [0.0, 0.0],
                        y: 1.0,
                        test: false
                    };
                    n
                ])
            })
        };
        let mut history = UndoHistory::new();
        for i in 0..10 {
            history.record(&many(100_000 + i), &many(100_001 + i), 0.0);
            history.seal();
        }
        let kept: usize = history
            .past
            .iter()
            .map(|s| s.points.as_ref().map_or(0, Vec::len))
            .sum();
        assert!(
            kept <= UNDO_POINT_BUDGET && history.past.len() == 3,
            "{kept} points in {}",
            history.past.len()
        );
    }
}
