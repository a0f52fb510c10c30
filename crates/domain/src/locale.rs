//! The languages the platform speaks. Polish is the default; English is complete.

use crate::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Pl,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Pl, Locale::En];

    /// BCP 47 tag, as used in `lang` attributes and stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pl => "pl",
            Self::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "pl" => Ok(Self::Pl),
            "en" => Ok(Self::En),
            _ => Err(FieldError::LocaleUnknown),
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring
    /// q-values; `None` if the header names none we speak.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let Ok(locale) = Self::parse(primary) else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, locale)| locale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality_supported_tag() {
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9,pl;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("de-DE, pl;q=0.5, en;q=0.4"),
            Some(Locale::Pl)
        );
        assert_eq!(Locale::from_accept_language("de, fr;q=0.9"), None);
        assert_eq!(
            Locale::from_accept_language("en;q=0, pl;q=0.1"),
            Some(Locale::Pl)
        );
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn parse_accepts_only_supported_languages() {
        assert_eq!(Locale::parse(" EN "), Ok(Locale::En));
        assert_eq!(Locale::parse("de"), Err(FieldError::LocaleUnknown));
    }
}
