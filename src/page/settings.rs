//! Everything a user can set, as one typed struct, and its encoding in the page's URL hash
//! (`#dataset=xor&seed=1&model=mlp&layers=8,8…`). Pure Rust, so the parser is tested natively.
//!
//! Reading a hash never fails: every key that is unknown, malformed or out of range falls back
//! to its default and adds a plain-language notice for the page to show.

use crate::engine::labs::feature_space::Projection;
use crate::engine::labs::transfer::{Shift, ShiftKind, TargetSource};
use crate::engine::surface::Directions;
use crate::engine::{
    loss_for, output_units, Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec,
    OptimizerConfig, OptimizerKind, Point, Preset, Task, TrainConfig,
};
use crate::page::codec;
use crate::page::compare;
use crate::page::pace::{Pace, DEFAULT_PACE};
use std::fmt;
use std::str::FromStr;

/// The lecture's four model families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelFamily {
    /// A linear model on (x1, x2).
    Linear,
    /// A linear model on hand-made features.
    Features,
    /// Random frozen features σ(Mx + b), only the last layer trained.
    Random,
    /// A neural network whose every layer trains.
    Mlp,
}

/// Which penalty on the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Regularization {
    /// No penalty.
    None,
    /// λ·Σ|w|.
    L1,
    /// (λ/2)·Σw².
    L2,
}

nnplay_engine::keyed_enum!(ModelFamily {
    Linear => "linear", "Linear model";
    Features => "features", "Hand-made features";
    Random => "random", "Random features";
    Mlp => "mlp", "Neural network";
});

/// The labs below the playground.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lab {
    /// The data seen through the features entering the last layer.
    Space,
    /// Random features against their kernel, for k = 1 … 2000.
    Sweep,
    /// Pretraining then fine-tuning on a few labels.
    Transfer,
}

nnplay_engine::keyed_enum!(Lab {
    Space => "space", "Feature space";
    Sweep => "sweep", "Random features vs kernel";
    Transfer => "transfer", "Pretrain, then fine-tune";
});

/// The view beside the plot (the "companion" of the lecture layout).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Companion {
    /// The network diagram with the traced point's forward and backward numbers.
    Network,
    /// The model's formula with its learned numbers, and the features.
    Model,
    /// Gradient norms, weight and gradient matrices, the gradient check.
    Gradients,
    /// The labs.
    Lab,
    /// The loss surface with the optimizer's path across it, and the optimizer race.
    Surface,
}

nnplay_engine::keyed_enum!(Companion {
    Network => "network", "Network";
    Model => "model", "Model";
    Gradients => "gradients", "Gradients";
    Lab => "lab", "Labs";
    Surface => "surface", "Loss surface";
});

nnplay_engine::keyed_enum!(Regularization {
    None => "none", "None";
    L1 => "l1", "L1";
    L2 => "l2", "L2";
});

use super::limits;

/// Every user setting of the playground.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The preset data set.
    pub dataset: Preset,
    /// Seed of the data generator.
    pub data_seed: u64,
    /// Noise level of the generated data.
    pub noise: f32,
    /// Number of generated points.
    pub count: usize,
    /// Fraction of generated points held out for testing.
    pub test_fraction: f32,
    /// Seed of the model: initial weights, random features and minibatch order.
    pub seed: u64,
    /// The model and how it trains: everything compare mode's two runs may differ in.
    pub run: RunSettings,
    /// Minibatch steps a second while playing.
    pub pace: Pace,
    /// Training pauses itself when the step count reaches this.
    pub stop_steps: Option<u64>,
    /// Training pauses itself when the test accuracy (or R²) reaches this many percent.
    pub stop_score: Option<f32>,
    /// Whether training runs.
    pub play: bool,
    /// The step the page shows, named in the link (`at`): a link with it trains there at full
    /// speed on opening and pauses, so it opens on the moment its sender looked at (same seed,
    /// same run). Set while the paused page shows a snapshot of the timeline, or the live run
    /// after one was shown; cleared by Play and by anything that starts the run over.
    pub at: Option<u64>,
    /// Points drawn or edited by hand, which replace the generated data set (the preset still
    /// says whether they are classes or values).
    pub points: Option<Vec<Point>>,
    /// How many classes the drawn points have when that is not the preset's number (points
    /// read from a file or a link with more or fewer classes); `None` follows the preset, and
    /// without drawn points the preset always decides. See [`Settings::classes`].
    pub point_classes: Option<usize>,
    /// Draw the test points.
    pub show_test: bool,
    /// Paint hard class regions instead of confidence.
    pub discretize: bool,
    /// The loss chart's axis is logarithmic.
    pub log_scale: bool,
    /// The charts' step axes are logarithmic.
    pub log_steps: bool,
    /// Draw the lines where the first layer's units switch, m_j·x + b_j = 0.
    pub show_lines: bool,
    /// The built-in scene these settings came from, for its caption.
    pub scene: Option<usize>,
    /// The open lab, if any.
    pub lab: Option<Lab>,
    /// The view beside the plot; `None` lets the page choose (see [`Settings::companion`]).
    pub companion: Option<Companion>,
    /// The page sits inside another (a slide's `<iframe>`): only the plot, Play/Step/Reset, the
    /// caption and the companion view show. Kept when the scene changes.
    pub embed: bool,
    /// How the feature-space view projects the features.
    pub projection: Projection,
    /// Which dense layer's inputs the feature-space view shows (0: the features φ); `None`:
    /// the last layer's, whatever the model's depth.
    pub space_layer: Option<usize>,
    /// Ridge penalty λ of the random-features sweep.
    pub sweep_lambda: f32,
    /// The fine-tuning target.
    pub target: TargetSource,
    /// Whether the target's classes (or values) are negated.
    pub target_swap: bool,
    /// Labelled points of a preset target.
    pub target_labels: usize,
    /// How the target's test points are moved.
    pub shift: Shift,
    /// Compare mode's second run, trained beside this one on the same points (see
    /// [`crate::page::compare`]).
    pub compare: Option<RunSettings>,
    /// The directions of the loss surface's slice (a model with two weights gets the exact
    /// surface over them whatever this says).
    pub surface_directions: Directions,
    /// The seed of the loss surface's random directions.
    pub surface_seed: u64,
    /// Whether SGD, momentum and Adam race across the loss surface.
    pub race: bool,
}

