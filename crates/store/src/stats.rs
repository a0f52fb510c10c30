//! The statistics rollups: reports counted by the month they were sent (Kraków time), kind,
//! category, district, unit, current status and resolution-time bucket, and closed reports by
//! whole days to close; answers to "was it solved?" by month, district and unit. They change
//! in the same transaction as the reports they count (on intake, status changes,
//! reassignment, seeding, answers), so the public figures read a few thousand
//! rows whatever the size of the reports table. [`rebuild`] recounts them from the reports
//! (after an upgrade, or to check them).

use crate::entities::{
    hotline_calls, report_feedback, reports, stats_close_days, stats_close_totals, stats_feedback,
    stats_reports, stats_totals,
};
use crate::reports::Report;
use crate::{Result, StoreError, now};
use chrono::{DateTime, NaiveDate, Utc};
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::Status;
use miasto_domain::stats::{Bucket, DAYS_CAP, Month, Period, days_to_close};
use miasto_domain::{CategoryId, DistrictId, UnitId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Where a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    month: i32,
    kind: ReportKind,
    category: CategoryId,
    district: Option<DistrictId>,
    unit: UnitId,
    status: Status,
    /// Whole days from submission to closing, for closed reports.
    closed_days: Option<i64>,
}

/// A report's place in the rollups, from its fields.
pub(crate) struct Fields {
    pub created_at: DateTime<Utc>,
    pub kind: ReportKind,
    pub category: CategoryId,
    pub district: Option<DistrictId>,
    pub unit: UnitId,
    pub status: Status,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Shape {
    pub(crate) fn new(f: Fields) -> Self {
        Self {
            month: Month::of(f.created_at).key(),
            kind: f.kind,
            category: f.category,
            district: f.district,
            unit: f.unit,
            status: f.status,
            closed_days: f
                .closed_at
                .filter(|_| f.status.is_closed())
                .map(|at| days_to_close(f.created_at, at)),
        }
    }

    pub(crate) fn of(report: &Report) -> Self {
        Self::new(Fields {
            created_at: report.created_at,
            kind: report.kind,
            category: report.category,
            district: report.district,
            unit: report.unit,
            status: report.status,
            closed_at: report.closed_at,
        })
    }

    /// The same report with another status (closed at `closed_at` if it is a closing one).
    pub(crate) fn with_status(
        self,
        status: Status,
        created: DateTime<Utc>,
        closed_at: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            status,
            closed_days: closed_at
                .filter(|_| status.is_closed())
                .map(|at| days_to_close(created, at)),
            ..self
        }
    }

    pub(crate) fn with_unit(self, unit: UnitId) -> Self {
        Self { unit, ..self }
    }
}

type ReportKey = (i32, String, Uuid, Uuid, Uuid, String, i16);
type DaysKey = (i32, String, Uuid, Uuid, i16);
type TotalKey = (i32, String, Uuid, Uuid, String, i16);
type CloseTotalKey = (i32, String, Uuid, i16);

fn district_key(district: Option<DistrictId>) -> Uuid {
    district.map_or(Uuid::nil(), |d| d.0)
}

