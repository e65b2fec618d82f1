//! Making points out of a data file's rows: reading the label column as two classes (1/−1,
//! 1/0, or two distinct words), as three to five classes (see [`crate::page::class_labels`]) or
//! as values, reading the train/test split column, and offering to rescale coordinates that lie
//! outside the plot. [`crate::page::files`] parses CSV and JSON
//! into [`Row`]s; this module decides what they mean and says how it read them.

use super::class_labels::{classes_from_indices, classes_from_numbers, classes_from_words, ClassLabels};
use crate::engine::{Dataset, Point, Task};

/// One row of a data file as written, before its label and split are interpreted.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The coordinates as written (possibly outside the plot).
    pub x: [f32; 2],
    /// The label as written: a number or a word.
    pub label: String,
    /// Whether the file marks this a test point (`None`: the file has no split column).
    pub test: Option<bool>,
    /// Where the row is, for messages ("line 4", "point 3").
    pub place: String,
}

/// Points read from a file, with what the page should tell about how they were read.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The points, with coordinates as written.
    pub data: Dataset,
    /// How the labels and the split were read, one sentence each.
    pub notes: Vec<String>,
    /// Set when some coordinates lie outside the plot's −1 to 1: the page offers to rescale.
    pub out_of_range: Option<Span>,
}

/// The range `lo` to `hi` the coordinates of a file span, over both axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// The smallest coordinate.
    pub lo: f32,
    /// The largest.
    pub hi: f32,
}

impl Span {
    /// The question for the page: "The coordinates span −3.2 to 5.1, …; rescale them …?".
    pub fn question(&self) -> String {
        format!(
            "The coordinates span {} to {}, beyond the plot's −1 to 1. Rescale them to fit, keeping their shape?",
            short(self.lo),
            short(self.hi)
        )
    }
}

impl Import {
    /// The points to put on the plot. Coordinates outside it are rescaled when `rescale` (see
    /// [`rescale`]), and refused with a message otherwise.
    pub fn accept(mut self, rescale_to_fit: bool) -> Result<Dataset, String> {
        if let Some(span) = self.out_of_range {
            if !rescale_to_fit {
                return Err(format!(
                    "the coordinates span {} to {}, outside the plot's range −1 to 1",
                    short(span.lo),
                    short(span.hi)
                ));
            }
            rescale(&mut self.data.points, span);
        }
        Ok(self.data)
    }
}

/// Maps coordinates spanning `span` onto the plot: the same affine map on both axes, taking
/// `lo` to −1 and `hi` to +1, so shapes keep their proportions (a circle stays a circle).
pub fn rescale(points: &mut [Point], span: Span) {
    let (lo, hi) = (span.lo as f64, span.hi as f64);
    let width = (hi - lo).max(f64::MIN_POSITIVE);
    for p in points {
        for v in &mut p.x {
            *v = ((2.0 * (*v as f64 - lo) / width - 1.0) as f32).clamp(-1.0, 1.0);
        }
    }
}

/// How a label column was read.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelReading {
    /// Classes or values.
    pub task: Task,
    /// How many classes (2 to 5; 0 for values).
    pub classes: usize,
    /// The target of each row: ±1 for two classes, the class index for more (see
    /// `nnplay_engine::class_target`), the value for regression.
    pub targets: Vec<f32>,
    /// How the labels were read, for the page (classes only: values need no explaining).
    pub note: Option<String>,
}

impl From<ClassLabels> for LabelReading {
    fn from(read: ClassLabels) -> Self {
        LabelReading {
            task: Task::Classification,
            note: read.notice(),
            classes: read.classes,
            targets: read.targets,
        }
    }
}

/// What a file says about its labels, when it says anything (JSON may; CSV never does).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Declared {
    /// The task the file names: it overrides the guess.
    pub task: Option<Task>,
    /// The number of classes the file names: three to five make its labels class indices
    /// 0 … K − 1, two leave them to the usual reading, any other number is refused.
    pub classes: Option<usize>,
}

impl Declared {
    /// A file that names its task and nothing else.
    pub fn task(task: Task) -> Self {
        Declared {
            task: Some(task),
            classes: None,
        }
    }
}

