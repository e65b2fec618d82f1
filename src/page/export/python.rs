//! The Python code of each section of an export, written out for one model: the forward and
//! backward passes unrolled layer by layer with named arrays (`z1`, `h1`, `d1`, `gW1` …), so a
//! student reads the chain rule rather than a loop over a list of layers.

use super::ExportRun;
use crate::engine::{
    Activation, Dense, FeatureMap, HandFeature, Loss, OptimizerKind, Task, ADAM_BETA1, ADAM_BETA2,
    ADAM_EPSILON, MOMENTUM,
};

/// Lines of code with optional trailing comments, aligned into one column.
#[derive(Default)]
pub(super) struct Block {
    lines: Vec<(String, Option<String>)>,
}

impl Block {
    /// A line of code (with its indentation) and an optional comment after it.
    pub(super) fn line(&mut self, code: impl Into<String>, comment: Option<String>) {
        self.lines.push((code.into(), comment));
    }

    /// A line without a comment.
    pub(super) fn code(&mut self, code: impl Into<String>) {
        self.line(code, None);
    }

    /// The lines, comments starting two spaces after the longest commented line (up to a cap,
    /// beyond which a comment follows its own line directly).
    pub(super) fn render(&self) -> String {
        const MAX_COLUMN: usize = 44;
        let column = self
            .lines
            .iter()
            .filter(|(_, comment)| comment.is_some())
            .map(|(code, _)| code.chars().count())
            .filter(|&width| width <= MAX_COLUMN)
            .max()
            .unwrap_or(0)
            + 2;
        let mut out = String::new();
        for (code, comment) in &self.lines {
            out.push_str(code);
            if let Some(comment) = comment {
                let pad = column.saturating_sub(code.chars().count()).max(2);
                out.push_str(&" ".repeat(pad));
                out.push_str("# ");
                out.push_str(comment);
            }
            out.push('\n');
        }
        out
    }
}

/// `value` as a Python float literal that reads back as the same `f32`.
pub(super) fn float(value: f32) -> String {
    let text = format!("{value:?}");
    // Rust writes `1e-5`; Python reads that too. Only a bare integer needs its `.0`.
    if text.contains(['.', 'e', 'E']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// Appends `items` separated by ", ", breaking lines (indented by `indent`) before they pass
/// 96 characters.
fn wrapped(items: impl Iterator<Item = String>, indent: &str, out: &mut String) {
    const WIDTH: usize = 96;
    let mut line_start = out.len();
    out.push_str(indent);
    let mut first = true;
    for item in items {
        if !first {
            out.push(',');
            if out.len() - line_start + item.len() + 2 > WIDTH {
                out.push('\n');
                line_start = out.len();
                out.push_str(indent);
            } else {
                out.push(' ');
            }
        }
        out.push_str(&item);
        first = false;
    }
}

/// `name = page_floats([...])` for a list of literals.
fn list(name: &str, items: Vec<String>) -> String {
    if items.is_empty() {
        return format!("{name} = np.zeros(0)\n");
    }
    if items.len() <= 8 {
        return format!("{name} = page_floats([{}])\n", items.join(", "));
    }
    let mut out = format!("{name} = page_floats([\n");
    wrapped(items.into_iter(), "    ", &mut out);
    out.push_str(",\n])\n");
    out
}

/// `name = page_floats([...])` for a vector.
pub(super) fn vector(name: &str, values: &[f32]) -> String {
    list(name, values.iter().map(|&v| float(v)).collect())
}

/// `name = page_floats([...])` for values that are whole numbers (the classes ±1).
fn integers(name: &str, values: &[f32]) -> String {
    list(name, values.iter().map(|&v| (v as i64).to_string()).collect())
}

/// `name = page_floats([[...], ...])` for a `rows × cols` matrix stored row-major.
pub(super) fn matrix(name: &str, values: &[f32], rows: usize, cols: usize) -> String {
    if values.is_empty() {
        return format!("{name} = np.zeros(({rows}, {cols}))\n");
    }
    let mut out = format!("{name} = page_floats([\n");
    if cols <= 4 {
        // Short rows: several to a line.
        let rows = values.chunks(cols.max(1)).take(rows).map(|row| {
            let items: Vec<String> = row.iter().map(|&v| float(v)).collect();
            format!("[{}]", items.join(", "))
        });
        wrapped(rows, "    ", &mut out);
        out.push_str(",\n");
    } else {
        for row in values.chunks(cols).take(rows) {
            out.push_str("    [\n");
            wrapped(row.iter().map(|&v| float(v)), "        ", &mut out);
            out.push_str(",\n    ],\n");
        }
    }
    out.push_str(&format!("]).reshape({rows}, {cols})\n"));
    out
}

/// NumPy for σ(z) given the name of z.
fn activation_expression(activation: Activation, z: &str) -> String {
    match activation {
        Activation::Linear => z.to_string(),
        Activation::Relu => format!("np.maximum({z}, 0.0)"),
        Activation::Tanh => format!("np.tanh({z})"),
        Activation::Sigmoid => format!("1.0 / (1.0 + np.exp(-{z}))"),
        Activation::Sign => format!("np.where({z} >= 0.0, 1.0, -1.0)"),
        Activation::Cos => format!("np.cos({z})"),
    }
}

/// The name people use for σ.
fn activation_name(activation: Activation) -> &'static str {
    match activation {
        Activation::Linear => "linear, σ(z) = z",
        Activation::Relu => "ReLU",
        Activation::Tanh => "tanh",
        Activation::Sigmoid => "sigmoid",
        Activation::Sign => "sign",
        Activation::Cos => "cos",
    }
}

/// NumPy for σ′(z) given the names of z and h = σ(z), and what it says; `None` for σ′ = 1.
fn derivative_expression(activation: Activation, z: &str, h: &str) -> Option<(String, &'static str)> {
    match activation {
        Activation::Linear => None,
        Activation::Relu => Some((format!("({z} > 0.0)"), "ReLU′(z) is 1 where z > 0, else 0")),
        Activation::Tanh => Some((format!("(1.0 - {h} ** 2)"), "tanh′(z) = 1 − tanh(z)²")),
        Activation::Sigmoid => Some((format!("{h} * (1.0 - {h})"), "σ′(z) = σ(z)·(1 − σ(z))")),
        Activation::Sign => Some(("0.0".to_string(), "sign′(z) = 0: nothing flows back")),
        Activation::Cos => Some((format!("-np.sin({z})"), "cos′(z) = −sin(z)")),
    }
}

/// NumPy for one hand-made feature of the columns `x1`, `x2`.
fn feature_expression(feature: HandFeature) -> &'static str {
    match feature {
        HandFeature::X1 => "x1",
        HandFeature::X2 => "x2",
        HandFeature::X1Squared => "x1 ** 2",
        HandFeature::X2Squared => "x2 ** 2",
        HandFeature::X1X2 => "x1 * x2",
        HandFeature::Sin1 => "np.sin(np.pi * x1)",
        HandFeature::Sin2 => "np.sin(np.pi * x2)",
        HandFeature::Ring => "np.abs(x1 ** 2 + x2 ** 2 - 0.6)",
    }
}

