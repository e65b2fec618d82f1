//! How fast training runs, in minibatch steps a second of wall time rather than steps a frame,
//! so a scene looks the same on a 60 Hz laptop and a 144 Hz one, and the reasons training may
//! pause itself (a step count reached, an accuracy reached, a run of N steps done).
//!
//! The [`Pacer`] turns elapsed time into steps due: a frame at time t runs the steps due by t,
//! and the frame's time budget caps them (steps the budget could not fit are dropped, not
//! owed, so a slow machine runs slower instead of falling ever further behind).

use super::limits;
use std::fmt;
use std::str::FromStr;

/// The pace of training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// This many minibatch steps a second (below 1 for slow motion: 0.5 is a step every 2 s).
    PerSecond(f32),
    /// As many steps as fit into each frame's time budget.
    Max,
}

/// The default pace. At this pace the circle (`dataset=circle`) with the default 8,8 tanh
/// network reaches 99% test accuracy in under 1.2 s of play, as fast as TensorFlow Playground
/// does by default (measured by `the_default_pace_fits_the_circle_as_fast_as_tensorflow_playground`).
pub const DEFAULT_PACE: Pace = Pace::PerSecond(2000.0);

/// The paces a slider offers, slowest first: slow motion, round numbers in 1–2–5 steps, and
/// the machine's limit.
pub const PACE_NOTCHES: [Pace; 17] = [
    Pace::PerSecond(0.5),
    Pace::PerSecond(1.0),
    Pace::PerSecond(2.0),
    Pace::PerSecond(5.0),
    Pace::PerSecond(10.0),
    Pace::PerSecond(20.0),
    Pace::PerSecond(50.0),
    Pace::PerSecond(100.0),
    Pace::PerSecond(200.0),
    Pace::PerSecond(500.0),
    Pace::PerSecond(1000.0),
    Pace::PerSecond(2000.0),
    Pace::PerSecond(5000.0),
    Pace::PerSecond(10_000.0),
    Pace::PerSecond(20_000.0),
    Pace::PerSecond(50_000.0),
    Pace::Max,
];

/// The frame rate the old per-frame speeds were tuned on.
const OLD_FRAME_RATE: f32 = 60.0;

impl Pace {
    /// The pace an old link's `speed` meant at 60 frames a second: `slow` was one step a frame,
    /// `normal` ten, `fast` as many as fit. `None` for any other word.
    pub fn from_speed_name(name: &str) -> Option<Pace> {
        match name {
            "slow" => Some(Pace::PerSecond(OLD_FRAME_RATE)),
            "normal" => Some(Pace::PerSecond(10.0 * OLD_FRAME_RATE)),
            "fast" => Some(Pace::Max),
            _ => None,
        }
    }

    /// Steps a second, or `None` for [`Pace::Max`].
    pub fn steps_per_second(self) -> Option<f64> {
        match self {
            Pace::PerSecond(rate) => Some(rate as f64),
            Pace::Max => None,
        }
    }

    /// The value in a link: `max` or the number of steps a second.
    pub fn key(self) -> String {
        match self {
            Pace::Max => "max".into(),
            Pace::PerSecond(rate) => format!("{rate}"),
        }
    }

    /// The pace in words: "one step every 2 s", "20 steps a second", "as fast as it goes".
    pub fn describe(self) -> String {
        match self {
            Pace::Max => "as fast as it goes".into(),
            Pace::PerSecond(rate) if rate < 1.0 => {
                format!("one step every {} s", trim_number(1.0 / rate as f64))
            }
            Pace::PerSecond(1.0) => "one step a second".into(),
            Pace::PerSecond(rate) => format!("{} steps a second", thousands(rate as f64)),
        }
    }

    /// The index in [`PACE_NOTCHES`] nearest to this pace (on a log scale), for a slider.
    pub fn notch(self) -> usize {
        let Some(rate) = self.steps_per_second() else {
            return PACE_NOTCHES.len() - 1;
        };
        let distance = |notch: &Pace| {
            notch
                .steps_per_second()
                .map_or(f64::INFINITY, |r| (r.ln() - rate.ln()).abs())
        };
        (0..PACE_NOTCHES.len() - 1)
            .min_by(|&a, &b| distance(&PACE_NOTCHES[a]).total_cmp(&distance(&PACE_NOTCHES[b])))
            .unwrap_or(0)
    }

    /// The pace at slider position `notch` (clamped to the last notch, [`Pace::Max`]).
    pub fn at_notch(notch: usize) -> Pace {
        PACE_NOTCHES[notch.min(PACE_NOTCHES.len() - 1)]
    }
}

