//! Citizen accounts: registration with e-mail confirmation, login and logout, password reset,
//! language, "My city", data export and account deletion.

pub mod account;
pub mod confirm;
pub mod delete;
pub mod export;
pub mod language;
pub mod login;
pub mod my_city;
pub mod password;
pub mod register;

use crate::AppState;
use crate::form::FieldErrors;
use miasto_domain::{Email, Locale};
use miasto_store::rate_limit::{self, Decision, Limit};

/// Counts an attempt against a limit; when over it, records a form-level error saying when
/// to try again. Returns whether the attempt may go on.
pub(crate) async fn within_limit(
    state: &AppState,
    key: &str,
    limit: Limit,
    errors: &mut FieldErrors,
    locale: Locale,
) -> Result<bool, crate::Error> {
    match rate_limit::hit(state.db(), key, limit).await? {
        Decision::Allowed => Ok(true),
        Decision::Limited { retry_after_secs } => {
            too_many(errors, locale, retry_after_secs);
            Ok(false)
        }
    }
}

pub(crate) fn too_many(errors: &mut FieldErrors, locale: Locale, retry_after_secs: u64) {
    let minutes = retry_after_secs.div_ceil(60).max(1).to_string();
    errors.add_text(
        FieldErrors::FORM,
        crate::i18n::t_args(locale, "error-too-many-attempts", &[("minutes", &minutes)]),
    );
}

/// The rate-limit key for an account, by its address.
pub(crate) fn account_key(state: &AppState, scope: &str, email: &Email) -> String {
    rate_limit::key(
        state.config().secret.expose().as_bytes(),
        scope,
        email.as_str(),
    )
}

/// Charges the account's hourly counter of things it posts for others to read (comments,
/// statements, questions, requests, applications: `limits.comments_per_account`) inside the
/// write's transaction; the seconds to wait when it is over the limit.
pub(crate) async fn over_post_limit(
    state: &AppState,
    tx: &miasto_store::DatabaseTransaction,
    scope: &str,
    email: &Email,
) -> Result<Option<u64>, crate::Error> {
    let key = account_key(state, scope, email);
    Ok(
        match rate_limit::hit(tx, &key, state.config().limits.comments_per_account).await? {
            rate_limit::Decision::Allowed => None,
            rate_limit::Decision::Limited { retry_after_secs } => Some(retry_after_secs),
        },
    )
}

/// The rate-limit key for a client, by its (already keyed) address.
pub(crate) fn client_key(scope: &str, client: &crate::security::ClientKey) -> String {
    format!("{scope}:{}", client.0)
}

/// An absolute link into the site, for e-mails.
pub(crate) fn link(state: &AppState, path_and_query: &str) -> String {
    format!(
        "{}{path_and_query}",
        state.config().base_url.trim_end_matches('/')
    )
}