/// One training run's model and training settings: everything two compared runs may differ in.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    /// The model family.
    pub model: ModelFamily,
    /// Hand-made features in use (for [`ModelFamily::Features`]).
    pub features: Vec<HandFeature>,
    /// σ of the random features.
    pub rf_activation: Activation,
    /// Number of random features k.
    pub k: usize,
    /// Scale of the random M (and b).
    pub rf_scale: f32,
    /// Hidden layer widths of the network.
    pub layers: Vec<usize>,
    /// Activation of the network's hidden layers.
    pub activation: Activation,
    /// η.
    pub learning_rate: f32,
    /// Minibatch size.
    pub batch_size: usize,
    /// Update rule.
    pub optimizer: OptimizerKind,
    /// Penalty kind.
    pub regularization: Regularization,
    /// Penalty rate λ.
    pub reg_rate: f32,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            model: ModelFamily::Mlp,
            features: vec![HandFeature::X1, HandFeature::X2],
            rf_activation: Activation::Relu,
            k: 100,
            rf_scale: 1.0,
            layers: vec![8, 8],
            activation: Activation::Tanh,
            learning_rate: 0.03,
            batch_size: 10,
            optimizer: OptimizerKind::Sgd,
            regularization: Regularization::None,
            reg_rate: 0.001,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dataset: Preset::Xor,
            data_seed: 1,
            noise: 0.0,
            count: 200,
            test_fraction: 0.5,
            seed: 1,
            run: RunSettings::default(),
            pace: DEFAULT_PACE,
            stop_steps: None,
            stop_score: None,
            play: false,
            at: None,
            points: None,
            point_classes: None,
            show_test: true,
            discretize: false,
            log_scale: true,
            log_steps: false,
            show_lines: false,
            scene: None,
            lab: None,
            companion: None,
            embed: false,
            projection: Projection::Separator,
            space_layer: None,
            sweep_lambda: 1e-3,
            target: TargetSource::Preset(Preset::Xor),
            target_swap: true,
            target_labels: 8,
            shift: Shift {
                kind: ShiftKind::Rotate,
                amount: 0.0,
            },
            compare: None,
            surface_directions: Directions::Random,
            surface_seed: 1,
            race: false,
        }
    }
}

/// Activations a learned hidden layer may use.
pub const HIDDEN_ACTIVATIONS: [Activation; 4] = [
    Activation::Relu,
    Activation::Tanh,
    Activation::Sigmoid,
    Activation::Linear,
];
/// Activations random features may use.
pub const RANDOM_ACTIVATIONS: [Activation; 4] = [
    Activation::Sign,
    Activation::Cos,
    Activation::Relu,
    Activation::Tanh,
];

impl Settings {
    /// The view beside the plot: the one chosen, or else the lab when one is open, the
    /// network when the model has hidden or random units, and the formula otherwise.
    pub fn companion(&self) -> Companion {
        self.companion.unwrap_or(match (self.lab, self.run.model) {
            (Some(_), _) => Companion::Lab,
            (None, ModelFamily::Linear | ModelFamily::Features) => Companion::Model,
            (None, ModelFamily::Random | ModelFamily::Mlp) => Companion::Network,
        })
    }

    /// The task of the chosen data set.
    pub fn task(&self) -> Task {
        self.dataset.task()
    }

    /// The generator spec of the chosen data set.
    pub fn data_spec(&self) -> DataSpec {
        DataSpec {
            preset: self.dataset,
            count: self.count,
            noise: self.noise,
            test_fraction: self.test_fraction,
            seed: self.data_seed,
        }
    }

