//! A report's pages. The public page shows status, the public timeline with the city's
//! messages, photos cleared for publication, the district and a place rounded to about 100 m
//! — never who reported it. The private tracking page (its link went to the reporter) shows
//! the same plus what they wrote as they wrote it and the contact details they gave.

use super::{Lookup, ReportView, status_label};
use crate::context::Ctx;
use crate::form::FieldErrors;
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use miasto_domain::Permission;
use miasto_domain::reports::TrackingNumber;
use miasto_store::photos::{self, Photo};
use miasto_store::reports::{self, EventKind, Report};

/// One line of the public timeline.
pub struct TimelineItem {
    pub at: DateTime<Utc>,
    pub label: String,
    pub message: Option<String>,
}

pub struct PhotoView {
    pub id: String,
    /// Where its sizes are served: `{base}/thumb`, `{base}/display`, `{base}/original`.
    pub base: String,
    pub hidden: bool,
    pub pending: bool,
}

impl PhotoView {
    /// Served at `/photos/{id}` (public and staff), or under the private tracking link.
    pub fn new(p: &Photo, tracking_token: Option<&str>) -> Self {
        let base = match tracking_token {
            Some(token) => format!("/reports/track/{token}/photos/{}", p.id),
            None => format!("/photos/{}", p.id),
        };
        Self {
            id: p.id.to_string(),
            base,
            hidden: p.hidden,
            pending: p.is_pending(),
        }
    }
}

/// What the reporter gave, shown only on the private page.
pub struct OwnCopy {
    pub description: String,
    pub address: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Template)]
#[template(path = "reports/show.html")]
pub struct ReportPage {
    pub page: Page,
    pub view: ReportView,
    pub timeline: Vec<TimelineItem>,
    pub photos: Vec<PhotoView>,
    /// Some photos wait for a moderator (said on the private page).
    pub photos_pending: bool,
    pub own: Option<OwnCopy>,
    pub can_support: bool,
    pub supported: bool,
    pub support_email: String,
    pub staff_path: Option<String>,
    /// The approximate place on a map.
    pub map: Option<crate::places::MapView>,
    pub errors: FieldErrors,
}

pub fn timeline_items(
    events: &[reports::Event],
    report: &Report,
    locale: miasto_domain::Locale,
) -> Vec<TimelineItem> {
    events
        .iter()
        .filter(|e| e.kind.is_public())
        .map(|e| {
            let label = match (e.kind, e.to) {
                (EventKind::Created, _) => crate::i18n::t(locale, "report-event-created"),
                (EventKind::Merged, _) => crate::i18n::t_args(
                    locale,
                    "report-event-merged",
                    &[("number", e.details["into"].as_str().unwrap_or_default())],
                ),
                (_, Some(to)) => status_label(locale, report.kind, to),
                (_, None) => String::new(),
            };
            TimelineItem {
                at: e.at,
                label,
                message: e.public_message.clone(),
            }
        })
        .collect()
}

/// The public page, or with `tracking_token` the reporter's private one.
pub async fn report_page(
    state: &AppState,
    ctx: &Ctx,
    report: &Report,
    tracking_token: Option<&str>,
    support_email: String,
    errors: FieldErrors,
) -> Result<ReportPage, Error> {
    let private = tracking_token.is_some();
    let lookup = Lookup::load(state).await?;
    let master = match report.merged_into {
        Some(id) => reports::get(state.db(), id).await?,
        None => None,
    };
    let view = ReportView::new(report, &lookup, ctx.locale, master.as_ref());
    let map = match view.coarse {
        Some(point) => Some(crate::places::map_view(state, point, true).await),
        None => None,
    };
    let events = reports::timeline(state.db(), report.id, true).await?;
    let audience = if private {
        photos::Audience::Reporter
    } else {
        photos::Audience::Public
    };
    let photos = photos::list(state.db(), report.id, audience).await?;
    let supported = match &ctx.user {
        Some(u) => reports::supports(state.db(), report.id, u.user.id).await?,
        None => false,
    };
    let is_reporter = ctx
        .user
        .as_ref()
        .is_some_and(|u| Some(u.user.id) == report.reporter);
    let own = private.then(|| OwnCopy {
        description: report.description.clone(),
        address: report.address.clone(),
        name: report.contact_name.clone(),
        email: report.contact_email.clone(),
        phone: report.contact_phone.clone(),
    });
    Ok(ReportPage {
        page: Page::new(
            ctx,
            crate::i18n::t_args(ctx.locale, "report-title", &[("number", &view.number)]),
        ),
        timeline: timeline_items(&events, report, ctx.locale),
        photos: photos
            .iter()
            .map(|p| PhotoView::new(p, tracking_token))
            .collect(),
        photos_pending: photos.iter().any(Photo::is_pending),
        own,
        can_support: view.open && view.merged_into.is_none() && !is_reporter && !private,
        supported,
        support_email,
        staff_path: ctx
            .can(Permission::ViewReports)
            .then(|| format!("/staff{}", report.number.path())),
        map,
        errors,
        view,
    })
}

pub async fn find_by_number(state: &AppState, year: &str, number: &str) -> Result<Report, Error> {
    let number = TrackingNumber::from_parts(year, number).map_err(|_| Error::NotFound)?;
    reports::get_by_number(state.db(), number)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn show_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
) -> Result<Response, Error> {
    let report = find_by_number(&state, &year, &number).await?;
    let page = report_page(
        &state,
        &ctx,
        &report,
        None,
        String::new(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn show_tracked_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let report = reports::get_by_tracking_token(state.db(), &token)
        .await?
        .ok_or(Error::NotFound)?;
    let page = report_page(
        &state,
        &ctx,
        &report,
        Some(&token),
        String::new(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    let mut response = render(&page)?.into_response();
    // The link is the key to the reporter's own details: keep it out of caches.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