impl ExportRun {
    /// Layer `l` (counted from 1) of the model.
    fn layer(&self, l: usize) -> &Dense {
        &self.model.layers[l - 1]
    }

    /// The number of dense layers, the output unit included.
    fn depth(&self) -> usize {
        self.model.layers.len()
    }

    /// The layers (counted from 1) whose weights train.
    fn trained_layers(&self) -> Vec<usize> {
        (1..=self.depth()).filter(|&l| !self.layer(l).frozen).collect()
    }

    /// `import numpy as np` and the helper that reads the page's numbers.
    pub(super) fn imports_code(&self) -> String {
        "import numpy as np\n\n\n\
         def page_floats(values):\n    \
             \"\"\"The page keeps its numbers in 32-bit floats: read them as such, then compute in 64-bit.\"\"\"\n    \
             return np.array(values, dtype=np.float32).astype(np.float64)\n"
            .to_string()
    }

    /// The settings as named constants.
    pub(super) fn settings_code(&self) -> String {
        let optimizer = &self.config.optimizer;
        let mut block = Block::default();
        block.line(
            format!("seed = {}", self.seed),
            Some("the page's seed: starting weights, random features, minibatch order".into()),
        );
        block.line(
            format!("steps = {}", self.steps),
            Some("minibatch steps to train".into()),
        );
        block.line(
            format!("batch_size = {}", self.config.batch_size),
            Some("points per minibatch".into()),
        );
        block.line(
            format!("learning_rate = {}", float(optimizer.learning_rate)),
            Some("η".into()),
        );
        if optimizer.l1 != 0.0 {
            block.line(
                format!("l1 = {}", float(optimizer.l1)),
                Some("λ of the L1 penalty λ·Σ|w|".into()),
            );
        }
        if optimizer.l2 != 0.0 {
            block.line(
                format!("l2 = {}", float(optimizer.l2)),
                Some("λ of the L2 penalty (λ/2)·Σw²".into()),
            );
        }
        block.render()
    }

    /// The training and test points as literals.
    pub(super) fn data_code(&self) -> String {
        let mut out = String::new();
        for (split, points) in [("train", &self.train), ("test", &self.test)] {
            let xs: Vec<f32> = points.iter().flat_map(|p| p.x).collect();
            let ys: Vec<f32> = points.iter().map(|p| p.y).collect();
            let y_literal = match self.task {
                // Classes as the whole numbers they are.
                Task::Classification => integers(&format!("y_{split}"), &ys),
                Task::Regression => vector(&format!("y_{split}"), &ys),
            };
            out.push_str(&matrix(&format!("x_{split}"), &xs, points.len(), 2));
            out.push_str(&y_literal);
        }
        out
    }