    /// How many classes the points have (0 for regression): the drawn points' own number when
    /// they have one ([`Settings::point_classes`]), otherwise the preset's. The page shows this
    /// many class tools and colours.
    pub fn classes(&self) -> usize {
        match (self.task(), &self.points, self.point_classes) {
            (Task::Regression, _, _) => 0,
            (_, Some(_), Some(classes)) => classes.clamp(limits::CLASSES.0, limits::CLASSES.1),
            _ => self.dataset.classes(),
        }
    }

    /// The points: the drawn ones if any, otherwise the generated preset.
    pub fn dataset(&self) -> Dataset {
        match &self.points {
            Some(points) => Dataset {
                task: self.task(),
                classes: self.classes(),
                points: points.clone(),
            },
            None => Dataset::generate(&self.data_spec()),
        }
    }

    /// Puts `data` (read from a file, or built by hand) on the plot: its points, a preset of its
    /// task when the current one has the other task, and its number of classes.
    pub fn load_points(&mut self, data: Dataset) {
        if self.task() != data.task {
            self.dataset = match data.task {
                Task::Classification => Preset::Xor,
                Task::Regression => Preset::Plane,
            };
        }
        self.point_classes = (data.task == Task::Classification && data.classes != self.dataset.classes())
            .then_some(data.classes);
        self.points = Some(data.points);
    }

    /// The model the settings describe, with one output unit per class for three or more.
    pub fn model_spec(&self) -> ModelSpec {
        let spec = match self.run.model {
            ModelFamily::Linear => ModelSpec::linear(),
            ModelFamily::Features => ModelSpec::on_features(FeatureMap::Handmade(self.run.features.clone())),
            ModelFamily::Random => {
                ModelSpec::random_features(self.run.rf_activation, self.run.k, self.run.rf_scale)
            }
            ModelFamily::Mlp => ModelSpec::mlp(&self.run.layers, self.run.activation),
        };
        spec.with_outputs(output_units(self.task(), self.classes()))
    }

    /// The loss: logistic for two classes, softmax cross-entropy for more, squared for
    /// regression.
    pub fn loss(&self) -> Loss {
        loss_for(self.task(), self.classes())
    }

    /// The optimizer settings.
    pub fn optimizer_config(&self) -> OptimizerConfig {
        let (l1, l2) = match self.run.regularization {
            Regularization::None => (0.0, 0.0),
            Regularization::L1 => (self.run.reg_rate, 0.0),
            Regularization::L2 => (0.0, self.run.reg_rate),
        };
        OptimizerConfig {
            kind: self.run.optimizer,
            learning_rate: self.run.learning_rate,
            l1,
            l2,
        }
    }

