//! The feature-space view: every point drawn at its features h(x) (the values entering the last
//! layer), projected on a plane, with the last layer's linear rule w·h + b on that plane. It
//! shows that the last layer is a linear model on whatever features come before it.

use super::thin;
use crate::{dot_f64 as dot, layer_inputs, predict_points, Dataset, Model, Point};
use std::fmt;

/// How the features are projected on the view's plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Projection {
    /// Across: the direction of w (so the separator is exactly the line w·h + b = 0); up: the
    /// direction of most spread among the rest.
    Separator,
    /// The first two principal components of the features.
    Principal,
    /// Two units' values, the first two by default (0-based indices).
    Units(usize, usize),
}

impl Projection {
    /// The short name used in links.
    pub fn key(self) -> String {
        match self {
            Projection::Separator => "sep".into(),
            Projection::Principal => "pca".into(),
            Projection::Units(i, j) => format!("u{}.{}", i + 1, j + 1),
        }
    }
}

impl fmt::Display for Projection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl std::str::FromStr for Projection {
    type Err = crate::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || crate::UnknownName(s.to_string());
        match s {
            "sep" => Ok(Projection::Separator),
            "pca" => Ok(Projection::Principal),
            _ => {
                let (i, j) = s
                    .strip_prefix('u')
                    .and_then(|r| r.split_once('.'))
                    .ok_or_else(unknown)?;
                let parse = |v: &str| v.parse::<usize>().ok().filter(|&v| v >= 1).map(|v| v - 1);
                match (parse(i), parse(j)) {
                    (Some(i), Some(j)) if i != j && i.max(j) < crate::MAX_RANDOM_FEATURES => {
                        Ok(Projection::Units(i, j))
                    }
                    _ => Err(unknown()),
                }
            }
        }
    }
}

/// At most this many points are projected (evenly spaced), so the view refreshes quickly.
pub const MAX_VIEW_POINTS: usize = 600;

/// One projected point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewPoint {
    /// Position on the view's plane.
    pub at: [f32; 2],
    /// The target.
    pub y: f32,
    /// Whether it is a test point.
    pub test: bool,
    /// The model's output f(x) for it (the last layer's w·h + b: the output unit is linear).
    pub score: f64,
}

/// The projected data and, for the last layer's inputs, that layer's rule on the plane.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureView {
    /// The points.
    pub points: Vec<ViewPoint>,
    /// The last layer's pre-activation on the plane, z(a, b) = c + wa·a + wb·b, as [c, wa, wb];
    /// `None` for an earlier layer, which the output does not read directly.
    pub rule: Option<[f64; 3]>,
    /// Names of the horizontal and vertical axes.
    pub axes: [String; 2],
    /// Which dense layer's inputs are shown (0: the features φ; the last: what the output reads).
    pub layer: usize,
    /// How many values each point has at that layer.
    pub width: usize,
    /// Whether the plane loses nothing that matters: with a rule, nothing the last layer uses
    /// (each point sits on its true side of the line); without one, nothing at all (width ≤ 2).
    pub exact: bool,
    /// The projection used (units out of range fall back to the first two).
    pub projection: Projection,
}

fn normalize(v: &mut [f64]) -> bool {
    let norm = dot(v, v).sqrt();
    if norm > 1e-12 {
        v.iter_mut().for_each(|x| *x /= norm);
        true
    } else {
        false
    }
}

/// Removes from `v` its components along each of `basis` (orthonormal vectors).
fn deflate(v: &mut [f64], basis: &[&[f64]]) {
    for b in basis {
        let along = dot(v, b);
        v.iter_mut().zip(b.iter()).for_each(|(x, y)| *x -= along * y);
    }
}

/// The direction of most spread of the centred rows `h` (n × p) orthogonal to `basis`, by power
/// iteration from a fixed start; a unit vector orthogonal to `basis` even when nothing spreads.
fn top_direction(h: &[f64], p: usize, basis: &[&[f64]]) -> Vec<f64> {
    let mut v: Vec<f64> = (0..p).map(|i| 1.0 + 0.37 * i as f64).collect();
    deflate(&mut v, basis);
    if !normalize(&mut v) {
        // Every direction is in the basis (p ≤ its size): any leftover unit vector does.
        v = (0..p).map(|i| if i == p - 1 { 1.0 } else { 0.0 }).collect();
        deflate(&mut v, basis);
        normalize(&mut v);
        return v;
    }
    let mut next = vec![0.0; p];
    for _ in 0..60 {
        next.iter_mut().for_each(|x| *x = 0.0);
        for row in h.chunks_exact(p) {
            let along = dot(row, &v);
            next.iter_mut().zip(row).for_each(|(x, r)| *x += along * r);
        }
        deflate(&mut next, basis);
        if !normalize(&mut next) {
            break;
        }
        let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut v, &mut next);
        if change < 1e-9 {
            break;
        }
    }
    v
}

