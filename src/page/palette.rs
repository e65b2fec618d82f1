//! The page's colours for classes and values, as a choice between two palettes passed to every
//! painter: the standard orange and blue, or colours that stay apart under the common
//! colour-vision deficiencies (Okabe and Ito's), where each class is also drawn with its own
//! marker shape, since colour alone is never enough. Free of web types; the page keeps the
//! choice in its state and in this browser's storage, never in the link.

use crate::engine::MAX_CLASSES;

/// Which colours the page paints classes and values in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Palette {
    /// Orange for class 1 and blue for class 2 (then Okabe and Ito's bluish green, reddish
    /// purple and sky blue); every point a disc.
    #[default]
    Standard,
    /// Okabe and Ito's vermillion and blue for the two classes, with the diverging scale
    /// between them, then reddish purple, sky blue and orange; each class its own marker.
    ColourBlind,
}

nnplay_engine::keyed_enum!(Palette {
    Standard => "standard", "Standard colours";
    ColourBlind => "cb", "Colour-blind-safe colours";
});

/// RGB of the neutral middle of the diverging scale, and of a map where the model is unsure.
pub const NEUTRAL: [u8; 3] = [247, 248, 250];
/// RGB of a value that is not a number.
pub const NOT_A_NUMBER: [u8; 3] = [200, 200, 200];

/// The standard class colours, class 1 first: an orange and a blue that read well on a
/// projector, then the bluish green, reddish purple and sky blue of Okabe and Ito's palette.
const STANDARD: [[u8; 3]; MAX_CLASSES] = [
    [232, 116, 59],
    [31, 119, 180],
    [0, 158, 115],
    [204, 121, 167],
    [86, 180, 233],
];

/// Okabe and Ito's colours (vermillion, blue, reddish purple, sky blue, orange), in the order
/// that keeps the first k of them farthest apart under deuteranopia, protanopia and
/// tritanopia. Their yellow is left out: it is too pale on the page's white.
const COLOUR_BLIND: [[u8; 3]; MAX_CLASSES] = [
    [213, 94, 0],
    [0, 114, 178],
    [204, 121, 167],
    [86, 180, 233],
    [230, 159, 0],
];

/// The shape a point of a class is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Marker {
    /// A disc.
    Circle,
    /// A square on its side.
    Square,
    /// A triangle pointing up.
    Triangle,
    /// A square on its corner.
    Diamond,
    /// A diagonal cross (×).
    Cross,
}

impl Marker {
    /// Every marker, in the order classes get them.
    pub const ALL: [Marker; MAX_CLASSES] = [
        Marker::Circle,
        Marker::Square,
        Marker::Triangle,
        Marker::Diamond,
        Marker::Cross,
    ];

    /// The corners of the marker's outline for a radius of 1, centred on the origin with y
    /// pointing down (as on a canvas), in drawing order; empty for the circle, which is drawn
    /// as an arc of radius 1. Each shape covers the area of that circle (π), so no class looks
    /// heavier than another.
    pub fn outline(self) -> &'static [[f64; 2]] {
        match self {
            Marker::Circle => &[],
            // Half the side is √π / 2.
            Marker::Square => &[
                [-0.886227, -0.886227],
                [0.886227, -0.886227],
                [0.886227, 0.886227],
                [-0.886227, 0.886227],
            ],
            // Equilateral, centroid at the origin, corners √(4π / 3√3) from it.
            Marker::Triangle => &[[0.0, -1.555120], [1.346774, 0.777560], [-1.346774, 0.777560]],
            // Corners √(π / 2) from the centre.
            Marker::Diamond => &[
                [0.0, -1.253314],
                [1.253314, 0.0],
                [0.0, 1.253314],
                [-1.253314, 0.0],
            ],
            // A plus of arms 0.84 wide reaching 1.145 from the centre, turned by 45°.
            Marker::Cross => &[
                [-0.512652, 1.106606],
                [0.0, 0.593954],
                [0.512652, 1.106606],
                [1.106606, 0.512652],
                [0.593954, 0.0],
                [1.106606, -0.512652],
                [0.512652, -1.106606],
                [0.0, -0.593954],
                [-0.512652, -1.106606],
                [-1.106606, -0.512652],
                [-0.593954, 0.0],
                [-1.106606, 0.512652],
            ],
        }
    }

    /// How far the marker reaches from its centre, for a radius of 1.
    pub fn reach(self) -> f64 {
        self.outline()
            .iter()
            .map(|[x, y]| x.hypot(*y))
            .fold(1.0, f64::max)
    }
}

