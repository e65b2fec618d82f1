//! Data: labelled points in the square [-1, 1]², and seeded generators for the lecture's data
//! sets. Every generator is a pure function of its [`DataSpec`].

use super::classes::{class_target, MAX_CLASSES, MIN_CLASSES};
use super::rng::Rng;
use serde::{Deserialize, Serialize};

/// One data point: a position, a target and whether it is held out for testing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The inputs (x1, x2), inside [-1, 1]².
    pub x: [f32; 2],
    /// The target: for two classes ±1 (class 1 is +1), for three or more the class index
    /// 0 … K − 1 (see [`crate::classes`]); for regression a value in [-1, 1].
    pub y: f32,
    /// True for a test point (never trained on), false for a training point.
    pub test: bool,
}

/// Whether targets are classes or real values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Task {
    /// Classes: two stored as y = +1 and y = −1, or three to five stored as the class index.
    Classification,
    /// A real-valued target.
    Regression,
}

/// The built-in data sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Preset {
    /// Class = sign(x1·x2): the four quadrants alternate.
    Xor,
    /// A disc of one class inside a ring of the other.
    Circle,
    /// Class = whether |x1² + x2² − 0.6| is small: a band around the circle of radius √0.6.
    Ring,
    /// Two Gaussian clouds.
    Gauss,
    /// Two interleaved spirals.
    Spiral,
    /// Three classes: three Gaussian clouds.
    Blobs3,
    /// Three classes: three interleaved spiral arms.
    Spiral3,
    /// Four classes: the four quadrants, one class each.
    Quadrants4,
    /// Regression: a tilted plane.
    Plane,
    /// Regression: a sum of Gaussian bumps.
    Bumps,
}

impl Preset {
    /// The task this preset poses.
    pub fn task(self) -> Task {
        match self {
            Preset::Plane | Preset::Bumps => Task::Regression,
            _ => Task::Classification,
        }
    }

    /// How many classes this preset's points belong to (0 for regression).
    pub fn classes(self) -> usize {
        match self {
            Preset::Plane | Preset::Bumps => 0,
            Preset::Blobs3 | Preset::Spiral3 => 3,
            Preset::Quadrants4 => 4,
            _ => 2,
        }
    }
}

// Classification first.
crate::keyed_enum!(Preset {
    Xor => "xor", "XOR";
    Circle => "circle", "Circle";
    Ring => "ring", "Ring";
    Gauss => "gauss", "Two Gaussians";
    Spiral => "spiral", "Two spirals";
    Blobs3 => "blobs3", "Three blobs (3 classes)";
    Spiral3 => "spiral3", "Three spirals (3 classes)";
    Quadrants4 => "quadrants4", "Four quadrants (4 classes)";
    Plane => "plane", "Plane (regression)";
    Bumps => "bumps", "Bumps (regression)";
});

/// Everything that determines a generated data set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSpec {
    /// Which data set.
    pub preset: Preset,
    /// How many points in all (training and test together).
    pub count: usize,
    /// Noise level in [0, 1]: jitter of the inputs (classification) or of the target (regression).
    pub noise: f32,
    /// The fraction of points held out as test points, in [0, 1).
    pub test_fraction: f32,
    /// The seed; the same spec always gives the same points.
    pub seed: u64,
}

impl Default for DataSpec {
    fn default() -> Self {
        DataSpec {
            preset: Preset::Xor,
            count: 200,
            noise: 0.0,
            test_fraction: 0.5,
            seed: 1,
        }
    }
}

/// A labelled point set: what the plot shows and the trainer learns from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Classification or regression.
    pub task: Task,
    /// How many classes the targets name: 2 to [`MAX_CLASSES`] for classification, 0 for
    /// regression.
    #[serde(default = "two_classes")]
    pub classes: usize,
    /// The points, training and test mixed.
    pub points: Vec<Point>,
}

fn two_classes() -> usize {
    MIN_CLASSES
}

/// The threshold on |x1² + x2² − 0.6| below which a ring point is positive.
pub const RING_HALF_WIDTH: f32 = 0.2;

/// Standard deviation of the input jitter at noise level 1.
const MAX_JITTER: f64 = 0.25;