/// Adds each shape's count (`+1` a report arriving, `-1` one leaving) to the rollups. Keys
/// are summed first and written in order, one statement per table.
pub(crate) async fn count(c: &impl ConnectionTrait, changes: &[(Shape, i64)]) -> Result<()> {
    let mut by_report: BTreeMap<ReportKey, i64> = BTreeMap::new();
    let mut by_days: BTreeMap<DaysKey, i64> = BTreeMap::new();
    for (s, delta) in changes {
        let bucket = s.closed_days.map_or(-1, |d| Bucket::of_days(d).index());
        *by_report
            .entry((
                s.month,
                s.kind.as_str().to_owned(),
                s.category.0,
                district_key(s.district),
                s.unit.0,
                s.status.as_str().to_owned(),
                bucket,
            ))
            .or_default() += delta;
        if let Some(days) = s.closed_days {
            let days = i16::try_from(Ord::min(days, DAYS_CAP)).unwrap_or(i16::MAX);
            *by_days
                .entry((
                    s.month,
                    s.kind.as_str().to_owned(),
                    s.unit.0,
                    district_key(s.district),
                    days,
                ))
                .or_default() += delta;
        }
    }
    // The same without the district, for the city-wide figures.
    let mut totals: BTreeMap<TotalKey, i64> = BTreeMap::new();
    for ((month, kind, category, _, unit, status, bucket), n) in &by_report {
        *totals
            .entry((
                *month,
                kind.clone(),
                *category,
                *unit,
                status.clone(),
                *bucket,
            ))
            .or_default() += n;
    }
    let mut close_totals: BTreeMap<CloseTotalKey, i64> = BTreeMap::new();
    for ((month, kind, unit, _, days), n) in &by_days {
        *close_totals
            .entry((*month, kind.clone(), *unit, *days))
            .or_default() += n;
    }
    write_reports(c, by_report).await?;
    write_days(c, by_days).await?;
    write_totals(c, totals).await?;
    write_close_totals(c, close_totals).await
}

/// Rows per insert statement (well under both engines' bind-parameter limits).
const CHUNK: usize = 500;

/// Adds counts to a rollup table: inserts each row, or on a key already there adds its
/// `counts` columns. Rows marked unchanged (`false`) are skipped.
async fn add_counts<E, A>(
    c: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = (A, bool)>,
    key: impl IntoIterator<Item = E::Column> + Clone,
    counts: &[E::Column],
) -> Result<()>
where
    E: EntityTrait + Default,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    use sea_orm::IdenStatic;
    let rows: Vec<A> = rows
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(row, _)| row)
        .collect();
    let mut conflict = OnConflict::columns(key);
    for &col in counts {
        let excluded = Expr::cust(format!("excluded.{}", col.as_str()));
        conflict.value(col, Expr::col((E::default(), col)).add(excluded));
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk)
            .on_conflict(conflict.clone())
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

async fn write_reports(c: &impl ConnectionTrait, rows: BTreeMap<ReportKey, i64>) -> Result<()> {
    use stats_reports::Column as C;
    let rows = rows.into_iter().map(
        |((month, kind, category, district, unit, status, bucket), n)| {
            let row = stats_reports::ActiveModel {
                month: Set(month),
                kind: Set(kind),
                category_id: Set(category),
                district_id: Set(district),
                unit_id: Set(unit),
                status: Set(status),
                bucket: Set(bucket),
                n: Set(n),
            };
            (row, n != 0)
        },
    );
    let key = [
        C::Month,
        C::Kind,
        C::CategoryId,
        C::DistrictId,
        C::UnitId,
        C::Status,
        C::Bucket,
    ];
    add_counts(c, rows, key, &[C::N]).await
}

async fn write_days(c: &impl ConnectionTrait, rows: BTreeMap<DaysKey, i64>) -> Result<()> {
    use stats_close_days::Column as C;
    let rows = rows
        .into_iter()
        .map(|((month, kind, unit, district, days), n)| {
            let row = stats_close_days::ActiveModel {
                month: Set(month),
                kind: Set(kind),
                unit_id: Set(unit),
                district_id: Set(district),
                days: Set(days),
                n: Set(n),
            };
            (row, n != 0)
        });
    let key = [C::Month, C::Kind, C::UnitId, C::DistrictId, C::Days];
    add_counts(c, rows, key, &[C::N]).await
}

async fn write_totals(c: &impl ConnectionTrait, rows: BTreeMap<TotalKey, i64>) -> Result<()> {
    use stats_totals::Column as C;
    let rows = rows
        .into_iter()
        .map(|((month, kind, category, unit, status, bucket), n)| {
            let row = stats_totals::ActiveModel {
                month: Set(month),
                kind: Set(kind),
                category_id: Set(category),
                unit_id: Set(unit),
                status: Set(status),
                bucket: Set(bucket),
                n: Set(n),
            };
            (row, n != 0)
        });
    let key = [
        C::Month,
        C::Kind,
        C::CategoryId,
        C::UnitId,
        C::Status,
        C::Bucket,
    ];
    add_counts(c, rows, key, &[C::N]).await
}

