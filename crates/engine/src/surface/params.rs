//! The parameters that train, as one flat vector θ: every dense layer that is not frozen, input
//! side first, its weights (row-major, one row per unit) then its biases.

use crate::model::Model;
use std::ops::Range;

/// Where one trainable layer's parameters sit in θ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerBlock {
    /// The dense layer's index in the model.
    pub layer: usize,
    /// Its number of units.
    pub outputs: usize,
    /// Its number of inputs: the length of one unit's row of weights.
    pub inputs: usize,
    /// The place of W in θ; unit j's row is `weights.start + j·inputs ..` (`inputs` long).
    pub weights: Range<usize>,
    /// The place of b in θ.
    pub bias: Range<usize>,
}

impl LayerBlock {
    /// The place in θ of unit `unit`'s row of weights.
    pub fn row(&self, unit: usize) -> Range<usize> {
        let start = self.weights.start + unit * self.inputs;
        start..start + self.inputs
    }
}

/// The layout of θ for one model shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterLayout {
    blocks: Vec<LayerBlock>,
    len: usize,
}

impl ParameterLayout {
    /// The layout of `model`'s trainable parameters.
    pub fn of(model: &Model) -> Self {
        let mut len = 0;
        let mut blocks = Vec::new();
        for (layer, dense) in model.layers.iter().enumerate() {
            if dense.frozen {
                continue;
            }
            let weights = len..len + dense.weights.len();
            let bias = weights.end..weights.end + dense.bias.len();
            len = bias.end;
            blocks.push(LayerBlock {
                layer,
                outputs: dense.outputs,
                inputs: dense.inputs,
                weights,
                bias,
            });
        }
        ParameterLayout { blocks, len }
    }

    /// The number of trainable parameters (the length of θ).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing trains.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of trainable weights (biases not counted).
    pub fn weight_count(&self) -> usize {
        self.blocks.iter().map(|b| b.weights.len()).sum()
    }

    /// The trainable layers, input side first.
    pub fn blocks(&self) -> &[LayerBlock] {
        &self.blocks
    }

    /// The one unit that trains, when it is the only one and has one or two weights: the unit
    /// whose exact surface [`Plane::exact`](super::Plane::exact) spans.
    pub fn exact_block(&self) -> Option<&LayerBlock> {
        match self.blocks() {
            [block] if block.outputs == 1 && (1..=2).contains(&block.inputs) => Some(block),
            _ => None,
        }
    }

    /// Whether `model` has this layout (the same trainable layers of the same shapes). Allocates
    /// nothing, so it can guard every step.
    pub fn fits(&self, model: &Model) -> bool {
        let mut trainable = model.layers.iter().enumerate().filter(|(_, l)| !l.frozen);
        let same = self.blocks.iter().all(|b| {
            trainable.next().is_some_and(|(layer, l)| {
                (layer, l.outputs, l.inputs, l.weights.len())
                    == (b.layer, b.outputs, b.inputs, b.weights.len())
            })
        });
        same && trainable.next().is_none()
    }

    /// Pairs each trainable tensor of `model` (each layer's W, then its b) with its place in θ.
    pub fn tensors<'m>(&'m self, model: &'m Model) -> impl Iterator<Item = (&'m [f32], Range<usize>)> + 'm {
        self.blocks.iter().flat_map(move |b| {
            let layer = &model.layers[b.layer];
            [
                (layer.weights.as_slice(), b.weights.clone()),
                (layer.bias.as_slice(), b.bias.clone()),
            ]
        })
    }

    /// Copies `model`'s trainable parameters into `out` (of length [`ParameterLayout::len`]).
    pub fn read(&self, model: &Model, out: &mut [f32]) {
        for (values, place) in self.tensors(model) {
            out[place].copy_from_slice(values);
        }
    }

    /// Sets `model`'s trainable parameters to `values` (of length [`ParameterLayout::len`]).
    pub fn write(&self, model: &mut Model, values: &[f32]) {
        for b in &self.blocks {
            let layer = &mut model.layers[b.layer];
            layer.weights.copy_from_slice(&values[b.weights.clone()]);
            layer.bias.copy_from_slice(&values[b.bias.clone()]);
        }
    }

    /// θ of `model` as a new vector.
    pub fn vector(&self, model: &Model) -> Vec<f32> {
        let mut out = vec![0.0; self.len];
        self.read(model, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, ModelSpec, Rng};

    #[test]
    fn frozen_layers_are_left_out_and_read_and_write_round_trip() {
        let mut rng = Rng::new(3);
        let random = Model::new(&ModelSpec::random_features(Activation::Cos, 5, 1.0), &mut rng);
        let layout = ParameterLayout::of(&random);
        assert_eq!(layout.len(), 6, "only the output unit's 5 weights and bias train");
        assert_eq!(layout.blocks()[0].layer, 1);
        let mut model = Model::new(&ModelSpec::mlp(&[3, 2], Activation::Tanh), &mut rng);
        let layout = ParameterLayout::of(&model);
        assert_eq!(layout.len(), model.parameter_count());
        assert_eq!(layout.weight_count(), 2 * 3 + 3 * 2 + 2);
        assert_eq!(layout.blocks()[1].row(1), 9 + 3..9 + 6);
        let theta: Vec<f32> = (0..layout.len()).map(|i| i as f32).collect();
        layout.write(&mut model, &theta);
        assert_eq!(model.layers[1].weights[3], layout.blocks()[1].row(1).start as f32);
        assert_eq!(layout.vector(&model), theta);
        assert!(layout.fits(&model) && !layout.fits(&random));
    }
}