impl Dataset {
    /// An empty data set for the given task (two classes for classification).
    pub fn empty(task: Task) -> Self {
        Self::empty_with_classes(task, MIN_CLASSES)
    }

    /// An empty data set for the given task and number of classes (clamped to 2 …
    /// [`MAX_CLASSES`] for classification, 0 for regression).
    pub fn empty_with_classes(task: Task, classes: usize) -> Self {
        Dataset {
            task,
            classes: match task {
                Task::Classification => classes.clamp(MIN_CLASSES, MAX_CLASSES),
                Task::Regression => 0,
            },
            points: Vec::new(),
        }
    }

    /// The number of output units a model of these points needs (see [`crate::output_units`]).
    pub fn output_units(&self) -> usize {
        super::classes::output_units(self.task, self.classes)
    }

    /// The loss to train on these points (see [`crate::loss_for`]).
    pub fn loss(&self) -> super::model::Loss {
        super::classes::loss_for(self.task, self.classes)
    }

    /// Generates the data set `spec` describes.
    pub fn generate(spec: &DataSpec) -> Self {
        let mut rng = Rng::stream(spec.seed, 0xDA7A);
        let n = spec.count;
        let noise = spec.noise.clamp(0.0, 1.0) as f64;
        let jitter = noise * MAX_JITTER;
        let mut points = Vec::with_capacity(n);
        for i in 0..n {
            let (x, y) = match spec.preset {
                Preset::Xor => xor_point(&mut rng),
                Preset::Circle => circle_point(&mut rng, i),
                Preset::Ring => ring_point(&mut rng),
                Preset::Gauss => gauss_point(&mut rng, i),
                Preset::Spiral => spiral_point(&mut rng, i, n),
                Preset::Blobs3 => blob_point(&mut rng, i),
                Preset::Spiral3 => spiral_arm_point(&mut rng, i, n),
                Preset::Quadrants4 => quadrant_point(&mut rng),
                Preset::Plane | Preset::Bumps => {
                    let x = [rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)];
                    let clean = regression_target(spec.preset, x);
                    // Targets stay on the colour scale's range, like values drawn by hand.
                    (x, (clean + noise * 0.5 * rng.normal()).clamp(-1.0, 1.0))
                }
            };
            let x = if spec.preset.task() == Task::Classification && jitter > 0.0 {
                [x[0] + jitter * rng.normal(), x[1] + jitter * rng.normal()]
            } else {
                x
            };
            points.push(Point {
                x: [clamp_unit(x[0]), clamp_unit(x[1])],
                y: y as f32,
                test: false,
            });
        }
        split_train_test(&mut points, spec.test_fraction, &mut rng);
        Dataset {
            task: spec.preset.task(),
            classes: spec.preset.classes(),
            points,
        }
    }

    /// The number of training points.
    pub fn train_count(&self) -> usize {
        self.points.iter().filter(|p| !p.test).count()
    }

    /// The number of test points.
    pub fn test_count(&self) -> usize {
        self.points.len() - self.train_count()
    }
}

/// Marks a seeded random `fraction` of the points as test points (exactly round(n·fraction)).
pub fn split_train_test(points: &mut [Point], fraction: f32, rng: &mut Rng) {
    let n = points.len();
    let test = ((n as f64) * fraction.clamp(0.0, 0.95) as f64).round() as usize;
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    for (rank, &i) in order.iter().enumerate() {
        points[i].test = rank < test;
    }
}

fn clamp_unit(v: f64) -> f32 {
    v.clamp(-1.0, 1.0) as f32
}

fn label(positive: bool) -> f64 {
    if positive {
        1.0
    } else {
        -1.0
    }
}

/// A coordinate in [-1, -m] ∪ [m, 1]: XOR points keep a small margin off the axes.
fn off_axis(rng: &mut Rng, margin: f64) -> f64 {
    let v = rng.uniform(margin, 1.0);
    if rng.chance(0.5) {
        v
    } else {
        -v
    }
}

fn xor_point(rng: &mut Rng) -> ([f64; 2], f64) {
    let x = [off_axis(rng, 0.05), off_axis(rng, 0.05)];
    (x, label(x[0] * x[1] > 0.0))
}

