//! The mathematics on screen with its numbers: the current model written out with its learned
//! values, the loss being minimised with its current value, and for the chain-rule panel the
//! last step's update of one weight with both gradients it could be confused with (the traced
//! point's own and the minibatch's, which the update used).
//!
//! Formulas come as an [`Expression`]: plain text pieces with superscripts and subscripts the
//! page renders as `<sup>`/`<sub>`; [`Expression::plain`] writes them inline as `^{…}`/`_{…}`.

use super::motion::part_way;
use super::session::Session;
use crate::engine::{Dense, FeatureMap, Loss, Model, OptimizerConfig, OptimizerKind, Trainer, MOMENTUM};

/// One piece of a formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text on the line.
    Text(String),
    /// Raised text (an exponent or an upper limit).
    Sup(String),
    /// Lowered text (a lower limit).
    Sub(String),
}

/// A formula as pieces of text, superscripts and subscripts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expression(pub Vec<Piece>);

impl Expression {
    /// The formula on one line, superscripts as `^{…}` and subscripts as `_{…}` (for tests,
    /// tooltips and `aria-label`s).
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(t) => t.clone(),
                Piece::Sup(t) => format!("^{{{t}}}"),
                Piece::Sub(t) => format!("_{{{t}}}"),
            })
            .collect()
    }

    fn text(mut self, t: impl Into<String>) -> Self {
        self.0.push(Piece::Text(t.into()));
        self
    }

    fn sup(mut self, t: impl Into<String>) -> Self {
        self.0.push(Piece::Sup(t.into()));
        self
    }

    fn sub(mut self, t: impl Into<String>) -> Self {
        self.0.push(Piece::Sub(t.into()));
        self
    }
}

/// What the formula box shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mathematics {
    /// The model with its learned numbers: `f(x) = 2.31·x₁ − 0.80·x₂ + 0.12`.
    pub model: Expression,
    /// Lines under it: a network's shape, or the random features with the largest weights.
    pub notes: Vec<String>,
    /// The loss being minimised and its value on the training points:
    /// `L = mean log(1 + e^{−y·f(x)}) = 0.083`.
    pub loss: Expression,
}

/// The formula box of `session`: its model, and its loss with the value at the last refresh.
pub fn mathematics(session: &Session) -> Mathematics {
    let model = &session.trainer.model;
    let (expression, notes) = describe_model(model);
    Mathematics {
        model: expression,
        notes,
        loss: describe_loss(
            session.trainer.config.loss,
            &session.trainer.config.optimizer,
            model,
            session.metrics.train.loss,
        ),
    }
}

/// How many of the random features' terms the notes write out.
pub const LARGEST_TERMS: usize = 3;

