//! The front page and the health check.

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::reports::ReportView;
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
    /// What residents can take part in now: (what, link text, link).
    open_now: Vec<(String, String, String)>,
    /// The newest public reports.
    recent: Vec<ReportView>,
    /// Reports received this year, open now, and closed this year.
    figures: (u64, u64, u64),
}

pub async fn show_home(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, Error> {
    use miasto_domain::budget::Phase;
    use miasto_store::reports::{self, ListFilter};
    let page = Page::titled(&ctx, "home-title");
    let now = miasto_store::now();
    let mut open_now = Vec::new();
    for edition in miasto_store::budget::editions(state.db()).await? {
        let name = edition.name(ctx.locale).to_owned();
        let base = format!("/budget/{}", edition.slug);
        match edition.phase(now) {
            Phase::Voting => open_now.push((
                page.t1("home-open-vote", "edition", &name),
                page.t("home-open-vote-link"),
                format!("{base}/vote"),
            )),
            Phase::Submission => open_now.push((
                page.t1("home-open-submit", "edition", &name),
                page.t("home-open-submit-link"),
                format!("{base}/projects/new"),
            )),
            Phase::Results => open_now.push((
                page.t1("home-open-results", "edition", &name),
                page.t("home-open-results-link"),
                format!("{base}/results"),
            )),
            _ => {}
        }
    }
    let open = miasto_store::consultations::Filter {
        published_only: true,
        open_at: Some(now),
        ..Default::default()
    };
    for c in miasto_store::consultations::list(state.db(), open).await? {
        open_now.push((
            page.t1("home-open-consultation", "title", &c.plan.title),
            page.t("home-open-consultation-link"),
            format!("/consultations/{}", c.slug),
        ));
    }
    let lookup = crate::reports::Lookup::load(&state).await?;
    let recent = reports::list(
        state.db(),
        &ListFilter::default(),
        miasto_store::Page::new(None, Some(5)),
    )
    .await?
    .items
    .iter()
    .map(|r| ReportView::new(r, &lookup, ctx.locale, None))
    .collect();
    let year_start = chrono::TimeZone::with_ymd_and_hms(
        &chrono_tz::Europe::Warsaw,
        chrono::Datelike::year(&now.with_timezone(&chrono_tz::Europe::Warsaw)),
        1,
        1,
        0,
        0,
        0,
    )
    .single()
    .map(|d| d.with_timezone(&chrono::Utc));
    let count = |filter: ListFilter| {
        let state = state.clone();
        async move {
            Ok::<_, Error>(
                reports::list(state.db(), &filter, miasto_store::Page::new(None, Some(1)))
                    .await?
                    .total,
            )
        }
    };
    let figures = (
        count(ListFilter {
            created_from: year_start,
            ..Default::default()
        })
        .await?,
        count(ListFilter {
            open: Some(true),
            ..Default::default()
        })
        .await?,
        count(ListFilter {
            created_from: year_start,
            open: Some(false),
            ..Default::default()
        })
        .await?,
    );
    render(&HomePage {
        city: state.config().city_name.clone(),
        open_now,
        recent,
        figures,
        page,
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
