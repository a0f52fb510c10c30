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

/// The new report's number, its private tracking token (shown once, e-mailed, never stored)
/// and the unit it went to.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub report: Report,
    pub tracking_token: String,
}

/// Reserves `count` consecutive numbers of `year` at once (for a batch of intake) and returns
/// the first. The counter row serialises concurrent intake (a row lock on PostgreSQL, the
/// write lock on SQLite) only for the length of the caller's transaction.
pub async fn reserve_numbers(
    c: &impl ConnectionTrait,
    year: i32,
    count: u32,
) -> Result<TrackingNumber> {
    let count = i32::try_from(Ord::max(count, 1)).unwrap_or(i32::MAX);
    let row = report_counters::Entity::insert(report_counters::ActiveModel {
        year: Set(year),
        last: Set(count),
    })
    .on_conflict(
        OnConflict::column(report_counters::Column::Year)
            .value(
                report_counters::Column::Last,
                Expr::col((report_counters::Entity, report_counters::Column::Last)).add(count),
            )
            .to_owned(),
    )
    .exec_with_returning(c)
    .await?;
    Ok(TrackingNumber {
        year,
        seq: u32::try_from(row.last - count + 1).map_err(|_| corrupt(format!("counter {year}")))?,
    })
}

/// A report whose category (its kind), unit and number the caller settled.
#[derive(Debug, Clone)]
pub struct Numbered {
    pub new: NewReport,
    pub kind: ReportKind,
    pub unit: UnitId,
    pub number: TrackingNumber,
}

/// Writes reports with their first timeline events and tallies: three statements for the
/// whole batch (a batch of intake writes hundreds at once).
pub async fn insert_many(c: &impl ConnectionTrait, items: Vec<Numbered>) -> Result<Vec<Created>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let mut rows = Vec::with_capacity(items.len());
    let mut events = Vec::with_capacity(items.len());
    let mut tallies: Vec<(UnitId, Status, i64)> = Vec::new();
    let mut created = Vec::with_capacity(items.len());
    for Numbered {
        new,
        kind,
        unit,
        number,
    } in items
    {
        let (token, hash) = new_token();
        let id = ReportId::new();
        let channel = new.channel;
        let recorded_by = new.recorded_by;
        let model = reports::ActiveModel {
            id: Set(id.0),
            year: Set(number.year),
            seq: Set(i32::try_from(number.seq).unwrap_or(i32::MAX)),
            kind: Set(kind.as_str().to_owned()),
            category_id: Set(new.category.0),
            status: Set(Status::New.as_str().to_owned()),
            open: Set(true),
            unit_id: Set(unit.0),
            district_id: Set(new.location.district.map(|d| d.0)),
            lat: Set(new.location.point.map(Point::lat)),
            lon: Set(new.location.point.map(Point::lon)),
            address: Set(new.location.address),
            address_id: Set(new.location.address_id),
            description: Set(new.description.into_inner()),
            description_redacted: Set(None),
            channel: Set(channel.as_str().to_owned()),
            client: Set(new.client),
            answers: Set(if new.answers.is_empty() {
                None
            } else {
                Some(serde_json::json!(new.answers))
            }),
            media_url: Set(new.media_url),
            reporter_id: Set(new.reporter.map(|u| u.0)),
            contact_name: Set(new.contact.name),
            contact_email: Set(new.contact.email.map(|e| e.as_str().to_owned())),
            contact_phone: Set(new.contact.phone.map(|p| p.as_str().to_owned())),
            contact_consent: Set(new.contact.consent),
            locale: Set(new.locale.as_str().to_owned()),
            tracking_hash: Set(hash),
            merged_into: Set(None),
            support_count: Set(0),
            created_at: Set(at),
            updated_at: Set(at),
            status_at: Set(at),
            closed_at: Set(None),
        };
        created.push(Created {
            report: Report::try_from(sea_orm::TryIntoModel::try_into_model(model.clone())?)?,
            tracking_token: token,
        });
        rows.push(model);
        let fields = EventFields {
            to: Some(Status::New),
            unit: Some(unit),
            details: Some(serde_json::json!({ "channel": channel.as_str() })),
            ..Default::default()
        };
        events.push(event_row(id, recorded_by, EventKind::Created, fields));
        match tallies.iter_mut().find(|(u, _, _)| *u == unit) {
            Some(t) => t.2 += 1,
            None => tallies.push((unit, Status::New, 1)),
        }
    }
    reports::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    report_events::Entity::insert_many(events)
        .exec_without_returning(c)
        .await?;
    adjust_tallies(c, tallies).await?;
    let counted: Vec<(stats::Shape, i64)> = created
        .iter()
        .map(|c| (stats::Shape::of(&c.report), 1))
        .collect();
    stats::count(c, &counted).await?;
    Ok(created)
}

/// The year a report is numbered in: Kraków's calendar year. The year turns at local midnight
/// on 1 January, always in winter time (UTC+1).
pub fn numbering_year(at: DateTime<Utc>) -> i32 {
    use chrono::Datelike;
    chrono::FixedOffset::east_opt(3600).map_or(at.year(), |winter| at.with_timezone(&winter).year())
}

pub async fn get(c: &impl ConnectionTrait, id: ReportId) -> Result<Option<Report>> {
    reports::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(Report::try_from)
        .transpose()
}

pub async fn get_by_number(
    c: &impl ConnectionTrait,
    number: TrackingNumber,
) -> Result<Option<Report>> {
    reports::Entity::find()
        .filter(reports::Column::Year.eq(number.year))
        .filter(reports::Column::Seq.eq(i64::from(number.seq)))
        .one(c)
        .await?
        .map(Report::try_from)
        .transpose()
}

