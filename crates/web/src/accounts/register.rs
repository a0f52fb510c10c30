//! Registration. An address that already has an account gets an e-mail saying so (with a
//! link to reset the password) instead of an error on the page, so the form does not reveal
//! who has an account.

use super::{account_key, client_key, link, within_limit};
use crate::context::Ctx;
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::security::ClientKey;
use crate::{AppState, Error, emails};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use miasto_domain::{Email, FieldError, Password, RoleAssignment};
use miasto_store::accounts::{self, CreateUserError, NewUser};
use miasto_store::jobs::{self, Job};
use miasto_store::tokens::{self, Purpose};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RegisterInput {
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    /// Idempotency key of the rendered form: a double-click registers once.
    pub form_key: String,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    page: Page,
    email: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/check_email.html")]
struct CheckEmailPage {
    page: Page,
}

pub async fn show_register(ctx: Ctx) -> Result<Response, Error> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/my").into_response());
    }
    Ok(render(&RegisterPage {
        page: Page::titled(&ctx, "register-title"),
        email: String::new(),
        errors: FieldErrors::new(ctx.locale),
    })?
    .into_response())
}

pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    Form(input): Form<RegisterInput>,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    let email = errors.check("email", Email::parse(&input.email));
    let password = errors.check(
        "password",
        Password::parse_new(&input.password, email.as_ref()),
    );
    if password.is_some() && input.password != input.password_confirm {
        errors.add("password_confirm", FieldError::PasswordsDiffer);
    }
    let limits = state.config().limits;
    let mut allowed = within_limit(
        &state,
        &client_key("register", &client),
        limits.register_per_ip,
        &mut errors,
        ctx.locale,
    )
    .await?;
    if let (Some(email), true) = (&email, allowed) {
        let key = account_key(&state, "register", email);
        allowed = within_limit(
            &state,
            &key,
            limits.register_per_account,
            &mut errors,
            ctx.locale,
        )
        .await?;
    }
    let (Some(email), Some(password), true) = (email, password, errors.is_empty()) else {
        let status = if allowed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        let page = RegisterPage {
            page: Page::titled(&ctx, "register-title"),
            email: input.email,
            errors,
        };
        return Ok((status, render(&page)?).into_response());
    };

    let hash = accounts::hash_password(&password).await;
    let tx = miasto_store::begin(state.db()).await?;
    if !miasto_store::form_keys::claim(&tx, "register", &input.form_key).await? {
        // The same form again (double-click, resent POST): the first one did the work.
        return Ok(Redirect::to("/register/check-email").into_response());
    }
    enrol(&tx, &state, email, hash, ctx.locale).await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(Redirect::to("/register/check-email").into_response())
}

/// Creates a resident's account and sends the link that confirms the address. An address that
/// already has an account gets an e-mail saying so instead (within a limit), so the answer
/// never tells who has an account. The web form and the API both register through this.
pub(crate) async fn enrol(
    tx: &miasto_store::DatabaseTransaction,
    state: &AppState,
    email: Email,
    hash: accounts::PasswordHash,
    locale: miasto_domain::Locale,
) -> Result<(), Error> {
    let limits = state.config().limits;
    let new = NewUser {
        email: email.clone(),
        password_hash: hash,
        assignment: RoleAssignment::resident(),
        locale,
        confirmed: false,
    };
    match accounts::create_user(tx, new).await {
        Ok(user) => {
            let token = tokens::issue(tx, user.id, Purpose::ConfirmEmail).await?;
            let url = link(state, &format!("/confirm-email?token={token}"));
            jobs::enqueue(
                tx,
                &Job::SendEmail(emails::confirm_email(locale, &email, &url)?),
            )
            .await?;
            tracing::info!(user.id = %user.id, "account registered");
        }
        Err(CreateUserError::EmailTaken) => {
            let key = account_key(state, "email-links", &email);
            if miasto_store::rate_limit::hit(tx, &key, limits.email_links_per_account)
                .await?
                .is_allowed()
            {
                let message = emails::already_registered(
                    locale,
                    &email,
                    &link(state, "/login"),
                    &link(state, "/password/forgot"),
                )?;
                jobs::enqueue(tx, &Job::SendEmail(message)).await?;
            }
        }
        Err(CreateUserError::Store(e)) => return Err(e.into()),
    }
    Ok(())
}

pub async fn show_check_email(ctx: Ctx) -> Result<Response, Error> {
    Ok(render(&CheckEmailPage {
        page: Page::titled(&ctx, "check-email-title"),
    })?
    .into_response())
}
