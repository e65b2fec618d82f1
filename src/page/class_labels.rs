//! A data file's label column read as three to five classes: words (`cat`, `dog`, `bird`),
//! whole numbers (`0, 1, 2` or `1 … 4`) with that many different values, or the class indices
//! a file declares (`"classes": 3` in JSON). [`crate::page::import::read_labels`] decides which
//! reader a column needs; two labels and other numbers are its own.

use crate::engine::{class_target, MAX_CLASSES};

/// The fewest different labels read as several classes (two are the two-class reader's).
const FEWEST: usize = 3;

/// A label column read as classes.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassLabels {
    /// How many classes: the number of different labels.
    pub classes: usize,
    /// Each row's target `Point::y` (the class index, see `nnplay_engine::classes`).
    pub targets: Vec<f32>,
    /// The label of each class, class 1 first: numbers in increasing order, words in
    /// alphabetical order.
    pub names: Vec<String>,
}

impl ClassLabels {
    /// What the page tells about the reading, e.g. "Read 3 classes: bird→1, cat→2, dog→3.";
    /// `None` when the labels already are the class numbers 1 … K.
    pub fn notice(&self) -> Option<String> {
        let numbered = self
            .names
            .iter()
            .enumerate()
            .all(|(k, name)| name.parse::<f64>() == Ok((k + 1) as f64));
        (!numbered).then(|| {
            let pairs: Vec<String> = self
                .names
                .iter()
                .enumerate()
                .map(|(k, name)| format!("{name}→{}", k + 1))
                .collect();
            format!("Read {} classes: {}.", self.classes, pairs.join(", "))
        })
    }

