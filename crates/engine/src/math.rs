//! Numeric kernels shared by the engine: a fast, portable `tanh` and the few vector loops the
//! dense layers are made of (the affine map, its transpose and the weight gradients).
//!
//! Everything here is plain `f32` arithmetic whose evaluation order is fixed by the source, so
//! vectorising it (simd128 on wasm, by LLVM or through the explicit lanes of the layer kernels)
//! does not change a single bit of the result: the same seed trains to the same weights on the
//! host and in the browser.

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

/// a·b in `f64` with four independent partial sums, which the compiler can vectorise (a
/// single running sum must be added in order and cannot be).
pub fn dot_f64(a: &[f64], b: &[f64]) -> f64 {
    let mut sums = [0.0f64; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for lane in 0..4 {
            sums[lane] += x[lane] * y[lane];
        }
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail
}

/// The sum of `a`, in eight fixed lanes (vectorisable, deterministic).
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

/// The Euclidean norm of all the given slices together, accumulated in `f64` in four fixed lanes.
pub fn norm(parts: &[&[f32]]) -> f64 {
    let mut lanes = [0.0f64; 4];
    for part in parts {
        let mut chunks = part.chunks_exact(4);
        for c in &mut chunks {
            for k in 0..4 {
                lanes[k] += c[k] as f64 * c[k] as f64;
            }
        }
        for (lane, &v) in lanes.iter_mut().zip(chunks.remainder()) {
            *lane += v as f64 * v as f64;
        }
    }
    ((lanes[0] + lanes[2]) + (lanes[1] + lanes[3])).sqrt()
}

// Dense-layer kernels over a minibatch stored feature-major: row r of a `rows × n` matrix holds
// the n batch values of unit (or input) r. They work on four lanes at a time ([`F4`]: simd128
// on wasm, arrays elsewhere) and keep a block of accumulators in registers; every lane gets
// exactly the operations the scalar loop in its doc comment would give it, in the same order, so
// the bits are those of that loop (the tests below check this).

/// Four `f32` lanes: a simd128 vector on wasm, a plain array elsewhere. Only lane-wise IEEE
/// multiplication and addition are offered (no fused multiply-add), so both versions give the
/// same bits.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_splat, v128, v128_load, v128_store};

    /// Four `f32` lanes.
    #[derive(Clone, Copy)]
    pub struct F4(v128);

    impl F4 {
        /// `v` in every lane.
        #[inline(always)]
        pub fn splat(v: f32) -> Self {
            F4(f32x4_splat(v))
        }
        /// The four values of `s`.
        #[inline(always)]
        pub fn load(s: &[f32; 4]) -> Self {
            // SAFETY: `s` is 16 readable bytes; v128.load has no alignment requirement.
            F4(unsafe { v128_load(s.as_ptr().cast()) })
        }
        /// Writes the lanes to `out`.
        #[inline(always)]
        pub fn store(self, out: &mut [f32; 4]) {
            // SAFETY: `out` is 16 writable bytes; v128.store has no alignment requirement.
            unsafe { v128_store(out.as_mut_ptr().cast(), self.0) }
        }
        /// `self + a·b`, rounded after the product and after the sum.
        #[inline(always)]
        pub fn mul_add(self, a: Self, b: Self) -> Self {
            F4(f32x4_add(self.0, f32x4_mul(a.0, b.0)))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    /// Four `f32` lanes.
    #[derive(Clone, Copy)]
    pub struct F4([f32; 4]);

    impl F4 {
        /// `v` in every lane.
        #[inline(always)]
        pub fn splat(v: f32) -> Self {
            F4([v; 4])
        }
        /// The four values of `s`.
        #[inline(always)]
        pub fn load(s: &[f32; 4]) -> Self {
            F4(*s)
        }
        /// Writes the lanes to `out`.
        #[inline(always)]
        pub fn store(self, out: &mut [f32; 4]) {
            *out = self.0;
        }
        /// `self + a·b`, rounded after the product and after the sum.
        #[inline(always)]
        pub fn mul_add(self, a: Self, b: Self) -> Self {
            let mut r = self.0;
            for ((r, &a), &b) in r.iter_mut().zip(&a.0).zip(&b.0) {
                *r += a * b;
            }
            F4(r)
        }
    }
}

use lanes::F4;

/// The number of batch values the kernels compute together (one simd128 vector of `f32`).
const LANES: usize = 4;
/// Units per block in [`affine`] and inputs per block in [`transposed_affine`].
const BLOCK: usize = 8;

/// Calls `f(b0)` for the start of each `LANES`-wide chunk covering `0..n` (n ≥ LANES): 0, 4, 8,
/// … and, when n is not a multiple of `LANES`, a last chunk at n − LANES overlapping the one
/// before. A lane's value does not depend on its chunk, so the overlap only writes equal values
/// twice.
#[inline(always)]
fn for_each_chunk(n: usize, mut f: impl FnMut(usize)) {
    debug_assert!(n >= LANES);
    let last = n - LANES;
    let mut b0 = 0;
    loop {
        f(b0);
        if b0 == last {
            break;
        }
        b0 = (b0 + LANES).min(last);
    }
}

#[inline(always)]
fn lanes_at(row: &[f32], b0: usize) -> F4 {
    F4::load(row[b0..b0 + LANES].try_into().expect("a chunk of LANES values"))
}

#[inline(always)]
fn store_at(v: F4, row: &mut [f32], b0: usize) {
    v.store(
        (&mut row[b0..b0 + LANES])
            .try_into()
            .expect("a chunk of LANES values"),
    );
}

/// `z[j·n + b] = bias[j] + Σᵢ weights[j·inputs + i] · x[i·n + b]` for every unit j and batch
/// index b < n, the sum taken over i in order starting from the bias.
pub fn affine(weights: &[f32], bias: &[f32], inputs: usize, x: &[f32], n: usize, z: &mut [f32]) {
    let outputs = bias.len();
    assert!(weights.len() >= outputs * inputs && x.len() >= inputs * n && z.len() >= outputs * n);
    if n < LANES {
        for j in 0..outputs {
            let w_row = &weights[j * inputs..(j + 1) * inputs];
            for b in 0..n {
                let mut acc = bias[j];
                for (i, &w) in w_row.iter().enumerate() {
                    acc += w * x[i * n + b];
                }
                z[j * n + b] = acc;
            }
        }
        return;
    }
    let mut j = 0;
    while j + BLOCK <= outputs {
        affine_block::<BLOCK>(weights, bias, inputs, x, n, z, j);
        j += BLOCK;
    }
    while j + 4 <= outputs {
        affine_block::<4>(weights, bias, inputs, x, n, z, j);
        j += 4;
    }
    while j < outputs {
        affine_block::<1>(weights, bias, inputs, x, n, z, j);
        j += 1;
    }
}

/// [`affine`] for units `j0..j0 + U`, one `LANES` chunk of the batch at a time.
#[inline(always)]
fn affine_block<const U: usize>(
    weights: &[f32],
    bias: &[f32],
    inputs: usize,
    x: &[f32],
    n: usize,
    z: &mut [f32],
    j0: usize,
) {
    let w = &weights[j0 * inputs..(j0 + U) * inputs];
    let x = &x[..inputs * n];
    for_each_chunk(n, |b0| {
        let mut acc: [F4; U] = std::array::from_fn(|u| F4::splat(bias[j0 + u]));
        for (i, x_row) in x.chunks_exact(n).enumerate() {
            let xv = lanes_at(x_row, b0);
            for (u, a) in acc.iter_mut().enumerate() {
                *a = a.mul_add(F4::splat(w[u * inputs + i]), xv);
            }
        }
        for (u, a) in acc.into_iter().enumerate() {
            store_at(a, z, (j0 + u) * n + b0);
        }
    });
}

/// `out[i·n + b] = Σⱼ weights[j·inputs + i] · delta[j·n + b]` (Wᵀ·δ) for every input i < `inputs`
/// and batch index b < n, the sum taken over j in order starting from 0.
pub fn transposed_affine(weights: &[f32], inputs: usize, delta: &[f32], n: usize, out: &mut [f32]) {
    let outputs = weights.len().checked_div(inputs).unwrap_or(0);
    assert!(delta.len() >= outputs * n && out.len() >= inputs * n);
    if n < LANES {
        for i in 0..inputs {
            for b in 0..n {
                let mut acc = 0.0f32;
                for j in 0..outputs {
                    acc += weights[j * inputs + i] * delta[j * n + b];
                }
                out[i * n + b] = acc;
            }
        }
        return;
    }
    let mut i = 0;
    while i + BLOCK <= inputs {
        transposed_block::<BLOCK>(weights, inputs, outputs, delta, n, out, i);
        i += BLOCK;
    }
    while i + 4 <= inputs {
        transposed_block::<4>(weights, inputs, outputs, delta, n, out, i);
        i += 4;
    }
    while i < inputs {
        transposed_block::<1>(weights, inputs, outputs, delta, n, out, i);
        i += 1;
    }
}

/// [`transposed_affine`] for inputs `i0..i0 + U`, one `LANES` chunk of the batch at a time.
#[inline(always)]
fn transposed_block<const U: usize>(
    weights: &[f32],
    inputs: usize,
    outputs: usize,
    delta: &[f32],
    n: usize,
    out: &mut [f32],
    i0: usize,
) {
    let delta = &delta[..outputs * n];
    for_each_chunk(n, |b0| {
        let mut acc = [F4::splat(0.0); U];
        for (j, d_row) in delta.chunks_exact(n).enumerate() {
            let dv = lanes_at(d_row, b0);
            let w: &[f32; U] = weights[j * inputs + i0..j * inputs + i0 + U]
                .try_into()
                .expect("U weights");
            for (a, &wv) in acc.iter_mut().zip(w) {
                *a = a.mul_add(F4::splat(wv), dv);
            }
        }
        for (u, a) in acc.into_iter().enumerate() {
            store_at(a, out, (i0 + u) * n + b0);
        }
    });
}

/// Batch values transposed at a time by [`weight_gradients`].
pub const GRADIENT_SLICE: usize = 32;

/// The number of `scratch` values [`weight_gradients`] needs for `inputs` inputs and batches of
/// up to `n`: a slice of at most [`GRADIENT_SLICE`] batch values, each row padded to whole vectors.
pub fn gradient_scratch_len(inputs: usize, n: usize) -> usize {
    inputs.next_multiple_of(LANES) * n.min(GRADIENT_SLICE)
}

/// `dw[j·inputs + i] = Σ_b delta[j·n + b] · x[i·n + b]` (δ·xᵀ) for every unit j < `outputs` and
/// input i < `inputs`, the sum taken over the batch in order starting from 0. `scratch` (at
/// least [`gradient_scratch_len`] values) receives slices of x transposed, each row padded with
/// zeros to a whole number of vectors, so that the sums run along contiguous rows; each slice
/// continues the sums where the last one stopped. The inputs are covered by disjoint vectors
/// (the last one partly outside the row, reading the zero padding and writing back only the
/// inputs it covers), so no sum is ever continued twice.
pub fn weight_gradients(
    delta: &[f32],
    x: &[f32],
    outputs: usize,
    inputs: usize,
    n: usize,
    dw: &mut [f32],
    scratch: &mut [f32],
) {
    assert!(delta.len() >= outputs * n && x.len() >= inputs * n && dw.len() >= outputs * inputs);
    let dw = &mut dw[..outputs * inputs];
    if n == 0 || inputs < LANES {
        for j in 0..outputs {
            for i in 0..inputs {
                let mut acc = 0.0f32;
                for b in 0..n {
                    acc += delta[j * n + b] * x[i * n + b];
                }
                dw[j * inputs + i] = acc;
            }
        }
        return;
    }
    let stride = inputs.next_multiple_of(LANES);
    let chunks = stride / LANES;
    assert!(
        scratch.len() >= gradient_scratch_len(inputs, n),
        "scratch too small"
    );
    let mut b0 = 0;
    while b0 < n {
        let m = GRADIENT_SLICE.min(n - b0);
        let xt = &mut scratch[..stride * m];
        for (i, x_row) in x.chunks_exact(n).take(inputs).enumerate() {
            for (b, &v) in x_row[b0..b0 + m].iter().enumerate() {
                xt[b * stride + i] = v;
            }
        }
        let first = b0 == 0;
        if first {
            // Later slices write the same rows' inputs and leave their padding alone.
            for xt_row in xt.chunks_exact_mut(stride) {
                xt_row[inputs..].fill(0.0);
            }
        }
        let xt = &*xt;
        for (j, dw_row) in dw.chunks_exact_mut(inputs).enumerate() {
            let d = &delta[j * n + b0..j * n + b0 + m];
            // Every vector of the row in blocks of up to 4, one pass over the slice per block;
            // the last vector of the last block is partial when inputs % LANES ≠ 0.
            let mut c = 0;
            while c + 4 <= chunks {
                let starts = [c, c + 1, c + 2, c + 3].map(|c| c * LANES);
                gradient_block::<4>(d, xt, stride, dw_row, starts, first);
                c += 4;
            }
            match chunks - c {
                3 => gradient_block::<3>(d, xt, stride, dw_row, [c, c + 1, c + 2].map(|c| c * LANES), first),
                2 => gradient_block::<2>(d, xt, stride, dw_row, [c, c + 1].map(|c| c * LANES), first),
                1 => gradient_block::<1>(d, xt, stride, dw_row, [c * LANES], first),
                _ => {}
            }
        }
        b0 += m;
    }
}

/// One unit's weight gradients at the `U` vectors of inputs starting at `starts`, over one slice
/// of the batch: from 0 for the `first` slice, else continuing the sums already in `dw_row`. A
/// vector that reaches past the end of `dw_row` (the last one, when the row is not a whole number
/// of vectors) reads the transposed slice's zero padding and writes back only the inputs it covers.
#[inline(always)]
fn gradient_block<const U: usize>(
    d: &[f32],
    xt: &[f32],
    stride: usize,
    dw_row: &mut [f32],
    starts: [usize; U],
    first: bool,
) {
    let inputs = dw_row.len();
    let mut acc = [F4::splat(0.0); U];
    if !first {
        for (a, &s) in acc.iter_mut().zip(&starts) {
            *a = if s + LANES <= inputs {
                lanes_at(dw_row, s)
            } else {
                load_partial(&dw_row[s..])
            };
        }
    }
    for (&dv, xt_row) in d.iter().zip(xt.chunks_exact(stride)) {
        let dv = F4::splat(dv);
        for (a, &s) in acc.iter_mut().zip(&starts) {
            *a = a.mul_add(dv, lanes_at(xt_row, s));
        }
    }
    for (&a, &s) in acc.iter().zip(&starts) {
        if s + LANES <= inputs {
            store_at(a, dw_row, s);
        } else {
            store_partial(a, &mut dw_row[s..]);
        }
    }
}

/// The 1 to 3 values of `r` in the first lanes of a vector, zeros in the others (element by
/// element: a variable-length copy would be a call to `memcpy` in wasm).
#[inline(always)]
fn load_partial(r: &[f32]) -> F4 {
    F4::load(&match r.len() {
        1 => [r[0], 0.0, 0.0, 0.0],
        2 => [r[0], r[1], 0.0, 0.0],
        _ => [r[0], r[1], r[2], 0.0],
    })
}

/// Writes the first `r.len()` (1 to 3) lanes of `v` to `r`.
#[inline(always)]
fn store_partial(v: F4, r: &mut [f32]) {
    let mut lanes = [0.0f32; LANES];
    v.store(&mut lanes);
    match r.len() {
        1 => r[0] = lanes[0],
        2 => {
            r[0] = lanes[0];
            r[1] = lanes[1];
        }
        _ => {
            r[0] = lanes[0];
            r[1] = lanes[1];
            r[2] = lanes[2];
        }
    }
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
    fn sum_and_norm_agree_with_plain_loops() {
        let a: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin()).collect();
        let plain_sum: f64 = a.iter().map(|x| *x as f64).sum();
        assert!((sum(&a) as f64 - plain_sum).abs() < 1e-5);
        assert!((norm(&[&[3.0], &[4.0]]) - 5.0).abs() < 1e-12);
        let plain_norm = a.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt();
        assert!((norm(&[&a[..5], &a[5..]]) - plain_norm).abs() < 1e-12);
    }

    fn values(len: usize, seed: f32) -> Vec<f32> {
        (0..len)
            .map(|i| ((i as f32 + seed) * 0.731).sin() * 1.7)
            .collect()
    }

    /// The layer kernels give exactly the bits of the plain scalar loops that define them, for
    /// batches shorter than, equal to and longer than a vector, and any layer shape.
    #[test]
    fn layer_kernels_match_plain_loops_bit_for_bit() {
        for &(inputs, outputs) in &[(2, 8), (8, 8), (8, 1), (3, 5), (13, 17), (64, 64), (1, 1)] {
            for n in [1, 2, 3, 4, 5, 8, 10, 13, 31, 32, 33, 70, 256] {
                let w = values(outputs * inputs, 1.0);
                let bias = values(outputs, 2.0);
                let x = values(inputs * n, 3.0);
                let delta = values(outputs * n, 4.0);

                let mut z = vec![f32::NAN; outputs * n];
                affine(&w, &bias, inputs, &x, n, &mut z);
                let mut back = vec![f32::NAN; inputs * n];
                transposed_affine(&w, inputs, &delta, n, &mut back);
                let mut dw = vec![f32::NAN; outputs * inputs];
                let mut scratch = vec![0.0; gradient_scratch_len(inputs, n)];
                weight_gradients(&delta, &x, outputs, inputs, n, &mut dw, &mut scratch);

                for j in 0..outputs {
                    for b in 0..n {
                        let mut want = bias[j];
                        for i in 0..inputs {
                            want += w[j * inputs + i] * x[i * n + b];
                        }
                        assert_eq!(
                            z[j * n + b].to_bits(),
                            want.to_bits(),
                            "affine {inputs}x{outputs} n={n}"
                        );
                    }
                    for i in 0..inputs {
                        let mut want = 0.0f32;
                        for b in 0..n {
                            want += delta[j * n + b] * x[i * n + b];
                        }
                        let got = dw[j * inputs + i];
                        assert_eq!(
                            got.to_bits(),
                            want.to_bits(),
                            "gradients {inputs}x{outputs} n={n}"
                        );
                    }
                }
                for i in 0..inputs {
                    for b in 0..n {
                        let mut want = 0.0f32;
                        for j in 0..outputs {
                            want += w[j * inputs + i] * delta[j * n + b];
                        }
                        let got = back[i * n + b];
                        assert_eq!(
                            got.to_bits(),
                            want.to_bits(),
                            "transposed {inputs}x{outputs} n={n}"
                        );
                    }
                }
            }
        }
    }

    /// Property tests (host only: proptest is not built for wasm).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;

        /// Proptest settings: `cases` cases from a fixed seed, so every run tries the same shapes
        /// (set `PROPTEST_RNG_SEED` to explore others, `PROPTEST_CASES` for more).
        fn property_config(cases: u32) -> proptest::test_runner::Config {
            // The default reads both variables; only what they leave unset is fixed here.
            let mut config = proptest::test_runner::Config::default();
            if std::env::var_os("PROPTEST_CASES").is_none() {
                config.cases = cases;
            }
            if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
                config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x6e6e_706c_6179);
            }
            config
        }

        /// Values from `seed` in [−2, 2), with exact zeros and negative zeros mixed in (they are
        /// where the order of additions shows in the bits).
        fn generated(len: usize, seed: u64) -> Vec<f32> {
            let mut rng = crate::rng::Rng::new(seed);
            (0..len)
                .map(|_| match (rng.uniform(0.0, 1.0) * 20.0) as u32 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => rng.uniform(-2.0, 2.0) as f32,
                })
                .collect()
        }

        proptest::proptest! {
            #![proptest_config(property_config(400))]

            /// Every blocked layer kernel gives exactly the bits of the scalar loop that defines
            /// it, for every layer shape up to 40 × 40 and every batch up to 200 (all the block
            /// tails, vector tails and gradient slices).
            #[test]
            fn layer_kernels_equal_their_scalar_definitions(
                inputs in 1usize..=40,
                outputs in 1usize..=40,
                n in 1usize..=200,
                seed in proptest::prelude::any::<u64>(),
            ) {
                let w = generated(outputs * inputs, seed);
                let bias = generated(outputs, seed ^ 1);
                let x = generated(inputs * n, seed ^ 2);
                let delta = generated(outputs * n, seed ^ 3);

                let mut z = vec![f32::NAN; outputs * n];
                affine(&w, &bias, inputs, &x, n, &mut z);
                let mut back = vec![f32::NAN; inputs * n];
                transposed_affine(&w, inputs, &delta, n, &mut back);
                let mut dw = vec![f32::NAN; outputs * inputs];
                let mut scratch = vec![f32::NAN; gradient_scratch_len(inputs, n)];
                weight_gradients(&delta, &x, outputs, inputs, n, &mut dw, &mut scratch);

                for j in 0..outputs {
                    for b in 0..n {
                        let mut want = bias[j];
                        for i in 0..inputs {
                            want += w[j * inputs + i] * x[i * n + b];
                        }
                        proptest::prop_assert_eq!(z[j * n + b].to_bits(), want.to_bits(), "affine z[{}][{}]", j, b);
                    }
                    for i in 0..inputs {
                        let mut want = 0.0f32;
                        for b in 0..n {
                            want += delta[j * n + b] * x[i * n + b];
                        }
                        proptest::prop_assert_eq!(dw[j * inputs + i].to_bits(), want.to_bits(), "dw[{}][{}]", j, i);
                    }
                }
                for i in 0..inputs {
                    for b in 0..n {
                        let mut want = 0.0f32;
                        for j in 0..outputs {
                            want += w[j * inputs + i] * delta[j * n + b];
                        }
                        proptest::prop_assert_eq!(back[i * n + b].to_bits(), want.to_bits(), "wt·δ[{}][{}]", i, b);
                    }
                }
            }

            /// The lane-parallel reductions equal their plain definitions: the sum and dot product
            /// up to rounding, the norm of any split of a vector up to rounding.
            #[test]
            fn reductions_equal_their_plain_definitions(
                len in 0usize..=300,
                split in 0usize..=300,
                seed in proptest::prelude::any::<u64>(),
            ) {
                let a = generated(len, seed);
                let b = generated(len, seed ^ 7);
                let magnitude: f64 = a.iter().map(|&v| (v as f64).abs()).sum::<f64>() + 1e-30;
                let plain_sum: f64 = a.iter().map(|&v| v as f64).sum();
                proptest::prop_assert!((sum(&a) as f64 - plain_sum).abs() <= 1e-6 * magnitude);

                let (a64, b64): (Vec<f64>, Vec<f64>) =
                    a.iter().zip(&b).map(|(&x, &y)| (x as f64, y as f64)).unzip();
                let plain_dot: f64 = a64.iter().zip(&b64).map(|(x, y)| x * y).sum();
                let dot_magnitude: f64 = a64.iter().zip(&b64).map(|(x, y)| (x * y).abs()).sum::<f64>() + 1e-300;
                proptest::prop_assert!((dot_f64(&a64, &b64) - plain_dot).abs() <= 1e-14 * dot_magnitude);

                let split = split.min(len);
                let plain_norm = a64.iter().map(|v| v * v).sum::<f64>().sqrt();
                proptest::prop_assert!((norm(&[&a[..split], &a[split..]]) - plain_norm).abs() <= 1e-12 * (1.0 + plain_norm));
            }

            /// Every activation's row functions equal its scalar σ and σ′ bit for bit.
            #[test]
            fn activation_rows_equal_their_scalars(len in 0usize..=100, seed in proptest::prelude::any::<u64>()) {
                let z: Vec<f32> = generated(len, seed).iter().map(|v| v * 4.0).collect();
                for act in crate::Activation::ALL {
                    let mut out = vec![f32::NAN; len];
                    act.apply_row(&z, &mut out);
                    let mut delta = generated(len, seed ^ 5);
                    let before = delta.clone();
                    act.scale_by_derivative(&z, &out, &mut delta);
                    for i in 0..len {
                        proptest::prop_assert_eq!(out[i].to_bits(), act.apply(z[i]).to_bits());
                        let want = before[i] * act.derivative(z[i], out[i]);
                        proptest::prop_assert_eq!(delta[i].to_bits(), want.to_bits(), "{} σ′ at {}", act, z[i]);
                    }
                }
            }
        }
    }
}