async fn write_close_totals(
    c: &impl ConnectionTrait,
    rows: BTreeMap<CloseTotalKey, i64>,
) -> Result<()> {
    use stats_close_totals::Column as C;
    let rows = rows.into_iter().map(|((month, kind, unit, days), n)| {
        let row = stats_close_totals::ActiveModel {
            month: Set(month),
            kind: Set(kind),
            unit_id: Set(unit),
            days: Set(days),
            n: Set(n),
        };
        (row, n != 0)
    });
    add_counts(c, rows, [C::Month, C::Kind, C::UnitId, C::Days], &[C::N]).await
}

/// Where an answer to "was it solved?" counts: the report's month, district and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct FeedbackPlace {
    month: i32,
    district: Uuid,
    unit: Uuid,
}

impl FeedbackPlace {
    pub(crate) fn new(created_at: DateTime<Utc>, district: Option<Uuid>, unit: Uuid) -> Self {
        Self {
            month: Month::of(created_at).key(),
            district: district.unwrap_or(Uuid::nil()),
            unit,
        }
    }

    pub(crate) fn of(report: &Report) -> Self {
        Self::new(
            report.created_at,
            report.district.map(|d| d.0),
            report.unit.0,
        )
    }

    pub(crate) fn with_unit(self, unit: UnitId) -> Self {
        Self {
            unit: unit.0,
            ..self
        }
    }
}

/// One questionnaire's weight in the rollup: answered or not, said solved, its score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Answer {
    answered: i64,
    solved: i64,
    score: i64,
}

impl Answer {
    fn new(answered: bool, solved: Option<bool>, score: Option<i32>) -> Self {
        if !answered {
            return Self::default();
        }
        Self {
            answered: 1,
            solved: i64::from(solved == Some(true)),
            score: i64::from(score.unwrap_or(0)),
        }
    }

    pub(crate) fn of(m: &report_feedback::Model) -> Self {
        Self::new(m.answered_at.is_some(), m.solved, m.score)
    }

    fn times(self, k: i64) -> Self {
        Self {
            answered: self.answered * k,
            solved: self.solved * k,
            score: self.score * k,
        }
    }
}

/// Adds each answer (`+1` given, `-1` withdrawn or replaced) to the feedback rollup.
pub(crate) async fn count_feedback(
    c: &impl ConnectionTrait,
    changes: &[(FeedbackPlace, Answer, i64)],
) -> Result<()> {
    use stats_feedback::Column as C;
    let mut sums: BTreeMap<FeedbackPlace, Answer> = BTreeMap::new();
    for (place, answer, k) in changes {
        let sum = sums.entry(*place).or_default();
        let add = answer.times(*k);
        sum.answered += add.answered;
        sum.solved += add.solved;
        sum.score += add.score;
    }
    let rows = sums.into_iter().map(|(place, a)| {
        let row = stats_feedback::ActiveModel {
            month: Set(place.month),
            district_id: Set(place.district),
            unit_id: Set(place.unit),
            answered: Set(a.answered),
            solved: Set(a.solved),
            score_sum: Set(a.score),
        };
        (row, a != Answer::default())
    });
    let key = [C::Month, C::DistrictId, C::UnitId];
    add_counts(c, rows, key, &[C::Answered, C::Solved, C::ScoreSum]).await
}

