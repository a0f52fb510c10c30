//! Bulk loading complete reports for demos and benchmarks (no routing, no notifications).

use super::*;

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