/// The reports with these numbers, in the order asked (unknown numbers are left out).
pub async fn get_many_by_number(
    c: &impl ConnectionTrait,
    numbers: &[TrackingNumber],
) -> Result<Vec<Report>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = sea_orm::Condition::any();
    for n in numbers {
        any = any.add(
            sea_orm::Condition::all()
                .add(reports::Column::Year.eq(n.year))
                .add(reports::Column::Seq.eq(i64::from(n.seq))),
        );
    }
    let found: Vec<Report> = reports::Entity::find()
        .filter(any)
        .all(c)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect::<Result<_>>()?;
    Ok(numbers
        .iter()
        .filter_map(|n| found.iter().find(|r| r.number == *n).cloned())
        .collect())
}

/// At most `limit` reports matching `filter`, in its order, without counting them all.
pub async fn search(
    c: &impl ConnectionTrait,
    filter: &ListFilter,
    limit: u64,
) -> Result<Vec<Report>> {
    filtered(filter)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect()
}

/// A public status change, with the report it belongs to (the updates feed).
#[derive(Debug, Clone, PartialEq)]
pub struct PublicUpdate {
    pub event: Event,
    pub number: TrackingNumber,
    pub kind: ReportKind,
}

/// Status changes (also those followed from a master report) made in `[from, to]`, oldest
/// first, at most `limit`.
pub async fn public_updates(
    c: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<PublicUpdate>> {
    use report_events::Column as E;
    let events = report_events::Entity::find()
        .filter(E::At.gte(from))
        .filter(E::At.lte(to))
        .filter(E::Kind.is_in([
            EventKind::StatusChanged.as_str(),
            EventKind::StatusFollowed.as_str(),
        ]))
        .order_by_asc(E::At)
        .order_by_asc(E::Id)
        .limit(limit)
        .all(c)
        .await?;
    let mut ids: Vec<Uuid> = events.iter().map(|e| e.report_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut owners = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = reports::Entity::find()
            .filter(reports::Column::Id.is_in(chunk.iter().copied()))
            .all(c)
            .await?;
        owners.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    let mut updates = Vec::with_capacity(events.len());
    for e in events {
        let Some(owner) = owners.get(&e.report_id) else {
            continue;
        };
        let number = TrackingNumber {
            year: owner.year,
            seq: u32::try_from(owner.seq).map_err(|_| corrupt(format!("{}: seq", owner.id)))?,
        };
        let kind =
            ReportKind::parse(&owner.kind).map_err(|_| corrupt(format!("{}: kind", owner.id)))?;
        updates.push(PublicUpdate {
            event: Event::try_from(e)?,
            number,
            kind,
        });
    }
    Ok(updates)
}

/// The report a private tracking link points at.
pub async fn get_by_tracking_token(
    c: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<Report>> {
    let token = token.trim();
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    reports::Entity::find()
        .filter(reports::Column::TrackingHash.eq(token_hash(token)))
        .one(c)
        .await?
        .map(Report::try_from)
        .transpose()
}

/// Which reports a list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<ReportKind>,
    pub category: Option<CategoryId>,
    /// Any of these categories (with `category`, both must hold).
    pub categories: Vec<CategoryId>,
    pub district: Option<DistrictId>,
    pub status: Option<Status>,
    /// Only open (`Some(true)`) or only closed (`Some(false)`) reports.
    pub open: Option<bool>,
    pub unit: Option<UnitId>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub reporter: Option<UserId>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Only reports with a photo no moderator has looked at yet.
    pub photos_pending: bool,
    /// Keyset paging for [`Sort::Newest`]: only reports after this one (its creation time and
    /// id) in that order. Ignored by other orders.
    pub after: Option<(DateTime<Utc>, ReportId)>,
    pub sort: Sort,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    /// Oldest first: the longest-waiting at the top (days open, descending).
    Oldest,
    /// Most recent status change first.
    RecentlyChanged,
    Category,
    District,
    Status,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Newest,
        Sort::Oldest,
        Sort::RecentlyChanged,
        Sort::Category,
        Sort::District,
        Sort::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::RecentlyChanged => "changed",
            Self::Category => "category",
            Self::District => "district",
            Self::Status => "status",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

fn filtered(filter: &ListFilter) -> sea_orm::Select<reports::Entity> {
    use reports::Column as C;
    let mut select = reports::Entity::find();
    if let Some(kind) = filter.kind {
        select = select.filter(C::Kind.eq(kind.as_str()));
    }
    if let Some(category) = filter.category {
        select = select.filter(C::CategoryId.eq(category.0));
    }
    if !filter.categories.is_empty() {
        select = select.filter(C::CategoryId.is_in(filter.categories.iter().map(|c| c.0)));
    }
    if let Some(district) = filter.district {
        select = select.filter(C::DistrictId.eq(district.0));
    }
    if let Some(status) = filter.status {
        select = select.filter(C::Status.eq(status.as_str()));
    }
    // A status implies open or closed; saying so lets the (…, open, status, …) indexes serve.
    let open = filter
        .open
        .or_else(|| filter.status.map(|s| !s.is_closed()));
    if let Some(open) = open {
        select = select.filter(C::Open.eq(open));
    }
    if let Some(unit) = filter.unit {
        select = select.filter(C::UnitId.eq(unit.0));
    }
    if let Some(from) = filter.created_from {
        select = select.filter(C::CreatedAt.gte(from));
    }
    if let Some(before) = filter.created_before {
        select = select.filter(C::CreatedAt.lt(before));
    }
    if let Some(reporter) = filter.reporter {
        select = select.filter(C::ReporterId.eq(reporter.0));
    }
    if let Some(email) = &filter.contact_email {
        select = select.filter(C::ContactEmail.eq(email.as_str()));
    }
    if let Some(phone) = &filter.contact_phone {
        select = select.filter(C::ContactPhone.eq(phone.as_str()));
    }
    if filter.photos_pending {
        use crate::entities::report_photos::{Column as P, Entity as Photos};
        let pending = sea_orm::sea_query::Query::select()
            .column(P::ReportId)
            .from(Photos)
            .and_where(P::ApprovedAt.is_null())
            .and_where(P::Hidden.eq(false))
            .to_owned();
        select = select.filter(C::Id.in_subquery(pending));
    }
    if let (Some((at, id)), Sort::Newest) = (filter.after, filter.sort) {
        // A row-value comparison, which both engines answer by seeking the (created_at, id)
        // index; the equivalent OR of two conditions makes SQLite scan from the top, so each
        // page would cost more than the one before.
        select = select.filter(
            Expr::tuple([Expr::col(C::CreatedAt), Expr::col(C::Id)])
                .lt(Expr::tuple([Expr::value(at), Expr::value(id.0)])),
        );
    }
    // Every order ends in the creation time and the id, as the indexes do (see migration 2).
    let (first, direction) = match filter.sort {
        Sort::Newest => (None, Order::Desc),
        Sort::Oldest => (None, Order::Asc),
        Sort::RecentlyChanged => {
            return select.order_by_desc(C::StatusAt).order_by_desc(C::Id);
        }
        Sort::Category => (Some(C::CategoryId), Order::Asc),
        Sort::District => (Some(C::DistrictId), Order::Asc),
        Sort::Status => (Some(C::Status), Order::Asc),
    };
    if let Some(first) = first {
        select = select.order_by_asc(first);
    }
    select
        .order_by(C::CreatedAt, direction.clone())
        .order_by(C::Id, direction)
}

/// One page of reports matching `filter`, with the total.
pub async fn list(
    c: &impl ConnectionTrait,
    filter: &ListFilter,
    page: Page,
) -> Result<Paged<Report>> {
    let (rows, count) = paging::fetch(c, filtered(filter), page).await?;
    Ok(Paged::new(
        rows.into_iter()
            .map(Report::try_from)
            .collect::<Result<_>>()?,
        count,
        page,
    ))
}

/// Open, unmerged reports of `category` within `radius_m` of `point`, nearest first.
pub async fn nearby_open(
    c: &impl ConnectionTrait,
    category: CategoryId,
    point: Point,
    radius_m: f64,
    limit: usize,
) -> Result<Vec<(Report, f64)>> {
    use reports::Column as C;
    let (min, max) = point.bbox(radius_m);
    let rows = reports::Entity::find()
        .filter(C::Lat.between(min.lat(), max.lat()))
        .filter(C::Lon.between(min.lon(), max.lon()))
        .filter(C::CategoryId.eq(category.0))
        .filter(C::Open.eq(true))
        .filter(C::MergedInto.is_null())
        .limit(500)
        .all(c)
        .await?;
    let mut found: Vec<(Report, f64)> = rows
        .into_iter()
        .map(Report::try_from)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter_map(|r| {
            let d = r.point?.distance_m(point);
            (d <= radius_m).then_some((r, d))
        })
        .collect();
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found.truncate(limit);
    Ok(found)
}

/// The timeline, oldest first; `public_only` keeps what anyone may see.
pub async fn timeline(
    c: &impl ConnectionTrait,
    id: ReportId,
    public_only: bool,
) -> Result<Vec<Event>> {
    // Supports are a count on the report, not history: a report with thousands of them
    // reads no more rows than one with none (events of supports from before are skipped).
    let events = report_events::Entity::find()
        .filter(report_events::Column::ReportId.eq(id.0))
        .filter(report_events::Column::Kind.ne(EventKind::Supported.as_str()))
        .order_by_asc(report_events::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(Event::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok(if public_only {
        events.into_iter().filter(|e| e.kind.is_public()).collect()
    } else {
        events
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such report")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the report was merged into another one; change that one")]
    Merged,
    #[error("someone else changed the report meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ChangeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

impl ChangeError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "report_not_found",
            Self::Transition(e) => e.code(),
            Self::Merged => "report_merged",
            Self::Conflict => "report_changed_meanwhile",
            Self::Store(_) => "internal",
        }
    }
}

/// A status change that happened, for notifications.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub report: Report,
    pub from: Status,
    /// Reports merged into this one, which followed it.
    pub followers: Vec<Report>,
    /// The report was closed now and never before: time to ask "was it solved?".
    pub first_close: bool,
}

/// Sets a new status. Only an allowed transition succeeds; the change must start from the
/// status the actor saw (`expected`), so two operators cannot overwrite each other.
pub async fn change_status(
    c: &impl ConnectionTrait,
    id: ReportId,
    expected: Option<Status>,
    to: Status,
    actor: Option<UserId>,
    public_message: Option<String>,
    internal_note: Option<String>,
) -> Result<StatusChange, ChangeError> {
    let report = get(c, id).await?.ok_or(ChangeError::NotFound)?;
    if report.merged_into.is_some() {
        return Err(ChangeError::Merged);
    }
    if expected.is_some_and(|e| e != report.status) {
        return Err(ChangeError::Conflict);
    }
    check_transition(report.kind, report.status, to)?;
    let first_close = to.is_closed() && !ever_closed(c, id).await?;
    let updated = set_status(c, &report, to).await?;
    if !updated {
        return Err(ChangeError::Conflict);
    }
    let fields = EventFields {
        from: Some(report.status),
        to: Some(to),
        public_message,
        internal_note,
        ..Default::default()
    };
    record_event(c, id, actor, EventKind::StatusChanged, fields).await?;
    let mut followers = Vec::new();
    for child in merged_children(c, id).await? {
        follow(c, &child, to, actor, report.number).await?;
        followers.push(get(c, child.id).await?.ok_or(ChangeError::NotFound)?);
    }
    let from = report.status;
    let report = get(c, id).await?.ok_or(ChangeError::NotFound)?;
    Ok(StatusChange {
        report,
        from,
        followers,
        first_close,
    })
}

async fn ever_closed(c: &impl ConnectionTrait, id: ReportId) -> Result<bool> {
    let closed: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| s.as_str())
        .collect();
    Ok(report_events::Entity::find()
        .filter(report_events::Column::ReportId.eq(id.0))
        .filter(report_events::Column::ToStatus.is_in(closed))
        .count(c)
        .await?
        > 0)
}

/// Writes the status (and closing time) if the report still has the status read before.
async fn set_status(c: &impl ConnectionTrait, report: &Report, to: Status) -> Result<bool> {
    let at = now();
    let closed_at = if to.is_closed() {
        Some(report.closed_at.unwrap_or(at))
    } else {
        None
    };
    let result = reports::Entity::update_many()
        .col_expr(reports::Column::Status, Expr::value(to.as_str()))
        .col_expr(reports::Column::Open, Expr::value(!to.is_closed()))
        .col_expr(reports::Column::StatusAt, Expr::value(at))
        .col_expr(reports::Column::UpdatedAt, Expr::value(at))
        .col_expr(reports::Column::ClosedAt, Expr::value(closed_at))
        .filter(reports::Column::Id.eq(report.id.0))
        .filter(reports::Column::Status.eq(report.status.as_str()))
        .filter(reports::Column::UnitId.eq(report.unit.0))
        .exec(c)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    adjust_tallies(
        c,
        vec![(report.unit, report.status, -1), (report.unit, to, 1)],
    )
    .await?;
    let before = stats::Shape::of(report);
    let after = before.with_status(to, report.created_at, closed_at);
    stats::count(c, &[(before, -1), (after, 1)]).await?;
    Ok(true)
}

async fn merged_children(c: &impl ConnectionTrait, id: ReportId) -> Result<Vec<Report>> {
    reports::Entity::find()
        .filter(reports::Column::MergedInto.eq(id.0))
        .all(c)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect()
}

/// A merged report takes its master's status, whatever the transition table says: it is no
/// longer handled on its own.
async fn follow(
    c: &impl ConnectionTrait,
    child: &Report,
    to: Status,
    actor: Option<UserId>,
    master: TrackingNumber,
) -> Result<()> {
    if child.status == to {
        return Ok(());
    }
    set_status(c, child, to).await?;
    let fields = EventFields {
        from: Some(child.status),
        to: Some(to),
        details: Some(serde_json::json!({ "master": master.to_string() })),
        ..Default::default()
    };
    record_event(c, child.id, actor, EventKind::StatusFollowed, fields).await
}

/// An internal note (never public).
pub async fn add_note(
    c: &impl ConnectionTrait,
    id: ReportId,
    actor: UserId,
    note: String,
) -> Result<()> {
    let fields = EventFields {
        internal_note: Some(note),
        ..Default::default()
    };
    record_event(c, id, Some(actor), EventKind::Note, fields).await?;
    touch(c, id).await
}

async fn touch(c: &impl ConnectionTrait, id: ReportId) -> Result<()> {
    reports::Entity::update_many()
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Hands a report to another unit, with the reason kept in the timeline.
pub async fn reassign(
    c: &impl ConnectionTrait,
    id: ReportId,
    actor: UserId,
    unit: UnitId,
    reason: String,
) -> Result<bool> {
    let Some(report) = get(c, id).await? else {
        return Ok(false);
    };
    if report.unit == unit {
        return Ok(false);
    }
    // Moves only from the unit read above: a concurrent change shows as "nothing to do".
    let moved = reports::Entity::update_many()
        .col_expr(reports::Column::UnitId, Expr::value(unit.0))
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(id.0))
        .filter(reports::Column::UnitId.eq(report.unit.0))
        .filter(reports::Column::Status.eq(report.status.as_str()))
        .exec(c)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(false);
    }
    adjust_tallies(
        c,
        vec![(report.unit, report.status, -1), (unit, report.status, 1)],
    )
    .await?;
    let before = stats::Shape::of(&report);
    stats::count(c, &[(before, -1), (before.with_unit(unit), 1)]).await?;
    // An answer to "was it solved?" moves with the report (read after the move, so an
    // answer committed meanwhile is seen).
    if let Some(feedback) = report_feedback::Entity::find_by_id(id.0).one(c).await? {
        let answer = stats::Answer::of(&feedback);
        let place = stats::FeedbackPlace::of(&report);
        let moved = [(place, answer, -1), (place.with_unit(unit), answer, 1)];
        stats::count_feedback(c, &moved).await?;
    }
    let fields = EventFields {
        unit: Some(unit),
        internal_note: Some(reason),
        details: Some(serde_json::json!({ "from_unit": report.unit.to_string() })),
        ..Default::default()
    };
    record_event(c, id, Some(actor), EventKind::Assigned, fields).await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no such report")]
    NotFound,
    #[error("a report cannot be merged into itself")]
    Itself,
    #[error("reports of different kinds cannot be merged")]
    KindMismatch,
    #[error("the target was itself merged into another report")]
    TargetMerged,
    #[error("the report is already merged")]
    AlreadyMerged,
    #[error("other reports are merged into this one; merge those into the target first")]
    HasFollowers,
    /// The actor works for one unit and one of the reports belongs to another.
    #[error("the report belongs to another unit")]
    OtherUnit,
    /// The report changed between reading and writing (merged, moved to another unit).
    #[error("the report changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for MergeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

impl MergeError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "report_not_found",
            Self::Itself => "merge_itself",
            Self::KindMismatch => "merge_kind_mismatch",
            Self::TargetMerged => "merge_target_merged",
            Self::AlreadyMerged => "merge_already_merged",
            Self::HasFollowers => "merge_has_followers",
            Self::OtherUnit => "merge_other_unit",
            Self::Changed => "report_changed_meanwhile",
            Self::Store(_) => "internal",
        }
    }
}