    /// The training settings.
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            loss: self.loss(),
            batch_size: self.run.batch_size,
            optimizer: self.optimizer_config(),
        }
    }

    /// The settings as a URL hash (without the leading `#`). Every key is written, so a link
    /// means the same thing even if defaults change later.
    pub fn to_hash(&self) -> String {
        let join = |items: Vec<String>| items.join(",");
        let pairs: Vec<(&str, String)> = vec![
            ("dataset", self.dataset.key().to_string()),
            ("dseed", self.data_seed.to_string()),
            ("noise", fmt_num(self.noise)),
            ("n", self.count.to_string()),
            ("split", fmt_num(self.test_fraction)),
            ("seed", self.seed.to_string()),
            ("model", self.run.model.key().to_string()),
            (
                "features",
                join(self.run.features.iter().map(|f| f.key().to_string()).collect()),
            ),
            ("rf", self.run.rf_activation.key().to_string()),
            ("k", self.run.k.to_string()),
            ("rfscale", fmt_num(self.run.rf_scale)),
            (
                "layers",
                join(self.run.layers.iter().map(|w| w.to_string()).collect()),
            ),
            ("act", self.run.activation.key().to_string()),
            ("lr", fmt_num(self.run.learning_rate)),
            ("batch", self.run.batch_size.to_string()),
            ("opt", self.run.optimizer.key().to_string()),
            ("reg", self.run.regularization.key().to_string()),
            ("rate", fmt_num(self.run.reg_rate)),
            ("play", u8::from(self.play).to_string()),
            ("lab", self.lab.map_or("none", Lab::key).to_string()),
            ("view", self.projection.key()),
            (
                "vlayer",
                self.space_layer.map_or("last".to_string(), |l| l.to_string()),
            ),
            ("ridge", fmt_num(self.sweep_lambda)),
            ("target", self.target.key().to_string()),
            ("swap", u8::from(self.target_swap).to_string()),
            ("labels", self.target_labels.to_string()),
            ("shift", self.shift.kind.key().to_string()),
            ("shiftby", fmt_num(self.shift.amount)),
        ];
        let mut pairs = pairs;
        for (key, on) in [
            ("test", self.show_test),
            ("hard", self.discretize),
            ("logloss", self.log_scale),
            ("lines", self.show_lines),
        ] {
            pairs.push((key, u8::from(on).to_string()));
        }
        // Keys added after the first links were shared are written only when they differ
        // from their defaults, so links made before them read and write exactly as they did.
        if self.pace != DEFAULT_PACE {
            pairs.push(("pace", self.pace.key()));
        }
        if let Some(steps) = self.stop_steps {
            pairs.push(("stopat", steps.to_string()));
        }
        if let Some(score) = self.stop_score {
            pairs.push(("stopacc", fmt_num(score)));
        }
        if let Some(step) = self.at {
            pairs.push(("at", step.to_string()));
        }
        if self.log_steps {
            pairs.push(("logsteps", "1".into()));
        }
        if self.surface_directions != Directions::Random {
            pairs.push(("surface", self.surface_directions.key().to_string()));
        }
        if self.surface_seed != 1 {
            pairs.push(("sdseed", self.surface_seed.to_string()));
        }
        if self.race {
            pairs.push(("race", "1".to_string()));
        }
        if let Some(scene) = self.scene {
            pairs.push(("scene", (scene + 1).to_string()));
        }
        if let Some(companion) = self.companion {
            pairs.push(("panel", companion.key().to_string()));
        }
        if self.embed {
            pairs.push(("embed", "1".to_string()));
        }
        if let Some(run) = &self.compare {
            pairs.push(("cmp", compare::encode(self, run)));
        }
        if let Some(points) = &self.points {
            pairs.push(("pts", codec::encode_points(points, self.task(), self.classes())));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads settings from a URL hash (with or without the leading `#`). Returns the settings
    /// and one notice per key that could not be used as given.
    pub fn from_hash(hash: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut notices = Vec::new();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let mut data_seed_given = false;
        let mut points_text = None;
        let mut compare_text = None;
        for pair in hash.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(raw);
            let mut note = |what: &str| {
                notices.push(format!("Ignored {key}={}: {what}.", shorten(&value)));
            };
            match key {
                "dataset" => parse_into(&value, &mut s.dataset, &mut note, "not a data set"),
                "dseed" => {
                    data_seed_given = true;
                    parse_into(&value, &mut s.data_seed, &mut note, SEED_RANGE);
                }
                "noise" => parse_range(&value, &mut s.noise, limits::NOISE, &mut note),
                "n" => parse_range(&value, &mut s.count, limits::COUNT, &mut note),
                "split" => parse_range(&value, &mut s.test_fraction, limits::TEST_FRACTION, &mut note),
                "seed" => parse_into(&value, &mut s.seed, &mut note, SEED_RANGE),
                "model" => parse_into(
                    &value,
                    &mut s.run.model,
                    &mut note,
                    "not a model (linear, features, random, mlp)",
                ),
                "features" => match parse_list::<HandFeature>(&value) {
                    Some(list) => s.run.features = dedup(list),
                    None => note("not a list of features"),
                },
                "rf" => match value.parse::<Activation>() {
                    Ok(a) if RANDOM_ACTIVATIONS.contains(&a) => s.run.rf_activation = a,
                    _ => note("not sign, cos, relu or tanh"),
                },
                "k" => parse_range(&value, &mut s.run.k, limits::RANDOM_FEATURES, &mut note),
                "rfscale" => parse_range(&value, &mut s.run.rf_scale, limits::RF_SCALE, &mut note),
                "layers" => match parse_list::<usize>(&value) {
                    Some(list)
                        if list.len() <= limits::LAYERS.1
                            && list
                                .iter()
                                .all(|w| (limits::UNITS.0..=limits::UNITS.1).contains(w)) =>
                    {
                        s.run.layers = list
                    }
                    _ => note("not up to 8 widths between 1 and 256"),
                },
                "act" => match value.parse::<Activation>() {
                    Ok(a) if HIDDEN_ACTIVATIONS.contains(&a) => s.run.activation = a,
                    _ => note("not relu, tanh, sigmoid or linear"),
                },
                "lr" => parse_range(&value, &mut s.run.learning_rate, limits::LEARNING_RATE, &mut note),
                "batch" => parse_range(&value, &mut s.run.batch_size, limits::BATCH, &mut note),
                "opt" => parse_into(
                    &value,
                    &mut s.run.optimizer,
                    &mut note,
                    "not sgd, momentum or adam",
                ),
                "reg" => parse_into(&value, &mut s.run.regularization, &mut note, "not none, l1 or l2"),
                "rate" => parse_range(&value, &mut s.run.reg_rate, limits::REG_RATE, &mut note),
                "speed" => match Pace::from_speed_name(&value) {
                    Some(pace) => s.pace = pace,
                    None => note("not slow, normal or fast"),
                },
                "pace" => parse_into(
                    &value,
                    &mut s.pace,
                    &mut note,
                    &format!(
                        "not max or a number of steps a second from {} to {}",
                        limits::PACE.0,
                        limits::PACE.1
                    ),
                ),
                "stopat" => s.stop_steps = in_range(&value, limits::STOP_STEPS, &mut note).or(s.stop_steps),
                "stopacc" => s.stop_score = in_range(&value, limits::STOP_SCORE, &mut note).or(s.stop_score),
                "at" => s.at = in_range(&value, limits::AT_STEP, &mut note).or(s.at),
                "lab" => match value.as_str() {
                    "none" => s.lab = None,
                    other => match other.parse::<Lab>() {
                        Ok(lab) => s.lab = Some(lab),
                        Err(_) => note("not none, space, sweep or transfer"),
                    },
                },
                "view" => parse_into(&value, &mut s.projection, &mut note, "not sep, pca or u<i>.<j>"),
                "vlayer" => match value.as_str() {
                    "last" => s.space_layer = None,
                    other => match other.parse::<usize>() {
                        Ok(l) if l <= crate::engine::MAX_HIDDEN_LAYERS => s.space_layer = Some(l),
                        _ => note("not last or a layer from 0 to 8"),
                    },
                },
                "ridge" => parse_range(&value, &mut s.sweep_lambda, limits::SWEEP_LAMBDA, &mut note),
                "target" => parse_into(&value, &mut s.target, &mut note, "not a data set or plot"),
                "labels" => parse_range(&value, &mut s.target_labels, limits::TARGET_LABELS, &mut note),
                "shift" => parse_into(
                    &value,
                    &mut s.shift.kind,
                    &mut note,
                    "not rotate, translate or scale",
                ),
                "shiftby" => parse_range(&value, &mut s.shift.amount, limits::SHIFT, &mut note),
                "surface" => parse_into(&value, &mut s.surface_directions, &mut note, "not random or pca"),
                "sdseed" => parse_into(&value, &mut s.surface_seed, &mut note, SEED_RANGE),
                "play" | "test" | "hard" | "logloss" | "logsteps" | "lines" | "swap" | "embed" | "race" => {
                    let slot = match key {
                        "play" => &mut s.play,
                        "race" => &mut s.race,
                        "embed" => &mut s.embed,
                        "swap" => &mut s.target_swap,
                        "test" => &mut s.show_test,
                        "hard" => &mut s.discretize,
                        "lines" => &mut s.show_lines,
                        "logsteps" => &mut s.log_steps,
                        _ => &mut s.log_scale,
                    };
                    match value.as_str() {
                        "1" | "true" => *slot = true,
                        "0" | "false" => *slot = false,
                        _ => note("not 0 or 1"),
                    }
                }
                "scene" => match value.parse::<usize>() {
                    Ok(n) if (1..=limits::SCENES).contains(&n) => s.scene = Some(n - 1),
                    _ => note("not the number of a built-in scene"),
                },
                "panel" => match value.parse::<Companion>() {
                    Ok(companion) => s.companion = Some(companion),
                    Err(_) => note("not network, model, gradients, lab or surface"),
                },
                "pts" => points_text = Some(value),
                "cmp" => compare_text = Some(value),
                _ => notices.push(format!("Ignored unknown setting '{}'.", shorten(key))),
            }
        }
        if !data_seed_given {
            s.data_seed = s.seed;
        }
        if let Some(text) = compare_text {
            let (run, mut refused) = compare::decode(&s, &text);
            s.compare = Some(run);
            notices.append(&mut refused);
        }
        if let Some(text) = points_text {
            match codec::decode_points(&text, s.task()) {
                Ok(data) => s.load_points(data),
                Err(why) => notices.push(format!(
                    "Ignored the points in the link: {why}; using the {} preset.",
                    s.dataset.label()
                )),
            }
        }
        (s, notices)
    }
}