/// The model's formula with its learned numbers, and notes under it. A model of K ≥ 3 classes
/// has K scores f₁ … f_K and predicts p = softmax(f): a linear one is written as that, with each
/// class's score line under it.
pub fn describe_model(model: &Model) -> (Expression, Vec<String>) {
    let Some(output) = model.layers.last() else {
        return (Expression::default().text("f(x) = 0"), Vec::new());
    };
    let units = output.outputs;
    let f = if units > 1 {
        Expression::default().text(format!("p = softmax(f(x)), f = (f₁ … f{}), ", subscript(units)))
    } else {
        Expression::default()
    };
    let hidden = &model.layers[..model.layers.len() - 1];
    match hidden {
        [] => {
            let names = feature_names(&model.features);
            let score = |k: usize| affine(row(output, k), &names, output.bias[k]);
            if units == 1 {
                return (f.text(format!("f(x) = {}", score(0))), Vec::new());
            }
            let notes = (0..units)
                .map(|k| format!("f{}(x) = {}", subscript(k + 1), score(k)))
                .collect();
            (f.text("fₖ(x) = wₖ·x + bₖ"), notes)
        }
        [features] if features.frozen => {
            let m = features.outputs;
            let sigma = features.activation.key();
            let names = feature_names(&model.features);
            // For several classes, class i's score has its own weights vᵢₖ and bias cᵢ.
            let (score, v, c) = if units == 1 {
                ("f(x)", "vₖ", "c")
            } else {
                ("fᵢ(x)", "vᵢₖ", "cᵢ")
            };
            let sum = f
                .text(format!("{score} = Σ"))
                .sub("k=1")
                .sup(m.to_string())
                .text(format!(" {v}·{sigma}(mₖ·x + bₖ) + {c}"));
            // Output weight (class i, feature j) at i·m + j.
            let mut order: Vec<usize> = (0..units * m).collect();
            order.sort_by(|&a, &b| output.weights[b].abs().total_cmp(&output.weights[a].abs()));
            let mut notes = vec![format!(
                "{m} random features, frozen; the largest of the {} trained weights {v}:",
                units * m
            )];
            for &at in order.iter().take(LARGEST_TERMS) {
                let (i, j) = (at / m, at % m);
                let name = if units == 1 {
                    subscript(j + 1)
                } else {
                    format!("{},{}", subscript(i + 1), subscript(j + 1))
                };
                notes.push(format!(
                    "v{name} = {} on {sigma}({})",
                    number(output.weights[at]),
                    affine(row(features, j), &names, features.bias[j])
                ));
            }
            notes.push(if units == 1 {
                format!("c = {}", number(output.bias[0]))
            } else {
                let biases: Vec<String> = output.bias.iter().map(|&b| number(b)).collect();
                format!("c = ({})", biases.join(", "))
            });
            (sum, notes)
        }
        _ => {
            let sigma = hidden[0].activation.key();
            let mut inner = "x".to_string();
            for (l, _) in hidden.iter().enumerate() {
                inner = format!("{sigma}(W{}·{inner} + b{})", subscript(l + 1), subscript(l + 1));
            }
            let last = subscript(model.layers.len());
            let mut shape = vec![model.features.width().to_string()];
            shape.extend(model.layers.iter().map(|l| l.outputs.to_string()));
            let trained: usize = model
                .layers
                .iter()
                .filter(|l| !l.frozen)
                .map(|l| l.parameter_count())
                .sum();
            let notes = vec![
                format!("{}, {sigma}", shape.join(" → ")),
                format!("{trained} weights and biases, all learned"),
            ];
            (f.text(format!("f(x) = W{last}·{inner} + b{last}")), notes)
        }
    }
}

/// The loss being minimised, with its value: the mean loss over the training points
/// `data_loss`, plus the penalty on the trained weights when there is one.
pub fn describe_loss(loss: Loss, optimizer: &OptimizerConfig, model: &Model, data_loss: f64) -> Expression {
    let mut e = Expression::default().text("L = mean ");
    e = match loss {
        Loss::Logistic => e.text("log(1 + e").sup("−y·f(x)").text(")"),
        Loss::Softmax => e.text("−log p").sub("y").text("(x)"),
        Loss::Squared => e.text("(f(x) − y)").sup("2"),
    };
    let weights = || {
        model
            .layers
            .iter()
            .filter(|l| !l.frozen)
            .flat_map(|l| l.weights.iter())
    };
    let penalty = if optimizer.l1 > 0.0 {
        e = e.text(format!(" + {}·Σ|w|", number(optimizer.l1)));
        Some(optimizer.l1 as f64 * weights().map(|w| w.abs() as f64).sum::<f64>())
    } else if optimizer.l2 > 0.0 {
        e = e.text(format!(" + ({}/2)·Σw", number(optimizer.l2))).sup("2");
        Some(optimizer.l2 as f64 / 2.0 * weights().map(|&w| w as f64 * w as f64).sum::<f64>())
    } else {
        None
    };
    if !data_loss.is_finite() {
        return e.text(" (no training points)");
    }
    match penalty {
        None => e.text(format!(" = {}", value(data_loss))),
        Some(p) => e.text(format!(
            " = {} + {} = {}",
            value(data_loss),
            value(p),
            value(data_loss + p)
        )),
    }
}

