//! A resident's notifications: the public updates (status changes with the city's message,
//! merges) of the reports they sent from their account and of those they support, newest
//! first. Nothing is copied per recipient: the feed reads the reports' timelines, and the
//! user row keeps how far the resident has read.

use crate::entities::{report_events, report_supports, reports, users};
use crate::reports::{Event, EventKind};
use crate::{Result, StoreError};
use miasto_domain::UserId;
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::TrackingNumber;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// One update about a report the resident follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub event: Event,
    pub number: TrackingNumber,
    pub kind: ReportKind,
    /// The resident sent the report (rather than supports it).
    pub reporter: bool,
    /// Newer than what the resident marked as read.
    pub unread: bool,
}

const KINDS: [EventKind; 3] = [
    EventKind::StatusChanged,
    EventKind::StatusFollowed,
    EventKind::Merged,
];

/// Most followed reports read by id; beyond it the feed filters with subqueries instead.
const IDS_MAX: usize = 1000;

/// Events of reports `user` sent or supports, of the kinds a notification shows. A resident
/// follows few reports: their ids are read first, so the events come by the report index
/// rather than by walking the whole timeline table.
async fn followed(c: &impl ConnectionTrait, user: UserId) -> Result<Condition> {
    use report_events::Column as E;
    let sent = Query::select()
        .column(reports::Column::Id)
        .from(reports::Entity)
        .and_where(reports::Column::ReporterId.eq(user.0))
        .to_owned();
    let supported = Query::select()
        .column(report_supports::Column::ReportId)
        .from(report_supports::Entity)
        .and_where(report_supports::Column::UserId.eq(user.0))
        .to_owned();
    let kinds = E::Kind.is_in(KINDS.map(EventKind::as_str));
    let limit = u64::try_from(IDS_MAX).unwrap_or(u64::MAX) + 1;
    let mut ids: Vec<Uuid> = reports::Entity::find()
        .select_only()
        .column(reports::Column::Id)
        .filter(reports::Column::ReporterId.eq(user.0))
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    ids.extend(
        report_supports::Entity::find()
            .select_only()
            .column(report_supports::Column::ReportId)
            .filter(report_supports::Column::UserId.eq(user.0))
            .limit(limit)
            .into_tuple::<Uuid>()
            .all(c)
            .await?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(if ids.len() <= IDS_MAX {
        Condition::all().add(kinds).add(E::ReportId.is_in(ids))
    } else {
        Condition::all().add(kinds).add(
            Condition::any()
                .add(E::ReportId.in_subquery(sent))
                .add(E::ReportId.in_subquery(supported)),
        )
    })
}

async fn seen(c: &impl ConnectionTrait, user: UserId) -> Result<Option<Uuid>> {
    Ok(users::Entity::find_by_id(user.0)
        .one(c)
        .await?
        .and_then(|u| u.notifications_seen))
}

/// At most `limit` notifications, newest first, older than the event `before` if given.
pub async fn list(
    c: &impl ConnectionTrait,
    user: UserId,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Notification>> {
    use report_events::Column as E;
    let seen = seen(c, user).await?;
    let mut select = report_events::Entity::find().filter(followed(c, user).await?);
    if let Some(before) = before {
        select = select.filter(E::Id.lt(before));
    }
    let events = select.order_by_desc(E::Id).limit(limit).all(c).await?;
    let mut ids: Vec<Uuid> = events.iter().map(|e| e.report_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let owners: std::collections::HashMap<Uuid, reports::Model> = reports::Entity::find()
        .filter(reports::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let Some(owner) = owners.get(&e.report_id) else {
            continue;
        };
        let corrupt = |detail: &str| StoreError::Corrupt {
            table: "reports",
            detail: format!("{}: {detail}", owner.id),
        };
        let unread = seen.is_none_or(|s| e.id > s);
        out.push(Notification {
            number: TrackingNumber {
                year: owner.year,
                seq: u32::try_from(owner.seq).map_err(|_| corrupt("seq"))?,
            },
            kind: ReportKind::parse(&owner.kind).map_err(|_| corrupt("kind"))?,
            reporter: owner.reporter_id == Some(user.0),
            unread,
            event: Event::try_from(e)?,
        });
    }
    Ok(out)
}

/// How many notifications are newer than what the resident marked as read (counted up to
/// `cap`, which a badge needs no more than).
pub async fn unread(c: &impl ConnectionTrait, user: UserId, cap: u64) -> Result<u64> {
    use report_events::Column as E;
    let mut select = report_events::Entity::find().filter(followed(c, user).await?);
    if let Some(seen) = seen(c, user).await? {
        select = select.filter(E::Id.gt(seen));
    }
    Ok(select.limit(cap).count(c).await?.min(cap))
}

/// Marks everything up to the newest notification as read; returns it (`None`: nothing to
/// read). Never moves the mark back.
pub async fn mark_read(c: &impl ConnectionTrait, user: UserId) -> Result<Option<Uuid>> {
    use report_events::Column as E;
    let Some(newest) = report_events::Entity::find()
        .filter(followed(c, user).await?)
        .order_by_desc(E::Id)
        .one(c)
        .await?
        .map(|e| e.id)
    else {
        return Ok(None);
    };
    users::Entity::update_many()
        .col_expr(users::Column::NotificationsSeen, Expr::value(newest))
        .filter(users::Column::Id.eq(user.0))
        .filter(
            Condition::any()
                .add(users::Column::NotificationsSeen.is_null())
                .add(users::Column::NotificationsSeen.lt(newest)),
        )
        .exec(c)
        .await?;
    Ok(Some(newest))
}
