//! Random features approach kernel regression: as k grows, ridge on k random features gives
//! nearly the same predictions (and test error) as kernel ridge with the matching kernel.

use nnplay_engine::{
    random_feature_penalty, solve_last_layer, Activation, DataSpec, Dataset, Kernel, KernelRidge, Model,
    ModelSpec, Point, Preset, Rng,
};

#[test]
fn random_feature_ridge_approaches_kernel_ridge_as_k_grows() {
    let data = Dataset::generate(&DataSpec {
        preset: Preset::Bumps,
        count: 300,
        noise: 0.1,
        test_fraction: 0.5,
        seed: 3,
    });
    let (train, test): (Vec<&Point>, Vec<&Point>) = data.points.iter().partition(|p| !p.test);
    let xs = |ps: &[&Point]| {
        ps.iter()
            .map(|p| [p.x[0] as f64, p.x[1] as f64])
            .collect::<Vec<_>>()
    };
    let lambda = 1e-3;
    for (sigma, scale) in [
        (Activation::Relu, 2.0f32),
        (Activation::Cos, 3.0),
        (Activation::Sign, 1.0),
    ] {
        let kernel = Kernel::for_random_features(sigma, scale).unwrap();
        let ys: Vec<f64> = train.iter().map(|p| p.y as f64).collect();
        let exact = KernelRidge::fit(kernel, &xs(&train), &ys, lambda).unwrap();
        let reference: Vec<f64> = xs(&test).iter().map(|&x| exact.predict(x)).collect();
        let test_mse = |f: &[f64]| {
            f.iter()
                .zip(&test)
                .map(|(f, p)| (f - p.y as f64).powi(2))
                .sum::<f64>()
                / f.len() as f64
        };
        let mut distances = Vec::new();
        for k in [10, 100, 1000, 4000] {
            // Average the distance over a few draws of the features.
            let mut distance = 0.0f64;
            let mut mse = 0.0f64;
            for seed in 0..3 {
                let mut model = Model::new(&ModelSpec::random_features(sigma, k, scale), &mut Rng::new(seed));
                let penalty = random_feature_penalty(lambda as f32, k);
                solve_last_layer(&model, &data, penalty)
                    .unwrap()
                    .install(&mut model);
                let predicted: Vec<f64> = test.iter().map(|p| model.predict(p.x) as f64).collect();
                distance += (predicted
                    .iter()
                    .zip(&reference)
                    .map(|(a, b)| (a - b).powi(2))
                    .sum::<f64>()
                    / predicted.len() as f64)
                    .sqrt()
                    / 3.0;
                mse += test_mse(&predicted) / 3.0;
            }
            distances.push((k, distance, mse));
        }
        let kernel_mse = test_mse(&reference);
        println!("{sigma}: kernel test MSE {kernel_mse:.4}; (k, distance to kernel ridge, test MSE): {distances:.4?}");
        let [(_, d10, _), (_, d100, _), (_, d1000, _), (_, d4000, mse4000)] = distances[..] else {
            unreachable!()
        };
        assert!(
            d10 > d100 && d100 > d1000 && d1000 > d4000,
            "{sigma}: {distances:?}"
        );
        assert!(d4000 < 0.25 * d10, "{sigma}: {distances:?}");
        assert!(
            (mse4000 - kernel_mse).abs() < 0.2 * kernel_mse + 1e-3,
            "{sigma}: {mse4000} vs kernel {kernel_mse}"
        );
    }
}
