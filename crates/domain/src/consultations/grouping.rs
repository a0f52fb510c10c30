//! Groups of comments found by the consultation algorithm (`miasto-analysis`): near-duplicates
//! (the same letter with edits) and topics (the same point in other words). Officials rename
//! and merge them, move a comment to another group, confirm a group (a re-run of the analysis
//! keeps it as it is) and give a whole group one answer. Nothing is answered automatically.

use crate::FieldError;

/// The longest group name, in characters.
pub const LABEL_MAX: usize = 120;

/// The default similarity threshold for near-duplicates (estimated Jaccard similarity).
pub const DEFAULT_THRESHOLD: f64 = 0.6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// The same text with small edits: a form letter, a copy-paste campaign.
    Duplicate,
    /// The same point in other words.
    Topic,
}

impl GroupKind {
    pub const ALL: [Self; 2] = [Self::Topic, Self::Duplicate];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Duplicate => "duplicate",
            Self::Topic => "topic",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }
}

/// A group's name as typed (1 to 120 characters).
pub fn check_label(raw: &str) -> Result<String, FieldError> {
    crate::required_text(raw, LABEL_MAX)
}

/// The near-duplicate threshold as typed: a number from 0.3 to 1 (a comma is a decimal
/// point); empty is the default.
pub fn check_threshold(raw: &str) -> Result<f64, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(DEFAULT_THRESHOLD);
    }
    match raw.replace(',', ".").parse::<f64>() {
        Ok(t) if (0.3..=1.0).contains(&t) => Ok(t),
        _ => Err(FieldError::NumberInvalid),
    }
}

/// Two groups merge only when they are different groups of the same kind.
pub fn check_merge<Id: PartialEq>(into: (GroupKind, Id), from: (GroupKind, Id)) -> bool {
    into.0 == from.0 && into.1 != from.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_thresholds_are_checked() {
        assert_eq!(
            check_label("  Drzewa w parku "),
            Ok("Drzewa w parku".to_owned())
        );
        assert_eq!(check_label(" "), Err(FieldError::Required));
        assert_eq!(check_label(&"x".repeat(121)), Err(FieldError::TooLong));
        assert_eq!(check_threshold(""), Ok(DEFAULT_THRESHOLD));
        assert_eq!(check_threshold("0,75"), Ok(0.75));
        assert_eq!(check_threshold("0.1"), Err(FieldError::NumberInvalid));
        assert_eq!(check_threshold("dużo"), Err(FieldError::NumberInvalid));
        assert_eq!(GroupKind::parse("topic"), Some(GroupKind::Topic));
        assert_eq!(GroupKind::parse("other"), None);
    }

    #[test]
    fn a_group_merges_only_with_another_of_its_kind() {
        assert!(check_merge((GroupKind::Topic, 1), (GroupKind::Topic, 2)));
        assert!(!check_merge((GroupKind::Topic, 1), (GroupKind::Topic, 1)));
        assert!(!check_merge(
            (GroupKind::Topic, 1),
            (GroupKind::Duplicate, 2)
        ));
    }
}
