//! The JSON API for the city's mobile app (mKraków) and other resident-facing clients, at
//! `/api/v1/`: everything a resident does on the web — register, sign in with a bearer token,
//! send a report with photos, read and support reports, follow their own reports and their
//! notifications. The same store, intake and rules as the web pages.
//!
//! Conventions (written for client developers in `docs/api.md`): answers are
//! `{"data": …}`, lists add `"next_cursor"` (opaque; absent at the end); times are RFC 3339 in
//! UTC; errors are `{"error": {"code", "message", "fields"}}` with a stable snake_case code and
//! a message in the language `Accept-Language` asks for (Polish by default); a report POST
//! with an `Idempotency-Key` is written once however often it is retried.
//!
//! The OpenAPI 3.1 document is generated from these handlers (utoipa) and served at
//! `/api/v1/openapi.json`; `/developers/api` renders it for people.

pub mod auth;
mod consultations;
mod dialogue;
mod error;
mod initiatives;
mod me;
mod referenda;
mod reports;
mod requests;

pub use error::{ApiError, FieldIssue};

use crate::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use miasto_domain::Locale;
use miasto_store::accounts::User;
use miasto_store::api_tokens::ApiToken;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::{Arc, OnceLock};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the API is mounted.
pub const BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Wspólne Miasto API",
        version = "1",
        description = "The resident-facing JSON API of Wspólne Miasto: accounts, reports \
            with photos, supports and notifications. Conventions (envelopes, cursor paging, \
            errors, idempotency) are described in docs/api.md.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    modifiers(&Security),
    tags(
        (name = "accounts", description = "Registration and signing in on a device"),
        (name = "reports", description = "Reports of problems and ideas"),
        (name = "reference", description = "Categories and districts a report refers to"),
        (name = "me", description = "The signed-in resident: account, devices, own reports, notifications"),
        (name = "consultations", description = "Public consultations: plans, documents, comments and surveys"),
        (name = "requests", description = "Requests with signatures for consultations and district referenda"),
        (name = "dialogue", description = "The mayor's \"Ławka dialogu\" meetings: questions and the city's answers"),
        (name = "initiatives", description = "Local initiatives: the year's pool and the initiatives accepted and realised"),
        (name = "referenda", description = "District referenda: questions, voting window, results with turnout and validity")
    )
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from POST /auth/tokens, sent as `Authorization: Bearer mt_…`.",
                    ))
                    .build(),
            ),
        );
    }
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::create_token))
        .routes(routes!(auth::delete_current_token))
        .routes(routes!(reports::list_categories))
        .routes(routes!(reports::list_districts))
        .routes(routes!(reports::list_reports, reports::create_report))
        .routes(routes!(reports::show_report))
        .routes(routes!(reports::support_report))
        .routes(routes!(me::show_me))
        .routes(routes!(me::list_tokens))
        .routes(routes!(me::revoke_token))
        .routes(routes!(me::my_reports))
        .routes(routes!(me::list_notifications))
        .routes(routes!(me::mark_notifications_read))
        .routes(routes!(consultations::list_consultations))
        .routes(routes!(consultations::show_consultation))
        .routes(routes!(
            consultations::list_comments,
            consultations::create_comment
        ))
        .routes(routes!(consultations::show_survey))
        .routes(routes!(consultations::create_response))
        .routes(routes!(requests::list_requests))
        .routes(routes!(requests::show_request))
        .routes(routes!(requests::create_signature))
        .routes(routes!(dialogue::list_meetings))
        .routes(routes!(dialogue::show_meeting))
        .routes(routes!(dialogue::create_question))
        .routes(routes!(initiatives::list_initiatives))
        .routes(routes!(initiatives::show_initiative))
        .routes(routes!(initiatives::show_pool))
        .routes(routes!(referenda::list_referenda))
        .routes(routes!(referenda::show_referendum))
}

/// The OpenAPI document of the API, as served at `/api/v1/openapi.json`.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| documented().split_for_parts().1)
}

/// The routes, to be nested at [`BASE`], outside the page layers: no cookies, no CSRF, JSON
/// errors.
pub fn router() -> Router<AppState> {
    let (routes, _) = documented().split_for_parts();
    let json = Arc::new(openapi().to_json().unwrap_or_default());
    routes
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move {
                    (
                        [
                            (header::CONTENT_TYPE, "application/json"),
                            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                        ],
                        json.as_str().to_owned(),
                    )
                }
            }),
        )
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
        })
        .layer(DefaultBodyLimit::max(crate::router::REPORT_BODY_LIMIT))
        .layer(from_fn(error::envelope))
}

/// `{"data": …}`: every successful answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    pub data: T,
}

/// `{"data": […], "next_cursor": …}`: one page of a list. Pass `next_cursor` back as `cursor`
/// for the next page; it is absent on the last one.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    pub data: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A JSON answer with a status.
pub fn reply<T: Serialize>(status: StatusCode, data: T) -> Response {
    (status, axum::Json(Data { data })).into_response()
}

/// RFC 3339 in UTC, whole seconds: `2026-11-21T09:30:00Z`.
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Page sizes: 25 unless asked, at most 100.
pub fn page_size(raw: Option<&str>) -> Result<u64, ApiError> {
    match raw.map(str::trim) {
        None => Ok(25),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "limit_out_of_range")),
    }
}

/// The language of messages: `Accept-Language`, Polish by default.
pub fn locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

/// The language a request asked for.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(locale(&parts.headers)))
    }
}

/// The signed-in resident, from `Authorization: Bearer …`. Missing or dead tokens are a 401.
#[derive(Debug, Clone)]
pub struct Bearer {
    pub token: ApiToken,
    pub user: User,
}

/// A resident who may or may not be signed in; a token that was sent but is dead is still a
/// 401, so an app learns its token ended.
#[derive(Debug, Clone)]
pub struct MaybeBearer(pub Option<Bearer>);

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

impl FromRequestParts<AppState> for MaybeBearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(Self(None));
        }
        let token = bearer_token(parts).ok_or_else(ApiError::unauthorized)?;
        let (token, user) = miasto_store::api_tokens::resolve(state.db(), token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Self(Some(Bearer { token, user })))
    }
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        MaybeBearer::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(ApiError::unauthorized)
    }
}

/// The largest JSON body taken.
const JSON_BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body. Another content type is a 415; a body that is not JSON of the
/// expected shape is a 400 saying so.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json") || v.ends_with("+json")
            });
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            ));
        }
        // JSON bodies are small; only report uploads (multipart) get the large limit.
        let bytes = axum::body::to_bytes(req.into_body(), JSON_BODY_LIMIT)
            .await
            .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"))?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"))
    }
}
