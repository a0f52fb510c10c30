//! The city as data: districts, city units and report categories. Kraków's set ships with the
//! project (`data/krakow/`); another city replaces the files and the admin screens do the rest.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// A short stable code for a unit or category (`ZDMK`, `problem.lighting`): ASCII letters,
/// digits, `.`, `_` and `-`, 1–40 characters. Codes appear in URLs, APIs and open data, so
/// they never carry spaces or diacritics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Code(String);

impl Code {
    pub const MAX_LEN: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(FieldError::Required);
        }
        if code.len() > Self::MAX_LEN {
            return Err(FieldError::TooLong);
        }
        if code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            Ok(Self(code.to_owned()))
        } else {
            Err(FieldError::CodeInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Residents send two kinds of submission to the contact centre, with different categories
/// and different outcome statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Problem,
    Idea,
}

impl ReportKind {
    pub const ALL: [ReportKind; 2] = [ReportKind::Problem, ReportKind::Idea];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Problem => "problem",
            Self::Idea => "idea",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim() {
            "problem" => Ok(Self::Problem),
            "idea" => Ok(Self::Idea),
            _ => Err(FieldError::KindUnknown),
        }
    }
}

/// A name in every language the platform speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    pub pl: String,
    pub en: String,
}

impl Names {
    pub const MAX_LEN: usize = 200;

    pub fn parse(pl: &str, en: &str) -> Result<Self, (Option<FieldError>, Option<FieldError>)> {
        let pl = crate::required_text(pl, Self::MAX_LEN);
        let en = crate::required_text(en, Self::MAX_LEN);
        match (pl, en) {
            (Ok(pl), Ok(en)) => Ok(Self { pl, en }),
            (pl, en) => Err((pl.err(), en.err())),
        }
    }

    pub fn get(&self, locale: crate::Locale) -> &str {
        match locale {
            crate::Locale::Pl => &self.pl,
            crate::Locale::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: crate::CategoryId,
    pub code: Code,
    pub kind: ReportKind,
    pub names: Names,
    pub position: i32,
    pub active: bool,
    pub duplicate_radius_m: i32,
    /// Extra questions, in the order they are asked.
    pub questions: Vec<crate::questions::Question>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    pub id: crate::DistrictId,
    pub number: u16,
    pub roman: String,
    pub name: String,
}

impl District {
    /// "XVIII Nowa Huta"
    pub fn label(&self) -> String {
        format!("{} {}", self.roman, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_plain_ascii() {
        assert_eq!(Code::parse(" ZDMK ").unwrap().as_str(), "ZDMK");
        assert!(Code::parse("problem.street-lighting_2").is_ok());
        assert_eq!(Code::parse("Zarząd"), Err(FieldError::CodeInvalid));
        assert_eq!(Code::parse("a b"), Err(FieldError::CodeInvalid));
        assert_eq!(Code::parse(""), Err(FieldError::Required));
        assert_eq!(Code::parse(&"x".repeat(41)), Err(FieldError::TooLong));
    }

    #[test]
    fn names_need_both_languages() {
        assert!(Names::parse("Zieleń", "Greenery").is_ok());
        assert_eq!(
            Names::parse("", "Greenery"),
            Err((Some(FieldError::Required), None))
        );
    }

    #[test]
    fn report_kinds_round_trip() {
        for kind in ReportKind::ALL {
            assert_eq!(ReportKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(ReportKind::parse("complaint"), Err(FieldError::KindUnknown));
    }
}