    /// `features(x)`: φ as NumPy.
    pub(super) fn features_code(&self) -> String {
        match &self.model.features {
            FeatureMap::Identity => "def features(x):\n    \
                 \"\"\"φ(x) = (x1, x2): this model reads the two coordinates as they are.\"\"\"\n    \
                 return x\n"
                .to_string(),
            FeatureMap::Handmade(list) if list.is_empty() => "def features(x):\n    \
                 \"\"\"No features at all: the model is its bias alone.\"\"\"\n    \
                 return np.zeros((len(x), 0))\n"
                .to_string(),
            FeatureMap::Handmade(list) => {
                let mut out = String::from(
                    "def features(x):\n    \
                     \"\"\"φ(x): the hand-made features, one column each.\"\"\"\n    \
                     x1, x2 = x[:, 0], x[:, 1]\n    \
                     return np.stack([\n",
                );
                for feature in list {
                    out.push_str(&format!("        {},\n", feature_expression(*feature)));
                }
                out.push_str("    ], axis=1)\n");
                out
            }
        }
    }

    /// Every layer's starting weights and biases as literals, and a copy of them.
    pub(super) fn weights_code(&self) -> String {
        let mut out = String::new();
        let depth = self.depth();
        for l in 1..=depth {
            let layer = self.layer(l);
            let what = if l == depth && self.softmax() {
                "the output layer: one unit per class".to_string()
            } else if l == depth {
                "the output unit".to_string()
            } else {
                format!("layer {l}: {} units", layer.outputs)
            };
            let frozen = if layer.frozen {
                " It is frozen: these are the random features M and b, and they never train."
            } else {
                ""
            };
            out.push_str(&format!(
                "# {}, reading {} inputs. W{l}[j, i] is the weight from input i to unit j.{frozen}\n",
                capitalised(&what),
                layer.inputs
            ));
            out.push_str(&matrix(
                &format!("W{l}"),
                &layer.weights,
                layer.outputs,
                layer.inputs,
            ));
            out.push_str(&vector(&format!("b{l}"), &layer.bias));
        }
        let pairs: Vec<String> = (1..=depth)
            .map(|l| format!("(W{l}.copy(), b{l}.copy())"))
            .collect();
        out.push_str(
            "\n# A copy of the starting weights, to train again from the same start (the arrays above change as\n\
             # they train).\n",
        );
        out.push_str(&format!("start_weights = [{}]\n", pairs.join(", ")));
        out
    }

    /// `forward(x)`: every layer's z and h, the output f last.
    pub(super) fn forward_code(&self) -> String {
        let depth = self.depth();
        let mut block = Block::default();
        block.code("def forward(x):");
        block.code(
            "    \"\"\"The forward pass for the points x (n × 2): each layer computes z = h·Wᵀ + b from the layer\n    \
             below and h = σ(z). Returns every z and h, which the backward pass needs, and f(x) last.\"\"\"",
        );
        block.line(
            "    h0 = features(x)",
            Some(format!(
                "n × {}: what the first layer reads",
                self.model.features.width()
            )),
        );
        let mut returned = vec!["h0".to_string()];
        for l in 1..=depth {
            let layer = self.layer(l);
            let frozen = if layer.frozen { ", frozen" } else { "" };
            block.line(
                format!("    z{l} = h{} @ W{l}.T + b{l}", l - 1),
                Some(format!("n × {}{frozen}", layer.outputs)),
            );
            returned.push(format!("z{l}"));
            if l < depth || layer.activation != Activation::Linear {
                block.line(
                    format!(
                        "    h{l} = {}",
                        activation_expression(layer.activation, &format!("z{l}"))
                    ),
                    Some(activation_name(layer.activation).to_string()),
                );
                returned.push(format!("h{l}"));
            }
        }
        let last = returned.last().cloned().unwrap_or_default();
        if self.softmax() {
            block.line(
                format!("    f = {last}"),
                Some("the class scores f(x), one row a point".into()),
            );
        } else {
            block.line(
                format!("    f = {last}[:, 0]"),
                Some("the output f(x), one number a point".into()),
            );
        }
        returned.push("f".into());
        block.code(format!("    return {}", returned.join(", ")));
        block.render()
    }

    /// The arguments `backward` takes: y and everything `forward` returns.
    fn forward_values(&self) -> Vec<String> {
        let depth = self.depth();
        let mut names = vec!["h0".to_string()];
        for l in 1..=depth {
            names.push(format!("z{l}"));
            if l < depth || self.layer(l).activation != Activation::Linear {
                names.push(format!("h{l}"));
            }
        }
        names.push("f".into());
        names
    }