/// A number without trailing noise: `0.03`, not `0.029999999`.
fn fmt_num(v: f32) -> String {
    let s = format!("{v}");
    if s.len() > 10 {
        format!("{v:.6e}")
    } else {
        s
    }
}

/// `s`, cut to 40 characters for a notice.
pub(crate) fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

fn dedup<T: PartialEq + Copy>(list: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(list.len());
    for item in list {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// What a seed in a link must be.
const SEED_RANGE: &str = "not a whole number from 0 to 2⁶⁴ − 1";

/// Parses `value` into `slot`, or notes `what` it is not.
fn parse_into<T: FromStr>(value: &str, slot: &mut T, note: &mut dyn FnMut(&str), what: &str) {
    match value.parse() {
        Ok(v) => *slot = v,
        Err(_) => note(what),
    }
}

/// A value that parses and lies in the closed range, finite for floats.
trait InRange: FromStr + PartialOrd + Copy + fmt::Display {
    fn usable(self) -> bool {
        true
    }
}
impl InRange for usize {}
impl InRange for u64 {}
impl InRange for f32 {
    fn usable(self) -> bool {
        self.is_finite()
    }
}

fn parse_range<T: InRange>(value: &str, slot: &mut T, range: (T, T), note: &mut dyn FnMut(&str)) {
    if let Some(v) = in_range(value, range, note) {
        *slot = v;
    }
}

/// The value if it parses and lies in the closed range; otherwise a notice and `None`.
fn in_range<T: InRange>(value: &str, (lo, hi): (T, T), note: &mut dyn FnMut(&str)) -> Option<T> {
    match value.parse::<T>() {
        Ok(v) if v.usable() && v >= lo && v <= hi => Some(v),
        _ => {
            note(&format!("not a number from {lo} to {hi}"));
            None
        }
    }
}

fn parse_list<T: FromStr>(value: &str) -> Option<Vec<T>> {
    if value.is_empty() {
        return Some(Vec::new());
    }
    value.split(',').map(|v| v.trim().parse().ok()).collect()
}

/// Decodes `%XX` escapes (invalid ones are kept as written) and `+` as space.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_hash() {
        let s = Settings {
            dataset: Preset::Spiral,
            data_seed: 77,
            noise: 0.25,
            count: 350,
            test_fraction: 0.3,
            seed: 42,
            run: RunSettings {
                model: ModelFamily::Random,
                features: vec![HandFeature::X1X2, HandFeature::Ring],
                rf_activation: Activation::Cos,
                k: 500,
                rf_scale: 3.5,
                layers: vec![16, 4, 2],
                activation: Activation::Relu,
                learning_rate: 0.003,
                batch_size: 25,
                optimizer: OptimizerKind::Adam,
                regularization: Regularization::L2,
                reg_rate: 0.0001,
            },
            pace: Pace::PerSecond(20.0),
            stop_steps: Some(5000),
            stop_score: Some(99.5),
            play: true,
            at: Some(1234),
            points: None,
            point_classes: None,
            show_test: false,
            discretize: true,
            log_scale: false,
            log_steps: true,
            show_lines: true,
            scene: Some(3),
            lab: Some(Lab::Transfer),
            companion: Some(Companion::Gradients),
            embed: true,
            projection: Projection::Units(2, 5),
            space_layer: Some(2),
            sweep_lambda: 0.01,
            target: TargetSource::Plot,
            target_swap: false,
            target_labels: 12,
            shift: Shift {
                kind: ShiftKind::Scale,
                amount: 0.25,
            },
            compare: Some(RunSettings {
                model: ModelFamily::Features,
                features: vec![HandFeature::Ring],
                optimizer: OptimizerKind::Momentum,
                ..Settings::default().run.clone()
            }),
            surface_directions: Directions::Principal,
            surface_seed: 77,
            race: true,
        };
        let (back, notices) = Settings::from_hash(&format!("#{}", s.to_hash()));
        assert_eq!(notices, Vec::<String>::new());
        assert_eq!(back, s);
        // Drawn points ride along, exactly once quantised.
        let drawn = codec::decode_points(
            &codec::encode_points(
                &crate::engine::Dataset::generate(&s.data_spec()).points,
                s.task(),
                2,
            ),
            s.task(),
        )
        .unwrap()
        .points;
        let s = Settings {
            points: Some(drawn),
            ..s
        };
        let (back, notices) = Settings::from_hash(&format!("#{}", s.to_hash()));
        assert_eq!(notices, Vec::<String>::new());
        assert_eq!(back, s);
        let (default, notices) = Settings::from_hash("");
        assert!(notices.is_empty());
        assert_eq!(default, Settings::default());
    }

    /// A preset's classes decide the model's outputs and loss; drawn points carry their own
    /// number of classes in the link, and links of two classes read as they always did.
    #[test]
    fn classes_follow_the_preset_or_the_drawn_points() {
        let (s, notices) = Settings::from_hash("dataset=blobs3&model=linear");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            (s.classes(), s.loss(), s.model_spec().outputs),
            (3, Loss::Softmax, 3)
        );
        assert_eq!(Settings::from_hash("dataset=quadrants4").0.classes(), 4);
        let d = Settings::default();
        assert_eq!(
            (d.classes(), d.loss(), d.model_spec().outputs),
            (2, Loss::Logistic, 1)
        );
        let plane = Settings::from_hash("dataset=plane").0;
        assert_eq!((plane.classes(), plane.model_spec().outputs), (0, 1));

        // Five classes drawn over the XOR preset (snapped to the link's precision first).
        let mut points: Vec<Point> = (0..25)
            .map(|i| Point {
                x: [i as f32 / 25.0 - 0.5, 0.3],
                y: crate::engine::class_target(i % 5, 5),
                test: i % 4 == 0,
            })
            .collect();
        points = codec::decode_points(
            &codec::encode_points(&points, Task::Classification, 5),
            Task::Classification,
        )
        .unwrap()
        .points;
        let mut s = Settings::default();
        s.load_points(Dataset {
            task: Task::Classification,
            classes: 5,
            points: points.clone(),
        });
        assert_eq!(
            (s.point_classes, s.classes(), s.model_spec().outputs),
            (Some(5), 5, 5)
        );
        let (back, notices) = Settings::from_hash(&s.to_hash());
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(back, s);
        assert_eq!(back.dataset().points, points);
        assert_eq!(back.dataset().classes, 5);
        // Back on a preset, the preset decides again.
        s.points = None;
        assert_eq!(s.classes(), 2);
        // Points of three classes on the three-blob preset need no override.
        let mut blobs = Settings::from_hash("dataset=blobs3").0;
        blobs.load_points(blobs.dataset());
        assert_eq!((blobs.point_classes, blobs.classes()), (None, 3));
        // A link of two classes is written as before: version 1 of the point codec.
        let mut xor = Settings::default();
        xor.load_points(xor.dataset());
        assert!(xor.to_hash().contains("&pts=1"), "{}", xor.to_hash());
    }

    #[test]
    fn the_view_beside_the_plot_follows_the_model_unless_chosen() {
        let of = |hash: &str| Settings::from_hash(hash).0.companion();
        assert_eq!(of("model=linear"), Companion::Model);
        assert_eq!(of("model=features"), Companion::Model);
        assert_eq!(of("model=random"), Companion::Network);
        assert_eq!(of("model=mlp"), Companion::Network);
        assert_eq!(of("model=linear&lab=sweep"), Companion::Lab);
        assert_eq!(of("model=mlp&lab=space&panel=gradients"), Companion::Gradients);
        let (s, notices) = Settings::from_hash("panel=sideways");
        assert_eq!((s.companion, notices.len()), (None, 1));
        assert!(
            !Settings::default().to_hash().contains("panel="),
            "the default is not written"
        );
    }

    #[test]
    fn the_documented_keys_are_understood() {
        let (s, notices) = Settings::from_hash(
            "dataset=ring&seed=5&noise=0.1&n=300&model=features&features=x1,x2,ring&rf=sign&k=50\
             &layers=4,4&act=sigmoid&lr=0.1&batch=20&opt=momentum&play=1",
        );
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.dataset, Preset::Ring);
        assert_eq!((s.seed, s.data_seed), (5, 5));
        assert_eq!(s.run.model, ModelFamily::Features);
        assert_eq!(
            s.run.features,
            vec![HandFeature::X1, HandFeature::X2, HandFeature::Ring]
        );
        assert_eq!((s.run.rf_activation, s.run.k), (Activation::Sign, 50));
        assert_eq!(
            (s.run.layers.clone(), s.run.activation),
            (vec![4, 4], Activation::Sigmoid)
        );
        assert_eq!(
            (s.run.learning_rate, s.run.batch_size, s.run.optimizer),
            (0.1, 20, OptimizerKind::Momentum)
        );
        assert!(s.play);
        assert_eq!(s.model_spec().features.width(), 3);
    }

    #[test]
    fn bad_values_fall_back_with_a_notice_each() {
        let (s, notices) = Settings::from_hash(
            "#lr=1e9&n=-3&dataset=moons&layers=8,9999&act=cos&rf=sigmoid&noise=NaN&k=abc&play=maybe&bogus=1&opt=",
        );
        let d = Settings::default();
        assert_eq!(s.run.learning_rate, d.run.learning_rate);
        assert_eq!(s.count, d.count);
        assert_eq!(s.dataset, d.dataset);
        assert_eq!(s.run.layers, d.run.layers);
        assert_eq!(s.run.activation, d.run.activation);
        assert_eq!(s.run.rf_activation, d.run.rf_activation);
        assert_eq!(s.noise, d.noise);
        assert_eq!(s.run.k, d.run.k);
        assert!(!s.play);
        assert_eq!(notices.len(), 11, "{notices:#?}");
        assert!(notices[0].contains("lr=1e9"));
        assert!(notices.iter().any(|n| n.contains("unknown setting 'bogus'")));
    }

    /// Links from before paces keep working: `speed` maps to the pace it meant at 60 frames a
    /// second. The keys added since are written only when they differ from their defaults, so
    /// the default page's link is as it was (less the old `speed`), and bad values are named.
    #[test]
    fn old_speeds_read_as_paces_and_new_keys_stay_out_of_default_links() {
        for (speed, pace) in [
            ("slow", Pace::PerSecond(60.0)),
            ("normal", Pace::PerSecond(600.0)),
            ("fast", Pace::Max),
        ] {
            let (s, notices) = Settings::from_hash(&format!("speed={speed}"));
            assert!(notices.is_empty(), "{notices:?}");
            assert_eq!(s.pace, pace);
            assert!(s.to_hash().contains(&format!("pace={}", pace.key())));
        }
        let default = Settings::default().to_hash();
        for key in ["speed=", "pace=", "stopat=", "stopacc=", "logsteps="] {
            assert!(!default.contains(key), "{key} in {default}");
        }
        let (s, notices) = Settings::from_hash("pace=0.5&stopat=2500&stopacc=99&logsteps=1");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            (s.pace, s.stop_steps, s.stop_score, s.log_steps),
            (Pace::PerSecond(0.5), Some(2500), Some(99.0), true)
        );
        let (s, notices) = Settings::from_hash("pace=0&stopat=0&stopacc=101&logsteps=2&speed=warp");
        assert_eq!(notices.len(), 5, "{notices:#?}");
        assert_eq!((s.pace, s.stop_steps, s.stop_score), (DEFAULT_PACE, None, None));
        assert!(notices[0].contains("pace=0") && notices[0].contains("steps a second"));
    }

    #[test]
    fn lab_keys_are_read_and_bad_ones_explained() {
        let (s, notices) = Settings::from_hash(
            "lab=sweep&view=pca&ridge=0.01&target=plot&swap=0&labels=12&shift=translate&shiftby=0.5",
        );
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(s.lab, Some(Lab::Sweep));
        assert_eq!(s.projection, Projection::Principal);
        assert_eq!(
            (s.sweep_lambda, s.target, s.target_swap, s.target_labels),
            (0.01, TargetSource::Plot, false, 12)
        );
        assert_eq!(
            s.shift,
            Shift {
                kind: ShiftKind::Translate,
                amount: 0.5
            }
        );
        let (s, notices) = Settings::from_hash(
            "lab=moon&view=u0.3&ridge=-1&target=moons&swap=2&labels=500&shift=spin&shiftby=7&vlayer=9",
        );
        let d = Settings::default();
        assert_eq!(notices.len(), 9, "{notices:#?}");
        assert_eq!(
            (s.lab, s.projection, s.sweep_lambda),
            (d.lab, d.projection, d.sweep_lambda)
        );
        assert_eq!(
            (s.target, s.target_swap, s.target_labels, s.shift),
            (d.target, d.target_swap, d.target_labels, d.shift)
        );
        assert!(notices[0].contains("lab=moon"));
    }

    #[test]
    fn hostile_input_never_panics() {
        for hash in [
            "%",
            "%%",
            "%e",
            "%zz&&&==",
            "=",
            "&=&",
            "layers=,,,",
            "features=x1,,x2",
            "n=99999999999999999999999",
        ] {
            let _ = Settings::from_hash(hash);
        }
        assert_eq!(percent_decode("a%20b+c%2"), "a b c%2");
        let (s, _) = Settings::from_hash("layers=");
        assert!(s.run.layers.is_empty());
    }

    #[test]
    fn a_hundred_thousand_random_hashes_never_panic_and_always_give_usable_settings() {
        let mut rng = crate::engine::Rng::new(2024);
        let keys = [
            "dataset", "seed", "dseed", "noise", "n", "split", "model", "features", "rf", "k", "rfscale",
            "layers", "act", "lr", "batch", "opt", "reg", "rate", "speed", "play", "pts", "pace", "stopat",
            "stopacc", "logsteps", "zz", "",
        ];
        let values = [
            "xor",
            "ring",
            "mlp",
            "relu",
            "1",
            "0",
            "-1",
            "1e9",
            "0.03",
            "NaN",
            "inf",
            "8,8",
            ",,",
            "%",
            "%zz",
            "%41",
            "x1,ring",
            "1AAAA",
            "é",
            "&",
            "=",
            "99999999999999999999",
            "-0",
            "3.5",
            "adam",
            "",
        ];
        for _ in 0..100_000 {
            let mut hash = String::new();
            for _ in 0..rng.below(6) {
                let key = keys[rng.below(keys.len())];
                let value = values[rng.below(values.len())];
                let sep = ["&", "=", "&&", ""][rng.below(4)];
                hash.push_str(&format!("{key}={value}{sep}"));
            }
            let (s, _) = Settings::from_hash(&hash);
            assert!(
                s.run.learning_rate.is_finite()
                    && (limits::LEARNING_RATE.0..=limits::LEARNING_RATE.1).contains(&s.run.learning_rate)
            );
            assert!((limits::COUNT.0..=limits::COUNT.1).contains(&s.count));
            assert!(s.run.layers.len() <= limits::LAYERS.1);
            assert!(s.noise.is_finite() && s.run.rf_scale.is_finite() && s.run.reg_rate.is_finite());
            // What the settings say always builds a model.
            let _ = s.model_spec();
        }
    }

    #[test]
    fn surface_keys_are_read_and_written_only_when_not_the_default() {
        let (s, notices) = Settings::from_hash("surface=pca&sdseed=5&race=1");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            (s.surface_directions, s.surface_seed, s.race),
            (Directions::Principal, 5, true)
        );
        let hash = s.to_hash();
        assert!(hash.contains("surface=pca") && hash.contains("sdseed=5") && hash.contains("race=1"));
        let default = Settings::default().to_hash();
        assert!(
            !["surface=", "sdseed=", "race="]
                .iter()
                .any(|k| default.contains(k)),
            "{default}"
        );
        let (s, notices) = Settings::from_hash("surface=hessian&sdseed=-2&race=yes");
        assert_eq!(notices.len(), 3, "{notices:?}");
        assert_eq!(
            (s.surface_directions, s.surface_seed, s.race),
            (Directions::Random, 1, false)
        );
    }
}
