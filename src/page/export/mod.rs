//! The current scene as code to take home: a Python script that needs only NumPy, and a Jupyter
//! notebook with the same code in cells, short explanations between them and a last cell with
//! the same model in PyTorch.
//!
//! The code reproduces the page's run, not just its architecture: the points, the starting
//! weights (random features included) and the minibatch order are written into the file, and
//! the forward pass, the backward pass and the update are written out as plain NumPy. So the
//! losses it prints match what the engine reaches after the same number of steps, up to the
//! difference between the engine's 32-bit arithmetic and NumPy's 64-bit (a test runs the
//! exported scripts and holds them to the engine within 1e-4, relative).
//!
//! The run exported is a fresh one: the weights the session's seed gives, trained with the
//! session's current settings on its current points. The page's own run matches it when no
//! setting or point changed while it trained.

mod python;

use crate::engine::{
    initial_model, minibatch_rng, Dataset, FeatureMap, Loss, Metrics, Model, ModelSpec, OptimizerKind, Point,
    Task, TrainConfig, Trainer,
};
use crate::page::limits;
use crate::page::session::Session;
use serde_json::json;

/// The file name of the exported script.
pub const SCRIPT_FILE_NAME: &str = "nnplay.py";
/// The file name of the exported notebook.
pub const NOTEBOOK_FILE_NAME: &str = "nnplay.ipynb";
/// Steps an export trains when the page has not trained yet.
pub const DEFAULT_STEPS: u64 = 200;

/// Everything the exported code reproduces: the starting model, the training settings, the
/// points and the minibatch order, and how many steps to train.
#[derive(Clone, Debug)]
pub struct ExportRun {
    spec: ModelSpec,
    model: Model,
    config: TrainConfig,
    task: Task,
    /// The number of classes (2 to 5; 0 for regression): three or more train K output units
    /// under softmax.
    classes: usize,
    train: Vec<Point>,
    test: Vec<Point>,
    seed: u64,
    shuffle_state: [u64; 4],
    steps: u64,
    page_steps: u64,
}

/// The number of steps an export of `session` trains: as many as the page has taken, or
/// [`DEFAULT_STEPS`] before the first step, at most [`limits::EXPORT_STEPS`]'s upper bound.
pub fn suggested_steps(session: &Session) -> u64 {
    match session.trainer.steps() {
        0 => DEFAULT_STEPS,
        taken => taken.clamp(limits::EXPORT_STEPS.0, limits::EXPORT_STEPS.1),
    }
}

impl ExportRun {
    /// The run of `session` from its first step, trained for `steps` steps (clamped to
    /// [`limits::EXPORT_STEPS`]). Refused, with a message for the page, when there is nothing
    /// to train on.
    pub fn from_session(session: &Session, steps: u64) -> Result<Self, String> {
        let trainer = &session.trainer;
        Self::new(
            trainer.spec(),
            trainer.config,
            &session.data,
            trainer.seed(),
            steps,
            trainer.steps(),
        )
    }

    /// The run of a model built from `spec` and `seed` on `data`; `page_steps` is how far the
    /// page had trained (only for what the file says about its step count).
    pub fn new(
        spec: &ModelSpec,
        config: TrainConfig,
        data: &Dataset,
        seed: u64,
        steps: u64,
        page_steps: u64,
    ) -> Result<Self, String> {
        let (test, train): (Vec<Point>, Vec<Point>) = data.points.iter().partition(|p| p.test);
        if train.is_empty() {
            return Err("There are no training points, so there is no run to export.".into());
        }
        let model = initial_model(spec, seed);
        if !model.is_finite() {
            return Err("The starting weights are not finite numbers, so they cannot be exported.".into());
        }
        Ok(ExportRun {
            spec: spec.clone(),
            model,
            config: TrainConfig {
                batch_size: config.batch_size.max(1),
                ..config
            },
            task: data.task,
            classes: data.classes,
            train,
            test,
            seed,
            shuffle_state: minibatch_rng(seed).state(),
            steps: steps.clamp(limits::EXPORT_STEPS.0, limits::EXPORT_STEPS.1),
            page_steps,
        })
    }

    /// Whether the model has one output unit per class (three or more) under softmax.
    fn softmax(&self) -> bool {
        self.config.loss == Loss::Softmax
    }