impl Palette {
    /// RGB of class index `class` (0 is class 1; past the last, the last).
    pub fn class_colour(self, class: usize) -> [u8; 3] {
        let colours = match self {
            Palette::Standard => &STANDARD,
            Palette::ColourBlind => &COLOUR_BLIND,
        };
        colours[class.min(MAX_CLASSES - 1)]
    }

    /// RGB of the positive end of the diverging scale, the colour of class 1 (+1).
    pub fn positive(self) -> [u8; 3] {
        self.class_colour(0)
    }

    /// RGB of the negative end of the diverging scale, the colour of class 2 (−1).
    pub fn negative(self) -> [u8; 3] {
        self.class_colour(1)
    }

    /// The shape points of class index `class` are drawn with: a disc for every class in the
    /// standard palette; in the colour-blind one, circle, square, triangle, diamond and cross
    /// for classes 1 to 5.
    pub fn marker(self, class: usize) -> Marker {
        match self {
            Palette::Standard => Marker::Circle,
            Palette::ColourBlind => Marker::ALL[class.min(MAX_CLASSES - 1)],
        }
    }

    /// The class the page's root element gets, so the stylesheet can shape the class swatches
    /// like the points.
    pub fn css_class(self) -> &'static str {
        match self {
            Palette::Standard => "palette-standard",
            Palette::ColourBlind => "palette-cb",
        }
    }

    /// The stylesheet's colour variables for this palette (`--class-1` to `--class-5`,
    /// `--positive`, `--negative` and `--neutral`), as an inline style for the page's root.
    pub fn css_variables(self) -> String {
        let rgb = |[r, g, b]: [u8; 3]| format!("rgb({r}, {g}, {b})");
        let mut style: String = (0..MAX_CLASSES)
            .map(|k| format!("--class-{}: {}; ", k + 1, rgb(self.class_colour(k))))
            .collect();
        style.push_str(&format!(
            "--positive: {}; --negative: {}; --neutral: {};",
            rgb(self.positive()),
            rgb(self.negative()),
            rgb(NEUTRAL)
        ));
        style
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::colour_vision::{delta_e, Vision};

    /// The smallest CIELAB distance between any two of `colours` as someone with `vision` sees
    /// them, with the pair.
    fn closest(colours: &[[u8; 3]], vision: Vision) -> (f64, usize, usize) {
        let mut best = (f64::INFINITY, 0, 0);
        for a in 0..colours.len() {
            for b in 0..a {
                let d = delta_e(colours[a], colours[b], vision);
                if d < best.0 {
                    best = (d, a, b);
                }
            }
        }
        best
    }

    /// Every number of classes from two to five keeps its colours far apart (ΔE*ab ≥ 17, where
    /// 2.3 is just noticeable) for typical vision and under simulated deuteranopia, protanopia
    /// and tritanopia; the two classes of the lecture far more (≥ 80).
    #[test]
    fn colour_blind_class_colours_stay_apart_under_every_deficiency() {
        let colours: Vec<[u8; 3]> = (0..MAX_CLASSES)
            .map(|k| Palette::ColourBlind.class_colour(k))
            .collect();
        for vision in Vision::ALL {
            let (d, _, _) = closest(&colours[..2], vision);
            assert!(d >= 80.0, "{vision:?}: the two classes are {d:.1} apart");
            for k in 3..=MAX_CLASSES {
                let (d, a, b) = closest(&colours[..k], vision);
                assert!(
                    d >= 17.0,
                    "{vision:?}, {k} classes: {} and {} are {d:.1} apart",
                    a + 1,
                    b + 1
                );
            }
        }
    }

    /// Every class colour stands out from the neutral background of an unsure map, whoever
    /// looks at it.
    #[test]
    fn colour_blind_class_colours_stand_out_from_the_neutral_background() {
        for k in 0..MAX_CLASSES {
            for vision in Vision::ALL {
                let d = delta_e(Palette::ColourBlind.class_colour(k), NEUTRAL, vision);
                assert!(d >= 30.0, "class {} under {vision:?}: {d:.1}", k + 1);
            }
        }
    }

    #[test]
    fn the_standard_palette_keeps_the_page_s_colours() {
        let p = Palette::Standard;
        assert_eq!(p.positive(), [232, 116, 59]);
        assert_eq!(p.negative(), [31, 119, 180]);
        assert_eq!(p.class_colour(9), p.class_colour(MAX_CLASSES - 1));
        assert!((0..MAX_CLASSES).all(|k| p.marker(k) == Marker::Circle));
        assert_eq!(Palette::ColourBlind.positive(), [213, 94, 0]);
        assert_eq!(Palette::ColourBlind.negative(), [0, 114, 178]);
        assert_eq!("cb".parse::<Palette>(), Ok(Palette::ColourBlind));
        assert!("cvd".parse::<Palette>().is_err());
    }

    /// In the colour-blind palette every class has its own shape, and all of them cover the
    /// same area as the disc, centred on the point.
    #[test]
    fn markers_differ_by_class_and_cover_the_disc_s_area() {
        let p = Palette::ColourBlind;
        for a in 0..MAX_CLASSES {
            for b in 0..a {
                assert_ne!(p.marker(a), p.marker(b), "classes {} and {}", a + 1, b + 1);
            }
        }
        for marker in Marker::ALL.into_iter().skip(1) {
            let corners = marker.outline();
            let n = corners.len();
            // The shoelace formula: the signed area and the centroid of the polygon.
            let (mut twice_area, mut cx, mut cy) = (0.0, 0.0, 0.0);
            for i in 0..n {
                let ([x0, y0], [x1, y1]) = (corners[i], corners[(i + 1) % n]);
                let cross = x0 * y1 - x1 * y0;
                twice_area += cross;
                cx += (x0 + x1) * cross;
                cy += (y0 + y1) * cross;
            }
            let area = twice_area.abs() / 2.0;
            assert!(
                (area - std::f64::consts::PI).abs() < 1e-3,
                "{marker:?}: area {area}"
            );
            let (cx, cy) = (cx / (3.0 * twice_area), cy / (3.0 * twice_area));
            assert!(
                cx.abs() < 1e-4 && cy.abs() < 1e-4,
                "{marker:?}: centred at ({cx}, {cy})"
            );
            assert!(marker.reach() > 1.0 && marker.reach() < 1.6, "{marker:?}");
        }
        assert_eq!(Marker::Circle.reach(), 1.0);
    }

    #[test]
    fn the_stylesheet_variables_name_the_palette_s_colours() {
        let style = Palette::ColourBlind.css_variables();
        assert!(style.contains("--class-1: rgb(213, 94, 0);"), "{style}");
        assert!(style.contains("--class-5: rgb(230, 159, 0);"), "{style}");
        assert!(style.contains("--negative: rgb(0, 114, 178);"), "{style}");
        assert!(style.contains("--neutral: rgb(247, 248, 250);"), "{style}");
        assert_ne!(Palette::Standard.css_class(), Palette::ColourBlind.css_class());
    }
}
