//! Eigenvalues and eigenvectors of a small symmetric matrix, by cyclic Jacobi rotations in
//! `f64`: exact to rounding for the Gram matrices of recorded paths (at most a few hundred rows).

/// The eigenvalues of the symmetric `n × n` matrix `a` (row-major; overwritten), largest
/// first, with their unit eigenvectors: vector k is `vectors[k·n .. (k+1)·n]`.
pub fn symmetric_eigen(a: &mut [f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    // v holds the accumulated rotations; its columns become the eigenvectors.
    let mut v: Vec<f64> = (0..n * n).map(|i| f64::from(u8::from(i / n == i % n))).collect();
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..64 {
        let off: f64 = (0..n)
            .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                // The rotation that zeroes a[p][q]: t = tan of its angle, the smaller root.
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                let rotate = |x: f64, y: f64| (c * x - s * y, s * x + c * y);
                for k in 0..n {
                    (a[k * n + p], a[k * n + q]) = rotate(a[k * n + p], a[k * n + q]);
                }
                for k in 0..n {
                    (a[p * n + k], a[q * n + k]) = rotate(a[p * n + k], a[q * n + k]);
                }
                for k in 0..n {
                    (v[k * n + p], v[k * n + q]) = rotate(v[k * n + p], v[k * n + q]);
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&i| a[i * n + i]).collect();
    let vectors = order
        .iter()
        .flat_map(|&i| (0..n).map(move |k| (k, i)))
        .map(|(k, i)| v[k * n + i])
        .collect();
    (values, vectors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rng;

    /// A·v = λ·v for every pair, the vectors orthonormal, the values sorted and summing to the
    /// trace, on random symmetric matrices of every size up to 12 (some with repeated values).
    #[test]
    fn eigenpairs_satisfy_their_definition() {
        let mut rng = Rng::new(11);
        for n in 1..=12 {
            for repeated in [false, true] {
                let mut a = vec![0.0; n * n];
                for p in 0..n {
                    for q in 0..=p {
                        let x = if repeated {
                            f64::from(u8::from(p == q))
                        } else {
                            rng.normal()
                        };
                        a[p * n + q] = x;
                        a[q * n + p] = x;
                    }
                }
                let original = a.clone();
                let (values, vectors) = symmetric_eigen(&mut a, n);
                let trace: f64 = (0..n).map(|i| original[i * n + i]).sum();
                assert!((values.iter().sum::<f64>() - trace).abs() < 1e-9);
                assert!(values.windows(2).all(|w| w[0] >= w[1]));
                for k in 0..n {
                    let vk = &vectors[k * n..(k + 1) * n];
                    for i in 0..n {
                        let av: f64 = (0..n).map(|j| original[i * n + j] * vk[j]).sum();
                        assert!((av - values[k] * vk[i]).abs() < 1e-9, "n {n} pair {k}");
                    }
                    for j in 0..n {
                        let dot: f64 = (0..n).map(|i| vk[i] * vectors[j * n + i]).sum();
                        assert!((dot - f64::from(u8::from(j == k))).abs() < 1e-9);
                    }
                }
            }
        }
    }
}
