//! Who a voter is, as far as "one person, one ballot" needs: a PESEL with the full name, or
//! (where allowed) a date of birth with the full name. Names are folded before hashing, so
//! that the same person typed two ways is still one person.

use super::{hex, keyed_hash};
use crate::budget::{Pesel, age};
use crate::text::fold_letter;
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use uuid::Uuid;

/// A full name folded for comparison: Unicode compatibility forms (NFKC/NFKD), case and
/// diacritics folded (ł as l, ß as ss), hyphens, apostrophes, dots and whitespace treated as
/// the gaps between parts, and the parts sorted — "Jan Kowalski", "JAN  KOWALSKI",
/// "Kowalski-Jan" and "Jan Kowalski-" are one name. Only letters count.
#[derive(Clone, PartialEq, Eq)]
pub struct FoldedName(String);

impl std::fmt::Debug for FoldedName {
    /// Never prints the name (personal data).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FoldedName(…)")
    }
}

impl FoldedName {
    /// At most this many characters are accepted.
    pub const MAX: usize = 200;

    /// None unless the name has at least two parts (a first name and a surname) made of
    /// letters, and no digits.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.chars().count() > Self::MAX || raw.chars().any(|c| c.is_numeric()) {
            return None;
        }
        let mut parts: Vec<String> = Vec::new();
        let mut current = String::new();
        for c in raw.nfkd() {
            if is_combining_mark(c) {
                continue;
            }
            if c.is_alphabetic() {
                fold_letter(c, &mut current);
            } else if !current.is_empty() {
                // Whitespace, hyphens, apostrophes, dots, commas: a gap between parts.
                parts.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            parts.push(current);
        }
        if parts.len() < 2 {
            return None;
        }
        parts.sort();
        Some(Self(parts.join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A voter as they identified themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// A PESEL, with the full name as on the ballot.
    Pesel { pesel: Pesel, name: FoldedName },
    /// No PESEL: a date of birth and the full name, with a declaration (or a document shown
    /// at a counter).
    Declared { born: NaiveDate, name: FoldedName },
}

/// Why an identity is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityError {
    /// Born after the day of voting.
    BornInFuture,
    /// Born before 1900: a typing error.
    BornTooEarly,
    /// Younger than the edition's minimum age.
    TooYoung { min: u32 },
}

impl IdentityError {
    pub fn code(self) -> &'static str {
        match self {
            Self::BornInFuture => "born_in_future",
            Self::BornTooEarly => "born_too_early",
            Self::TooYoung { .. } => "too_young",
        }
    }
}

/// The keyed hashes stored in place of a voter's identity. `primary` is the identity they
/// used; `alias` is what the other route would give for the same person (a PESEL voter's
/// date of birth and name), stored too so that route is closed to them.
#[derive(Clone, PartialEq, Eq)]
pub struct VoterKeys {
    pub primary: String,
    pub alias: Option<String>,
}

impl std::fmt::Debug for VoterKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoterKeys(…)")
    }
}

impl Identity {
    pub fn birth_date(&self) -> NaiveDate {
        match self {
            Self::Pesel { pesel, .. } => pesel.birth_date(),
            Self::Declared { born, .. } => *born,
        }
    }

