//! Planes through parameter space: θ(a, b) = θ₀ + a·d₁ + b·d₂, with the exact plane of two
//! weights, filter-normalised random directions and the principal directions of a path.

use super::eigen::symmetric_eigen;
use super::params::ParameterLayout;
use super::recording::Recording;
use super::SurfaceError;
use crate::model::Model;
use crate::rng::Rng;

/// How the two directions of a slice are chosen (a model with two weights gets the exact surface
/// over them instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Directions {
    /// Random directions from a seed, scaled unit by unit to the weights (Li et al. 2018).
    Random,
    /// The two directions along which the recorded path moved most.
    Principal,
}

crate::keyed_enum!(Directions {
    Random => "random", "Random directions";
    Principal => "pca", "Principal directions of the path";
});

/// One axis of an exact plane: a weight of the output unit, or its bias.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExactAxis {
    /// The weight on input `i` of the output unit (0-based).
    Weight(usize),
    /// The output unit's bias.
    Bias,
}

/// What a plane is, for saying so on the page.
#[derive(Clone, Debug, PartialEq)]
pub enum PlaneKind {
    /// The parameters themselves: (a, b) are the values of the two axes, every other trainable
    /// parameter is held where it was. The axes are the two weights of the single trainable
    /// unit, or its weight and its bias when it has one weight.
    Exact {
        /// The dense layer the two parameters belong to.
        layer: usize,
        /// What a and b are.
        axes: [ExactAxis; 2],
    },
    /// Two random directions drawn from `seed`, each unit's row of weights scaled to the norm of
    /// that unit's row in θ₀ ("filter normalisation"); biases are not moved (their entries are 0).
    Random {
        /// The directions seed.
        seed: u64,
    },
    /// The two principal directions of the recorded path about its current end θ₀ (unit length,
    /// orthogonal).
    Principal {
        /// The fraction of the path's squared distance from θ₀ that lies in the plane.
        captured: f64,
        /// The path moved along one line only: the second direction is a random one (from the
        /// directions seed) orthogonal to it.
        straight: bool,
    },
}

/// The stream of the directions seed the random directions draw from.
const DIRECTIONS_STREAM: u64 = 3;

/// A plane through the trainable parameters of one model shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    kind: PlaneKind,
    layout: ParameterLayout,
    origin: Vec<f32>,
    directions: [Vec<f32>; 2],
    /// The inverse of the directions' Gram matrix: it turns dot products into coordinates.
    inverse: [[f64; 2]; 2],
    first_varying_layer: usize,
}

impl Plane {
    /// The exact plane of `model` when exactly one unit trains and it has one or two weights:
    /// the linear model, hand-made features with two features, two random features. `None`
    /// for every other model.
    pub fn exact(model: &Model) -> Option<Plane> {
        let layout = ParameterLayout::of(model);
        let block = layout.exact_block()?;
        let axes = if block.inputs == 2 {
            [ExactAxis::Weight(0), ExactAxis::Weight(1)]
        } else {
            [ExactAxis::Weight(0), ExactAxis::Bias]
        };
        let index = |axis: ExactAxis| match axis {
            ExactAxis::Weight(i) => block.weights.start + i,
            ExactAxis::Bias => block.bias.start,
        };
        let layer = block.layer;
        let mut origin = layout.vector(model);
        let mut directions = [vec![0.0; layout.len()], vec![0.0; layout.len()]];
        for (d, &axis) in directions.iter_mut().zip(&axes) {
            origin[index(axis)] = 0.0;
            d[index(axis)] = 1.0;
        }
        Plane::from_parts(PlaneKind::Exact { layer, axes }, layout, origin, directions).ok()
    }

    /// The plane through `model`'s current parameters along two filter-normalised random
    /// directions drawn from `seed`. The same seed and model shape give the same directions up
    /// to each unit's scale.
    pub fn random(model: &Model, seed: u64) -> Result<Plane, SurfaceError> {
        let layout = ParameterLayout::of(model);
        if layout.weight_count() == 0 {
            return Err(SurfaceError::NoWeights);
        }
        let origin = layout.vector(model);
        let mut rng = Rng::stream(seed, DIRECTIONS_STREAM);
        let first = filter_normalised(&layout, &origin, &mut rng);
        let second = filter_normalised(&layout, &origin, &mut rng);
        Plane::from_parts(PlaneKind::Random { seed }, layout, origin, [first, second])
    }

