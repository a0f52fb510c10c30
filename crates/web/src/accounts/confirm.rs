//! Confirming an e-mail address. The link opens a page with a button; only the button (a
//! POST) uses the token up, so mail scanners that prefetch links cannot spend it.

use super::{account_key, client_key, link, within_limit};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::security::ClientKey;
use crate::{AppState, Error, emails};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Email;
use miasto_store::accounts;
use miasto_store::jobs::{self, Job};
use miasto_store::tokens::{self, Purpose, TokenError};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenInput {
    pub token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendInput {
    pub email: String,
}

#[derive(Template)]
#[template(path = "accounts/confirm.html")]
struct ConfirmPage {
    page: Page,
    token: String,
    /// Why the link does not work, translated; `None` when it does.
    problem: Option<String>,
    errors: FieldErrors,
    email: String,
}

fn token_status(e: TokenError) -> StatusCode {
    match e {
        TokenError::Invalid => StatusCode::NOT_FOUND,
        TokenError::Expired | TokenError::Used => StatusCode::GONE,
    }
}

fn problem_page(ctx: &Ctx, e: TokenError) -> Result<Response, Error> {
    let page = ConfirmPage {
        page: Page::titled(ctx, "confirm-title"),
        token: String::new(),
        problem: Some(crate::i18n::t(ctx.locale, &format!("error-{}", e.code()))),
        errors: FieldErrors::new(ctx.locale),
        email: String::new(),
    };
    Ok((token_status(e), render(&page)?).into_response())
}

pub async fn show_confirm_email(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenInput>,
) -> Result<Response, Error> {
    match tokens::check(state.db(), &q.token, Purpose::ConfirmEmail).await? {
        Ok(_) => Ok(render(&ConfirmPage {
            page: Page::titled(&ctx, "confirm-title"),
            token: q.token,
            problem: None,
            errors: FieldErrors::new(ctx.locale),
            email: String::new(),
        })?
        .into_response()),
        Err(e) => problem_page(&ctx, e),
    }
}

pub async fn confirm_email(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Form(input): Form<TokenInput>,
) -> Result<Response, Error> {
    let tx = miasto_store::begin(state.db()).await?;
    let user = match tokens::consume(&tx, &input.token, Purpose::ConfirmEmail).await? {
        Ok(user) => user,
        Err(e) => return problem_page(&ctx, e),
    };
    accounts::confirm_email(&tx, user).await?;
    // Whoever holds the link controls the mailbox: a visitor who is not logged in is logged
    // in (the button, not the link, does it, so a mail scanner cannot). Someone logged in as
    // another account stays who they are.
    let account = accounts::get_user(&tx, user).await?;
    let start = match (&ctx.user, &account) {
        (None, Some(account)) if !account.is_disabled() => {
            let token =
                miasto_store::sessions::create_on(&tx, user, super::login::device(&headers))
                    .await?;
            accounts::record_login(&tx, user).await?;
            Some((token, account.locale, account.role.landing()))
        }
        _ => None,
    };
    tx.commit().await?;
    tracing::info!(user.id = %user, "e-mail address confirmed");
    if let Some((token, locale, landing)) = start {
        tracing::info!(user.id = %user, "logged in by confirming the e-mail address");
        let response = redirect_with_flash(&ctx, landing, "flash-email-confirmed");
        return Ok(super::login::session_started(
            &state, &ctx, response, token, locale,
        ));
    }
    let to = if ctx.user.as_ref().is_some_and(|u| u.user.id == user) {
        "/my"
    } else {
        "/login"
    };
    Ok(redirect_with_flash(&ctx, to, "flash-email-confirmed"))
}

/// Sends a fresh confirmation link. The answer is the same whether or not the address has an
/// unconfirmed account.
pub async fn resend_confirmation(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    Form(input): Form<ResendInput>,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    let email = errors.check("email", Email::parse(&input.email));
    let limits = state.config().limits;
    let allowed = within_limit(
        &state,
        &client_key("email-links", &client),
        limits.email_links_per_ip,
        &mut errors,
        ctx.locale,
    )
    .await?;
    let (Some(email), true) = (email, errors.is_empty()) else {
        let status = if allowed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        let page = ConfirmPage {
            page: Page::titled(&ctx, "confirm-resend-title"),
            token: String::new(),
            problem: None,
            errors,
            email: input.email,
        };
        return Ok((status, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Some(user) = accounts::find_by_email(&tx, &email).await?
        && !user.is_confirmed()
        && !user.is_disabled()
        && miasto_store::rate_limit::hit(
            &tx,
            &account_key(&state, "email-links", &email),
            limits.email_links_per_account,
        )
        .await?
        .is_allowed()
    {
        let token = tokens::issue(&tx, user.id, Purpose::ConfirmEmail).await?;
        let url = link(&state, &format!("/confirm-email?token={token}"));
        jobs::enqueue(
            &tx,
            &Job::SendEmail(emails::confirm_email(user.locale, &email, &url)?),
        )
        .await?;
    }
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        &ctx,
        "/register/check-email",
        "flash-confirmation-resent",
    ))
}
