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

/// The settings a link describes: [`Settings::from_hash`], except that a link naming only a
/// scene (`#scene=5`) opens that scene, with its data, model and caption.
pub fn settings_from_link(hash: &str) -> (Settings, Vec<String>) {
    let (settings, notices) = Settings::from_hash(hash);
    let only_a_scene = hash
        .trim_start_matches('#')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .all(|pair| pair.starts_with("scene="));
    match settings.scene.filter(|_| only_a_scene && notices.is_empty()) {
        Some(index) => (scene_settings(index).unwrap_or(settings), notices),
        None => (settings, notices),
    }
}

/// The scenes, in the lecture's order.
pub const SCENES: &[Scene; super::limits::SCENES] = &[
    Scene {
        title: "Linear regression",
        caption: "Each point has a real value (its colour). A linear model f(x) = w₁x₁ + w₂x₂ + b is fitted by \
                  stochastic gradient descent on the squared loss. On data that really is a tilted plane it gets \
                  the fit almost exactly right.",
        hash: "dataset=plane&n=120&noise=0.1&model=linear&lr=0.1&opt=sgd&batch=10",
    },
    Scene {
        title: "Logistic regression",
        caption: "Two classes that a straight line can separate. The model is still linear; the logistic loss \
                  −log σ(y·f(x)) turns its score into a probability, shown as the colour depth, and the dark line \
                  is where that probability is one half.",
        hash: "dataset=gauss&n=200&noise=0.1&model=linear&lr=0.1&opt=sgd",
    },
    Scene {
        title: "XOR defeats a linear model",
        caption: "Opposite quadrants share a class. No straight line separates them, so however long we train, \
                  the linear model stays near chance. Press play and watch the test accuracy stall.",
        hash: "dataset=xor&n=200&model=linear&lr=0.1&opt=sgd",
    },
    Scene {
        title: "A hand-made feature fixes it",
        caption: "Add the feature φ(x) = x₁·x₂: its sign is the class. The model is still linear — but in the \
                  features, not in x — and the problem becomes easy. The catch: someone had to think of x₁·x₂.",
        hash: "dataset=xor&n=200&model=features&features=x1,x2,x1x2&lr=0.3&opt=sgd",
    },
    Scene {
        title: "The ring and |x₁² + x₂² − 0.6|",
        caption: "The class depends on the distance from a circle. The single feature |x₁² + x₂² − 0.6| makes it \
                  a threshold problem. Try unticking it and ticking x₁² and x₂² instead.",
        hash: "dataset=ring&n=300&model=features&features=ring&lr=1&opt=sgd",
    },
    Scene {
        title: "Random features, few",
        caption: "No thinking about features: draw k = 5 random lines, φ(x) = sign(Mx + b), freeze them, and \
                  train only the last layer. Five random cuts are too crude for the circle.",
        hash: "dataset=circle&n=300&model=random&rf=sign&k=5&lr=0.03&opt=adam&speed=fast",
    },
    Scene {
        title: "Random features, many",
        caption: "With k = 500 random features the same recipe fits the circle well. As k grows, training only \
                  the last layer behaves more and more like a kernel method. Drag the k slider to see the change.",
        hash: "dataset=circle&n=300&model=random&rf=sign&k=500&lr=0.01&opt=adam&speed=fast",
    },
    Scene {
        title: "Random features approach a kernel",
        caption: "The sweep below fits the last layer exactly for k = 1 to 2000 random ReLU features and plots \
                  the test error against k. A handful of features underfit; as k grows the error settles on the \
                  dashed line, kernel ridge regression with the kernel these features average to. Press Show \
                  on a row to put those k features on the plot, with their lines Mx + b = 0.",
        hash: "dataset=bumps&n=300&noise=0.1&split=0.5&model=random&rf=relu&k=20&rfscale=2&lines=1&lab=sweep&ridge=0.001",
    },
    Scene {
        title: "Learned features",
        caption: "A two-layer network σ(M₂ σ(M₁x + b₁) + b₂) learns its features too. Hover over a hidden unit \
                  in the network diagram below to see the feature it has learned; together they carve out XOR.",
        hash: "dataset=xor&n=200&model=mlp&layers=6&act=tanh&lr=0.1&opt=sgd&speed=normal",
    },
    Scene {
        title: "Deeper networks and their gradients",
        caption: "Four sigmoid layers on the spirals, trained by plain SGD. Backpropagation multiplies by \
                  σ′ ≤ ¼ at every layer, so the gradient norms of the early layers (chart below) are hundreds of \
                  times smaller and those layers barely move. Switch the activation to ReLU and compare.",
        hash: "dataset=spiral&n=400&model=mlp&layers=16,16,16,16&act=sigmoid&lr=0.1&opt=sgd&speed=fast",
    },
    Scene {
        title: "The last layer is a linear model",
        caption: "This network's last hidden layer has just two units, so every point can be drawn at its two \
                  feature values (lab below). Press play: the learned features pull the classes apart until the \
                  last layer — a plain linear model — separates them with one straight line.",
        hash: "dataset=xor&n=200&model=mlp&layers=8,2&act=tanh&lr=0.03&opt=adam&speed=normal&lab=space&view=u1.2",
    },
    Scene {
        title: "Pretrain, then fine-tune on a few labels",
        caption: "The network first learns XOR from 400 points. The target task swaps the classes and gives only \
                  8 labels. Frozen pretrained features need only a new last layer and score far better than a \
                  network trained from scratch on the 8 points. Drag the shift to stretch the test points \
                  and see how each holds up.",
        hash: "dataset=xor&n=400&split=0.2&model=mlp&layers=8,8&act=tanh&lab=transfer&target=xor&swap=1&labels=8&shift=scale",
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

    /// `#scene=N` alone opens scene N; a scene named beside other settings keeps them.
    #[test]
    fn a_link_naming_only_a_scene_opens_it() {
        let (opened, notices) = settings_from_link("#scene=5");
        assert!(notices.is_empty());
        assert_eq!(opened, scene_settings(4).unwrap());
        assert_ne!(opened.model_spec(), Settings::default().model_spec());
        let (edited, _) = settings_from_link("#scene=5&lr=0.5");
        assert_eq!(edited.scene, Some(4));
        assert_eq!(edited.learning_rate, 0.5);
        let (bad, notices) = settings_from_link("#scene=99");
        assert_eq!(bad.scene, None);
        assert_eq!(notices.len(), 1);
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
