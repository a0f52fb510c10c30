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

/// Whether the translations have a message `id` (both languages have the same ids: a test
/// checks it).
pub fn exists(id: &str) -> bool {
    LOCALES.try_lookup(&PL, id).is_some()
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

/// Completeness: both languages say the same things, everything the code asks for exists,
/// and no template carries text of its own.
#[cfg(test)]
mod completeness {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }

    fn ids_defined(lang: &str) -> BTreeSet<String> {
        let mut paths = Vec::new();
        files(&root().join("i18n").join(lang), "ftl", &mut paths);
        let mut ids = BTreeSet::new();
        for path in paths {
            for line in std::fs::read_to_string(path).unwrap().lines() {
                if let Some((id, _)) = line.split_once(" =")
                    && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    assert!(ids.insert(id.to_owned()), "{lang}: {id} defined twice");
                }
            }
        }
        ids
    }

    fn is_id(s: &str) -> bool {
        s.contains('-')
            && !s.ends_with('-')
            && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    }

    /// String literals inside the argument lists of translation calls.
    fn ids_used_in(text: &str, calls: &[&str]) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for call in calls {
            let mut pieces = text.split(call);
            let mut before = pieces.next().unwrap_or_default();
            for part in pieces {
                // `t(` must be the call itself, not the end of `set(` or `format(`.
                let preceded_by_ident = before
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                before = part;
                if preceded_by_ident && !call.starts_with('.') {
                    continue;
                }
                let args = &part[..part.find(')').unwrap_or(part.len())];
                for (i, literal) in args.split('"').enumerate() {
                    if i % 2 == 1 && is_id(literal) {
                        ids.insert(literal.to_owned());
                    }
                }
            }
        }
        ids
    }

    fn ids_used() -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let mut templates = Vec::new();
        files(&root().join("templates"), "html", &mut templates);
        files(&root().join("templates"), "txt", &mut templates);
        for path in templates {
            ids.extend(ids_used_in(
                &std::fs::read_to_string(path).unwrap(),
                &[".t(", ".t1("],
            ));
        }
        let mut sources = Vec::new();
        files(&root().join("src"), "rs", &mut sources);
        for path in sources {
            let text = std::fs::read_to_string(path).unwrap();
            ids.extend(ids_used_in(
                &text,
                &[
                    "t(",
                    "t_args(",
                    "titled(",
                    "add_message(",
                    "redirect_with_flash(",
                    "message(locale",
                ],
            ));
            // Ids chosen by a condition before the call (`let title = if … { "…" } …`).
            for (i, literal) in text.split('"').enumerate() {
                let named = literal.starts_with("flash-") || literal.ends_with("-title");
                if i % 2 == 1 && named && is_id(literal) {
                    ids.insert(literal.to_owned());
                }
            }
        }
        ids
    }

    /// Messages whose ids are built from the domain's codes.
    #[test]
    fn every_budget_refusal_and_share_problem_has_a_message() {
        use miasto_domain::budget::Refusal;
        use miasto_domain::vote::IdentityError;
        use miasto_domain::vote::shares::ShareError;
        let mut needed: Vec<String> = Refusal::ALL
            .iter()
            .filter(|r| **r != Refusal::SignIn)
            .map(|r| format!("error-page-{}", r.code()))
            .collect();
        for e in [
            ShareError::Garbled { entry: 1 },
            ShareError::OtherEdition { entry: 1 },
            ShareError::NotIssued { entry: 1 },
            ShareError::Repeated { entry: 1 },
            ShareError::TooFew { have: 1, need: 2 },
            ShareError::WrongKey,
        ] {
            needed.push(format!("budget-error-{}", e.code()));
        }
        for e in [
            IdentityError::BornInFuture,
            IdentityError::BornTooEarly,
            IdentityError::TooYoung { min: 16 },
        ] {
            needed.push(format!("budget-error-{}", e.code().replace('_', "-")));
        }
        for lang in ["pl", "en"] {
            let defined = ids_defined(lang);
            let missing: Vec<&String> = needed.iter().filter(|id| !defined.contains(*id)).collect();
            assert!(missing.is_empty(), "{lang}: {missing:?}");
        }
    }

    #[test]
    fn polish_and_english_define_the_same_messages() {
        let pl = ids_defined("pl");
        let en = ids_defined("en");
        let only_pl: Vec<_> = pl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&pl).collect();
        assert!(
            only_pl.is_empty() && only_en.is_empty(),
            "only in pl: {only_pl:?}; only in en: {only_en:?}"
        );
        assert!(pl.len() > 200);
    }

    #[test]
    fn every_message_the_code_asks_for_exists_in_both_languages() {
        let used = ids_used();
        assert!(
            used.len() > 150,
            "the scanner found too few ids: {}",
            used.len()
        );
        let mut dynamic: Vec<String> = Vec::new();
        dynamic.extend(
            miasto_domain::FieldError::ALL
                .iter()
                .map(|e| format!("error-{}", e.code())),
        );
        dynamic.extend(miasto_store::tokens::TokenError::ALL.iter().flat_map(|e| {
            [
                format!("error-{}", e.code()),
                format!("error-support-{}", e.code()),
            ]
        }));
        {
            use miasto_domain::reports::intake::Code;
            dynamic.extend(
                [Code::CoordinatesPair, Code::CoordinatesInvalid]
                    .iter()
                    .map(|c| format!("error-{}", c.as_str())),
            );
        }
        dynamic.extend(
            miasto_domain::Role::ALL
                .iter()
                .map(|r| format!("role-{}", r.as_str())),
        );
        dynamic.extend(
            miasto_domain::reference::ReportKind::ALL
                .iter()
                .map(|k| format!("kind-{}", k.as_str())),
        );
        dynamic.extend(
            miasto_store::audit::Action::ALL
                .iter()
                .map(|a| format!("audit-action-{}", a.code())),
        );
        dynamic.extend(
            crate::open311::Failure::CODES
                .iter()
                .map(|c| format!("open311-error-{c}")),
        );
        dynamic.extend(
            [
                "developers-auth-required",
                "developers-auth-optional",
                "developers-auth-none",
                "developers-yes",
                "developers-no",
            ]
            .map(String::from),
        );
        dynamic.extend(
            miasto_domain::questions::AnswerError::kinds()
                .iter()
                .map(|e| format!("report-answer-{}", e.code())),
        );
        dynamic.extend(
            miasto_store::reports::ChangeError::refusals()
                .iter()
                .map(|e| format!("error-{}", e.code())),
        );
        dynamic.extend(
            miasto_store::photos::PhotoError::ALL
                .iter()
                .map(|e| format!("error-{}", e.code())),
        );
        dynamic.extend(
            miasto_store::reports::MergeError::refusals()
                .iter()
                .map(|e| format!("error-{}", e.code())),
        );
        dynamic.extend(
            miasto_domain::questions::Datatype::ALL
                .iter()
                .map(|d| format!("datatype-{}", d.as_str())),
        );
        {
            use miasto_store::budget::{Keying, ProjectStatus, Realisation, Stage};
            dynamic.extend(
                miasto_domain::budget::Phase::ALL
                    .iter()
                    .map(|p| format!("budget-phase-{}", p.as_str())),
            );
            dynamic.extend(
                ProjectStatus::ALL
                    .iter()
                    .map(|s| format!("budget-status-{}", s.as_str())),
            );
            dynamic.extend(
                Stage::ALL
                    .iter()
                    .map(|s| format!("budget-stage-{}", s.as_str())),
            );
            dynamic.extend(
                Realisation::ALL
                    .iter()
                    .map(|s| format!("budget-realisation-{}", s.as_str())),
            );
            dynamic.extend(
                Keying::ALL
                    .iter()
                    .map(|k| format!("budget-keying-{}", k.as_str())),
            );
            dynamic.extend(
                miasto_domain::budget::CATEGORIES
                    .iter()
                    .map(|c| format!("budget-category-{c}")),
            );
            dynamic.extend(
                miasto_domain::budget::Counting::ALL
                    .iter()
                    .map(|c| format!("budget-counting-{}", c.as_str())),
            );
            dynamic.extend(
                crate::emails::BudgetNews::ALL
                    .iter()
                    .flat_map(|n| n.message_ids()),
            );
        }
        dynamic.extend(
            miasto_domain::stats::PeriodKind::ALL
                .iter()
                .map(|k| format!("stats-period-{}", k.as_str())),
        );
        dynamic.extend(
            miasto_domain::reference::ReportKind::ALL
                .iter()
                .flat_map(|k| {
                    [
                        format!("stats-{}-heading", k.as_str()),
                        format!("stats-acted-on-{}", k.as_str()),
                    ]
                }),
        );
        dynamic.extend(
            [
                "calls_date",
                "calls_missing",
                "calls_number",
                "calls_repeated",
                "calls_too_many",
                "calls_empty",
            ]
            .map(|c| format!("error-{c}")),
        );
        for d in crate::opendata::export::Dataset::ALL {
            dynamic.push(format!("opendata-{}-title", d.id()));
            dynamic.push(format!("opendata-{}-description", d.id()));
            dynamic.extend(
                d.fields()
                    .iter()
                    .map(|(name, _, _)| format!("opendata-field-{}-{name}", d.id())),
            );
        }
        dynamic.extend(
            ["opendata-frequency-continuous", "opendata-frequency-daily"].map(String::from),
        );
        dynamic.extend(
            crate::api::ApiError::CODES
                .iter()
                .map(|c| format!("api-error-{c}")),
        );
        dynamic.extend(
            [
                "limit_out_of_range",
                "cursor_invalid",
                "kind_unknown",
                "category_unknown",
                "district_unknown",
                "status_unknown",
                "not_a_boolean",
                "answers_malformed",
            ]
            .iter()
            .map(|c| format!("api-field-{c}")),
        );
        dynamic.extend(
            miasto_domain::reference::ReportKind::ALL
                .iter()
                .flat_map(|k| {
                    [
                        format!("open311-kind-{}", k.as_str()),
                        format!("open311-group-{}", k.as_str()),
                    ]
                }),
        );
        let page_codes = crate::Error::page_codes();
        dynamic.extend(page_codes.iter().map(|c| format!("error-page-{c}")));
        dynamic.extend(
            [
                "language-switch",
                "error-page-title",
                "error-page-retry-in",
                "error-too-many-attempts",
            ]
            .map(String::from),
        );
        let (pl, en) = (ids_defined("pl"), ids_defined("en"));
        let missing: Vec<String> = used
            .into_iter()
            .chain(dynamic)
            .filter(|id| !pl.contains(id) || !en.contains(id))
            .collect();
        assert!(
            missing.is_empty(),
            "messages missing in pl or en: {missing:?}"
        );
    }

    /// Removes `open … close` spans.
    fn strip(text: &str, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            out.push_str(&rest[..start]);
            match rest[start..].find(close) {
                Some(end) => rest = &rest[start + end + close.len()..],
                None => panic!("unclosed {open}"),
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn templates_hold_no_text_outside_the_translation_files() {
        let mut templates = Vec::new();
        files(&root().join("templates"), "html", &mut templates);
        files(&root().join("templates"), "txt", &mut templates);
        assert!(templates.len() > 20);
        for path in templates {
            let source = std::fs::read_to_string(&path).unwrap();
            let code_free = strip(&strip(&strip(&source, "{#", "#}"), "{%", "%}"), "{{", "}}");
            for attr in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                for part in code_free.split(attr).skip(1) {
                    let value = part.split('"').next().unwrap_or_default();
                    assert!(
                        !value.chars().any(char::is_alphabetic),
                        "{}: literal text in {attr}{value}\"",
                        path.display()
                    );
                }
            }
            let text = strip(&strip(&code_free, "<!--", "-->"), "<", ">");
            let stray: String = text.chars().filter(|c| c.is_alphabetic()).collect();
            assert!(
                stray.is_empty(),
                "{}: text outside Fluent: {stray:?}",
                path.display()
            );
        }
    }
}
