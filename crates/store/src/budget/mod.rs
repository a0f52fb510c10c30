//! The citizens' budget: editions and their pools, projects with cost items, verification
//! (assignment to units, formal and merit assessments, appeals), the secret ballot (online and
//! double-keyed paper), counting with `miasto-tally`, results and realisation milestones.
//!
//! The ballot is secret by construction: [`cast`] writes the voter's keyed identity hash and
//! the ballot in one transaction but in tables with no common key, no time finer than the day
//! and no insertion order (see migration 9). The hash's primary key refuses a second ballot.

use crate::entities::{
    budget_appeals, budget_assessments, budget_ballot_choices, budget_ballots, budget_cost_items,
    budget_editions, budget_milestones, budget_paper_entries, budget_pool_results, budget_pools,
    budget_project_photos, budget_projects, budget_results, budget_voters,
};
use crate::paging::{self, Page, Paged};
use crate::{Result, Savepoints, StoreError, now};
use chrono::{DateTime, NaiveDate, Utc};
use miasto_domain::budget::{BallotRule, Counting, Pesel, Phase, Schedule};
use miasto_domain::{DistrictId, UnitId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

mod paper;
mod projects;
mod results;
mod verification;
mod vote;

pub use paper::*;
pub use projects::*;
pub use results::*;
pub use verification::*;
pub use vote::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    pub id: Uuid,
    /// In addresses: `/budget/2026`.
    pub slug: String,
    pub name_pl: String,
    pub name_en: String,
    pub schedule: Schedule,
    /// Voters younger than this on the voting day are refused (Kraków: none).
    pub min_age: Option<u32>,
    /// Residents without a PESEL may vote with their date of birth and a declaration.
    pub allow_without_pesel: bool,
    pub results_published_at: Option<DateTime<Utc>>,
    /// The day results are promised for (shown with the schedule).
    pub results_due: Option<NaiveDate>,
}

impl Edition {
    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        self.schedule.phase(at, self.results_published_at.is_some())
    }

    pub fn name(&self, locale: miasto_domain::Locale) -> &str {
        localized(locale, &self.name_pl, &self.name_en)
    }
}

impl TryFrom<budget_editions::Model> for Edition {
    type Error = StoreError;

    fn try_from(m: budget_editions::Model) -> Result<Self> {
        let schedule = Schedule::new(
            (m.submission_opens_at, m.submission_closes_at),
            (m.appeals_opens_at, m.appeals_closes_at),
            (m.voting_opens_at, m.voting_closes_at),
        )
        .map_err(|e| corrupt("budget_editions", format!("{e:?}")))?;
        Ok(Self {
            id: m.id,
            slug: m.slug,
            name_pl: m.name_pl,
            name_en: m.name_en,
            schedule,
            min_age: m.min_age.and_then(|a| u32::try_from(a).ok()),
            allow_without_pesel: m.allow_without_pesel,
            results_published_at: m.results_published_at,
            results_due: m.results_due_on,
        })
    }
}

/// The name in the page's language (Polish unless English is asked for).
fn localized<'a>(locale: miasto_domain::Locale, pl: &'a str, en: &'a str) -> &'a str {
    match locale {
        miasto_domain::Locale::En => en,
        _ => pl,
    }
}

fn corrupt(table: &'static str, detail: String) -> StoreError {
    StoreError::Corrupt { table, detail }
}

/// One budget within an edition: the city-wide pool or a district's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: Uuid,
    pub edition_id: Uuid,
    /// Short and stable: `city`, or the district's code.
    pub code: String,
    /// None for the city-wide pool.
    pub district: Option<DistrictId>,
    pub name_pl: String,
    pub name_en: String,
    /// Hundredths of a złoty, as every amount here.
    pub budget: i64,
    pub min_cost: i64,
    pub max_cost: Option<i64>,
    pub rule: BallotRule,
    pub counting: Counting,
}

impl Pool {
    pub fn name(&self, locale: miasto_domain::Locale) -> &str {
        localized(locale, &self.name_pl, &self.name_en)
    }

    pub fn is_city_wide(&self) -> bool {
        self.district.is_none()
    }
}

