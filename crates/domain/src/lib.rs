//! Pure types and rules of Wspólne Miasto: no I/O, no async, no database.
//!
//! Input from the outside world is *parsed* into these types at the edge (web forms, the CLI,
//! imported files); after that no raw strings travel through the system. Every parse error has
//! a stable snake_case [`code`](FieldError::code) that the web layer translates.

pub mod accounts;
pub mod budget;
pub mod consultations;
pub mod dialogue;
pub mod geo;
pub mod ids;
pub mod initiatives;
pub mod locale;
pub mod open311;
pub mod places;
pub mod questions;
pub mod reference;
pub mod referenda;
pub mod reports;
pub mod requests;
pub mod stats;
pub mod text;
pub mod vote;

pub use accounts::{Email, Password, Permission, Role, RoleAssignment};
pub use ids::{
    BallotId, CategoryId, DistrictId, EditionId, PoolId, ProjectId, ReportId, UnitId, UserId,
};
pub use locale::Locale;

/// Why a single input field was refused. The code doubles as the translation key suffix
/// (`error-<code>` in the Fluent files), so it must stay stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.code())]
pub enum FieldError {
    Required,
    TooLong,
    TooShort,
    EmailInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordSameAsEmail,
    PasswordsDiffer,
    RoleUnknown,
    RoleNeedsUnit,
    RoleTakesNoUnit,
    LocaleUnknown,
    CodeInvalid,
    KindUnknown,
    NumberInvalid,
    PhoneInvalid,
    StatusUnknown,
    ChannelUnknown,
    TrackingNumberInvalid,
    CategoryUnknown,
    DistrictUnknown,
    UnitUnknown,
    LocationMissing,
    OutsideCity,
    ConsentRequired,
    PeselFormat,
    PeselChecksum,
    PeselDate,
    PlaceholderUnknown,
    DispositionUnknown,
    /// Not a date and time the form can read.
    DateInvalid,
    /// A start already past.
    DatePast,
    /// An end before the start, or too far after it.
    DateOrder,
    /// Not an http(s) address.
    LinkInvalid,
    /// Not a KRS number (ten digits).
    KrsFormat,
    /// A referendum's questions: at most five, a choice with two to ten options.
    QuestionsFormat,
}

impl FieldError {
    pub const ALL: [FieldError; 36] = [
        Self::Required,
        Self::TooLong,
        Self::TooShort,
        Self::EmailInvalid,
        Self::PasswordTooShort,
        Self::PasswordTooLong,
        Self::PasswordSameAsEmail,
        Self::PasswordsDiffer,
        Self::RoleUnknown,
        Self::RoleNeedsUnit,
        Self::RoleTakesNoUnit,
        Self::LocaleUnknown,
        Self::CodeInvalid,
        Self::KindUnknown,
        Self::NumberInvalid,
        Self::PhoneInvalid,
        Self::StatusUnknown,
        Self::ChannelUnknown,
        Self::TrackingNumberInvalid,
        Self::CategoryUnknown,
        Self::DistrictUnknown,
        Self::UnitUnknown,
        Self::LocationMissing,
        Self::OutsideCity,
        Self::ConsentRequired,
        Self::PeselFormat,
        Self::PeselChecksum,
        Self::PeselDate,
        Self::PlaceholderUnknown,
        Self::DispositionUnknown,
        Self::DateInvalid,
        Self::DatePast,
        Self::DateOrder,
        Self::LinkInvalid,
        Self::KrsFormat,
        Self::QuestionsFormat,
    ];

    /// Stable snake_case code, used in translations and in API error envelopes.
    pub fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong => "too_long",
            Self::TooShort => "too_short",
            Self::EmailInvalid => "email_invalid",
            Self::PasswordTooShort => "password_too_short",
            Self::PasswordTooLong => "password_too_long",
            Self::PasswordSameAsEmail => "password_same_as_email",
            Self::PasswordsDiffer => "passwords_differ",
            Self::RoleUnknown => "role_unknown",
            Self::RoleNeedsUnit => "role_needs_unit",
            Self::RoleTakesNoUnit => "role_takes_no_unit",
            Self::LocaleUnknown => "locale_unknown",
            Self::CodeInvalid => "code_invalid",
            Self::KindUnknown => "kind_unknown",
            Self::NumberInvalid => "number_invalid",
            Self::PhoneInvalid => "phone_invalid",
            Self::StatusUnknown => "status_unknown",
            Self::ChannelUnknown => "channel_unknown",
            Self::TrackingNumberInvalid => "tracking_number_invalid",
            Self::CategoryUnknown => "category_unknown",
            Self::DistrictUnknown => "district_unknown",
            Self::UnitUnknown => "unit_unknown",
            Self::LocationMissing => "location_missing",
            Self::OutsideCity => "outside_city",
            Self::ConsentRequired => "consent_required",
            Self::PeselFormat => "pesel_format",
            Self::PeselChecksum => "pesel_checksum",
            Self::PeselDate => "pesel_date",
            Self::PlaceholderUnknown => "placeholder_unknown",
            Self::DispositionUnknown => "disposition_unknown",
            Self::DateInvalid => "date_invalid",
            Self::DatePast => "date_past",
            Self::DateOrder => "date_order",
            Self::LinkInvalid => "link_invalid",
            Self::KrsFormat => "krs_format",
            Self::QuestionsFormat => "questions_format",
        }
    }
}

/// Trims a text field and checks it is present and at most `max` characters long.
pub fn required_text(raw: &str, max: usize) -> Result<String, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldError::Required);
    }
    if text.chars().count() > max {
        return Err(FieldError::TooLong);
    }
    Ok(text.to_owned())
}

/// Like [`required_text`] but an empty field is `None`.
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    match required_text(raw, max) {
        Ok(text) => Ok(Some(text)),
        Err(FieldError::Required) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits_length_in_characters() {
        assert_eq!(required_text("  Zażółć  ", 6), Ok("Zażółć".to_owned()));
        assert_eq!(required_text("Zażółć gęślą", 6), Err(FieldError::TooLong));
        assert_eq!(required_text("   ", 6), Err(FieldError::Required));
        assert_eq!(optional_text("", 6), Ok(None));
    }
}
