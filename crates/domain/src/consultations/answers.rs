//! Answers to comments: every comment gets a disposition and a justification (the current
//! resolution requires one for every accepted or rejected comment). Many comments may share
//! one answer (the same point made by many); answers are drafts that nobody outside the city
//! sees until an official publishes the report, which publishes them all at once.

use crate::FieldError;

/// The longest justification, in characters.
pub const JUSTIFICATION_MAX: usize = 10_000;

/// What the city decided about a comment (Polish practice: *uwzględniona, częściowo
/// uwzględniona, nieuwzględniona*; and comments outside the consultation's subject).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposition {
    Accepted,
    PartlyAccepted,
    NotAccepted,
    NotApplicable,
}

impl Disposition {
    pub const ALL: [Self; 4] = [
        Self::Accepted,
        Self::PartlyAccepted,
        Self::NotAccepted,
        Self::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::PartlyAccepted => "partly_accepted",
            Self::NotAccepted => "not_accepted",
            Self::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw.trim())
    }
}

/// An answer as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub disposition: Disposition,
    pub justification: String,
}

/// Checks an answer as typed: a known disposition and a justification (3 to 10,000
/// characters — a bare "no" is not a justification). Every problem, by field.
pub fn check_answer(
    disposition: &str,
    justification: &str,
) -> Result<Answer, Vec<(&'static str, FieldError)>> {
    let mut errors = Vec::new();
    let disposition = match Disposition::parse(disposition) {
        Some(d) => Some(d),
        None if disposition.trim().is_empty() => {
            errors.push(("disposition", FieldError::Required));
            None
        }
        None => {
            errors.push(("disposition", FieldError::DispositionUnknown));
            None
        }
    };
    let justification = match crate::required_text(justification, JUSTIFICATION_MAX) {
        Ok(t) if t.chars().count() < 3 => {
            errors.push(("justification", FieldError::TooShort));
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(("justification", e));
            None
        }
    };
    match (disposition, justification) {
        (Some(disposition), Some(justification)) if errors.is_empty() => Ok(Answer {
            disposition,
            justification,
        }),
        _ => Err(errors),
    }
}

/// May the report be published with `unanswered` comments still without an answer? Only when
/// there are none: the report answers every comment.
pub fn check_report(unanswered: u64) -> Result<(), super::Refusal> {
    if unanswered > 0 {
        return Err(super::Refusal::Unanswered);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_needs_a_disposition_and_a_justification() {
        let a = check_answer("partly_accepted", "  Uwzględniono w § 3.  ").unwrap();
        assert_eq!(a.disposition, Disposition::PartlyAccepted);
        assert_eq!(a.justification, "Uwzględniono w § 3.");
        assert_eq!(
            check_answer("", "").unwrap_err(),
            [
                ("disposition", FieldError::Required),
                ("justification", FieldError::Required)
            ]
        );
        assert_eq!(
            check_answer("maybe", "ok").unwrap_err(),
            [
                ("disposition", FieldError::DispositionUnknown),
                ("justification", FieldError::TooShort)
            ]
        );
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(d));
        }
        assert_eq!(check_report(0), Ok(()));
        assert_eq!(check_report(1), Err(super::super::Refusal::Unanswered));
    }
}
