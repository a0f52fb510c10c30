//! The unit queue: a unit's reports (unit staff see only their own unit's), filtered and
//! sorted — oldest first by default, which is "days open, longest first" — with status counts
//! and a bulk status change.

use super::can_handle;
use crate::admin::page_number;
use crate::context::Ctx;
use crate::form::Form;
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::reports::{Lookup, ReportView, status_label};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::Status;
use miasto_domain::{CategoryId, DistrictId, Permission, Role, UnitId};
use miasto_store::reports::{self, ListFilter, Sort};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    pub unit: String,
    pub status: String,
    /// "open" (default), "closed" or "all".
    pub show: String,
    pub kind: String,
    pub category: String,
    pub district: String,
    pub sort: String,
    /// "pending": only reports with photos awaiting a moderator.
    pub photos: String,
    pub page: String,
}

pub struct Row {
    pub view: ReportView,
    pub id: String,
}

#[derive(Template)]
#[template(path = "staff/queue.html")]
struct QueuePage {
    page: Page,
    /// A filter beyond the defaults is set (the folded filters start open).
    filtered: bool,
    own_unit: Option<String>,
    units: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    shows: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    photos_pending: bool,
    counts: Vec<(String, u64)>,
    counts_label: String,
    rows: Vec<Row>,
    bulk_statuses: Vec<SelectOption>,
    can_bulk: bool,
    pager: Pager,
    /// Consultation reports due soon, for those who answer consultations.
    due: Vec<crate::consultations::ConsultationView>,
}

fn status_options(ctx: &Ctx, selected: &str) -> Vec<SelectOption> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for kind in ReportKind::ALL {
        for s in Status::for_kind(kind) {
            if !seen.iter().any(|(v, _)| v == s.as_str()) {
                seen.push((s.as_str().to_owned(), status_label(ctx.locale, kind, *s)));
            }
        }
    }
    options(seen, selected)
}

pub async fn show_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> Result<Html<String>, Error> {
    let current = ctx.require(Permission::ViewReports)?;
    let lookup = Lookup::load(&state).await?;
    let t = |id: &str| crate::i18n::t(ctx.locale, id);
    // Unit staff work in their own unit's queue.
    let own_unit = (current.user.role == Role::UnitStaff)
        .then_some(current.user.unit_id)
        .flatten();
    let unit = own_unit.or_else(|| UnitId::parse(&q.unit));
    let show = if q.show.is_empty() {
        "open"
    } else {
        q.show.as_str()
    };
    let sort = Sort::parse(&q.sort).unwrap_or(Sort::Oldest);
    let filter = ListFilter {
        unit,
        status: Status::parse(&q.status).ok(),
        open: match show {
            "closed" => Some(false),
            "all" => None,
            _ => Some(true),
        },
        kind: ReportKind::parse(&q.kind).ok(),
        category: CategoryId::parse(&q.category),
        district: DistrictId::parse(&q.district),
        photos_pending: q.photos == "pending",
        sort,
        ..Default::default()
    };
    let paged = reports::list(
        state.db(),
        &filter,
        miasto_store::Page::new(page_number(&q.page)?, Some(50)),
    )
    .await?;
    // The overview counts the unit's reports (or all reports) by status, whatever the filters.
    let counts = reports::count_by_status(state.db(), unit)
        .await?
        .into_iter()
        .map(|(s, n)| {
            (
                crate::i18n::t(ctx.locale, &format!("status-any-{}", s.as_str())),
                n,
            )
        })
        .collect();
    let counts_label = t(if unit.is_some() {
        "staff-counts-unit"
    } else {
        "staff-counts-all"
    });
    let pager = Pager::new(
        &paged,
        "/staff/queue",
        &[
            ("unit", &q.unit),
            ("status", &q.status),
            ("show", &q.show),
            ("kind", &q.kind),
            ("category", &q.category),
            ("district", &q.district),
            ("sort", &q.sort),
            ("photos", &q.photos),
        ],
    );
    let can_bulk = paged.items.iter().any(|r| can_handle(current, r));
    let rows = paged
        .items
        .iter()
        .map(|r| Row {
            view: ReportView::new(r, &lookup, ctx.locale, None),
            id: r.id.to_string(),
        })
        .collect();
    let page = Page::titled(&ctx, "staff-queue-title");
    let due = if ctx.can(Permission::HandleConsultations) {
        crate::consultations::staff::reports_due(&state, &page).await?
    } else {
        Vec::new()
    };
    render(&QueuePage {
        due,
        page,
        filtered: [
            &q.unit,
            &q.status,
            &q.kind,
            &q.category,
            &q.district,
            &q.photos,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
            || !matches!(q.show.as_str(), "" | "open")
            || !q.sort.trim().is_empty(),
        own_unit: own_unit
            .and_then(|u| lookup.unit(u))
            .map(|u| format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale))),
        units: options(
            lookup.units.iter().map(|u| {
                (
                    u.id.to_string(),
                    format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                )
            }),
            &q.unit,
        ),
        statuses: status_options(&ctx, &q.status),
        shows: options(
            [
                ("open", t("staff-show-open")),
                ("closed", t("staff-show-closed")),
                ("all", t("staff-show-all")),
            ],
            show,
        ),
        kinds: options(
            ReportKind::ALL
                .iter()
                .map(|k| (k.as_str(), t(&format!("kind-{}", k.as_str())))),
            &q.kind,
        ),
        categories: options(
            lookup
                .categories
                .iter()
                .map(|c| (c.id.to_string(), c.names.get(ctx.locale).to_owned())),
            &q.category,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &q.district,
        ),
        sorts: options(
            Sort::ALL
                .iter()
                .map(|s| (s.as_str(), t(&format!("staff-sort-{}", s.as_str())))),
            sort.as_str(),
        ),
        photos_pending: filter.photos_pending,
        counts,
        counts_label,
        rows,
        bulk_statuses: status_options(&ctx, ""),
        can_bulk,
        pager,
    })
}