/// Merges `duplicate` into `master`: the duplicate follows the master's status from now on.
/// Returns the duplicate as it is after the merge. An actor confined to one unit (`scope`)
/// merges only between reports of that unit; the write is conditional on the duplicate still
/// being unmerged and in the unit read.
pub async fn merge(
    c: &impl ConnectionTrait,
    duplicate: ReportId,
    master: ReportId,
    actor: UserId,
    scope: Option<UnitId>,
) -> Result<Report, MergeError> {
    if duplicate == master {
        return Err(MergeError::Itself);
    }
    let child = get(c, duplicate).await?.ok_or(MergeError::NotFound)?;
    let target = get(c, master).await?.ok_or(MergeError::NotFound)?;
    if child.merged_into.is_some() {
        return Err(MergeError::AlreadyMerged);
    }
    if target.merged_into.is_some() {
        return Err(MergeError::TargetMerged);
    }
    if child.kind != target.kind {
        return Err(MergeError::KindMismatch);
    }
    if scope.is_some_and(|unit| child.unit != unit || target.unit != unit) {
        return Err(MergeError::OtherUnit);
    }
    if !merged_children(c, duplicate).await?.is_empty() {
        return Err(MergeError::HasFollowers);
    }
    let written = reports::Entity::update_many()
        .col_expr(reports::Column::MergedInto, Expr::value(target.id.0))
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(child.id.0))
        .filter(reports::Column::MergedInto.is_null())
        .filter(reports::Column::UnitId.eq(child.unit.0))
        .exec(c)
        .await?;
    if written.rows_affected != 1 {
        return Err(MergeError::Changed);
    }
    let fields = EventFields {
        details: Some(serde_json::json!({ "into": target.number.to_string() })),
        ..Default::default()
    };
    record_event(c, child.id, Some(actor), EventKind::Merged, fields).await?;
    let fields = EventFields {
        internal_note: Some(format!("{}", child.number)),
        details: Some(serde_json::json!({ "absorbed": child.number.to_string() })),
        ..Default::default()
    };
    record_event(c, target.id, Some(actor), EventKind::Note, fields).await?;
    follow(c, &child, target.status, Some(actor), target.number).await?;
    get(c, child.id).await?.ok_or(MergeError::NotFound)
}

