//! Local initiatives (issue 18). The rulebook is `miasto_domain::initiatives`; the store
//! repeats its state part in conditional writes, and keeps the year's pool from being
//! overcommitted: accepting adds the cost to the pool's committed sum only where the sum stays
//! within the amount — one statement, so two acceptances racing for the last money cannot both
//! win.

use crate::entities::{initiative_photos as photos, initiative_pools as pools, initiatives};
use crate::paging::{Page, Paged};
use crate::{Result, StoreError, now};
use chrono::{DateTime, NaiveDate, Utc};
use miasto_domain::initiatives::{Area, Opinion, Refusal, Score, Status};
use miasto_domain::{DistrictId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// A year's pool, in grosze.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    pub year: i32,
    pub amount: i64,
    pub committed: i64,
}

impl Pool {
    pub fn remaining(&self) -> i64 {
        Ord::max(self.amount - self.committed, 0)
    }
}

pub async fn pool(c: &impl ConnectionTrait, year: i32) -> Result<Option<Pool>> {
    Ok(pools::Entity::find_by_id(year).one(c).await?.map(|p| Pool {
        year: p.year,
        amount: p.amount,
        committed: p.committed,
    }))
}

/// Sets a year's pool; false when the amount is below what is already committed.
pub async fn set_pool(c: &impl ConnectionTrait, year: i32, amount: i64) -> Result<bool> {
    pools::Entity::insert(pools::ActiveModel {
        year: Set(year),
        amount: Set(0),
        committed: Set(0),
        updated_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(pools::Column::Year)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    let done = pools::Entity::update_many()
        .col_expr(pools::Column::Amount, Expr::value(amount))
        .col_expr(pools::Column::UpdatedAt, Expr::value(now()))
        .filter(pools::Column::Year.eq(year))
        .filter(pools::Column::Committed.lte(amount))
        .exec(c)
        .await?;
    Ok(done.rows_affected > 0)
}

/// An application as filed.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub title: String,
    pub summary: String,
    pub applicants: Vec<String>,
    /// Filed through an organisation (its name).
    pub organisation: Option<String>,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub area: Area,
    pub task: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub place: String,
    pub district: DistrictId,
    pub city_land: bool,
    pub landowner_consent: bool,
    pub significance: String,
    pub residents_contribution: String,
    pub city_contribution: String,
    /// The city's cost, in grosze.
    pub cost: i64,
    pub opinion: Opinion,
}

/// An application as stored, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Initiative {
    pub id: Uuid,
    /// 1, 2, 3… (its address: `/initiatives/{number}`).
    pub number: i32,
    /// The pool's year (the year it was filed).
    pub year: i32,
    pub application: Application,
    pub author: Option<UserId>,
    pub status: Status,
    pub score: Option<Score>,
    pub assessment_note: Option<String>,
    pub reason: Option<String>,
    pub agreed_on: Option<NaiveDate>,
    pub realised_on: Option<NaiveDate>,
    pub report: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn corrupt(id: Uuid, field: &str) -> StoreError {
    StoreError::Corrupt {
        table: "initiatives",
        detail: format!("{id}: {field}"),
    }
}

fn from_row(m: initiatives::Model) -> Result<Initiative> {
    let points = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
    let score = match (
        points(m.usefulness),
        points(m.contribution),
        points(m.extra),
    ) {
        (Some(usefulness), Some(contribution), Some(extra)) => Some(Score {
            usefulness,
            contribution,
            extra,
        }),
        _ => None,
    };
    Ok(Initiative {
        status: Status::parse(&m.status).ok_or_else(|| corrupt(m.id, "status"))?,
        application: Application {
            area: Area::parse(&m.area).ok_or_else(|| corrupt(m.id, "area"))?,
            opinion: Opinion::parse(&m.opinion).ok_or_else(|| corrupt(m.id, "opinion"))?,
            title: m.title,
            summary: m.summary,
            applicants: m.applicants.lines().map(str::to_owned).collect(),
            organisation: m.organisation,
            contact_email: m.contact_email,
            contact_phone: m.contact_phone,
            task: m.task,
            starts: m.starts_on,
            ends: m.ends_on,
            place: m.place,
            district: DistrictId(m.district_id),
            city_land: m.city_land,
            landowner_consent: m.landowner_consent,
            significance: m.significance,
            residents_contribution: m.residents_contribution,
            city_contribution: m.city_contribution,
            cost: m.cost,
        },
        id: m.id,
        number: m.number,
        year: m.year,
        author: m.author_id.map(UserId),
        score,
        assessment_note: m.assessment_note,
        reason: m.reason,
        agreed_on: m.agreed_on,
        realised_on: m.realised_on,
        report: m.report,
        created_at: m.created_at,
    })
}

/// Stores an application under the next free number, in the pool of `year`.
pub async fn submit(
    c: &impl crate::Savepoints,
    a: &Application,
    year: i32,
    author: Option<UserId>,
) -> Result<Initiative> {
    let m = crate::insert_numbered(c, initiatives::Column::Number, |number| {
        initiatives::ActiveModel {
            id: Set(Uuid::now_v7()),
            number: Set(number),
            year: Set(year),
            title: Set(a.title.clone()),
            summary: Set(a.summary.clone()),
            applicants: Set(a.applicants.join("\n")),
            organisation: Set(a.organisation.clone()),
            contact_email: Set(a.contact_email.clone()),
            contact_phone: Set(a.contact_phone.clone()),
            area: Set(a.area.as_str().to_owned()),
            task: Set(a.task.clone()),
            starts_on: Set(a.starts),
            ends_on: Set(a.ends),
            place: Set(a.place.clone()),
            district_id: Set(a.district.0),
            city_land: Set(a.city_land),
            landowner_consent: Set(a.landowner_consent),
            significance: Set(a.significance.clone()),
            residents_contribution: Set(a.residents_contribution.clone()),
            city_contribution: Set(a.city_contribution.clone()),
            cost: Set(a.cost),
            opinion: Set(a.opinion.as_str().to_owned()),
            author_id: Set(author.map(|u| u.0)),
            status: Set(Status::Submitted.as_str().to_owned()),
            usefulness: Set(None),
            contribution: Set(None),
            extra: Set(None),
            assessment_note: Set(None),
            reason: Set(None),
            decided_by: Set(None),
            decided_at: Set(None),
            agreed_on: Set(None),
            realised_on: Set(None),
            report: Set(None),
            created_at: Set(now()),
        }
    })
    .await?;
    from_row(m)
}

pub async fn get_by_number(c: &impl ConnectionTrait, number: i32) -> Result<Option<Initiative>> {
    initiatives::Entity::find()
        .filter(initiatives::Column::Number.eq(number))
        .one(c)
        .await?
        .map(from_row)
        .transpose()
}

/// Which initiatives a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Empty: every status.
    pub statuses: Vec<Status>,
    pub year: Option<i32>,
    pub district: Option<DistrictId>,
    pub author: Option<UserId>,
}