    /// The number of steps the exported code trains.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// What the engine reaches on this run: a fresh trainer stepped [`ExportRun::steps`] times,
    /// then evaluated on every point. The exported code prints the same training loss. Costs
    /// the whole training run; the tests call it, the page need not.
    pub fn engine_metrics(&self) -> Metrics {
        let mut points = self.train.clone();
        points.extend_from_slice(&self.test);
        let data = Dataset {
            task: self.task,
            classes: self.classes,
            points,
        };
        let mut trainer = Trainer::new(self.spec.clone(), self.config, &data, self.seed);
        for _ in 0..self.steps {
            if !trainer.step() {
                break;
            }
        }
        trainer.evaluate()
    }

    /// The plain Python script: the sections' explanations as comments, then their code.
    pub fn python_script(&self) -> String {
        let mut out = format!(
            "\"\"\"{}\n\n{}\n\"\"\"\n",
            self.title(),
            wrap(&self.introduction(), 96).join("\n")
        );
        for section in self.sections().iter().filter(|s| !s.notebook_only) {
            out.push_str(&format!("\n\n# ---- {} ----\n", section.title));
            for line in wrap(&section.prose, 94) {
                out.push_str(&format!("# {line}\n"));
            }
            out.push('\n');
            out.push_str(&section.code);
        }
        out
    }

    /// The Jupyter notebook (nbformat 4.5) as JSON: a title cell, then for each section a
    /// markdown cell with its explanation and a code cell, the PyTorch one last.
    pub fn notebook(&self) -> String {
        let mut cells = vec![markdown_cell(
            1,
            &format!("# {}\n\n{}", self.title(), self.introduction()),
        )];
        for section in self.sections() {
            let id = cells.len() + 1;
            cells.push(markdown_cell(
                id,
                &format!("## {}\n\n{}", section.title, section.prose),
            ));
            cells.push(code_cell(id + 1, &section.code));
        }
        let notebook = json!({
            "cells": cells,
            "metadata": {
                "kernelspec": { "display_name": "Python 3", "language": "python", "name": "python3" },
                "language_info": { "name": "python" }
            },
            "nbformat": 4,
            "nbformat_minor": 5
        });
        serde_json::to_string_pretty(&notebook).unwrap_or_default()
    }

    /// The file's title line.
    fn title(&self) -> String {
        format!(
            "nnplay: {}, trained for {} steps",
            self.model_description(),
            self.steps
        )
    }

    /// The model in words.
    fn model_description(&self) -> String {
        let hidden = &self.model.layers[..self.model.layers.len() - 1];
        match (&self.model.features, hidden) {
            (FeatureMap::Identity, []) => "a linear model".into(),
            (FeatureMap::Handmade(list), []) => {
                let names: Vec<&str> = list.iter().map(|f| f.formula()).collect();
                if names.is_empty() {
                    "a model with no features (its bias alone)".into()
                } else {
                    format!("a linear model on the features {}", names.join(", "))
                }
            }
            (_, [random]) if random.frozen => format!(
                "{} random features σ(Mx + b) with σ = {}",
                random.outputs, random.activation
            ),
            (_, layers) => {
                let widths: Vec<String> = layers.iter().map(|l| l.outputs.to_string()).collect();
                format!(
                    "a neural network with hidden layers of {} units ({})",
                    widths.join(", "),
                    layers[0].activation
                )
            }
        }
    }

    /// The opening paragraph: what was exported and what to expect.
    fn introduction(&self) -> String {
        let optimizer = &self.config.optimizer;
        let rule = match optimizer.kind {
            OptimizerKind::Sgd => "stochastic gradient descent",
            OptimizerKind::Momentum => "gradient descent with momentum",
            OptimizerKind::Adam => "Adam",
        };
        let mut penalties = String::new();
        if optimizer.l1 != 0.0 {
            penalties.push_str(&format!(", an L1 penalty λ = {}", python::float(optimizer.l1)));
        }
        if optimizer.l2 != 0.0 {
            penalties.push_str(&format!(", an L2 penalty λ = {}", python::float(optimizer.l2)));
        }
        let loss = match self.config.loss {
            Loss::Logistic => "the logistic loss",
            Loss::Softmax => "the softmax cross-entropy",
            Loss::Squared => "the squared loss",
        };
        let task = match self.task {
            Task::Classification if self.softmax() => format!("{} classes", self.classes),
            Task::Classification => "two classes".to_string(),
            Task::Regression => "real values".to_string(),
        };
        let steps = match self.page_steps {
            0 => format!("It trains {} steps; the page had not trained yet.", self.steps),
            taken if taken == self.steps => {
                format!("It trains {} steps, as many as the page had taken.", self.steps)
            }
            taken if taken > self.steps => format!(
                "It trains {} steps, the most an export trains; the page had taken {taken}.",
                self.steps
            ),
            taken => format!("It trains {} steps (the page had taken {taken}).", self.steps),
        };
        format!(
            "Exported from nnplay: {model} on {train} training and {test} test points ({task}), trained on {loss} \
             by {rule} with learning rate η = {lr} on minibatches of {batch}{penalties}. {steps}\n\n\
             Everything the page used is written into this file: the points, the starting weights (the page's \
             seed {seed}) and the order of the minibatches. So the losses printed here match the page's after \
             the same number of steps, up to rounding: the page computes with 32-bit numbers, this file with \
             NumPy's 64-bit ones. After a few hundred steps the two agree to about six digits; over many \
             thousands, Adam with ReLU units or an L1 penalty can magnify the rounding until the runs part \
             visibly. The run starts from the seed's weights with the settings at the time of \
             export; if you changed a setting or moved points while the page trained, the page took another \
             path.\n\n\
             It needs only NumPy; with matplotlib it also draws the result.",
            model = self.model_description(),
            train = self.train.len(),
            test = self.test.len(),
            lr = python::float(optimizer.learning_rate),
            batch = self.config.batch_size,
            seed = self.seed,
        )
    }

