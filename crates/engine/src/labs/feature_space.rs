//! The feature-space view: every point drawn at its features h(x) (the values entering the last
//! layer), projected on a plane, with the last layer's linear rule w·h + b on that plane. It
//! shows that the last layer is a linear model on whatever features come before it.
//!
//! With three or more classes the last layer is K linear scores wₖ·h + bₖ (softmax regression
//! on the features): the view then shows each score's rule on the plane, and "along w" becomes
//! the plane through the two main directions of the wₖ, on which the argmax depends (exactly so
//! for three classes, whose decision depends only on two score differences).

use super::thin;
use crate::classes::{class_of, predicted_class, MAX_CLASSES};
use crate::{dot_f64 as dot, forward_points, layer_inputs, predict_points, Dataset, Model, Point, Task};
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
    /// With three or more classes: the score of the point's class minus the largest other one
    /// (positive when the model puts it in its class).
    pub score: f64,
    /// Classification: whether the model puts the point in its class; `None` for regression.
    pub correct: Option<bool>,
}

/// The projected data and, for the last layer's inputs, that layer's rule on the plane.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureView {
    /// The points.
    pub points: Vec<ViewPoint>,
    /// The last layer's pre-activation on the plane, z(a, b) = c + wa·a + wb·b, as [c, wa, wb];
    /// `None` for an earlier layer, which the output does not read directly, and for three or
    /// more classes (see `class_rules`).
    pub rule: Option<[f64; 3]>,
    /// With three or more classes, at the last layer: each class's score on the plane,
    /// zₖ(a, b) = cₖ + waₖ·a + wbₖ·b as [cₖ, waₖ, wbₖ]; the largest names the class there.
    /// Empty otherwise.
    pub class_rules: Vec<[f64; 3]>,
    /// Names of the horizontal and vertical axes.
    pub axes: [String; 2],
    /// Which dense layer's inputs are shown (0: the features φ; the last: what the output reads).
    pub layer: usize,
    /// How many values each point has at that layer.
    pub width: usize,
    /// Whether the plane loses nothing that matters: with a rule (or class rules), nothing the
    /// last layer uses (each point sits on the side, or in the region, of its model class);
    /// without one, nothing at all (width ≤ 2).
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
        for row in h.chunks_exact(p.max(1)) {
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
    let units = model.layers[last].outputs;
    // Each output unit's weights wₖ (one row of the last layer) and bias.
    let class_rows: Vec<Vec<f64>> = model.layers[last]
        .weights
        .chunks_exact(model.layers[last].inputs.max(1))
        .map(|row| row.iter().map(|&v| v as f64).collect())
        .collect();
    let w: Vec<f64> = class_rows.first().cloned().unwrap_or_default();
    let bias = model.layers[last].bias[0] as f64;

    // h: n × p, row-major.
    let h = layer_inputs(model, &points.iter().collect::<Vec<_>>(), layer);
    let (scores, correct) = if units > 1 {
        class_scores(model, &points, data)
    } else {
        let scores: Vec<f64> = if layer == last {
            (0..n).map(|i| dot(&h[i * p..(i + 1) * p], &w) + bias).collect()
        } else {
            predict_points(model, &points)
                .into_iter()
                .map(f64::from)
                .collect()
        };
        let correct = scores
            .iter()
            .zip(&points)
            .map(|(&f, pt)| (data.task == Task::Classification).then_some((f >= 0.0) == (pt.y > 0.0)))
            .collect();
        (scores, correct)
    };
    let mut mean = vec![0.0; p];
    for row in h.chunks_exact(p.max(1)) {
        mean.iter_mut()
            .zip(row)
            .for_each(|(m, v)| *m += v / n.max(1) as f64);
    }
    let mut centred = h.clone();
    for row in centred.chunks_exact_mut(p.max(1)) {
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
    // The class vectors about their mean: the argmax depends on h only through these.
    let spread_of_classes: Vec<f64> = if units > 1 {
        let mut rows = class_rows.concat();
        for k in 0..p {
            let mean_k = (0..units).map(|u| rows[u * p + k]).sum::<f64>() / units as f64;
            (0..units).for_each(|u| rows[u * p + k] -= mean_k);
        }
        rows
    } else {
        Vec::new()
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
        Projection::Separator if units > 1 => {
            let u = top_direction(&spread_of_classes, p, &[]);
            let v = top_direction(&spread_of_classes, p, &[&u]);
            (
                u,
                v,
                mean.clone(),
                [
                    "1st direction between the classes".into(),
                    "2nd direction between the classes".into(),
                ],
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
        .enumerate()
        .zip(scores.into_iter().zip(correct))
        .map(|((i, pt), (score, correct))| ViewPoint {
            at: [
                along(&h[i * p..(i + 1) * p], &u) as f32,
                along(&h[i * p..(i + 1) * p], &v) as f32,
            ],
            y: pt.y,
            test: pt.test,
            score,
            correct,
        })
        .collect();
    let on_plane = |w: &[f64], b: f64| [dot(w, &base) + b, dot(w, &u), dot(w, &v)];
    // What a direction loses outside the plane, relative to its length.
    let lost = |direction: &[f64]| {
        let mut residual = direction.to_vec();
        deflate(&mut residual, &[&u, &v]);
        dot(&residual, &residual).sqrt() > 1e-6 * dot(direction, direction).sqrt().max(1e-12)
    };
    let (rule, class_rules, exact) = if layer != last {
        (None, Vec::new(), p <= 2)
    } else if units > 1 {
        let biases = &model.layers[last].bias;
        let rules = class_rows
            .iter()
            .zip(biases)
            .map(|(w, &b)| on_plane(w, b as f64))
            .collect();
        let exact = p <= 2 || !spread_of_classes.chunks_exact(p).any(lost);
        (None, rules, exact)
    } else {
        // w outside the plane's directions is what the view loses.
        (Some(on_plane(&w, bias)), Vec::new(), p <= 2 || !lost(&w))
    };
    FeatureView {
        points: view_points,
        rule,
        class_rules,
        axes,
        layer,
        width: p,
        exact,
        projection,
    }
}

/// For a model with several output units: each point's margin (its class's score minus the
/// largest other) and whether the largest score is its class.
fn class_scores(model: &Model, points: &[Point], data: &Dataset) -> (Vec<f64>, Vec<Option<bool>>) {
    let classifies = data.task == Task::Classification;
    let (mut margins, mut correct) = (Vec::with_capacity(points.len()), Vec::with_capacity(points.len()));
    let mut buffer = [0.0f32; MAX_CLASSES];
    forward_points(model, points, |ws, first| {
        for b in 0..ws.len() {
            let scores = ws.scores(b, &mut buffer);
            let truth = class_of(points[first + b].y, scores.len());
            let others = scores
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != truth)
                .map(|(_, &s)| s as f64)
                .fold(f64::NEG_INFINITY, f64::max);
            margins.push(scores[truth] as f64 - others);
            correct.push(classifies.then_some(predicted_class(scores) == truth));
        }
    });
    (margins, correct)
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

    /// A model without any feature (every hand-made one unticked) has nothing to show, and
    /// says so with an empty plane instead of failing, with two classes or three.
    #[test]
    fn a_model_without_features_gives_an_empty_plane() {
        let none = ModelSpec::on_features(crate::FeatureMap::Handmade(Vec::new()));
        for (spec, preset) in [
            (none.clone(), Preset::Xor),
            (none.with_outputs(3), Preset::Blobs3),
        ] {
            let model = Model::new(&spec, &mut Rng::new(1));
            let data = Dataset::generate(&DataSpec {
                preset,
                ..DataSpec::default()
            });
            for projection in [
                Projection::Separator,
                Projection::Principal,
                Projection::Units(0, 1),
            ] {
                let view = project(&model, &data, projection, None);
                assert_eq!((view.width, view.points.len()), (0, 200));
                assert!(view.exact);
            }
        }
    }
}