/// Reads a label column. Labels that are all 1 and −1, all 1 and 0, or exactly two distinct
/// words become the two classes (the first of a pair of words met in the file is class 1);
/// three to five distinct words or whole numbers become that many classes (see
/// [`crate::page::class_labels`]); other numbers are values for regression, which must lie
/// within −1 to 1. What the file `declared` overrides the guess. `places` names each row for
/// messages.
pub fn read_labels(labels: &[&str], places: &[String], declared: Declared) -> Result<LabelReading, String> {
    if let Some(i) = labels.iter().position(|l| l.trim().is_empty()) {
        return Err(format!("{}: the label is empty", places[i]));
    }
    let task = declared.task;
    let labels: Vec<&str> = labels.iter().map(|l| l.trim()).collect();
    if let Some(classes) = declared
        .classes
        .filter(|&k| k != 2 && task != Some(Task::Regression))
    {
        return classes_from_indices(&labels, places, classes).map(LabelReading::from);
    }
    let numbers: Option<Vec<f32>> = labels.iter().map(|l| l.parse::<f32>().ok()).collect();
    let mut distinct: Vec<&str> = Vec::new();
    for &label in &labels {
        if !distinct.contains(&label) {
            distinct.push(label);
            if distinct.len() > 2 {
                break;
            }
        }
    }
    if let Some(values) = &numbers {
        let all_in = |set: &[f32]| values.iter().all(|v| set.contains(v));
        let both = |a: f32, b: f32| values.contains(&a) && values.contains(&b);
        let classes = if all_in(&[1.0, -1.0]) && task != Some(Task::Regression) {
            Some((1.0, -1.0))
        } else if all_in(&[1.0, 0.0]) && both(1.0, 0.0) && task != Some(Task::Regression) {
            Some((1.0, 0.0))
        } else {
            None
        };
        if let Some((positive, negative)) = classes {
            return Ok(LabelReading {
                task: Task::Classification,
                classes: 2,
                targets: values
                    .iter()
                    .map(|&v| if v == positive { 1.0 } else { -1.0 })
                    .collect(),
                note: Some(class_note(&short(positive), &short(negative))),
            });
        }
        if task != Some(Task::Regression) && distinct.len() > 2 {
            if let Some(classes) = classes_from_numbers(&labels) {
                return Ok(classes.into());
            }
        }
        if task == Some(Task::Classification) {
            let i = values.iter().position(|v| ![1.0, -1.0].contains(v)).unwrap_or(0);
            return Err(format!(
                "{}: the class y = {} is not 1 or −1 (nor 1 or 0, nor three to five whole numbers)",
                places[i], labels[i]
            ));
        }
        if let Some(i) = values
            .iter()
            .position(|v| !v.is_finite() || !(-1.0..=1.0).contains(v))
        {
            // Whole numbers that are no class labels (1 and 2, or six classes): say which
            // labels would be classes, as the user most likely meant classes.
            let whole = values.iter().all(|v| v.fract() == 0.0);
            let hint = if whole {
                "; whole-number labels are classes only as 1 and −1, 1 and 0, or three to five \
                 distinct numbers (words work too)"
            } else {
                ""
            };
            return Err(format!(
                "{}: the value y = {} is outside −1 to 1{hint}",
                places[i], labels[i]
            ));
        }
        return Ok(LabelReading {
            task: Task::Regression,
            classes: 0,
            targets: values.clone(),
            note: None,
        });
    }
    if task == Some(Task::Regression) {
        let i = labels.iter().position(|l| l.parse::<f32>().is_err()).unwrap_or(0);
        return Err(format!(
            "{}: the value '{}' is not a number",
            places[i],
            shorten(labels[i])
        ));
    }
    match distinct[..] {
        [first, second] => Ok(LabelReading {
            task: Task::Classification,
            classes: 2,
            targets: labels
                .iter()
                .map(|&l| if l == first { 1.0 } else { -1.0 })
                .collect(),
            note: Some(class_note(
                &format!("'{}'", shorten(first)),
                &format!("'{}'", shorten(second)),
            )),
        }),
        [only] => Err(format!(
            "every label is '{}': two classes are needed",
            shorten(only)
        )),
        _ => classes_from_words(&labels).map(LabelReading::from),
    }
}

