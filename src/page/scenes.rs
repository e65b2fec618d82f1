//! Built-in scenes: the lecture's arc as a sequence of ready-made settings, each with a short
//! caption for the audience. A scene is just a URL hash, so every scene is also a link.

use crate::page::settings::Settings;

/// One step of the lecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scene {
    /// A short title.
    pub title: &'static str,
    /// One paragraph for the audience.
    pub caption: &'static str,
    /// The settings, as a URL hash.
    pub hash: &'static str,
}

impl Scene {
    /// The scene's settings (scenes are written to parse without notices).
    pub fn settings(&self) -> Settings {
        Settings::from_hash(self.hash).0
    }
}

/// The settings of scene `index` (remembering which scene they came from), if there is one.
pub fn scene_settings(index: usize) -> Option<Settings> {
    SCENES.get(index).map(|scene| Settings {
        scene: Some(index),
        ..scene.settings()
    })
}

/// The settings a link describes: [`Settings::from_hash`], except that a link naming a scene
/// starts from that scene's settings (its data, model and caption), and its other keys change
/// them: `#scene=5` opens scene 5, `#scene=5&embed=1` puts it in a slide, `#scene=5&play=1`
/// opens it training. A link the page wrote holds every key, so it opens as it was written.
/// A key named more than once is said to be (the last usable value counts).
pub fn settings_from_link(hash: &str) -> (Settings, Vec<String>) {
    let (settings, mut notices) = Settings::from_hash(hash);
    let keys: Vec<&str> = (hash.trim_start_matches('#').split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].contains(key) && !keys[i + 1..].contains(key) {
            notices.push(format!(
                "The link names {key} more than once; the last usable one counts."
            ));
        }
    }
    match settings.scene.and_then(|index| SCENES.get(index)) {
        Some(scene) => {
            let link = hash.trim_start_matches('#');
            let (on_the_scene, _) = Settings::from_hash(&format!("{}&{link}", scene.hash));
            (on_the_scene, notices)
        }
        None => (settings, notices),
    }
}

