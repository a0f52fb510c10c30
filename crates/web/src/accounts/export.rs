//! "Download my data": everything the platform holds about the logged-in person, as JSON
//! (GDPR art. 15 and 20). Each area adds its records here as it arrives.

use crate::context::Ctx;
use crate::{AppState, Error};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use miasto_store::audit;
use serde::Serialize;

#[derive(Serialize)]
struct Export {
    format: &'static str,
    exported_at: DateTime<Utc>,
    account: AccountData,
    sessions: Vec<SessionData>,
    /// Devices signed in through the app.
    devices: Vec<DeviceData>,
    /// Privileged actions that concerned this account (role changes and the like).
    account_history: Vec<HistoryData>,
    /// Reports and ideas sent while logged in, with what was written in them.
    reports: Vec<ReportData>,
    /// Numbers of the reports this account supports.
    supported_reports: Vec<String>,
}

#[derive(Serialize)]
struct ReportData {
    number: String,
    kind: &'static str,
    status: &'static str,
    created_at: DateTime<Utc>,
    description: String,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    contact_name: Option<String>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
}

#[derive(Serialize)]
struct AccountData {
    id: String,
    email: String,
    role: &'static str,
    unit_id: Option<String>,
    language: &'static str,
    created_at: DateTime<Utc>,
    email_confirmed_at: Option<DateTime<Utc>>,
    last_login_at: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct SessionData {
    started_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct DeviceData {
    name: String,
    signed_in_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct HistoryData {
    at: DateTime<Utc>,
    action: String,
    details: serde_json::Value,
}

pub async fn export_my_data(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let current = ctx.require_user()?;
    let user = &current.user;
    let sessions = miasto_store::sessions::list_for_user(state.db(), user.id).await?;
    let devices = miasto_store::api_tokens::list_for_user(state.db(), user.id).await?;
    let filter = audit::Filter {
        target: Some(("user".into(), user.id.to_string())),
        ..Default::default()
    };
    let history = audit::list(
        state.db(),
        &filter,
        miasto_store::Page::new(None, Some(100)),
    )
    .await?;
    let filter = miasto_store::reports::ListFilter {
        reporter: Some(user.id),
        ..Default::default()
    };
    let reports = miasto_store::reports::list(
        state.db(),
        &filter,
        miasto_store::Page::new(None, Some(100)),
    )
    .await?;
    let mut all_reports = reports.items;
    let mut page_no = 1;
    // Page until a short page: the list's count stops at a cap, the export must not.
    let mut has_next = all_reports.len() == 100;
    while has_next {
        page_no += 1;
        let next = miasto_store::reports::list(
            state.db(),
            &filter,
            miasto_store::Page::new(Some(page_no), Some(100)),
        )
        .await?;
        has_next = next.items.len() == 100;
        all_reports.extend(next.items);
    }
    let supported = miasto_store::reports::supported_by(state.db(), user.id, 10_000).await?;
    let export = Export {
        format: "miasto-account-export/1",
        exported_at: miasto_store::now(),
        account: AccountData {
            id: user.id.to_string(),
            email: user.email.to_string(),
            role: user.role.as_str(),
            unit_id: user.unit_id.map(|u| u.to_string()),
            language: user.locale.as_str(),
            created_at: user.created_at,
            email_confirmed_at: user.email_confirmed_at,
            last_login_at: user.last_login_at,
        },
        sessions: sessions
            .into_iter()
            .map(|s| SessionData {
                started_at: s.created_at,
                last_seen_at: s.last_seen_at,
                expires_at: s.expires_at,
            })
            .collect(),
        devices: devices
            .into_iter()
            .map(|d| DeviceData {
                name: d.name,
                signed_in_at: d.created_at,
                last_used_at: d.last_used_at,
                expires_at: d.expires_at,
            })
            .collect(),
        account_history: history
            .items
            .into_iter()
            .map(|e| HistoryData {
                at: e.at,
                action: e.action,
                details: e.details,
            })
            .collect(),
        reports: all_reports
            .into_iter()
            .map(|r| ReportData {
                number: r.number.to_string(),
                kind: r.kind.as_str(),
                status: r.status.as_str(),
                created_at: r.created_at,
                latitude: r.point.map(|p| p.lat()),
                longitude: r.point.map(|p| p.lon()),
                description: r.description,
                address: r.address,
                contact_name: r.contact_name,
                contact_email: r.contact_email,
                contact_phone: r.contact_phone,
            })
            .collect(),
        supported_reports: supported
            .into_iter()
            .map(|r| r.number.to_string())
            .collect(),
    };
    Ok((
        [
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"wspolne-miasto-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Json(export),
    )
        .into_response())
}
