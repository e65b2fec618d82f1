//! nnplay: a neural-network playground that trains in the browser.
//!
//! [`engine`] is the `nnplay-engine` crate (data, models, backprop, optimizers, the labs'
//! numerics), plain Rust that builds anywhere; [`page`] is the page logic without web types
//! (settings and the link, session, scenes, files, paint); [`app`] is the Yew front end and
//! exists only on `wasm32`.

#![warn(missing_docs)]

pub use nnplay_engine as engine;

pub mod page;

#[cfg(target_arch = "wasm32")]
pub mod app;
