//! Contact-centre reports: intake (routing and tracking numbers), the one list query behind the
//! public list and the unit queue, status changes with their timeline, notes, reassignment,
//! merges, supports, duplicates nearby, notification recipients, the "was it solved?"
//! questionnaire and moderation.
//!
//! Rows hold the reporter's contact details; nothing here decides what is public — the web
//! layer shows contact details only to staff and to the holder of the private tracking link.

use crate::entities::{
    report_counters, report_events, report_feedback, report_supports, report_tallies, reports,
    users,
};
use crate::paging::{self, Page, Paged};
use crate::{Result, Savepoints, StoreError, new_token, now, stats, token_hash};
use chrono::{DateTime, Utc};
use miasto_domain::geo::Point;
use miasto_domain::questions::Answers;
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::{
    Channel, Description, Status, TrackingNumber, TransitionError, check_transition,
};
use miasto_domain::{CategoryId, DistrictId, Email, Locale, ReportId, UnitId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use serde::Serialize;
use uuid::Uuid;

pub use miasto_domain::reports::{Contact, Location};

#[derive(Debug, Clone)]
pub struct NewReport {
    pub category: CategoryId,
    pub description: Description,
    pub location: Location,
    pub channel: Channel,
    /// The API client that sent it, if any (its id).
    pub client: Option<String>,
    /// Answers to the category's extra questions.
    pub answers: Answers,
    /// A photo the client app keeps elsewhere (Open311 `media_url`); staff see the link.
    pub media_url: Option<String>,
    /// The resident's account, if they were logged in (or the caller's, found by an operator).
    pub reporter: Option<UserId>,
    pub contact: Contact,
    /// The staff member who recorded it for someone else (hotline, counter).
    pub recorded_by: Option<UserId>,
    pub locale: Locale,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub number: TrackingNumber,
    pub kind: ReportKind,
    pub category: CategoryId,
    pub status: Status,
    pub unit: UnitId,
    pub district: Option<DistrictId>,
    pub point: Option<Point>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub description: String,
    pub description_redacted: Option<String>,
    pub channel: Channel,
    pub client: Option<String>,
    pub answers: Answers,
    pub media_url: Option<String>,
    pub reporter: Option<UserId>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_consent: bool,
    pub locale: Locale,
    pub merged_into: Option<ReportId>,
    pub support_count: i32,
    pub created_at: DateTime<Utc>,
    pub status_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Report {
    /// The description as the public may read it (after moderation).
    pub fn public_description(&self) -> &str {
        self.description_redacted
            .as_deref()
            .unwrap_or(&self.description)
    }

    /// Whole days since submission, until closed.
    pub fn days_open(&self, at: DateTime<Utc>) -> i64 {
        (self.closed_at.unwrap_or(at) - self.created_at).num_days()
    }
}

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt {
        table: "reports",
        detail,
    }
}

impl TryFrom<reports::Model> for Report {
    type Error = StoreError;

    fn try_from(m: reports::Model) -> Result<Self> {
        let number = TrackingNumber {
            year: m.year,
            seq: u32::try_from(m.seq).map_err(|_| corrupt(format!("{}: seq", m.id)))?,
        };
        let point = match (m.lat, m.lon) {
            (Some(lat), Some(lon)) => {
                Some(Point::new(lat, lon).map_err(|_| corrupt(format!("{}: point", m.id)))?)
            }
            _ => None,
        };
        Ok(Self {
            id: ReportId(m.id),
            number,
            kind: ReportKind::parse(&m.kind).map_err(|_| corrupt(format!("{}: kind", m.id)))?,
            category: CategoryId(m.category_id),
            status: Status::parse(&m.status).map_err(|_| corrupt(format!("{}: status", m.id)))?,
            unit: UnitId(m.unit_id),
            district: m.district_id.map(DistrictId),
            point,
            address: m.address,
            address_id: m.address_id,
            description: m.description,
            description_redacted: m.description_redacted,
            channel: Channel::parse(&m.channel)
                .map_err(|_| corrupt(format!("{}: channel", m.id)))?,
            client: m.client,
            answers: match m.answers {
                Some(json) => serde_json::from_value(json)
                    .map_err(|e| corrupt(format!("{}: answers {e}", m.id)))?,
                None => Answers::new(),
            },
            media_url: m.media_url,
            reporter: m.reporter_id.map(UserId),
            contact_name: m.contact_name,
            contact_email: m.contact_email,
            contact_phone: m.contact_phone,
            contact_consent: m.contact_consent,
            locale: Locale::parse(&m.locale).unwrap_or_default(),
            merged_into: m.merged_into.map(ReportId),
            support_count: m.support_count,
            created_at: m.created_at,
            status_at: m.status_at,
            closed_at: m.closed_at,
        })
    }
}

/// What happened to a report, in order. Public timelines show status changes (with their
/// public message), merges and supports; staff also see notes and assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    StatusChanged,
    /// The status changed because the report was merged into another, or its master changed.
    StatusFollowed,
    Assigned,
    Note,
    Merged,
    Supported,
    PhotoHidden,
    TextRedacted,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        Self::Created,
        Self::StatusChanged,
        Self::StatusFollowed,
        Self::Assigned,
        Self::Note,
        Self::Merged,
        Self::Supported,
        Self::PhotoHidden,
        Self::TextRedacted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::StatusChanged => "status_changed",
            Self::StatusFollowed => "status_followed",
            Self::Assigned => "assigned",
            Self::Note => "note",
            Self::Merged => "merged",
            Self::Supported => "supported",
            Self::PhotoHidden => "photo_hidden",
            Self::TextRedacted => "text_redacted",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Shown on the public timeline.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Self::Created | Self::StatusChanged | Self::StatusFollowed | Self::Merged
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub kind: EventKind,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub unit: Option<UnitId>,
    pub public_message: Option<String>,
    pub internal_note: Option<String>,
    pub details: serde_json::Value,
}

