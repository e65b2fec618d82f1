//! Data and model files: points as CSV or JSON (download and upload) and the trained model as
//! JSON. Parsing never panics and never half-applies: a file is either read whole or refused
//! with a message that says what is wrong and where.

use super::class_labels::read_class_labels;
use super::limits::MAX_POINTS;
use crate::engine::{class_of, Dataset, Model, Point, Task};
use serde::{Deserialize, Serialize};

/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 4_000_000;

/// The points as CSV: a header `x1,x2,y,split`, then one row a point (`split` is `train` or
/// `test`; `y` is 1 or −1 for two classes, the class number 1 … K for three or more, a value
/// in [-1, 1] for regression).
pub fn to_csv(data: &Dataset) -> String {
    let many_classes = data.task == Task::Classification && data.classes > 2;
    let mut out = String::from("x1,x2,y,split\n");
    for p in &data.points {
        let y = if many_classes {
            (class_of(p.y, data.classes) + 1) as f32
        } else {
            p.y
        };
        out.push_str(&format!(
            "{},{},{},{}\n",
            p.x[0],
            p.x[1],
            y,
            if p.test { "test" } else { "train" }
        ));
    }
    out
}

/// A data set as JSON.
#[derive(Serialize, Deserialize)]
struct DataFile {
    task: Task,
    /// Two classes when absent (files written before there could be more).
    #[serde(default = "two_classes", skip_serializing_if = "is_two")]
    classes: usize,
    points: Vec<Point>,
}

fn two_classes() -> usize {
    2
}

fn is_two(classes: &usize) -> bool {
    *classes == 2
}

