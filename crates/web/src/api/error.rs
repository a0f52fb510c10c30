//! The API's one error shape: `{"error": {"code", "message", "fields": [{"field", "code",
//! "message"}]}}`. Handlers return [`ApiError`] with a stable code; the [`envelope`]
//! middleware, which knows the request's language, writes the message. Responses that left
//! axum with an error status and no body of ours (an unreadable path, a rejected body) get the
//! same envelope, so a client never has to parse anything else.

use crate::Error;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use miasto_domain::{FieldError, Locale};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong with one field or parameter.
#[derive(Debug, Clone)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    message_id: String,
    args: Vec<(&'static str, String)>,
}

impl FieldIssue {
    /// A field that failed a check shared with the web forms.
    pub fn domain(field: impl Into<String>, error: FieldError) -> Self {
        Self::new(field, error.code(), format!("error-{}", error.code()))
    }

    pub fn new(field: impl Into<String>, code: &str, message_id: String) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message_id,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    fn message(&self, locale: Locale) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::i18n::t_args(locale, &self.message_id, &args)
    }
}

/// A failed API call: its status, stable code and the fields at fault.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub fields: Vec<FieldIssue>,
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    /// Every code an error can carry; each has the message `api-error-<code>`.
    pub const CODES: [&'static str; 20] = [
        "bad_request",
        "malformed_body",
        "invalid_parameter",
        "validation_failed",
        "unauthorized",
        "invalid_credentials",
        "account_unconfirmed",
        "account_disabled",
        "forbidden",
        "not_found",
        "method_not_allowed",
        "payload_too_large",
        "unsupported_media_type",
        "rate_limited",
        "report_closed",
        "idempotency_key_invalid",
        "idempotency_key_reused",
        "idempotency_in_progress",
        "internal",
        "unavailable",
    ];

    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            fields: Vec::new(),
            retry_after_secs: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        }
    }

    /// A query parameter that cannot be used: 400 naming it.
    pub fn invalid(parameter: &str, code: &str) -> Self {
        Self {
            fields: vec![FieldIssue::new(
                parameter,
                code,
                format!("api-field-{code}"),
            )],
            ..Self::new(StatusCode::BAD_REQUEST, "invalid_parameter")
        }
    }

    /// Fields of a body that failed their checks: 422 listing them.
    pub fn validation(fields: Vec<FieldIssue>) -> Self {
        Self {
            fields,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        }
    }

    fn body(&self, locale: Locale) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: match self.retry_after_secs {
                    Some(secs) => {
                        let minutes = secs.div_ceil(60).max(1).to_string();
                        crate::i18n::t_args(
                            locale,
                            &format!("api-error-{}", self.code),
                            &[("minutes", &minutes)],
                        )
                    }
                    None => crate::i18n::t(locale, &format!("api-error-{}", self.code)),
                },
                fields: self
                    .fields
                    .iter()
                    .map(|f| FieldProblem {
                        field: f.field.clone(),
                        code: f.code.clone(),
                        message: f.message(locale),
                    })
                    .collect(),
            },
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound => Self::not_found(),
            Error::Forbidden => Self::new(StatusCode::FORBIDDEN, "forbidden"),
            Error::LoginRequired => Self::unauthorized(),
            Error::BadRequest(_) | Error::Csrf => Self::new(StatusCode::BAD_REQUEST, "bad_request"),
            Error::PayloadTooLarge => Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Error::UnsupportedMediaType => {
                Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Error::TooManyRequests { retry_after_secs } => Self::rate_limited(retry_after_secs),
            Error::Busy { retry_after_secs } => Self {
                retry_after_secs: Some(retry_after_secs),
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            },
            Error::Refused(r) => Self::new(
                StatusCode::from_u16(r.http_status()).unwrap_or(StatusCode::CONFLICT),
                r.code(),
            ),
            Error::Internal(detail) => {
                tracing::error!(%detail, "api request failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl From<miasto_store::StoreError> for ApiError {
    fn from(e: miasto_store::StoreError) -> Self {
        Error::from(e).into()
    }
}

impl From<miasto_store::DbErr> for ApiError {
    fn from(e: miasto_store::DbErr) -> Self {
        Error::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(secs) = self.retry_after_secs
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"miasto\""),
            );
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case: what clients branch on.
    #[schema(example = "validation_failed")]
    pub code: String,
    /// For people, in the language asked for with `Accept-Language`.
    pub message: String,
    /// The fields or parameters at fault, if any.
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field (`description`, `answers.pole_number`, `photos`) or query parameter.
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Writes every API error as the envelope, in the request's language.
pub async fn envelope(req: Request, next: Next) -> Response {
    let locale = super::locale(req.headers());
    let mut response = next.run(req).await;
    let status = response.status();
    let failure = match response.extensions_mut().remove::<ApiError>() {
        Some(failure) => failure,
        None if status.is_client_error() || status.is_server_error() => {
            let is_json = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
            if is_json {
                return response;
            }
            ApiError::new(status, generic_code(status))
        }
        None => return response,
    };
    let mut out = (status, axum::Json(failure.body(locale))).into_response();
    for name in [header::RETRY_AFTER, header::WWW_AUTHENTICATE, header::ALLOW] {
        if let Some(v) = response.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

fn generic_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}
