//! The audit log, newest first, filterable by action.

use super::page_number;
use crate::context::Ctx;
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use miasto_domain::Permission;
use miasto_store::audit::{self, Action, Entry};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    pub action: String,
    pub page: String,
}

const ACTIONS: [Action; Action::ALL.len()] = Action::ALL;

struct Row {
    entry: Entry,
    action: String,
    details: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    rows: Vec<Row>,
    actions: Vec<SelectOption>,
    pager: Pager,
}

pub async fn list_audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, Error> {
    ctx.require(Permission::ReadAuditLog)?;
    let filter = audit::Filter {
        action: ACTIONS
            .iter()
            .find(|a| a.code() == q.action)
            .map(|a| a.code().to_owned()),
        ..Default::default()
    };
    let paged = audit::list(
        state.db(),
        &filter,
        miasto_store::Page::new(page_number(&q.page)?, None),
    )
    .await?;
    let pager = Pager::new(&paged, "/admin/audit", &[("action", &q.action)]);
    let rows = paged
        .items
        .into_iter()
        .map(|entry| Row {
            action: crate::i18n::t(ctx.locale, &format!("audit-action-{}", entry.action)),
            details: if entry.details.as_object().is_some_and(|o| o.is_empty()) {
                String::new()
            } else {
                entry.details.to_string()
            },
            entry,
        })
        .collect();
    render(&AuditPage {
        page: Page::titled(&ctx, "admin-audit-title"),
        rows,
        actions: options(
            ACTIONS.iter().map(|a| {
                (
                    a.code(),
                    crate::i18n::t(ctx.locale, &format!("audit-action-{}", a.code())),
                )
            }),
            &q.action,
        ),
        pager,
    })
}