    /// `loss(f, y)` and `loss_derivative(f, y)`.
    pub(super) fn loss_code(&self) -> String {
        match self.config.loss {
            Loss::Logistic => "def loss(f, y):\n    \
                 \"\"\"The logistic loss of each point, −log σ(y·f) = log(1 + e^(−y·f)), for classes y = ±1.\"\"\"\n    \
                 return np.logaddexp(0.0, -y * f)\n\n\n\
                 def loss_derivative(f, y):\n    \
                 \"\"\"∂loss/∂f = −y·σ(−y·f) = −y / (1 + e^(y·f)); np.logaddexp keeps e^(y·f) from overflowing.\"\"\"\n    \
                 return -y * np.exp(-np.logaddexp(0.0, y * f))\n"
                .to_string(),
            Loss::Softmax => "def softmax(f):\n    \
                 \"\"\"Each row of scores as probabilities e^f / Σ e^f (less the row's largest score first, which\n    \
                 changes nothing but keeps e^f from overflowing).\"\"\"\n    \
                 e = np.exp(f - f.max(axis=1, keepdims=True))\n    \
                 return e / e.sum(axis=1, keepdims=True)\n\n\n\
                 def loss(f, y):\n    \
                 \"\"\"The softmax cross-entropy of each point, −log p_y with p = softmax(f) and y the class index.\"\"\"\n    \
                 top = f.max(axis=1)\n    \
                 log_total = top + np.log(np.exp(f - top[:, None]).sum(axis=1))\n    \
                 return log_total - f[np.arange(len(y)), y.astype(int)]\n\n\n\
                 def loss_derivative(f, y):\n    \
                 \"\"\"∂loss/∂f = p − onehot(y): each class's probability, less 1 for the point's own class.\"\"\"\n    \
                 p = softmax(f)\n    \
                 p[np.arange(len(y)), y.astype(int)] -= 1.0\n    \
                 return p\n"
                .to_string(),
            Loss::Squared => "def loss(f, y):\n    \
                 \"\"\"The squared loss of each point, (f − y)².\"\"\"\n    \
                 return (f - y) ** 2\n\n\n\
                 def loss_derivative(f, y):\n    \
                 \"\"\"∂loss/∂f = 2(f − y).\"\"\"\n    \
                 return 2.0 * (f - y)\n"
                .to_string(),
        }
    }

    /// `backward(y, …)`: the gradients of the trained layers by the chain rule.
    pub(super) fn backward_code(&self) -> String {
        let depth = self.depth();
        let trained = self.trained_layers();
        // Deltas go down to the lowest trained layer, as in the engine; not into frozen ones.
        let lowest = trained.first().copied().unwrap_or(depth + 1);
        let mut block = Block::default();
        block.code(format!("def backward(y, {}):", self.forward_values().join(", ")));
        block.code(
            "    \"\"\"The backward pass: the gradient of the batch's mean loss with respect to every trained weight\n    \
             and bias, by the chain rule from the output down. d3 stands for ∂L/∂z3, one row a point.\"\"\"",
        );
        block.code("    n = len(y)");
        let output = self.layer(depth);
        let derivative = derivative_expression(output.activation, &format!("z{depth}"), &format!("h{depth}"));
        let (tail, said) = match &derivative {
            Some((expression, said)) => (format!(" * {expression}"), format!("; {said}")),
            None => (String::new(), String::new()),
        };
        // One output unit gives one slope a point, made a column; softmax gives a row of K.
        let column = if self.softmax() { "" } else { "[:, None]" };
        block.line(
            format!("    d{depth} = (loss_derivative(f, y) / n){column}{tail}"),
            Some(format!("∂L/∂z{depth}: L is the mean over the n points{said}")),
        );
        for l in (1..=depth).rev() {
            let layer = self.layer(l);
            if !layer.frozen {
                block.line(
                    format!("    gW{l} = d{l}.T @ h{}", l - 1),
                    Some(format!("∂L/∂W{l} = d{l}ᵀ·h{}, summed over the points", l - 1)),
                );
                block.line(format!("    gb{l} = d{l}.sum(axis=0)"), Some(format!("∂L/∂b{l}")));
            }
            if l > lowest {
                let below = self.layer(l - 1);
                let back = format!("    d{} = d{l} @ W{l}", l - 1);
                match derivative_expression(below.activation, &format!("z{}", l - 1), &format!("h{}", l - 1))
                {
                    Some((expression, said)) => block.line(
                        format!("    d{} = (d{l} @ W{l}) * {expression}", l - 1),
                        Some(format!("back through W{l}, then σ′(z{}): {said}", l - 1)),
                    ),
                    None => block.line(back, Some(format!("back through W{l}; σ is linear, σ′ = 1"))),
                }
            }
        }
        let gradients: Vec<String> = trained
            .iter()
            .flat_map(|l| [format!("gW{l}"), format!("gb{l}")])
            .collect();
        block.code(format!("    return [{}]", gradients.join(", ")));
        block.render()
    }

