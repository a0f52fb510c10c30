//! Extra questions a category asks (Open311 calls them *attributes*): "Is the tree blocking the
//! way?", "The lamp post's number". The web form, the mobile API and Open311 ask the same
//! questions and check the answers by the one rule here, [`check_answers`].

use crate::reference::{Code, Names};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of answer a question takes (the Open311 `datatype` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    /// One line of text.
    String,
    Number,
    /// A date and time (RFC 3339).
    Datetime,
    /// Longer text.
    Text,
    /// One key from the list.
    Singlevaluelist,
    /// Any number of keys from the list.
    Multivaluelist,
}

impl Datatype {
    pub const ALL: [Datatype; 6] = [
        Self::String,
        Self::Number,
        Self::Datetime,
        Self::Text,
        Self::Singlevaluelist,
        Self::Multivaluelist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Datetime => "datetime",
            Self::Text => "text",
            Self::Singlevaluelist => "singlevaluelist",
            Self::Multivaluelist => "multivaluelist",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw.trim())
    }

    pub fn has_values(self) -> bool {
        matches!(self, Self::Singlevaluelist | Self::Multivaluelist)
    }
}

/// One allowed answer of a list question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: Code,
    pub name: Names,
}

/// A question a category asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub code: Code,
    pub datatype: Datatype,
    pub required: bool,
    /// The question as shown to residents.
    pub text: Names,
    /// A hint on the expected form, if any.
    pub hint: Option<Names>,
    /// Allowed answers of list questions, in order.
    #[serde(default)]
    pub choices: Vec<Choice>,
}

/// Longest answer to a text question, in characters.
pub const ANSWER_MAX: usize = 1000;

/// Checked answers: question code → the given values (one, or several for a multi-value list),
/// in the questions' order when serialised.
pub type Answers = BTreeMap<String, Vec<String>>;

/// Why answers were refused; each names the question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("the question {0} needs an answer")]
    Missing(String),
    #[error("the answer to {0} is not one of its choices")]
    NotAChoice(String),
    #[error("the question {0} takes one answer")]
    OneOnly(String),
    #[error("the answer to {0} is not a number")]
    NotANumber(String),
    #[error("the answer to {0} is not a date and time")]
    NotADatetime(String),
    #[error("the answer to {0} is too long")]
    TooLong(String),
}

impl AnswerError {
    /// One of each kind (about no question in particular): every code there is.
    pub fn kinds() -> [AnswerError; 6] {
        let q = String::new;
        [
            Self::Missing(q()),
            Self::NotAChoice(q()),
            Self::OneOnly(q()),
            Self::NotANumber(q()),
            Self::NotADatetime(q()),
            Self::TooLong(q()),
        ]
    }

    /// Stable snake_case code (translations, API error envelopes).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing(_) => "answer_missing",
            Self::NotAChoice(_) => "answer_not_a_choice",
            Self::OneOnly(_) => "answer_one_only",
            Self::NotANumber(_) => "answer_not_a_number",
            Self::NotADatetime(_) => "answer_not_a_datetime",
            Self::TooLong(_) => "answer_too_long",
        }
    }

    /// The question concerned.
    pub fn question(&self) -> &str {
        match self {
            Self::Missing(q)
            | Self::NotAChoice(q)
            | Self::OneOnly(q)
            | Self::NotANumber(q)
            | Self::NotADatetime(q)
            | Self::TooLong(q) => q,
        }
    }
}

