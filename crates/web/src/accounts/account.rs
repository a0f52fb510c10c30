//! The account page: address, language, password change, sessions and devices signed in
//! through the app, and the ways out (data download, deletion).

use super::link;
use crate::context::{Ctx, CurrentUser, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::{AppState, Error, emails};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::{FieldError, Password};
use miasto_store::accounts;
use miasto_store::api_tokens::{self, ApiToken};
use miasto_store::jobs::{self, Job};
use miasto_store::sessions::{self, Session};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub password: String,
    pub password_confirm: String,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    page: Page,
    email: String,
    confirmed: bool,
    role: String,
    sessions: Vec<Session>,
    current_session: String,
    /// Devices signed in through the app (bearer tokens of the JSON API).
    devices: Vec<ApiToken>,
    /// The e-mails the account wants: its own reports' status changes, supported reports'.
    notify: (bool, bool),
    errors: FieldErrors,
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    current: &CurrentUser,
    errors: FieldErrors,
) -> Result<AccountPage, Error> {
    let user = &current.user;
    Ok(AccountPage {
        page: Page::titled(ctx, "account-title"),
        email: user.email.to_string(),
        confirmed: user.is_confirmed(),
        role: crate::i18n::t(ctx.locale, &format!("role-{}", user.role.as_str())),
        sessions: sessions::list_for_user(state.db(), user.id).await?,
        current_session: current.session_id.clone(),
        devices: api_tokens::list_for_user(state.db(), user.id).await?,
        notify: (user.notify_own, user.notify_supported),
        errors,
    })
}

pub async fn show_account(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let page = account_page(&state, &ctx, current, FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

/// Changes the password after checking the current one; ends the account's other sessions.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<ChangePasswordInput>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let user = &current.user;
    let mut errors = FieldErrors::new(ctx.locale);
    if input.current_password.is_empty() {
        errors.add("current_password", FieldError::Required);
    } else {
        let hash = accounts::password_hash(state.db(), user.id).await?;
        if !accounts::verify_password(&input.current_password, hash.as_ref()).await {
            errors.add_message("current_password", "error-password-wrong");
        }
    }
    let password = errors.check(
        "password",
        Password::parse_new(&input.password, Some(&user.email)),
    );
    if password.is_some() && input.password != input.password_confirm {
        errors.add("password_confirm", FieldError::PasswordsDiffer);
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        let page = account_page(&state, &ctx, current, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let hash = accounts::hash_password(&password).await;
    let tx = miasto_store::begin(state.db()).await?;
    accounts::set_password(&tx, user.id, hash).await?;
    sessions::delete_for_user(&tx, user.id, Some(&current.session_id)).await?;
    api_tokens::revoke_all(&tx, user.id).await?;
    let notice =
        emails::password_changed(user.locale, &user.email, &link(&state, "/password/forgot"))?;
    jobs::enqueue(&tx, &Job::SendEmail(notice)).await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        &ctx,
        "/my/account",
        "flash-password-changed",
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NotificationsInput {
    pub own: Option<String>,
    pub supported: Option<String>,
}

/// `POST /my/notifications`: which status e-mails the account gets.
pub async fn change_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<NotificationsInput>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    miasto_store::accounts::set_notifications(
        state.db(),
        current.user.id,
        input.own.is_some(),
        input.supported.is_some(),
    )
    .await?;
    Ok(redirect_with_flash(
        &ctx,
        "/my/account",
        "flash-notifications-saved",
    ))
}

pub async fn end_other_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(_): Form<super::login::Empty>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    sessions::delete_for_user(state.db(), current.user.id, Some(&current.session_id)).await?;
    Ok(redirect_with_flash(
        &ctx,
        "/my/account",
        "flash-sessions-ended",
    ))
}

/// Signs out a device signed in through the app (a lost phone).
pub async fn revoke_device(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(_): Form<super::login::Empty>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    if !api_tokens::revoke(state.db(), current.user.id, id).await? {
        return Err(Error::NotFound);
    }
    Ok(redirect_with_flash(
        &ctx,
        "/my/account",
        "flash-device-signed-out",
    ))
}
