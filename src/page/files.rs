//! Data and model files: points as CSV or JSON (download and upload) and the trained model as
//! JSON. Parsing never panics and never half-applies: a file is either read whole or refused
//! with a message that says what is wrong and where.

use super::limits::MAX_POINTS;
use crate::engine::{Dataset, Model, Point, Task};
use serde::{Deserialize, Serialize};

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 4_000_000;

/// The points as CSV: a header `x1,x2,y,split`, then one row a point (`split` is `train` or
/// `test`; `y` is 1 or −1 for classes, a value in [-1, 1] for regression).
pub fn to_csv(data: &Dataset) -> String {
    let mut out = String::from("x1,x2,y,split\n");
    for p in &data.points {
        out.push_str(&format!(
            "{},{},{},{}\n",
            p.x[0],
            p.x[1],
            p.y,
            if p.test { "test" } else { "train" }
        ));
    }
    out
}

/// A data set as JSON.
#[derive(Serialize, Deserialize)]
struct DataFile {
    task: Task,
    points: Vec<Point>,
}

/// The points as JSON: `{"task": "Classification", "points": [{"x": [x1, x2], "y": 1, "test": false}, …]}`.
pub fn to_json(data: &Dataset) -> String {
    serde_json::to_string_pretty(&DataFile {
        task: data.task,
        points: data.points.clone(),
    })
    .unwrap_or_default()
}

/// The trained model (feature map and every layer's parameters) as JSON.
pub fn model_to_json(model: &Model) -> String {
    serde_json::to_string_pretty(model).unwrap_or_default()
}

fn check_size(text: &str) -> Result<(), String> {
    if text.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {:.1} MB; nnplay reads files up to {} MB",
            text.len() as f64 / 1e6,
            MAX_FILE_BYTES / 1_000_000
        ));
    }
    if text.contains('\0') {
        return Err("the file is not text (it contains binary data)".into());
    }
    Ok(())
}

/// Checks one point and the task it implies.
fn check_point(p: &Point, task: Task, place: &str) -> Result<(), String> {
    for (v, name) in [(p.x[0], "x1"), (p.x[1], "x2")] {
        if !v.is_finite() || !(-1.0..=1.0).contains(&v) {
            return Err(format!(
                "{place}: {name} = {v} is outside the plot's range −1 to 1"
            ));
        }
    }
    match task {
        Task::Classification if p.y != 1.0 && p.y != -1.0 => {
            Err(format!("{place}: the class y = {} is not 1 or −1", p.y))
        }
        Task::Regression if !p.y.is_finite() || !(-1.0..=1.0).contains(&p.y) => {
            Err(format!("{place}: the value y = {} is outside −1 to 1", p.y))
        }
        _ => Ok(()),
    }
}

/// Infers the task from the targets: classes when every y is ±1.
fn infer_task(points: &[Point]) -> Task {
    if points.iter().all(|p| p.y == 1.0 || p.y == -1.0) {
        Task::Classification
    } else {
        Task::Regression
    }
}

/// Reads points from CSV (header optional; columns x1, x2, y and optionally split).
pub fn from_csv(text: &str) -> Result<Dataset, String> {
    check_size(text)?;
    let mut points = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if number == 0 && cells.first().is_some_and(|c| c.parse::<f32>().is_err()) {
            // A header row.
            if cells.len() < 3 {
                return Err("the header has fewer than three columns (x1, x2, y)".into());
            }
            continue;
        }
        let place = format!("line {}", number + 1);
        if !(3..=4).contains(&cells.len()) {
            return Err(format!(
                "{place} has {} columns; expected x1, x2, y and optionally split",
                cells.len()
            ));
        }
        let number_at = |i: usize, name: &str| {
            cells[i]
                .parse::<f32>()
                .map_err(|_| format!("{place}: {name} = '{}' is not a number", shorten(cells[i])))
        };
        let test = match cells.get(3).map(|s| s.to_ascii_lowercase()) {
            None => false,
            Some(s) if s == "train" || s.is_empty() => false,
            Some(s) if s == "test" => true,
            Some(s) => return Err(format!("{place}: split = '{}' is not train or test", shorten(&s))),
        };
        points.push(Point {
            x: [number_at(0, "x1")?, number_at(1, "x2")?],
            y: number_at(2, "y")?,
            test,
        });
        if points.len() > MAX_POINTS {
            return Err(format!("the file has more than {MAX_POINTS} points"));
        }
    }
    if points.is_empty() {
        return Err("the file has no points".into());
    }
    let task = infer_task(&points);
    for (i, p) in points.iter().enumerate() {
        check_point(p, task, &format!("point {}", i + 1))?;
    }
    Ok(Dataset { task, points })
}