/// Checks `given` (question code → raw values, as sent) against `questions`. Blank values
/// count as absent; answers to questions the category does not ask are dropped.
pub fn check_answers(
    questions: &[Question],
    given: &BTreeMap<String, Vec<String>>,
) -> Result<Answers, AnswerError> {
    let mut answers = Answers::new();
    for q in questions {
        let code = q.code.as_str();
        let values: Vec<&str> = given
            .get(code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if values.is_empty() {
            if q.required {
                return Err(AnswerError::Missing(code.to_owned()));
            }
            continue;
        }
        if q.datatype != Datatype::Multivaluelist && values.len() > 1 {
            return Err(AnswerError::OneOnly(code.to_owned()));
        }
        let mut checked = Vec::with_capacity(values.len());
        for value in values {
            match q.datatype {
                Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                    if !q.choices.iter().any(|c| c.key.as_str() == value) {
                        return Err(AnswerError::NotAChoice(code.to_owned()));
                    }
                }
                Datatype::Number => {
                    if !value.parse::<f64>().is_ok_and(f64::is_finite) {
                        return Err(AnswerError::NotANumber(code.to_owned()));
                    }
                }
                Datatype::Datetime => {
                    if crate::open311::parse_datetime(value).is_err() {
                        return Err(AnswerError::NotADatetime(code.to_owned()));
                    }
                }
                Datatype::String | Datatype::Text => {
                    if value.chars().count() > ANSWER_MAX {
                        return Err(AnswerError::TooLong(code.to_owned()));
                    }
                }
            }
            if !checked.iter().any(|v: &String| v == value) {
                checked.push(value.to_owned());
            }
        }
        answers.insert(code.to_owned(), checked);
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pl: &str) -> Names {
        Names {
            pl: pl.into(),
            en: pl.into(),
        }
    }

    fn code(raw: &str) -> Code {
        Code::parse(raw).unwrap()
    }

    fn question(c: &str, datatype: Datatype, required: bool, choices: &[&str]) -> Question {
        Question {
            code: code(c),
            datatype,
            required,
            text: names(c),
            hint: None,
            choices: choices
                .iter()
                .map(|k| Choice {
                    key: code(k),
                    name: names(k),
                })
                .collect(),
        }
    }

    fn given(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
            .collect()
    }

    #[test]
    fn every_datatype_checks_its_answers() {
        let qs = [
            question("danger", Datatype::Singlevaluelist, true, &["yes", "no"]),
            question("kinds", Datatype::Multivaluelist, false, &["a", "b", "c"]),
            question("height", Datatype::Number, false, &[]),
            question("seen", Datatype::Datetime, false, &[]),
            question("pole", Datatype::String, false, &[]),
        ];
        let ok = check_answers(
            &qs,
            &given(&[
                ("danger", &["yes"]),
                ("kinds", &["a", "c", "a"]),
                ("height", &["12.5"]),
                ("seen", &["2026-11-20T10:00:00+01:00"]),
                ("pole", &["  "]),
                ("unasked", &["x"]),
            ]),
        )
        .unwrap();
        assert_eq!(ok["danger"], ["yes"]);
        assert_eq!(ok["kinds"], ["a", "c"]);
        assert_eq!(ok["height"], ["12.5"]);
        assert!(!ok.contains_key("pole") && !ok.contains_key("unasked"));

        let err = |pairs: &[(&str, &[&str])]| check_answers(&qs, &given(pairs)).unwrap_err();
        assert_eq!(err(&[]), AnswerError::Missing("danger".into()));
        assert_eq!(
            err(&[("danger", &[""])]),
            AnswerError::Missing("danger".into())
        );
        assert_eq!(
            err(&[("danger", &["maybe"])]),
            AnswerError::NotAChoice("danger".into())
        );
        assert_eq!(
            err(&[("danger", &["yes", "no"])]),
            AnswerError::OneOnly("danger".into())
        );
        assert_eq!(
            err(&[("danger", &["no"]), ("kinds", &["d"])]),
            AnswerError::NotAChoice("kinds".into())
        );
        assert_eq!(
            err(&[("danger", &["no"]), ("height", &["NaN"])]),
            AnswerError::NotANumber("height".into())
        );
        assert_eq!(
            err(&[("danger", &["no"]), ("seen", &["yesterday"])]),
            AnswerError::NotADatetime("seen".into())
        );
        let long = "x".repeat(ANSWER_MAX + 1);
        assert_eq!(
            err(&[("danger", &["no"]), ("pole", &[long.as_str()])]),
            AnswerError::TooLong("pole".into())
        );
    }
}