/// The last step's update of one weight, for the chain-rule panel: the two gradients side by
/// side, and the update written with the one it used.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightUpdate {
    /// w before the last step.
    pub before: f32,
    /// w now.
    pub after: f32,
    /// The traced point's own ∂ℓ/∂w, at the weights the step started from: what the step would
    /// have used had the point been the whole minibatch.
    pub point_gradient: f32,
    /// The minibatch's mean ∂L/∂w: the gradient the step used.
    pub batch_gradient: f32,
    /// How many points the minibatch held.
    pub batch_size: usize,
    /// Whether the traced point was one of them.
    pub point_in_batch: bool,
    /// The update, written with the minibatch's gradient and the numbers:
    /// `w ← w − η·∂L/∂w = 0.512 − 0.1 × 0.049 = 0.507`.
    pub rule: String,
}

/// The last step's update of the weight from input `from` to unit `to` of dense layer
/// `layer`, with the gradient of the traced point (x, y) beside the minibatch's. `None` before
/// the first step, for a frozen layer, or for a weight that does not exist.
pub fn weight_update(
    trainer: &Trainer,
    x: [f32; 2],
    y: f32,
    layer: usize,
    to: usize,
    from: usize,
) -> Option<WeightUpdate> {
    let dense = trainer.model.layers.get(layer)?;
    if trainer.steps() == 0 || dense.frozen || to >= dense.outputs || from >= dense.inputs {
        return None;
    }
    let index = to * dense.inputs + from;
    let before = trainer.before_last_step(layer).0[index];
    let after = dense.weights[index];
    let mut start = trainer.model.clone();
    part_way(trainer, 0.0, &mut start);
    let point_gradient = start
        .trace(x, y, trainer.config.loss)
        .weight_gradient(layer, to, from);
    let batch_gradient = trainer.gradients().weights[layer][index];
    let batch = trainer.last_batch();
    let batch_size = batch.len();
    let point_in_batch =
        (0..batch_size).any(|i| batch.x1[i] == x[0] && batch.x2[i] == x[1] && batch.targets[i] == y);
    let rule = update_rule(&trainer.config.optimizer, before, after, batch_gradient);
    Some(WeightUpdate {
        before,
        after,
        point_gradient,
        batch_gradient,
        batch_size,
        point_in_batch,
        rule,
    })
}

/// The update of a weight from `before` to `after` under `optimizer`, written out with the
/// minibatch gradient `g` it used. Momentum and Adam keep running averages the page does not
/// show; their combined effect is read off the step itself.
fn update_rule(optimizer: &OptimizerConfig, before: f32, after: f32, g: f32) -> String {
    let eta = number(optimizer.learning_rate);
    let (w, new) = (number(before), number(after));
    let (penalty, penalised) = if optimizer.l1 > 0.0 {
        (
            format!(" + {}·sign(w)", number(optimizer.l1)),
            format!(" + {} × {}", number(optimizer.l1), number(before.signum())),
        )
    } else if optimizer.l2 > 0.0 {
        (
            format!(" + {}·w", number(optimizer.l2)),
            format!(" + {} × {w}", number(optimizer.l2)),
        )
    } else {
        (String::new(), String::new())
    };
    let step = if optimizer.learning_rate > 0.0 {
        (before - after) / optimizer.learning_rate
    } else {
        0.0
    };
    match optimizer.kind {
        OptimizerKind::Sgd if penalty.is_empty() => {
            format!("w ← w − η·∂L/∂w = {w} − {eta} × {} = {new}", number(g))
        }
        OptimizerKind::Sgd => format!(
            "w ← w − η·(∂L/∂w{penalty}) = {w} − {eta} × ({}{penalised}) = {new}",
            number(g)
        ),
        OptimizerKind::Momentum => format!(
            "v ← {}·v + ∂L/∂w{penalty} = {}, with ∂L/∂w = {}; w ← w − η·v = {w} − {eta} × {} = {new}",
            number(MOMENTUM),
            number(step),
            number(g),
            number(step)
        ),
        OptimizerKind::Adam => format!(
            "w ← w − η·m̂/(√v̂ + ε) = {w} − {eta} × {} = {new}, where m̂ and v̂ are running averages of ∂L/∂w{penalty} (now {}) and of its square",
            number(step),
            number(g)
        ),
    }
}

