//! Caller lookup: the hotline finds a caller's earlier reports by phone number, e-mail address
//! or report number, and reads the status back to them.

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::reports::{Lookup, ReportView};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use miasto_domain::reports::{Phone, TrackingNumber};
use miasto_domain::{Email, Permission};
use miasto_store::Page as PageNo;
use miasto_store::reports::{self, ListFilter, Sort};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallerQuery {
    pub q: String,
}

#[derive(Template)]
#[template(path = "staff/callers.html")]
struct CallersPage {
    page: Page,
    q: String,
    searched: bool,
    not_understood: bool,
    reports: Vec<ReportView>,
}

pub async fn find_caller_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CallerQuery>,
) -> Result<Html<String>, Error> {
    ctx.require(Permission::RecordReportsForCallers)?;
    let q = query.q.trim().to_owned();
    let mut found = Vec::new();
    let mut not_understood = false;
    if !q.is_empty() {
        if let Ok(number) = TrackingNumber::parse(&q) {
            found.extend(reports::get_by_number(state.db(), number).await?);
        } else {
            let mut filters = Vec::new();
            if let Ok(email) = Email::parse(&q) {
                filters.push(ListFilter {
                    contact_email: Some(email.as_str().to_owned()),
                    ..Default::default()
                });
                if let Some(user) =
                    miasto_store::accounts::find_by_email(state.db(), &email).await?
                {
                    filters.push(ListFilter {
                        reporter: Some(user.id),
                        ..Default::default()
                    });
                }
            } else if let Ok(phone) = Phone::parse(&q) {
                filters.push(ListFilter {
                    contact_phone: Some(phone.as_str().to_owned()),
                    ..Default::default()
                });
            } else {
                not_understood = true;
            }
            for filter in filters {
                let filter = ListFilter {
                    sort: Sort::Newest,
                    ..filter
                };
                for r in reports::list(state.db(), &filter, PageNo::new(None, Some(100)))
                    .await?
                    .items
                {
                    if !found.iter().any(|f: &reports::Report| f.id == r.id) {
                        found.push(r);
                    }
                }
            }
        }
    }
    found.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    let lookup = Lookup::load(&state).await?;
    render(&CallersPage {
        page: Page::titled(&ctx, "staff-callers-title"),
        searched: !q.is_empty(),
        not_understood,
        reports: found
            .iter()
            .map(|r| ReportView::new(r, &lookup, ctx.locale, None))
            .collect(),
        q,
    })
}
