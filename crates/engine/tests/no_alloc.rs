//! A training step allocates nothing: a counting global allocator watches this thread while
//! steps run, for every model family and optimizer, with two classes and with five, and with a
//! timeline recording; nor do the loss surface's slices, the optimizer race and path recording.
//! The count is per thread, so tests running side by side do not see each other's allocations.

use nnplay_engine::{
    class_target, Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec, OptimizerConfig,
    OptimizerKind, Preset, Timeline, TimelinePlan, TrainConfig, Trainer,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_if_watching() {
    if WATCHING.with(|w| w.get()) {
        ALLOCATIONS.with(|a| a.set(a.get() + 1));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_if_watching();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_if_watching();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    WATCHING.with(|w| w.set(true));
    f();
    WATCHING.with(|w| w.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn training_steps_evaluation_and_grids_allocate_nothing() {
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Spiral,
        count: 123,
        noise: 0.1,
        test_fraction: 0.3,
        seed: 2,
    });
    // The same points in five classes.
    let mut five = data.clone();
    five.classes = 5;
    for (i, p) in five.points.iter_mut().enumerate() {
        p.y = class_target(i % 5, 5);
    }
    assert_eq!(five.loss(), Loss::Softmax);
    for data in [data, five] {
        steps_allocate_nothing(&data);
    }
    // The watcher itself works.
    assert!(allocations_during(|| drop(vec![1u8; 10])) > 0);
}

fn steps_allocate_nothing(data: &Dataset) {
    let specs = [
        ModelSpec::linear(),
        ModelSpec::on_features(FeatureMap::Handmade(HandFeature::ALL.to_vec())),
        ModelSpec::random_features(Activation::Cos, 300, 2.0),
        ModelSpec::mlp(&[16, 8, 4], Activation::Relu),
    ];
    let classes = data.classes;
    for spec in specs {
        let spec = spec.with_outputs(data.output_units());
        for kind in OptimizerKind::ALL {
            let config = TrainConfig {
                loss: data.loss(),
                batch_size: 7,
                optimizer: OptimizerConfig {
                    kind,
                    learning_rate: 0.01,
                    l1: 1e-4,
                    l2: 1e-4,
                },
            };
            let mut trainer = Trainer::new(spec.clone(), config, data, 3);
            let mut grid = vec![0.0; 64 * 64];
            let mut planes = vec![0.0; classes * 64 * 64];
            // Several epochs, so reshuffles and partial last batches are covered too.
            let count = allocations_during(|| {
                for _ in 0..100 {
                    trainer.step();
                }
                trainer.epoch();
                trainer.evaluate();
                trainer.predict_grid(64, &mut grid);
                trainer.predict_class_grid(64, &mut planes);
                trainer.set_data(data);
            });
            assert_eq!(count, 0, "{spec:?} with {kind}, {classes} classes");
            assert!(trainer.steps() > 100);
        }
    }
}

/// With a timeline recording after every step (two classes and three), training still allocates
/// nothing once the recorder's snapshot buffers exist (after its first fill): recording,
/// evaluating the snapshot's metrics and thinning reuse them.
#[test]
fn training_with_the_timeline_recording_allocates_nothing() {
    let data = |preset| {
        Dataset::generate(&DataSpec {
            preset,
            count: 90,
            noise: 0.1,
            test_fraction: 0.3,
            seed: 5,
        })
    };
    let cases = [Preset::Circle, Preset::Blobs3].into_iter().flat_map(|preset| {
        [ModelSpec::linear(), ModelSpec::mlp(&[16, 8, 4], Activation::Relu)].map(|spec| (data(preset), spec))
    });
    for (data, spec) in cases {
        for kind in OptimizerKind::ALL {
            let config = TrainConfig {
                optimizer: OptimizerConfig {
                    kind,
                    learning_rate: 0.01,
                    ..Default::default()
                },
                ..TrainConfig::default()
            };
            let mut trainer = Trainer::new(spec.clone(), config, &data, 3);
            let mut timeline = Timeline::new(TimelinePlan::for_model(&trainer.model), 64);
            while timeline.snapshots().len() < timeline.plan().snapshots() {
                timeline.maybe_record(&mut trainer);
                trainer.step();
            }
            let mut recorded = 0;
            let count = allocations_during(|| {
                for _ in 0..50_000 {
                    trainer.step();
                    recorded += usize::from(timeline.maybe_record(&mut trainer));
                }
            });
            assert_eq!(count, 0, "{spec:?} with {kind}");
            assert!(recorded >= 10, "{recorded} recordings, a thinning among them");
        }
    }
}

/// Filling a loss surface in slices, evaluating it at a point, stepping an optimizer race and
/// recording paths and parameter trails reuse their buffers: nothing allocates after setup.
#[test]
fn surface_slices_races_and_paths_allocate_nothing() {
    use nnplay_engine::surface::{Objective, Plane, Race, Recording, Surface, Window};
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Circle,
        count: 300,
        noise: 0.1,
        test_fraction: 0.2,
        seed: 4,
    });
    // The same points in five classes: softmax reads five output units.
    let mut five = data.clone();
    five.classes = 5;
    for (i, p) in five.points.iter_mut().enumerate() {
        p.y = class_target(i % 5, 5);
    }
    let specs = [
        ModelSpec::linear(),
        ModelSpec::random_features(Activation::Relu, 50, 1.0),
        ModelSpec::mlp(&[8, 8], Activation::Tanh),
    ];
    let cases = specs
        .iter()
        .map(|spec| (spec.clone(), &data))
        .chain(specs.iter().map(|spec| (spec.clone().with_outputs(5), &five)));
    for (spec, data) in cases {
        let config = TrainConfig {
            loss: data.loss(),
            batch_size: 10,
            optimizer: OptimizerConfig::default(),
        };
        let trainer = Trainer::new(spec.clone(), config, data, 2);
        let plane = Plane::exact(&trainer.model).unwrap_or_else(|| Plane::random(&trainer.model, 1).unwrap());
        let layout = plane.layout().clone();
        let window = Window::around(&[plane.project_model(&trainer.model)], 1.0);
        let mut surface = Surface::new(&trainer.model, data, Objective::of(&config), plane, window).unwrap();
        let mut race = Race::new(&trainer);
        let mut path = Recording::new(2, 50);
        let mut trail = Recording::trail(&layout);
        let count = allocations_during(|| {
            for _ in 0..40 {
                surface.advance(20_000);
                surface.loss_at([0.1, 0.2]);
            }
            surface.set_window(window);
            surface.advance(50_000);
            for _ in 0..300 {
                race.step();
                let model = &race.racers()[0].trainer.model;
                let at = surface.plane().project_model(model);
                let step = race.racers()[0].trainer.steps();
                path.record(step, |row| row.copy_from_slice(&[at[0] as f32, at[1] as f32]));
                trail.record_parameters(step, &layout, model);
            }
        });
        assert_eq!(count, 0, "{spec:?}");
        assert!(path.len() > 4 && trail.len() > 4 && surface.progress() > 0.0);
    }
}