    /// The plane through `model`'s current parameters θ₀ along the two principal directions of
    /// the offsets θᵢ − θ₀ of the vectors recorded in `trail` (uncentred: about θ₀, the path's
    /// end, as Li et al. do). When the path is a straight line, the second direction is a
    /// random one from `seed` made orthogonal to the first.
    pub fn principal(model: &Model, trail: &Recording, seed: u64) -> Result<Plane, SurfaceError> {
        let layout = ParameterLayout::of(model);
        let p = layout.len();
        if p == 0 {
            return Err(SurfaceError::NoWeights);
        }
        if trail.width() != p || trail.is_empty() {
            return Err(SurfaceError::ShortPath);
        }
        let origin = layout.vector(model);
        let m = trail.len();
        let offsets: Vec<f64> = trail
            .rows()
            .flat_map(|(_, row)| row.iter().zip(&origin).map(|(&t, &o)| t as f64 - o as f64))
            .collect();
        let offset = |i: usize| &offsets[i * p..(i + 1) * p];
        let mut gram = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..=i {
                let g = crate::dot_f64(offset(i), offset(j));
                gram[i * m + j] = g;
                gram[j * m + i] = g;
            }
        }
        let trace: f64 = (0..m).map(|i| gram[i * m + i]).sum();
        if !(trace > 0.0 && trace.is_finite()) {
            return Err(SurfaceError::ShortPath);
        }
        let (values, vectors) = symmetric_eigen(&mut gram, m);
        // Direction k is Σᵢ uₖ[i]·(θᵢ − θ₀) / √λₖ: unit length, since the uₖ are orthonormal.
        let direction = |k: usize| -> Vec<f64> {
            let mut d = vec![0.0; p];
            for i in 0..m {
                let weight = vectors[k * m + i] / values[k].sqrt();
                d.iter_mut().zip(offset(i)).for_each(|(x, v)| *x += weight * v);
            }
            d
        };
        let first = direction(0);
        let straight = m < 2 || values[1] <= 1e-9 * values[0];
        let second = if straight {
            // Any direction across the line will do: a seeded random one, made orthogonal.
            let mut rng = Rng::stream(seed, DIRECTIONS_STREAM);
            let mut d: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
            let along = crate::dot_f64(&d, &first);
            d.iter_mut().zip(&first).for_each(|(x, f)| *x -= along * f);
            let norm = crate::dot_f64(&d, &d).sqrt();
            d.iter_mut().for_each(|x| *x /= norm);
            d
        } else {
            direction(1)
        };
        let to_f32 = |d: Vec<f64>| d.into_iter().map(|x| x as f32).collect::<Vec<f32>>();
        let kind = PlaneKind::Principal {
            captured: 0.0,
            straight,
        };
        let mut plane = Plane::from_parts(kind, layout, origin, [to_f32(first), to_f32(second)])?;
        let captured = plane.captured(trail).unwrap_or(0.0);
        plane.kind = PlaneKind::Principal { captured, straight };
        Ok(plane)
    }

    fn from_parts(
        kind: PlaneKind,
        layout: ParameterLayout,
        origin: Vec<f32>,
        directions: [Vec<f32>; 2],
    ) -> Result<Plane, SurfaceError> {
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum::<f64>();
        let [d1, d2] = &directions;
        let (g11, g12, g22) = (dot(d1, d1), dot(d1, d2), dot(d2, d2));
        let det = g11 * g22 - g12 * g12;
        if !(g11 > 0.0 && g22 > 0.0 && det > 1e-9 * g11 * g22 && det.is_finite()) {
            return Err(SurfaceError::FlatDirections);
        }
        let moves = |i: usize| d1[i] != 0.0 || d2[i] != 0.0;
        let first_varying_layer = layout
            .blocks()
            .iter()
            .find(|b| (b.weights.start..b.bias.end).any(moves))
            .map_or(0, |b| b.layer);
        Ok(Plane {
            kind,
            layout,
            origin,
            directions,
            inverse: [[g22 / det, -g12 / det], [-g12 / det, g11 / det]],
            first_varying_layer,
        })
    }

    /// What the plane is.
    pub fn kind(&self) -> &PlaneKind {
        &self.kind
    }

    /// Whether this is the exact plane of two weights.
    pub fn is_exact(&self) -> bool {
        matches!(self.kind, PlaneKind::Exact { .. })
    }

    /// The layout of θ the plane lives in.
    pub fn layout(&self) -> &ParameterLayout {
        &self.layout
    }

    /// θ₀, the parameters at (0, 0). For the exact plane it holds the other parameters at the
    /// values they had when the plane was made, and zero at the two axes.
    pub fn origin(&self) -> &[f32] {
        &self.origin
    }

    /// d₁ and d₂.
    pub fn directions(&self) -> [&[f32]; 2] {
        [&self.directions[0], &self.directions[1]]
    }

    /// The first dense layer whose parameters move across the plane: the layers before it give
    /// the same values everywhere on it.
    pub fn first_varying_layer(&self) -> usize {
        self.first_varying_layer
    }

    /// Coordinates from the dot products (⟨θ − θ₀, d₁⟩, ⟨θ − θ₀, d₂⟩).
    fn coordinates(&self, c: [f64; 2]) -> [f64; 2] {
        let m = &self.inverse;
        [m[0][0] * c[0] + m[0][1] * c[1], m[1][0] * c[0] + m[1][1] * c[1]]
    }

    /// The coordinates (a, b) of the point of the plane nearest to `theta` (a vector laid out
    /// like [`Plane::layout`]): the orthogonal projection. A point of the plane projects to its
    /// own coordinates; for the exact plane they are the two parameters' values.
    pub fn project(&self, theta: &[f32]) -> [f64; 2] {
        self.coordinates(self.dots(theta.iter().copied().zip(0..)))
    }

    /// [`Plane::project`] of `model`'s trainable parameters, read in place (no allocation).
    pub fn project_model(&self, model: &Model) -> [f64; 2] {
        let values = self
            .layout
            .tensors(model)
            .flat_map(|(values, place)| values.iter().copied().zip(place));
        self.coordinates(self.dots(values))
    }

    fn dots(&self, values: impl Iterator<Item = (f32, usize)>) -> [f64; 2] {
        let [d1, d2] = &self.directions;
        let mut c = [0.0; 2];
        for (v, i) in values {
            let offset = v as f64 - self.origin[i] as f64;
            c[0] += offset * d1[i] as f64;
            c[1] += offset * d2[i] as f64;
        }
        c
    }

    /// The parameter at index `i` of θ(a, b).
    #[inline]
    fn at(&self, i: usize, at: [f64; 2]) -> f32 {
        let [d1, d2] = &self.directions;
        (self.origin[i] as f64 + at[0] * d1[i] as f64 + at[1] * d2[i] as f64) as f32
    }

    /// Writes θ(a, b) into `out` (laid out like [`Plane::layout`]).
    pub fn point(&self, at: [f64; 2], out: &mut [f32]) {
        for (i, x) in out.iter_mut().enumerate().take(self.layout.len()) {
            *x = self.at(i, at);
        }
    }

    /// Sets `model`'s trainable parameters to θ(a, b) (no allocation). `model` must have the
    /// shape the plane was made for.
    pub fn write_point(&self, at: [f64; 2], model: &mut Model) {
        for block in self.layout.blocks() {
            let layer = &mut model.layers[block.layer];
            for (x, i) in layer.weights.iter_mut().zip(block.weights.clone()) {
                *x = self.at(i, at);
            }
            for (x, i) in layer.bias.iter_mut().zip(block.bias.clone()) {
                *x = self.at(i, at);
            }
        }
    }

    /// The fraction of the path's squared distance from θ₀ that the plane holds:
    /// Σᵢ ‖P(θᵢ − θ₀)‖² / Σᵢ ‖θᵢ − θ₀‖² over the vectors of `trail`, with P the orthogonal
    /// projection onto the plane's directions. For principal directions this is the share of
    /// the two largest eigenvalues. `None` when the trail does not fit the plane or never left θ₀.
    pub fn captured(&self, trail: &Recording) -> Option<f64> {
        if trail.width() != self.layout.len() {
            return None;
        }
        let (mut inside, mut total) = (0.0, 0.0);
        for (_, row) in trail.rows() {
            let c = self.dots(row.iter().copied().zip(0..));
            let [a, b] = self.coordinates(c);
            // ‖Pv‖² = cᵀ G⁻¹ c = a·c₁ + b·c₂.
            inside += a * c[0] + b * c[1];
            total += row
                .iter()
                .zip(&self.origin)
                .map(|(&t, &o)| (t as f64 - o as f64).powi(2))
                .sum::<f64>();
        }
        (total > 0.0 && total.is_finite()).then(|| (inside / total).clamp(0.0, 1.0))
    }
}

/// A random direction with each unit's row of weights scaled to the norm of the same row of
/// `theta` (a row of zeros stays zero) and zeros at the biases.
fn filter_normalised(layout: &ParameterLayout, theta: &[f32], rng: &mut Rng) -> Vec<f32> {
    let mut d = vec![0.0f32; layout.len()];
    let norm = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>().sqrt();
    for block in layout.blocks() {
        for unit in 0..block.outputs {
            let row = block.row(unit);
            let draw: Vec<f64> = row.clone().map(|_| rng.normal()).collect();
            let drawn = norm(&mut draw.iter().copied());
            let wanted = norm(&mut theta[row.clone()].iter().map(|&x| x as f64));
            let scale = if drawn > 0.0 { wanted / drawn } else { 0.0 };
            for (x, g) in d[row].iter_mut().zip(draw) {
                *x = (g * scale) as f32;
            }
        }
    }
    d
}