impl TryFrom<budget_pools::Model> for Pool {
    type Error = StoreError;

    fn try_from(m: budget_pools::Model) -> Result<Self> {
        Ok(Self {
            id: m.id,
            edition_id: m.edition_id,
            code: m.code,
            district: m.district_id.map(DistrictId),
            name_pl: m.name_pl,
            name_en: m.name_en,
            budget: m.budget,
            min_cost: m.min_cost,
            max_cost: m.max_cost,
            rule: BallotRule::parse(&m.ballot_rule)
                .ok_or_else(|| corrupt("budget_pools", m.ballot_rule.clone()))?,
            counting: Counting::parse(&m.counting_rule)
                .ok_or_else(|| corrupt("budget_pools", m.counting_rule.clone()))?,
        })
    }
}

/// Where a project stands in verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectStatus {
    /// Submitted; being verified.
    Submitted,
    /// Taken back by its author.
    Withdrawn,
    /// On the ballot.
    Accepted,
    /// Not on the ballot (assessment negative, appeal dismissed or none made).
    Rejected,
}

impl ProjectStatus {
    pub const ALL: [Self; 4] = [
        Self::Submitted,
        Self::Withdrawn,
        Self::Accepted,
        Self::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: Uuid,
    pub edition_id: Uuid,
    pub pool_id: Uuid,
    pub number: u32,
    pub code: String,
    pub author: Option<UserId>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub point: Option<(f64, f64)>,
    pub category: String,
    /// The author's estimate (the sum of the cost items).
    pub cost: i64,
    /// The cost as the verifying unit corrected it.
    pub corrected_cost: Option<i64>,
    pub unit: Option<UnitId>,
    pub status: ProjectStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// What the project costs on the ballot and in the count.
    pub fn final_cost(&self) -> i64 {
        self.corrected_cost.unwrap_or(self.cost)
    }
}

impl TryFrom<budget_projects::Model> for Project {
    type Error = StoreError;