    /// The trained tensors, the optimizer's state and `update(grads…)`.
    pub(super) fn update_code(&self) -> String {
        let optimizer = &self.config.optimizer;
        let trained = self.trained_layers();
        let params: Vec<String> = trained
            .iter()
            .flat_map(|l| [format!("W{l}"), format!("b{l}")])
            .collect();
        let mut out = format!(
            "# The trained tensors, in the order backward() returns their gradients.\nparams = [{}]\n",
            params.join(", ")
        );
        let penalised = optimizer.l1 != 0.0 || optimizer.l2 != 0.0;
        if penalised {
            let flags: Vec<&str> = trained.iter().flat_map(|_| ["True", "False"]).collect();
            out.push_str(&format!(
                "is_weight = [{}]  # the penalty applies to weights, not to biases\n",
                flags.join(", ")
            ));
        }
        let (state, signature, variables, rule) = match optimizer.kind {
            OptimizerKind::Sgd => (
                String::new(),
                "grads",
                "",
                "        p -= learning_rate * g\n".to_string(),
            ),
            OptimizerKind::Momentum => (
                format!(
                    "momentum = {}  # μ\nvelocity = [np.zeros_like(p) for p in params]\n",
                    float(MOMENTUM)
                ),
                "grads",
                ", v",
                "        v[:] = momentum * v + g\n        p -= learning_rate * v\n".to_string(),
            ),
            OptimizerKind::Adam => (
                format!(
                    "beta1, beta2, epsilon = {}, {}, {}\n\
                     mean = [np.zeros_like(p) for p in params]  # m: a running mean of g\n\
                     mean_square = [np.zeros_like(p) for p in params]  # v: a running mean of g²\n",
                    float(ADAM_BETA1),
                    float(ADAM_BETA2),
                    float(ADAM_EPSILON)
                ),
                "grads, step",
                ", m, v",
                "        m[:] = beta1 * m + (1 - beta1) * g\n        \
                 v[:] = beta2 * v + (1 - beta2) * g * g\n        \
                 m_hat = m / (1 - beta1 ** step)  # corrected for starting at zero\n        \
                 v_hat = v / (1 - beta2 ** step)\n        \
                 p -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)\n"
                    .to_string(),
            ),
        };
        let summary = match optimizer.kind {
            OptimizerKind::Sgd => "Gradient descent: w ← w − η·g",
            OptimizerKind::Momentum => "Gradient descent with momentum: v ← μ·v + g, then w ← w − η·v",
            OptimizerKind::Adam => "Adam: running means m of g and v of g², then w ← w − η·m̂ / (√v̂ + ε)",
        };
        let state_names = match optimizer.kind {
            OptimizerKind::Sgd => "",
            OptimizerKind::Momentum => ", velocity",
            OptimizerKind::Adam => ", mean, mean_square",
        };
        out.push_str(&state);
        out.push_str(&format!(
            "\n\ndef update({signature}):\n    \"\"\"{summary}, for every trained tensor.\n    \
             The arrays change in place (p -= …), so W1, b1, … change with them.\"\"\"\n"
        ));
        if penalised {
            out.push_str(&format!(
                "    for p, g{variables}, weight in zip(params, grads{state_names}, is_weight):\n        if weight:\n"
            ));
            if optimizer.l2 != 0.0 {
                out.push_str("            g = g + l2 * p  # the L2 penalty (λ/2)·Σw² adds λ·w\n");
            }
            if optimizer.l1 != 0.0 {
                out.push_str("            g = g + l1 * np.sign(p)  # the L1 penalty λ·Σ|w| adds λ·sign(w)\n");
            }
        } else {
            out.push_str(&format!(
                "    for p, g{variables} in zip(params, grads{state_names}):\n"
            ));
        }
        out.push_str(&rule);
        out
    }
}

