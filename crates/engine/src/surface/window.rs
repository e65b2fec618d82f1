//! The square of a plane a surface covers: the same scale on both axes, so the picture keeps the
//! plane's angles (a gradient crosses the contours at right angles, as in the lecture).

/// How much room a window leaves around the points it is fitted to (1.25: a quarter more).
const MARGIN: f64 = 1.25;
/// A window that must grow grows at least by this factor, so a path that keeps moving does not
/// restart the surface at every step.
const GROWTH: f64 = 1.5;

/// A square [centre ± half_width]² of plane coordinates (a across, b up).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The centre (a, b).
    pub centre: [f64; 2],
    /// Half the side.
    pub half_width: f64,
}

impl Window {
    /// The smallest square holding every finite point of `points` with a margin around them,
    /// and at least `min_half_width` on each side of its centre.
    pub fn around(points: &[[f64; 2]], min_half_width: f64) -> Window {
        let finite = points.iter().filter(|p| p[0].is_finite() && p[1].is_finite());
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in finite {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        if lo[0] > hi[0] {
            return Window {
                centre: [0.0; 2],
                half_width: min_half_width.max(f64::MIN_POSITIVE),
            };
        }
        let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]) / 2.0;
        Window {
            centre: [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0],
            half_width: (extent * MARGIN).max(min_half_width).max(f64::MIN_POSITIVE),
        }
    }

    /// Whether `p` lies in the window (edges included).
    pub fn contains(&self, p: [f64; 2]) -> bool {
        (0..2).all(|k| (p[k] - self.centre[k]).abs() <= self.half_width)
    }

    /// The distance between neighbouring nodes of a grid of `nodes × nodes` nodes.
    pub fn spacing(&self, nodes: usize) -> f64 {
        2.0 * self.half_width / (nodes.max(2) - 1) as f64
    }

    /// The plane coordinates of node (`row`, `col`) of a grid of `nodes × nodes` nodes spanning
    /// the window edge to edge: row 0 along the top (largest b), column 0 along the left
    /// (smallest a), as an image is laid out. The middle node of an odd grid is the centre exactly.
    pub fn node(&self, row: usize, col: usize, nodes: usize) -> [f64; 2] {
        let middle = (nodes.max(1) - 1) as f64 / 2.0;
        let step = self.spacing(nodes);
        [
            self.centre[0] + (col as f64 - middle) * step,
            self.centre[1] - (row as f64 - middle) * step,
        ]
    }

    /// Where `p` falls as fractions of the window: 0 at the left and top edges, 1 at the right
    /// and bottom (outside the window: below 0 or above 1). For painting points and paths.
    pub fn to_fraction(&self, p: [f64; 2]) -> [f64; 2] {
        let side = 2.0 * self.half_width;
        [
            (p[0] - (self.centre[0] - self.half_width)) / side,
            ((self.centre[1] + self.half_width) - p[1]) / side,
        ]
    }

    /// The plane coordinates at fractions `f` of the window (the inverse of
    /// [`Window::to_fraction`]): for turning a click into a point of the plane.
    pub fn from_fraction(&self, f: [f64; 2]) -> [f64; 2] {
        let side = 2.0 * self.half_width;
        [
            self.centre[0] - self.half_width + f[0] * side,
            self.centre[1] + self.half_width - f[1] * side,
        ]
    }

    /// A larger window that also holds `p`, when `p` is finite and outside this one: at least
    /// half as large again, at most `max_half_width` on each side. `None` when `p` is inside, not
    /// finite, or the window cannot grow any more (then `p` stays off the surface).
    pub fn grown_to_hold(&self, p: [f64; 2], max_half_width: f64) -> Option<Window> {
        if self.contains(p) || !(p[0].is_finite() && p[1].is_finite()) || self.half_width >= max_half_width {
            return None;
        }
        let corners = [
            [self.centre[0] - self.half_width, self.centre[1] - self.half_width],
            [self.centre[0] + self.half_width, self.centre[1] + self.half_width],
            p,
        ];
        let fitted = Window::around(&corners, GROWTH * self.half_width);
        let half_width = fitted.half_width.min(max_half_width);
        // A capped window keeps its centre on the way from the old centre towards `p`.
        let shift = half_width - self.half_width;
        let centre = [0, 1].map(|k| {
            let wanted = fitted.centre[k] - self.centre[k];
            self.centre[k] + wanted.clamp(-shift, shift)
        });
        Some(Window { centre, half_width })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_holds_its_points_with_room_and_keeps_a_square() {
        let w = Window::around(&[[0.0, 0.0], [2.0, 1.0], [f64::NAN, 5.0]], 0.1);
        assert_eq!(w.centre, [1.0, 0.5]);
        assert_eq!(w.half_width, 1.25);
        assert!(w.contains([2.0, 1.0]) && !w.contains([2.3, 0.0]));
        assert_eq!(Window::around(&[[3.0, 3.0]], 0.5).half_width, 0.5);
        assert_eq!(Window::around(&[], 2.0).centre, [0.0, 0.0]);
        // Nodes run left to right and top to bottom; the middle node is the centre exactly.
        let w = Window {
            centre: [0.1, -0.3],
            half_width: 0.7,
        };
        assert_eq!(w.node(32, 32, 65), [0.1, -0.3]);
        assert_eq!(w.node(0, 0, 65), [0.1 - 0.7, -0.3 + 0.7]);
        assert!((w.node(64, 64, 65)[1] - (-1.0)).abs() < 1e-12);
        for p in [[0.0, 0.0], [0.5, -0.9], [3.0, 2.0]] {
            let back = w.from_fraction(w.to_fraction(p));
            assert!((back[0] - p[0]).abs() < 1e-12 && (back[1] - p[1]).abs() < 1e-12);
        }
        assert_eq!(w.to_fraction([0.1 - 0.7, -0.3 + 0.7]), [0.0, 0.0]);
    }

    #[test]
    fn a_window_grows_to_hold_a_point_until_its_limit() {
        let w = Window {
            centre: [0.0, 0.0],
            half_width: 1.0,
        };
        assert_eq!(w.grown_to_hold([0.5, 0.5], 10.0), None);
        assert_eq!(w.grown_to_hold([f64::INFINITY, 0.0], 10.0), None);
        let grown = w.grown_to_hold([3.0, 0.0], 10.0).unwrap();
        assert!(grown.contains([3.0, 0.0]) && grown.contains([-1.0, -1.0]) && grown.contains([-1.0, 1.0]));
        let small_step = w.grown_to_hold([1.1, 0.0], 10.0).unwrap();
        assert!(small_step.half_width >= 1.5, "grows by half at least");
        let capped = w.grown_to_hold([100.0, 0.0], 4.0).unwrap();
        assert_eq!(capped.half_width, 4.0);
        assert!(!capped.contains([100.0, 0.0]) && capped.contains([-1.0, 0.0]));
        assert_eq!(capped.grown_to_hold([100.0, 0.0], 4.0), None);
    }
}
