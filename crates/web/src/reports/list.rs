//! The public list of reports with filters and paging.

use super::{Lookup, ReportView, status_label};
use crate::admin::page_number;
use crate::context::Ctx;
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::Warsaw;
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::Status;
use miasto_domain::{CategoryId, DistrictId};
use miasto_store::reports::{self, ListFilter, Sort};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub kind: String,
    pub category: String,
    pub district: String,
    pub status: String,
    pub from: String,
    pub to: String,
    pub page: String,
    /// Words of the description, or a tracking number (which opens that report).
    pub q: String,
    /// `newest` (default), `oldest`, `changed`, `near`.
    pub sort: String,
    /// For `sort=near`: an address in words…
    pub near: String,
    /// …or a point (the browser's location).
    pub lat: String,
    pub lon: String,
}

/// The orders the public list offers.
const SORTS: [Sort; 4] = [
    Sort::Newest,
    Sort::Oldest,
    Sort::RecentlyChanged,
    Sort::Nearest,
];

#[derive(Template)]
#[template(path = "reports/list.html")]
struct ListPage {
    page: Page,
    query: ListQuery,
    kinds: Vec<SelectOption>,
    /// The categories by kind: (the kind's name, its categories).
    category_groups: Vec<(String, Vec<SelectOption>)>,
    districts: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    /// Some filter narrows the list (the map fits what it found).
    filtered: bool,
    /// A filter inside the collapsible part is set (it starts open).
    more_filtered: bool,
    /// What the list is sorted by distance from, in words.
    near_label: Option<String>,
    /// Sorting by distance was asked for without a place to measure from.
    near_missing: bool,
    reports: Vec<ReportView>,
    pager: Pager,
    map_query: String,
}

/// The first moment of a Kraków calendar day, in UTC.
pub fn day_start(raw: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()?;
    let local = Warsaw
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()?;
    Some(local.with_timezone(&chrono::Utc))
}

fn filter_of(q: &ListQuery, kind: Option<ReportKind>) -> ListFilter {
    ListFilter {
        kind,
        category: CategoryId::parse(&q.category),
        district: DistrictId::parse(&q.district),
        status: Status::parse(&q.status).ok(),
        created_from: day_start(&q.from),
        created_before: day_start(&q.to).map(|d| d + chrono::Duration::days(1)),
        text: Some(q.q.trim().to_owned()).filter(|t| !t.is_empty()),
        sort: SORTS
            .into_iter()
            .find(|s| s.as_str() == q.sort)
            .unwrap_or(Sort::Newest),
        ..Default::default()
    }
}

/// The newest reports matching the list's filters, as GeoJSON points at their approximate
/// places (about 100 m off), for the public map. At most 1,000.
pub async fn reports_geojson(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<axum::response::Response, Error> {
    use axum::response::IntoResponse;
    let lookup = Lookup::load(&state).await?;
    let filter = filter_of(&q, ReportKind::parse(&q.kind).ok());
    // Past the lists' page-size bound on purpose: the map shows up to 1,000 points at once.
    let paged = reports::list(
        state.db(),
        &filter,
        miasto_store::Page {
            number: 1,
            size: 1000,
        },
    )
    .await?;
    let features: Vec<serde_json::Value> = paged
        .items
        .iter()
        .filter_map(|r| {
            let view = ReportView::new(r, &lookup, ctx.locale, None);
            let point = view.coarse?;
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [point.lon(), point.lat()] },
                "properties": {
                    "number": view.number,
                    "path": view.path,
                    "category": view.category,
                    "status": view.status_label,
                    "open": view.open,
                }
            }))
        })
        .collect();
    let body = serde_json::json!({ "type": "FeatureCollection", "features": features });
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

