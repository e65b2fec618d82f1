//! The exported Python reproduces the engine's run: each test exports a scene, runs the script
//! (or the notebook's code cells) with `python3` and NumPy, and holds its final training loss to
//! the engine's after the same 200 steps within 1e-4, relative.
//!
//! They need `python3` with NumPy, which `bash scripts/setup.sh --tests` installs, so a plain
//! `cargo test` skips them; `scripts/test.sh` runs them as their own suite:
//! `cargo test --test export_python -- --ignored`.

use nnplay::page::export::ExportRun;
use nnplay::page::scenes::SCENES;
use nnplay::page::session::Session;
use nnplay::page::settings::Settings;
use std::path::PathBuf;
use std::process::Command;

const TOLERANCE: f64 = 1e-4;
const STEPS: u64 = 200;

fn session(hash: &str) -> Session {
    let (settings, notices) = Settings::from_hash(hash);
    assert!(notices.is_empty(), "{hash}: {notices:?}");
    Session::new(settings)
}

/// Runs `code` with python3 and returns what it printed; fails clearly when python3 or NumPy
/// is missing.
fn run_python(code: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.py"));
    std::fs::write(&path, code).expect("write the exported script");
    let output = Command::new("python3")
        .arg(&path)
        .env("MPLBACKEND", "Agg")
        .output()
        .unwrap_or_else(|e| panic!("python3 could not be started ({e}); bash scripts/setup.sh --tests"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'numpy'"),
        "NumPy is missing: bash scripts/setup.sh --tests installs it"
    );
    assert!(output.status.success(), "{} failed:\n{stderr}", path.display());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The number after "training loss" on the line starting "After ".
fn final_training_loss(stdout: &str) -> f64 {
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with("After "))
        .unwrap_or_else(|| panic!("no final line in:\n{stdout}"));
    let after = line.split("training loss ").nth(1).expect("a training loss");
    after.split(',').next().unwrap().trim().parse().expect("a number")
}

fn relative_gap(python: f64, engine: f64) -> f64 {
    (python - engine).abs() / engine.abs().max(1e-12)
}

/// Exports `session`'s run of 200 steps, runs the script and compares its final training loss
/// with the engine's.
fn script_matches_engine(name: &str, session: &Session) {
    let run = ExportRun::from_session(session, STEPS).expect("an exportable run");
    let engine = run.engine_metrics().train.loss;
    let stdout = run_python(&run.python_script(), name);
    assert!(stdout.contains(&format!("After {STEPS} steps")), "{stdout}");
    let python = final_training_loss(&stdout);
    let gap = relative_gap(python, engine);
    eprintln!("{name}: engine {engine:.9}, NumPy {python:.9}, relative gap {gap:.1e}");
    assert!(
        gap <= TOLERANCE,
        "{name}: engine {engine}, NumPy {python} ({gap:.1e})\n{stdout}"
    );
}

fn scene(title: &str) -> Session {
    let scene = SCENES
        .iter()
        .find(|s| s.title == title)
        .expect("a scene of that title");
    session(scene.hash)
}

/// One ignored test per run: `test_name: "file name" => session expression;` exports the
/// session's 200 steps and holds the script's final loss to the engine's.
macro_rules! exports_match_the_engine {
    ($($(#[$doc:meta])* $test:ident: $name:literal => $session:expr;)+) => {$(
        $(#[$doc])*
        #[test]
        #[ignore = "needs python3 with NumPy (bash scripts/setup.sh --tests); scripts/test.sh runs it"]
        fn $test() {
            script_matches_engine($name, &$session);
        }
    )+};
}

exports_match_the_engine! {
    // The three the issue names: a linear model, random features, a network (lecture scenes
    // that train far enough in 200 steps to depend on every detail, the minibatch order included).
    a_linear_model_scene_matches_the_engine: "linear_regression" => scene("Linear regression");
    a_random_features_scene_matches_the_engine: "random_features_many" => scene("Random features, many");
    a_network_scene_matches_the_engine: "last_layer_linear" => scene("The last layer is a linear model");

    // Every optimizer, penalty, activation, loss, feature and random-feature σ.
    logistic_regression_matches_the_engine: "logistic_regression" => scene("Logistic regression");
    a_deep_sigmoid_network_matches_the_engine: "deeper_networks" => scene("Deeper networks and their gradients");
    every_hand_made_feature_with_momentum_matches_the_engine: "all_features_momentum" => session(
        "dataset=ring&n=300&model=features&features=x1,x2,x1sq,x2sq,x1x2,sin1,sin2,ring&opt=momentum&lr=0.1",
    );
    relu_network_with_adam_and_l1_matches_the_engine: "relu_adam_l1" => session(
        "dataset=spiral&n=300&noise=0.1&model=mlp&layers=12,8&act=relu&opt=adam&lr=0.01&reg=l1&rate=0.001",
    );
    sigmoid_network_regression_with_momentum_and_l2_matches_the_engine: "sigmoid_momentum_l2" => session(
        "dataset=bumps&n=250&model=mlp&layers=10,6,4&act=sigmoid&opt=momentum&lr=0.1&reg=l2&rate=0.01",
    );
    linear_activation_network_with_sgd_and_l2_matches_the_engine: "linear_sgd_l2" => session(
        "dataset=gauss&n=150&model=mlp&layers=5&act=linear&opt=sgd&lr=0.1&reg=l2&rate=0.05&batch=7",
    );
    sign_random_features_match_the_engine: "random_sign" => scene("Random features, few");
    cos_random_features_for_regression_match_the_engine: "random_cos" => session(
        "dataset=bumps&n=200&model=random&rf=cos&k=60&rfscale=3&opt=momentum&lr=0.01",
    );
    relu_random_features_match_the_engine: "random_relu" => session(
        "dataset=circle&n=200&model=random&rf=relu&k=40&rfscale=2&opt=sgd&lr=0.05&reg=l2&rate=0.001",
    );
    tanh_random_features_with_adam_and_l1_match_the_engine: "random_tanh" => session(
        "dataset=xor&n=200&model=random&rf=tanh&k=80&rfscale=1.5&opt=adam&lr=0.01&reg=l1&rate=0.0005",
    );
    /// No features at all: the model is its bias alone (empty weight matrices).
    a_model_without_features_matches_the_engine: "bias_only" => session("dataset=gauss&model=features&features=&lr=0.1");
    /// Points drawn by hand, an uneven last batch in every epoch (33 training points in
    /// batches of 8) and no test points.
    drawn_points_and_uneven_batches_match_the_engine: "drawn_points" => drawn_points();

    // Three classes under softmax: a linear model and a network, and five classes with Adam.
    softmax_regression_scene_matches_the_engine: "softmax_regression" => scene("Softmax regression on three classes");
    a_network_on_three_spiral_arms_matches_the_engine: "spiral_arms" => scene("A network on three spiral arms");
    five_classes_with_random_features_and_l2_match_the_engine: "five_classes" => five_classes();
}

/// The four quadrants with a fifth class drawn in the middle, on ReLU random features.
fn five_classes() -> Session {
    let mut session =
        session("dataset=quadrants4&n=200&model=random&rf=relu&k=30&opt=adam&lr=0.02&reg=l2&rate=0.001");
    session.set_classes(5).expect("four classes become five");
    for x in [[0.0, 0.0], [0.05, -0.05], [-0.05, 0.05]] {
        session.add_class_point(x, 4, false);
    }
    session.commit_points();
    assert_eq!(session.trainer.config.loss, nnplay::engine::Loss::Softmax);
    session
}

/// 30 XOR points, none held out, and three more drawn by hand.
fn drawn_points() -> Session {
    let mut session = session("dataset=xor&n=30&split=0&model=mlp&layers=4&act=tanh&batch=8&lr=0.1");
    for (i, x) in [[0.5, 0.5], [-0.4, 0.6], [0.1, -0.9]].into_iter().enumerate() {
        session.add_point(x, if i % 2 == 0 { 1.0 } else { -1.0 }, false);
    }
    session.commit_points();
    assert_eq!(session.trainer.train_count(), 33);
    session
}

/// The notebook's code cells, run in order as one script, print what the script prints (its
/// last cell reports that PyTorch is missing, or trains the same model in PyTorch).
#[test]
#[ignore = "needs python3 with NumPy (bash scripts/setup.sh --tests); scripts/test.sh runs it"]
fn the_notebooks_cells_run_and_print_the_scripts_result() {
    let run = ExportRun::from_session(&scene("Learned features"), STEPS).unwrap();
    let notebook: serde_json::Value = serde_json::from_str(&run.notebook()).unwrap();
    let code: String = notebook["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|cell| cell["cell_type"] == "code")
        .map(|cell| {
            let lines: Vec<&str> = cell["source"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect();
            lines.concat() + "\n"
        })
        .collect();
    let from_notebook = run_python(&code, "notebook_cells");
    let from_script = run_python(&run.python_script(), "notebook_script");
    let last = |out: &str| final_training_loss(out);
    assert_eq!(last(&from_notebook), last(&from_script));
    let torch_line = from_notebook.lines().last().unwrap_or_default();
    if let Some(rest) = torch_line.strip_prefix("PyTorch, after 200 steps: training loss ") {
        let torch: f64 = rest.trim().parse().unwrap();
        let gap = relative_gap(torch, last(&from_script));
        eprintln!("PyTorch against NumPy: relative gap {gap:.1e}");
        assert!(gap <= TOLERANCE, "PyTorch {torch}, NumPy {}", last(&from_script));
    } else {
        assert!(torch_line.contains("PyTorch is not installed"), "{from_notebook}");
    }
}
