//! Numeric kernels shared by the engine: a fast, portable `tanh` and the few vector loops the
//! dense layers are made of.
//!
//! Everything here is plain `f32` arithmetic whose evaluation order is fixed by the source, so
//! LLVM may vectorise it (simd128 on wasm) without changing a single bit of the result: the same
//! seed trains to the same weights on the host and in the browser.

/// `tanh` as a rational minimax approximation (the form Eigen uses for `float`): accurate to a
/// few ULP on the clamped range, branch-free, and several times faster than `libm::tanhf`.
/// NaN stays NaN, so divergence is still detected downstream.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    const A1: f32 = 4.893_524_6e-3;
    const A3: f32 = 6.372_619_3e-4;
    const A5: f32 = 1.485_722_4e-5;
    const A7: f32 = 5.122_297e-8;
    const A9: f32 = -8.604_672e-11;
    const A11: f32 = 2.000_188e-13;
    const A13: f32 = -2.760_768_5e-16;
    const B0: f32 = 4.893_525e-3;
    const B2: f32 = 2.268_434_6e-3;
    const B4: f32 = 1.185_347e-4;
    const B6: f32 = 1.198_258_4e-6;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * A13 + A11;
    p = p * x2 + A9;
    p = p * x2 + A7;
    p = p * x2 + A5;
    p = p * x2 + A3;
    p = p * x2 + A1;
    p *= x;
    let mut q = x2 * B6 + B4;
    q = q * x2 + B2;
    q = q * x2 + B0;
    p / q
}

/// The logistic function 1 / (1 + e^-x), computed through [`tanh`] so it shares its speed and
/// portability.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    0.5 + 0.5 * tanh(0.5 * x)
}

/// `out[i] += alpha * x[i]`.
#[inline(always)]
pub fn axpy(alpha: f32, x: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o += alpha * v;
    }
}

/// The dot product of `a` and `b`, summed in eight fixed lanes (vectorisable, deterministic).
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0.0f32; 8];
    let mut a_chunks = a.chunks_exact(8);
    let mut b_chunks = b.chunks_exact(8);
    for (ca, cb) in (&mut a_chunks).zip(&mut b_chunks) {
        for k in 0..8 {
            lanes[k] += ca[k] * cb[k];
        }
    }
    let mut sum =
        ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for (&x, &y) in a_chunks.remainder().iter().zip(b_chunks.remainder()) {
        sum += x * y;
    }
    sum
}

/// The sum of `a`, in the same fixed lanes as [`dot`].
#[inline(always)]
pub fn sum(a: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let mut chunks = a.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            lanes[k] += c[k];
        }
    }
    let mut total =
        ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for &x in chunks.remainder() {
        total += x;
    }
    total
}

/// The Euclidean norm of all the given slices together, accumulated in `f64`.
pub fn norm(parts: &[&[f32]]) -> f64 {
    parts
        .iter()
        .flat_map(|p| p.iter())
        .map(|&v| v as f64 * v as f64)
        .sum::<f64>()
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_matches_the_exact_function() {
        let mut worst = 0.0f64;
        let mut x = -12.0f64;
        while x <= 12.0 {
            let err = (tanh(x as f32) as f64 - x.tanh()).abs();
            worst = worst.max(err);
            x += 1e-3;
        }
        assert!(worst < 1e-6, "max error {worst}");
        assert!(tanh(f32::NAN).is_nan());
        assert_eq!(tanh(f32::INFINITY), tanh(100.0));
        assert!(tanh(0.0) == 0.0);
    }

    #[test]
    fn fast_sigmoid_matches_the_exact_function() {
        for i in -200..=200 {
            let x = i as f64 * 0.1;
            let exact = 1.0 / (1.0 + (-x).exp());
            assert!((sigmoid(x as f32) as f64 - exact).abs() < 1e-6, "x={x}");
        }
    }

    #[test]
    fn dot_sum_and_axpy_agree_with_plain_loops() {
        let a: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32 * 0.11).cos()).collect();
        let plain: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
        assert!((dot(&a, &b) as f64 - plain).abs() < 1e-5);
        let plain_sum: f64 = a.iter().map(|x| *x as f64).sum();
        assert!((sum(&a) as f64 - plain_sum).abs() < 1e-5);
        let mut out = b.clone();
        axpy(2.0, &a, &mut out);
        for i in 0..37 {
            assert_eq!(out[i], b[i] + 2.0 * a[i]);
        }
        assert!((norm(&[&[3.0], &[4.0]]) - 5.0).abs() < 1e-12);
    }
}