fn polar(r: f64, angle: f64) -> [f64; 2] {
    [r * libm::cos(angle), r * libm::sin(angle)]
}

fn circle_point(rng: &mut Rng, i: usize) -> ([f64; 2], f64) {
    let angle = rng.uniform(0.0, std::f64::consts::TAU);
    if i.is_multiple_of(2) {
        (polar(0.5 * libm::sqrt(rng.next_f64()), angle), 1.0)
    } else {
        (polar(rng.uniform(0.7, 1.0), angle), -1.0)
    }
}

fn ring_point(rng: &mut Rng) -> ([f64; 2], f64) {
    // Rejection keeps a small gap around the class boundary so the noiseless set is separable.
    loop {
        let x = [rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)];
        let distance = (x[0] * x[0] + x[1] * x[1] - 0.6).abs();
        if (distance - RING_HALF_WIDTH as f64).abs() > 0.03 {
            return (x, label(distance < RING_HALF_WIDTH as f64));
        }
    }
}

fn gauss_point(rng: &mut Rng, i: usize) -> ([f64; 2], f64) {
    let (centre, y) = if i.is_multiple_of(2) {
        (0.45, 1.0)
    } else {
        (-0.45, -1.0)
    };
    ([centre + 0.22 * rng.normal(), centre + 0.22 * rng.normal()], y)
}

fn spiral_point(rng: &mut Rng, i: usize, n: usize) -> ([f64; 2], f64) {
    let half = n.div_ceil(2).max(1);
    let k = i / 2;
    let t = k as f64 / half as f64;
    let r = 0.05 + 0.9 * t;
    let turn = if i.is_multiple_of(2) {
        0.0
    } else {
        std::f64::consts::PI
    };
    let angle = 1.75 * std::f64::consts::TAU * t + turn + 0.05 * rng.normal();
    (polar(r, angle), label(i.is_multiple_of(2)))
}

/// Three round clouds (standard deviation 0.15) centred 0.55 from the origin at 90°, 210° and
/// 330°; point i is of class i mod 3.
fn blob_point(rng: &mut Rng, i: usize) -> ([f64; 2], f64) {
    let class = i % 3;
    let angle = std::f64::consts::FRAC_PI_2 + class as f64 * std::f64::consts::TAU / 3.0;
    let [cx, cy] = polar(0.55, angle);
    (
        [cx + 0.15 * rng.normal(), cy + 0.15 * rng.normal()],
        class_target(class, 3) as f64,
    )
}

/// Three spiral arms of 1¼ turns from the centre outwards, a third of a turn apart; point i is
/// of class i mod 3.
fn spiral_arm_point(rng: &mut Rng, i: usize, n: usize) -> ([f64; 2], f64) {
    let class = i % 3;
    let per_arm = n.div_ceil(3).max(1);
    let t = (i / 3) as f64 / per_arm as f64;
    let r = 0.08 + 0.87 * t;
    let angle =
        1.25 * std::f64::consts::TAU * t + class as f64 * std::f64::consts::TAU / 3.0 + 0.05 * rng.normal();
    (polar(r, angle), class_target(class, 3) as f64)
}

/// A point in one of the four quadrants, off the axes like XOR's; its class is the quadrant,
/// counted anticlockwise from the top right (x1 > 0, x2 > 0 is class 1).
fn quadrant_point(rng: &mut Rng) -> ([f64; 2], f64) {
    let x = [off_axis(rng, 0.05), off_axis(rng, 0.05)];
    let class = match (x[0] > 0.0, x[1] > 0.0) {
        (true, true) => 0,
        (false, true) => 1,
        (false, false) => 2,
        (true, false) => 3,
    };
    (x, class_target(class, 4) as f64)
}

