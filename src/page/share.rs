//! Sharing a scene: the QR code of its link, so students open the same scene on their phones.
//! The page draws the modules on a canvas; this module only computes them.

use qrcode::{Color, EcLevel, QrCode};

/// A QR code's modules, row by row, without the quiet zone around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub size: usize,
    /// Whether each module is dark, row by row from the top left.
    pub dark: Vec<bool>,
}

/// Light modules to leave around the code on every side, as the QR standard asks.
pub const QUIET_ZONE: usize = 4;

impl QrMatrix {
    /// Whether the module in `row` and `column` is dark (false outside the code).
    pub fn is_dark(&self, row: usize, column: usize) -> bool {
        row < self.size && column < self.size && self.dark[row * self.size + column]
    }
}

/// The QR code of `link`: at error-correction level M (a smudge or a glare on the projector
/// screen costs nothing), or at level L when the link is too long for M. A link too long for
/// any QR code (drawn points make links long) gets a message instead.
pub fn qr_code(link: &str) -> Result<QrMatrix, String> {
    let code = QrCode::with_error_correction_level(link, EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(link, EcLevel::L))
        .map_err(|_| {
            format!(
                "This link is {} characters long, more than a QR code holds (about 2 900). Copy the link instead, or share the scene without its drawn points.",
                link.len()
            )
        })?;
    Ok(QrMatrix {
        size: code.width(),
        dark: code.to_colors().into_iter().map(|c| c == Color::Dark).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::scenes::SCENES;

    /// Renders the code at `scale` pixels a module with its quiet zone and reads it back with an
    /// independent decoder.
    fn read_back(code: &QrMatrix, scale: usize) -> String {
        let side = (code.size + 2 * QUIET_ZONE) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (row, column) = (y / scale, x / scale);
            let dark = row >= QUIET_ZONE
                && column >= QUIET_ZONE
                && code.is_dark(row - QUIET_ZONE, column - QUIET_ZONE);
            if dark {
                0
            } else {
                255
            }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        grids[0].decode().expect("a readable code").1
    }

    /// Every scene's link comes back from its QR code exactly, with the code's size what the
    /// standard gives (17 + 4 × version modules).
    #[test]
    fn every_scene_link_reads_back_from_its_qr_code() {
        for (i, scene) in SCENES.iter().enumerate() {
            let link = format!("https://example.org/nnplay/#{}&scene={}", scene.hash, i + 1);
            let code = qr_code(&link).unwrap();
            assert_eq!(code.dark.len(), code.size * code.size);
            assert_eq!((code.size - 17) % 4, 0, "{}", code.size);
            assert_eq!(read_back(&code, 3), link, "{}", scene.title);
        }
    }

    /// A link with many drawn points is too long for a QR code, and the message says what to
    /// do; a long link that still fits drops to the lower error correction.
    #[test]
    fn a_link_too_long_for_a_qr_code_is_explained() {
        // Lower-case letters, as in a link's encoded points, take a byte each.
        let long = format!("https://example.org/#pts={}", "a".repeat(3000));
        let Err(err) = qr_code(&long) else {
            panic!("3025 bytes fit no QR code");
        };
        assert!(
            err.contains("3025 characters") && err.contains("Copy the link"),
            "{err}"
        );
        let fits_only_at_l = format!("https://example.org/#pts={}", "a".repeat(2500));
        let code = qr_code(&fits_only_at_l).unwrap();
        assert_eq!(read_back(&code, 2), fits_only_at_l);
        assert!(!code.is_dark(code.size, 0));
    }
}