fn select(filter: &Filter) -> sea_orm::Select<initiatives::Entity> {
    use initiatives::Column as I;
    let mut select = initiatives::Entity::find();
    if !filter.statuses.is_empty() {
        select = select.filter(I::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(y) = filter.year {
        select = select.filter(I::Year.eq(y));
    }
    if let Some(d) = filter.district {
        select = select.filter(I::DistrictId.eq(d.0));
    }
    if let Some(a) = filter.author {
        select = select.filter(I::AuthorId.eq(a.0));
    }
    select
}

/// Initiatives matching `filter`, newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    filter: &Filter,
    page: Page,
) -> Result<Paged<Initiative>> {
    use initiatives::Column as I;
    let select = select(filter)
        .order_by_desc(I::CreatedAt)
        .order_by_desc(I::Id);
    let (rows, count) = crate::paging::fetch(c, select, page).await?;
    let items = rows.into_iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Paged::new(items, count, page))
}

/// How many initiatives match `filter` in each district (for the map).
pub async fn per_district(
    c: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Vec<(DistrictId, u64)>> {
    use initiatives::Column as I;
    let rows: Vec<(Uuid, i64)> = select(filter)
        .select_only()
        .column(I::DistrictId)
        .column_as(I::Id.count(), "n")
        .group_by(I::DistrictId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(d, n)| (DistrictId(d), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The years that have initiatives or a pool, newest first.
pub async fn years(c: &impl ConnectionTrait) -> Result<Vec<i32>> {
    let mut years: Vec<i32> = initiatives::Entity::find()
        .select_only()
        .column(initiatives::Column::Year)
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    years.extend(
        pools::Entity::find()
            .select_only()
            .column(pools::Column::Year)
            .into_tuple::<i32>()
            .all(c)
            .await?,
    );
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

/// A write on one initiative in one of `from`; refused with [`Refusal::Status`] otherwise.
async fn step(
    c: &impl ConnectionTrait,
    id: Uuid,
    from: &[Status],
    set: Vec<(initiatives::Column, sea_orm::sea_query::SimpleExpr)>,
    extra: Condition,
) -> std::result::Result<u64, InitiativeError> {
    let mut update = initiatives::Entity::update_many();
    for (column, value) in set {
        update = update.col_expr(column, value);
    }
    let done = update
        .filter(initiatives::Column::Id.eq(id))
        .filter(initiatives::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .filter(extra)
        .exec(c)
        .await?;
    Ok(done.rows_affected)
}

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum InitiativeError {
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for InitiativeError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

fn status_refused(rows: u64) -> std::result::Result<(), InitiativeError> {
    if rows == 0 {
        return Err(InitiativeError::Refused(Refusal::Status));
    }
    Ok(())
}

/// Records (or corrects) the assessment.
pub async fn assess(
    c: &impl ConnectionTrait,
    id: Uuid,
    score: Score,
    note: Option<&str>,
    by: UserId,
) -> std::result::Result<(), InitiativeError> {
    use initiatives::Column as I;
    let to_db = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let rows = step(
        c,
        id,
        miasto_domain::initiatives::Status::before(miasto_domain::initiatives::Action::Assess),
        vec![
            (I::Status, Expr::value(Status::Assessed.as_str())),
            (I::Usefulness, Expr::value(to_db(score.usefulness))),
            (I::Contribution, Expr::value(to_db(score.contribution))),
            (I::Extra, Expr::value(to_db(score.extra))),
            (I::AssessmentNote, Expr::value(note.map(str::to_owned))),
            (I::DecidedBy, Expr::value(by.0)),
        ],
        Condition::all(),
    )
    .await?;
    status_refused(rows)
}

/// Accepts an assessed application with at least 60 points and commits its cost to the year's
/// pool — only where the pool still covers it.
pub async fn accept(
    c: &impl crate::Savepoints,
    initiative: &Initiative,
    by: UserId,
) -> std::result::Result<(), InitiativeError> {
    use initiatives::Column as I;
    let savepoint = c.begin().await?;
    let result = async {
        let points = Expr::col(I::Usefulness)
            .add(Expr::col(I::Contribution))
            .add(Expr::col(I::Extra));
        let rows = step(
            &savepoint,
            initiative.id,
            Status::before(miasto_domain::initiatives::Action::Accept),
            vec![
                (I::Status, Expr::value(Status::Accepted.as_str())),
                (I::DecidedBy, Expr::value(by.0)),
                (I::DecidedAt, Expr::value(now())),
            ],
            Condition::all()
                .add(points.gte(i32::try_from(miasto_domain::initiatives::PASS).unwrap_or(60))),
        )
        .await?;
        if rows == 0 {
            let current = get_by_number(&savepoint, initiative.number).await?;
            let too_few = current.is_some_and(|i| {
                i.status == Status::Assessed && i.score.is_some_and(|s| !s.passes())
            });
            return Err(InitiativeError::Refused(if too_few {
                Refusal::TooFewPoints
            } else {
                Refusal::Status
            }));
        }
        let cost = initiative.application.cost;
        let committed = pools::Entity::update_many()
            .col_expr(
                pools::Column::Committed,
                Expr::col(pools::Column::Committed).add(cost),
            )
            .col_expr(pools::Column::UpdatedAt, Expr::value(now()))
            .filter(pools::Column::Year.eq(initiative.year))
            .filter(
                Expr::col(pools::Column::Committed)
                    .add(cost)
                    .lte(Expr::col(pools::Column::Amount)),
            )
            .exec(&savepoint)
            .await?;
        if committed.rows_affected == 0 {
            let exists = pool(&savepoint, initiative.year).await?.is_some();
            return Err(InitiativeError::Refused(if exists {
                Refusal::PoolExhausted
            } else {
                Refusal::NoPool
            }));
        }
        Ok(())
    }
    .await;
    crate::settle(savepoint, result).await
}

/// Refuses an application not yet decided, with a reason the applicants see.
pub async fn refuse(
    c: &impl ConnectionTrait,
    id: Uuid,
    reason: &str,
    by: UserId,
) -> std::result::Result<(), InitiativeError> {
    use initiatives::Column as I;
    let rows = step(
        c,
        id,
        Status::before(miasto_domain::initiatives::Action::Refuse),
        vec![
            (I::Status, Expr::value(Status::Refused.as_str())),
            (I::Reason, Expr::value(reason)),
            (I::DecidedBy, Expr::value(by.0)),
            (I::DecidedAt, Expr::value(now())),
        ],
        Condition::all(),
    )
    .await?;
    status_refused(rows)
}

/// Records the agreement signed on `on`.
pub async fn agree(
    c: &impl ConnectionTrait,
    id: Uuid,
    on: NaiveDate,
) -> std::result::Result<(), InitiativeError> {
    use initiatives::Column as I;
    let rows = step(
        c,
        id,
        Status::before(miasto_domain::initiatives::Action::Agree),
        vec![
            (I::Status, Expr::value(Status::Agreed.as_str())),
            (I::AgreedOn, Expr::value(on)),
        ],
        Condition::all(),
    )
    .await?;
    status_refused(rows)
}

/// Records the realisation on `on` with its short public report.
pub async fn realised(
    c: &impl ConnectionTrait,
    id: Uuid,
    on: NaiveDate,
    report: &str,
) -> std::result::Result<(), InitiativeError> {
    use initiatives::Column as I;
    let rows = step(
        c,
        id,
        Status::before(miasto_domain::initiatives::Action::Report),
        vec![
            (I::Status, Expr::value(Status::Realised.as_str())),
            (I::RealisedOn, Expr::value(on)),
            (I::Report, Expr::value(report)),
        ],
        Condition::all(),
    )
    .await?;
    status_refused(rows)
}

/// At most this many photos in an initiative's report.
pub const MAX_PHOTOS: usize = 6;

fn stored(m: photos::Model) -> crate::photos::Stored {
    crate::photos::Stored::from_columns(
        m.id,
        [m.original_key, m.display_key, m.thumb_key],
        (m.width, m.height),
        m.bytes,
    )
}

/// Adds stored photos after the report's existing ones.
pub async fn attach_photos(
    c: &impl ConnectionTrait,
    initiative: Uuid,
    stored: &[crate::photos::Stored],
) -> Result<()> {
    let first = photos_of(c, initiative).await?.len();
    for (i, p) in stored.iter().enumerate() {
        photos::Entity::insert(photos::ActiveModel {
            id: Set(p.id),
            initiative_id: Set(initiative),
            position: Set(i32::try_from(first + i).unwrap_or(i32::MAX)),
            original_key: Set(p.original_key.clone()),
            display_key: Set(p.display_key.clone()),
            thumb_key: Set(p.thumb_key.clone()),
            width: Set(i32::try_from(p.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(p.height).unwrap_or(i32::MAX)),
            bytes: Set(i64::try_from(p.bytes).unwrap_or(i64::MAX)),
            created_at: Set(now()),
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// The report's photos in order.
pub async fn photos_of(
    c: &impl ConnectionTrait,
    initiative: Uuid,
) -> Result<Vec<crate::photos::Stored>> {
    Ok(photos::Entity::find()
        .filter(photos::Column::InitiativeId.eq(initiative))
        .order_by_asc(photos::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(stored)
        .collect())
}

pub async fn photo(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<crate::photos::Stored>> {
    Ok(photos::Entity::find_by_id(id).one(c).await?.map(stored))
}
