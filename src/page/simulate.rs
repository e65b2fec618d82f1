//! Plays a session as the page does, on a simulated clock, so tests can assert what an audience
//! sees after so many seconds at a scene's pace. The simulated machine is fast: each reading of
//! the clock inside a frame (one every four cheap steps) costs [`CLOCK_READ_MS`], so a paced
//! frame is never cut short by its budget, and at the `max` pace a frame fits many thousands
//! of steps.

use super::session::Session;
use super::settings::Settings;

/// Frames a second of the simulated display.
pub const FRAME_RATE: f64 = 60.0;
/// How often the page refreshes its readouts, in milliseconds (as `app::SUMMARY_INTERVAL_MS`).
pub const REFRESH_MS: f64 = 90.0;
/// The training budget of a frame, in milliseconds (as `app::FRAME_BUDGET_MS`).
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Simulated time between two readings of the clock within a frame.
pub const CLOCK_READ_MS: f64 = 0.002;

/// A session for the link `hash`, which must read without a notice.
pub fn session(hash: &str) -> Session {
    let (settings, notices) = Settings::from_hash(hash);
    assert!(notices.is_empty(), "{notices:?}");
    Session::new(settings)
}

/// Presses Play on `session` and runs frames for up to `seconds` of simulated time, refreshing
/// the metrics as the page does and calling `watch(session, seconds_since_play)` after every
/// refresh; stops when `watch` returns true or training pauses itself. Returns the simulated
/// time at which it stopped.
pub fn play(session: &mut Session, seconds: f64, mut watch: impl FnMut(&Session, f64) -> bool) -> f64 {
    let mut playing = (*session.settings).clone();
    playing.play = true;
    session.apply(playing);
    let frame_ms = 1000.0 / FRAME_RATE;
    let mut last_refresh = 0.0;
    let mut frame = 0u64;
    loop {
        let now = frame as f64 * frame_ms;
        let reads = std::cell::Cell::new(0.0);
        let clock = || {
            reads.set(reads.get() + 1.0);
            now + (reads.get() - 1.0) * CLOCK_READ_MS
        };
        let report = session.run_frame(now + FRAME_BUDGET_MS, &clock);
        let stopped = report.stopped.is_some();
        if stopped || now - last_refresh >= REFRESH_MS {
            last_refresh = now;
            session.refresh_metrics();
            if watch(session, now / 1000.0) || stopped {
                return now / 1000.0;
            }
        }
        if now >= seconds * 1000.0 {
            return now / 1000.0;
        }
        frame += 1;
    }
}
