//! Reading reports: by id, number or private token, the one list query behind the public
//! list and the unit queue, duplicates nearby, the timeline and public updates.

use super::*;

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
    /// Words in the public text (the moderated one where a moderator replaced it, so a search
    /// never finds what a moderator took out). Matched as a substring, case-insensitively
    /// for ASCII on SQLite and fully on PostgreSQL.
    pub text: Option<String>,
    /// Only reports with a photo no moderator has looked at yet.
    pub photos_pending: bool,
    /// Keyset paging for [`Sort::Newest`]: only reports after this one (its creation time and
    /// id) in that order. Ignored by other orders.
    pub after: Option<(DateTime<Utc>, ReportId)>,
    pub sort: Sort,
    /// The point [`Sort::Nearest`] measures from.
    pub near: Option<Point>,
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
    /// Nearest to [`ListFilter::near`] first; reports without a point last. Not among
    /// [`Sort::ALL`], which the staff queue offers: it needs a point to measure from.
    Nearest,
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
            Self::Nearest => "near",
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
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        use sea_orm::sea_query::{Expr, Func};
        let public = Func::coalesce([Expr::col(C::DescriptionRedacted), Expr::col(C::Description)]);
        select = select.filter(Expr::expr(Func::lower(public)).like(crate::containing(text)));
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
        Sort::Nearest => {
            let Some(near) = filter.near else {
                return select.order_by_desc(C::CreatedAt).order_by_desc(C::Id);
            };
            // Squared distance on a plane scaled to the point's latitude: exact enough to
            // order places within a city, and the same arithmetic on both engines.
            // The figures are a checked point's, written into the SQL as numbers (bound
            // parameters in an ORDER BY confuse SQLite's paging query).
            let k = near.lat().to_radians().cos();
            let (lat, lon, k2) = (near.lat(), near.lon(), k * k);
            let distance = Expr::cust(format!(
                "((lat - {lat:.7}) * (lat - {lat:.7}) + (lon - {lon:.7}) * (lon - {lon:.7}) * {k2:.7})"
            ));
            return select
                .order_by_asc(Expr::col(C::Lat).is_null())
                .order_by_asc(distance)
                .order_by_desc(C::CreatedAt)
                .order_by_desc(C::Id);
        }
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
