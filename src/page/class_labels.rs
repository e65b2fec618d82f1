//! A data file's label column read as three to five classes: words (`cat`, `dog`, `bird`) or
//! whole numbers (`0, 1, 2` or `1 … 4`) with that many different values. Two values, and
//! numbers that are not a handful of whole ones, are left to the two-class and value readers.

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
}

/// Reads `labels` (one per row, trimmed) as classes when they name three to [`MAX_CLASSES`]
/// different words or whole numbers; an error when they are words naming more; `None` when
/// they are for another reader (two labels, or numbers that are not 3–5 whole values).
pub fn read_class_labels(labels: &[&str]) -> Option<Result<ClassLabels, String>> {
    let numbers: Option<Vec<f64>> = labels
        .iter()
        .map(|l| l.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    let value = |label: &str| label.parse::<f64>().unwrap_or(0.0);
    let mut names: Vec<&str> = labels.to_vec();
    match &numbers {
        Some(values) => {
            if values.iter().any(|v| v.fract() != 0.0) {
                return None;
            }
            names.sort_by(|a, b| value(a).total_cmp(&value(b)));
            // "2" and "2.0" are one class.
            names.dedup_by(|a, b| value(a) == value(b));
        }
        None => {
            names.sort_unstable();
            names.dedup();
        }
    }
    let classes = names.len();
    if classes < FEWEST {
        return None;
    }
    if classes > MAX_CLASSES {
        return numbers.is_none().then(|| {
            Err(format!(
                "the labels have {classes} different values; nnplay reads up to {MAX_CLASSES} classes"
            ))
        });
    }
    let class_of_label = |label: &str| match &numbers {
        Some(_) => names.iter().position(|n| value(n) == value(label)),
        None => names.iter().position(|n| *n == label),
    };
    let targets = labels
        .iter()
        .map(|l| class_target(class_of_label(l).unwrap_or(0), classes))
        .collect();
    Some(Ok(ClassLabels {
        classes,
        targets,
        names: names.iter().map(|n| n.to_string()).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_words_become_three_classes_in_alphabetical_order() {
        let read = read_class_labels(&["dog", "cat", "bird", "cat"])
            .unwrap()
            .unwrap();
        assert_eq!(read.classes, 3);
        assert_eq!(read.names, ["bird", "cat", "dog"]);
        assert_eq!(read.targets, [2.0, 1.0, 0.0, 1.0]);
        assert_eq!(read.notice().unwrap(), "Read 3 classes: bird→1, cat→2, dog→3.");
    }

    #[test]
    fn whole_numbers_become_classes_in_increasing_order() {
        let read = read_class_labels(&["2", "0", "1", "2.0", "10"]).unwrap().unwrap();
        assert_eq!(read.names, ["0", "1", "2", "10"]);
        assert_eq!(read.targets, [2.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(read.notice().unwrap(), "Read 4 classes: 0→1, 1→2, 2→3, 10→4.");
        // Class numbers as nnplay writes them need no explanation.
        let numbered = read_class_labels(&["3", "1", "2", "5", "4"]).unwrap().unwrap();
        assert_eq!(numbered.targets, [2.0, 0.0, 1.0, 4.0, 3.0]);
        assert_eq!(numbered.notice(), None);
    }

    #[test]
    fn other_columns_are_left_to_the_other_readers_or_refused() {
        assert_eq!(read_class_labels(&["1", "-1", "1"]), None);
        assert_eq!(read_class_labels(&["yes", "no"]), None);
        assert_eq!(read_class_labels(&["0.5", "0.25", "-1"]), None);
        assert_eq!(read_class_labels(&["1", "2", "3", "4", "5", "6"]), None);
        assert_eq!(read_class_labels(&[]), None);
        let err = read_class_labels(&["a", "b", "c", "d", "e", "f"])
            .unwrap()
            .unwrap_err();
        assert!(err.contains("6 different values"), "{err}");
    }
}
