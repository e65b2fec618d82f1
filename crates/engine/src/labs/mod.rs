//! The lecture's two labs and the feature-space view, without any web types: the sweep of
//! random features against their kernel ([`sweep`]), pretraining then fine-tuning
//! ([`transfer`]), and the data seen through the features the last layer uses
//! ([`feature_space`]).

pub mod feature_space;
pub mod sweep;
pub mod transfer;

/// Every k-th item, with k the smallest stride that leaves at most `max` of them: an evenly
/// spaced sample that keeps the first item.
fn thin<T: Copy>(items: &[T], max: usize) -> Vec<T> {
    let stride = items.len().div_ceil(max.max(1)).max(1);
    items.iter().step_by(stride).copied().collect()
}