    /// The sections of the exported code, in order.
    fn sections(&self) -> Vec<Section> {
        let random_features = self.model.layers.iter().any(|l| l.frozen);
        let weights_prose = if random_features {
            "The page draws the starting weights from its seed; here they are as numbers. The first layer \
             holds the random features: its M and b were drawn once and never train, only the output \
             unit does."
        } else {
            "The page draws the starting weights from its seed; here they are as numbers, so this file \
             starts exactly where the page started."
        };
        let mut sections = vec![
            Section::new(
                "NumPy",
                "NumPy is all the training needs. The page stores every number as a 32-bit float; \
                 page_floats reads them that way, so they are exactly the page's, and then computes \
                 in 64-bit.",
                self.imports_code(),
            ),
            Section::new(
                "Settings",
                "The settings the page trained with.",
                self.settings_code(),
            ),
            Section::new(
                "The points",
                match self.task {
                    Task::Classification if self.softmax() => {
                        "Each point is x = (x1, x2) in the square [−1, 1]² with a class y = 0, 1, … (the \
                         page's class 1 is y = 0). Training uses only the training points; the test points \
                         measure how well the model does on points it never saw."
                    }
                    Task::Classification => {
                        "Each point is x = (x1, x2) in the square [−1, 1]² with a class y = +1 or −1. \
                         Training uses only the training points; the test points measure how well the \
                         model does on points it never saw."
                    }
                    Task::Regression => {
                        "Each point is x = (x1, x2) in the square [−1, 1]² with a value y between −1 and \
                         1. Training uses only the training points; the test points measure how well the \
                         model does on points it never saw."
                    }
                },
                self.data_code(),
            ),
            Section::new(
                "Features",
                "The model first turns each point into its features φ(x); the layers read those.",
                self.features_code(),
            ),
            Section::new("Starting weights", weights_prose, self.weights_code()),
            Section::new(
                "Forward pass",
                if self.softmax() {
                    "Layer by layer: z = h·Wᵀ + b (one row a point) and then the activation h = σ(z). The \
                     output layer has one unit per class: its values are the class scores f(x)."
                } else {
                    "Layer by layer: z = h·Wᵀ + b (one row a point) and then the activation h = σ(z). The \
                     output unit's value is the model's f(x)."
                },
                self.forward_code(),
            ),
            Section::new(
                "Loss",
                match self.config.loss {
                    Loss::Logistic => {
                        "The logistic loss log(1 + e^(−y·f)) is small when f has the sign of the class y \
                         and large when it has the other one. Its slope in f starts the backward pass."
                    }
                    Loss::Softmax => {
                        "Softmax turns the class scores into probabilities p = e^f / Σ e^f, and the loss \
                         −log p_y is small when the point's own class y gets most of the probability. Its \
                         slope in the scores, p minus 1 for the point's own class, starts the backward pass."
                    }
                    Loss::Squared => {
                        "The squared loss (f − y)² measures how far the output is from the value y. Its \
                         slope in f starts the backward pass."
                    }
                },
                self.loss_code(),
            ),
            Section::new(
                "Backward pass",
                "The chain rule, from the output down: d is the loss's slope in a layer's z. A layer's \
                 weight gradient is its d times the values it read; d moves one layer down by multiplying \
                 with the weights and then with the slope σ′ of the activation below.",
                self.backward_code(),
            ),
            Section::new(
                "Update",
                "Each step moves every trained weight a little against its gradient.",
                self.update_code(),
            ),
            Section::new(
                "Minibatch order",
                "Each step trains on a few points at a time. To take them in exactly the page's order, \
                 this cell copies the page's random number generator. Any other shuffle (for example \
                 np.random.permutation) trains just as well, but the numbers would differ from the \
                 page's.",
                self.minibatch_code(),
            ),
            Section::new(
                "Training",
                "The loop: a minibatch forward, backward, update, and now and then a report of the loss \
                 and accuracy on all the points. The last line is the number to compare with the page.",
                self.training_code(),
            ),
            Section::new(
                "Pictures",
                "With matplotlib: the trained model's f(x) over the plane with the training points, and \
                 the loss over the steps.",
                self.pictures_code(),
            ),
        ];
        let mut torch = Section::new(
            "The same model in PyTorch",
            "The same layers as torch.nn modules, the same starting weights and minibatches, and \
             PyTorch's own optimizer; autograd does the backward pass. Its final loss matches the one \
             above up to rounding. The cell does nothing without PyTorch.",
            self.torch_code(),
        );
        torch.notebook_only = true;
        sections.push(torch);
        sections
    }
}

