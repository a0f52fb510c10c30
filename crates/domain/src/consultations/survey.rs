//! The e-survey: questions an official builds (single and multiple choice, a scale, a
//! ranking, a matrix, short and long text), required or not, shown only when an earlier
//! answer is given; who may answer (anyone, residents with an account, residents of the
//! consultation's districts, holders of an invitation code); optional demographics; and the
//! one check of a response, whatever sends it (the web form, the app).

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The longest question, in characters.
pub const QUESTION_MAX: usize = 1_000;
/// The longest choice or matrix row, in characters.
pub const OPTION_MAX: usize = 200;
/// The most choices (or rows) a question has.
pub const OPTIONS_MAX: usize = 20;
/// The most questions in a survey.
pub const QUESTIONS_MAX: usize = 100;
/// The most file questions in a survey (each takes one photo of at most 7 MiB: a response's
/// upload stays within a report's).
pub const FILE_QUESTIONS_MAX: usize = 5;
/// The longest short answer, in characters.
pub const SHORT_MAX: usize = 200;
/// The longest long answer, in characters.
pub const LONG_MAX: usize = 5_000;

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Single,
    Multiple,
    /// One point of a scale whose points are the options ("1 – very bad" … "5 – very good").
    Scale,
    /// Every option put in order.
    Ranking,
    /// One column (the options) for each row.
    Matrix,
    ShortText,
    LongText,
    /// A photo or scan the resident attaches (an image; stored re-encoded, without metadata).
    File,
}

impl Kind {
    pub const ALL: [Self; 8] = [
        Self::Single,
        Self::Multiple,
        Self::Scale,
        Self::Ranking,
        Self::Matrix,
        Self::ShortText,
        Self::LongText,
        Self::File,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple => "multiple",
            Self::Scale => "scale",
            Self::Ranking => "ranking",
            Self::Matrix => "matrix",
            Self::ShortText => "short_text",
            Self::LongText => "long_text",
            Self::File => "file",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// Takes its answer from a list of options.
    pub fn has_options(self) -> bool {
        !matches!(self, Self::ShortText | Self::LongText | Self::File)
    }

    /// Its answers are free text (listed and searched, not counted).
    pub fn is_text(self) -> bool {
        matches!(self, Self::ShortText | Self::LongText)
    }
}

/// A question as the survey keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable within the survey ("q1", "q2"…): answers and results refer to it.
    pub key: String,
    pub kind: Kind,
    pub text: String,
    #[serde(default)]
    pub options: Vec<String>,
    /// A matrix's rows.
    #[serde(default)]
    pub rows: Vec<String>,
    pub required: bool,
    /// Shown only when the answer to this earlier (choice) question includes this option.
    #[serde(default)]
    pub shown_if: Option<(String, usize)>,
}

/// Who may answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Anyone, without an account.
    Anyone,
    /// Residents with an account, once each.
    #[default]
    Accounts,
    /// Residents of the consultation's districts (declared), with an account, once each.
    Districts,
    /// Holders of an invitation code, once per code (the city's satisfaction and social
    /// research surveys).
    Codes,
}

impl Audience {
    pub const ALL: [Self; 4] = [Self::Anyone, Self::Accounts, Self::Districts, Self::Codes];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anyone => "anyone",
            Self::Accounts => "accounts",
            Self::Districts => "districts",
            Self::Codes => "codes",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw.trim())
    }

    /// Needs a signed-in account (and so one response per account).
    pub fn needs_account(self) -> bool {
        matches!(self, Self::Accounts | Self::Districts)
    }
}

/// A survey's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Survey {
    pub questions: Vec<Question>,
    pub audience: Audience,
    /// Ask the optional district, age band and sex.
    pub demographics: bool,
}

/// A question's fields as typed by the official.
#[derive(Debug, Clone, Default)]
pub struct RawQuestion<'a> {
    pub kind: &'a str,
    pub text: &'a str,
    /// One choice per line.
    pub options: &'a str,
    /// One matrix row per line.
    pub rows: &'a str,
    pub required: bool,
    /// `q1:2` — shown when question q1's answer includes its third option; empty: always.
    pub shown_if: &'a str,
}

