//! Switching language. Stored on the account when logged in, and in a cookie for everyone.

use crate::context::{Ctx, lang_cookie, safe_return_path, with_cookies};
use crate::form::Form;
use crate::{AppState, Error};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use miasto_domain::Locale;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageInput {
    pub lang: String,
    pub return_to: String,
}

pub async fn change_language(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<LanguageInput>,
) -> Result<Response, Error> {
    let locale = Locale::parse(&input.lang).map_err(|_| Error::BadRequest("language_unknown"))?;
    if let Some(current) = &ctx.user {
        miasto_store::accounts::set_locale(state.db(), current.user.id, locale).await?;
    }
    let to = safe_return_path(&input.return_to).unwrap_or_else(|| "/".to_owned());
    Ok(with_cookies(
        Redirect::to(&to).into_response(),
        &[lang_cookie(ctx.secure, locale)],
    ))
}
