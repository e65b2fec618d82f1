//! Compare mode's second run: its settings (a [`RunSettings`], the model and how it trains, as
//! the first run's [`Settings::run`]), its one-line description, and its encoding in the link.
//!
//! Both runs share the points, the seed (so the same minibatch order) and the display; the
//! second run may differ in everything else a [`RunSettings`] holds. In the link it is the
//! `cmp` key, listing only what differs from the first run as `key:value` pairs joined by `;`,
//! with the keys and values of the main hash: `cmp=act:relu` races the same network with ReLU,
//! `cmp=k:500;lr:0.01` the same random features with k = 500 at another learning rate, and
//! `cmp=` an identical copy.

use crate::engine::OptimizerKind;
use crate::page::settings::{ModelFamily, Regularization, RunSettings, Settings};

/// The hash keys of the settings a [`RunSettings`] holds: the keys `cmp` may list.
pub const RUN_KEYS: [&str; 12] = [
    "model", "features", "rf", "k", "rfscale", "layers", "act", "lr", "batch", "opt", "reg", "rate",
];

impl Settings {
    /// These settings with `run`'s model and training settings instead of their own.
    pub fn with_run(&self, run: &RunSettings) -> Settings {
        Settings {
            run: run.clone(),
            ..self.clone()
        }
    }

    /// The full settings of compare mode's second run, if there is one: these settings with its
    /// model and training settings, no comparison of its own, and no step named: the first run
    /// names the step both show (the second, given one, would start over to train there).
    pub fn compared(&self) -> Option<Settings> {
        self.compare.as_ref().map(|run| Settings {
            compare: None,
            at: None,
            ..self.with_run(run)
        })
    }
}

impl RunSettings {
    /// The run in one line for the page, e.g. "Network 8,8 tanh, SGD η = 0.03"; a penalty and a
    /// batch size other than 10 are added when set.
    pub fn describe(&self) -> String {
        let model = match self.model {
            ModelFamily::Linear => "Linear model".to_string(),
            ModelFamily::Features => {
                let formulas: Vec<&str> = self.features.iter().map(|f| f.formula()).collect();
                match formulas.is_empty() {
                    true => "No features".to_string(),
                    false => format!("Features {}", formulas.join(", ")),
                }
            }
            ModelFamily::Random => format!(
                "Random features k = {} {}, scale {}",
                self.k, self.rf_activation, self.rf_scale
            ),
            ModelFamily::Mlp if self.layers.is_empty() => "Network without hidden layers".to_string(),
            ModelFamily::Mlp => {
                let widths: Vec<String> = self.layers.iter().map(usize::to_string).collect();
                format!("Network {} {}", widths.join(","), self.activation)
            }
        };
        let rule = match self.optimizer {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Adam => "Adam",
        };
        let mut line = format!("{model}, {rule} η = {}", self.learning_rate);
        if self.regularization != Regularization::None {
            line += &format!(", {} λ = {}", self.regularization.label(), self.reg_rate);
        }
        if self.batch_size != Settings::default().run.batch_size {
            line += &format!(", batch {}", self.batch_size);
        }
        line
    }
}

/// The `key=value` pairs of `run` in the main hash's encoding, for [`RUN_KEYS`] only.
fn run_pairs(run: &RunSettings) -> Vec<(String, String)> {
    Settings::default()
        .with_run(run)
        .to_hash()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| RUN_KEYS.contains(key))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// The value of the `cmp` key for comparing `primary` with `run`: the settings in which `run`
