//! The front page and the health check.

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    city: String,
}

pub async fn show_home(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, Error> {
    render(&HomePage {
        page: Page::titled(&ctx, "home-title"),
        city: state.config().city_name.clone(),
    })
}

/// 200 when the database answers, 503 otherwise. Load balancers poll it; it sets no cookie.
pub async fn show_health(State(state): State<AppState>) -> Response {
    match miasto_store::ping(state.db()).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}
