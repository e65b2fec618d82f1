//! Data and model files: points as CSV or JSON (download and upload) and the trained model as
//! JSON. Parsing never panics and never half-applies: a file is either read whole or refused
//! with a message that says what is wrong and where.

use super::import::{assemble, read_split, shorten, Declared, Import, Row};
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
    /// Written for three or more classes only, so files of two stay as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    classes: Option<usize>,
    points: Vec<Point>,
}

/// The points as JSON: `{"task": "Classification", "points": [{"x": [x1, x2], "y": 1, "test": false}, …]}`,
/// with `"classes": K` and y the class index 0 … K − 1 for three or more classes.
pub fn to_json(data: &Dataset) -> String {
    serde_json::to_string_pretty(&DataFile {
        task: data.task,
        classes: (data.task == Task::Classification && data.classes > 2).then_some(data.classes),
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

/// Reads points from CSV: columns x1, x2 and the label, and optionally a split column (the
/// fourth, or the one headed `split` or `test` wherever it stands). The header row is
/// optional; when it names `x1`, `x2` and the label (`y`, `label` or `class`), the columns are
/// read by those names in whatever order they stand, else in that order. Labels and split are
/// read as [`import::assemble`] says.
pub fn from_csv(text: &str) -> Result<Import, String> {
    check_size(text)?;
    let mut rows = Vec::new();
    let mut split_column = None;
    let mut named: Option<[usize; 3]> = None;
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
            let names: Vec<String> = cells.iter().map(|c| c.to_ascii_lowercase()).collect();
            let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
            split_column = find(&["split", "test"]);
            named = match (find(&["x1"]), find(&["x2"]), find(&["y", "label", "class"])) {
                (Some(x1), Some(x2), Some(label)) => Some([x1, x2, label]),
                _ => None,
            };
            continue;
        }
        let place = format!("line {}", number + 1);
        if !(3..=4).contains(&cells.len()) {
            return Err(format!(
                "{place} has {} columns; expected x1, x2, y and optionally split",
                cells.len()
            ));
        }
        let split_at = split_column.or((cells.len() == 4).then_some(3));
        let values: Vec<&str> = match named {
            Some(columns) => columns.iter().filter_map(|&i| cells.get(i).copied()).collect(),
            None => (0..cells.len())
                .filter(|&i| Some(i) != split_at)
                .map(|i| cells[i])
                .collect(),
        };
        if values.len() < 3 {
            return Err(format!("{place} has no label after x1 and x2"));
        }
        let test = match split_at.and_then(|i| cells.get(i)) {
            None => None,
            Some(cell) => Some(read_split(cell).ok_or_else(|| {
                format!(
                    "{place}: split = '{}' is not train or test (or 0 or 1)",
                    shorten(cell)
                )
            })?),
        };
        let number_at = |i: usize, name: &str| {
            values[i]
                .parse::<f32>()
                .map_err(|_| format!("{place}: {name} = '{}' is not a number", shorten(values[i])))
        };
        rows.push(Row {
            x: [number_at(0, "x1")?, number_at(1, "x2")?],
            label: values[2].to_string(),
            test,
            place,
        });
        if rows.len() > MAX_POINTS {
            return Err(format!("the file has more than {MAX_POINTS} points"));
        }
    }
    assemble(&rows, Declared::default())
}

/// Reads points from JSON as [`to_json`] writes them: `"task"` is optional (the labels decide
/// without it), `"classes": K` makes each `"y"` a class index 0 … K − 1, otherwise `"y"` may be
/// a number or a word, and a point's split may be given as `"test": true` or `"split": "test"`.
pub fn from_json(text: &str) -> Result<Import, String> {
    check_size(text)?;
    let file: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("the JSON does not describe points: {e}"))?;
    let points = file
        .get("points")
        .and_then(|p| p.as_array())
        .ok_or("the JSON does not describe points: it has no list named \"points\"")?;
    if points.len() > MAX_POINTS {
        return Err(format!("the file has more than {MAX_POINTS} points"));
    }
    let task = match file.get("task") {
        None => None,
        Some(task) => Some(
            serde_json::from_value::<Task>(task.clone())
                .map_err(|_| "the JSON's task is not Classification or Regression".to_string())?,
        ),
    };
    let classes = match file.get("classes") {
        None => None,
        Some(classes) => Some(
            classes
                .as_u64()
                .map(|k| k as usize)
                .ok_or("the JSON's classes is not a whole number")?,
        ),
    };
    let rows = points
        .iter()
        .enumerate()
        .map(|(i, point)| json_row(point, format!("point {}", i + 1)))
        .collect::<Result<Vec<Row>, String>>()?;
    assemble(&rows, Declared { task, classes })
}