/// The outcome of a bulk change for one report.
pub struct BulkLine {
    pub number: String,
    pub path: String,
    pub outcome: String,
    pub ok: bool,
}

#[derive(Template)]
#[template(path = "staff/bulk_result.html")]
struct BulkPage {
    page: Page,
    lines: Vec<BulkLine>,
    changed: usize,
}

/// Sets one status on every ticked report; each report goes through the transition rule on
/// its own, and the page says which changed and why the others did not.
pub async fn bulk_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleReports)?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let to = Status::parse(&field("status")).map_err(|_| Error::BadRequest("status_unknown"))?;
    let message = Some(field("message")).filter(|m| !m.is_empty());
    let ids: Vec<miasto_domain::ReportId> = pairs
        .iter()
        .filter(|(k, _)| k == "report")
        .filter_map(|(_, v)| miasto_domain::ReportId::parse(v))
        .take(200)
        .collect();
    let lookup = Lookup::load(&state).await?;
    let mut lines = Vec::new();
    for id in ids {
        let Some(report) = reports::get(state.db(), id).await? else {
            continue;
        };
        let mut line = BulkLine {
            number: report.number.to_string(),
            path: format!("/staff{}", report.number.path()),
            outcome: String::new(),
            ok: false,
        };
        if !can_handle(current, &report) {
            line.outcome = crate::i18n::t(ctx.locale, "error-page-forbidden");
            lines.push(line);
            continue;
        }
        let tx = miasto_store::begin(state.db()).await?;
        match reports::change_status(
            &tx,
            id,
            Some(report.status),
            to,
            Some(current.user.id),
            message.clone(),
            None,
        )
        .await
        {
            Ok(change) => {
                super::report::notify_change(&tx, &state, &change, message.as_deref()).await?;
                tx.commit().await?;
                line.ok = true;
                line.outcome = status_label(ctx.locale, report.kind, to);
            }
            Err(reports::ChangeError::Store(e)) => return Err(e.into()),
            Err(e) => {
                tx.rollback().await?;
                line.outcome = crate::i18n::t(ctx.locale, &format!("error-{}", e.code()));
            }
        }
        lines.push(line);
    }
    state.wake_worker();
    let _ = lookup;
    let changed = lines.iter().filter(|l| l.ok).count();
    Ok(render(&BulkPage {
        page: Page::titled(&ctx, "staff-bulk-title"),
        lines,
        changed,
    })?
    .into_response())
}
