//! Deleting one's account. The password is asked again; the account, its sessions and tokens
//! go; public contributions stay without a name. The last admin cannot delete themself.

use crate::context::{CookieNames, Ctx, redirect_with_flash, removal, with_cookies};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::{AppState, Error, emails};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::{FieldError, Role};
use miasto_store::accounts;
use miasto_store::audit::{self, Action, Target};
use miasto_store::jobs::{self, Job};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteInput {
    pub password: String,
}

#[derive(Template)]
#[template(path = "accounts/delete.html")]
struct DeletePage {
    page: Page,
    errors: FieldErrors,
}

pub async fn show_delete_account(ctx: Ctx) -> Result<Response, Error> {
    ctx.require_user()?;
    Ok(render(&DeletePage {
        page: Page::titled(&ctx, "delete-title"),
        errors: FieldErrors::new(ctx.locale),
    })?
    .into_response())
}

pub async fn delete_account(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<DeleteInput>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let user = &current.user;
    let mut errors = FieldErrors::new(ctx.locale);
    if input.password.is_empty() {
        errors.add("password", FieldError::Required);
    } else {
        let hash = accounts::password_hash(state.db(), user.id).await?;
        if !accounts::verify_password(&input.password, hash.as_ref()).await {
            errors.add_message("password", "error-password-wrong");
        }
    }
    if errors.is_empty()
        && user.role == Role::Admin
        && accounts::count_active_admins(state.db()).await? <= 1
    {
        errors.add_message(FieldErrors::FORM, "error-last-admin");
    }
    if !errors.is_empty() {
        let page = DeletePage {
            page: Page::titled(&ctx, "delete-title"),
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let tx = miasto_store::begin(state.db()).await?;
    audit::record(
        &tx,
        Some(user.id),
        Action::AccountDeleted,
        Some(Target::user(user.id)),
        serde_json::json!({ "role": user.role.as_str() }),
    )
    .await?;
    accounts::delete_user(&tx, user.id).await?;
    jobs::enqueue(
        &tx,
        &Job::SendEmail(emails::account_deleted(user.locale, &user.email)?),
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    tracing::info!(user.id = %user.id, "account deleted");
    let response = redirect_with_flash(&ctx, "/", "flash-account-deleted");
    Ok(with_cookies(
        response,
        &[removal(CookieNames::get(ctx.secure).session, ctx.secure)],
    ))
}
