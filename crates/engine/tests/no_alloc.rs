//! A training step allocates nothing: a counting global allocator watches this thread while
//! steps run, for every model family and optimizer. The count is per thread, so tests running
//! side by side do not see each other's allocations.

use nnplay_engine::{
    Activation, DataSpec, Dataset, FeatureMap, HandFeature, Loss, ModelSpec, OptimizerConfig, OptimizerKind,
    Preset, Timeline, TimelinePlan, TrainConfig, Trainer,
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
    let specs = [
        ModelSpec::linear(),
        ModelSpec::on_features(FeatureMap::Handmade(HandFeature::ALL.to_vec())),
        ModelSpec::random_features(Activation::Cos, 300, 2.0),
        ModelSpec::mlp(&[16, 8, 4], Activation::Relu),
    ];
    for spec in specs {
        for kind in OptimizerKind::ALL {
            let config = TrainConfig {
                loss: Loss::Logistic,
                batch_size: 7,
                optimizer: OptimizerConfig {
                    kind,
                    learning_rate: 0.01,
                    l1: 1e-4,
                    l2: 1e-4,
                },
            };
            let mut trainer = Trainer::new(spec.clone(), config, &data, 3);
            let mut grid = vec![0.0; 64 * 64];
            // Several epochs, so reshuffles and partial last batches are covered too.
            let count = allocations_during(|| {
                for _ in 0..100 {
                    trainer.step();
                }
                trainer.epoch();
                trainer.evaluate();
                trainer.predict_grid(64, &mut grid);
                trainer.set_data(&data);
            });
            assert_eq!(count, 0, "{spec:?} with {kind}");
            assert!(trainer.steps() > 100);
        }
    }
    // The watcher itself works.
    assert!(allocations_during(|| drop(vec![1u8; 10])) > 0);
}

/// With a timeline recording after every step, training still allocates nothing once the
/// recorder's snapshot buffers exist (after its first fill): recording, evaluating the
/// snapshot's metrics and thinning reuse them.
#[test]
fn training_with_the_timeline_recording_allocates_nothing() {
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Circle,
        count: 90,
        noise: 0.1,
        test_fraction: 0.3,
        seed: 5,
    });
    for spec in [ModelSpec::linear(), ModelSpec::mlp(&[16, 8, 4], Activation::Relu)] {
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