/// One part of the exported code with its explanation.
struct Section {
    title: &'static str,
    prose: String,
    code: String,
    notebook_only: bool,
}

impl Section {
    fn new(title: &'static str, prose: &str, code: String) -> Self {
        Section {
            title,
            prose: prose.to_string(),
            code,
            notebook_only: false,
        }
    }
}

/// `text` broken into lines of at most `width` characters at spaces; blank lines between
/// paragraphs stay.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split("\n\n") {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// Text as a notebook's `source`: a list of lines, each but the last ending in `\n`.
fn source_lines(text: &str) -> Vec<String> {
    let text = text.trim_end_matches('\n');
    text.split_inclusive('\n').map(str::to_string).collect()
}

fn markdown_cell(id: usize, text: &str) -> serde_json::Value {
    json!({ "cell_type": "markdown", "id": format!("cell-{id}"), "metadata": {}, "source": source_lines(text) })
}

fn code_cell(id: usize, code: &str) -> serde_json::Value {
    json!({
        "cell_type": "code",
        "execution_count": null,
        "id": format!("cell-{id}"),
        "metadata": {},
        "outputs": [],
        "source": source_lines(code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::settings::Settings;

    fn session(hash: &str) -> Session {
        let (settings, notices) = Settings::from_hash(hash);
        assert!(notices.is_empty(), "{notices:?}");
        Session::new(settings)
    }

    /// The numbers of the literal that follows `start` in `script`, up to the closing `])`.
    fn literal(script: &str, start: &str) -> Vec<f32> {
        let from = script.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
        let body = &script[from..from + script[from..].find("])").unwrap()];
        body.split(|c: char| !(c.is_ascii_digit() || "-.e".contains(c)))
            .filter(|token| !token.is_empty())
            .map(|token| token.parse().unwrap())
            .collect()
    }

    fn bits(values: &[f32]) -> Vec<u32> {
        values.iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn the_script_holds_the_starting_weights_and_the_points_bit_for_bit() {
        for hash in [
            "model=random&rf=cos&k=30&rfscale=3",
            "model=mlp&layers=7,5&act=relu",
            "dataset=bumps&model=linear",
        ] {
            let session = session(hash);
            let run = ExportRun::from_session(&session, 200).unwrap();
            let script = run.python_script();
            let start = initial_model(session.trainer.spec(), session.trainer.seed());
            for (l, layer) in start.layers.iter().enumerate() {
                let n = l + 1;
                assert_eq!(
                    bits(&literal(&script, &format!("W{n} = page_floats(["))),
                    bits(&layer.weights)
                );
                assert_eq!(
                    bits(&literal(&script, &format!("b{n} = page_floats(["))),
                    bits(&layer.bias)
                );
            }
            let train: Vec<&Point> = session.data.points.iter().filter(|p| !p.test).collect();
            let xs: Vec<f32> = train.iter().flat_map(|p| p.x).collect();
            let ys: Vec<f32> = train.iter().map(|p| p.y).collect();
            assert_eq!(bits(&literal(&script, "x_train = page_floats([")), bits(&xs));
            assert_eq!(bits(&literal(&script, "y_train = page_floats([")), bits(&ys));
            assert!(
                ["NaN", "inf,", "inf]"].iter().all(|bad| !script.contains(bad)),
                "{hash}"
            );
        }
    }

    #[test]
    fn python_float_literals_read_back_as_the_same_f32() {
        let values = [
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            0.1,
            1e-8,
            3.4e38,
            1.17e-38,
            1e-45,
            6.2831855,
            -0.33333334,
        ];
        for v in values {
            let text = python::float(v);
            assert!(text.contains(['.', 'e']), "{text} reads as an integer in Python");
            assert_eq!(text.parse::<f32>().unwrap().to_bits(), v.to_bits(), "{text}");
        }
    }

    #[test]
    fn the_notebook_is_nbformat_4_with_the_scripts_code_and_a_pytorch_cell_last() {
        let run = ExportRun::from_session(&session("model=random&rf=sign&k=8&opt=adam&reg=l2"), 200).unwrap();
        let notebook: serde_json::Value = serde_json::from_str(&run.notebook()).unwrap();
        assert_eq!(notebook["nbformat"], 4);
        assert_eq!(notebook["nbformat_minor"], 5);
        assert_eq!(notebook["metadata"]["kernelspec"]["name"], "python3");
        let cells = notebook["cells"].as_array().unwrap();
        let mut ids = std::collections::HashSet::new();
        let mut code_cells = Vec::new();
        for cell in cells {
            assert!(
                ids.insert(cell["id"].as_str().unwrap().to_string()),
                "ids are unique"
            );
            assert!(cell["metadata"].is_object());
            let source: Vec<&str> = cell["source"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect();
            let (last, rest) = source.split_last().unwrap();
            assert!(rest.iter().all(|l| l.ends_with('\n')) && !last.ends_with('\n'));
            match cell["cell_type"].as_str().unwrap() {
                "markdown" => {}
                "code" => {
                    assert_eq!(cell["outputs"], serde_json::json!([]));
                    assert!(cell["execution_count"].is_null());
                    code_cells.push(source.concat());
                }
                other => panic!("cell type {other}"),
            }
        }
        let script = run.python_script();
        let (torch, shared) = code_cells.split_last().unwrap();
        for code in shared {
            assert!(script.contains(code.as_str()), "the script lacks a cell:\n{code}");
        }
        assert!(torch.starts_with("try:\n    import torch\nexcept ImportError:"));
        assert!(torch.contains("torch.optim.Adam(") && torch.contains("requires_grad_(False)"));
        assert!(!script.contains("import torch"), "the script needs only NumPy");
        assert!(script.contains("try:\n    import matplotlib.pyplot as plt\nexcept ImportError:"));
    }

    #[test]
    fn nothing_to_train_on_is_refused_with_a_message() {
        let mut session = session("model=linear");
        session.clear_points();
        let refused = ExportRun::from_session(&session, 200).unwrap_err();
        assert!(refused.contains("no training points"), "{refused}");
    }

    #[test]
    fn the_step_count_follows_the_page_within_its_limits() {
        let mut session = session("model=linear");
        assert_eq!(suggested_steps(&session), DEFAULT_STEPS);
        let untrained = ExportRun::from_session(&session, suggested_steps(&session)).unwrap();
        assert!(untrained
            .python_script()
            .contains("It trains 200 steps; the page had not trained yet."));
        for _ in 0..37 {
            session.step_once();
        }
        assert_eq!(suggested_steps(&session), 37);
        let run = ExportRun::from_session(&session, 37).unwrap();
        assert_eq!(run.steps(), 37);
        assert!(run.python_script().contains("steps = 37 "));
        assert!(run.notebook().contains("as many as the page had taken"));
        assert_eq!(
            ExportRun::from_session(&session, 0).unwrap().steps(),
            limits::EXPORT_STEPS.0
        );
        let capped = ExportRun::from_session(&session, u64::MAX).unwrap();
        assert_eq!(capped.steps(), limits::EXPORT_STEPS.1);
    }

    /// The run the export describes is the page's own: stepping the session from a reset gives
    /// the engine metrics the export promises.
    #[test]
    fn the_exported_run_is_the_sessions_run_from_its_start() {
        let mut session = session("dataset=circle&model=mlp&layers=5&opt=momentum&batch=7");
        let run = ExportRun::from_session(&session, 60).unwrap();
        for _ in 0..60 {
            session.step_once();
        }
        assert_eq!(run.engine_metrics(), session.trainer.evaluate());
    }
}
