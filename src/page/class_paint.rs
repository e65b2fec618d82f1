//! The decision map of two to five classes, free of web types: the background blended from
//! the class probabilities (see `Session::class_probability_grid`) in a palette's class
//! colours, and the lines between the class regions.

use super::paint::{contour, BACKGROUND_STRENGTH};
use super::palette::{Palette, NEUTRAL, NOT_A_NUMBER};
use crate::engine::MAX_CLASSES;

/// The background of a cell whose class probabilities are `p` (one per class): each class
/// pulls the neutral colour towards its own colour in `palette` by how far its probability
/// rises above chance (1/K), scaled by `strength`. Where the model is unsure the map stays
/// pale, and between two classes it mixes both. For two classes this is the two-class
/// confidence scale.
pub fn blend(palette: Palette, p: &[f32], strength: f32) -> [u8; 3] {
    let k = p.len().clamp(1, MAX_CLASSES);
    let chance = 1.0 / k as f32;
    let mut colour = NEUTRAL.map(f32::from);
    for (class, &probability) in p.iter().enumerate().take(k) {
        if !probability.is_finite() {
            return NOT_A_NUMBER;
        }
        let pull = ((probability - chance) / (1.0 - chance)).max(0.0) * strength;
        let target = palette.class_colour(class);
        for (c, (&n, &t)) in colour.iter_mut().zip(NEUTRAL.iter().zip(&target)) {
            *c += (t as f32 - n as f32) * pull;
        }
    }
    colour.map(|c| c.round().clamp(0.0, 255.0) as u8)
}

/// Fills `rgba` (4 bytes a cell) from `classes` probability planes of `rgba.len() / 4` cells
/// each (class k's plane first at `k · cells`), in `palette`'s colours: blended as [`blend`]
/// does, or with `hard` the most probable class's colour at full background strength.
pub fn fill_class_map(palette: Palette, planes: &[f32], classes: usize, hard: bool, rgba: &mut [u8]) {
    let classes = classes.clamp(1, MAX_CLASSES);
    let cells = (rgba.len() / 4).min(planes.len() / classes);
    let mut p = [0.0f32; MAX_CLASSES];
    for (cell, px) in rgba.chunks_exact_mut(4).take(cells).enumerate() {
        for (k, slot) in p[..classes].iter_mut().enumerate() {
            *slot = planes[k * cells + cell];
        }
        let [r, g, b] = if hard {
            let most = (0..classes).fold(0, |best, k| if p[k] > p[best] { k } else { best });
            let mut one_hot = [0.0f32; MAX_CLASSES];
            one_hot[most] = 1.0;
            blend(palette, &one_hot[..classes.max(2)], BACKGROUND_STRENGTH)
        } else {
            blend(palette, &p[..classes], BACKGROUND_STRENGTH)
        };
        px.copy_from_slice(&[r, g, b, 255]);
    }
}

/// Reusable buffers for [`ClassBoundaries::trace`], so painting a frame allocates nothing once
/// they have grown.
#[derive(Clone, Debug, Default)]
pub struct ClassBoundaries {
    margin: Vec<f32>,
    pieces: Vec<[f32; 4]>,
}