impl ExportRun {
    /// The page's shuffler and `minibatches(...)`.
    pub(super) fn minibatch_code(&self) -> String {
        let state: Vec<String> = self
            .shuffle_state
            .iter()
            .map(|word| format!("0x{word:016X}"))
            .collect();
        format!(
            "class PageShuffle:\n    \
             \"\"\"The page's random number generator (xoshiro256++), used here only to shuffle the training\n    \
             points exactly as the page does. Python's integers are unbounded, so every sum, product and\n    \
             shift is cut back to 64 bits with `& MASK`.\"\"\"\n\n    \
             MASK = (1 << 64) - 1\n\n    \
             def __init__(self, state):\n        \
                 self.s = list(state)\n\n    \
             def next(self):\n        \
                 \"\"\"The next 64 random bits.\"\"\"\n        \
                 def rotate(v, k):\n            \
                     return ((v << k) | (v >> (64 - k))) & self.MASK\n\n        \
                 s0, s1, s2, s3 = self.s\n        \
                 result = (rotate((s0 + s3) & self.MASK, 23) + s0) & self.MASK\n        \
                 t = (s1 << 17) & self.MASK\n        \
                 s2 ^= s0\n        \
                 s3 ^= s1\n        \
                 s1 ^= s2\n        \
                 s0 ^= s3\n        \
                 s2 ^= t\n        \
                 self.s = [s0, s1, s2, rotate(s3, 45)]\n        \
                 return result\n\n    \
             def shuffle(self, items):\n        \
                 \"\"\"Fisher–Yates from the end: item i swaps with a random j in 0..i.\"\"\"\n        \
                 for i in range(len(items) - 1, 0, -1):\n            \
                     j = (self.next() * (i + 1)) >> 64\n            \
                     items[i], items[j] = items[j], items[i]\n\n\n\
             # Where the page's generator for the minibatch order starts, for seed {seed}.\n\
             shuffle_state = [{state}]\n\n\n\
             def minibatches(count, batch_size, steps):\n    \
                 \"\"\"The page's minibatches, as lists of indices into the training points: the points in a\n    \
                 shuffled order, batch_size at a time (an epoch's last batch may be smaller), shuffled again\n    \
                 after every pass.\"\"\"\n    \
                 shuffler = PageShuffle(shuffle_state)\n    \
                 order = list(range(count))\n    \
                 shuffler.shuffle(order)\n    \
                 start = 0\n    \
                 for _ in range(steps):\n        \
                     batch = order[start:start + batch_size]\n        \
                     yield batch\n        \
                     start += len(batch)\n        \
                     if start == count:  # an epoch is over\n            \
                         start = 0\n            \
                         shuffler.shuffle(order)\n",
            seed = self.seed,
            state = state.join(", "),
        )
    }

    /// What the score is called in printed lines, and its format.
    fn score_format(&self, variable: &str) -> String {
        match self.task {
            Task::Classification => format!("accuracy {{{variable}:.1%}}"),
            Task::Regression => format!("R² {{{variable}:.4f}}"),
        }
    }

    /// `evaluate`, `report` and the training loop.
    pub(super) fn training_code(&self) -> String {
        let evaluate = match self.task {
            Task::Classification if self.softmax() => {
                "def evaluate(x, y):\n    \
                 \"\"\"The mean loss over the points x, y, and the accuracy: the share of points whose own class\n    \
                 has the largest score.\"\"\"\n    \
                 f = forward(x)[-1]\n    \
                 return loss(f, y).mean(), np.mean(f.argmax(axis=1) == y)\n"
            }
            Task::Classification => {
                "def evaluate(x, y):\n    \
                 \"\"\"The mean loss over the points x, y, and the accuracy: the share of points on their class's\n    \
                 side of f = 0.\"\"\"\n    \
                 f = forward(x)[-1]\n    \
                 return loss(f, y).mean(), np.mean((f >= 0.0) == (y > 0.0))\n"
            }
            Task::Regression => {
                "def evaluate(x, y):\n    \
                 \"\"\"The mean loss over the points x, y, and R² = 1 − Σ(f − y)² / Σ(y − ȳ)²: the share of the\n    \
                 values' spread that the model explains.\"\"\"\n    \
                 f = forward(x)[-1]\n    \
                 return loss(f, y).mean(), 1.0 - np.sum((f - y) ** 2) / np.sum((y - y.mean()) ** 2)\n"
            }
        };
        let has_test = !self.test.is_empty();
        let (test_eval, test_value, test_print) = if has_test {
            (
                "    test_loss, test_score = evaluate(x_test, y_test)\n",
                "test_loss",
                format!(
                    "\n          f\" | test loss {{test_loss:.6f}}, {}\"",
                    self.score_format("test_score")
                ),
            )
        } else {
            ("", "float(\"nan\")", String::new())
        };
        let update_call = match self.config.optimizer.kind {
            OptimizerKind::Adam => "update(grads, step)",
            _ => "update(grads)",
        };
        let mut loop_block = Block::default();
        loop_block.code("report(0)");
        loop_block.code("report_every = max(1, steps // 10)");
        loop_block
            .code("for step, batch in enumerate(minibatches(len(y_train), batch_size, steps), start=1):");
        loop_block.line(
            "    values = forward(x_train[batch])",
            Some("the forward pass".into()),
        );
        loop_block.line(
            "    grads = backward(y_train[batch], *values)",
            Some("the backward pass".into()),
        );
        loop_block.line(format!("    {update_call}"), Some("one step downhill".into()));
        loop_block.code("    if not all(np.isfinite(p).all() for p in params):");
        loop_block.code(
            "        print(f\"Step {step} made a weight overflow (the learning rate is too large); the page stops \"\n              \
             \"there too.\")",
        );
        loop_block.code("        break");
        loop_block.code("    if step % report_every == 0 or step == steps:");
        loop_block.code("        report(step)");
        format!(
            "{evaluate}\n\n\
             history = []  # (step, training loss, test loss) at every report\n\n\n\
             def report(step):\n    \
                 \"\"\"Prints the loss and the {score_name} on the training{and_test} points, and keeps the losses.\"\"\"\n    \
                 train_loss, train_score = evaluate(x_train, y_train)\n\
             {test_eval}    \
                 history.append((step, train_loss, {test_value}))\n    \
                 print(f\"step {{step:5d}}: training loss {{train_loss:.6f}}, {train_format}\"{test_print})\n\n\n\
             {loop_code}\n\
             train_loss, train_score = evaluate(x_train, y_train)\n\
             print(f\"After {{step}} steps: training loss {{train_loss:.8g}}, {final_format}\")\n",
            score_name = match self.task {
                Task::Classification => "accuracy",
                Task::Regression => "R²",
            },
            and_test = if has_test { " and the test" } else { "" },
            train_format = self.score_format("train_score"),
            final_format = self.score_format("train_score"),
            loop_code = loop_block.render(),
        )
    }

