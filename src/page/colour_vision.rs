//! How colours look to people with the common colour-vision deficiencies, for the palette's
//! tests: the simulation of Machado, Oliveira and Fernandes (2009, "A physiologically-based
//! model for simulation of color vision deficiency", severity 1.0), applied to linear sRGB, and
//! the CIE 1976 colour difference ΔE*ab in CIELAB (D65) to say how far apart two colours look.

/// Who is looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vision {
    /// Typical trichromatic vision.
    Typical,
    /// No working L (red) cones.
    Protanopia,
    /// No working M (green) cones, the most common.
    Deuteranopia,
    /// No working S (blue) cones.
    Tritanopia,
}

impl Vision {
    /// Every kind of vision the tests look with.
    pub const ALL: [Vision; 4] = [
        Vision::Typical,
        Vision::Protanopia,
        Vision::Deuteranopia,
        Vision::Tritanopia,
    ];

    /// Machado et al.'s matrix for this deficiency at full severity, on linear RGB.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Vision::Typical => [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            Vision::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Vision::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Vision::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }
}

/// An sRGB channel (0 to 255) as linear light (0 to 1).
fn linear(channel: u8) -> f64 {
    let c = channel as f64 / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// The linear RGB someone with `vision` sees for the sRGB colour `rgb` (clamped to the gamut).
pub fn simulate(rgb: [u8; 3], vision: Vision) -> [f64; 3] {
    let light = rgb.map(linear);
    vision.matrix().map(|row| {
        row.iter()
            .zip(&light)
            .map(|(m, c)| m * c)
            .sum::<f64>()
            .clamp(0.0, 1.0)
    })
}

/// CIELAB (L*, a*, b*) of a linear sRGB colour, white point D65.
pub fn lab(linear_rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = linear_rgb;
    let x = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = 0.0193339 * r + 0.1191920 * g + 0.9503041 * b;
    let f = |t: f64| {
        const EDGE: f64 = 6.0 / 29.0;
        if t > EDGE.powi(3) {
            t.cbrt()
        } else {
            t / (3.0 * EDGE * EDGE) + 4.0 / 29.0
        }
    };
    let (fx, fy, fz) = (f(x / 0.95047), f(y), f(z / 1.08883));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// How far apart the sRGB colours `a` and `b` look to someone with `vision`: ΔE*ab, where
/// about 2.3 is just noticeable and 10 or more is plain at a glance.
pub fn delta_e(a: [u8; 3], b: [u8; 3], vision: Vision) -> f64 {
    let (p, q) = (lab(simulate(a, vision)), lab(simulate(b, vision)));
    p.iter().zip(&q).map(|(u, v)| (u - v).powi(2)).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// White stays white and black stays black for everyone (each matrix's rows sum to one),
    /// and CIELAB puts them at L* 100 and 0.
    #[test]
    fn white_and_black_look_the_same_to_everyone() {
        for vision in Vision::ALL {
            let white = lab(simulate([255, 255, 255], vision));
            assert!((white[0] - 100.0).abs() < 0.05, "{vision:?}: {white:?}");
            assert!(
                white[1].abs() < 0.2 && white[2].abs() < 0.2,
                "{vision:?}: {white:?}"
            );
            assert_eq!(lab(simulate([0, 0, 0], vision)), [0.0, 0.0, 0.0]);
        }
        // sRGB mid grey (119) is close to L* 50.
        assert!((lab(simulate([119, 119, 119], Vision::Typical))[0] - 50.0).abs() < 0.5);
    }

    /// The simulation confuses what each deficiency is known to confuse: a yellow and a green
    /// that differ plainly (ΔE > 50) look almost alike without L or M cones, and a vermillion
    /// and a crimson without S cones, while each pair stays apart for the other deficiency.
    #[test]
    fn each_deficiency_confuses_its_own_pairs() {
        let (yellow, green) = ([187, 170, 34], [68, 187, 0]);
        assert!(delta_e(yellow, green, Vision::Typical) > 50.0);
        assert!(delta_e(yellow, green, Vision::Protanopia) < 6.0);
        assert!(delta_e(yellow, green, Vision::Deuteranopia) < 6.0);
        assert!(delta_e(yellow, green, Vision::Tritanopia) > 40.0);
        let (vermillion, crimson) = ([238, 85, 0], [238, 34, 102]);
        assert!(delta_e(vermillion, crimson, Vision::Typical) > 50.0);
        assert!(delta_e(vermillion, crimson, Vision::Tritanopia) < 6.0);
        assert!(delta_e(vermillion, crimson, Vision::Deuteranopia) > 20.0);
    }
}