/// Recounts the feedback rollup from the answers, reading them in pages of 10,000.
async fn rebuild_feedback(c: &impl ConnectionTrait) -> Result<()> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        report_id: Uuid,
        created_at: DateTime<Utc>,
        district_id: Option<Uuid>,
        unit_id: Uuid,
        solved: Option<bool>,
        score: Option<i32>,
    }
    use report_feedback::Column as F;
    stats_feedback::Entity::delete_many().exec(c).await?;
    let mut after: Option<Uuid> = None;
    loop {
        let mut select = report_feedback::Entity::find()
            .select_only()
            .column(F::ReportId)
            .column(reports::Column::CreatedAt)
            .column(reports::Column::DistrictId)
            .column(reports::Column::UnitId)
            .column(F::Solved)
            .column(F::Score)
            .inner_join(reports::Entity)
            .filter(F::AnsweredAt.is_not_null())
            .order_by_asc(F::ReportId)
            .limit(10_000);
        if let Some(after) = after {
            select = select.filter(F::ReportId.gt(after));
        }
        let page = select.into_model::<Row>().all(c).await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.report_id);
        let changes: Vec<_> = page
            .iter()
            .map(|r| {
                let place = FeedbackPlace::new(r.created_at, r.district_id, r.unit_id);
                (place, Answer::new(true, r.solved, r.score), 1)
            })
            .collect();
        count_feedback(c, &changes).await?;
    }
}

/// Recounts the rollups from the reports, in one transaction, reading the reports in pages
/// of 10,000. Returns the number of reports counted.
pub async fn rebuild(db: &sea_orm::DatabaseConnection) -> Result<u64> {
    let tx = crate::begin(db).await?;
    stats_reports::Entity::delete_many().exec(&tx).await?;
    stats_close_days::Entity::delete_many().exec(&tx).await?;
    stats_totals::Entity::delete_many().exec(&tx).await?;
    stats_close_totals::Entity::delete_many().exec(&tx).await?;
    rebuild_feedback(&tx).await?;
    let mut after: Option<Uuid> = None;
    let mut total = 0u64;
    loop {
        let mut select = reports::Entity::find()
            .order_by_asc(reports::Column::Id)
            .limit(10_000);
        if let Some(after) = after {
            select = select.filter(reports::Column::Id.gt(after));
        }
        let page = select.all(&tx).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id);
        let mut changes = Vec::with_capacity(page.len());
        for row in page {
            changes.push((Shape::of(&Report::try_from(row)?), 1));
        }
        total += changes.len() as u64;
        count(&tx, &changes).await?;
    }
    tx.commit().await?;
    Ok(total)
}

/// Recounts only when a rollup is empty and there is something to count (a database upgraded
/// from before statistics, or the feedback rollup, existed). Returns whether it did.
pub async fn rebuild_if_empty(db: &sea_orm::DatabaseConnection) -> Result<bool> {
    let counted = stats_reports::Entity::find().one(db).await?.is_some();
    let any = reports::Entity::find().one(db).await?.is_some();
    if !counted && any {
        rebuild(db).await?;
        return Ok(true);
    }
    // Answers given before the feedback rollup existed (migration 8).
    let answers_counted = stats_feedback::Entity::find().one(db).await?.is_some();
    let any_answer = report_feedback::Entity::find()
        .filter(report_feedback::Column::AnsweredAt.is_not_null())
        .one(db)
        .await?
        .is_some();
    if answers_counted || !any_answer {
        return Ok(false);
    }
    let tx = crate::begin(db).await?;
    rebuild_feedback(&tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// Which reports the figures are about.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub period: Period,
    pub district: Option<DistrictId>,
    pub unit: Option<UnitId>,
}

/// One rolled-up count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub month: Month,
    pub kind: ReportKind,
    pub category: CategoryId,
    pub unit: UnitId,
    pub status: Status,
    /// `None` while open.
    pub bucket: Option<Bucket>,
    pub n: u64,
}

#[derive(Debug, FromQueryResult)]
struct CellRow {
    month: i32,
    kind: String,
    category_id: Uuid,
    unit_id: Uuid,
    status: String,
    bucket: i16,
    n: i64,
}

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt {
        table: "stats_reports",
        detail,
    }
}