impl ClassBoundaries {
    /// The lines between the class regions of a `resolution²` grid of `classes` probability
    /// planes, into `out` (cleared), as [`contour`] gives them: where a class's probability
    /// meets the largest other one. Every class but the last is traced, which meets every
    /// boundary (some twice).
    pub fn trace(&mut self, planes: &[f32], classes: usize, resolution: usize, out: &mut Vec<[f32; 4]>) {
        out.clear();
        let cells = resolution * resolution;
        if classes < 2 || planes.len() < classes * cells {
            return;
        }
        self.margin.resize(cells, 0.0);
        for class in 0..classes - 1 {
            for (cell, m) in self.margin.iter_mut().enumerate() {
                let own = planes[class * cells + cell];
                let other = (0..classes)
                    .filter(|&k| k != class)
                    .map(|k| planes[k * cells + cell])
                    .fold(f32::NEG_INFINITY, f32::max);
                *m = own - other;
            }
            contour(&self.margin, resolution, 0.0, &mut self.pieces);
            out.extend_from_slice(&self.pieces);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::paint::{fill_heatmap, Shading};

    /// Two classes paint as they always did: the confidence scale, or the hard regions, in
    /// either palette.
    #[test]
    fn two_classes_paint_like_the_two_class_scale() {
        let scores: Vec<f32> = (0..200).map(|i| (i as f32 - 100.0) / 12.0).collect();
        let mut planes = vec![0.0; 400];
        for (i, &f) in scores.iter().enumerate() {
            let p = 1.0 / (1.0 + (-f).exp());
            planes[i] = p;
            planes[200 + i] = 1.0 - p;
        }
        for palette in Palette::ALL {
            for (hard, shading) in [(false, Shading::Confidence), (true, Shading::Discrete)] {
                let (mut old, mut new) = (vec![0u8; 800], vec![0u8; 800]);
                fill_heatmap(palette, &scores, shading, &mut old);
                fill_class_map(palette, &planes, 2, hard, &mut new);
                for (a, b) in old.iter().zip(&new) {
                    assert!(a.abs_diff(*b) <= 1, "{palette:?}, {shading:?}: {a} vs {b}");
                }
            }
        }
    }

    #[test]
    fn the_five_colours_are_far_apart_and_chance_is_neutral() {
        // (The colour-blind palette is held apart perceptually, in `palette`'s tests.)
        let palette = Palette::Standard;
        for a in 0..MAX_CLASSES {
            for b in 0..a {
                let (x, y) = (palette.class_colour(a), palette.class_colour(b));
                let distance: f32 = x
                    .iter()
                    .zip(&y)
                    .map(|(&u, &v)| (u as f32 - v as f32).powi(2))
                    .sum::<f32>()
                    .sqrt();
                assert!(distance > 80.0, "classes {a} and {b}: {distance}");
            }
        }
        for palette in Palette::ALL {
            assert_eq!(blend(palette, &[1.0 / 3.0; 3], 1.0), NEUTRAL);
            assert_eq!(
                blend(palette, &[0.0, 0.0, 0.0, 1.0], 1.0),
                palette.class_colour(3)
            );
            assert_eq!(blend(palette, &[f32::NAN, 0.5, 0.5], 1.0), [200, 200, 200]);
            // Halfway between two of three classes, the map mixes both and stays pale.
            let between = blend(palette, &[0.5, 0.0, 0.5], 1.0);
            assert_ne!(between, blend(palette, &[1.0, 0.0, 0.0], 1.0));
            assert_ne!(between, blend(palette, &[0.0, 0.0, 1.0], 1.0));
        }
    }

    /// The class map paints each class's region in the palette's colour for it, and the hard
    /// regions of the colour-blind palette stay apart under every simulated deficiency.
    #[test]
    fn the_class_map_paints_the_palette_s_colours() {
        use crate::page::colour_vision::{delta_e, Vision};
        let k = MAX_CLASSES;
        // Cell c is sure of class c.
        let mut planes = vec![0.0; k * k];
        for class in 0..k {
            planes[class * k + class] = 1.0;
        }
        for palette in Palette::ALL {
            for hard in [false, true] {
                let mut rgba = vec![0u8; 4 * k];
                fill_class_map(palette, &planes, k, hard, &mut rgba);
                for class in 0..k {
                    let full = palette.class_colour(class);
                    for c in 0..3 {
                        let expected =
                            NEUTRAL[c] as f32 + (full[c] as f32 - NEUTRAL[c] as f32) * BACKGROUND_STRENGTH;
                        let got = rgba[4 * class + c] as f32;
                        assert!(
                            (got - expected).abs() <= 0.5,
                            "{palette:?} class {class}: {got} vs {expected}"
                        );
                    }
                }
            }
        }
        let mut rgba = vec![0u8; 4 * k];
        fill_class_map(Palette::ColourBlind, &planes, k, true, &mut rgba);
        let regions: Vec<[u8; 3]> = rgba.chunks(4).map(|px| [px[0], px[1], px[2]]).collect();
        for vision in Vision::ALL {
            for a in 0..k {
                for b in 0..a {
                    let d = delta_e(regions[a], regions[b], vision);
                    assert!(
                        d >= 10.0,
                        "{vision:?}: regions {} and {} are {d:.1} apart",
                        a + 1,
                        b + 1
                    );
                }
            }
        }
    }

    /// Three vertical stripes of classes 1, 2 and 3: two vertical boundaries where they meet.
    #[test]
    fn boundaries_lie_between_the_class_regions() {
        let n = 9;
        let mut planes = vec![0.0; 3 * n * n];
        for cell in 0..n * n {
            let column = cell % n;
            let class = column / 3;
            for k in 0..3 {
                planes[k * n * n + cell] = if k == class { 0.8 } else { 0.1 };
            }
        }
        let mut boundaries = ClassBoundaries::default();
        let mut out = Vec::new();
        boundaries.trace(&planes, 3, n, &mut out);
        assert!(!out.is_empty());
        for [x0, y0, x1, y1] in &out {
            assert_eq!(x0, x1, "vertical");
            assert!((*x0 - 3.0).abs() < 1e-6 || (*x0 - 6.0).abs() < 1e-6, "{x0}");
            assert!((y0 - y1).abs() == 1.0);
        }
        // Both boundaries, along the whole height.
        for x in [3.0, 6.0] {
            let length: f32 = out
                .iter()
                .filter(|s| s[0] == x)
                .map(|s| (s[1] - s[3]).abs())
                .sum();
            assert!(length >= (n - 1) as f32, "x = {x}: {length}");
        }
        boundaries.trace(&planes[..10], 3, n, &mut out);
        assert!(out.is_empty(), "too few values draw nothing");
    }
}
