//! A training step allocates nothing: a counting global allocator watches this thread while
//! steps run, for every model family and optimizer, with two classes and with five, and with a
//! timeline recording. The count is per thread, so tests running side by side do not see each
//! other's allocations.

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