    fn try_from(m: budget_projects::Model) -> Result<Self> {
        Ok(Self {
            id: m.id,
            edition_id: m.edition_id,
            pool_id: m.pool_id,
            number: u32::try_from(m.number).unwrap_or(0),
            code: m.code,
            author: m.author_id.map(UserId),
            title: m.title,
            summary: m.summary,
            description: m.description,
            location: m.location,
            point: m.lat.zip(m.lon),
            category: m.category,
            cost: m.cost,
            corrected_cost: m.corrected_cost,
            unit: m.unit_id.map(UnitId),
            status: ProjectStatus::parse(&m.status)
                .ok_or_else(|| corrupt("budget_projects", m.status.clone()))?,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

fn all<M, T: TryFrom<M, Error = StoreError>>(rows: Vec<M>) -> Result<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostItem {
    pub description: String,
    pub amount: i64,
}

#[derive(Debug, Clone)]
pub struct NewPool {
    pub code: String,
    pub district: Option<DistrictId>,
    pub name_pl: String,
    pub name_en: String,
    pub budget: i64,
    pub min_cost: i64,
    pub max_cost: Option<i64>,
    pub rule: BallotRule,
    pub counting: Counting,
}

#[derive(Debug, Clone)]
pub struct NewEdition {
    pub slug: String,
    pub name_pl: String,
    pub name_en: String,
    pub schedule: Schedule,
    pub min_age: Option<u32>,
    pub allow_without_pesel: bool,
    pub results_due: Option<NaiveDate>,
    pub pools: Vec<NewPool>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an edition with this address exists")]
    SlugTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CreateError {
    fn from(e: sea_orm::DbErr) -> Self {
        if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            Self::SlugTaken
        } else {
            Self::Store(e.into())
        }
    }
}

/// Creates an edition with its pools, in a savepoint (a taken slug leaves the caller's
/// transaction usable).
pub async fn create_edition(
    c: &impl Savepoints,
    new: &NewEdition,
    by: Option<UserId>,
) -> Result<Edition, CreateError> {
    let savepoint = c.begin().await?;
    let result = insert_edition(&savepoint, new, by).await;
    crate::settle(savepoint, result).await
}

async fn insert_edition(
    c: &impl ConnectionTrait,
    new: &NewEdition,
    by: Option<UserId>,
) -> Result<Edition, CreateError> {
    let s = new.schedule;
    let model = budget_editions::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(new.slug.clone()),
        name_pl: Set(new.name_pl.clone()),
        name_en: Set(new.name_en.clone()),
        submission_opens_at: Set(s.submission.0),
        submission_closes_at: Set(s.submission.1),
        appeals_opens_at: Set(s.appeals.0),
        appeals_closes_at: Set(s.appeals.1),
        voting_opens_at: Set(s.voting.0),
        voting_closes_at: Set(s.voting.1),
        min_age: Set(new.min_age.and_then(|a| i32::try_from(a).ok())),
        allow_without_pesel: Set(new.allow_without_pesel),
        results_published_at: Set(None),
        results_due_on: Set(new.results_due),
        created_at: Set(now()),
        created_by: Set(by.map(|u| u.0)),
    }
    .insert(c)
    .await?;
    for (position, pool) in new.pools.iter().enumerate() {
        budget_pools::ActiveModel {
            id: Set(Uuid::now_v7()),
            edition_id: Set(model.id),
            code: Set(pool.code.clone()),
            district_id: Set(pool.district.map(|d| d.0)),
            name_pl: Set(pool.name_pl.clone()),
            name_en: Set(pool.name_en.clone()),
            budget: Set(pool.budget),
            min_cost: Set(pool.min_cost),
            max_cost: Set(pool.max_cost),
            ballot_rule: Set(pool.rule.to_string()),
            counting_rule: Set(pool.counting.as_str().to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        }
        .insert(c)
        .await?;
    }
    Ok(Edition::try_from(model)?)
}

/// Every edition, the newest vote first.
pub async fn editions(c: &impl ConnectionTrait) -> Result<Vec<Edition>> {
    all(budget_editions::Entity::find()
        .order_by_desc(budget_editions::Column::VotingOpensAt)
        .all(c)
        .await?)
}

pub async fn edition(c: &impl ConnectionTrait, slug: &str) -> Result<Option<Edition>> {
    budget_editions::Entity::find()
        .filter(budget_editions::Column::Slug.eq(slug))
        .one(c)
        .await?
        .map(Edition::try_from)
        .transpose()
}

/// The edition's pools: the city-wide first, then districts in the order created.
pub async fn pools(c: &impl ConnectionTrait, edition: Uuid) -> Result<Vec<Pool>> {
    all(budget_pools::Entity::find()
        .filter(budget_pools::Column::EditionId.eq(edition))
        .order_by_asc(budget_pools::Column::Position)
        .all(c)
        .await?)
}

/// Moves an edition's dates (officials correct or extend a window).
pub async fn set_schedule(
    c: &impl ConnectionTrait,
    edition: Uuid,
    s: &Schedule,
    results_due: Option<NaiveDate>,
) -> Result<()> {
    use budget_editions::Column as C;
    budget_editions::Entity::update_many()
        .col_expr(C::SubmissionOpensAt, Expr::value(s.submission.0))
        .col_expr(C::SubmissionClosesAt, Expr::value(s.submission.1))
        .col_expr(C::AppealsOpensAt, Expr::value(s.appeals.0))
        .col_expr(C::AppealsClosesAt, Expr::value(s.appeals.1))
        .col_expr(C::VotingOpensAt, Expr::value(s.voting.0))
        .col_expr(C::VotingClosesAt, Expr::value(s.voting.1))
        .col_expr(C::ResultsDueOn, Expr::value(results_due))
        .filter(C::Id.eq(edition))
        .exec(c)
        .await?;
    Ok(())
}

/// Takes the edition's row lock until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database already), so numbering and paper keying queue.
async fn lock_edition(c: &impl ConnectionTrait, edition: Uuid) -> Result<()> {
    budget_editions::Entity::update_many()
        .col_expr(
            budget_editions::Column::CreatedAt,
            Expr::col(budget_editions::Column::CreatedAt),
        )
        .filter(budget_editions::Column::Id.eq(edition))
        .exec(c)
        .await?;
    Ok(())
}