/// The weights into unit `unit` of `layer`.
fn row(layer: &Dense, unit: usize) -> &[f32] {
    &layer.weights[unit * layer.inputs..(unit + 1) * layer.inputs]
}

/// The names of a model's features: x₁ and x₂, or the hand-made formulas.
fn feature_names(features: &FeatureMap) -> Vec<String> {
    match features {
        FeatureMap::Identity => vec!["x₁".into(), "x₂".into()],
        FeatureMap::Handmade(list) => list.iter().map(|f| f.formula().to_string()).collect(),
    }
}

/// `w₁·n₁ + w₂·n₂ + b` with the signs folded in: `2.31·x₁ − 0.80·x₂ + 0.12`.
fn affine(weights: &[f32], names: &[String], bias: f32) -> String {
    let mut out = String::new();
    for (&w, name) in weights.iter().zip(names) {
        push_term(&mut out, w, &format!("·{name}"));
    }
    push_term(&mut out, bias, "");
    out
}

fn push_term(out: &mut String, v: f32, what: &str) {
    let magnitude = number(v.abs());
    if out.is_empty() {
        let sign = if v < 0.0 { "−" } else { "" };
        out.push_str(&format!("{sign}{magnitude}{what}"));
    } else {
        let sign = if v < 0.0 { '−' } else { '+' };
        out.push_str(&format!(" {sign} {magnitude}{what}"));
    }
}

/// A coefficient as people read it: two decimals (`0.80`, `−2.31`), or two significant digits
/// in scientific notation when smaller than 0.01 or from 10 000 up (`4.2e−3`), with a minus
/// sign (−).
pub fn number(v: f32) -> String {
    let a = v.abs();
    let text = if v == 0.0 {
        "0".to_string()
    } else if (0.01..1e4).contains(&a) {
        format!("{v:.2}")
    } else if !v.is_finite() {
        format!("{v}")
    } else {
        format!("{v:.1e}")
    };
    text.replace('-', "−")
}

/// A loss value: three significant digits (`0.0831`, `0.693`, `12.4`), or scientific below
/// 0.001 or from 10 000 up.
pub fn value(v: f64) -> String {
    let a = v.abs();
    let text = if v == 0.0 {
        "0".to_string()
    } else if (1e-3..1e4).contains(&a) {
        let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.2e}")
    };
    text.replace('-', "−")
}

