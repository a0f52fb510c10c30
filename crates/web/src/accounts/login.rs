//! Logging in and out. Failures say only "wrong e-mail or password". Failed attempts are
//! limited per client address, per account from one address, and per account from all
//! addresses (then the owner resets the password by a link, which clears the counts); a
//! successful login counts towards none of them. The form token is rotated at login and at
//! logout.

use super::{account_key, client_key, too_many, within_limit};
use crate::context::{
    CookieNames, Ctx, csrf_cookie, lang_cookie, redirect_with_flash, removal, safe_return_path,
    session_cookie, with_cookies,
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
    /// Too many failures from everywhere: point to the password reset.
    offer_reset: bool,
}

pub async fn show_login(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, Error> {
    let next = safe_return_path(&q.next).unwrap_or_default();
    if ctx.user.is_some() {
        let landing = ctx.user.as_ref().map_or("/my", |u| u.user.role.landing());
        return Ok(Redirect::to(if next.is_empty() { landing } else { &next }).into_response());
    }
    Ok(render(&LoginPage {
        page: Page::titled(&ctx, "login-title"),
        email: String::new(),
        next,
        errors: FieldErrors::new(ctx.locale),
        offer_resend: false,
        offer_reset: false,
    })?
    .into_response())
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    headers: HeaderMap,
    Form(input): Form<LoginInput>,
) -> Result<Response, Error> {
    // A language the visitor chose before logging in (the language switch's cookie) is kept,
    // and saved on the account; without one, the account's saved language applies.
    let chosen = CookieJar::from_headers(&headers)
        .get(CookieNames::get(ctx.secure).lang)
        .and_then(|c| miasto_domain::Locale::parse(c.value()).ok());
    let mut errors = FieldErrors::new(ctx.locale);
    let email = errors.check("email", Email::parse(&input.email));
    if input.password.is_empty() {
        errors.add("password", FieldError::Required);
    }
    let limits = state.config().limits;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut offer_resend = false;
    let mut offer_reset = false;
    // Every attempt takes its place under the limits at once (one atomic count each), before
    // the password is checked: concurrent guesses cannot all slip under a limit. A success
    // gives its places back, so only failures count.
    let ip_key = client_key("login", &client);
    if !within_limit(
        &state,
        &ip_key,
        limits.login_per_ip,
        &mut errors,
        ctx.locale,
    )
    .await?
    {
        status = StatusCode::TOO_MANY_REQUESTS;
    }
    let keys = email.as_ref().map(|e| LoginKeys::new(&state, e, &client));
    if let (Some(keys), true) = (&keys, errors.is_empty()) {
        // From this address: a guesser locks only themselves out.
        if let Decision::Limited { retry_after_secs } =
            rate_limit::hit(state.db(), &keys.here, limits.login_failures_per_account).await?
        {
            too_many(&mut errors, ctx.locale, retry_after_secs);
            status = StatusCode::TOO_MANY_REQUESTS;
        } else if let Decision::Limited { .. } = rate_limit::check(
            state.db(),
            &keys.everywhere,
            limits.login_failures_everywhere,
        )
        .await?
        {
            // Guesses from many addresses: the account waits, but its owner resets the
            // password with a link, which always works and clears these counts.
            errors.add_message(FieldErrors::FORM, "error-login-locked");
            offer_reset = true;
            status = StatusCode::TOO_MANY_REQUESTS;
        }
    }

    if let (Some(email), Some(keys), true) = (&email, &keys, errors.is_empty()) {
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
                let token = sessions::create_on(&tx, user.id, device(&headers)).await?;
                accounts::record_login(&tx, user.id).await?;
                let locale = chosen.unwrap_or(user.locale);
                if locale != user.locale {
                    accounts::set_locale(&tx, user.id, locale).await?;
                }
                keys.forget(&tx).await?;
                rate_limit::refund(&tx, &ip_key, limits.login_per_ip).await?;
                tx.commit().await?;
                tracing::info!(user.id = %user.id, "logged in");
                let to =
                    safe_return_path(&input.next).unwrap_or_else(|| user.role.landing().to_owned());
                let response = redirect_with_flash(&ctx, &to, "flash-logged-in");
                return Ok(session_started(&state, &ctx, response, token, locale));
            }
            _ => {
                rate_limit::hit(
                    state.db(),
                    &keys.everywhere,
                    limits.login_failures_everywhere,
                )
                .await?;
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
        offer_reset,
    };
    Ok((status, render(&page)?).into_response())
}

/// What the browser runs on, named for the account page ("Firefox, Android").
pub(crate) fn device(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .and_then(miasto_domain::accounts::device_of)
}

/// The response with the cookies of a session just started: its token, its form token and
/// the language.
pub(crate) fn session_started(
    state: &AppState,
    ctx: &Ctx,
    response: Response,
    token: String,
    locale: miasto_domain::Locale,
) -> Response {
    let csrf = crate::context::session_csrf(state, &sessions::id_of(&token));
    with_cookies(
        response,
        &[
            session_cookie(ctx.secure, token),
            csrf_cookie(ctx.secure, csrf),
            lang_cookie(ctx.secure, locale),
        ],
    )
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
    // A new form token too: nothing of the session's works after it.
    Ok(with_cookies(
        response,
        &[
            removal(names.session, ctx.secure),
            csrf_cookie(ctx.secure, crate::context::new_csrf()),
        ],
    ))
}

/// The failed-login counters of one account: from one client address, and from all of them.
pub(crate) struct LoginKeys {
    here: String,
    everywhere: String,
}

impl LoginKeys {
    pub(crate) fn new(state: &AppState, email: &Email, client: &ClientKey) -> Self {
        let everywhere = account_key(state, "login-failures", email);
        Self {
            here: format!("{everywhere}:{}", client.0),
            everywhere,
        }
    }

    /// For an account, by its address (a password reset clears its counts everywhere).
    pub(crate) fn account(state: &AppState, email: &Email) -> String {
        account_key(state, "login-failures", email)
    }

    async fn forget(&self, c: &impl miasto_store::ConnectionTrait) -> Result<(), Error> {
        rate_limit::clear_prefix(c, &self.everywhere).await?;
        Ok(())
    }
}