/// Reads points from JSON as written by [`to_json`].
pub fn from_json(text: &str) -> Result<Dataset, String> {
    check_size(text)?;
    let file: DataFile =
        serde_json::from_str(text).map_err(|e| format!("the JSON does not describe points: {e}"))?;
    if file.points.len() > MAX_POINTS {
        return Err(format!("the file has more than {MAX_POINTS} points"));
    }
    if file.points.is_empty() {
        return Err("the file has no points".into());
    }
    for (i, p) in file.points.iter().enumerate() {
        check_point(p, file.task, &format!("point {}", i + 1))?;
    }
    Ok(Dataset {
        task: file.task,
        points: file.points,
    })
}

/// Reads a data file, choosing the format by its name (`.json`) or its first character.
pub fn read_data_file(name: &str, text: &str) -> Result<Dataset, String> {
    let json = name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    if json {
        from_json(text)
    } else {
        from_csv(text)
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 20 {
        format!("{}…", s.chars().take(20).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DataSpec, Preset, Rng};

    #[test]
    fn csv_and_json_round_trip() {
        for (preset, noise) in [(Preset::Circle, 0.2), (Preset::Bumps, 0.3)] {
            let data = Dataset::generate(&DataSpec {
                preset,
                count: 300,
                noise,
                test_fraction: 0.3,
                seed: 5,
            });
            assert_eq!(from_csv(&to_csv(&data)).unwrap(), data);
            assert_eq!(from_json(&to_json(&data)).unwrap(), data);
            assert_eq!(read_data_file("points.json", &to_json(&data)).unwrap(), data);
            assert_eq!(read_data_file("points.csv", &to_csv(&data)).unwrap(), data);
        }
        let headerless = from_csv("0.5,0.5,1\n-0.5,0.25,-1,test\n").unwrap();
        assert_eq!(headerless.task, Task::Classification);
        assert!(headerless.points[1].test);
    }

    #[test]
    fn bad_files_are_refused_with_their_place() {
        let cases = [
            ("x1,x2,y\n0.5,abc,1\n", "line 2: x2 = 'abc' is not a number"),
            ("x1,x2,y\n0.5,0.5\n", "line 2 has 2 columns"),
            ("x1,x2,y\n2,0.5,1\n", "outside the plot's range"),
            ("x1,x2,y,split\n0.5,0.5,1,maybe\n", "not train or test"),
            ("x1,x2,y\n", "no points"),
            ("0.1,0.1,3\n", "outside −1 to 1"),
            ("a\0b", "binary"),
            (
                "{\"task\":\"Classification\",\"points\":[{\"x\":[0,0],\"y\":0.5,\"test\":false}]}",
                "not 1 or −1",
            ),
            ("{\"nope\":1}", "does not describe points"),
        ];
        for (text, expected) in cases {
            let err = read_data_file("f.csv", text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
        let huge = "0.1,0.1,1\n".repeat(MAX_POINTS + 1);
        assert!(from_csv(&huge).unwrap_err().contains("more than"));
        assert!(from_csv(&"x".repeat(MAX_FILE_BYTES + 1))
            .unwrap_err()
            .contains("MB"));
    }

    #[test]
    fn a_hundred_thousand_random_files_never_panic() {
        let mut rng = Rng::new(7);
        let pieces = [
            "0.5", "-1", "1", ",", "\n", "test", "train", "x1", "{", "}", "\"", "[", "]", "NaN", "inf",
            "1e40", ":", " ", "é", "\0", "task", "points",
        ];
        for _ in 0..100_000 {
            let n = rng.below(24);
            let text: String = (0..n).map(|_| pieces[rng.below(pieces.len())]).collect();
            if let Ok(data) = read_data_file(if rng.chance(0.5) { "a.csv" } else { "a.json" }, &text) {
                assert!(!data.points.is_empty() && data.points.len() <= MAX_POINTS);
                assert!(data
                    .points
                    .iter()
                    .all(|p| p.x.iter().all(|v| (-1.0..=1.0).contains(v)) && p.y.is_finite()));
            }
        }
    }

    #[test]
    fn models_serialise_to_json() {
        let model = Model::new(
            &crate::engine::ModelSpec::mlp(&[3], crate::engine::Activation::Relu),
            &mut Rng::new(1),
        );
        let json = model_to_json(&model);
        let back: Model = serde_json::from_str(&json).unwrap();
        assert_eq!(back, model);
    }
}
