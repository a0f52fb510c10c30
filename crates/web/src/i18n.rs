//! Translations. Every user-visible string lives in `web/i18n/{pl,en}/*.ftl`; Polish is the
//! default and the fallback. Fluent's bidi isolation marks are switched off: the output goes
//! into HTML, e-mail and CSV, where U+2068/U+2069 would be stray characters.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use miasto_domain::Locale;
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./i18n",
        fallback_language: "pl",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static PL: LanguageIdentifier = langid!("pl");
static EN: LanguageIdentifier = langid!("en");

fn lang(locale: Locale) -> &'static LanguageIdentifier {
    match locale {
        Locale::Pl => &PL,
        Locale::En => &EN,
    }
}

/// The message `id` in `locale`. A missing id shows as itself (and fails the completeness test).
pub fn t(locale: Locale, id: &str) -> String {
    LOCALES
        .try_lookup(lang(locale), id)
        .unwrap_or_else(|| id.to_owned())
}

/// The message `id` with arguments. Numeric-looking values are passed as numbers so that
/// Fluent picks the right plural form ("3 zgłoszenia", "5 zgłoszeń").
pub fn t_args(locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| {
            let value = match v.parse::<f64>() {
                Ok(n)
                    if !v.is_empty()
                        && v.chars()
                            .all(|c| c.is_ascii_digit() || c == '.' || c == '-') =>
                {
                    FluentValue::from(n)
                }
                _ => FluentValue::from(v.to_string()),
            };
            (Cow::Owned((*k).to_owned()), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(lang(locale), id, &args)
        .unwrap_or_else(|| id.to_owned())
}

/// Whether `id` exists in `locale` itself (no fallback). Used by the completeness tests.
pub fn has(locale: Locale, id: &str) -> bool {
    LOCALES.try_lookup(lang(locale), id).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_plurals_follow_cldr_rules() {
        let one = t_args(Locale::Pl, "minutes", &[("count", "1")]);
        let few = t_args(Locale::Pl, "minutes", &[("count", "3")]);
        let many = t_args(Locale::Pl, "minutes", &[("count", "5")]);
        assert_eq!(one, "1 minutę");
        assert_eq!(few, "3 minuty");
        assert_eq!(many, "5 minut");
        assert_eq!(t_args(Locale::En, "minutes", &[("count", "1")]), "1 minute");
    }

    #[test]
    fn arguments_carry_no_bidi_isolation_marks() {
        let text = t_args(Locale::Pl, "minutes", &[("count", "7")]);
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'));
    }
}