fn lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn check_list(raw: &str, min: usize) -> Result<Vec<String>, FieldError> {
    let list = lines(raw);
    if list.is_empty() {
        return Err(FieldError::Required);
    }
    if list.len() < min {
        return Err(FieldError::TooShort);
    }
    if list.len() > OPTIONS_MAX || list.iter().any(|l| l.chars().count() > OPTION_MAX) {
        return Err(FieldError::TooLong);
    }
    Ok(list)
}

impl Survey {
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key == key)
    }

    /// The key a new question gets: one more than the highest so far (keys never come back,
    /// so answers to a deleted question cannot be taken for a new one's).
    pub fn next_key(&self) -> String {
        let n = self
            .questions
            .iter()
            .filter_map(|q| q.key.strip_prefix('q')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("q{}", n + 1)
    }

    /// Checks a new question against this survey (a condition may only point at an earlier
    /// choice question and one of its options). Every problem, by field.
    pub fn check_question(
        &self,
        raw: &RawQuestion,
    ) -> Result<Question, Vec<(&'static str, FieldError)>> {
        let mut errors = Vec::new();
        if self.questions.len() >= QUESTIONS_MAX {
            errors.push(("kind", FieldError::TooLong));
        }
        let kind = Kind::parse(raw.kind);
        if kind.is_none() {
            errors.push(("kind", FieldError::KindUnknown));
        }
        if kind == Some(Kind::File)
            && self
                .questions
                .iter()
                .filter(|q| q.kind == Kind::File)
                .count()
                >= FILE_QUESTIONS_MAX
        {
            errors.push(("kind", FieldError::TooLong));
        }
        let text = crate::required_text(raw.text, QUESTION_MAX)
            .map_err(|e| errors.push(("text", e)))
            .ok();
        let mut options = Vec::new();
        let mut rows = Vec::new();
        if let Some(kind) = kind {
            if kind.has_options() {
                match check_list(raw.options, 2) {
                    Ok(list) => options = list,
                    Err(e) => errors.push(("options", e)),
                }
            }
            if kind == Kind::Matrix {
                match check_list(raw.rows, 1) {
                    Ok(list) => rows = list,
                    Err(e) => errors.push(("rows", e)),
                }
            }
        }
        let shown_if = match raw.shown_if.trim() {
            "" => None,
            cond => {
                let parsed = cond.split_once(':').and_then(|(key, option)| {
                    let q = self.question(key)?;
                    let option: usize = option.parse().ok()?;
                    (matches!(q.kind, Kind::Single | Kind::Multiple) && option < q.options.len())
                        .then(|| (key.to_owned(), option))
                });
                if parsed.is_none() {
                    errors.push(("shown_if", FieldError::CodeInvalid));
                }
                parsed
            }
        };
        match (kind, text) {
            (Some(kind), Some(text)) if errors.is_empty() => Ok(Question {
                key: self.next_key(),
                kind,
                text,
                options,
                rows,
                required: raw.required,
                shown_if,
            }),
            _ => Err(errors),
        }
    }

    /// Removes a question, and the conditions of later questions that pointed at it.
    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.questions.len();
        self.questions.retain(|q| q.key != key);
        for q in &mut self.questions {
            if q.shown_if.as_ref().is_some_and(|(k, _)| k == key) {
                q.shown_if = None;
            }
        }
        self.questions.len() != before
    }

    /// Moves a question one place up (or down); a question never moves above the one its
    /// condition points at.
    pub fn shift(&mut self, key: &str, up: bool) -> bool {
        let Some(i) = self.questions.iter().position(|q| q.key == key) else {
            return false;
        };
        let j = if up {
            match i.checked_sub(1) {
                Some(j) => j,
                None => return false,
            }
        } else if i + 1 < self.questions.len() {
            i + 1
        } else {
            return false;
        };
        let (first, second) = (i.min(j), i.max(j));
        let depends = self.questions[second]
            .shown_if
            .as_ref()
            .is_some_and(|(k, _)| *k == self.questions[first].key);
        if depends {
            return false;
        }
        self.questions.swap(i, j);
        true
    }
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Choice(usize),
    Choices(Vec<usize>),
    /// Option indices, first place first.
    Ranking(Vec<usize>),
    /// For each row, the column chosen.
    Matrix(Vec<Option<usize>>),
    Text(String),
    /// The stored file's id. Only the channel that stored it puts one here (the web form puts
    /// the ids of files it received or kept for this response, never one as typed).
    File(uuid::Uuid),
}

