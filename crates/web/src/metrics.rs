//! Prometheus metrics at `/metrics`: requests by route and status, latency by route, and the
//! job queue. Labels are route templates (`/admin/users/{id}`), never concrete paths, so no
//! id or token ends up in a time series.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    jobs: Family<StateLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("miasto");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer",
            latency.clone(),
        );
        let jobs = Family::<StateLabels, Gauge>::default();
        registry.register("jobs", "Background jobs by state", jobs.clone());
        Self(Arc::new(Inner {
            registry,
            requests,
            latency,
            jobs,
        }))
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    let m = &state.metrics().0;
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    m.latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}

pub async fn show_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config().metrics_token {
        let expected = format!("Bearer {}", token.expose());
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    let m = &state.metrics().0;
    if let Ok(stats) = miasto_store::jobs::stats(state.db()).await {
        for (name, value) in [
            ("queued", stats.queued),
            ("running", stats.running),
            ("failed", stats.failed),
        ] {
            m.jobs
                .get_or_create(&StateLabels {
                    state: name.to_owned(),
                })
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
    }
    let mut body = String::new();
    if prometheus_client::encoding::text::encode(&mut body, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