/// The error for a pace that is neither `max` nor a number of steps a second in range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadPace;

impl FromStr for Pace {
    type Err = BadPace;

    /// `max`, or steps a second within [`limits::PACE`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "max" {
            return Ok(Pace::Max);
        }
        let rate: f32 = s.parse().map_err(|_| BadPace)?;
        let (lo, hi) = limits::PACE;
        if rate.is_finite() && (lo..=hi).contains(&rate) {
            Ok(Pace::PerSecond(rate))
        } else {
            Err(BadPace)
        }
    }
}

impl fmt::Display for Pace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// `2.5` rather than `2.500000`, `2` rather than `2.0`.
fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A whole number with thin spaces between thousands (`20 000`), or a short decimal below 10.
pub fn thousands(v: f64) -> String {
    if v < 10.0 && v.fract() != 0.0 {
        return trim_number(v);
    }
    let digits = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// The longest gap between two frames that counts as time to catch up on; a longer one (a
/// hidden tab, a stall) is treated as this long, so training never jumps ahead after it.
pub const MAX_CATCH_UP_MS: f64 = 250.0;

/// Turns elapsed time into the number of steps due, one frame at a time. The first step of a
/// run is due at once (Play answers at every pace); step k + 1 is due k / pace seconds later.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pacer {
    last_frame: Option<f64>,
    owed: f64,
}

impl Pacer {
    /// The steps due at time `now` (milliseconds) under `pace`: all owed since the previous
    /// frame, or `u64::MAX` for [`Pace::Max`] (the frame's budget decides). Follow with
    /// [`Pacer::ran`].
    pub fn due(&mut self, now: f64, pace: Pace) -> u64 {
        let Some(rate) = pace.steps_per_second() else {
            self.last_frame = Some(now);
            return u64::MAX;
        };
        match self.last_frame {
            None => self.owed = self.owed.max(1.0),
            Some(last) => self.owed += (now - last).clamp(0.0, MAX_CATCH_UP_MS) * rate / 1000.0,
        }
        self.last_frame = Some(now);
        // A hair of slack, so rounding in the sum of frame times never holds a step back.
        (self.owed + 1e-9).floor() as u64
    }

    /// Records that `ran` of the `due` steps ran. Steps the frame could not fit are dropped.
    pub fn ran(&mut self, ran: u64, due: u64) {
        if ran < due {
            self.owed = self.owed.fract();
        } else {
            self.owed = (self.owed - ran as f64).max(0.0);
        }
    }

    /// Starts a new run: the next frame's first step is due at once.
    pub fn restart(&mut self) {
        *self = Pacer::default();
    }
}

/// Why training paused itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// The run reached the step its link named ([`Settings::at`](crate::page::settings::Settings::at)).
    LinkStep {
        /// The step count.
        steps: u64,
    },
    /// A "train N steps" run finished.
    RunDone {
        /// The steps the run took.
        steps: u64,
    },
    /// The step count reached the "stop at N steps" setting.
    StepLimit {
        /// The step count.
        steps: u64,
    },
    /// The score reached the "stop at X%" setting.
    ScoreReached {
        /// The target, in percent.
        target: f32,
        /// The score reached (accuracy, or R² for regression), 0 to 1.
        score: f64,
        /// Whether the score is on the test points (else on the training points, for data
        /// without test points).
        on_test: bool,
        /// Whether the score is R² (regression) rather than an accuracy.
        r_squared: bool,
        /// The step count when it was reached.
        steps: u64,
    },
    /// A loss, gradient or weight stopped being a finite number.
    Diverged,
}

impl StopReason {
    /// Why training paused, in plain words for the page.
    pub fn message(&self) -> String {
        match *self {
            StopReason::LinkStep { steps } => {
                format!("Paused at step {steps}, the step the link shows (same seed, same run).")
            }
            StopReason::RunDone { steps } => format!("Paused after the {steps} steps asked for."),
            StopReason::StepLimit { steps } => format!("Paused at step {steps}, as set."),
            StopReason::ScoreReached {
                target,
                score,
                on_test,
                r_squared,
                steps,
            } => {
                let split = if on_test { "test" } else { "training" };
                let what = if r_squared {
                    format!("{split} R² {score:.3}")
                } else {
                    format!("{:.1}% {split} accuracy", 100.0 * score)
                };
                format!("Paused at step {steps}: {what} reached the goal of {target}%.")
            }
            StopReason::Diverged => {
                "Paused: a number overflowed, so training stopped at the last finite weights.".into()
            }
        }
    }
}

