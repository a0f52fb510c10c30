//! Open311 GeoReport v2 at `/open311/v2/` (<http://wiki.open311.org/GeoReport_v2>), with
//! FixMyStreet's `servicerequestupdates`. The same reports and rules as the web: services are
//! the active categories, requests are reports, and a POST goes through the same intake.
//!
//! The format comes from the suffix (`.json`, `.xml`); answers that are lists in the
//! specification (also the POST, single-request and token answers) are lists even with one
//! element; errors are `[{"code", "description"}]` / `<errors><error>` with 404 for an unknown
//! resource, 403 for a missing or bad `api_key` on POST, 429 over a client's limit and 400 for
//! anything else. Descriptions follow `Accept-Language` (Polish by default).
//!
//! Public reads show what the public report pages show and no more: no contact details, the
//! point coarsened to about 100 m, the district rather than the typed address.

mod node;
mod requests;
mod services;

pub use node::Node;

use crate::{AppState, Error};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::Locale;
use miasto_domain::open311::{Format, Open311Error, Params};
use miasto_domain::reports::TrackingNumber;
use miasto_store::api_clients::ApiClient;
use miasto_store::rate_limit::{self, Limit};
use std::time::Duration;

/// Open311 bodies are small forms.
const BODY_LIMIT: usize = 64 * 1024;

/// The routes, to be nested at `/open311/v2`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(read_top).post(requests::create))
        .route("/services/{file}", get(services::definition))
        .route("/requests/{file}", get(requests::show))
        .route("/tokens/{file}", get(requests::token))
        .fallback(unknown)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// `GET /open311/v2/{discovery,services,requests,servicerequestupdates}.{json,xml}`.
async fn read_top(
    state: axum::extract::State<AppState>,
    path: axum::extract::Path<String>,
    call: Call,
) -> Response {
    let Some((stem, format)) = Format::split(&path) else {
        return call.fail_as(Format::Json, Failure::NotFound);
    };
    let result = match stem {
        "discovery" => services::discovery(&state, &call).await,
        "services" => services::list(&state, &call).await,
        "requests" => requests::search(&state, &call).await,
        "servicerequestupdates" => requests::updates(&state, &call).await,
        _ => Err(Failure::NotFound),
    };
    call.respond(format, result)
}

async fn unknown(headers: HeaderMap) -> Response {
    Call::from_headers(&headers).fail_as(Format::Json, Failure::NotFound)
}

async fn method_not_allowed(headers: HeaderMap) -> Response {
    Call::from_headers(&headers).fail_as(Format::Json, Failure::MethodNotAllowed)
}

/// What every Open311 handler knows about the request: its parameters (the body's and the
/// query string's) and the language of error descriptions and names.
pub struct Call {
    pub params: Params,
    pub locale: Locale,
}