    /// Classes named `names` (class 1 first), each label its class by `class_of_label`.
    fn new(labels: &[&str], names: &[&str], class_of_label: impl Fn(&str) -> usize) -> Self {
        let classes = names.len();
        ClassLabels {
            classes,
            targets: labels
                .iter()
                .map(|l| class_target(class_of_label(l), classes))
                .collect(),
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }
}

/// Reads `labels` (trimmed, not all numbers) naming three or more different words as classes,
/// in alphabetical order; refused when they name more than [`MAX_CLASSES`].
pub fn classes_from_words(labels: &[&str]) -> Result<ClassLabels, String> {
    let mut names = labels.to_vec();
    names.sort_unstable();
    names.dedup();
    if names.len() > MAX_CLASSES {
        return Err(format!(
            "the labels have {} different values; nnplay reads up to {MAX_CLASSES} classes",
            names.len()
        ));
    }
    Ok(ClassLabels::new(labels, &names, |label| {
        names.iter().position(|n| *n == label).unwrap_or(0)
    }))
}

/// Reads number labels as classes when they take three to [`MAX_CLASSES`] different whole
/// values, in increasing order (`2` and `2.0` are one class); `None` for any other numbers
/// (values for regression, or two classes).
pub fn classes_from_numbers(labels: &[&str]) -> Option<ClassLabels> {
    let number = |label: &str| label.parse::<f64>().ok().filter(|v| v.is_finite());
    let values: Vec<f64> = labels.iter().map(|l| number(l)).collect::<Option<_>>()?;
    if values.iter().any(|v| v.fract() != 0.0) {
        return None;
    }
    let value = |label: &str| number(label).unwrap_or(0.0);
    let mut names = labels.to_vec();
    names.sort_by(|a, b| value(a).total_cmp(&value(b)));
    names.dedup_by(|a, b| value(a) == value(b));
    (FEWEST..=MAX_CLASSES).contains(&names.len()).then(|| {
        ClassLabels::new(labels, &names, |label| {
            names.iter().position(|n| value(n) == value(label)).unwrap_or(0)
        })
    })
}

/// Reads `labels` as the class indices 0 … `classes` − 1 of a file that declares its number of
/// classes (three to [`MAX_CLASSES`]); a label that is not one is refused, naming its place.
pub fn classes_from_indices(
    labels: &[&str],
    places: &[String],
    classes: usize,
) -> Result<ClassLabels, String> {
    if !(FEWEST..=MAX_CLASSES).contains(&classes) {
        return Err(format!(
            "the file has {classes} classes; nnplay reads 2 to {MAX_CLASSES}"
        ));
    }
    let mut indices = Vec::with_capacity(labels.len());
    for (label, place) in labels.iter().zip(places) {
        match label.parse::<f64>() {
            Ok(v) if v.fract() == 0.0 && (0.0..classes as f64).contains(&v) => indices.push(v as usize),
            _ => {
                return Err(format!(
                    "{place}: the class y = {} is not a class index from 0 to {}",
                    super::import::shorten(label),
                    classes - 1
                ))
            }
        }
    }
    let names: Vec<String> = (1..=classes).map(|k| k.to_string()).collect();
    Ok(ClassLabels {
        classes,
        targets: indices.iter().map(|&k| class_target(k, classes)).collect(),
        names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_words_become_three_classes_in_alphabetical_order() {
        let read = classes_from_words(&["dog", "cat", "bird", "cat"]).unwrap();
        assert_eq!(read.classes, 3);
        assert_eq!(read.names, ["bird", "cat", "dog"]);
        assert_eq!(read.targets, [2.0, 1.0, 0.0, 1.0]);
        assert_eq!(read.notice().unwrap(), "Read 3 classes: bird→1, cat→2, dog→3.");
    }

    #[test]
    fn whole_numbers_become_classes_in_increasing_order() {
        let read = classes_from_numbers(&["2", "0", "1", "2.0", "10"]).unwrap();
        assert_eq!(read.names, ["0", "1", "2", "10"]);
        assert_eq!(read.targets, [2.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(read.notice().unwrap(), "Read 4 classes: 0→1, 1→2, 2→3, 10→4.");
        // Class numbers as nnplay writes them need no explanation.
        let numbered = classes_from_numbers(&["3", "1", "2", "5", "4"]).unwrap();
        assert_eq!(numbered.targets, [2.0, 0.0, 1.0, 4.0, 3.0]);
        assert_eq!(numbered.notice(), None);
    }

    #[test]
    fn other_columns_are_left_to_the_other_readers_or_refused() {
        assert_eq!(classes_from_numbers(&["1", "-1", "1"]), None);
        assert_eq!(classes_from_numbers(&["yes", "no"]), None);
        assert_eq!(classes_from_numbers(&["yes", "no", "maybe"]), None);
        assert_eq!(classes_from_numbers(&["0.5", "0.25", "-1"]), None);
        assert_eq!(classes_from_numbers(&["1", "2", "3", "4", "5", "6"]), None);
        assert_eq!(classes_from_numbers(&[]), None);
        let err = classes_from_words(&["a", "b", "c", "d", "e", "f"]).unwrap_err();
        assert!(err.contains("6 different values"), "{err}");
    }

    /// Declared indices keep their classes even when one has no point, and anything else is
    /// refused with its place.
    #[test]
    fn declared_indices_are_the_classes() {
        let places: Vec<String> = (1..=3).map(|i| format!("point {i}")).collect();
        let read = classes_from_indices(&["0", "3", "3.0"], &places, 4).unwrap();
        assert_eq!((read.classes, &read.targets[..]), (4, &[0.0, 3.0, 3.0][..]));
        assert_eq!(read.notice(), None);
        for (labels, classes, expected) in [
            (
                ["0", "1", "3"],
                3,
                "point 3: the class y = 3 is not a class index from 0 to 2",
            ),
            (["0", "1.5", "2"], 3, "point 2: the class y = 1.5"),
            (["0", "cat", "2"], 3, "point 2: the class y = cat"),
            (["0", "1", "2"], 7, "the file has 7 classes; nnplay reads 2 to 5"),
        ] {
            let err = classes_from_indices(&labels, &places, classes).unwrap_err();
            assert!(err.contains(expected), "{labels:?}: {err}");
        }
    }
}