/// differs, as `key:value` pairs joined by `;` (empty when the runs are the same).
pub fn encode(primary: &Settings, run: &RunSettings) -> String {
    let ours = run_pairs(&primary.run);
    run_pairs(run)
        .into_iter()
        .filter(|pair| !ours.contains(pair))
        .map(|(key, value)| format!("{key}:{value}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Reads the value of the `cmp` key against `primary`, which gives every setting the value
/// does not list. Never fails: a pair that is malformed, names another key or holds a value
/// the main hash would refuse is skipped with a notice, and the run keeps `primary`'s setting.
pub fn decode(primary: &Settings, text: &str) -> (RunSettings, Vec<String>) {
    let mut hash: Vec<String> = run_pairs(&primary.run)
        .into_iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    let mut notices = Vec::new();
    let mut skip = |item: &str, why: &str| {
        notices.push(format!(
            "In the comparison: Ignored {}: {why}.",
            crate::page::settings::shorten(item)
        ));
    };
    for item in text.split(';').filter(|item| !item.is_empty()) {
        match item.split_once(':') {
            None => skip(item, "not key:value"),
            Some((key, _)) if !RUN_KEYS.contains(&key) => skip(item, "not a model or training setting"),
            // The value is read by the main hash's parser, so it must not break out of its pair.
            Some((_, value)) if value.contains(['&', '=', '%', '+', '#']) => skip(item, "not a valid value"),
            Some((key, value)) => hash.push(format!("{key}={value}")),
        }
    }
    let (parsed, refused) = Settings::from_hash(&hash.join("&"));
    notices.extend(refused.into_iter().map(|n| format!("In the comparison: {n}")));
    (parsed.run.clone(), notices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Activation, HandFeature};
    use crate::page::scenes::SCENES;

    /// The two comparisons the lecture wants open with their scenes: the deep sigmoid network
    /// against ReLU, and five random features against five hundred; each side describes
    /// itself in a line.
    #[test]
    fn the_lectures_comparisons_open_with_their_scenes() {
        let deep = SCENES.iter().find(|s| s.hash.contains("act=sigmoid")).unwrap();
        let settings = deep.settings();
        let other = settings.compared().unwrap();
        assert_eq!(other.run.activation, Activation::Relu);
        assert_eq!(other.run.layers, settings.run.layers);
        let (ours, theirs) = (settings.run.clone().describe(), other.run.clone().describe());
        assert_eq!(ours.replace("sigmoid", "relu"), theirs);
        assert!(
            ours.starts_with("Network ") && ours.contains(" sigmoid, "),
            "{ours}"
        );
        assert!(deep.hash.ends_with("&cmp=act:relu"), "{}", deep.hash);

        let few = SCENES.iter().find(|s| s.hash.contains("k=5&")).unwrap();
        let settings = few.settings();
        let many = settings.compared().unwrap();
        assert_eq!((many.run.k, many.run.learning_rate), (500, 0.01));
        assert_eq!(
            many.run.clone().describe(),
            "Random features k = 500 sign, scale 1, Adam η = 0.01"
        );
        assert!(
            settings.to_hash().ends_with("&cmp=k:500;lr:0.01"),
            "{}",
            settings.to_hash()
        );
    }

    #[test]
    fn descriptions_name_the_model_and_its_training() {
        let mut s = Settings::default();
        assert_eq!(s.run.clone().describe(), "Network 8,8 tanh, SGD η = 0.03");
        s.run.model = ModelFamily::Features;
        s.run.features = vec![HandFeature::X1, HandFeature::X1X2];
        s.run.regularization = Regularization::L2;
        s.run.batch_size = 25;
        s.run.optimizer = OptimizerKind::Momentum;
        assert_eq!(
            s.run.clone().describe(),
            "Features x₁, x₁·x₂, momentum η = 0.03, L2 λ = 0.001, batch 25"
        );
        s.run.model = ModelFamily::Linear;
        assert!(s.run.clone().describe().starts_with("Linear model, "));
    }

    /// Only what differs is written, whichever side the defaults are on; a link without `cmp`
    /// has no second run, and `cmp=` races an identical copy.
    #[test]
    fn the_link_lists_only_what_differs() {
        let mut primary = Settings::default();
        (primary.run.layers, primary.run.learning_rate) = (vec![4], 0.3);
        let run = RunSettings {
            layers: vec![8, 8],
            ..primary.run.clone()
        };
        assert_eq!(encode(&primary, &run), "layers:8,8");
        assert_eq!(encode(&primary, &primary.run), "");
        let (s, notices) = Settings::from_hash("layers=4&lr=0.3");
        assert!(notices.is_empty() && s.compare.is_none());
        assert!(!s.to_hash().contains("cmp"));
        let (s, notices) = Settings::from_hash("layers=4&lr=0.3&cmp=");
        assert!(notices.is_empty());
        assert_eq!(s.compare, Some(s.run.clone()));
    }

    /// Bad pairs are skipped one by one with a notice each, and the rest still apply.
    #[test]
    fn malformed_comparisons_fall_back_with_a_notice_each() {
        let (s, notices) = Settings::from_hash(
            "layers=4&cmp=act:cos;seed:5;layers;lr:1e9;k:abc;layers:8,8;act:relu%26seed%3D3;opt:adam",
        );
        assert_eq!(notices.len(), 6, "{notices:#?}");
        assert!(notices.iter().all(|n| n.starts_with("In the comparison: ")));
        assert!(notices.iter().any(|n| n.contains("act=cos")), "{notices:#?}");
        assert!(
            notices.iter().any(|n| n.contains("seed:5: not a model")),
            "{notices:#?}"
        );
        let run = s.compare.unwrap();
        assert_eq!(run.layers, vec![8, 8]);
        assert_eq!(run.optimizer, OptimizerKind::Adam);
        assert_eq!(run.activation, s.run.activation);
        assert_eq!(run.learning_rate, s.run.learning_rate);
        assert_eq!(s.seed, 1, "the comparison cannot reach the first run's settings");
    }

    fn bits(model: &crate::engine::Model) -> Vec<u32> {
        (model.layers.iter())
            .flat_map(|l| l.weights.iter().chain(&l.bias))
            .map(|v| v.to_bits())
            .collect()
    }

    /// The second run is exactly the run its settings give alone, step for step: the same
    /// weights to the bit, the same minibatches and the same metrics, through paced frames of
    /// every kind and an edit of the points; its timeline records the same steps as the first
    /// run's.
    #[test]
    fn the_second_run_equals_a_solo_run_with_its_settings() {
        use crate::page::pace::Pace;
        use crate::page::session::Session;
        let (settings, notices) = Settings::from_hash(
            "dataset=spiral&n=160&layers=8,8,8&act=sigmoid&lr=0.1&play=1&cmp=act:relu;batch:7;opt:adam;lr:0.01;layers:16,8",
        );
        assert!(notices.is_empty(), "{notices:?}");
        let mut race = Session::new(settings.clone());
        let mut solo = Session::new(settings.compared().unwrap());
        let mut first = Session::new(Settings {
            compare: None,
            ..settings.clone()
        });
        let paces = [Pace::PerSecond(600.0), Pace::Max, Pace::PerSecond(60.0)];
        for (frame, pace) in paces.into_iter().cycle().take(30).enumerate() {
            race.change(|s| s.pace = pace);
            // A 60 Hz display on a machine where each reading of the clock costs 0.3 ms.
            let start = frame as f64 * 1000.0 / 60.0;
            let clock = std::cell::Cell::new(start);
            let tick = || {
                clock.set(clock.get() + 0.3);
                clock.get()
            };
            let turns = race.run_frame(start + 5.0, &tick).steps;
            for _ in 0..turns {
                solo.trainer.step();
                first.trainer.step();
            }
            if frame == 12 {
                race.add_point([0.25, -0.5], 1.0, false);
                solo.add_point([0.25, -0.5], 1.0, false);
                first.add_point([0.25, -0.5], 1.0, false);
            }
        }
        race.refresh_metrics();
        solo.refresh_metrics();
        first.refresh_metrics();
        let other = race.compare().unwrap();
        assert!(other.trainer.steps() > 100, "{}", other.trainer.steps());
        assert_eq!(other.trainer.steps(), solo.trainer.steps());
        assert_eq!(other.trainer.epochs(), solo.trainer.epochs());
        assert_eq!(bits(&other.trainer.model), bits(&solo.trainer.model));
        assert_eq!(other.metrics, solo.metrics);
        assert_eq!(other.data, race.data);
        // The first run is untouched by the race.
        assert_eq!(bits(&race.trainer.model), bits(&first.trainer.model));
        let steps = |s: &Session| s.timeline.snapshots().iter().map(|s| s.step).collect::<Vec<_>>();
        assert_eq!(steps(&race), steps(other));
    }

    /// A second run that overflows sits its turns out while the first trains on; when the
    /// first overflows, the frame ends there and training pauses, so neither run steps past it.
    #[test]
    fn a_run_that_overflows_sits_out_or_stops_the_race() {
        use crate::page::pace::StopReason;
        use crate::page::session::Session;
        use crate::page::simulate::play;
        let wild = "dataset=bumps&layers=8,8,8,8,8,8&act=sigmoid&opt=sgd&pace=max";
        let (settings, notices) = Settings::from_hash(&format!("{wild}&lr=0.01&cmp=lr:10"));
        assert!(notices.is_empty(), "{notices:?}");
        let mut race = Session::new(settings);
        play(&mut race, 1.0, |_, _| false);
        let other = race.compare().unwrap();
        assert!(other.trainer.diverged());
        assert!(other.trainer.steps() < race.trainer.steps());
        assert_eq!(race.stop_reason(), None);
        assert!(race.settings.play);

        let (settings, _) = Settings::from_hash(&format!("{wild}&lr=10&cmp=lr:0.01"));
        let mut race = Session::new(settings);
        play(&mut race, 5.0, |_, _| false);
        assert_eq!(race.stop_reason(), Some(StopReason::Diverged));
        assert!(!race.compare().unwrap().trainer.diverged());
        // The step that overflowed was undone; the second run took every step the first took.
        assert_eq!(race.compare().unwrap().trainer.steps(), race.trainer.steps());
    }

    /// A link with `cmp` opens racing; changing the second run's learning rate keeps both
    /// training, changing its model restarts both, and clearing `cmp` ends the race.
    #[test]
    fn the_race_starts_restarts_and_ends_with_the_settings() {
        use crate::page::session::Session;
        // A large second model keeps fewer snapshots; both timelines then keep as many, so
        // they record the same steps.
        let (settings, _) = Settings::from_hash("layers=4&cmp=layers:256,256,256");
        let race = Session::new(settings);
        let other = race.compare().unwrap();
        assert!(other.timeline.plan().snapshots() < crate::engine::MAX_SNAPSHOTS);
        assert_eq!(
            race.timeline.plan().snapshots(),
            other.timeline.plan().snapshots()
        );
        let (settings, _) = Settings::from_hash("layers=4&cmp=layers:6");
        let mut race = Session::new(settings);
        assert_eq!(race.compare().unwrap().trainer.model.layers[0].outputs, 6);
        let steps_of = |race: &Session| (race.trainer.steps(), race.compare().unwrap().trainer.steps());
        for _ in 0..5 {
            race.step_once();
        }
        assert_eq!(steps_of(&race), (5, 5));
        let mut faster = (*race.settings).clone();
        faster.compare.as_mut().unwrap().learning_rate = 0.5;
        race.apply(faster);
        assert_eq!(steps_of(&race), (5, 5));
        assert_eq!(
            race.compare().unwrap().trainer.config.optimizer.learning_rate,
            0.5
        );
        let mut wider = (*race.settings).clone();
        wider.compare.as_mut().unwrap().layers = vec![9];
        race.apply(wider);
        assert_eq!(steps_of(&race), (0, 0));
        race.step_once();
        let mut slower = (*race.settings).clone();
        slower.run.learning_rate = 0.01;
        race.apply(slower);
        assert_eq!(
            steps_of(&race),
            (1, 1),
            "the first run's learning rate restarts nothing"
        );
        race.change(|s| s.compare = None);
        assert!(race.compare().is_none());
        assert_eq!(race.trainer.steps(), 1);
        // Starting a race mid-run starts both runs from the beginning.
        race.change(|s| s.compare = Some(s.run.clone()));
        assert_eq!(steps_of(&race), (0, 0));
        assert_eq!(race.trainer.model, race.compare().unwrap().trainer.model);
    }

    /// Property tests (host only: proptest is not built for wasm).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::test_runner::{Config, RngSeed};

        /// Settings for both runs drawn from values the link writes exactly.
        fn run_settings() -> impl Strategy<Value = RunSettings> {
            let model = prop::sample::select(ModelFamily::ALL.to_vec());
            let features = prop::sample::subsequence(HandFeature::ALL.to_vec(), 0..=8);
            let rf = prop::sample::select(crate::page::settings::RANDOM_ACTIVATIONS.to_vec());
            let act = prop::sample::select(crate::page::settings::HIDDEN_ACTIVATIONS.to_vec());
            let layers = prop::collection::vec(1usize..=256, 0..=8);
            let number = |values: &'static [f32]| prop::sample::select(values.to_vec());
            (
                (
                    model,
                    features,
                    rf,
                    1usize..=2000,
                    number(&[0.1, 0.5, 1.0, 2.5, 20.0]),
                ),
                (
                    layers,
                    act,
                    number(&[1e-5, 0.003, 0.03, 0.1, 10.0]),
                    1usize..=1000,
                ),
                (
                    prop::sample::select(OptimizerKind::ALL.to_vec()),
                    prop::sample::select(Regularization::ALL.to_vec()),
                    number(&[0.0, 1e-4, 0.001, 0.5]),
                ),
            )
                .prop_map(
                    |(
                        (model, features, rf_activation, k, rf_scale),
                        (layers, activation, lr, batch),
                        (optimizer, regularization, reg_rate),
                    )| {
                        RunSettings {
                            model,
                            features,
                            rf_activation,
                            k,
                            rf_scale,
                            layers,
                            activation,
                            learning_rate: lr,
                            batch_size: batch,
                            optimizer,
                            regularization,
                            reg_rate,
                        }
                    },
                )
        }

        fn config(cases: u32) -> Config {
            Config {
                cases: std::env::var("PROPTEST_CASES")
                    .ok()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(cases),
                rng_seed: RngSeed::Fixed(0x636d_7031),
                failure_persistence: None,
                ..Config::default()
            }
        }

        proptest! {
            #![proptest_config(config(500))]

            /// Any two runs survive the link: the first run's settings and the second's.
            #[test]
            fn comparisons_round_trip_through_the_link(first in run_settings(), second in run_settings()) {
                let settings = Settings { compare: Some(second), ..Settings::default().with_run(&first) };
                let (back, notices) = Settings::from_hash(&settings.to_hash());
                prop_assert!(notices.is_empty(), "{:?}", notices);
                prop_assert_eq!(back, settings);
            }

            /// Any text in `cmp` (percent-encoded in the link, so it arrives whole) gives
            /// usable settings and never touches the first run.
            #[test]
            fn any_comparison_text_gives_usable_settings(text in "[a-z0-9:;,.%&=+#é -]{0,60}") {
                let escaped: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
                let (s, _) = Settings::from_hash(&format!("layers=3&lr=0.2&cmp={escaped}"));
                prop_assert_eq!(s.run.layers.clone(), vec![3]);
                prop_assert_eq!(s.run.learning_rate, 0.2);
                let other = s.compared().unwrap();
                prop_assert!(other.run.learning_rate.is_finite() && other.run.layers.len() <= 8);
                let _ = other.model_spec();
            }

            /// Pairs built from the real keys and arbitrary values never panic, and each one
            /// either applies or leaves one notice.
            #[test]
            fn each_pair_applies_or_is_explained(
                pairs in prop::collection::vec((prop::sample::select(RUN_KEYS.to_vec()), "[a-z0-9,.e-]{0,8}"), 0..6)
            ) {
                let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                let primary = Settings::default();
                let (run, notices) = decode(&primary, &text.join(";"));
                prop_assert!(notices.len() <= pairs.len());
                let (again, notices) = decode(&primary, &encode(&primary, &run));
                prop_assert!(notices.is_empty(), "{:?}", notices);
                prop_assert_eq!(again, run);
            }
        }
    }
}