/// The counts of the reports sent in `months` (and in the filter's district and unit),
/// summed over districts.
pub async fn cells(c: &impl ConnectionTrait, filter: &Filter, months: Period) -> Result<Vec<Cell>> {
    use stats_reports::Column as C;
    let Some(district) = filter.district else {
        // City-wide: the rollup without districts holds one row per key already.
        use stats_totals::Column as T;
        let mut select = stats_totals::Entity::find()
            .select_only()
            .column(T::Month)
            .column(T::Kind)
            .column(T::CategoryId)
            .column(T::UnitId)
            .column(T::Status)
            .column(T::Bucket)
            .column(T::N)
            .filter(T::Month.between(months.from.key(), months.to.key()));
        if let Some(u) = filter.unit {
            select = select.filter(T::UnitId.eq(u.0));
        }
        return to_cells(select.into_model::<CellRow>().all(c).await?);
    };
    let mut select = stats_reports::Entity::find()
        .select_only()
        .column(C::Month)
        .column(C::Kind)
        .column(C::CategoryId)
        .column(C::UnitId)
        .column(C::Status)
        .column(C::Bucket)
        .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
        .filter(C::Month.between(months.from.key(), months.to.key()))
        .group_by(C::Month)
        .group_by(C::Kind)
        .group_by(C::CategoryId)
        .group_by(C::UnitId)
        .group_by(C::Status)
        .group_by(C::Bucket);
    select = select.filter(C::DistrictId.eq(district.0));
    if let Some(u) = filter.unit {
        select = select.filter(C::UnitId.eq(u.0));
    }
    to_cells(select.into_model::<CellRow>().all(c).await?)
}

fn to_cells(rows: Vec<CellRow>) -> Result<Vec<Cell>> {
    rows.into_iter()
        .filter(|r| r.n != 0)
        .map(|r| {
            Ok(Cell {
                month: Month::from_key(r.month)
                    .ok_or_else(|| corrupt(format!("month {}", r.month)))?,
                kind: ReportKind::parse(&r.kind)
                    .map_err(|_| corrupt(format!("kind {}", r.kind)))?,
                category: CategoryId(r.category_id),
                unit: UnitId(r.unit_id),
                status: Status::parse(&r.status)
                    .map_err(|_| corrupt(format!("status {}", r.status)))?,
                bucket: Bucket::from_index(r.bucket),
                n: u64::try_from(r.n).map_err(|_| corrupt(format!("count {}", r.n)))?,
            })
        })
        .collect()
}

