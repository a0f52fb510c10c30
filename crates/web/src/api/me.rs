//! The signed-in resident: their account, their signed-in devices, the reports they sent and
//! their notifications (updates of the reports they sent or support).

use super::auth::Device;
use super::reports::{PageQuery, ReportOut, StatusOut, Writer, report_id};
use super::{ApiError, Bearer, Data, Lang, List, page_size, reply, time};
use crate::AppState;
use crate::reports::status_label;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_store::api_tokens;
use miasto_store::notifications::{self, Notification};
use miasto_store::reports::{EventKind, ListFilter};
use serde::Serialize;
use utoipa::ToSchema;

/// Unread notifications are counted up to this many (a badge shows "99+").
const UNREAD_CAP: u64 = 100;

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: uuid::Uuid,
    pub email: String,
    /// `pl` or `en`.
    pub locale: String,
    /// `resident`, or a staff role.
    pub role: String,
    pub created_at: String,
    /// Notifications not yet marked as read (counted up to 100).
    pub unread_notifications: u64,
}

/// An update about a report the resident sent or supports.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: uuid::Uuid,
    pub at: String,
    /// `status_changed`, `status_followed` or `merged`.
    pub kind: String,
    /// The report's id (`2026-000123`).
    pub report_id: String,
    /// The report's tracking number (`2026/000123`).
    pub report_number: String,
    /// The status it moved to, if it changed.
    pub status: Option<StatusOut>,
    /// The city's message to residents, if any.
    pub message: Option<String>,
    /// The resident sent the report (rather than supports it).
    pub reporter: bool,
    pub unread: bool,
}

/// A page of notifications, with how many are unread.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub data: Vec<NotificationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Unread notifications in all (counted up to 100).
    pub unread: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Unread {
    pub unread: u64,
}

/// My account
#[utoipa::path(get, path = "/me", tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in resident", body = Data<Me>),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
    ))]
pub async fn show_me(State(state): State<AppState>, bearer: Bearer) -> Result<Response, ApiError> {
    let user = &bearer.user;
    let unread = notifications::unread(state.db(), user.id, UNREAD_CAP).await?;
    Ok(reply(
        StatusCode::OK,
        Me {
            id: user.id.0,
            email: user.email.to_string(),
            locale: user.locale.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            created_at: time(user.created_at),
            unread_notifications: unread,
        },
    ))
}

/// My signed-in devices
///
/// Every device signed in to the account, most recently used first (also listed on the
/// account page on the web, where they can be signed out).
#[utoipa::path(get, path = "/me/devices", tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The devices", body = Data<Vec<Device>>),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
    ))]
pub async fn list_tokens(
    State(state): State<AppState>,
    bearer: Bearer,
) -> Result<Response, ApiError> {
    let tokens = api_tokens::list_for_user(state.db(), bearer.user.id).await?;
    let devices: Vec<Device> = tokens
        .iter()
        .map(|t| Device::of(t, Some(bearer.token.id)))
        .collect();
    Ok(reply(StatusCode::OK, devices))
}

/// Sign a device out
///
/// Revokes the token of one of the resident's devices (a lost phone).
#[utoipa::path(delete, path = "/me/devices/{id}", tag = "me",
    params(("id" = uuid::Uuid, Path, description = "The device's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
        (status = 404, description = "No such device on this account", body = super::error::ErrorBody),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    bearer: Bearer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = uuid::Uuid::try_parse(id.trim()).map_err(|_| ApiError::not_found())?;
    if api_tokens::revoke(state.db(), bearer.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found())
    }
}

/// My reports
///
/// The reports the resident sent while signed in (on the web or in an app), newest first.
#[utoipa::path(get, path = "/me/reports", tag = "me",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of the resident's reports", body = List<ReportOut>),
        (status = 400, description = "A parameter cannot be used", body = super::error::ErrorBody),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
    ))]
pub async fn my_reports(
    State(state): State<AppState>,
    Lang(lang): Lang,
    bearer: Bearer,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let filter = ListFilter {
        reporter: Some(bearer.user.id),
        ..Default::default()
    };
    let (found, next_cursor) =
        super::reports::page(&state, filter, q.cursor.as_deref(), q.limit.as_deref()).await?;
    let writer = Writer::new(&state, lang).await?;
    Ok(axum::Json(List {
        data: writer.reports(&state, &found).await?,
        next_cursor,
    })
    .into_response())
}

fn notification_out(n: Notification, locale: miasto_domain::Locale) -> NotificationOut {
    let status = match n.event.kind {
        EventKind::StatusChanged | EventKind::StatusFollowed => n.event.to.map(|s| StatusOut {
            code: s.as_str().to_owned(),
            label: status_label(locale, n.kind, s),
            open: !s.is_closed(),
        }),
        _ => None,
    };
    NotificationOut {
        id: n.event.id,
        at: time(n.event.at),
        kind: n.event.kind.as_str().to_owned(),
        report_id: report_id(n.number),
        report_number: n.number.to_string(),
        status,
        message: n.event.public_message,
        reporter: n.reporter,
        unread: n.unread,
    }
}

/// My notifications
///
/// Updates of the reports the resident sent or supports, newest first.
#[utoipa::path(get, path = "/me/notifications", tag = "me",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        (status = 400, description = "A parameter cannot be used", body = super::error::ErrorBody),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
    ))]
pub async fn list_notifications(
    State(state): State<AppState>,
    Lang(lang): Lang,
    bearer: Bearer,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = page_size(q.limit.as_deref())?;
    let before = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(raw) => Some(
            uuid::Uuid::try_parse(raw)
                .map_err(|_| ApiError::invalid("cursor", "cursor_invalid"))?,
        ),
        None => None,
    };
    let user = bearer.user.id;
    let mut found = notifications::list(state.db(), user, before, limit + 1).await?;
    let next_cursor = if found.len() as u64 > limit {
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        found.last().map(|n| n.event.id.simple().to_string())
    } else {
        None
    };
    let unread = notifications::unread(state.db(), user, UNREAD_CAP).await?;
    Ok(axum::Json(NotificationPage {
        data: found
            .into_iter()
            .map(|n| notification_out(n, lang))
            .collect(),
        next_cursor,
        unread,
    })
    .into_response())
}

/// Mark notifications as read
///
/// Marks every notification up to the newest as read.
#[utoipa::path(post, path = "/me/notifications/read", tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All read", body = Data<Unread>),
        (status = 401, description = "Not signed in", body = super::error::ErrorBody),
    ))]
pub async fn mark_notifications_read(
    State(state): State<AppState>,
    bearer: Bearer,
) -> Result<Response, ApiError> {
    notifications::mark_read(state.db(), bearer.user.id).await?;
    Ok(reply(StatusCode::OK, Unread { unread: 0 }))
}