/// Who supports a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Supporter {
    User(UserId),
    Email(Email),
}

/// Adds a support; `false` if this person already supports the report. Runs in a savepoint.
pub async fn support(c: &impl Savepoints, id: ReportId, supporter: &Supporter) -> Result<bool> {
    let savepoint = sea_orm::TransactionTrait::begin(c).await?;
    let (user, email) = match supporter {
        Supporter::User(u) => (Some(u.0), None),
        Supporter::Email(e) => (None, Some(e.as_str().to_owned())),
    };
    let inserted = report_supports::ActiveModel {
        id: Set(Uuid::now_v7()),
        report_id: Set(id.0),
        user_id: Set(user),
        email: Set(email),
        created_at: Set(now()),
    }
    .insert(&savepoint)
    .await;
    match inserted {
        Ok(_) => {
            // Counted on the report; no timeline event (see [`timeline`]).
            let counted = reports::Entity::update_many()
                .col_expr(
                    reports::Column::SupportCount,
                    Expr::col(reports::Column::SupportCount).add(1),
                )
                .filter(reports::Column::Id.eq(id.0))
                .exec(&savepoint)
                .await
                .map(|_| true)
                .map_err(StoreError::from);
            crate::settle(savepoint, counted).await
        }
        // A failed statement spoils the savepoint on PostgreSQL: roll it back, never release it.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Ok(false)
        }
        Err(e) => Err(StoreError::from(e)),
    }
}

