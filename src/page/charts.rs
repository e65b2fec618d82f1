//! What the charts draw, without drawing it: gradient norms smoothed for the bold line over
//! the faint raw one, and where a step lands on a linear or logarithmic step axis. Tick values
//! and labels come from [`crate::page::paint::axis_ticks`] and
//! [`crate::page::paint::log_axis_ticks`].

use super::session::NormSample;

/// How many samples the smoothed gradient norms average over, roughly (the span of the
/// exponential moving average: weight 2 / (span + 1) on the newest sample).
pub const NORM_SMOOTHING_SPAN: f64 = 10.0;

/// The gradient norms smoothed sample by sample with an exponential moving average of their
/// logarithms (a running geometric mean, which suits norms spread over orders of magnitude and
/// drawn on a log axis), span `span` samples. Zeros (frozen layers) stay zero; a sample that is
/// not a positive finite number leaves that layer's average as it was. A change in the number
/// of layers starts the averages over.
pub fn smoothed_norms(history: &[NormSample], span: f64) -> Vec<NormSample> {
    let weight = 2.0 / (span.max(1.0) + 1.0);
    let mut averages: Vec<Option<f64>> = Vec::new();
    let mut layers = usize::MAX;
    history
        .iter()
        .map(|sample| {
            if sample.layers != layers {
                layers = sample.layers;
                averages = vec![None; layers];
            }
            let mut smoothed = *sample;
            for (l, average) in averages.iter_mut().enumerate() {
                let raw = sample.norms[l];
                if raw > 0.0 && raw.is_finite() {
                    let log = raw.ln();
                    *average = Some(average.map_or(log, |a| a + weight * (log - a)));
                }
                smoothed.norms[l] = if raw == 0.0 {
                    0.0
                } else {
                    average.map_or(raw, f64::exp)
                };
            }
            smoothed
        })
        .collect()
}

/// The lowest step a logarithmic step axis shows (step 0 is drawn there).
pub const LOG_AXIS_FIRST_STEP: f64 = 1.0;

/// The range of a step axis for a history ending at step `last`: 0 to `last` on a linear
/// axis, 1 to `last` (at least 10, one decade) on a logarithmic one.
pub fn step_range(last: u64, log: bool) -> (f64, f64) {
    if log {
        (LOG_AXIS_FIRST_STEP, (last as f64).max(10.0))
    } else {
        (0.0, (last as f64).max(1.0))
    }
}

/// Where `step` falls on a step axis over `range` (from [`step_range`]), from 0 at the left
/// to 1 at the right. On a logarithmic axis step 0 sits with step 1 at the left edge.
pub fn step_fraction(step: u64, (lo, hi): (f64, f64), log: bool) -> f64 {
    let step = step as f64;
    let fraction = if log {
        (step.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln())
    } else {
        (step - lo) / (hi - lo)
    };
    fraction.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::session::MAX_DENSE_LAYERS;

    fn sample(step: u64, norms: &[f64]) -> NormSample {
        let mut s = NormSample {
            step,
            norms: [0.0; MAX_DENSE_LAYERS],
            layers: norms.len(),
        };
        s.norms[..norms.len()].copy_from_slice(norms);
        s
    }

    /// The smoothed norms are the exponential moving average of the logarithms, checked
    /// against the definition written out in f64; zeros stay zero.
    #[test]
    fn smoothed_norms_are_a_moving_geometric_mean() {
        let raw = [1.0, 100.0, 1.0, 100.0, 10.0, 0.5, 3.0];
        let history: Vec<NormSample> = raw
            .iter()
            .enumerate()
            .map(|(i, &v)| sample(i as u64 * 10, &[v, 0.0]))
            .collect();
        let smoothed = smoothed_norms(&history, 3.0);
        let weight = 0.5;
        let mut expected = raw[0].ln();
        for (i, s) in smoothed.iter().enumerate() {
            if i > 0 {
                expected = (1.0 - weight) * expected + weight * raw[i].ln();
            }
            assert!(
                (s.norms[0] - expected.exp()).abs() < 1e-9 * expected.exp(),
                "{i}: {s:?}"
            );
            assert_eq!(s.norms[1], 0.0, "a frozen layer stays at zero");
            assert_eq!(s.step, history[i].step);
        }
        // A noisy series comes out calmer: the smoothed swing is far below the raw one.
        let noisy: Vec<NormSample> = (0..200)
            .map(|i| sample(i, &[if i % 2 == 0 { 1e-3 } else { 1e-1 }]))
            .collect();
        let calm = smoothed_norms(&noisy, NORM_SMOOTHING_SPAN);
        let tail: Vec<f64> = calm[100..].iter().map(|s| s.norms[0]).collect();
        let (lo, hi) = tail
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        assert!(hi / lo < 3.0, "{lo} … {hi}");
        assert!(
            (lo * hi).sqrt() > 5e-3 && (lo * hi).sqrt() < 2e-2,
            "around the geometric mean 1e-2"
        );
    }

    #[test]
    fn a_bad_sample_keeps_the_average_and_a_new_model_restarts_it() {
        let history = [
            sample(1, &[4.0]),
            sample(2, &[f64::NAN]),
            sample(3, &[4.0]),
            sample(4, &[1.0, 2.0]),
        ];
        let smoothed = smoothed_norms(&history, 5.0);
        assert_eq!(smoothed[1].norms[0], 4.0);
        assert!((smoothed[2].norms[0] - 4.0).abs() < 1e-12);
        assert_eq!(&smoothed[3].norms[..2], &[1.0, 2.0]);
        assert!(smoothed_norms(&[], 5.0).is_empty());
    }

    #[test]
    fn steps_fall_on_linear_and_logarithmic_axes() {
        assert_eq!(step_range(0, false), (0.0, 1.0));
        assert_eq!(step_range(500, false), (0.0, 500.0));
        assert_eq!(step_range(3, true), (1.0, 10.0));
        let range = step_range(10_000, true);
        assert_eq!(range, (1.0, 10_000.0));
        for (step, at) in [
            (0, 0.0),
            (1, 0.0),
            (10, 0.25),
            (100, 0.5),
            (1000, 0.75),
            (10_000, 1.0),
        ] {
            assert!((step_fraction(step, range, true) - at).abs() < 1e-12, "{step}");
        }
        assert_eq!(step_fraction(250, step_range(500, false), false), 0.5);
        assert_eq!(step_fraction(900, step_range(500, false), false), 1.0);
    }
}
