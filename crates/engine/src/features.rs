//! Fixed feature maps φ(x): the identity (x1, x2) or a hand-picked set of formulas. They have
//! no parameters; learned and random features are dense layers that follow them.

use serde::{Deserialize, Serialize};

/// One hand-made feature of the input x = (x1, x2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HandFeature {
    /// x1
    X1,
    /// x2
    X2,
    /// x1²
    X1Squared,
    /// x2²
    X2Squared,
    /// x1·x2
    X1X2,
    /// sin(π x1)
    Sin1,
    /// sin(π x2)
    Sin2,
    /// |x1² + x2² − 0.6|
    Ring,
}

impl HandFeature {
    /// φ(x) for this feature.
    #[inline(always)]
    pub fn eval(self, x1: f32, x2: f32) -> f32 {
        match self {
            HandFeature::X1 => x1,
            HandFeature::X2 => x2,
            HandFeature::X1Squared => x1 * x1,
            HandFeature::X2Squared => x2 * x2,
            HandFeature::X1X2 => x1 * x2,
            HandFeature::Sin1 => libm::sinf(std::f32::consts::PI * x1),
            HandFeature::Sin2 => libm::sinf(std::f32::consts::PI * x2),
            HandFeature::Ring => (x1 * x1 + x2 * x2 - 0.6).abs(),
        }
    }

    /// The formula as shown to people.
    pub fn formula(self) -> &'static str {
        match self {
            HandFeature::X1 => "x₁",
            HandFeature::X2 => "x₂",
            HandFeature::X1Squared => "x₁²",
            HandFeature::X2Squared => "x₂²",
            HandFeature::X1X2 => "x₁·x₂",
            HandFeature::Sin1 => "sin(πx₁)",
            HandFeature::Sin2 => "sin(πx₂)",
            HandFeature::Ring => "|x₁²+x₂²−0.6|",
        }
    }
}

crate::keyed_enum!(HandFeature {
    X1 => "x1";
    X2 => "x2";
    X1Squared => "x1sq";
    X2Squared => "x2sq";
    X1X2 => "x1x2";
    Sin1 => "sin1";
    Sin2 => "sin2";
    Ring => "ring";
});

/// The fixed first stage of every model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeatureMap {
    /// φ(x) = (x1, x2).
    Identity,
    /// φ(x) = the chosen hand-made features, in the given order (may be empty: bias only).
    Handmade(Vec<HandFeature>),
}

impl FeatureMap {
    /// The number of features φ produces.
    pub fn width(&self) -> usize {
        match self {
            FeatureMap::Identity => 2,
            FeatureMap::Handmade(list) => list.len(),
        }
    }

    /// A short label for feature `index`, for diagrams.
    pub fn label(&self, index: usize) -> &'static str {
        match self {
            FeatureMap::Identity => ["x₁", "x₂"][index],
            FeatureMap::Handmade(list) => list[index].formula(),
        }
    }

    /// Fills `out` (feature-major: `width()` rows of `x1.len()` values) with φ of each input.
    pub fn apply(&self, x1: &[f32], x2: &[f32], out: &mut [f32]) {
        let n = x1.len();
        match self {
            FeatureMap::Identity => {
                out[..n].copy_from_slice(x1);
                out[n..2 * n].copy_from_slice(x2);
            }
            FeatureMap::Handmade(list) => {
                for (row, feature) in out.chunks_exact_mut(n.max(1)).zip(list) {
                    for ((o, &a), &b) in row.iter_mut().zip(x1).zip(x2) {
                        *o = feature.eval(a, b);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_rows_hold_the_formulas() {
        let map = FeatureMap::Handmade(HandFeature::ALL.to_vec());
        let x1 = [0.5f32, -0.25];
        let x2 = [0.1f32, 0.8];
        let mut out = vec![0.0; map.width() * 2];
        map.apply(&x1, &x2, &mut out);
        let expected_first = [
            0.5,
            0.1,
            0.25,
            0.01,
            0.05,
            (std::f32::consts::PI * 0.5).sin(),
            (std::f32::consts::PI * 0.1).sin(),
            (0.25f32 + 0.01 - 0.6).abs(),
        ];
        for (f, want) in expected_first.iter().enumerate() {
            assert!((out[f * 2] - want).abs() < 1e-6, "feature {f}");
        }
        assert!((out[7 * 2 + 1] - (0.0625f32 + 0.64 - 0.6).abs()).abs() < 1e-6);
        let mut identity = [0.0; 4];
        FeatureMap::Identity.apply(&x1, &x2, &mut identity);
        assert_eq!(identity, [0.5, -0.25, 0.1, 0.8]);
        for h in HandFeature::ALL {
            assert_eq!(h.key().parse::<HandFeature>(), Ok(h));
        }
    }
}