/// Closed reports by whole days to close (capped at a year), per unit and kind.
pub async fn close_days(
    c: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<(UnitId, ReportKind, i64, u64)>> {
    #[derive(Debug, FromQueryResult)]
    struct Row {
        unit_id: Uuid,
        kind: String,
        days: i16,
        n: i64,
    }
    let (from, to) = (filter.period.from.key(), filter.period.to.key());
    let rows = match filter.district {
        None => {
            use stats_close_totals::Column as T;
            let mut select = stats_close_totals::Entity::find()
                .select_only()
                .column(T::UnitId)
                .column(T::Kind)
                .column(T::Days)
                .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
                .filter(T::Month.between(from, to))
                .group_by(T::UnitId)
                .group_by(T::Kind)
                .group_by(T::Days);
            if let Some(u) = filter.unit {
                select = select.filter(T::UnitId.eq(u.0));
            }
            select.into_model::<Row>().all(c).await?
        }
        Some(d) => {
            use stats_close_days::Column as C;
            let mut select = stats_close_days::Entity::find()
                .select_only()
                .column(C::UnitId)
                .column(C::Kind)
                .column(C::Days)
                .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
                .filter(C::DistrictId.eq(d.0))
                .filter(C::Month.between(from, to))
                .group_by(C::UnitId)
                .group_by(C::Kind)
                .group_by(C::Days);
            if let Some(u) = filter.unit {
                select = select.filter(C::UnitId.eq(u.0));
            }
            select.into_model::<Row>().all(c).await?
        }
    };
    rows.into_iter()
        .filter(|r| r.n > 0)
        .map(|r| {
            Ok((
                UnitId(r.unit_id),
                ReportKind::parse(&r.kind).map_err(|_| corrupt(format!("kind {}", r.kind)))?,
                i64::from(r.days),
                u64::try_from(r.n).unwrap_or(0),
            ))
        })
        .collect()
}

/// Answers to "was it solved?" about reports sent in the period: (answered, said solved,
/// sum of scores 1–5).
pub async fn feedback(c: &impl ConnectionTrait, filter: &Filter) -> Result<(u64, u64, u64)> {
    #[derive(Debug, FromQueryResult)]
    struct Sums {
        answered: Option<i64>,
        solved: Option<i64>,
        score_sum: Option<i64>,
    }
    use stats_feedback::Column as C;
    let (from, to) = (filter.period.from.key(), filter.period.to.key());
    let mut select = stats_feedback::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(answered) AS BIGINT)"), "answered")
        .column_as(Expr::cust("CAST(SUM(solved) AS BIGINT)"), "solved")
        .column_as(Expr::cust("CAST(SUM(score_sum) AS BIGINT)"), "score_sum")
        .filter(C::Month.between(from, to));
    if let Some(d) = filter.district {
        select = select.filter(C::DistrictId.eq(d.0));
    }
    if let Some(u) = filter.unit {
        select = select.filter(C::UnitId.eq(u.0));
    }
    let sums = select.into_model::<Sums>().one(c).await?;
    let get = |n: Option<i64>| u64::try_from(n.unwrap_or(0)).unwrap_or(0);
    Ok(sums.map_or((0, 0, 0), |s| {
        (get(s.answered), get(s.solved), get(s.score_sum))
    }))
}

/// Calls per day imported from the telephony system, in the period.
pub async fn hotline_calls(
    c: &impl ConnectionTrait,
    period: Period,
) -> Result<Vec<(NaiveDate, u64)>> {
    let first = NaiveDate::from_ymd_opt(period.from.year, period.from.month, 1);
    let next = period.to.plus(1);
    let end = NaiveDate::from_ymd_opt(next.year, next.month, 1);
    let (Some(first), Some(end)) = (first, end) else {
        return Ok(Vec::new());
    };
    Ok(hotline_calls::Entity::find()
        .filter(hotline_calls::Column::Day.gte(first))
        .filter(hotline_calls::Column::Day.lt(end))
        .order_by_asc(hotline_calls::Column::Day)
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.day, u64::try_from(r.calls).unwrap_or(0)))
        .collect())
}

/// Calls per month of the period: (month, days with figures, calls).
pub async fn hotline_months(
    c: &impl ConnectionTrait,
    period: Period,
) -> Result<Vec<(Month, usize, u64)>> {
    let days = hotline_calls(c, period).await?;
    Ok(period
        .months()
        .map(|m| {
            let mine: Vec<u64> = days
                .iter()
                .filter(|(d, _)| Month::of_date(*d) == m)
                .map(|(_, n)| *n)
                .collect();
            (m, mine.len(), mine.iter().sum())
        })
        .collect())
}

/// Stores call volumes (a day imported again replaces the earlier figure). Returns the
/// number of days written.
pub async fn import_calls(
    c: &impl ConnectionTrait,
    days: &[(NaiveDate, u64)],
    by: Option<UserId>,
) -> Result<u64> {
    let at = now();
    for chunk in days.chunks(CHUNK) {
        hotline_calls::Entity::insert_many(chunk.iter().map(|(day, calls)| {
            hotline_calls::ActiveModel {
                day: Set(*day),
                calls: Set(i64::try_from(*calls).unwrap_or(i64::MAX)),
                imported_at: Set(at),
                imported_by: Set(by.map(|u| u.0)),
            }
        }))
        .on_conflict(
            OnConflict::column(hotline_calls::Column::Day)
                .update_columns([
                    hotline_calls::Column::Calls,
                    hotline_calls::Column::ImportedAt,
                    hotline_calls::Column::ImportedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(days.len() as u64)
}