pub async fn list_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<axum::response::Response, Error> {
    use axum::response::IntoResponse;
    let lookup = Lookup::load(&state).await?;
    // A tracking number typed into the search opens that report.
    if let Ok(number) = miasto_domain::reports::TrackingNumber::parse(&q.q)
        && reports::get_by_number(state.db(), number).await?.is_some()
    {
        return Ok(axum::response::Redirect::to(&number.path()).into_response());
    }
    let kind = ReportKind::parse(&q.kind).ok();
    let mut filter = filter_of(&q, kind);
    // Sorted by distance from the browser's location or from an address typed in words.
    let near = if filter.sort == Sort::Nearest {
        // An address typed wins over a location the browser gave earlier.
        match crate::places::point_of_text(&state, &q.near).await {
            Some(found) => Some(found),
            None if q.near.trim().is_empty() => {
                crate::places::point_in_city(&state, &q.lat, &q.lon)
                    .map(|point| (point, crate::i18n::t(ctx.locale, "reports-near-you")))
            }
            None => None,
        }
    } else {
        None
    };
    filter.near = near.as_ref().map(|(point, _)| *point);
    let paged = reports::list(
        state.db(),
        &filter,
        miasto_store::Page::new(page_number(&q.page)?, Some(20)),
    )
    .await?;
    let pager = Pager::new(
        &paged,
        "/reports",
        &[
            ("kind", &q.kind),
            ("category", &q.category),
            ("district", &q.district),
            ("status", &q.status),
            ("from", &q.from),
            ("to", &q.to),
            ("q", &q.q),
            ("sort", &q.sort),
            ("near", &q.near),
            ("lat", &q.lat),
            ("lon", &q.lon),
        ],
    );
    let mut views: Vec<ReportView> = paged
        .items
        .iter()
        .map(|r| ReportView::new(r, &lookup, ctx.locale, None))
        .collect();
    // Each row: its first public photo (looked up together) and the street near its (rounded)
    // place, as far as the geocoder knows it without asking a remote service per row.
    let extras = futures_util::future::join_all(paged.items.iter().map(|r| {
        let state = &state;
        async move {
            let photo = miasto_store::photos::list(
                state.db(),
                r.id,
                miasto_store::photos::Audience::Public,
            )
            .await?
            .first()
            .map(|p| format!("{}/thumb", super::show::PhotoView::new(p, None).base));
            let near = r
                .point
                .and_then(|point| crate::places::street_near(state, point.coarse()));
            Ok::<_, Error>((photo, near))
        }
    }))
    .await;
    for (view, extra) in views.iter_mut().zip(extras) {
        let (thumb, near) = extra?;
        view.thumb = thumb;
        view.near = near;
        if let (Some(from), Some(at)) = (filter.near, view.coarse) {
            view.distance = Some(crate::places::distance_label(
                from.distance_m(at),
                ctx.locale,
            ));
        }
    }
    let t = |id: &str| crate::i18n::t(ctx.locale, id);
    let status_kind = kind.unwrap_or(ReportKind::Problem);
    let mut statuses: Vec<(String, String)> = Status::for_kind(status_kind)
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                status_label(ctx.locale, status_kind, *s),
            )
        })
        .collect();
    if kind.is_none() {
        for s in Status::for_kind(ReportKind::Idea) {
            if !statuses.iter().any(|(v, _)| v == s.as_str()) {
                statuses.push((
                    s.as_str().to_owned(),
                    status_label(ctx.locale, ReportKind::Idea, *s),
                ));
            }
        }
    }
    Ok(render(&ListPage {
        page: Page::titled(&ctx, "reports-title"),
        kinds: options(
            ReportKind::ALL
                .iter()
                .map(|k| (k.as_str(), t(&format!("kind-{}", k.as_str())))),
            &q.kind,
        ),
        // Grouped by kind: both kinds have an "other" category.
        category_groups: ReportKind::ALL
            .iter()
            .filter(|k| kind.is_none_or(|chosen| chosen == **k))
            .map(|k| {
                (
                    t(&format!("kind-{}", k.as_str())),
                    options(
                        lookup
                            .categories
                            .iter()
                            .filter(|c| c.kind == *k)
                            .map(|c| (c.id.to_string(), c.names.get(ctx.locale).to_owned())),
                        &q.category,
                    ),
                )
            })
            .collect(),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &q.district,
        ),
        statuses: options(statuses, &q.status),
        sorts: options(
            SORTS
                .iter()
                .map(|s| (s.as_str(), t(&format!("reports-sort-{}", s.as_str())))),
            &q.sort,
        ),
        filtered: [
            &q.kind,
            &q.category,
            &q.district,
            &q.status,
            &q.from,
            &q.to,
            &q.q,
        ]
        .iter()
        .any(|v| !v.trim().is_empty()),
        more_filtered: [
            &q.kind,
            &q.category,
            &q.district,
            &q.status,
            &q.from,
            &q.to,
            &q.near,
            &q.lat,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
            || !matches!(q.sort.as_str(), "" | "newest"),
        near_missing: filter.sort == Sort::Nearest && near.is_none(),
        near_label: near.map(|(_, label)| label),
        reports: views,
        pager,
        map_query: serde_urlencoded::to_string([
            ("kind", q.kind.as_str()),
            ("category", q.category.as_str()),
            ("district", q.district.as_str()),
            ("status", q.status.as_str()),
            ("from", q.from.as_str()),
            ("to", q.to.as_str()),
            ("q", q.q.as_str()),
        ])
        .unwrap_or_default(),
        query: q,
    })?
    .into_response())
}