    /// The decision function over the plane and the loss curves, when matplotlib is there.
    pub(super) fn pictures_code(&self) -> String {
        let boundary = match self.task {
            Task::Classification => {
                "    plane.contour(g1, g2, surface, levels=[0.0], colors=\"black\")  # where f = 0\n"
            }
            Task::Regression => "",
        };
        // Several classes: the predicted class over the plane, each class a colour.
        let (surface, shading, points, title) = if self.softmax() {
            let k = self.classes;
            (
                "scores.argmax(axis=1)".to_string(),
                format!("plane.contourf(g1, g2, surface, levels=np.arange({k} + 1) - 0.5, cmap=\"tab10\", vmin=0, vmax=9, alpha=0.5)"),
                "c=y_train, cmap=\"tab10\", vmin=0, vmax=9".to_string(),
                "The class with the largest score, and the training points",
            )
        } else {
            (
                "scores".to_string(),
                "plane.contourf(g1, g2, np.clip(surface, -1, 1), levels=np.linspace(-1, 1, 21), cmap=\"RdBu\")"
                    .to_string(),
                "c=y_train, cmap=\"RdBu\", vmin=-1, vmax=1".to_string(),
                "f(x) after training, and the training points",
            )
        };
        let boundary = if self.softmax() { "" } else { boundary };
        let test_curve = if self.test.is_empty() {
            ""
        } else {
            "    curve.plot([h[0] for h in history], [h[2] for h in history], label=\"test loss\")\n"
        };
        format!(
            "try:\n    \
                 import matplotlib.pyplot as plt\n\
             except ImportError:\n    \
                 plt = None\n    \
                 print(\"matplotlib is not installed, so there are no pictures (pip install matplotlib).\")\n\n\
             if plt is not None:\n    \
                 grid = np.linspace(-1.0, 1.0, 101)\n    \
                 g1, g2 = np.meshgrid(grid, grid)\n    \
                 scores = forward(np.column_stack([g1.ravel(), g2.ravel()]))[-1]\n    \
                 surface = {surface}.reshape(g1.shape)\n    \
                 figure, (plane, curve) = plt.subplots(1, 2, figsize=(11, 5))\n    \
                 {shading}\n\
             {boundary}    \
                 plane.scatter(x_train[:, 0], x_train[:, 1], {points}, edgecolors=\"black\")\n    \
                 plane.set(title=\"{title}\", xlabel=\"x1\", ylabel=\"x2\", aspect=\"equal\")\n    \
                 curve.plot([h[0] for h in history], [h[1] for h in history], label=\"training loss\")\n\
             {test_curve}    \
                 curve.set(title=\"Mean loss\", xlabel=\"step\", yscale=\"log\")\n    \
                 curve.legend()\n    \
                 plt.show()\n"
        )
    }