/// The noiseless target of a regression preset at `x` (zero for classification presets).
pub fn regression_target(preset: Preset, x: [f64; 2]) -> f64 {
    match preset {
        Preset::Plane => 0.6 * x[0] - 0.4 * x[1],
        Preset::Bumps => {
            let bump = |cx: f64, cy: f64, h: f64| {
                let (dx, dy) = (x[0] - cx, x[1] - cy);
                let d2 = dx * dx + dy * dy;
                h * libm::exp(-d2 / 0.12)
            };
            bump(-0.45, 0.4, 1.0) + bump(0.5, -0.3, -0.9) + bump(0.35, 0.55, 0.6)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(preset: Preset) -> DataSpec {
        DataSpec {
            preset,
            count: 400,
            noise: 0.0,
            test_fraction: 0.25,
            seed: 9,
        }
    }

    #[test]
    fn every_preset_stays_in_the_square_and_splits_as_asked() {
        for preset in Preset::ALL {
            let data = Dataset::generate(&spec(preset));
            assert_eq!(data.points.len(), 400);
            assert_eq!(data.test_count(), 100, "{preset}");
            assert_eq!(data.task, preset.task());
            assert_eq!(data.classes, preset.classes());
            for p in &data.points {
                assert!(p.x.iter().all(|v| (-1.0..=1.0).contains(v)), "{preset}");
                assert!(p.y.is_finite());
                match preset.classes() {
                    0 => {}
                    2 => assert!(p.y == 1.0 || p.y == -1.0),
                    k => assert!(p.y.fract() == 0.0 && (0.0..k as f32).contains(&p.y), "{preset}"),
                }
            }
            // Every class gets its share of the points.
            let k = preset.classes();
            for class in 0..k {
                let share = data
                    .points
                    .iter()
                    .filter(|p| crate::class_of(p.y, k) == class)
                    .count();
                assert!(
                    (400 / k / 2..=400 * 3 / k / 2).contains(&share),
                    "{preset} class {class}: {share}"
                );
            }
        }
    }

    #[test]
    fn labels_follow_the_lecture_definitions() {
        for p in Dataset::generate(&spec(Preset::Xor)).points {
            assert_eq!(p.y > 0.0, p.x[0] * p.x[1] > 0.0);
        }
        for p in Dataset::generate(&spec(Preset::Ring)).points {
            let d = (p.x[0] * p.x[0] + p.x[1] * p.x[1] - 0.6).abs();
            assert_eq!(p.y > 0.0, d < RING_HALF_WIDTH);
        }
        for p in Dataset::generate(&spec(Preset::Quadrants4)).points {
            let quadrant = match (p.x[0] > 0.0, p.x[1] > 0.0) {
                (true, true) => 0.0,
                (false, true) => 1.0,
                (false, false) => 2.0,
                (true, false) => 3.0,
            };
            assert_eq!(p.y, quadrant);
        }
        // Each blob's points lie around its own centre.
        for p in Dataset::generate(&spec(Preset::Blobs3)).points {
            let angle = std::f64::consts::FRAC_PI_2 + p.y as f64 * std::f64::consts::TAU / 3.0;
            let centre = polar(0.55, angle);
            let d = ((p.x[0] as f64 - centre[0]).powi(2) + (p.x[1] as f64 - centre[1]).powi(2)).sqrt();
            assert!(d < 0.75, "{p:?}");
        }
        for p in Dataset::generate(&spec(Preset::Plane)).points {
            let expected = regression_target(Preset::Plane, [p.x[0] as f64, p.x[1] as f64]);
            assert!((p.y as f64 - expected).abs() < 1e-6);
        }
    }

    #[test]
    fn generation_is_seeded_and_noise_moves_points() {
        let a = Dataset::generate(&spec(Preset::Spiral));
        assert_eq!(a, Dataset::generate(&spec(Preset::Spiral)));
        let other_seed = Dataset::generate(&DataSpec {
            seed: 10,
            ..spec(Preset::Spiral)
        });
        assert_ne!(a, other_seed);
        let noisy = Dataset::generate(&DataSpec {
            noise: 0.5,
            ..spec(Preset::Xor)
        });
        let wrong_side = noisy
            .points
            .iter()
            .filter(|p| (p.y > 0.0) != (p.x[0] * p.x[1] > 0.0))
            .count();
        assert!(wrong_side > 0);
    }

    #[test]
    fn names_round_trip() {
        for p in Preset::ALL {
            assert_eq!(p.key().parse::<Preset>(), Ok(p));
        }
        assert!("moons".parse::<Preset>().is_err());
    }
}