/// `n` written in subscript digits (`12` → `₁₂`).
pub fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| {
            c.to_digit(10)
                .and_then(|d| char::from_u32(0x2080 + d))
                .unwrap_or(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{HandFeature, ModelSpec, Rng};
    use crate::page::simulate::session;

    /// Reads every signed number out of a formula written with − and ·.
    fn numbers_in(text: &str) -> Vec<f64> {
        text.replace('−', "-")
            .replace("- ", "-")
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
            .filter_map(|t| t.trim_matches('e').parse::<f64>().ok())
            .collect()
    }

    #[test]
    fn a_linear_model_is_written_with_its_weights() {
        let mut s = session("model=linear&dataset=gauss");
        let layer = &mut s.trainer.model.layers[0];
        layer.weights = vec![2.3141, -0.8];
        layer.bias = vec![0.1234];
        assert_eq!(mathematics(&s).model.plain(), "f(x) = 2.31·x₁ − 0.80·x₂ + 0.12");
        s.trainer.model.layers[0].weights = vec![-0.004_21, 12_345.0];
        s.trainer.model.layers[0].bias = vec![-3.0];
        assert_eq!(
            mathematics(&s).model.plain(),
            "f(x) = −4.2e−3·x₁ + 1.2e4·x₂ − 3.00"
        );
    }

    /// Every number in the written formula is the model's own, to the digits shown, and the
    /// formula computes f(x) as the model does.
    #[test]
    fn hand_made_features_are_written_with_their_learned_weights() {
        let mut s = session("model=features&features=x1sq,x2sq&dataset=circle&lr=0.3");
        for _ in 0..300 {
            s.trainer.step();
        }
        let text = describe_model(&s.trainer.model).0.plain();
        assert!(
            text.starts_with("f(x) = ") && text.contains("·x₁²") && text.contains("·x₂²"),
            "{text}"
        );
        let layer = &s.trainer.model.layers[0];
        let numbers: Vec<f64> = numbers_in(text.split('=').nth(1).unwrap())
            .into_iter()
            .filter(|n| *n != 2.0)
            .collect();
        let expected: Vec<f32> = vec![layer.weights[0], layer.weights[1], layer.bias[0]];
        assert_eq!(numbers.len(), 3, "{text}: {numbers:?}");
        for (n, e) in numbers.iter().zip(&expected) {
            assert!((n - *e as f64).abs() <= 0.005 + 1e-6, "{text}: {n} vs {e}");
        }
        let x = [0.3f32, -0.7];
        let by_formula = numbers[0] * (x[0] * x[0]) as f64 + numbers[1] * (x[1] * x[1]) as f64 + numbers[2];
        assert!((by_formula - s.trainer.model.predict(x) as f64).abs() < 0.01);
        // No features: the bias alone.
        let bare = Model::new(
            &ModelSpec::on_features(FeatureMap::Handmade(vec![])),
            &mut Rng::new(1),
        );
        assert_eq!(describe_model(&bare).0.plain(), "f(x) = 0");
        let one = Model::new(
            &ModelSpec::on_features(FeatureMap::Handmade(vec![HandFeature::Ring])),
            &mut Rng::new(1),
        );
        assert!(describe_model(&one).0.plain().contains("·|x₁²+x₂²−0.6|"));
    }

    /// Random features: the sum over k, then the terms with the largest |vₖ|, each written with
    /// its own frozen mₖ and bₖ, largest first.
    #[test]
    fn random_features_show_the_sum_and_their_largest_terms() {
        let mut s = session("model=random&rf=relu&k=100&dataset=circle&opt=adam");
        for _ in 0..200 {
            s.trainer.step();
        }
        let (model, notes) = describe_model(&s.trainer.model);
        assert_eq!(model.plain(), "f(x) = Σ_{k=1}^{100} vₖ·relu(mₖ·x + bₖ) + c");
        assert_eq!(notes.len(), 2 + LARGEST_TERMS, "{notes:?}");
        let output: &Dense = &s.trainer.model.layers[1];
        let features: &Dense = &s.trainer.model.layers[0];
        let mut by_size: Vec<usize> = (0..100).collect();
        by_size.sort_by(|&a, &b| output.weights[b].abs().total_cmp(&output.weights[a].abs()));
        for (line, &j) in notes[1..=LARGEST_TERMS].iter().zip(&by_size) {
            let expected = format!(
                "v{} = {} on relu({})",
                subscript(j + 1),
                number(output.weights[j]),
                affine(
                    &features.weights[2 * j..2 * j + 2],
                    &feature_names(&FeatureMap::Identity),
                    features.bias[j]
                )
            );
            assert_eq!(line, &expected);
        }
        assert_eq!(notes.last().unwrap(), &format!("c = {}", number(output.bias[0])));
    }

    /// A model of three classes is written as the softmax of three scores: a linear one with
    /// each class's score line under it, random features with the largest weights of any class.
    #[test]
    fn several_classes_are_written_as_a_softmax_of_scores() {
        let mut s = session("model=linear&dataset=blobs3");
        let layer = &mut s.trainer.model.layers[0];
        layer.weights = vec![1.0, 0.0, 0.0, -2.0, 0.5, 0.25];
        layer.bias = vec![0.1, 0.2, -0.3];
        let m = mathematics(&s);
        assert_eq!(
            m.model.plain(),
            "p = softmax(f(x)), f = (f₁ … f₃), fₖ(x) = wₖ·x + bₖ"
        );
        assert_eq!(
            m.notes,
            [
                "f₁(x) = 1.00·x₁ + 0·x₂ + 0.10",
                "f₂(x) = 0·x₁ − 2.00·x₂ + 0.20",
                "f₃(x) = 0.50·x₁ + 0.25·x₂ − 0.30"
            ]
        );
        assert!(
            m.loss.plain().starts_with("L = mean −log p_{y}(x) = "),
            "{}",
            m.loss.plain()
        );
        let mut s = session("model=random&rf=relu&k=10&dataset=blobs3");
        s.trainer.step();
        let (model, notes) = describe_model(&s.trainer.model);
        assert_eq!(
            model.plain(),
            "p = softmax(f(x)), f = (f₁ … f₃), fᵢ(x) = Σ_{k=1}^{10} vᵢₖ·relu(mₖ·x + bₖ) + cᵢ"
        );
        let output = &s.trainer.model.layers[1];
        let largest = output.weights.iter().map(|w| w.abs()).fold(0.0, f32::max);
        assert!(notes[0].contains("of the 30 trained weights"), "{notes:?}");
        assert!(
            notes[1].contains(&format!("= {} on relu(", number(largest)))
                || notes[1].contains(&format!("= {} on relu(", number(-largest))),
            "{notes:?}"
        );
        assert!(notes.last().unwrap().starts_with("c = ("), "{notes:?}");
        let s = session("layers=8&act=tanh&dataset=spiral3");
        assert_eq!(
            describe_model(&s.trainer.model).0.plain(),
            "p = softmax(f(x)), f = (f₁ … f₃), f(x) = W₂·tanh(W₁·x + b₁) + b₂"
        );
    }

    #[test]
    fn networks_are_written_with_their_shape() {
        let s = session("layers=8,8&act=tanh");
        let (model, notes) = describe_model(&s.trainer.model);
        assert_eq!(model.plain(), "f(x) = W₃·tanh(W₂·tanh(W₁·x + b₁) + b₂) + b₃");
        assert_eq!(
            notes,
            ["2 → 8 → 8 → 1, tanh", "105 weights and biases, all learned"]
        );
        // A network without hidden layers is a linear model, and is written as one.
        let s = session("layers=&act=relu");
        assert!(describe_model(&s.trainer.model).0.plain().contains("·x₁"));
    }

    /// The loss is written with its value on the training points, and with the penalty's
    /// value added when there is one.
    #[test]
    fn the_loss_is_written_with_its_current_value() {
        let s = session("dataset=circle");
        let loss = mathematics(&s).loss.plain();
        assert_eq!(
            loss,
            format!(
                "L = mean log(1 + e^{{−y·f(x)}}) = {}",
                value(s.metrics.train.loss)
            )
        );
        let s = session("dataset=plane&model=linear");
        assert!(mathematics(&s)
            .loss
            .plain()
            .starts_with("L = mean (f(x) − y)^{2} = "));
        let model = &s.trainer.model;
        let l2 = OptimizerConfig {
            l2: 0.1,
            ..s.trainer.config.optimizer
        };
        let squares: f64 = model.layers[0].weights.iter().map(|&w| (w * w) as f64).sum();
        let text = describe_loss(Loss::Squared, &l2, model, 0.5).plain();
        let penalty = 0.05 * squares;
        assert_eq!(
            text,
            format!(
                "L = mean (f(x) − y)^{{2}} + (0.10/2)·Σw^{{2}} = 0.500 + {} = {}",
                value(penalty),
                value(0.5 + penalty)
            )
        );
        let l1 = OptimizerConfig {
            l1: 0.01,
            ..s.trainer.config.optimizer
        };
        assert!(describe_loss(Loss::Logistic, &l1, model, 0.25)
            .plain()
            .contains(" + 0.01·Σ|w| = 0.250 + "));
        assert!(describe_loss(Loss::Logistic, &l1, model, f64::NAN)
            .plain()
            .ends_with("(no training points)"));
    }

    #[test]
    fn numbers_are_written_as_people_read_them() {
        assert_eq!(number(0.8), "0.80");
        assert_eq!(number(-2.314), "−2.31");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.00421), "−4.2e−3");
        assert_eq!(value(0.0831), "0.0831");
        assert_eq!(value(0.45678), "0.457");
        assert_eq!(value(12.44), "12.4");
        assert_eq!(value(2.5e-5), "2.50e−5");
    }

    /// The chain-rule panel's numbers: the minibatch gradient is the one the SGD update used,
    /// exactly; the traced point's own gradient, at the same weights, is the single-point
    /// trace's δ·a, and generally differs from it.
    #[test]
    fn the_update_uses_the_minibatch_gradient_and_the_point_gradient_is_shown_beside_it() {
        let mut s = session("dataset=circle&lr=0.1");
        let traced = s.data.points[3];
        assert_eq!(
            weight_update(&s.trainer, traced.x, traced.y, 1, 2, 3),
            None,
            "no step yet"
        );
        let before_model = s.trainer.model.clone();
        s.step_once();
        let update = weight_update(&s.trainer, traced.x, traced.y, 1, 2, 3).unwrap();
        let index = 2 * 8 + 3;
        assert_eq!(update.before, before_model.layers[1].weights[index]);
        assert_eq!(update.after, s.trainer.model.layers[1].weights[index]);
        assert_eq!(update.batch_gradient, s.trainer.gradients().weights[1][index]);
        assert!((update.before - 0.1 * update.batch_gradient - update.after).abs() < 1e-7);
        let own = before_model
            .trace(traced.x, traced.y, Loss::Logistic)
            .weight_gradient(1, 2, 3);
        assert_eq!(update.point_gradient, own);
        assert_ne!(update.point_gradient, update.batch_gradient);
        assert_eq!(update.batch_size, 10);
        assert_eq!(
            update.rule,
            format!(
                "w ← w − η·∂L/∂w = {} − 0.10 × {} = {}",
                number(update.before),
                number(update.batch_gradient),
                number(update.after)
            )
        );
        // A point of the minibatch is known to be one.
        let batch = s.trainer.last_batch();
        let (x, y) = ([batch.x1[0], batch.x2[0]], batch.targets[0]);
        assert!(weight_update(&s.trainer, x, y, 1, 2, 3).unwrap().point_in_batch);
        assert_eq!(weight_update(&s.trainer, x, y, 1, 8, 0), None, "no such unit");
        assert_eq!(weight_update(&s.trainer, x, y, 7, 0, 0), None, "no such layer");
    }

    /// Momentum and Adam updates are written with the step they took, which on the first step
    /// is known exactly (momentum's v is the gradient, Adam moves every weight by η); penalties
    /// appear in the rule and in the step.
    #[test]
    fn other_optimizers_write_the_step_they_took() {
        let first_update = |hash: &str| {
            let mut s = session(hash);
            s.step_once();
            let point = s.data.points[0];
            weight_update(&s.trainer, point.x, point.y, 0, 1, 1).unwrap()
        };
        let u = first_update("dataset=circle&opt=momentum&lr=0.1");
        let g = number(u.batch_gradient);
        assert_eq!(
            u.rule,
            format!(
                "v ← 0.90·v + ∂L/∂w = {g}, with ∂L/∂w = {g}; w ← w − η·v = {} − 0.10 × {g} = {}",
                number(u.before),
                number(u.after)
            )
        );
        let u = first_update("dataset=circle&opt=adam&lr=0.01");
        let sign = number(u.batch_gradient.signum());
        assert!(
            u.rule.starts_with(&format!(
                "w ← w − η·m̂/(√v̂ + ε) = {} − 0.01 × {sign} = ",
                number(u.before)
            )),
            "{}",
            u.rule
        );
        let u = first_update("dataset=circle&opt=sgd&lr=0.1&reg=l2&rate=0.01");
        assert!(u.rule.starts_with("w ← w − η·(∂L/∂w + 0.01·w) = "), "{}", u.rule);
        let expected = u.before - 0.1 * (u.batch_gradient + 0.01 * u.before);
        assert!((u.after - expected).abs() < 1e-7);
        let u = first_update("dataset=circle&opt=sgd&lr=0.1&reg=l1&rate=0.01");
        assert!(
            u.rule.starts_with("w ← w − η·(∂L/∂w + 0.01·sign(w)) = "),
            "{}",
            u.rule
        );
        let expected = u.before - 0.1 * (u.batch_gradient + 0.01 * u.before.signum());
        assert!((u.after - expected).abs() < 1e-7);
    }
}