/// Reports `user` supports, newest support first (for "My city").
pub async fn supported_by(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<Report>> {
    let ids: Vec<Uuid> = report_supports::Entity::find()
        .filter(report_supports::Column::UserId.eq(user.0))
        .order_by_desc(report_supports::Column::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(|s| s.report_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = reports::Entity::find()
        .filter(reports::Column::Id.is_in(ids.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect::<Result<Vec<_>>>()?;
    found.sort_by_key(|r| ids.iter().position(|id| *id == r.id.0));
    Ok(found)
}

/// Whether `user` supports the report.
pub async fn supports(c: &impl ConnectionTrait, id: ReportId, user: UserId) -> Result<bool> {
    Ok(report_supports::Entity::find()
        .filter(report_supports::Column::ReportId.eq(id.0))
        .filter(report_supports::Column::UserId.eq(user.0))
        .count(c)
        .await?
        > 0)
}

/// Someone to tell about a change, in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub locale: Locale,
    /// The reporter (gets the questionnaire and the private link) rather than a supporter.
    pub reporter: bool,
}

/// Everyone to notify about a report's updates: the reporter (their account's address, or the
/// contact address they gave and agreed to be contacted at) and the supporters. Each address
/// once.
pub async fn recipients(c: &impl ConnectionTrait, report: &Report) -> Result<Vec<Recipient>> {
    let mut out: Vec<Recipient> = Vec::new();
    let mut push = |email: String, locale: Locale, reporter: bool| {
        if !out.iter().any(|r| r.email == email) {
            out.push(Recipient {
                email,
                locale,
                reporter,
            });
        }
    };
    if let Some(user) = report.reporter
        && let Some(user) = users::Entity::find_by_id(user.0).one(c).await?
    {
        push(
            user.email,
            Locale::parse(&user.locale).unwrap_or_default(),
            true,
        );
    }
    if report.contact_consent
        && let Some(email) = &report.contact_email
    {
        push(email.clone(), report.locale, true);
    }
    let supports = report_supports::Entity::find()
        .filter(report_supports::Column::ReportId.eq(report.id.0))
        .all(c)
        .await?;
    let user_ids: Vec<Uuid> = supports.iter().filter_map(|s| s.user_id).collect();
    let supporters = if user_ids.is_empty() {
        Vec::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(user_ids))
            .all(c)
            .await?
    };
    for s in &supports {
        match (&s.user_id, &s.email) {
            (Some(u), _) => {
                if let Some(user) = supporters.iter().find(|x| x.id == *u) {
                    push(
                        user.email.clone(),
                        Locale::parse(&user.locale).unwrap_or_default(),
                        false,
                    );
                }
            }
            (None, Some(email)) => push(email.clone(), report.locale, false),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// Who gets the receipt of a new report: the reporter's account, or the contact address they
/// agreed to be contacted at (a new report has no supporters yet).
pub async fn receipt_recipients(
    c: &impl ConnectionTrait,
    report: &Report,
) -> Result<Vec<Recipient>> {
    let mut out = Vec::new();
    if let Some(user) = report.reporter
        && let Some(user) = users::Entity::find_by_id(user.0).one(c).await?
    {
        out.push(Recipient {
            email: user.email,
            locale: Locale::parse(&user.locale).unwrap_or_default(),
            reporter: true,
        });
    }
    if report.contact_consent
        && let Some(email) = &report.contact_email
        && !out.iter().any(|r| &r.email == email)
    {
        out.push(Recipient {
            email: email.clone(),
            locale: report.locale,
            reporter: true,
        });
    }
    Ok(out)
}

/// Starts the "was it solved?" questionnaire for a closed problem: returns the answer link's
/// token, or `None` if it was already sent.
pub async fn start_feedback(c: &impl ConnectionTrait, id: ReportId) -> Result<Option<String>> {
    if report_feedback::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let (token, hash) = new_token();
    report_feedback::ActiveModel {
        report_id: Set(id.0),
        token_hash: Set(hash),
        sent_at: Set(now()),
        answered_at: Set(None),
        solved: Set(None),
        score: Set(None),
    }
    .insert(c)
    .await?;
    Ok(Some(token))
}

/// A questionnaire as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub report: ReportId,
    pub answered_at: Option<DateTime<Utc>>,
    pub solved: Option<bool>,
    pub score: Option<u8>,
}

fn feedback_from(m: report_feedback::Model) -> Feedback {
    Feedback {
        report: ReportId(m.report_id),
        answered_at: m.answered_at,
        solved: m.solved,
        score: m.score.and_then(|s| u8::try_from(s).ok()),
    }
}

/// The questionnaire a link points at.
pub async fn feedback_by_token(c: &impl ConnectionTrait, token: &str) -> Result<Option<Feedback>> {
    let token = token.trim();
    if token.len() != 64 {
        return Ok(None);
    }
    Ok(report_feedback::Entity::find()
        .filter(report_feedback::Column::TokenHash.eq(token_hash(token)))
        .one(c)
        .await?
        .map(feedback_from))
}

/// Stores the answer (a later answer replaces an earlier one) and counts it in the
/// statistics. `score` is 1–5. Returns `false` for an unknown link.
pub async fn answer_feedback(
    db: &DatabaseConnection,
    token: &str,
    solved: bool,
    score: u8,
) -> Result<bool> {
    let hash = token_hash(token.trim());
    let tx = crate::begin(db).await?;
    let Some(found) = report_feedback::Entity::find()
        .filter(report_feedback::Column::TokenHash.eq(&hash))
        .one(&tx)
        .await?
    else {
        return Ok(false);
    };
    let id = ReportId(found.report_id);
    // Answers to the same link, and a reassignment (which moves the answer), queue on the
    // report's lock; the answer is read again under it, so the one taken away is current.
    lock_report(&tx, id).await?;
    let (Some(before), Some(report)) = (
        report_feedback::Entity::find_by_id(id.0).one(&tx).await?,
        get(&tx, id).await?,
    ) else {
        return Ok(false);
    };
    let after = report_feedback::Model {
        answered_at: Some(now()),
        solved: Some(solved),
        score: Some(i32::from(score.clamp(1, 5))),
        ..before.clone()
    };
    report_feedback::ActiveModel::from(after.clone())
        .reset_all()
        .update(&tx)
        .await?;
    let place = stats::FeedbackPlace::of(&report);
    let changes = [
        (place, stats::Answer::of(&before), -1),
        (place, stats::Answer::of(&after), 1),
    ];
    stats::count_feedback(&tx, &changes).await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes the report's row lock until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database already).
async fn lock_report(c: &impl ConnectionTrait, id: ReportId) -> Result<()> {
    reports::Entity::update_many()
        .col_expr(
            reports::Column::UpdatedAt,
            Expr::col(reports::Column::UpdatedAt),
        )
        .filter(reports::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Answers so far: (asked, answered, said solved, sum of scores).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedbackTotals {
    pub asked: u64,
    pub answered: u64,
    pub solved: u64,
    pub score_sum: u64,
}

pub async fn feedback_totals(c: &impl ConnectionTrait) -> Result<FeedbackTotals> {
    let rows = report_feedback::Entity::find().all(c).await?;
    let mut t = FeedbackTotals {
        asked: rows.len() as u64,
        ..Default::default()
    };
    for r in rows.iter().filter(|r| r.answered_at.is_some()) {
        t.answered += 1;
        t.solved += u64::from(r.solved == Some(true));
        t.score_sum += r.score.and_then(|s| u64::try_from(s).ok()).unwrap_or(0);
    }
    Ok(t)
}

/// Replaces the public text (moderation: a passage with personal data); the original stays
/// for staff. `None` restores the original.
pub async fn redact_description(
    c: &impl ConnectionTrait,
    id: ReportId,
    actor: UserId,
    public_text: Option<String>,
    reason: String,
) -> Result<bool> {
    let result = reports::Entity::update_many()
        .col_expr(
            reports::Column::DescriptionRedacted,
            Expr::value(public_text),
        )
        .col_expr(reports::Column::UpdatedAt, Expr::value(now()))
        .filter(reports::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    if result.rows_affected == 1 {
        let fields = EventFields {
            internal_note: Some(reason),
            ..Default::default()
        };
        record_event(c, id, Some(actor), EventKind::TextRedacted, fields).await?;
    }
    Ok(result.rows_affected == 1)
}

/// How many reports each unit has in each status, kept in step with every write (the queue's
/// overview). For one unit, or all units summed.
pub async fn count_by_status(
    c: &impl ConnectionTrait,
    unit: Option<UnitId>,
) -> Result<Vec<(Status, u64)>> {
    let mut select = report_tallies::Entity::find();
    if let Some(unit) = unit {
        select = select.filter(report_tallies::Column::UnitId.eq(unit.0));
    }
    let mut out: Vec<(Status, u64)> = Vec::new();
    for row in select.all(c).await? {
        let status =
            Status::parse(&row.status).map_err(|_| corrupt(format!("tally {}", row.status)))?;
        let n = u64::try_from(row.count).unwrap_or(0);
        match out.iter_mut().find(|(s, _)| *s == status) {
            Some(entry) => entry.1 += n,
            None => out.push((status, n)),
        }
    }
    out.retain(|(_, n)| *n > 0);
    out.sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
    Ok(out)
}

/// Moves the per-unit status tallies. Rows are touched in key order, so two transactions
/// never wait on each other's tally rows in opposite orders.
async fn adjust_tallies(
    c: &impl ConnectionTrait,
    mut changes: Vec<(UnitId, Status, i64)>,
) -> Result<()> {
    changes.sort_by_key(|(u, s, _)| (u.0, s.as_str()));
    for (unit, status, delta) in changes {
        if delta == 0 {
            continue;
        }
        report_tallies::Entity::insert(report_tallies::ActiveModel {
            unit_id: Set(unit.0),
            status: Set(status.as_str().to_owned()),
            count: Set(delta),
        })
        .on_conflict(
            OnConflict::columns([
                report_tallies::Column::UnitId,
                report_tallies::Column::Status,
            ])
            .value(
                report_tallies::Column::Count,
                Expr::col((report_tallies::Entity, report_tallies::Column::Count)).add(delta),
            )
            .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reports_are_numbered_by_krakow_new_year() {
        let before = Utc.with_ymd_and_hms(2026, 12, 31, 22, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap();
        assert_eq!(numbering_year(before), 2026);
        assert_eq!(numbering_year(after), 2027);
    }
}

/// A complete report for bulk loading (demo data and benchmarks): written as is, with its
/// timeline, without routing or notifications.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub id: ReportId,
    pub number: TrackingNumber,
    pub kind: ReportKind,
    pub category: CategoryId,
    pub status: Status,
    pub unit: UnitId,
    pub district: Option<DistrictId>,
    pub point: Option<Point>,
    pub address: Option<String>,
    pub description: String,
    pub channel: Channel,
    pub contact_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub status_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The answer to "was it solved?" (said solved, score 1–5), given when it closed.
    pub answer: Option<(bool, u8)>,
}

/// Writes a batch of seeded reports and their timelines (received, then the current status)
/// with multi-row inserts. Call it in a transaction; keep batches to a few hundred rows.
pub async fn insert_seeded(c: &impl ConnectionTrait, batch: &[SeedReport]) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let rows = batch.iter().map(|r| {
        let (_, hash) = new_token();
        reports::ActiveModel {
            id: Set(r.id.0),
            year: Set(r.number.year),
            seq: Set(i32::try_from(r.number.seq).unwrap_or(i32::MAX)),
            kind: Set(r.kind.as_str().to_owned()),
            category_id: Set(r.category.0),
            status: Set(r.status.as_str().to_owned()),
            open: Set(!r.status.is_closed()),
            unit_id: Set(r.unit.0),
            district_id: Set(r.district.map(|d| d.0)),
            lat: Set(r.point.map(Point::lat)),
            lon: Set(r.point.map(Point::lon)),
            address: Set(r.address.clone()),
            address_id: Set(None),
            description: Set(r.description.clone()),
            description_redacted: Set(None),
            channel: Set(r.channel.as_str().to_owned()),
            client: Set(None),
            answers: Set(None),
            media_url: Set(None),
            reporter_id: Set(None),
            contact_name: Set(None),
            contact_email: Set(r.contact_email.clone()),
            contact_phone: Set(None),
            contact_consent: Set(r.contact_email.is_some()),
            locale: Set(Locale::Pl.as_str().to_owned()),
            tracking_hash: Set(hash),
            merged_into: Set(None),
            support_count: Set(0),
            created_at: Set(r.created_at),
            updated_at: Set(r.status_at),
            status_at: Set(r.status_at),
            closed_at: Set(r.closed_at),
        }
    });
    reports::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    let mut tallies: Vec<(UnitId, Status, i64)> = Vec::new();
    for r in batch {
        match tallies
            .iter_mut()
            .find(|(u, s, _)| *u == r.unit && *s == r.status)
        {
            Some(t) => t.2 += 1,
            None => tallies.push((r.unit, r.status, 1)),
        }
    }
    adjust_tallies(c, tallies).await?;
    let counted: Vec<(stats::Shape, i64)> = batch
        .iter()
        .map(|r| {
            let shape = stats::Shape::new(stats::Fields {
                created_at: r.created_at,
                kind: r.kind,
                category: r.category,
                district: r.district,
                unit: r.unit,
                status: r.status,
                closed_at: r.closed_at,
            });
            (shape, 1)
        })
        .collect();
    stats::count(c, &counted).await?;
    insert_seeded_answers(c, batch).await?;
    let event =
        |r: &SeedReport, at: DateTime<Utc>, kind: EventKind, from: Option<Status>, to: Status| {
            report_events::ActiveModel {
                id: Set(Uuid::new_v7(uuid::Timestamp::from_unix(
                    uuid::NoContext,
                    u64::try_from(at.timestamp()).unwrap_or_default(),
                    at.timestamp_subsec_nanos(),
                ))),
                report_id: Set(r.id.0),
                at: Set(at),
                actor_id: Set(None),
                kind: Set(kind.as_str().to_owned()),
                from_status: Set(from.map(|s| s.as_str().to_owned())),
                to_status: Set(Some(to.as_str().to_owned())),
                unit_id: Set(Some(r.unit.0)),
                public_message: Set(None),
                internal_note: Set(None),
                details: Set(serde_json::json!({ "channel": r.channel.as_str() })),
            }
        };
    let mut events = Vec::with_capacity(batch.len() * 2);
    for r in batch {
        events.push(event(
            r,
            r.created_at,
            EventKind::Created,
            None,
            Status::New,
        ));
        if r.status != Status::New {
            events.push(event(
                r,
                r.status_at,
                EventKind::StatusChanged,
                Some(Status::New),
                r.status,
            ));
        }
    }
    report_events::Entity::insert_many(events)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The seeded reports' answers to "was it solved?", counted in the statistics.
async fn insert_seeded_answers(c: &impl ConnectionTrait, batch: &[SeedReport]) -> Result<()> {
    let mut rows = Vec::new();
    let mut counted = Vec::new();
    for r in batch {
        let Some((solved, score)) = r.answer else {
            continue;
        };
        let (_, hash) = new_token();
        let row = report_feedback::Model {
            report_id: r.id.0,
            token_hash: hash,
            sent_at: r.status_at,
            answered_at: Some(r.status_at),
            solved: Some(solved),
            score: Some(i32::from(score.clamp(1, 5))),
        };
        let place = stats::FeedbackPlace::new(r.created_at, r.district.map(|d| d.0), r.unit.0);
        counted.push((place, stats::Answer::of(&row), 1));
        rows.push(report_feedback::ActiveModel::from(row));
    }
    if rows.is_empty() {
        return Ok(());
    }
    report_feedback::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    stats::count_feedback(c, &counted).await
}

/// Moves `year`'s counter past `last`, so new reports never reuse a seeded number. Call it in
/// the transaction that wrote the seeded reports.
pub async fn raise_counter(c: &impl ConnectionTrait, year: i32, last: u32) -> Result<()> {
    let last = i32::try_from(last).unwrap_or(i32::MAX);
    match report_counters::Entity::find_by_id(year).one(c).await? {
        Some(row) if row.last >= last => {}
        Some(_) => {
            report_counters::Entity::update_many()
                .col_expr(report_counters::Column::Last, Expr::value(last))
                .filter(report_counters::Column::Year.eq(year))
                .exec(c)
                .await?;
        }
        None => {
            report_counters::ActiveModel {
                year: Set(year),
                last: Set(last),
            }
            .insert(c)
            .await?;
        }
    }
    Ok(())
}

/// How many reports there are (for the benchmark's setup).
pub async fn count(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(reports::Entity::find().count(c).await?)
}

/// The highest number used in `year` so far.
pub async fn last_number(c: &impl ConnectionTrait, year: i32) -> Result<u32> {
    Ok(report_counters::Entity::find_by_id(year)
        .one(c)
        .await?
        .and_then(|r| u32::try_from(r.last).ok())
        .unwrap_or(0))
}
