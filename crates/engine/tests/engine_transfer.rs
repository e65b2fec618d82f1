//! Pretraining then fine-tuning: features learned on plentiful data of one task (XOR), then a
//! few labels of a related task (XOR with the classes swapped). With the pretrained features
//! frozen, only a fresh last layer learns from the 8 labels, and it does much better than a
//! network trained from scratch on them.

use nnplay_engine::{
    Activation, DataSpec, Dataset, Loss, Model, ModelSpec, OptimizerConfig, OptimizerKind, Preset,
    TrainConfig, Trainer,
};

fn config(learning_rate: f32) -> TrainConfig {
    TrainConfig {
        loss: Loss::Logistic,
        batch_size: 10,
        optimizer: OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate,
            ..Default::default()
        },
    }
}

/// `count` labelled training points of `preset` (the rest of 400 held out for testing).
fn few_labels(preset: Preset, count: usize, seed: u64) -> Dataset {
    let mut data = Dataset::generate(&DataSpec {
        preset,
        count: 400,
        noise: 0.0,
        test_fraction: 0.0,
        seed,
    });
    // Keep `count` training points, balanced between the classes (the first ones drawn, which
    // are spread at random); the rest are test points.
    let (mut positives, mut negatives) = (0, 0);
    for p in &mut data.points {
        let slot = if p.y > 0.0 { &mut positives } else { &mut negatives };
        p.test = *slot >= count / 2;
        *slot += 1;
    }
    data
}

fn train(mut trainer: Trainer, epochs: usize) -> f64 {
    for _ in 0..epochs {
        trainer.epoch();
    }
    trainer.evaluate().test.score
}

#[test]
fn frozen_pretrained_features_beat_training_from_scratch_on_a_few_labels() {
    let spec = ModelSpec::mlp(&[16, 16], Activation::Tanh);
    // Source task: plenty of labelled XOR points.
    let source = Dataset::generate(&DataSpec {
        preset: Preset::Xor,
        count: 600,
        noise: 0.0,
        test_fraction: 0.2,
        seed: 11,
    });
    let mut pretraining = Trainer::new(spec.clone(), config(0.01), &source, 1);
    for _ in 0..150 {
        pretraining.epoch();
    }
    assert!(
        pretraining.evaluate().test.score > 0.9,
        "pretraining itself must work"
    );
    let pretrained: Model = pretraining.model.clone();

    // Target task: the opposite labelling of XOR (a related task, new last layer needed), with
    // only 8 labelled points.
    let mut target = few_labels(Preset::Xor, 8, 5);
    target.points.iter_mut().for_each(|p| p.y = -p.y);
    assert_eq!(target.train_count(), 8);

    let mut scratch_scores = Vec::new();
    let mut frozen_scores = Vec::new();
    for seed in 1..=4 {
        scratch_scores.push(train(
            Trainer::new(spec.clone(), config(0.01), &target, seed),
            3000,
        ));
        let mut frozen = Trainer::new(spec.clone(), config(0.01), &target, seed);
        let last = frozen.model.layers.len() - 1;
        for (l, layer) in frozen.model.layers.iter_mut().enumerate() {
            if l < last {
                *layer = pretrained.layers[l].clone();
                layer.frozen = true;
            }
        }
        frozen_scores.push(train(frozen, 3000));
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!("test accuracy with 8 labels: from scratch {scratch_scores:?}, frozen pretrained features {frozen_scores:?}");
    assert!(
        mean(&frozen_scores) > mean(&scratch_scores) + 0.1,
        "{frozen_scores:?} vs {scratch_scores:?}"
    );
    assert!(mean(&frozen_scores) > 0.85, "{frozen_scores:?}");
}