/// One point of a JSON file as a [`Row`].
fn json_row(point: &serde_json::Value, place: String) -> Result<Row, String> {
    let x = point
        .get("x")
        .and_then(|x| x.as_array())
        .filter(|x| x.len() == 2)
        .and_then(|x| Some([x[0].as_f64()? as f32, x[1].as_f64()? as f32]))
        .ok_or_else(|| format!("{place}: x is not a pair of numbers"))?;
    let label = match point.get("y") {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => return Err(format!("{place}: y is not a number or a word")),
    };
    let test = match (point.get("test"), point.get("split")) {
        (Some(serde_json::Value::Bool(b)), _) => Some(*b),
        (None, Some(serde_json::Value::String(s))) => Some(
            read_split(s).ok_or_else(|| format!("{place}: split = '{}' is not train or test", shorten(s)))?,
        ),
        (None, None) => None,
        _ => return Err(format!("{place}: its split is not true or false, train or test")),
    };
    Ok(Row {
        x,
        label,
        test,
        place,
    })
}

/// Reads a data file, choosing the format by its name (`.json`) or its first character, and
/// says how it read the labels and the split, and whether the coordinates need rescaling.
pub fn read_data(name: &str, text: &str) -> Result<Import, String> {
    let json = name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    if json {
        from_json(text)
    } else {
        from_csv(text)
    }
}

