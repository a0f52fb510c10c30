//! Forgotten passwords: ask for a link by e-mail, then choose a new password. Resetting ends
//! every session of the account (whoever knew the old password is logged out) and confirms
//! the address (the link proved the mailbox). An invitation from an admin leads to the same
//! page, where invited staff set their first password.

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
use miasto_domain::{Email, FieldError, Password};
use miasto_store::jobs::{self, Job};
use miasto_store::tokens::{self, Purpose, TokenError};
use miasto_store::{accounts, sessions};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotInput {
    pub email: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetInput {
    pub token: String,
    pub password: String,
    pub password_confirm: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    pub token: String,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage {
    page: Page,
    email: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/reset_sent.html")]
struct ResetSentPage {
    page: Page,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage {
    page: Page,
    /// An invitation's first password rather than a reset.
    invited: bool,
    token: String,
    problem: Option<String>,
    errors: FieldErrors,
}

pub async fn show_forgot_password(ctx: Ctx) -> Result<Response, Error> {
    Ok(render(&ForgotPage {
        page: Page::titled(&ctx, "forgot-title"),
        email: String::new(),
        errors: FieldErrors::new(ctx.locale),
    })?
    .into_response())
}

pub async fn request_password_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    Form(input): Form<ForgotInput>,
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
        let page = ForgotPage {
            page: Page::titled(&ctx, "forgot-title"),
            email: input.email,
            errors,
        };
        return Ok((status, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Some(user) = accounts::find_by_email(&tx, &email).await?
        && !user.is_disabled()
        && miasto_store::rate_limit::hit(
            &tx,
            &account_key(&state, "email-links", &email),
            limits.email_links_per_account,
        )
        .await?
        .is_allowed()
    {
        let token = tokens::issue(&tx, user.id, Purpose::ResetPassword).await?;
        let url = link(&state, &format!("/password/reset?token={token}"));
        jobs::enqueue(
            &tx,
            &Job::SendEmail(emails::reset_password(user.locale, &email, &url)?),
        )
        .await?;
        tracing::info!(user.id = %user.id, "password reset link sent");
    }
    tx.commit().await?;
    state.wake_worker();
    Ok(axum::response::Redirect::to("/password/forgot/sent").into_response())
}

pub async fn show_reset_sent(ctx: Ctx) -> Result<Response, Error> {
    Ok(render(&ResetSentPage {
        page: Page::titled(&ctx, "reset-sent-title"),
    })?
    .into_response())
}

fn reset_page(
    ctx: &Ctx,
    token: String,
    purpose: Purpose,
    problem: Option<TokenError>,
    errors: FieldErrors,
) -> ResetPage {
    let invited = purpose == Purpose::Invitation;
    ResetPage {
        page: Page::titled(
            ctx,
            if invited {
                "invitation-title"
            } else {
                "reset-title"
            },
        ),
        invited,
        token,
        problem: problem.map(|e| crate::i18n::t(ctx.locale, &format!("error-{}", e.code()))),
        errors,
    }
}

fn problem_response(ctx: &Ctx, e: TokenError) -> Result<Response, Error> {
    let status = if e == TokenError::Invalid {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::GONE
    };
    let page = reset_page(
        ctx,
        String::new(),
        Purpose::ResetPassword,
        Some(e),
        FieldErrors::new(ctx.locale),
    );
    Ok((status, render(&page)?).into_response())
}

pub async fn show_reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Result<Response, Error> {
    match check_link(&state, &q.token).await? {
        Ok((_, purpose)) => Ok(render(&reset_page(
            &ctx,
            q.token,
            purpose,
            None,
            FieldErrors::new(ctx.locale),
        ))?
        .into_response()),
        Err(e) => problem_response(&ctx, e),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<ResetInput>,
) -> Result<Response, Error> {
    let (user_id, purpose) = match check_link(&state, &input.token).await? {
        Ok(found) => found,
        Err(e) => return problem_response(&ctx, e),
    };
    let Some(user) = accounts::get_user(state.db(), user_id).await? else {
        return problem_response(&ctx, TokenError::Invalid);
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let password = errors.check(
        "password",
        Password::parse_new(&input.password, Some(&user.email)),
    );
    if password.is_some() && input.password != input.password_confirm {
        errors.add("password_confirm", FieldError::PasswordsDiffer);
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        let page = reset_page(&ctx, input.token, purpose, None, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let hash = accounts::hash_password(&password).await;
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = tokens::consume(&tx, &input.token, purpose).await? {
        return problem_response(&ctx, e);
    }
    accounts::set_password(&tx, user.id, hash).await?;
    accounts::confirm_email(&tx, user.id).await?;
    // The owner is back in: failed guesses by anyone no longer keep them out.
    miasto_store::rate_limit::clear_prefix(
        &tx,
        &super::login::LoginKeys::account(&state, &user.email),
    )
    .await?;
    sessions::delete_for_user(&tx, user.id, None).await?;
    miasto_store::api_tokens::revoke_all(&tx, user.id).await?;
    if purpose == Purpose::Invitation {
        tx.commit().await?;
        tracing::info!(user.id = %user.id, "invitation accepted");
        return Ok(redirect_with_flash(
            &ctx,
            "/login",
            "flash-invitation-accepted",
        ));
    }
    let notice =
        emails::password_changed(user.locale, &user.email, &link(&state, "/password/forgot"))?;
    jobs::enqueue(&tx, &Job::SendEmail(notice)).await?;
    tx.commit().await?;
    state.wake_worker();
    tracing::info!(user.id = %user.id, "password reset");
    Ok(redirect_with_flash(&ctx, "/login", "flash-password-reset"))
}

/// The account and purpose of a link to this page: a password reset or an invitation.
async fn check_link(
    state: &AppState,
    token: &str,
) -> Result<Result<(miasto_domain::UserId, Purpose), TokenError>, Error> {
    let mut answer = Err(TokenError::Invalid);
    for purpose in [Purpose::ResetPassword, Purpose::Invitation] {
        answer = tokens::check(state.db(), token, purpose)
            .await?
            .map(|user| (user, purpose));
        if answer != Err(TokenError::Invalid) {
            break;
        }
    }
    Ok(answer)
}
