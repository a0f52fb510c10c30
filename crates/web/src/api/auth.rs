//! Accounts through the API: registering (the same confirmation e-mail as the web) and
//! signing a device in, which gives it a bearer token; signing out revokes the token.

use super::{ApiError, Bearer, FieldIssue, JsonBody, Lang, reply, time};
use crate::accounts::{account_key, client_key};
use crate::security::ClientKey;
use crate::{AppState, Error};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::{Email, FieldError, Locale, Password};
use miasto_store::accounts;
use miasto_store::api_tokens::{self, ApiToken};
use miasto_store::rate_limit::{self, Decision, Limit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegisterIn {
    #[schema(format = Email, example = "anna@example.com")]
    pub email: String,
    /// At least 10 characters, not the address itself.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    /// `pl` or `en`: the language of e-mails. The request's language if absent.
    pub locale: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    /// Always `confirmation_sent`: the answer never tells whether the address already has an
    /// account (its owner gets an e-mail saying so instead).
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignIn {
    #[schema(format = Email)]
    pub email: String,
    #[schema(min_length = 1)]
    pub password: String,
    /// How the device should appear on the account page ("Pixel 8").
    pub device_name: Option<String>,
}

/// A device signed in: the token (shown once) and how it is listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    /// Send as `Authorization: Bearer <token>`. Never shown again.
    #[schema(example = "mt_3f9a…")]
    pub token: String,
    pub device: Device,
}

/// A signed-in device.
#[derive(Debug, Serialize, ToSchema)]
pub struct Device {
    pub id: uuid::Uuid,
    pub name: String,
    /// The token's first characters, to tell devices apart.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: String,
    /// The token ends unless used before then (each use moves it on).
    pub expires_at: String,
    /// The token of this request.
    pub current: bool,
}

impl Device {
    pub fn of(token: &ApiToken, current: Option<uuid::Uuid>) -> Self {
        Self {
            id: token.id,
            name: token.name.clone(),
            prefix: token.prefix.clone(),
            created_at: time(token.created_at),
            last_used_at: time(token.last_used_at),
            expires_at: time(token.expires_at),
            current: current == Some(token.id),
        }
    }
}

/// Counts an attempt from this client; a 429 when over the limit.
async fn charge(state: &AppState, key: &str, limit: Limit) -> Result<(), ApiError> {
    match rate_limit::hit(state.db(), key, limit).await? {
        Decision::Allowed => Ok(()),
        Decision::Limited { retry_after_secs } => Err(ApiError::rate_limited(retry_after_secs)),
    }
}

/// Register an account
///
/// Sends a confirmation link to the address; the account can sign in once it is confirmed.
/// Answers the same whether or not the address already has an account.
#[utoipa::path(post, path = "/auth/register", tag = "accounts",
    request_body = RegisterIn,
    responses(
        (status = 202, description = "Confirmation e-mail on its way", body = super::Data<Registered>),
        (status = 400, description = "The body is not JSON of this shape", body = super::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = super::error::ErrorBody),
        (status = 415, description = "The body is not JSON", body = super::error::ErrorBody),
        (status = 422, description = "A field failed its check", body = super::error::ErrorBody),
        (status = 429, description = "Too many attempts from this client or for this address", body = super::error::ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    Lang(lang): Lang,
    client: ClientKey,
    JsonBody(input): JsonBody<RegisterIn>,
) -> Result<Response, ApiError> {
    let mut fields = Vec::new();
    let email = Email::parse(&input.email)
        .map_err(|e| fields.push(FieldIssue::domain("email", e)))
        .ok();
    let password = Password::parse_new(&input.password, email.as_ref())
        .map_err(|e| fields.push(FieldIssue::domain("password", e)))
        .ok();
    let locale = match input.locale.as_deref().map(str::trim) {
        None | Some("") => lang,
        Some(raw) => Locale::parse(raw).unwrap_or_else(|_| {
            fields.push(FieldIssue::domain("locale", FieldError::LocaleUnknown));
            lang
        }),
    };
    let limits = state.config().limits;
    charge(
        &state,
        &client_key("register", &client),
        limits.register_per_ip,
    )
    .await?;
    let (Some(email), Some(password), true) = (email, password, fields.is_empty()) else {
        return Err(ApiError::validation(fields));
    };
    charge(
        &state,
        &account_key(&state, "register", &email),
        limits.register_per_account,
    )
    .await?;
    let hash = accounts::hash_password(&password).await;
    let tx = miasto_store::begin(state.db()).await?;
    crate::accounts::register::enrol(&tx, &state, email, hash, locale).await?;
    tx.commit().await.map_err(Error::from)?;
    state.wake_worker();
    Ok(reply(
        StatusCode::ACCEPTED,
        Registered {
            status: "confirmation_sent",
        },
    ))
}

/// Sign a device in
///
/// Checks the address and password and issues a bearer token for this device. Attempts are
/// limited per client and per account, as on the web.
#[utoipa::path(post, path = "/auth/tokens", tag = "accounts",
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in", body = super::Data<NewToken>),
        (status = 400, description = "The body is not JSON of this shape", body = super::error::ErrorBody),
        (status = 401, description = "Wrong address or password (`invalid_credentials`)", body = super::error::ErrorBody),
        (status = 403, description = "The address is not confirmed yet, or the account is disabled", body = super::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = super::error::ErrorBody),
        (status = 415, description = "The body is not JSON", body = super::error::ErrorBody),
        (status = 422, description = "A field failed its check", body = super::error::ErrorBody),
        (status = 429, description = "Too many attempts", body = super::error::ErrorBody),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    Lang(lang): Lang,
    client: ClientKey,
    JsonBody(input): JsonBody<SignIn>,
) -> Result<Response, ApiError> {
    let mut fields = Vec::new();
    let email = Email::parse(&input.email)
        .map_err(|e| fields.push(FieldIssue::domain("email", e)))
        .ok();
    if input.password.is_empty() {
        fields.push(FieldIssue::domain("password", FieldError::Required));
    }
    let limits = state.config().limits;
    charge(&state, &client_key("login", &client), limits.login_per_ip).await?;
    let Some(email) = email.filter(|_| fields.is_empty()) else {
        return Err(ApiError::validation(fields));
    };
    let failures = account_key(&state, "login-failures", &email);
    if let Decision::Limited { retry_after_secs } =
        rate_limit::check(state.db(), &failures, limits.login_failures_per_account).await?
    {
        return Err(ApiError::rate_limited(retry_after_secs));
    }
    let found = accounts::find_for_login(state.db(), &email).await?;
    let verified = accounts::verify_password(&input.password, found.as_ref().map(|(_, h)| h)).await;
    let user = match found {
        Some((user, _)) if verified => user,
        _ => {
            rate_limit::hit(state.db(), &failures, limits.login_failures_per_account).await?;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
            ));
        }
    };
    if user.is_disabled() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "account_disabled"));
    }
    if !user.is_confirmed() {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "account_unconfirmed"));
    }
    let fallback = crate::i18n::t(lang, "api-device-unnamed");
    let name = api_tokens::clean_name(input.device_name.as_deref().unwrap_or_default(), &fallback);
    let tx = miasto_store::begin(state.db()).await?;
    let (token, secret) = api_tokens::issue(&tx, user.id, &name).await?;
    accounts::record_login(&tx, user.id).await?;
    rate_limit::clear(&tx, &failures).await?;
    tx.commit().await.map_err(Error::from)?;
    tracing::info!(user.id = %user.id, "device signed in");
    Ok(reply(
        StatusCode::CREATED,
        NewToken {
            token: secret,
            device: Device::of(&token, Some(token.id)),
        },
    ))
}

/// Sign this device out
///
/// Revokes the token the request was made with.
#[utoipa::path(delete, path = "/auth/tokens/current", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
    ))]
pub async fn delete_current_token(
    State(state): State<AppState>,
    bearer: Bearer,
) -> Result<Response, ApiError> {
    api_tokens::revoke(state.db(), bearer.user.id, bearer.token.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