/// What one frame of training did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameReport {
    /// Minibatch steps taken.
    pub steps: u64,
    /// Set when training paused itself during this frame (the session's `settings.play` is
    /// then false; the page must show the reason and update its own copy of the settings).
    pub stopped: Option<StopReason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps are due by elapsed time, whatever the frame rate: 20 steps a second gives 20
    /// steps over a second of 60 Hz frames and over a second of 144 Hz frames, and a step every
    /// two seconds at a pace of 0.5 (the first at once).
    #[test]
    fn steps_are_due_by_elapsed_time_at_any_frame_rate() {
        for frame_rate in [30.0, 60.0, 144.0] {
            let mut pacer = Pacer::default();
            let mut total = 0;
            let frames = frame_rate as usize;
            for frame in 0..=frames {
                let due = pacer.due(frame as f64 * 1000.0 / frame_rate, Pace::PerSecond(20.0));
                pacer.ran(due, due);
                total += due;
            }
            // One at t = 0, then 20 over the second.
            assert_eq!(total, 21, "{frame_rate} Hz");
        }
        let mut pacer = Pacer::default();
        let mut times = Vec::new();
        for frame in 0..=600 {
            let now = frame as f64 * 1000.0 / 60.0;
            let due = pacer.due(now, Pace::PerSecond(0.5));
            pacer.ran(due, due);
            if due > 0 {
                assert_eq!(due, 1);
                times.push(now);
            }
        }
        let gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(times.len(), 6, "{times:?}");
        assert!(gaps.iter().all(|g| (g - 2000.0).abs() < 17.0), "{gaps:?}");
    }

    /// Steps a frame's budget could not fit are dropped, and a long stall is not caught up on.
    #[test]
    fn missed_steps_are_dropped_and_stalls_are_not_caught_up() {
        let mut pacer = Pacer::default();
        let pace = Pace::PerSecond(600.0);
        let first = pacer.due(0.0, pace);
        pacer.ran(first, first);
        let due = pacer.due(100.0, pace);
        assert_eq!(due, 60);
        pacer.ran(25, due);
        assert_eq!(pacer.due(120.0, pace), 12);
        let mut pacer = Pacer::default();
        pacer.due(0.0, pace);
        pacer.ran(1, 1);
        let after_stall = pacer.due(60_000.0, pace);
        assert_eq!(after_stall as f64, MAX_CATCH_UP_MS * 600.0 / 1000.0);
        assert_eq!(pacer.due(0.0, Pace::Max), u64::MAX);
    }

    #[test]
    fn paces_read_and_write_their_keys_and_old_speeds_map_to_paces() {
        for pace in PACE_NOTCHES {
            assert_eq!(pace.key().parse::<Pace>(), Ok(pace));
        }
        assert_eq!("0.25".parse::<Pace>(), Ok(Pace::PerSecond(0.25)));
        for bad in ["0", "-3", "NaN", "inf", "fast", "", "1e9"] {
            assert_eq!(bad.parse::<Pace>(), Err(BadPace), "{bad}");
        }
        assert_eq!(Pace::from_speed_name("slow"), Some(Pace::PerSecond(60.0)));
        assert_eq!(Pace::from_speed_name("normal"), Some(Pace::PerSecond(600.0)));
        assert_eq!(Pace::from_speed_name("fast"), Some(Pace::Max));
        assert_eq!(Pace::from_speed_name("max"), None);
    }

    #[test]
    fn paces_are_described_in_words_and_sit_on_slider_notches() {
        assert_eq!(Pace::PerSecond(0.5).describe(), "one step every 2 s");
        assert_eq!(Pace::PerSecond(0.8).describe(), "one step every 1.25 s");
        assert_eq!(Pace::PerSecond(1.0).describe(), "one step a second");
        assert_eq!(Pace::PerSecond(20.0).describe(), "20 steps a second");
        assert_eq!(Pace::PerSecond(2.5).describe(), "2.5 steps a second");
        assert_eq!(
            Pace::PerSecond(20_000.0).describe(),
            "20\u{202f}000 steps a second"
        );
        assert_eq!(Pace::Max.describe(), "as fast as it goes");
        for (i, pace) in PACE_NOTCHES.into_iter().enumerate() {
            assert_eq!(pace.notch(), i);
            assert_eq!(Pace::at_notch(i), pace);
        }
        assert_eq!(
            Pace::PerSecond(600.0).notch(),
            9,
            "600 is nearest 500 on a log scale"
        );
        assert_eq!(Pace::PerSecond(0.25).notch(), 0);
        assert_eq!(Pace::PerSecond(100_000.0).notch(), 15);
        assert_eq!(Pace::at_notch(99), Pace::Max);
    }
}