    /// Checks the birth date is possible on `today` and the voter old enough.
    pub fn check(&self, today: NaiveDate, min_age: Option<u32>) -> Result<(), IdentityError> {
        let born = self.birth_date();
        if born > today {
            return Err(IdentityError::BornInFuture);
        }
        if born < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(IdentityError::BornTooEarly);
        }
        if let Some(min) = min_age
            && age(born, today) < min
        {
            return Err(IdentityError::TooYoung { min });
        }
        Ok(())
    }

    /// The keyed hashes (HMAC-SHA256 under the server secret) within `scope` (an edition: the
    /// same person's rows in two editions do not match).
    pub fn keys(&self, secret: &[u8], scope: Uuid) -> VoterKeys {
        let declared = |born: NaiveDate, name: &FoldedName| {
            hex(&keyed_hash(
                secret,
                &[
                    b"voter",
                    scope.as_bytes(),
                    b"declared",
                    born.to_string().as_bytes(),
                    name.as_str().as_bytes(),
                ],
            ))
        };
        match self {
            Self::Pesel { pesel, name } => VoterKeys {
                primary: hex(&keyed_hash(
                    secret,
                    &[
                        b"voter",
                        scope.as_bytes(),
                        b"pesel",
                        pesel.as_digits().as_bytes(),
                    ],
                )),
                alias: Some(declared(pesel.birth_date(), name)),
            },
            Self::Declared { born, name } => VoterKeys {
                primary: declared(*born, name),
                alias: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> String {
        FoldedName::parse(raw)
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn one_name_typed_many_ways_folds_to_one() {
        let folded = name("Jan Kowalski");
        assert_eq!(folded, "jan kowalski");
        for same in [
            "Jan Kowalski-",
            "JAN  KOWALSKI",
            " jan\tkowalski ",
            "Kowalski Jan",
            "Kowalski-Jan",
            "Jan Kowalski.",
            "Ｊａｎ Ｋｏｗａｌｓｋｉ",
        ] {
            assert_eq!(name(same), folded, "{same:?}");
        }
        assert_eq!(name("Łukasz Żółć"), name("Lukasz Zolc"));
        assert_eq!(name("Zoë D'Arcy"), name("zoe d arcy"));
        assert_eq!(name("Anna Kowalska-Nowak"), name("Anna Kowalska Nowak"));
        // The combining form of ó and the precomposed one are the same letter.
        assert_eq!(name("Jo\u{301}zef Nowak"), name("Józef Nowak"));
        assert_eq!(name("Straße Müller"), name("Strasse Muller"));
        assert_ne!(name("Jan Kowalski"), name("Jan Kowalska"));
    }

    #[test]
    fn a_name_needs_two_parts_of_letters() {
        for bad in ["", "Jan", "  - ", "Jan K0walski", &"a ".repeat(101)] {
            assert_eq!(FoldedName::parse(bad), None, "{bad:?}");
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn declared(born: NaiveDate) -> Identity {
        Identity::Declared {
            born,
            name: FoldedName::parse("Anna Nowak").unwrap_or(FoldedName(String::new())),
        }
    }

    #[test]
    fn birth_dates_must_be_possible_and_the_voter_old_enough() {
        let today = day(2026, 9, 20);
        assert_eq!(declared(day(1990, 1, 2)).check(today, None), Ok(()));
        assert_eq!(
            declared(day(2026, 9, 21)).check(today, None),
            Err(IdentityError::BornInFuture)
        );
        assert_eq!(
            declared(day(1899, 12, 31)).check(today, None),
            Err(IdentityError::BornTooEarly)
        );
        assert_eq!(
            declared(day(2010, 9, 21)).check(today, Some(16)),
            Err(IdentityError::TooYoung { min: 16 })
        );
        assert_eq!(declared(day(2010, 9, 20)).check(today, Some(16)), Ok(()));
    }

    #[test]
    fn a_pesel_voter_also_holds_the_key_of_the_declared_route() -> Result<(), crate::FieldError> {
        let secret = b"server-secret";
        let scope = Uuid::from_u128(7);
        let pesel = Pesel::parse("44051401458")?;
        let Some(name) = FoldedName::parse("Jan Kowalski") else {
            panic!("a valid name was refused");
        };
        let by_pesel = Identity::Pesel {
            pesel: pesel.clone(),
            name: name.clone(),
        }
        .keys(secret, scope);
        let Some(typed_otherwise) = FoldedName::parse("KOWALSKI  JAN-") else {
            panic!("a valid name was refused");
        };
        let by_birth = Identity::Declared {
            born: pesel.birth_date(),
            name: typed_otherwise,
        }
        .keys(secret, scope);
        assert_eq!(by_pesel.alias.as_deref(), Some(by_birth.primary.as_str()));
        assert_ne!(by_pesel.primary, by_birth.primary);
        assert_eq!(by_birth.alias, None);
        // Other editions and other secrets give unrelated keys.
        let elsewhere = Identity::Pesel {
            pesel: pesel.clone(),
            name: name.clone(),
        }
        .keys(secret, Uuid::from_u128(8));
        assert_ne!(elsewhere.primary, by_pesel.primary);
        let other_secret = Identity::Pesel { pesel, name }.keys(b"other", scope);
        assert_ne!(other_secret.primary, by_pesel.primary);
        assert_eq!(by_pesel.primary.len(), 64);
        assert_eq!(format!("{by_pesel:?}"), "VoterKeys(…)");
        Ok(())
    }
}
