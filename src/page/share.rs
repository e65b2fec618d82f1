//! Sharing a scene: the QR code of its link, so students open the same scene on their phones.
//! The page draws the modules on a canvas; this module only computes them.

use crate::page::scenes::scene_settings;
use crate::page::settings::Settings;
use qrcode::{Color, EcLevel, QrCode};

/// The hash to share for `settings`: just `scene=N` while they are still scene N's own (a
/// short link makes a QR code a phone reads from the back row), every setting otherwise.
/// Inside a slide (`embed`) the link says so too.
pub fn share_hash(settings: &Settings, embed: bool) -> String {
    let plain = Settings {
        embed: false,
        play: false,
        ..settings.clone()
    };
    let unchanged = settings
        .scene
        .and_then(scene_settings)
        .is_some_and(|scene| scene == plain);
    let hash = match settings.scene {
        Some(index) if unchanged => format!("scene={}", index + 1),
        _ => plain.to_hash(),
    };
    if embed {
        format!("{hash}&embed=1")
    } else {
        hash
    }
}

/// The HTML to paste into a slide so it shows the scene at `link` live (an `embed=1` link).
pub fn iframe_snippet(link: &str, title: &str) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<iframe src=\"{}\" width=\"960\" height=\"540\" style=\"border:0\" title=\"nnplay: {}\"></iframe>",
        escape(link),
        escape(title)
    )
}

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

// Native only: the decoder that reads the codes back (rqrr) is a native dev-dependency.
#[cfg(test)]
mod link_tests {
    use super::*;
    use crate::page::scenes::settings_from_link;

    #[test]
    fn a_scene_left_as_it_was_shares_as_its_number_and_an_edited_one_in_full() {
        let scene = scene_settings(8).unwrap();
        assert_eq!(share_hash(&scene, false), "scene=9");
        assert_eq!(
            share_hash(
                &Settings {
                    play: true,
                    ..scene.clone()
                },
                false
            ),
            "scene=9"
        );
        assert_eq!(share_hash(&scene, true), "scene=9&embed=1");
        let mut edited = scene.clone();
        edited.run.learning_rate = 0.5;
        let full = share_hash(&edited, false);
        assert!(full.contains("lr=0.5") && full.contains("scene=9"), "{full}");
        // Either link opens what was shared.
        assert_eq!(settings_from_link(&share_hash(&scene, false)).0, scene);
        assert_eq!(settings_from_link(&full).0, edited);
        let embedded = settings_from_link(&share_hash(&edited, true)).0;
        assert!(embedded.embed && embedded.run.learning_rate == 0.5);
    }

    #[test]
    fn the_iframe_snippet_escapes_what_it_quotes() {
        let snippet = iframe_snippet("https://x.org/#scene=9&embed=1", "A \"quoted\" <title>");
        assert!(
            snippet.starts_with("<iframe src=\"https://x.org/#scene=9&amp;embed=1\""),
            "{snippet}"
        );
        assert!(
            snippet.contains("nnplay: A &quot;quoted&quot; &lt;title&gt;"),
            "{snippet}"
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
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