    /// The same model and training in PyTorch, when it is there.
    pub(super) fn torch_code(&self) -> String {
        let depth = self.depth();
        let mut modules = Vec::new();
        let mut needs_elementwise = false;
        for l in 1..=depth {
            let layer = self.layer(l);
            modules.push(format!("torch.nn.Linear({}, {})", layer.inputs, layer.outputs));
            let activation = match layer.activation {
                Activation::Linear if l == depth => None,
                Activation::Linear => Some("torch.nn.Identity()".to_string()),
                Activation::Relu => Some("torch.nn.ReLU()".to_string()),
                Activation::Tanh => Some("torch.nn.Tanh()".to_string()),
                Activation::Sigmoid => Some("torch.nn.Sigmoid()".to_string()),
                Activation::Sign => {
                    needs_elementwise = true;
                    Some(
                        "Elementwise(lambda z: torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z)))"
                            .into(),
                    )
                }
                Activation::Cos => {
                    needs_elementwise = true;
                    Some("Elementwise(torch.cos)".to_string())
                }
            };
            modules.extend(activation);
        }
        let mut out = String::from(
            "try:\n    \
                 import torch\n\
             except ImportError:\n    \
                 torch = None\n    \
                 print(\"PyTorch is not installed, so this cell only shows the code.\")\n\n\
             if torch is not None:\n    \
                 torch.set_default_dtype(torch.float64)\n",
        );
        if needs_elementwise {
            out.push_str(
                "\n    class Elementwise(torch.nn.Module):\n        \
                     \"\"\"An activation that PyTorch has no layer for.\"\"\"\n\n        \
                     def __init__(self, function):\n            \
                         super().__init__()\n            \
                         self.function = function\n\n        \
                     def forward(self, z):\n            \
                         return self.function(z)\n\n",
            );
        }
        out.push_str("    model = torch.nn.Sequential(\n");
        for module in &modules {
            out.push_str(&format!("        {module},\n"));
        }
        out.push_str(
            "    )\n    \
             dense = [m for m in model if isinstance(m, torch.nn.Linear)]\n    \
             with torch.no_grad():  # the same starting weights as above\n        \
                 for layer, (W, b) in zip(dense, start_weights):\n            \
                     layer.weight.copy_(torch.from_numpy(W))\n            \
                     layer.bias.copy_(torch.from_numpy(b))\n",
        );
        for l in (1..=depth).filter(|&l| self.layer(l).frozen) {
            out.push_str(&format!(
                "    dense[{}].requires_grad_(False)  # frozen: the random features never train\n",
                l - 1
            ));
        }
        out.push_str("    trained = [p for p in model.parameters() if p.requires_grad]\n");
        let optimizer = &self.config.optimizer;
        out.push_str(&match optimizer.kind {
            OptimizerKind::Sgd => "    optimizer = torch.optim.SGD(trained, lr=learning_rate)\n".to_string(),
            OptimizerKind::Momentum => {
                "    optimizer = torch.optim.SGD(trained, lr=learning_rate, momentum=momentum)\n".to_string()
            }
            OptimizerKind::Adam => {
                "    optimizer = torch.optim.Adam(trained, lr=learning_rate, betas=(beta1, beta2), eps=epsilon)\n"
                    .to_string()
            }
        });
        let penalised = optimizer.l1 != 0.0 || optimizer.l2 != 0.0;
        if penalised {
            out.push_str(
                "    weights = [layer.weight for layer in dense if layer.weight.requires_grad]  # penalised, biases not\n",
            );
        }
        out.push_str(match self.config.loss {
            Loss::Logistic => {
                "\n    def torch_loss(f, y):\n        \
                     \"\"\"log(1 + e^(−y·f)) of each point.\"\"\"\n        \
                     return torch.nn.functional.softplus(-y * f)\n\n"
            }
            Loss::Softmax => {
                "\n    def torch_loss(f, y):\n        \
                     \"\"\"−log softmax(f)_y of each point, y the class index.\"\"\"\n        \
                     return torch.nn.functional.cross_entropy(f, y.long(), reduction=\"none\")\n\n"
            }
            Loss::Squared => {
                "\n    def torch_loss(f, y):\n        \
                     \"\"\"(f − y)² of each point.\"\"\"\n        \
                     return (f - y) ** 2\n\n"
            }
        });
        // One output unit is read as a number a point; the class scores stay a row each.
        let output = if self.softmax() { "" } else { "[:, 0]" };
        out.push_str(
            "    inputs = torch.from_numpy(features(x_train))\n    \
             targets = torch.from_numpy(y_train)\n    \
             for batch in minibatches(len(y_train), batch_size, steps):\n",
        );
        out.push_str(&format!(
            "        objective = torch_loss(model(inputs[batch]){output}, targets[batch]).mean()\n"
        ));
        if optimizer.l2 != 0.0 {
            out.push_str("        objective = objective + l2 / 2 * sum((w ** 2).sum() for w in weights)\n");
        }
        if optimizer.l1 != 0.0 {
            out.push_str("        objective = objective + l1 * sum(w.abs().sum() for w in weights)\n");
        }
        out.push_str(&format!(
            "        optimizer.zero_grad()\n        \
                 objective.backward()  # autograd does the backward pass\n        \
                 optimizer.step()\n    \
             with torch.no_grad():\n        \
                 f = model(inputs){output}\n        \
                 print(f\"PyTorch, after {{steps}} steps: training loss {{torch_loss(f, targets).mean().item():.8g}}\")\n",
        ));
        out
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
