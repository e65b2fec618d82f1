//! A compact text encoding of a point set for links: four bytes a point (two 12-bit
//! coordinates, a test flag and a 7-bit target), base64url without padding, behind a version
//! character. 500 points take about 2 700 characters.

use crate::engine::{Point, Task};

/// The largest number of points a link may carry (as many as the plot holds).
pub const MAX_LINK_POINTS: usize = super::limits::MAX_POINTS;

const VERSION: char = '1';
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const COORDINATE_STEPS: f32 = 4095.0;
const VALUE_STEPS: f32 = 126.0;

fn quantize(v: f32, steps: f32) -> u32 {
    (((v.clamp(-1.0, 1.0) + 1.0) / 2.0 * steps).round()) as u32
}

fn dequantize(q: u32, steps: f32) -> f32 {
    q as f32 / steps * 2.0 - 1.0
}

/// Encodes `points` for a link.
pub fn encode_points(points: &[Point], task: Task) -> String {
    let mut bytes = Vec::with_capacity(points.len() * 4);
    for p in points {
        let (a, b) = (
            quantize(p.x[0], COORDINATE_STEPS),
            quantize(p.x[1], COORDINATE_STEPS),
        );
        let target = match task {
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
    let mut out = String::with_capacity(1 + bytes.len() * 4 / 3 + 2);
    out.push(VERSION);
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

/// Decodes a link's point set, or says in plain words why it cannot.
pub fn decode_points(text: &str, task: Task) -> Result<Vec<Point>, String> {
    let body = text
        .strip_prefix(VERSION)
        .ok_or("the points were written by a different version of nnplay")?;
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
    bytes
        .chunks_exact(4)
        .map(|b| {
            let a = ((b[0] as u32) << 4) | (b[1] as u32 >> 4);
            let c = ((b[1] as u32 & 0xF) << 8) | b[2] as u32;
            let target = (b[3] & 0x7F) as u32;
            let y = match task {
                Task::Classification if target <= 1 => {
                    if target == 1 {
                        1.0
                    } else {
                        -1.0
                    }
                }
                Task::Classification => return Err("a point has a class other than 1 or 2".to_string()),
                Task::Regression if target <= VALUE_STEPS as u32 => dequantize(target, VALUE_STEPS),
                Task::Regression => return Err("a point has a value outside [-1, 1]".to_string()),
            };
            Ok(Point {
                x: [dequantize(a, COORDINATE_STEPS), dequantize(c, COORDINATE_STEPS)],
                y,
                test: b[3] & 0x80 != 0,
            })
        })
        .collect()
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
            let text = encode_points(&data.points, data.task);
            assert!(text.len() < 2_700, "{} characters", text.len());
            let back = decode_points(&text, data.task).unwrap();
            assert_eq!(back.len(), data.points.len());
            for (a, b) in data.points.iter().zip(&back) {
                assert!((a.x[0] - b.x[0]).abs() <= 1.0 / 4095.0 + 1e-6);
                assert!((a.x[1] - b.x[1]).abs() <= 1.0 / 4095.0 + 1e-6);
                assert!((a.y - b.y).abs() <= 1.0 / 126.0 + 1e-6);
                assert_eq!(a.test, b.test);
            }
            // Decoding what was decoded changes nothing: the encoding is stable.
            assert_eq!(encode_points(&back, data.task), text);
        }
        assert_eq!(
            decode_points(&encode_points(&[], Task::Classification), Task::Classification),
            Ok(vec![])
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
        let text = encode_points(&data.points, data.task);
        let back = decode_points(&text, data.task).expect("the largest set decodes");
        assert_eq!(back.len(), MAX_LINK_POINTS);
        assert_eq!(encode_points(&back, data.task), text);

        let mut more = data.points.clone();
        more.push(data.points[0]);
        let err = decode_points(&encode_points(&more, data.task), data.task).unwrap_err();
        assert!(err.contains("more than"), "{err}");
    }

    #[test]
    fn broken_text_is_refused_with_a_reason() {
        for bad in ["", "2AAAA", "1A", "1AAAAA", "1!!!!", "1AAAB/", "1AAA_"] {
            assert!(decode_points(bad, Task::Classification).is_err(), "{bad:?}");
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
            if let Ok(points) = decode_points(&text, task) {
                assert!(points
                    .iter()
                    .all(|p| p.x.iter().all(|v| (-1.0..=1.0).contains(v)) && p.y.is_finite()));
            }
        }
    }
}
