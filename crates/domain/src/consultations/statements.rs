//! Statement voting, as Pol.is does it: short statements that residents agree with, disagree
//! with or pass on, one vote per account and statement (a later vote replaces the earlier);
//! residents may add statements, which wait for a moderator; officials add the first ones.
//! From the votes `miasto-analysis` finds opinion groups — what unites each group, what
//! divides them, what nearly everyone shares — published to residents.

use crate::FieldError;

/// The longest statement, in characters (one thought, as on Pol.is).
pub const STATEMENT_MAX: usize = 280;
/// The shortest statement that says something, in characters.
pub const STATEMENT_MIN: usize = 5;
/// The longest reason for refusing a statement, in characters.
pub const REASON_MAX: usize = 500;

/// A statement as typed.
pub fn check_statement(raw: &str) -> Result<String, FieldError> {
    let text = crate::required_text(raw, STATEMENT_MAX)?;
    if text.chars().count() < STATEMENT_MIN {
        return Err(FieldError::TooShort);
    }
    Ok(text)
}

/// A reason for refusing a statement, as typed (its author sees it).
pub fn check_reason(raw: &str) -> Result<String, FieldError> {
    crate::required_text(raw, REASON_MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    Agree,
    Disagree,
    Pass,
}

impl Choice {
    pub const ALL: [Self; 3] = [Self::Agree, Self::Disagree, Self::Pass];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agree => "agree",
            Self::Disagree => "disagree",
            Self::Pass => "pass",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }
}

/// Where a statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// A resident's, waiting for a moderator: only its author sees it.
    Pending,
    /// Shown to everyone and voted on.
    Accepted,
    /// Refused with a reason its author sees.
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
    }

    /// A statement by staff is shown at once; a resident's waits for a moderator.
    pub fn initial(by_staff: bool) -> Self {
        if by_staff {
            Self::Accepted
        } else {
            Self::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_one_short_thought() {
        assert_eq!(
            check_statement("  Więcej drzew przy szkołach. "),
            Ok("Więcej drzew przy szkołach.".to_owned())
        );
        assert_eq!(check_statement(""), Err(FieldError::Required));
        assert_eq!(check_statement("Tak"), Err(FieldError::TooShort));
        assert_eq!(check_statement(&"a".repeat(281)), Err(FieldError::TooLong));
        assert_eq!(Choice::parse("disagree"), Some(Choice::Disagree));
        assert_eq!(Choice::parse("maybe"), None);
        assert_eq!(Status::initial(true), Status::Accepted);
        assert_eq!(Status::initial(false), Status::Pending);
        assert_eq!(Status::parse("rejected"), Some(Status::Rejected));
    }
}
