//! Logging in and out. Failures say only "wrong e-mail or password"; attempts are limited per
//! client address and per account.

use super::{account_key, client_key, too_many, within_limit};
use crate::context::{
    CookieNames, Ctx, lang_cookie, redirect_with_flash, removal, safe_return_path, session_cookie,
    with_cookies,
};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::security::ClientKey;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use miasto_domain::{Email, FieldError};
use miasto_store::rate_limit::{self, Decision};
use miasto_store::{accounts, sessions};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
    pub next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    pub next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    errors: FieldErrors,
    /// The account exists but its address is not confirmed: offer a new link.
    offer_resend: bool,
}

pub async fn show_login(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, Error> {
    let next = safe_return_path(&q.next).unwrap_or_default();
    if ctx.user.is_some() {
        return Ok(Redirect::to(if next.is_empty() { "/my" } else { &next }).into_response());
    }
    Ok(render(&LoginPage {
        page: Page::titled(&ctx, "login-title"),
        email: String::new(),
        next,
        errors: FieldErrors::new(ctx.locale),
        offer_resend: false,
    })?
    .into_response())
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    Form(input): Form<LoginInput>,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    let email = errors.check("email", Email::parse(&input.email));
    if input.password.is_empty() {
        errors.add("password", FieldError::Required);
    }
    let limits = state.config().limits;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut offer_resend = false;
    if !within_limit(
        &state,
        &client_key("login", &client),
        limits.login_per_ip,
        &mut errors,
        ctx.locale,
    )
    .await?
    {
        status = StatusCode::TOO_MANY_REQUESTS;
    }
    let account = email
        .as_ref()
        .map(|e| account_key(&state, "login-failures", e));
    if let (Some(key), true) = (&account, errors.is_empty())
        && let Decision::Limited { retry_after_secs } =
            rate_limit::check(state.db(), key, limits.login_failures_per_account).await?
    {
        too_many(&mut errors, ctx.locale, retry_after_secs);
        status = StatusCode::TOO_MANY_REQUESTS;
    }

    if let (Some(email), Some(key), true) = (&email, &account, errors.is_empty()) {
        let found = accounts::find_for_login(state.db(), email).await?;
        let verified =
            accounts::verify_password(&input.password, found.as_ref().map(|(_, h)| h)).await;
        match found {
            Some((user, _)) if verified && user.is_disabled() => {
                errors.add_message(FieldErrors::FORM, "error-login-disabled");
                status = StatusCode::FORBIDDEN;
            }
            Some((user, _)) if verified && !user.is_confirmed() => {
                errors.add_message(FieldErrors::FORM, "error-login-unconfirmed");
                offer_resend = true;
                status = StatusCode::FORBIDDEN;
            }
            Some((user, _)) if verified => {
                let tx = miasto_store::begin(state.db()).await?;
                if let Some(previous) = &ctx.user {
                    sessions::delete_by_id(&tx, &previous.session_id).await?;
                }
                let token = sessions::create(&tx, user.id).await?;
                accounts::record_login(&tx, user.id).await?;
                rate_limit::clear(&tx, key).await?;
                tx.commit().await?;
                tracing::info!(user.id = %user.id, "logged in");
                let to = safe_return_path(&input.next).unwrap_or_else(|| "/my".to_owned());
                let response = redirect_with_flash(&ctx, &to, "flash-logged-in");
                return Ok(with_cookies(
                    response,
                    &[
                        session_cookie(ctx.secure, token),
                        lang_cookie(ctx.secure, user.locale),
                    ],
                ));
            }
            _ => {
                rate_limit::hit(state.db(), key, limits.login_failures_per_account).await?;
                errors.add_message(FieldErrors::FORM, "error-login-failed");
            }
        }
    }

    let page = LoginPage {
        page: Page::titled(&ctx, "login-title"),
        email: input.email,
        next: safe_return_path(&input.next).unwrap_or_default(),
        errors,
        offer_resend,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(_): Form<Empty>,
) -> Result<Response, Error> {
    let names = CookieNames::get(ctx.secure);
    if let Some(token) = CookieJar::from_headers(&headers).get(names.session) {
        sessions::delete(state.db(), token.value()).await?;
    }
    let response = redirect_with_flash(&ctx, "/", "flash-logged-out");
    Ok(with_cookies(
        response,
        &[removal(names.session, ctx.secure)],
    ))
}