impl Call {
    fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            params: Params::default(),
            locale: locale(headers),
        }
    }

    /// Writes `result` in `format`: the answer with its XML root, or the error list.
    pub fn respond(
        &self,
        format: Format,
        result: Result<(&'static str, Node), Failure>,
    ) -> Response {
        match result {
            Ok((root, node)) => document(format, StatusCode::OK, root, &node),
            Err(failure) => self.fail_as(format, failure),
        }
    }

    pub fn fail_as(&self, format: Format, failure: Failure) -> Response {
        let status = failure.status();
        // One error per problem (the intake check may find several).
        let descriptions = match &failure {
            Failure::Intake(problems) => intake_descriptions(problems, self.locale),
            other => vec![other.describe(self.locale)],
        };
        let node = Node::list(
            "error",
            descriptions
                .into_iter()
                .map(|description| {
                    Node::Object(vec![
                        ("code", Node::Int(i64::from(status.as_u16()))),
                        ("description", Node::text(description)),
                    ])
                })
                .collect(),
        );
        let mut response = document(format, status, "errors", &node);
        if let Failure::TooMany { retry_after_secs } = failure
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }

    /// Refuses a `jurisdiction_id` other than the one served; none is fine.
    pub fn check_jurisdiction(&self, state: &AppState) -> Result<(), Failure> {
        match self.params.get("jurisdiction_id") {
            Some(j) if j != state.config().jurisdiction_id => Err(Failure::Jurisdiction),
            _ => Ok(()),
        }
    }

    /// The client whose `api_key` came with the request, counted against its hourly limit.
    pub async fn client(&self, state: &AppState) -> Result<ApiClient, Failure> {
        let key = self.params.get("api_key").ok_or(Failure::KeyMissing)?;
        let client = miasto_store::api_clients::authenticate(state.db(), key)
            .await
            .map_err(Error::from)?
            .ok_or(Failure::KeyInvalid)?;
        let limit = Limit {
            max: client.rate_limit_per_hour,
            window: Duration::from_secs(3600),
        };
        let decision = rate_limit::hit(state.db(), &client.limit_key(), limit)
            .await
            .map_err(Error::from)?;
        miasto_store::api_clients::record_use(state.db(), client.id)
            .await
            .map_err(Error::from)?;
        match decision {
            rate_limit::Decision::Allowed => Ok(client),
            rate_limit::Decision::Limited { retry_after_secs } => {
                Err(Failure::TooMany { retry_after_secs })
            }
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Call {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(Self {
            params: Params::parse(query.as_bytes()),
            locale: locale(&parts.headers),
        })
    }
}

fn locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

fn document(format: Format, status: StatusCode, root: &str, node: &Node) -> Response {
    let (content_type, body) = match format {
        Format::Json => ("application/json; charset=utf-8", node.json().to_string()),
        Format::Xml => ("text/xml; charset=utf-8", node.xml(root)),
    };
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            // Public data for any web client; nothing here reads cookies.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// Why an Open311 call failed.
#[derive(Debug)]
pub enum Failure {
    NotFound,
    Jurisdiction,
    MethodNotAllowed,
    KeyMissing,
    KeyInvalid,
    TooMany {
        retry_after_secs: u64,
    },
    Bad(Open311Error),
    /// A 400 with a message of our own (`open311-error-<code>`) and an optional parameter.
    Refused(&'static str, Option<String>),
    /// The one intake check refused the request.
    Intake(Vec<Problem>),
    Internal(Error),
}

impl From<Open311Error> for Failure {
    fn from(e: Open311Error) -> Self {
        Self::Bad(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Internal(e)
    }
}

impl From<miasto_store::StoreError> for Failure {
    fn from(e: miasto_store::StoreError) -> Self {
        Self::Internal(e.into())
    }
}

impl Failure {
    /// Codes of every message a failure can show (the translation test reads them).
    #[cfg(test)]
    pub const CODES: [&'static str; 16] = [
        "not_found",
        "jurisdiction",
        "method_not_allowed",
        "key_missing",
        "key_invalid",
        "too_many_requests",
        "internal",
        "missing",
        "too_long",
        "bad_datetime",
        "bad_range",
        "bad_status",
        "too_many",
        "bad_media_url",
        "body_unreadable",
        "field",
    ];

    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound | Self::Jurisdiction => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::KeyMissing | Self::KeyInvalid => StatusCode::FORBIDDEN,
            Self::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Bad(_) | Self::Refused(..) | Self::Intake(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn describe(&self, locale: Locale) -> String {
        let t = |code: &str| crate::i18n::t(locale, &format!("open311-error-{code}"));
        let with = |code: &str, parameter: &str| {
            crate::i18n::t_args(
                locale,
                &format!("open311-error-{code}"),
                &[("parameter", parameter)],
            )
        };
        match self {
            Self::NotFound => t("not_found"),
            Self::Jurisdiction => t("jurisdiction"),
            Self::MethodNotAllowed => t("method_not_allowed"),
            Self::KeyMissing => t("key_missing"),
            Self::KeyInvalid => t("key_invalid"),
            Self::TooMany { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1).to_string();
                crate::i18n::t_args(
                    locale,
                    "open311-error-too_many_requests",
                    &[("minutes", &minutes)],
                )
            }
            Self::Bad(e) => with(e.code(), e.parameter().unwrap_or_default()),
            Self::Refused(code, parameter) => with(code, parameter.as_deref().unwrap_or_default()),
            Self::Intake(problems) => intake_descriptions(problems, locale).join(" "),
            Self::Internal(e) => {
                tracing::error!(error = %e, "open311 request failed");
                t("internal")
            }
        }
    }
}

/// A problem the intake check found: the parameter, and the message's id and arguments.
pub type Problem = (String, String, Vec<(&'static str, String)>);

/// Each problem the intake check found, as "parameter: message".
fn intake_descriptions(problems: &[Problem], locale: Locale) -> Vec<String> {
    problems
        .iter()
        .map(|(parameter, id, args)| {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            crate::i18n::t_args(
                locale,
                "open311-error-field",
                &[
                    ("parameter", parameter),
                    ("message", &crate::i18n::t_args(locale, id, &args)),
                ],
            )
        })
        .collect()
}

/// Open311's id for a report: its tracking number with a dash (`2026-001234`), safe in a path.
pub fn request_id(number: TrackingNumber) -> String {
    format!("{}-{:06}", number.year, number.seq)
}

/// W3C/RFC 3339 in Kraków's time, with its offset and without fractions.
pub fn datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&Warsaw)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}
