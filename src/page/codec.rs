//! A compact text encoding of a point set for links: four bytes a point (two 12-bit
//! coordinates, a test flag and a 7-bit target), base64url without padding, behind a version
//! character. 500 points take about 2 700 characters.
//!
//! Version `1` holds two classes (target 1 for class 1, y = +1, and 0 for class 2) or values;
//! version `2`, followed by the number of classes K (one digit, 3 to 5), holds three or more
//! classes, the target being the class index 0 … K − 1. Two classes are always written as
//! version 1, so their links read as they always did.

use crate::engine::{class_of, class_target, Dataset, Point, Task, MAX_CLASSES};

/// The largest number of points a link may carry (as many as the plot holds).
pub const MAX_LINK_POINTS: usize = super::limits::MAX_POINTS;

const VERSION: char = '1';
/// The version of point sets with three or more classes.
const CLASSES_VERSION: char = '2';
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const COORDINATE_STEPS: f32 = 4095.0;
const VALUE_STEPS: f32 = 126.0;

fn quantize(v: f32, steps: f32) -> u32 {
    (((v.clamp(-1.0, 1.0) + 1.0) / 2.0 * steps).round()) as u32
}

fn dequantize(q: u32, steps: f32) -> f32 {
    q as f32 / steps * 2.0 - 1.0
}