impl Answer {
    /// Whether the answer includes option `i` (for conditions).
    pub fn includes(&self, i: usize) -> bool {
        match self {
            Self::Choice(c) => *c == i,
            Self::Choices(cs) => cs.contains(&i),
            _ => false,
        }
    }
}

/// Answers by question key, in the survey's order.
pub type Answers = Vec<(String, Answer)>;

/// Age bands asked with the optional demographics.
pub const AGE_BANDS: [&str; 7] = [
    "0-17", "18-24", "25-34", "35-44", "45-59", "60-74", "75-plus",
];
/// Sexes asked with the optional demographics.
pub const SEXES: [&str; 3] = ["female", "male", "other"];

/// A form's values: field name → the values sent (a checkbox list sends several).
pub type Raw = HashMap<String, Vec<String>>;

fn one<'a>(raw: &'a Raw, name: &str) -> &'a str {
    raw.get(name)
        .and_then(|v| v.iter().find(|s| !s.trim().is_empty()))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// Whether question `q` is shown given the answers so far.
pub fn shown(q: &Question, answers: &Answers) -> bool {
    match &q.shown_if {
        None => true,
        Some((key, option)) => answers.iter().any(|(k, a)| k == key && a.includes(*option)),
    }
}

/// Checks a response as sent (field `q1`, `q1` repeated for several choices, `q3-0`… for
/// a ranking's places of each option, `q4-0`… for a matrix's rows). Questions not shown are
/// left out. With `complete`, required questions must be answered (sending); without it
/// (saving to continue later) whatever is valid is kept. Every problem, by question key.
pub fn check_response(
    survey: &Survey,
    raw: &Raw,
    complete: bool,
) -> Result<Answers, Vec<(String, FieldError)>> {
    let mut answers: Answers = Vec::new();
    let mut errors = Vec::new();
    for q in &survey.questions {
        if !shown(q, &answers) {
            continue;
        }
        let n = q.options.len();
        let index = |s: &str| s.parse::<usize>().ok().filter(|i| *i < n);
        let answer: Result<Option<Answer>, FieldError> = match q.kind {
            Kind::Single | Kind::Scale => match one(raw, &q.key) {
                "" => Ok(None),
                v => index(v)
                    .map(|i| Some(Answer::Choice(i)))
                    .ok_or(FieldError::KindUnknown),
            },
            Kind::Multiple => {
                let values: Vec<&String> = raw
                    .get(&q.key)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default();
                let mut picked = Vec::new();
                let mut bad = false;
                for v in values.iter().filter(|v| !v.trim().is_empty()) {
                    match index(v.trim()) {
                        Some(i) if !picked.contains(&i) => picked.push(i),
                        Some(_) => {}
                        None => bad = true,
                    }
                }
                picked.sort_unstable();
                if bad {
                    Err(FieldError::KindUnknown)
                } else if picked.is_empty() {
                    Ok(None)
                } else {
                    Ok(Some(Answer::Choices(picked)))
                }
            }
            Kind::Ranking => {
                let places: Vec<&str> = (0..n)
                    .map(|i| one(raw, &format!("{}-{i}", q.key)))
                    .collect();
                if places.iter().all(|p| p.is_empty()) {
                    Ok(None)
                } else {
                    // Each place 1..=n once: a permutation.
                    let parsed: Option<Vec<usize>> = places
                        .iter()
                        .map(|p| p.parse::<usize>().ok().filter(|r| (1..=n).contains(r)))
                        .collect();
                    match parsed {
                        Some(ranks)
                            if {
                                let mut sorted = ranks.clone();
                                sorted.sort_unstable();
                                sorted == (1..=n).collect::<Vec<_>>()
                            } =>
                        {
                            let mut order: Vec<usize> = (0..n).collect();
                            order.sort_by_key(|i| ranks[*i]);
                            Ok(Some(Answer::Ranking(order)))
                        }
                        _ => Err(FieldError::NumberInvalid),
                    }
                }
            }
            Kind::Matrix => {
                let cells: Vec<&str> = (0..q.rows.len())
                    .map(|r| one(raw, &format!("{}-{r}", q.key)))
                    .collect();
                if cells.iter().all(|c| c.is_empty()) {
                    Ok(None)
                } else {
                    let parsed: Vec<Option<usize>> = cells.iter().map(|c| index(c)).collect();
                    if cells
                        .iter()
                        .zip(&parsed)
                        .any(|(c, p)| !c.is_empty() && p.is_none())
                    {
                        Err(FieldError::KindUnknown)
                    } else if complete && q.required && parsed.iter().any(Option::is_none) {
                        Err(FieldError::Required)
                    } else {
                        Ok(Some(Answer::Matrix(parsed)))
                    }
                }
            }
            Kind::ShortText | Kind::LongText => {
                let max = if q.kind == Kind::ShortText {
                    SHORT_MAX
                } else {
                    LONG_MAX
                };
                match crate::optional_text(one(raw, &q.key), max) {
                    Ok(t) => Ok(t.map(Answer::Text)),
                    Err(e) => Err(e),
                }
            }
            Kind::File => match one(raw, &q.key) {
                "" => Ok(None),
                v => uuid::Uuid::try_parse(v)
                    .map(|id| Some(Answer::File(id)))
                    .map_err(|_| FieldError::KindUnknown),
            },
        };
        match answer {
            Ok(Some(a)) => answers.push((q.key.clone(), a)),
            Ok(None) if complete && q.required => {
                errors.push((q.key.clone(), FieldError::Required))
            }
            Ok(None) => {}
            Err(e) => errors.push((q.key.clone(), e)),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// The optional age band and sex, as checked.
pub type Demographics = (Option<String>, Option<String>);

/// The optional demographics as sent: a known age band and sex, or nothing.
pub fn check_demographics(
    age: &str,
    sex: &str,
) -> Result<Demographics, Vec<(&'static str, FieldError)>> {
    let mut errors = Vec::new();
    let age = match age.trim() {
        "" => None,
        a if AGE_BANDS.contains(&a) => Some(a.to_owned()),
        _ => {
            errors.push(("age", FieldError::KindUnknown));
            None
        }
    };
    let sex = match sex.trim() {
        "" => None,
        s if SEXES.contains(&s) => Some(s.to_owned()),
        _ => {
            errors.push(("sex", FieldError::KindUnknown));
            None
        }
    };
    if errors.is_empty() {
        Ok((age, sex))
    } else {
        Err(errors)
    }
}

/// The tally keys a response adds one to: `q1:2` (choice 2 of q1), `q3:0@1` (option 0 of a
/// ranking in first place), `q4:r1:c3` (row 1, column 3 of a matrix).
pub fn tally_keys(answers: &Answers) -> Vec<String> {
    let mut keys = Vec::new();
    for (key, a) in answers {
        match a {
            Answer::Choice(i) => keys.push(format!("{key}:{i}")),
            Answer::Choices(is) => keys.extend(is.iter().map(|i| format!("{key}:{i}"))),
            Answer::Ranking(order) => keys.extend(
                order
                    .iter()
                    .enumerate()
                    .map(|(place, i)| format!("{key}:{i}@{}", place + 1)),
            ),
            Answer::Matrix(cells) => keys.extend(
                cells
                    .iter()
                    .enumerate()
                    .filter_map(|(r, c)| c.map(|c| format!("{key}:r{r}:c{c}"))),
            ),
            Answer::Text(_) => keys.push(format!("{key}:text")),
            Answer::File(_) => keys.push(format!("{key}:file")),
        }
        keys.push(format!("{key}:answered"));
    }
    keys
}

#[cfg(test)]
mod tests;

/// The most invitation codes made at once.
pub const CODES_MAX: usize = 5_000;

/// How many invitation codes to make, as typed: 1 to [`CODES_MAX`].
pub fn check_code_count(raw: &str) -> Result<usize, crate::FieldError> {
    raw.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=CODES_MAX).contains(n))
        .ok_or(crate::FieldError::NumberInvalid)
}