fn class_note(positive: &str, negative: &str) -> String {
    format!("Read the labels as two classes: {positive} is class 1 (orange), {negative} is class 2 (blue).")
}

/// Reads one cell of a split column: `test`, `1` or `true` is a test point; `train`, `0`,
/// `false` or an empty cell a training point.
pub fn read_split(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "test" | "1" | "true" => Some(true),
        "train" | "0" | "false" | "" => Some(false),
        _ => None,
    }
}

/// Turns a file's rows into points: labels read by [`read_labels`] (with what the file
/// `declared`), the split honoured when the
/// file has one (training points otherwise), and the coordinates' span noted when they leave
/// the plot. Coordinates must be finite numbers.
pub fn assemble(rows: &[Row], declared: Declared) -> Result<Import, String> {
    if rows.is_empty() {
        return Err("the file has no points".into());
    }
    for row in rows {
        for (v, name) in [(row.x[0], "x1"), (row.x[1], "x2")] {
            if !v.is_finite() {
                return Err(format!("{}: {name} = {v} is not a finite number", row.place));
            }
        }
    }
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let places: Vec<String> = rows.iter().map(|r| r.place.clone()).collect();
    let reading = read_labels(&labels, &places, declared)?;
    let points: Vec<Point> = rows
        .iter()
        .zip(&reading.targets)
        .map(|(row, &y)| Point {
            x: row.x,
            y,
            test: row.test.unwrap_or(false),
        })
        .collect();
    let mut notes: Vec<String> = reading.note.into_iter().collect();
    if rows.iter().any(|r| r.test.is_some()) {
        let tests = points.iter().filter(|p| p.test).count();
        notes.push(format!(
            "Kept the file's split: {tests} test and {} training points.",
            points.len() - tests
        ));
    }
    let (lo, hi) = points
        .iter()
        .flat_map(|p| p.x)
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let out_of_range = (lo < -1.0 || hi > 1.0).then_some(Span { lo, hi });
    Ok(Import {
        data: Dataset {
            task: reading.task,
            classes: reading.classes,
            points,
        },
        notes,
        out_of_range,
    })
}

/// A coordinate or label for a message: as written by Rust, with a minus sign.
fn short(v: f32) -> String {
    let text = if v.abs() >= 1e5 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    };
    text.replace('-', "−")
}

