//! The lecture's two labs and the feature-space view, without any web types: the sweep of
//! random features against their kernel ([`sweep`]), pretraining then fine-tuning
//! ([`transfer`]), and the data seen through the features the last layer uses
//! ([`feature_space`]).

pub mod feature_space;
pub mod sweep;
pub mod transfer;