/// Multiply-adds one view may spend running points through the model: a large network shows
/// fewer points rather than slowing the page.
pub const VIEW_WORK: usize = 20_000_000;

/// How many points a view of `model` shows at most: [`MAX_VIEW_POINTS`], fewer for a model so
/// large that those would cost more than [`VIEW_WORK`], and never fewer than 50.
pub fn view_points_for(model: &Model) -> usize {
    (VIEW_WORK / model.parameter_count().max(1)).clamp(50, MAX_VIEW_POINTS)
}

/// Projects `data` (every point, or evenly spaced ones when there are more than
/// [`view_points_for`] the model) into the space of the values entering dense layer `layer` of
/// `model` (the last layer when `None` or out of range).
pub fn project(model: &Model, data: &Dataset, projection: Projection, layer: Option<usize>) -> FeatureView {
    let points: Vec<Point> = thin(&data.points, view_points_for(model));
    let n = points.len();
    let last = model.layers.len() - 1;
    let layer = layer.map_or(last, |l| l.min(last));
    let p = model.layers[layer].inputs;
    let w: Vec<f64> = model.layers[last].weights.iter().map(|&v| v as f64).collect();
    let bias = model.layers[last].bias[0] as f64;

    // h: n × p, row-major.
    let h = layer_inputs(model, &points.iter().collect::<Vec<_>>(), layer);
    let scores: Vec<f64> = if layer == last {
        h.chunks_exact(p.max(1)).map(|row| dot(row, &w) + bias).collect()
    } else {
        predict_points(model, &points)
            .into_iter()
            .map(f64::from)
            .collect()
    };
    let mut mean = vec![0.0; p];
    for row in h.chunks_exact(p) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, v)| *m += v / n.max(1) as f64);
    }
    let mut centred = h.clone();
    for row in centred.chunks_exact_mut(p) {
        row.iter_mut().zip(&mean).for_each(|(v, m)| *v -= m);
    }

    let projection = match projection {
        // Only the last layer's inputs have a w to project along.
        Projection::Separator if layer != last => Projection::Principal,
        Projection::Units(i, j) if i.max(j) >= p || p < 2 => {
            if p >= 2 {
                Projection::Units(0, 1)
            } else {
                Projection::Separator
            }
        }
        other => other,
    };
    let unit = |i: usize| -> Vec<f64> { (0..p).map(|k| if k == i { 1.0 } else { 0.0 }).collect() };
    // The plane: base + a·u + b·v, with u and v orthonormal.
    let (u, v, base, axes) = match projection {
        Projection::Units(i, j) => {
            let mut base = mean.clone();
            base[i] = 0.0;
            base[j] = 0.0;
            (
                unit(i),
                unit(j),
                base,
                [format!("unit {}", i + 1), format!("unit {}", j + 1)],
            )
        }
        Projection::Principal => {
            let u = top_direction(&centred, p, &[]);
            let v = top_direction(&centred, p, &[&u]);
            (
                u,
                v,
                mean.clone(),
                ["1st principal component".into(), "2nd principal component".into()],
            )
        }
        Projection::Separator => {
            let mut u = w.clone();
            if !normalize(&mut u) {
                u = unit(0);
            }
            let v = top_direction(&centred, p, &[&u]);
            (
                u,
                v,
                mean.clone(),
                ["along w".into(), "most spread across w".into()],
            )
        }
    };
    let along = |row: &[f64], dir: &[f64]| dot(row, dir) - dot(&base, dir);
    let view_points = points
        .iter()
        .zip(h.chunks_exact(p.max(1)))
        .zip(scores)
        .map(|((pt, row), score)| ViewPoint {
            at: [along(row, &u) as f32, along(row, &v) as f32],
            y: pt.y,
            test: pt.test,
            score,
        })
        .collect();
    let (rule, exact) = if layer == last {
        // w outside the plane's directions is what the view loses.
        let mut residual = w.clone();
        deflate(&mut residual, &[&u, &v]);
        let exact = dot(&residual, &residual).sqrt() <= 1e-6 * dot(&w, &w).sqrt().max(1e-12) || p <= 2;
        (Some([dot(&w, &base) + bias, dot(&w, &u), dot(&w, &v)]), exact)
    } else {
        (None, p <= 2)
    };
    FeatureView {
        points: view_points,
        rule,
        axes,
        layer,
        width: p,
        exact,
        projection,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, DataSpec, ModelSpec, Preset, Rng, Task};

    fn xor() -> Dataset {
        Dataset::generate(&DataSpec {
            preset: Preset::Xor,
            count: 100,
            noise: 0.0,
            test_fraction: 0.3,
            seed: 3,
        })
    }

    /// The pre-activation the view's rule gives at a point's position.
    fn rule_at(view: &FeatureView, p: &ViewPoint) -> f64 {
        let [c, wa, wb] = view.rule.expect("the last layer has a rule");
        c + wa * p.at[0] as f64 + wb * p.at[1] as f64
    }

    #[test]
    fn along_the_separator_every_point_sits_on_its_true_side() {
        let model = Model::new(&ModelSpec::mlp(&[6, 5], Activation::Tanh), &mut Rng::new(2));
        let view = project(&model, &xor(), Projection::Separator, None);
        assert!(view.exact);
        assert_eq!(view.width, 5);
        assert_eq!(view.points.len(), 100);
        for (p, point) in view.points.iter().zip(&xor().points) {
            // The output layer is linear, so the rule at a point's position is the model's output.
            let output = model.predict(point.x) as f64;
            assert!((rule_at(&view, p) - output).abs() < 1e-4, "{p:?}");
            assert!((p.score - output).abs() < 1e-4, "{p:?}");
        }
    }

    #[test]
    fn principal_components_are_orthogonal_and_spread_most() {
        let model = Model::new(&ModelSpec::mlp(&[7], Activation::Relu), &mut Rng::new(5));
        let view = project(&model, &xor(), Projection::Principal, None);
        let var = |axis: usize| {
            let m = view.points.iter().map(|p| p.at[axis] as f64).sum::<f64>() / 100.0;
            view.points
                .iter()
                .map(|p| (p.at[axis] as f64 - m).powi(2))
                .sum::<f64>()
        };
        assert!(var(0) >= var(1) - 1e-9);
        let separator = project(&model, &xor(), Projection::Separator, None);
        // No direction spreads more than the first principal component.
        assert!(
            var(0) + 1e-6
                >= separator
                    .points
                    .iter()
                    .map(|p| (p.at[0] as f64).powi(2))
                    .sum::<f64>()
        );
    }

    #[test]
    fn with_two_units_the_view_is_the_units_and_exact() {
        let model = Model::new(&ModelSpec::mlp(&[2], Activation::Tanh), &mut Rng::new(1));
        let view = project(&model, &xor(), Projection::Units(0, 1), None);
        assert!(view.exact);
        for (p, point) in view.points.iter().zip(&xor().points) {
            assert!(
                p.at[0].abs() <= 1.0 && p.at[1].abs() <= 1.0,
                "tanh units lie in [-1, 1]"
            );
            assert!((rule_at(&view, p) - model.predict(point.x) as f64).abs() < 1e-4);
        }
        // Units beyond the layer fall back to the first two; the linear model shows its inputs.
        let linear = Model::new(&ModelSpec::linear(), &mut Rng::new(1));
        let data = xor();
        let view = project(&linear, &data, Projection::Units(3, 9), None);
        assert_eq!(view.projection, Projection::Units(0, 1));
        assert_eq!(view.points[0].at, data.points[0].x);
        assert_eq!(Dataset::empty(Task::Classification).points.len(), 0);
    }

    #[test]
    fn projections_round_trip_through_their_keys() {
        for p in [
            Projection::Separator,
            Projection::Principal,
            Projection::Units(2, 7),
        ] {
            assert_eq!(p.key().parse::<Projection>().unwrap(), p);
        }
        for bad in ["", "u1.1", "u0.2", "u1", "x", "u1.99999"] {
            assert!(bad.parse::<Projection>().is_err(), "{bad}");
        }
    }

    #[test]
    fn no_points_give_an_empty_view() {
        let model = Model::new(&ModelSpec::mlp(&[4], Activation::Tanh), &mut Rng::new(1));
        let view = project(
            &model,
            &Dataset::empty(Task::Classification),
            Projection::Principal,
            None,
        );
        assert!(view.points.is_empty());
        assert!(view.rule.unwrap().iter().all(|v| v.is_finite()));
    }

    #[test]
    fn an_earlier_layer_has_no_line_and_its_points_keep_the_outputs() {
        let model = Model::new(&ModelSpec::mlp(&[2, 5], Activation::Tanh), &mut Rng::new(4));
        let data = xor();
        // Dense layer 1 reads hidden layer 1: two units, so the view is exact but has no rule.
        let view = project(&model, &data, Projection::Separator, Some(1));
        assert_eq!((view.layer, view.width, view.rule), (1, 2, None));
        assert!(view.exact);
        assert_eq!(view.projection, Projection::Principal, "no w to project along");
        for (p, point) in view.points.iter().zip(&data.points) {
            assert!((p.score - model.predict(point.x) as f64).abs() < 1e-5);
        }
        // Dense layer 0 reads the inputs themselves; a layer past the last means the last.
        let inputs = project(&model, &data, Projection::Units(0, 1), Some(0));
        assert_eq!(inputs.points[3].at, data.points[3].x);
        assert_eq!(project(&model, &data, Projection::Principal, Some(9)).layer, 2);
    }
}