/// Reads a data file whose coordinates must already lie on the plot (see [`read_data`]).
pub fn read_data_file(name: &str, text: &str) -> Result<Dataset, String> {
    read_data(name, text)?.accept(false)
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
            assert_eq!(from_csv(&to_csv(&data)).unwrap().data, data);
            assert_eq!(from_json(&to_json(&data)).unwrap().data, data);
            assert_eq!(read_data_file("points.json", &to_json(&data)).unwrap(), data);
            assert_eq!(read_data_file("points.csv", &to_csv(&data)).unwrap(), data);
        }
        // A header that names its columns is read by name, in any order.
        let reordered = from_csv("y,x2,x1\n1,0.25,0.5\n-1,-0.75,-0.5\n").unwrap().data;
        assert_eq!(reordered.task, Task::Classification);
        assert_eq!((reordered.points[0].x, reordered.points[0].y), ([0.5, 0.25], 1.0));
        assert_eq!(
            (reordered.points[1].x, reordered.points[1].y),
            ([-0.5, -0.75], -1.0)
        );
        let headerless = from_csv("0.5,0.5,1\n-0.5,0.25,-1,test\n").unwrap().data;
        assert_eq!(headerless.task, Task::Classification);
        assert!(headerless.points[1].test);
    }

    /// A CSV with 0/1 labels is read as classes (it used to become a regression), says so,
    /// and keeps a split column headed `test` wherever it stands.
    #[test]
    fn csv_labels_become_classes_and_the_split_is_kept() {
        let import = read_data(
            "points.csv",
            "test,x1,x2,label\n1,0.5,0.5,1\n0,-0.5,0.25,0\n0,0.1,0.2,0\n",
        )
        .unwrap();
        assert_eq!(import.data.task, Task::Classification);
        let targets: Vec<(f32, bool)> = import.data.points.iter().map(|p| (p.y, p.test)).collect();
        assert_eq!(targets, [(1.0, true), (-1.0, false), (-1.0, false)]);
        assert_eq!(import.data.points[1].x, [-0.5, 0.25]);
        assert_eq!(
            import.notes,
            [
                "Read the labels as two classes: 1 is class 1 (orange), 0 is class 2 (blue).",
                "Kept the file's split: 1 test and 2 training points."
            ]
        );
        let words = read_data(
            "iris.csv",
            "x1,x2,species,split\n0.1,0.2,setosa,train\n0.3,0.1,virginica,test\n",
        )
        .unwrap();
        assert_eq!(
            words.data.points.iter().map(|p| p.y).collect::<Vec<_>>(),
            [1.0, -1.0]
        );
        assert!(words.notes[0].contains("'setosa' is class 1"));
        assert!(read_data("bad.csv", "x1,x2,y,split\n0.1,0.2,1,later\n")
            .unwrap_err()
            .contains("not train or test"));
    }

    /// A file in its own units is offered a rescale instead of being refused outright.
    #[test]
    fn coordinates_beyond_the_plot_are_offered_a_rescale() {
        let text = "x1,x2,y\n0,0,1\n10,20,-1\n";
        let import = read_data("cm.csv", text).unwrap();
        let span = import.out_of_range.unwrap();
        assert_eq!((span.lo, span.hi), (0.0, 20.0));
        let data = import.accept(true).unwrap();
        assert_eq!(data.points[0].x, [-1.0, -1.0]);
        assert_eq!(data.points[1].x, [0.0, 1.0]);
        assert!(read_data_file("cm.csv", text)
            .unwrap_err()
            .contains("outside the plot's range"));
    }

    /// JSON points may carry words as labels and a split as `"split"`; the task, when given,
    /// decides between classes and values.
    #[test]
    fn json_labels_may_be_words_and_the_task_decides() {
        let text = r#"{"points":[{"x":[0.1,0.2],"y":"spam","split":"test"},{"x":[-0.3,0.4],"y":"ham"}]}"#;
        let import = read_data("mail.json", text).unwrap();
        assert_eq!(import.data.task, Task::Classification);
        assert_eq!(
            import
                .data
                .points
                .iter()
                .map(|p| (p.y, p.test))
                .collect::<Vec<_>>(),
            [(1.0, true), (-1.0, false)]
        );
        let values = r#"{"task":"Regression","points":[{"x":[0.1,0.2],"y":1},{"x":[0.3,0.4],"y":0}]}"#;
        assert_eq!(read_data("v.json", values).unwrap().data.task, Task::Regression);
        for (text, expected) in [
            (
                r#"{"points":[{"x":[0.1],"y":1}]}"#,
                "point 1: x is not a pair of numbers",
            ),
            (
                r#"{"points":[{"x":[0.1,0.2]}]}"#,
                "point 1: y is not a number or a word",
            ),
            (
                r#"{"points":[{"x":[0.1,0.2],"y":1,"test":"yes"}]}"#,
                "its split is not",
            ),
            (
                r#"{"task":"Clustering","points":[]}"#,
                "not Classification or Regression",
            ),
            (
                r#"{"classes":"three","points":[{"x":[0,0],"y":0}]}"#,
                "classes is not a whole number",
            ),
        ] {
            let err = read_data("f.json", text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    /// A label column of three words becomes three classes, and the notice says which is
    /// which; files of three and four classes round-trip as CSV (class numbers 1 … K) and JSON.
    #[test]
    fn files_with_three_or_more_labels_become_classes() {
        let read = read_data(
            "animals.csv",
            "x1,x2,y\n0.1,0.2,cat\n-0.5,0.5,dog\n0.3,-0.3,bird\n0.0,0.0,cat\n",
        )
        .unwrap();
        assert_eq!((read.data.task, read.data.classes), (Task::Classification, 3));
        let classes: Vec<f32> = read.data.points.iter().map(|p| p.y).collect();
        assert_eq!(classes, [1.0, 2.0, 0.0, 1.0]);
        assert_eq!(read.notes, ["Read 3 classes: bird→1, cat→2, dog→3."]);
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
            // The class numbers need no note; only the kept split is told.
            let split_only = |notes: &[String]| notes.iter().all(|n| n.starts_with("Kept the file's split"));
            let back = read_data("points.csv", &csv).unwrap();
            assert_eq!(back.data, data);
            assert!(split_only(&back.notes), "{:?}", back.notes);
            let back = from_json(&to_json(&data)).unwrap();
            assert_eq!(back.data, data);
            assert!(split_only(&back.notes), "{:?}", back.notes);
        }
        // A declared number of classes holds even when a class has no point.
        let sparse = from_json(r#"{"classes":4,"points":[{"x":[0,0],"y":0},{"x":[0.5,0],"y":3}]}"#).unwrap();
        assert_eq!(sparse.data.classes, 4);
        assert_eq!(sparse.data.points[1].y, 3.0);
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
            let name = if rng.chance(0.5) { "a.csv" } else { "a.json" };
            if let Ok(data) = read_data(name, &text).and_then(|import| import.accept(true)) {
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
