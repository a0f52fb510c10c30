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

/// The longest answer template's title, in characters.
pub const TEMPLATE_TITLE_MAX: usize = 120;

/// An answer template as checked: a title to find it by and the answer it gives. Templates are
/// the city's recurring wording ("outside the subject of this resolution", "already in the
/// draft: § 3"), shared by every consultation; an answer made from one is the consultation's
/// own and may be reworded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub title: String,
    pub answer: Answer,
}

/// Checks a template as typed: a title and the answer's own checks. Every problem, by field.
pub fn check_template(
    title: &str,
    disposition: &str,
    justification: &str,
) -> Result<Template, Vec<(&'static str, FieldError)>> {
    let title = crate::required_text(title, TEMPLATE_TITLE_MAX);
    let answer = check_answer(disposition, justification);
    match (title, answer) {
        (Ok(title), Ok(answer)) => Ok(Template { title, answer }),
        (title, answer) => {
            let mut errors = Vec::new();
            if let Err(e) = title {
                errors.push(("title", e));
            }
            if let Err(list) = answer {
                errors.extend(list);
            }
            Err(errors)
        }
    }
}

/// An answer from a template, with what the person answering typed taking precedence: an
/// empty disposition or justification is the template's.
pub fn from_template<'a>(
    template: &'a Template,
    disposition: &'a str,
    justification: &'a str,
) -> (&'a str, &'a str) {
    (
        if disposition.trim().is_empty() {
            template.answer.disposition.as_str()
        } else {
            disposition
        },
        if justification.trim().is_empty() {
            &template.answer.justification
        } else {
            justification
        },
    )
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
    fn templates_are_checked_and_what_is_typed_wins() {
        assert_eq!(
            check_template(" ", "maybe", "ok"),
            Err(vec![
                ("title", FieldError::Required),
                ("disposition", FieldError::DispositionUnknown),
                ("justification", FieldError::TooShort),
            ])
        );
        let t = check_template(
            "Poza przedmiotem",
            "not_applicable",
            "Uwaga nie dotyczy projektu uchwały.",
        )
        .unwrap();
        assert_eq!(
            from_template(&t, "", " "),
            ("not_applicable", "Uwaga nie dotyczy projektu uchwały.")
        );
        assert_eq!(
            from_template(&t, "not_accepted", "Inaczej."),
            ("not_accepted", "Inaczej.")
        );
    }

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