/// The points as JSON: `{"task": "Classification", "points": [{"x": [x1, x2], "y": 1, "test": false}, …]}`,
/// with `"classes": K` and y the class index 0 … K − 1 for three or more classes.
pub fn to_json(data: &Dataset) -> String {
    serde_json::to_string_pretty(&DataFile {
        task: data.task,
        classes: if data.task == Task::Classification {
            data.classes
        } else {
            2
        },
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

/// Checks one point and the task (and number of classes) it implies.
fn check_point(p: &Point, task: Task, classes: usize, place: &str) -> Result<(), String> {
    for (v, name) in [(p.x[0], "x1"), (p.x[1], "x2")] {
        if !v.is_finite() || !(-1.0..=1.0).contains(&v) {
            return Err(format!(
                "{place}: {name} = {v} is outside the plot's range −1 to 1"
            ));
        }
    }
    match task {
        Task::Classification if classes > 2 => {
            if p.y.fract() == 0.0 && (0.0..classes as f32).contains(&p.y) {
                Ok(())
            } else {
                Err(format!(
                    "{place}: the class y = {} is not a class index from 0 to {}",
                    p.y,
                    classes - 1
                ))
            }
        }
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

/// A data file read whole, and what the page should say about how it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadFile {
    /// The points.
    pub data: Dataset,
    /// How the labels were read, when that needs saying ("Read 3 classes: a→1, b→2, c→3.").
    pub notice: Option<String>,
}

/// Reads points from CSV (header optional; columns x1, x2, y and optionally split).
pub fn from_csv(text: &str) -> Result<Dataset, String> {
    read_csv(text).map(|read| read.data)
}

/// Reads points from CSV, saying how a label column of three to five classes was read.
fn read_csv(text: &str) -> Result<ReadFile, String> {
    check_size(text)?;
    let mut points = Vec::new();
    // Each point's label as written, and its line.
    let mut labels: Vec<(&str, usize)> = Vec::new();
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
            y: 0.0,
            test,
        });
        labels.push((cells[2], number + 1));
        if points.len() > MAX_POINTS {
            return Err(format!("the file has more than {MAX_POINTS} points"));
        }
    }
    if points.is_empty() {
        return Err("the file has no points".into());
    }
    let names: Vec<&str> = labels.iter().map(|(label, _)| *label).collect();
    if let Some(classes) = read_class_labels(&names) {
        let classes = classes?;
        for (p, &y) in points.iter_mut().zip(&classes.targets) {
            p.y = y;
        }
        return Ok(ReadFile {
            notice: classes.notice(),
            data: Dataset {
                task: Task::Classification,
                classes: classes.classes,
                points,
            },
        });
    }
    for (p, (label, line)) in points.iter_mut().zip(&labels) {
        p.y = label
            .parse::<f32>()
            .map_err(|_| format!("line {line}: y = '{}' is not a number", shorten(label)))?;
    }
    let task = infer_task(&points);
    for (i, p) in points.iter().enumerate() {
        check_point(p, task, 2, &format!("point {}", i + 1))?;
    }
    let mut data = Dataset::empty(task);
    data.points = points;
    Ok(ReadFile { data, notice: None })
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
    let (lo, hi) = super::limits::CLASSES;
    if file.task == Task::Classification && !(lo..=hi).contains(&file.classes) {
        return Err(format!(
            "the file has {} classes; nnplay reads {lo} to {hi}",
            file.classes
        ));
    }
    for (i, p) in file.points.iter().enumerate() {
        check_point(p, file.task, file.classes, &format!("point {}", i + 1))?;
    }
    let mut data = Dataset::empty_with_classes(file.task, file.classes);
    data.points = file.points;
    Ok(data)
}

/// Reads a data file, choosing the format by its name (`.json`) or its first character.
pub fn read_data_file(name: &str, text: &str) -> Result<Dataset, String> {
    read_file(name, text).map(|read| read.data)
}

/// [`read_data_file`], with a notice to show when a label column of three to five classes was
/// read (which label became which class). Put the points on the plot with
/// `Settings::load_points`.
pub fn read_file(name: &str, text: &str) -> Result<ReadFile, String> {
    let json = name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    if json {
        from_json(text).map(|data| ReadFile { data, notice: None })
    } else {
        read_csv(text)
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

    /// A label column of three words becomes three classes, and the notice says which is
    /// which; files of three and four classes round-trip as CSV (class numbers 1 … K) and JSON.
    #[test]
    fn files_with_three_or_more_labels_become_classes() {
        let read = read_file(
            "animals.csv",
            "x1,x2,y\n0.1,0.2,cat\n-0.5,0.5,dog\n0.3,-0.3,bird\n0.0,0.0,cat\n",
        )
        .unwrap();
        assert_eq!((read.data.task, read.data.classes), (Task::Classification, 3));
        let classes: Vec<f32> = read.data.points.iter().map(|p| p.y).collect();
        assert_eq!(classes, [1.0, 2.0, 0.0, 1.0]);
        assert_eq!(
            read.notice.as_deref(),
            Some("Read 3 classes: bird→1, cat→2, dog→3.")
        );
        for preset in [Preset::Blobs3, Preset::Quadrants4] {
            let data = Dataset::generate(&DataSpec {
                preset,
                count: 120,
                noise: 0.1,
                test_fraction: 0.25,
                seed: 2,
            });
            let csv = to_csv(&data);
            assert!(
                csv.lines()
                    .nth(1)
                    .unwrap()
                    .split(',')
                    .nth(2)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
                    >= 1
            );
            let back = read_file("points.csv", &csv).unwrap();
            assert_eq!((back.data.clone(), back.notice), (data.clone(), None));
            assert_eq!(from_json(&to_json(&data)).unwrap(), data);
        }
        let bad_json = [
            (
                "{\"task\":\"Classification\",\"classes\":7,\"points\":[{\"x\":[0,0],\"y\":1,\"test\":false}]}",
                "7 classes",
            ),
            (
                "{\"task\":\"Classification\",\"classes\":3,\"points\":[{\"x\":[0,0],\"y\":3,\"test\":false}]}",
                "not a class index from 0 to 2",
            ),
        ];
        for (text, expected) in bad_json {
            let err = from_json(text).unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
        let err = from_csv("0,0,a\n0,0,b\n0,0,c\n0,0,d\n0,0,e\n0,0,f\n").unwrap_err();
        assert!(err.contains("up to 5 classes"), "{err}");
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