/// At most 20 characters of `s` for a message, with an ellipsis when cut.
pub(super) fn shorten(s: &str) -> String {
    if s.chars().count() > 20 {
        format!("{}…", s.chars().take(20).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("line {i}")).collect()
    }

    fn read(labels: &[&str]) -> Result<LabelReading, String> {
        read_labels(labels, &places(labels.len()), Declared::default())
    }

    #[test]
    fn labels_one_and_zero_or_minus_one_or_two_words_become_classes() {
        let ones = read(&["1", "-1", "1"]).unwrap();
        assert_eq!(
            (ones.task, ones.targets),
            (Task::Classification, vec![1.0, -1.0, 1.0])
        );
        let binary = read(&["0", "1", "1.0", "0"]).unwrap();
        assert_eq!(binary.task, Task::Classification);
        assert_eq!(binary.targets, [-1.0, 1.0, 1.0, -1.0]);
        assert_eq!(
            binary.note.unwrap(),
            "Read the labels as two classes: 1 is class 1 (orange), 0 is class 2 (blue)."
        );
        let words = read(&["dog", " cat", "dog", "cat "]).unwrap();
        assert_eq!(words.targets, [1.0, -1.0, 1.0, -1.0]);
        assert_eq!(
            words.note.unwrap(),
            "Read the labels as two classes: 'dog' is class 1 (orange), 'cat' is class 2 (blue)."
        );
        let mixed = read(&["yes", "0", "0"]).unwrap();
        assert_eq!(mixed.targets, [1.0, -1.0, -1.0]);
    }

    #[test]
    fn other_numbers_are_values_and_bad_labels_are_explained() {
        let values = read(&["0.5", "-0.25", "0", "1"]).unwrap();
        assert_eq!(values.task, Task::Regression);
        assert_eq!(values.targets, [0.5, -0.25, 0.0, 1.0]);
        assert_eq!(values.note, None);
        // A column of zeros is values, not one class.
        assert_eq!(read(&["0", "0"]).unwrap().task, Task::Regression);
        for (labels, expected) in [
            (&["0.5", "3"][..], "line 2: the value y = 3 is outside −1 to 1"),
            (
                &["1", "2", "1"][..],
                "line 2: the value y = 2 is outside −1 to 1; whole-number labels are classes only as 1 and −1, \
                 1 and 0, or three to five distinct numbers (words work too)",
            ),
            (
                &["a", "b", "c", "d", "e", "f"][..],
                "the labels have 6 different values",
            ),
            (&["cat", "cat"][..], "every label is 'cat'"),
            (&["1", ""][..], "line 2: the label is empty"),
        ] {
            let err = read(labels).unwrap_err();
            assert!(err.contains(expected), "{labels:?}: {err}");
        }
    }

    /// A task named by the file wins over the guess.
    #[test]
    fn a_task_named_in_the_file_decides() {
        let places = places(2);
        let values = read_labels(&["1", "0"], &places, Declared::task(Task::Regression)).unwrap();
        assert_eq!((values.task, values.targets), (Task::Regression, vec![1.0, 0.0]));
        let err = read_labels(&["1", "0.5"], &places, Declared::task(Task::Classification)).unwrap_err();
        assert_eq!(
            err,
            "line 2: the class y = 0.5 is not 1 or −1 (nor 1 or 0, nor three to five whole numbers)"
        );
        let err = read_labels(&["a", "b"], &places, Declared::task(Task::Regression)).unwrap_err();
        assert!(err.contains("line 1: the value 'a' is not a number"), "{err}");
    }

    #[test]
    fn split_cells_are_read_in_words_or_digits() {
        for (cell, test) in [
            ("test", true),
            ("1", true),
            ("TRUE", true),
            ("train", false),
            ("0", false),
            ("", false),
        ] {
            assert_eq!(read_split(cell), Some(test), "{cell}");
        }
        assert_eq!(read_split("maybe"), None);
    }

    fn row(x: [f32; 2], label: &str, test: Option<bool>) -> Row {
        Row {
            x,
            label: label.into(),
            test,
            place: "line 1".into(),
        }
    }

    /// Coordinates outside the plot are offered a rescale that maps their span onto −1 to 1 on
    /// both axes alike; declining refuses the file with the span named.
    #[test]
    fn coordinates_outside_the_plot_are_offered_a_rescale() {
        let rows = [
            row([-3.0, 0.0], "a", Some(true)),
            row([5.0, 1.0], "b", Some(false)),
            row([1.0, 2.0], "a", None),
        ];
        let import = assemble(&rows, Declared::default()).unwrap();
        let span = import.out_of_range.unwrap();
        assert_eq!((span.lo, span.hi), (-3.0, 5.0));
        assert_eq!(
            span.question(),
            "The coordinates span −3 to 5, beyond the plot's −1 to 1. Rescale them to fit, keeping their shape?"
        );
        assert_eq!(
            import.notes,
            [
                "Read the labels as two classes: 'a' is class 1 (orange), 'b' is class 2 (blue).",
                "Kept the file's split: 1 test and 2 training points."
            ]
        );
        assert!(import.clone().accept(false).unwrap_err().contains("span −3 to 5"));
        let data = import.accept(true).unwrap();
        let xs: Vec<[f32; 2]> = data.points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [[-1.0, -0.25], [1.0, 0.0], [0.0, 0.25]]);
        assert_eq!(
            data.points.iter().map(|p| p.test).collect::<Vec<_>>(),
            [true, false, false]
        );
        let inside = assemble(
            &[row([0.5, -1.0], "1", None), row([1.0, 0.0], "-1", None)],
            Declared::default(),
        )
        .unwrap();
        assert_eq!(inside.out_of_range, None);
        assert!(assemble(&[row([f32::NAN, 0.0], "1", None)], Declared::default())
            .unwrap_err()
            .contains("not a finite number"));
        assert!(assemble(&[], Declared::default())
            .unwrap_err()
            .contains("no points"));
    }
}
