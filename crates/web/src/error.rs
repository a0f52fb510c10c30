//! One error type at the HTTP boundary. Handlers return [`Error`]; it becomes a marker on an
//! empty response, and the [`render`] middleware (which knows the visitor's language and
//! session) turns the marker into a translated error page with an honest status. Responses
//! that left axum's own machinery with an error status (405, a rejected body) get the same
//! page. Internal errors are logged once, without personal data, and shown as a generic page.

use crate::context::Ctx;
use crate::page::Page;
use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use miasto_domain::Locale;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    LoginRequired,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("form token missing or wrong")]
    Csrf,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// The server is at capacity for this kind of work (photo decoding): try again shortly.
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    /// A rule of the citizens' budget refuses the action (its code names which).
    #[error("refused: {}", .0.code())]
    Refused(miasto_domain::budget::Refusal),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The codes `BadRequest` is used with (a test checks every use is listed).
    pub const BAD_REQUEST_CODES: [&'static str; 9] = [
        "action_unknown",
        "form_malformed",
        "language_unknown",
        "opendata_filter",
        "page_invalid",
        "routing_default_required",
        "stats_filter",
        "status_unknown",
        "category_unknown",
    ];

    /// Every code an error page can show (`error-page-<code>`), budget refusals aside.
    pub fn page_codes() -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = [
            Self::NotFound,
            Self::Forbidden,
            Self::LoginRequired,
            Self::Csrf,
            Self::PayloadTooLarge,
            Self::UnsupportedMediaType,
            Self::TooManyRequests {
                retry_after_secs: 0,
            },
            Self::Busy {
                retry_after_secs: 0,
            },
            Self::Internal(String::new()),
        ]
        .iter()
        .map(Self::code)
        .collect();
        codes.extend(Self::BAD_REQUEST_CODES);
        codes.extend(["bad_request", "method_not_allowed"]);
        codes
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal(detail.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::LoginRequired => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Refused(r) => {
                StatusCode::from_u16(r.http_status()).unwrap_or(StatusCode::CONFLICT)
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable snake_case code; the page shows the message `error-page-<code>`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::LoginRequired => "login_required",
            Self::BadRequest(code) => code,
            Self::Csrf => "csrf",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Busy { .. } => "busy",
            Self::Refused(miasto_domain::budget::Refusal::SignIn) => "login_required",
            Self::Refused(r) => r.code(),
            Self::Internal(_) => "internal",
        }
    }
}

impl From<miasto_store::DbErr> for Error {
    fn from(e: miasto_store::DbErr) -> Self {
        Self::Internal(miasto_store::describe_db_error(&e))
    }
}

impl From<miasto_store::StoreError> for Error {
    fn from(e: miasto_store::StoreError) -> Self {
        match e {
            miasto_store::StoreError::Db(e) => e.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<miasto_domain::budget::Refusal> for Error {
    fn from(r: miasto_domain::budget::Refusal) -> Self {
        Self::Refused(r)
    }
}

impl From<miasto_store::budget::BudgetError> for Error {
    fn from(e: miasto_store::budget::BudgetError) -> Self {
        match e {
            miasto_store::budget::BudgetError::Refused(r) => Self::Refused(r),
            miasto_store::budget::BudgetError::Store(e) => e.into(),
        }
    }
}

impl From<askama::Error> for Error {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

/// Carried on a response from a handler error to the [`render`] middleware.
#[derive(Debug, Clone)]
struct Marker {
    code: &'static str,
    retry_after_secs: Option<u64>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(error = %detail, "request failed");
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(Marker {
            code: self.code(),
            retry_after_secs: match self {
                Self::TooManyRequests { retry_after_secs } | Self::Busy { retry_after_secs } => {
                    Some(retry_after_secs)
                }
                _ => None,
            },
        });
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    message: String,
    login_link: bool,
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        s if s.is_client_error() => "bad_request",
        _ => "internal",
    }
}

fn error_response(
    page: Page,
    status: StatusCode,
    code: &str,
    retry_after_secs: Option<u64>,
) -> Response {
    let locale = page.lang;
    let mut message = crate::i18n::t(locale, &format!("error-page-{code}"));
    if let Some(secs) = retry_after_secs
        && code == "too_many_requests"
    {
        let minutes = secs.div_ceil(60).max(1).to_string();
        message = crate::i18n::t_args(locale, "error-page-retry-in", &[("minutes", &minutes)]);
    }
    let body = ErrorPage {
        page,
        status: status.as_u16(),
        message,
        login_link: status == StatusCode::FORBIDDEN,
    };
    let mut response = match body.render() {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, crate::i18n::t(locale, "error-page-internal")).into_response(),
    };
    if let Some(secs) = retry_after_secs
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// An error page for failures before the request context exists.
pub fn bare_error_page(error: Error, locale: Locale) -> Response {
    if let Error::Internal(detail) = &error {
        tracing::error!(error = %detail, "request failed before routing");
    }
    let page = Page::bare(locale, crate::i18n::t(locale, "error-page-title"));
    error_response(page, error.status(), error.code(), None)
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The middleware that renders error pages.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<Ctx>().cloned();
    let response = next.run(req).await;
    let marker = response.extensions().get::<Marker>().cloned();
    let status = response.status();
    let Some(ctx) = ctx else {
        return response;
    };
    let (code, retry) = match marker {
        Some(m) if m.code == "login_required" => {
            let next = url_encode(&ctx.path);
            return Redirect::to(&format!("/login?next={next}")).into_response();
        }
        Some(m) => (m.code, m.retry_after_secs),
        None if (status.is_client_error() || status.is_server_error()) && !is_html(&response) => {
            (code_for_status(status), None)
        }
        None => return response,
    };
    let page = Page::new(&ctx, crate::i18n::t(ctx.locale, "error-page-title"));
    let mut rendered = error_response(page, status, code, retry);
    // Keep cookies the handler set (e.g. a session removal) on the replacement response.
    for value in response.headers().get_all(header::SET_COOKIE) {
        rendered
            .headers_mut()
            .append(header::SET_COOKIE, value.clone());
    }
    rendered
}

/// Percent-encodes a path for use as a query value.
pub fn url_encode(raw: &str) -> String {
    serde_urlencoded::to_string([("", raw)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `BadRequest("…")` in the crate's sources uses a listed code.
    #[test]
    fn every_bad_request_code_is_listed() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    for part in text.split("BadRequest(\"").skip(1) {
                        found.push(part.split('"').next().unwrap_or_default().to_owned());
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.len() > 5, "{found:?}");
        for code in found
            .iter()
            .filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') && !c.is_empty())
        {
            assert!(
                Error::BAD_REQUEST_CODES.contains(&code.as_str()),
                "BadRequest(\"{code}\") is not in Error::BAD_REQUEST_CODES"
            );
        }
    }
}
