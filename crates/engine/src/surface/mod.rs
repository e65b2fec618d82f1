//! The loss surface and the paths optimizers take across it, without any web types.
//!
//! A [`Plane`] is a 2-D slice through parameter space: θ(a, b) = θ₀ + a·d₁ + b·d₂ over the
//! parameters that train (laid out by [`ParameterLayout`]). For a model with exactly two weights
//! in play ([`Plane::exact`]: the linear model, hand-made features with two features) the
//! directions are those two weights themselves, so (a, b) = (w₁, w₂) and the surface is exact;
//! every other model is sliced along filter-normalised random directions ([`Plane::random`],
//! after Li et al. 2018) or the principal directions of its recent path ([`Plane::principal`]).
//!
//! A [`Surface`] evaluates the training loss over a square [`Window`] of a plane, coarse to
//! fine and in slices of a multiply-add budget ([`Surface::advance`]), so a page can spread the
//! work over animation frames. [`Recording`] keeps a path (coordinates on the plane, or whole
//! parameter vectors for re-projection and principal directions) with bounded memory. A
//! [`Race`] runs SGD, momentum and Adam from the same weights on the same minibatches.

mod eigen;
mod grid;
mod optimum;
mod params;
mod plane;
mod race;
mod recording;
mod window;

pub use grid::{Objective, Surface, SurfaceLevel, COARSEST_INTERVALS, EVALUATION_WORK, GRID_WORK};
pub use optimum::{exact_optimum, LOGISTIC_RIDGE};
pub use params::{LayerBlock, ParameterLayout};
pub use plane::{Directions, ExactAxis, Plane, PlaneKind};
pub use race::{Race, Racer};
pub use recording::{Recording, TRAIL_FLOATS, TRAIL_ROWS};
pub use window::Window;

use std::fmt;

/// Why a surface cannot be shown; each reads as a sentence for the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurfaceError {
    /// There are no training points to measure the loss on.
    NoData,
    /// No weight trains (a model with only a bias, or everything frozen).
    NoWeights,
    /// The two directions are zero or point the same way.
    FlatDirections,
    /// The recorded path has not moved, so it has no principal directions.
    ShortPath,
}

impl fmt::Display for SurfaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SurfaceError::NoData => "There are no training points to measure the loss on.",
            SurfaceError::NoWeights => {
                "This model has no weights that train, so there is no surface to show."
            }
            SurfaceError::FlatDirections => {
                "The directions scaled to the weights are zero or parallel (are the weights all zero?)."
            }
            SurfaceError::ShortPath => {
                "The path has not moved yet: train a few steps to give it principal directions."
            }
        })
    }
}
