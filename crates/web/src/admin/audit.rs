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
    /// The details as (name, value) pairs, readable rather than JSON.
    details: Vec<(String, String)>,
    /// What the target is called: an account's address, a unit's code, a category's name.
    target: Option<String>,
}

/// One detail's value in words: text as it is, lists joined, nothing as a dash.
fn readable(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(readable).collect::<Vec<_>>().join(", ")
        }
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", readable(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn details_of(details: &serde_json::Value) -> Vec<(String, String)> {
    match details {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('_', " "), readable(v)))
            .collect(),
        serde_json::Value::Null => Vec::new(),
        other => vec![(String::new(), readable(other))],
    }
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
    let lookup = crate::reports::Lookup::load(&state).await?;
    let mut rows = Vec::with_capacity(paged.items.len());
    for entry in paged.items {
        let id = entry
            .target_id
            .as_deref()
            .and_then(|id| uuid::Uuid::try_parse(id).ok());
        let target = match (entry.target_type.as_deref(), id) {
            (Some("user"), Some(id)) => {
                miasto_store::accounts::get_user(state.db(), miasto_domain::UserId(id))
                    .await?
                    .map(|u| u.email.to_string())
            }
            (Some("unit"), Some(id)) => lookup
                .unit(miasto_domain::UnitId(id))
                .map(|u| u.code.as_str().to_owned()),
            (Some("category"), Some(id)) => lookup
                .category(miasto_domain::CategoryId(id))
                .map(|c| c.names.get(ctx.locale).to_owned()),
            _ => None,
        };
        rows.push(Row {
            action: crate::i18n::t(ctx.locale, &format!("audit-action-{}", entry.action)),
            details: details_of(&entry.details),
            target,
            entry,
        });
    }
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
