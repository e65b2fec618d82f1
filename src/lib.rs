//! nnplay: a neural-network playground that trains in the browser.
//!
//! [`engine`] is plain Rust (data, models, backprop, optimizers) and builds anywhere; [`app`] is
//! the Yew front end and exists only on `wasm32`.

#![warn(missing_docs)]

pub mod codec;
pub mod engine;
pub mod files;
pub mod labs;
pub mod paint;
pub mod scenes;
pub mod session;
pub mod settings;

#[cfg(target_arch = "wasm32")]
pub mod app;