/// Encodes `points` of `task` with `classes` classes (ignored for regression) for a link.
pub fn encode_points(points: &[Point], task: Task, classes: usize) -> String {
    let many = task == Task::Classification && classes > 2;
    let mut bytes = Vec::with_capacity(points.len() * 4);
    for p in points {
        let (a, b) = (
            quantize(p.x[0], COORDINATE_STEPS),
            quantize(p.x[1], COORDINATE_STEPS),
        );
        let target = match task {
            Task::Classification if many => class_of(p.y, classes) as u32,
            Task::Classification => u32::from(p.y > 0.0),
            Task::Regression => quantize(p.y, VALUE_STEPS),
        };
        bytes.extend_from_slice(&[
            (a >> 4) as u8,
            (((a & 0xF) << 4) | (b >> 8)) as u8,
            (b & 0xFF) as u8,
            ((u32::from(p.test) << 7) | target) as u8,
        ]);
    }
    let mut out = String::with_capacity(2 + bytes.len() * 4 / 3 + 2);
    if many {
        out.push(CLASSES_VERSION);
        out.push(char::from(b'0' + classes.min(MAX_CLASSES) as u8));
    } else {
        out.push(VERSION);
    }
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes a link's point set for `task` (with the number of classes the text names: two for
/// version 1, none for regression), or says in plain words why it cannot.
pub fn decode_points(text: &str, task: Task) -> Result<Dataset, String> {
    let (body, classes) = if let Some(rest) = text.strip_prefix(CLASSES_VERSION) {
        let mut chars = rest.chars();
        let classes = chars
            .next()
            .and_then(|c| c.to_digit(10))
            .map(|k| k as usize)
            .filter(|k| (3..=MAX_CLASSES).contains(k))
            .ok_or(format!("the number of classes is not 3 to {MAX_CLASSES}"))?;
        if task == Task::Regression {
            return Err("the points have classes but the data set holds values".into());
        }
        (chars.as_str(), classes)
    } else {
        let body = text
            .strip_prefix(VERSION)
            .ok_or("the points are not in the form nnplay writes them (damaged, or from another version)")?;
        (body, if task == Task::Classification { 2 } else { 0 })
    };
    // Four bytes a point, four characters for every three bytes.
    if body.len() > (MAX_LINK_POINTS * 4 * 4).div_ceil(3) {
        return Err(format!("the link carries more than {MAX_LINK_POINTS} points"));
    }
    let mut bytes = Vec::with_capacity(body.len() * 3 / 4);
    let symbols: Vec<u32> = body
        .bytes()
        .map(|c| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32))
        .collect::<Option<_>>()
        .ok_or("the points contain characters a link cannot hold")?;
    for chunk in symbols.chunks(4) {
        if chunk.len() == 1 {
            return Err("the point data is cut short".into());
        }
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &s)| n | s << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            bytes.push((n >> (16 - 8 * i)) as u8);
        }
    }
    if bytes.len() % 4 != 0 {
        return Err("the point data is cut short".into());
    }
    let points = bytes
        .chunks_exact(4)
        .map(|b| {
            let a = ((b[0] as u32) << 4) | (b[1] as u32 >> 4);
            let c = ((b[1] as u32 & 0xF) << 8) | b[2] as u32;
            let target = (b[3] & 0x7F) as u32;
            let y = match task {
                Task::Classification if classes > 2 && (target as usize) < classes => {
                    class_target(target as usize, classes)
                }
                Task::Classification if classes == 2 && target <= 1 => {
                    if target == 1 {
                        1.0
                    } else {
                        -1.0
                    }
                }
                Task::Classification if classes == 2 => {
                    return Err("a point has a class other than 1 or 2".to_string())
                }
                Task::Classification => return Err(format!("a point has a class other than 1 to {classes}")),
                Task::Regression if target <= VALUE_STEPS as u32 => dequantize(target, VALUE_STEPS),
                Task::Regression => return Err("a point has a value outside [-1, 1]".to_string()),
            };
            Ok(Point {
                x: [dequantize(a, COORDINATE_STEPS), dequantize(c, COORDINATE_STEPS)],
                y,
                test: b[3] & 0x80 != 0,
            })
        })
        .collect::<Result<Vec<Point>, String>>()?;
    Ok(Dataset {
        task,
        classes,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DataSpec, Dataset, Preset, Rng};

    #[test]
    fn points_round_trip_to_within_the_quantisation() {
        for preset in [Preset::Spiral, Preset::Bumps] {
            let data = Dataset::generate(&DataSpec {
                preset,
                count: 500,
                noise: 0.2,
                test_fraction: 0.3,
                seed: 3,
            });
            let text = encode_points(&data.points, data.task, data.classes);
            assert!(text.len() < 2_700, "{} characters", text.len());
            let back = decode_points(&text, data.task).unwrap().points;
            assert_eq!(back.len(), data.points.len());
            for (a, b) in data.points.iter().zip(&back) {
                assert!((a.x[0] - b.x[0]).abs() <= 1.0 / 4095.0 + 1e-6);
                assert!((a.x[1] - b.x[1]).abs() <= 1.0 / 4095.0 + 1e-6);
                assert!((a.y - b.y).abs() <= 1.0 / 126.0 + 1e-6);
                assert_eq!(a.test, b.test);
            }
            // Decoding what was decoded changes nothing: the encoding is stable.
            assert_eq!(encode_points(&back, data.task, data.classes), text);
        }
        assert_eq!(
            decode_points(&encode_points(&[], Task::Classification, 2), Task::Classification),
            Ok(Dataset::empty(Task::Classification))
        );
    }

    /// A link holds as many points as the plot does, and refuses one more.
    #[test]
    fn the_largest_point_set_round_trips_and_one_more_is_refused() {
        let data = Dataset::generate(&DataSpec {
            preset: Preset::Gauss,
            count: MAX_LINK_POINTS,
            noise: 0.3,
            test_fraction: 0.5,
            seed: 8,
        });
        assert_eq!(data.points.len(), MAX_LINK_POINTS);
        let text = encode_points(&data.points, data.task, data.classes);
        let back = decode_points(&text, data.task)
            .expect("the largest set decodes")
            .points;
        assert_eq!(back.len(), MAX_LINK_POINTS);
        assert_eq!(encode_points(&back, data.task, data.classes), text);

        let mut more = data.points.clone();
        more.push(data.points[0]);
        let err = decode_points(&encode_points(&more, data.task, 2), data.task).unwrap_err();
        assert!(err.contains("more than"), "{err}");
    }

    #[test]
    fn broken_text_is_refused_with_a_reason() {
        for bad in ["", "2AAAA", "1A", "1AAAAA", "1!!!!", "1AAAB/", "1AAA_"] {
            assert!(decode_points(bad, Task::Classification).is_err(), "{bad:?}");
        }
    }

    /// Two classes are written exactly as before classes beyond two existed: links made then
    /// open now, and links of two classes made now open in older copies.
    #[test]
    fn two_classes_keep_the_first_version_bit_for_bit() {
        let points = [
            Point {
                x: [0.5, -0.25],
                y: 1.0,
                test: false,
            },
            Point {
                x: [-1.0, 1.0],
                y: -1.0,
                test: true,
            },
        ];
        let text = encode_points(&points, Task::Classification, 2);
        // Worked by hand: bytes BF F6 00 01 and 00 0F FF 80, in base64url after the version.
        assert_eq!(text, "1v_YAAQAP_4A");
        let back = decode_points(&text, Task::Classification).unwrap();
        assert_eq!(back.classes, 2);
        assert_eq!(back.points[1], points[1]);
    }

    /// Three to five classes keep every point's class, its test flag and its place; the text
    /// names the number of classes, so a class no point uses is not lost.
    #[test]
    fn class_labels_round_trip_for_three_to_five_classes() {
        let mut rng = Rng::new(20);
        for round in 0..300 {
            let classes = 3 + round % 3;
            let points: Vec<Point> = (0..rng.below(60))
                .map(|_| Point {
                    x: [rng.uniform(-1.0, 1.0) as f32, rng.uniform(-1.0, 1.0) as f32],
                    // Never the last class: the count must come from the text, not the points.
                    y: class_target(rng.below(classes - 1), classes),
                    test: rng.chance(0.3),
                })
                .collect();
            let text = encode_points(&points, Task::Classification, classes);
            assert!(text.starts_with(&format!("2{classes}")), "{text}");
            let back = decode_points(&text, Task::Classification).unwrap();
            assert_eq!(back.classes, classes);
            assert_eq!(back.points.len(), points.len());
            for (a, b) in points.iter().zip(&back.points) {
                assert_eq!((a.y, a.test), (b.y, b.test));
                assert!((a.x[0] - b.x[0]).abs() <= 1.0 / 4095.0 + 1e-6);
                assert!((a.x[1] - b.x[1]).abs() <= 1.0 / 4095.0 + 1e-6);
            }
            assert_eq!(encode_points(&back.points, Task::Classification, classes), text);
        }
        // The presets of three and four classes survive whole.
        for preset in [Preset::Blobs3, Preset::Spiral3, Preset::Quadrants4] {
            let data = Dataset::generate(&DataSpec {
                preset,
                count: 300,
                noise: 0.1,
                test_fraction: 0.3,
                seed: 4,
            });
            let back =
                decode_points(&encode_points(&data.points, data.task, data.classes), data.task).unwrap();
            assert_eq!(back.classes, data.classes);
            assert!(back.points.iter().zip(&data.points).all(|(a, b)| a.y == b.y));
        }
    }

    #[test]
    fn bad_class_texts_are_refused_with_a_reason() {
        let point = |y: f32| Point {
            x: [0.0, 0.0],
            y,
            test: false,
        };
        let three = encode_points(&[point(2.0)], Task::Classification, 3);
        // Class 4 of four classes, under a header that says three.
        let past_the_last = format!(
            "23{}",
            &encode_points(&[point(3.0)], Task::Classification, 4)[2..]
        );
        for (text, task, expected) in [
            ("26AAAA", Task::Classification, "not 3 to 5"),
            ("22AAAA", Task::Classification, "not 3 to 5"),
            ("2", Task::Classification, "not 3 to 5"),
            (three.as_str(), Task::Regression, "holds values"),
            (past_the_last.as_str(), Task::Classification, "other than 1 to 3"),
        ] {
            let err = decode_points(text, task).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
        assert_eq!(
            decode_points(&three, Task::Classification).unwrap().points[0].y,
            2.0
        );
    }

    #[test]
    fn a_hundred_thousand_random_class_texts_never_panic() {
        let mut rng = Rng::new(31);
        let alphabet: Vec<char> = "2345ABCabc019-_=+/%!é ".chars().collect();
        for _ in 0..100_000 {
            let len = rng.below(40);
            let text: String = std::iter::once('2')
                .chain((0..len).map(|_| alphabet[rng.below(alphabet.len())]))
                .collect();
            if let Ok(data) = decode_points(&text, Task::Classification) {
                assert!((3..=MAX_CLASSES).contains(&data.classes));
                assert!(data
                    .points
                    .iter()
                    .all(|p| p.x.iter().all(|v| (-1.0..=1.0).contains(v))
                        && class_target(class_of(p.y, data.classes), data.classes) == p.y));
            }
        }
    }

    #[test]
    fn a_hundred_thousand_random_inputs_never_panic() {
        let mut rng = Rng::new(99);
        let alphabet: Vec<char> = "1ABCabc019-_=+/%!é ".chars().collect();
        for _ in 0..100_000 {
            let len = rng.below(40);
            let text: String = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let task = if rng.chance(0.5) {
                Task::Classification
            } else {
                Task::Regression
            };
            if let Ok(data) = decode_points(&text, task) {
                assert!(data
                    .points
                    .iter()
                    .all(|p| p.x.iter().all(|v| (-1.0..=1.0).contains(v)) && p.y.is_finite()));
            }
        }
    }
}
