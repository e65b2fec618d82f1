//! The engine as a bare wasm module for the benchmark (`bash scripts/bench-engine.sh`).
//!
//! Built with `cargo build --release --target wasm32-unknown-unknown -p nnplay-engine --example wasm_bench` and
//! loaded in Node.js with `WebAssembly.instantiate`; no wasm-bindgen. Every export is a plain C-ABI
//! function on numbers and pointers into the module's memory. Networks are numbered 0 (W1),
//! 1 (W2) and 2 (W3), their index in `Net::ALL`; see `bench_protocol` for the protocol. Each timed call runs many steps or grids, so
//! the cost of crossing from JavaScript into wasm does not show in the figures.

#[allow(dead_code)] // each benchmark uses its part of the shared protocol
mod bench_protocol;

use bench_protocol::{Net, CHECK_STEPS, GRID};
use nnplay_engine::{Dataset, Trainer};
use std::cell::RefCell;

struct State {
    data: Dataset,
    /// x1, x2, y of each point, interleaved.
    points: Vec<f32>,
    order: Vec<u32>,
    trainers: [Trainer; Net::ALL.len()],
    /// A W1 model that keeps its initial weights, for the grid workload.
    grid_model: Trainer,
    grid: Vec<f32>,
}

impl State {
    fn new() -> Self {
        let data = bench_protocol::dataset();
        let points = data.points.iter().flat_map(|p| [p.x[0], p.x[1], p.y]).collect();
        let order = bench_protocol::engine_order(&data, CHECK_STEPS);
        State {
            points,
            order,
            trainers: Net::ALL.map(|net| bench_protocol::trainer(net, &data)),
            grid_model: bench_protocol::trainer(Net::W1, &data),
            grid: vec![0.0; GRID * GRID],
            data,
        }
    }
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn with<T>(f: impl FnOnce(&mut State) -> T) -> T {
    STATE.with(|cell| f(cell.borrow_mut().get_or_insert_with(State::new)))
}

fn trainer(state: &mut State, net: u32) -> &mut Trainer {
    &mut state.trainers[(net as usize).min(Net::ALL.len() - 1)]
}

/// Builds the data, the minibatch order and the networks (later calls do it on first use too).
#[no_mangle]
pub extern "C" fn bench_init() {
    with(|_| ());
}

/// The number of data points.
#[no_mangle]
pub extern "C" fn bench_point_count() -> u32 {
    with(|s| s.data.points.len() as u32)
}

/// x1, x2, y of every point, interleaved (`3 × bench_point_count()` floats).
#[no_mangle]
pub extern "C" fn bench_points() -> *const f32 {
    with(|s| s.points.as_ptr())
}

/// The length of the engine's minibatch order (`CHECK_STEPS × MAX_BATCH` point indices; a
/// network with minibatches of b points trains step s on indices s·b .. (s + 1)·b).
#[no_mangle]
pub extern "C" fn bench_order_len() -> u32 {
    with(|s| s.order.len() as u32)
}

/// The point indices in the order the engine's trainers visit them, whatever their batch size
/// (u32 each).
#[no_mangle]
pub extern "C" fn bench_order() -> *const u32 {
    with(|s| s.order.as_ptr())
}

/// The number of steps after which every implementation reports its training MSE.
#[no_mangle]
pub extern "C" fn bench_check_steps() -> u32 {
    CHECK_STEPS as u32
}

/// Restarts network `net` from the protocol's initial weights and the start of the order.
#[no_mangle]
pub extern "C" fn bench_reset(net: u32) {
    with(|s| *trainer(s, net) = bench_protocol::trainer(Net::from_index(net), &s.data));
}

/// The number of points in each minibatch of network `net`.
#[no_mangle]
pub extern "C" fn bench_batch(net: u32) -> u32 {
    Net::from_index(net).batch() as u32
}

/// The number of networks (indices `0..bench_net_count()`).
#[no_mangle]
pub extern "C" fn bench_net_count() -> u32 {
    Net::ALL.len() as u32
}

/// The number of dense layers of network `net`.
#[no_mangle]
pub extern "C" fn bench_layer_count(net: u32) -> u32 {
    with(|s| trainer(s, net).model.layers.len() as u32)
}

/// The number of inputs of layer `layer` of network `net`.
#[no_mangle]
pub extern "C" fn bench_layer_inputs(net: u32, layer: u32) -> u32 {
    with(|s| trainer(s, net).model.layers[layer as usize].inputs as u32)
}

/// The number of units of layer `layer` of network `net`.
#[no_mangle]
pub extern "C" fn bench_layer_outputs(net: u32, layer: u32) -> u32 {
    with(|s| trainer(s, net).model.layers[layer as usize].outputs as u32)
}

/// The current weights of a layer, row-major (`outputs × inputs`).
#[no_mangle]
pub extern "C" fn bench_layer_weights(net: u32, layer: u32) -> *const f32 {
    with(|s| trainer(s, net).model.layers[layer as usize].weights.as_ptr())
}

/// The current biases of a layer.
#[no_mangle]
pub extern "C" fn bench_layer_bias(net: u32, layer: u32) -> *const f32 {
    with(|s| trainer(s, net).model.layers[layer as usize].bias.as_ptr())
}

/// Runs `steps` SGD steps of network `net` with `Trainer::step`.
#[no_mangle]
pub extern "C" fn bench_train(net: u32, steps: u32) {
    with(|s| {
        let t = trainer(s, net);
        for _ in 0..steps {
            t.step();
        }
    });
}

/// The training MSE of network `net` over all points.
#[no_mangle]
pub extern "C" fn bench_mse(net: u32) -> f64 {
    with(|s| bench_protocol::training_mse(trainer(s, net)))
}

/// Evaluates the initial W1 on the 100 × 100 grid `reps` times; returns the grid's values.
#[no_mangle]
pub extern "C" fn bench_grid(reps: u32) -> *const f32 {
    with(|s| {
        for _ in 0..reps {
            s.grid_model.predict_grid(GRID, &mut s.grid);
        }
        s.grid.as_ptr()
    })
}