/// The scenes, in the lecture's order.
pub const SCENES: &[Scene; super::limits::SCENES] = &[
    Scene {
        title: "Linear regression",
        caption: "Each point has a real value (its colour). A linear model f(x) = w₁x₁ + w₂x₂ + b is fitted by \
                  stochastic gradient descent on the squared loss. Its random starting weights fit badly; on data \
                  that really is a tilted plane, training soon gets the fit almost exactly right.",
        hash: "dataset=plane&n=120&noise=0.1&model=linear&lr=0.1&opt=sgd&batch=10&seed=2&dseed=1&pace=10",
    },
    Scene {
        title: "Logistic regression",
        caption: "Two classes that a straight line can separate. The model is still linear; the logistic loss \
                  −log σ(y·f(x)) turns its score into a probability, shown as the colour depth, and the dark line \
                  is where that probability is one half.",
        hash: "dataset=gauss&n=200&noise=0.1&model=linear&lr=0.1&opt=sgd&pace=50",
    },
    Scene {
        title: "XOR defeats a linear model",
        caption: "Opposite quadrants share a class. No straight line separates them, so however long we train, \
                  the linear model stays near chance. Press play and watch the test accuracy stall.",
        hash: "dataset=xor&n=200&model=linear&lr=0.1&opt=sgd&pace=200",
    },
    Scene {
        title: "A hand-made feature fixes it",
        caption: "Add the feature φ(x) = x₁·x₂: its sign is the class. The model is still linear — but in the \
                  features, not in x — and the problem becomes easy. The catch: someone had to think of x₁·x₂.",
        hash: "dataset=xor&n=200&model=features&features=x1,x2,x1x2&lr=0.3&opt=sgd&pace=50",
    },
    Scene {
        title: "The ring and |x₁² + x₂² − 0.6|",
        caption: "The class depends on the distance from a circle. The single feature |x₁² + x₂² − 0.6| makes it \
                  a threshold problem. Try unticking it and ticking x₁² and x₂² instead: a threshold on those \
                  is a single ellipse, and no ellipse cuts out a band. Training finds nothing better than calling \
                  almost every point the more common class, so the accuracy stalls near 70%, often with no \
                  boundary on the plot at all.",
        hash: "dataset=ring&n=300&model=features&features=ring&lr=1&opt=sgd&pace=100",
    },
    Scene {
        title: "Random features, few",
        caption: "No thinking about features: draw k random lines φ(x) = sign(Mx + b), freeze them, train only \
                  the last layer. Left, k = 5: five random cuts are too crude for the circle and stay under 80% \
                  test accuracy. Right, k = 500, with a smaller η for the larger sum: the same recipe gets 95% \
                  right within three seconds.",
        hash: "dataset=circle&n=300&model=random&rf=sign&k=5&lr=0.03&opt=adam&pace=100&cmp=k:500;lr:0.01",
    },
    Scene {
        title: "Random features, many",
        caption: "With k = 500 random features the same recipe fits the circle well. As k grows, training only \
                  the last layer behaves more and more like a kernel method. Drag the k slider to see the change.",
        hash: "dataset=circle&n=300&model=random&rf=sign&k=500&lr=0.01&opt=adam&pace=100",
    },
    Scene {
        title: "Random features approach a kernel",
        caption: "The sweep beside the plot (Labs view) fits the last layer exactly for k = 1 to 2000 random ReLU features and plots \
                  the test error against k. A handful of features underfit; as k grows the error settles on the \
                  dashed line, kernel ridge regression with the kernel these features average to. Press Show \
                  on a row to put those k features on the plot, with their lines Mx + b = 0.",
        hash: "dataset=bumps&n=300&noise=0.1&split=0.5&model=random&rf=relu&k=20&rfscale=2&lines=1&lab=sweep&ridge=0.001&pace=200",
    },
    Scene {
        title: "Learned features",
        caption: "A two-layer network σ(M₂ σ(M₁x + b₁) + b₂) learns its features too. Hover over a hidden unit \
                  in the network diagram beside the plot to see the feature it has learned; together they carve out XOR.",
        hash: "dataset=xor&n=200&model=mlp&layers=6&act=tanh&lr=0.1&opt=sgd&pace=500",
    },
    Scene {
        title: "Deeper networks and their gradients",
        caption: "Left: four sigmoid layers on the spirals, plain SGD. Backpropagation multiplies by σ′ ≤ ¼ per \
                  layer, so the early layers' gradients (Gradients view) are often hundreds of times smaller than \
                  the last's: they barely move, and for thousands of steps the loss sits at ln 2. Right: with \
                  ReLU, 95% of test points right in three seconds.",
        hash: "dataset=spiral&n=400&model=mlp&layers=16,16,16,16&act=sigmoid&lr=0.1&opt=sgd&pace=2000&panel=gradients&cmp=act:relu",
    },
    Scene {
        title: "The last layer is a linear model",
        caption: "This network's last hidden layer has just two units, so every point can be drawn at its two \
                  feature values (the Labs view beside the plot). Press play: the learned features pull the classes apart until the \
                  last layer — a plain linear model — separates them with one straight line.",
        hash: "dataset=xor&n=200&model=mlp&layers=8,2&act=tanh&lr=0.03&opt=adam&pace=50&lab=space&view=u1.2",
    },
    Scene {
        title: "Pretrain, then fine-tune on a few labels",
        caption: "The network first learns XOR from 400 points. The target task swaps the classes and gives only \
                  8 labels. Frozen pretrained features need only a new last layer and score far better than a \
                  network trained from scratch on the 8 points. Drag the shift to stretch the test points \
                  and see how each holds up.",
        hash: "dataset=xor&n=400&split=0.2&model=mlp&layers=8,8&act=tanh&lab=transfer&target=xor&swap=1&labels=8&shift=scale&pace=500",
    },
    Scene {
        title: "Softmax regression on three classes",
        caption: "Three clouds of points, one per class. The linear model now gives every class its own score \
                  fₖ(x) = wₖ·x + bₖ, and softmax turns the three scores into probabilities that add up to one; \
                  the loss is −log of the right class's probability. Each dashed line is where one score is \
                  zero, its arrow pointing to higher scores; the solid lines, where two scores tie, bound the \
                  classes. In a few seconds over 95% of the test points are in their class.",
        hash: "dataset=blobs3&n=300&model=linear&lr=0.1&opt=sgd&pace=20",
    },
    Scene {
        title: "A network on three spiral arms",
        caption: "Three arms wind around the centre. Softmax regression cuts the plane into three convex \
                  regions, which cannot follow an arm: switch the model to linear and fewer than half of the \
                  test points end up in their class. Two hidden layers of 16 tanh units bend the boundaries \
                  along the arms, and within about ten seconds over 95% of the test points are right.",
        hash: "dataset=spiral3&n=600&model=mlp&layers=16,16&act=tanh&lr=0.01&opt=adam&pace=500",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The pretraining scene's shift moves the test points without changing the rule that
    /// labels them (rotating XOR by 90° would swap its classes, and every run would sink).
    #[test]
    fn the_pretraining_scene_shifts_its_test_points_without_changing_their_rule() {
        use crate::engine::labs::transfer::{preset_target, Shift, TargetSource};
        use crate::engine::Preset;
        let scene = SCENES
            .iter()
            .find(|s| s.settings().lab == Some(crate::page::settings::Lab::Transfer));
        let s = scene.expect("a pretraining scene").settings();
        assert_eq!(s.target, TargetSource::Preset(Preset::Xor));
        let target = preset_target(Preset::Xor, s.target_labels, s.target_swap, s.noise, 7);
        let rule = |x: [f32; 2]| x[0] * x[1] > 0.0;
        for amount in [0.5, 1.0] {
            let shift = Shift { amount, ..s.shift };
            let tests: Vec<_> = target.points.iter().filter(|p| p.test).collect();
            let changed = tests
                .iter()
                .filter(|p| rule(p.x) != rule(shift.apply(p.x)))
                .count();
            assert_eq!(
                changed,
                0,
                "{} of {} test points change class when {}",
                changed,
                tests.len(),
                shift.describe()
            );
        }
    }

    /// The README lists the scenes as the menu does: same titles, same order, and the same
    /// labs opened.
    #[test]
    fn the_readme_lists_the_scenes_in_the_menu_order() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("\n## Lecture mode\n")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("a Lecture mode section");
        let listed: Vec<(usize, &str)> = section
            .lines()
            .filter_map(|line| {
                let (number, text) = line.split_once(". ")?;
                Some((number.parse().ok()?, text.trim()))
            })
            .collect();
        let expected: Vec<(usize, String)> = SCENES
            .iter()
            .enumerate()
            .map(|(i, scene)| {
                let lab = scene.settings().lab;
                let opens = lab.map_or(String::new(), |lab| format!(" — opens the lab *{}*", lab.label()));
                (i + 1, format!("{}{opens}", scene.title))
            })
            .collect();
        let listed: Vec<(usize, String)> = listed.into_iter().map(|(n, t)| (n, t.to_string())).collect();
        assert_eq!(listed, expected);
    }

    /// A key named twice is said to be, once, and the last usable value counts; a seed out of
    /// range says what a seed may be.
    #[test]
    fn repeated_keys_and_bad_seeds_are_explained() {
        let (s, notices) = settings_from_link("#seed=1&lr=0.1&seed=7&seed=9&seed=-1");
        assert_eq!((s.seed, s.run.learning_rate), (9, 0.1));
        assert_eq!(
            notices,
            [
                "Ignored seed=-1: not a whole number from 0 to 2⁶⁴ − 1.",
                "The link names seed more than once; the last usable one counts.",
            ]
        );
    }

    /// `#scene=N` opens scene N; settings named beside it change the scene's.
    #[test]
    fn a_link_naming_a_scene_opens_it() {
        let (opened, notices) = settings_from_link("#scene=5");
        assert!(notices.is_empty());
        assert_eq!(opened, scene_settings(4).unwrap());
        assert_ne!(opened.model_spec(), Settings::default().model_spec());
        let (edited, notices) = settings_from_link("#scene=5&lr=0.5&play=1&foo=1");
        let mut expected = scene_settings(4).unwrap();
        (expected.run.learning_rate, expected.play) = (0.5, true);
        assert_eq!(
            edited, expected,
            "the scene's data and model, at η = 0.5, playing"
        );
        assert_eq!(notices.len(), 1, "foo=1 is said to be ignored: {notices:?}");
        let (bad, notices) = settings_from_link("#scene=99");
        assert_eq!(bad.scene, None);
        assert_eq!(notices.len(), 1);
        // A slide's link: the scene, inside the slide.
        let (embedded, notices) = settings_from_link("#scene=5&embed=1");
        assert!(notices.is_empty());
        assert_eq!(
            embedded,
            Settings {
                embed: true,
                ..scene_settings(4).unwrap()
            }
        );
    }

    #[test]
    fn every_scene_parses_cleanly_and_differs_from_the_others() {
        for (i, scene) in SCENES.iter().enumerate() {
            let (settings, notices) = Settings::from_hash(scene.hash);
            assert!(notices.is_empty(), "{}: {notices:?}", scene.title);
            for other in &SCENES[i + 1..] {
                assert_ne!(settings, other.settings(), "{} and {}", scene.title, other.title);
            }
        }
    }

    /// What the page shows at one readout refresh while a scene plays.
    #[derive(Clone, Debug)]
    struct Readout {
        seconds: f64,
        steps: u64,
        train: crate::engine::SplitMetrics,
        test: crate::engine::SplitMetrics,
        /// The gradient norm of each dense layer at the last step.
        norms: Vec<f64>,
        /// The same, smoothed over the readouts as the norm chart's bold lines are.
        smoothed_norms: Vec<f64>,
        /// Compare mode's second run: its step count and test metrics.
        second: Option<(u64, crate::engine::SplitMetrics)>,
    }

    /// Plays `settings` as the page does, at their pace, for `seconds` of simulated time and
    /// returns every readout.
    fn play(settings: Settings, seconds: f64) -> Vec<Readout> {
        let mut session = crate::page::session::Session::new(settings);
        let mut readouts = Vec::new();
        crate::page::simulate::play(&mut session, seconds, |s, t| {
            readouts.push(Readout {
                seconds: t,
                steps: s.trainer.steps(),
                train: s.metrics.train,
                test: s.metrics.test,
                norms: s.trainer.gradients().norms.clone(),
                smoothed_norms: crate::page::charts::smoothed_norms(
                    s.gradient_history.points(),
                    crate::page::charts::NORM_SMOOTHING_SPAN,
                )
                .last()
                .map_or(Vec::new(), |n| n.norms[..n.layers].to_vec()),
                second: s
                    .compare()
                    .map(|other| (other.trainer.steps(), other.metrics.test)),
            });
            false
        });
        assert!(!readouts.is_empty());
        readouts
    }

    /// The settings of scene `number` (counted from 1, as in the menu), with `change` made.
    fn scene(number: usize, change: impl FnOnce(&mut Settings)) -> Settings {
        let mut settings = scene_settings(number - 1).expect("a scene");
        change(&mut settings);
        settings
    }

    /// The first readout whose test score reaches `score`, if any.
    fn first_reaching(readouts: &[Readout], score: f64) -> Option<&Readout> {
        readouts.iter().find(|r| r.test.score >= score)
    }

    /// Plays `settings` for `seconds` and returns the first readout whose test score reaches
    /// `score`, failing the test when none does.
    fn reaches(settings: Settings, score: f64, seconds: f64) -> Readout {
        let readouts = play(settings, seconds);
        match first_reaching(&readouts, score) {
            Some(r) => r.clone(),
            None => panic!(
                "no test score of {score} within {seconds} s: {:?}",
                readouts.last()
            ),
        }
    }

    /// Scene 1: the random starting weights visibly miss the plane (R² under 0.5), and
    /// training fits it (R² at least 0.9) within 5 s at the scene's pace.
    #[test]
    fn scene_1_starts_unfitted_and_fits_the_plane_within_five_seconds() {
        let settings = scene(1, |_| {});
        let start = crate::page::session::Session::new(settings.clone()).metrics;
        assert!(start.test.score < 0.5, "R² {} before training", start.test.score);
        let readouts = play(settings, 5.0);
        let fitted = first_reaching(&readouts, 0.9).expect("R² 0.9 within 5 s");
        // Slow enough to watch: the fit takes a couple of seconds, not one frame.
        assert!(fitted.seconds >= 1.0, "fitted after {:.2} s", fitted.seconds);
        assert!(
            readouts.last().unwrap().test.score >= 0.97,
            "almost exactly right"
        );
    }

    /// Scene 2: a straight line separates the two Gaussians (every test point right within
    /// 3 s).
    #[test]
    fn scene_2_separates_the_gaussians_with_a_line() {
        reaches(scene(2, |_| {}), 1.0, 3.0);
    }

    /// Scene 3: however long it trains, the linear model does no better than chance on XOR,
    /// and after the first couple of seconds its test accuracy stalls around one half.
    #[test]
    fn scene_3_stays_near_chance_on_xor() {
        for r in play(scene(3, |_| {}), 10.0) {
            assert!(r.test.score <= 0.6, "{r:?}");
            if r.seconds >= 2.0 {
                assert!((0.45..=0.55).contains(&r.test.score), "{r:?}");
            }
        }
    }

    /// Scene 4: with x₁·x₂ among the features, XOR becomes easy (95% within 3 s).
    #[test]
    fn scene_4_a_product_feature_makes_xor_easy() {
        reaches(scene(4, |_| {}), 0.95, 3.0);
    }

    /// Scene 5: the ring feature fits the ring; x₁² and x₂² instead stall near 70%, as the
    /// caption says.
    #[test]
    fn scene_5_the_ring_feature_fits_and_squares_alone_stall() {
        reaches(scene(5, |_| {}), 0.95, 5.0);
        let squares = scene(5, |s| {
            s.run.features = vec![
                crate::engine::HandFeature::X1Squared,
                crate::engine::HandFeature::X2Squared,
            ]
        });
        for r in play(squares, 10.0).iter().skip(5) {
            assert!((0.65..=0.75).contains(&r.test.score), "{r:?}");
        }
    }

    /// The first readout whose second run's test score reaches `score`, if any; the second
    /// run has taken every step the first has.
    fn second_reaching(readouts: &[Readout], score: f64) -> Option<&Readout> {
        for r in readouts {
            let (steps, _) = r.second.expect("a scene in compare mode");
            assert_eq!(steps, r.steps, "{r:?}");
        }
        readouts
            .iter()
            .find(|r| r.second.is_some_and(|(_, test)| test.score >= score))
    }

    /// Scenes 6 and 7: five random cuts stay crude on the circle (at most 80% of the test
    /// points), while in the same race five hundred fit it (95% within 3 s), as they do alone
    /// in scene 7.
    #[test]
    fn scenes_6_and_7_few_random_features_are_crude_and_many_fit() {
        let race = scene(6, |_| {});
        let many = race.compared().expect("scene 6 compares");
        assert_eq!((race.run.k, many.run.k), (5, 500));
        let readouts = play(race, 10.0);
        for r in &readouts {
            assert!(r.test.score <= 0.8, "{r:?}");
        }
        let fitted = second_reaching(&readouts, 0.95).expect("k = 500 reaches 95%");
        assert!(fitted.seconds <= 3.0, "{fitted:?}");
        reaches(scene(7, |_| {}), 0.95, 3.0);
    }

    /// Scene 8: in the sweep, a handful of features underfit (their test error at least three
    /// times kernel ridge's) and at k = 2000 the error settles within 10% of the kernel's.
    #[test]
    fn scene_8_the_sweep_settles_on_the_kernel() {
        use crate::engine::labs::sweep::{Sweep, SweepSpec};
        let settings = scene(8, |_| {});
        let session = crate::page::session::Session::new(settings.clone());
        let spec = SweepSpec {
            activation: settings.run.rf_activation,
            scale: settings.run.rf_scale,
            lambda: settings.sweep_lambda,
            seed: settings.seed,
        };
        let mut sweep = Sweep::new(spec, &session.data).expect("the scene's points sweep");
        while !sweep.is_done() {
            sweep.advance();
        }
        let kernel = sweep.kernel_result().expect("ReLU has a kernel").test_error;
        let rows = sweep.rows();
        for few in &rows[..2] {
            assert!(
                few.test_error >= 3.0 * kernel,
                "k = {}: {} vs {kernel}",
                few.k,
                few.test_error
            );
        }
        let many = rows.last().unwrap();
        assert_eq!(many.k, 2000);
        assert!(
            (many.test_error - kernel).abs() <= 0.1 * kernel,
            "{} vs {kernel}",
            many.test_error
        );
    }

    /// Scene 9: one hidden layer of six learned features carves out XOR (95% within 5 s).
    #[test]
    fn scene_9_learned_features_carve_out_xor() {
        reaches(scene(9, |_| {}), 0.95, 5.0);
    }

    /// Scene 10: for 3 s after Play the first hidden layer's gradient norm stays under a tenth
    /// of the output layer's at every readout (and, smoothed as the chart draws it, hundreds
    /// of times smaller, as the caption says), the loss sits on its plateau and the test
    /// accuracy at or under 75%; the ReLU network racing it fits the spirals (95%) within 3 s.
    #[test]
    fn scene_10_deep_sigmoid_layers_barely_learn_and_relu_fits() {
        let readouts = play(scene(10, |_| {}), 3.0);
        // The plateau: the logistic loss of a model that says "either class, equally likely".
        let plateau = std::f64::consts::LN_2;
        for r in &readouts {
            let (first, last) = (r.norms[0], *r.norms.last().unwrap());
            assert!(first < 0.1 * last, "{r:?}: {first:e} vs {last:e}");
            let (first, last) = (r.smoothed_norms[0], *r.smoothed_norms.last().unwrap());
            assert!(first < 0.01 * last, "{r:?}: smoothed {first:e} vs {last:e}");
            assert!((r.train.loss - plateau).abs() < 0.03, "{r:?}: the loss left ln 2");
        }
        let end = readouts.last().unwrap();
        assert!(end.seconds >= 3.0 && end.test.score <= 0.75, "{end:?}");
        assert!(
            end.steps >= 5000,
            "{} steps: the pace must show many steps",
            end.steps
        );
        let relu = scene(10, |_| {}).compared().expect("scene 10 compares");
        assert_eq!(relu.run.activation, crate::engine::Activation::Relu);
        let fitted = second_reaching(&readouts, 0.95).expect("ReLU fits the spirals");
        assert!(fitted.seconds <= 3.0, "{fitted:?}");
    }

    /// Scene 11: the learned two-unit features pull the classes apart until the last layer's
    /// line separates every training point (within 5 s, slowly enough to watch).
    #[test]
    fn scene_11_the_last_layer_separates_the_learned_features() {
        let readouts = play(scene(11, |_| {}), 5.0);
        let separated = readouts.iter().find(|r| r.train.score == 1.0).expect("separated");
        assert!(separated.seconds >= 0.5, "{separated:?}: too fast to watch");
    }

    /// Scene 12: frozen pretrained features with a new last layer score far better on the
    /// swapped target than a network trained from scratch on its 8 labels, before and after
    /// the test points are stretched.
    #[test]
    fn scene_12_frozen_pretrained_features_beat_training_from_scratch() {
        use crate::engine::labs::transfer::{preset_target, Shift, Strategy, TargetSource, TransferLab};
        let settings = scene(12, |_| {});
        let session = crate::page::session::Session::new(settings.clone());
        let mut lab = TransferLab::new(settings.model_spec(), &session.data, settings.seed).unwrap();
        while !lab.is_pretrained() {
            lab.advance(500);
        }
        let TargetSource::Preset(preset) = settings.target else {
            panic!("the scene's target is a preset");
        };
        let target = preset_target(
            preset,
            settings.target_labels,
            settings.target_swap,
            settings.noise,
            settings.data_seed.wrapping_add(1),
        );
        lab.fine_tune(target).unwrap();
        while lab.is_busy() {
            lab.advance(500);
        }
        for amount in [0.0, 0.5, 1.0] {
            let results = lab.results(Shift {
                amount,
                ..settings.shift
            });
            let score = |s: Strategy| results.iter().find(|r| r.strategy == s).unwrap().shifted.score;
            let (frozen, scratch) = (score(Strategy::Frozen), score(Strategy::Scratch));
            assert!(
                frozen >= scratch + 0.15,
                "shift {amount}: frozen {frozen}, scratch {scratch}"
            );
        }
    }

    /// Scene 13: softmax regression, one score per class, puts over 95% of the three blobs'
    /// test points in their class within 5 s (slowly enough to watch the lines move).
    #[test]
    fn scene_13_softmax_regression_separates_three_blobs() {
        let settings = scene(13, |_| {});
        assert_eq!(settings.classes(), 3);
        assert_eq!(settings.model_spec().outputs, 3);
        let reached = reaches(settings, 0.95, 5.0);
        assert!(reached.seconds >= 0.5, "{reached:?}: too fast to watch");
    }

    /// Scene 14: the network gets over 95% of the three-arm spiral's test points right within
    /// 10 s; a linear model leaves more than half of them in the wrong class however long it
    /// trains.
    #[test]
    fn scene_14_a_network_follows_the_spiral_arms_and_a_linear_model_cannot() {
        reaches(scene(14, |_| {}), 0.95, 10.0);
        let linear = scene(14, |s| s.run.model = crate::page::settings::ModelFamily::Linear);
        for r in play(linear, 15.0) {
            assert!(r.test.score < 0.5, "{r:?}");
        }
    }

    #[test]
    fn every_scene_trains_without_diverging() {
        for scene in SCENES {
            let mut session = crate::page::session::Session::new(scene.settings());
            for _ in 0..300 {
                session.trainer.step();
            }
            // The trainer restores the last finite weights when it diverges, so finite weights
            // prove nothing: every step must have been taken, and none must have diverged.
            assert!(!session.trainer.diverged(), "{} diverged", scene.title);
            assert_eq!(session.trainer.steps(), 300, "{}", scene.title);
            session.refresh_metrics();
            assert!(session.metrics.train.loss.is_finite(), "{}", scene.title);
        }
    }
}
