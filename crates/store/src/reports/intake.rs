//! Writing new reports: numbers reserved per batch, then every report of the batch with its
//! first timeline event and tallies in a few statements.

use super::*;

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