impl TryFrom<report_events::Model> for Event {
    type Error = StoreError;

    fn try_from(m: report_events::Model) -> Result<Self> {
        let status = |s: Option<String>| s.map(|s| Status::parse(&s)).transpose();
        Ok(Self {
            id: m.id,
            at: m.at,
            actor: m.actor_id.map(UserId),
            kind: EventKind::parse(&m.kind)
                .ok_or_else(|| corrupt(format!("event {}: kind", m.id)))?,
            from: status(m.from_status).map_err(|_| corrupt(format!("event {}: from", m.id)))?,
            to: status(m.to_status).map_err(|_| corrupt(format!("event {}: to", m.id)))?,
            unit: m.unit_id.map(UnitId),
            public_message: m.public_message,
            internal_note: m.internal_note,
            details: m.details,
        })
    }
}

/// Fields of a new event; the rest default to empty.
#[derive(Debug, Default)]
struct EventFields {
    from: Option<Status>,
    to: Option<Status>,
    unit: Option<UnitId>,
    public_message: Option<String>,
    internal_note: Option<String>,
    details: Option<serde_json::Value>,
}

async fn record_event(
    c: &impl ConnectionTrait,
    report: ReportId,
    actor: Option<UserId>,
    kind: EventKind,
    fields: EventFields,
) -> Result<()> {
    report_events::Entity::insert(event_row(report, actor, kind, fields))
        .exec_without_returning(c)
        .await?;
    Ok(())
}

fn event_row(
    report: ReportId,
    actor: Option<UserId>,
    kind: EventKind,
    fields: EventFields,
) -> report_events::ActiveModel {
    report_events::ActiveModel {
        id: Set(Uuid::now_v7()),
        report_id: Set(report.0),
        at: Set(now()),
        actor_id: Set(actor.map(|a| a.0)),
        kind: Set(kind.as_str().to_owned()),
        from_status: Set(fields.from.map(|s| s.as_str().to_owned())),
        to_status: Set(fields.to.map(|s| s.as_str().to_owned())),
        unit_id: Set(fields.unit.map(|u| u.0)),
        public_message: Set(fields.public_message),
        internal_note: Set(fields.internal_note),
        details: Set(fields.details.unwrap_or_else(|| serde_json::json!({}))),
    }
}

mod feedback;
mod intake;
mod queries;
pub mod replies;
mod seeding;
mod supporters;
mod workflow;

pub use feedback::*;
pub use intake::*;
pub use queries::*;
pub use seeding::*;
pub use supporters::*;
pub use workflow::*;
