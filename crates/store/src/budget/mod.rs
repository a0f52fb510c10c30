//! The citizens' budget: editions and their pools, projects with cost items, verification
//! (assignment to units, formal and merit assessments, appeals), the secret ballot (sealed
//! online, counter and double-keyed paper ballots), the count with the commission's key
//! shares and `miasto-tally`, results and realisation milestones.
//!
//! The rules are `miasto_domain::budget`'s: handlers ask [`miasto_domain::budget::may`]
//! before acting, and every write here is conditional on the same rules (the edition's phase
//! from its stored dates and the clock, the project's status, the edition's state), so that a
//! race cannot undo a decision. A write that finds the rules no longer allow it changes
//! nothing and returns [`BudgetError::Refused`] with [`Refusal::Stale`].
//!
//! The ballot is secret by construction (see `docs/budget.md`, "Threat model"): a vote writes
//! the voter's keyed identity hashes and a sealed envelope; only the count, with enough of the
//! commission's shares, opens the envelopes and writes the ballots, in random order, in one
//! transaction of its own.

use crate::entities::{
    budget_appeals, budget_assessments, budget_ballot_choices, budget_ballots, budget_cost_items,
    budget_counts, budget_editions, budget_milestones, budget_pool_results, budget_pools,
    budget_project_photos, budget_projects, budget_results,
};
use crate::paging::{self, Page, Paged};
use crate::{Result, Savepoints, StoreError, now};
use chrono::{DateTime, NaiveDate, Utc};
use miasto_domain::budget::{
    Action, BallotRule, Counting, EditionState, Phase, Refusal, Schedule, ScheduleError,
};
use miasto_domain::vote::BallotKey;
use miasto_domain::vote::shares::{self, Share};
use miasto_domain::{DistrictId, EditionId, PoolId, ProjectId, UnitId, UserId};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

mod commission;
pub mod drafts;
mod paper;
mod projects;
mod results;
mod verification;
mod vote;

pub use commission::*;
pub use miasto_domain::budget::ProjectStatus;
pub use paper::*;
pub use projects::*;
pub use results::*;
pub use verification::*;
pub use vote::*;

/// Why a budget write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    /// The rules refuse it (now, or since the caller last looked).
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for BudgetError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// A conditional write that touched nothing was refused by the rules.
fn applied(rows: u64) -> Result<(), BudgetError> {
    if rows == 0 {
        Err(BudgetError::Refused(Refusal::Stale))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    pub id: EditionId,
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
    /// The public half of the ballot key; None for editions from before sealed ballots.
    pub ballot_key: Option<BallotKey>,
    /// How many of the commission's shares open the key.
    pub threshold: Option<u8>,
    /// When the count opened the envelopes (no ballots of any kind after that).
    pub opened_at: Option<DateTime<Utc>>,
    /// How many ballots the latest count included.
    pub counted_ballots: Option<u64>,
}

impl Edition {
    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        self.schedule.phase(at, self.results_published_at.is_some())
    }

    /// The edition as the rules see it at `at`.
    pub fn state(&self, at: DateTime<Utc>) -> EditionState {
        EditionState {
            phase: self.phase(at),
            sealed: self.ballot_key.is_some(),
            opened: self.opened_at.is_some(),
            counted: self.opened_at.is_some() && self.counted_ballots.is_some(),
        }
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
        let ballot_key = match m.ballot_key.as_deref() {
            Some(raw) => Some(
                BallotKey::from_hex(raw)
                    .ok_or_else(|| corrupt("budget_editions", "ballot key".into()))?,
            ),
            None => None,
        };
        Ok(Self {
            id: EditionId(m.id),
            slug: m.slug,
            name_pl: m.name_pl,
            name_en: m.name_en,
            schedule,
            min_age: m.min_age.and_then(|a| u32::try_from(a).ok()),
            allow_without_pesel: m.allow_without_pesel,
            results_published_at: m.results_published_at,
            results_due: m.results_due_on,
            ballot_key,
            threshold: m.key_threshold.and_then(|k| u8::try_from(k).ok()),
            opened_at: m.opened_at,
            counted_ballots: m.counted_ballots.and_then(|n| u64::try_from(n).ok()),
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

/// "The edition is in one of `phases` at `now`", over `budget_editions`' own columns: the
/// same phases as `Schedule::phase`, so a write conditioned on it holds the domain's rule
/// where the data lives.
pub(crate) fn in_phases(phases: &[Phase], now: DateTime<Utc>) -> Condition {
    use budget_editions::Column as C;
    let mut any = Condition::any();
    for phase in phases {
        let window = |from: C, to: Option<C>| {
            let mut c = Condition::all()
                .add(C::ResultsPublishedAt.is_null())
                .add(from.lte(now));
            if let Some(to) = to {
                c = c.add(to.gt(now));
            }
            c
        };
        any = any.add(match phase {
            Phase::Announced => Condition::all()
                .add(C::ResultsPublishedAt.is_null())
                .add(C::SubmissionOpensAt.gt(now)),
            Phase::Submission => window(C::SubmissionOpensAt, Some(C::SubmissionClosesAt)),
            Phase::Verification => window(C::SubmissionClosesAt, Some(C::AppealsOpensAt)),
            Phase::Appeals => window(C::AppealsOpensAt, Some(C::AppealsClosesAt)),
            Phase::BallotPreparation => window(C::AppealsClosesAt, Some(C::VotingOpensAt)),
            Phase::Voting => window(C::VotingOpensAt, Some(C::VotingClosesAt)),
            Phase::Counting => window(C::VotingClosesAt, None),
            Phase::Results => Condition::all().add(C::ResultsPublishedAt.is_not_null()),
        });
    }
    any
}

/// Ids of editions where `action` is open at `now` (for writes to an edition's rows).
pub(crate) fn editions_open_for(action: Action, now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .column(budget_editions::Column::Id)
        .from(budget_editions::Entity)
        .cond_where(in_phases(action.phases(), now))
        .to_owned()
}

/// One budget within an edition: the city-wide pool or a district's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: PoolId,
    pub edition_id: EditionId,
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
    /// Residents who may vote in the pool's area, as officials entered it (for turnout).
    pub eligible: Option<i64>,
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
            id: PoolId(m.id),
            edition_id: EditionId(m.edition_id),
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
            eligible: m.eligible,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: ProjectId,
    pub edition_id: EditionId,
    pub pool_id: PoolId,
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
            id: ProjectId(m.id),
            edition_id: EditionId(m.edition_id),
            pool_id: PoolId(m.pool_id),
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

/// The counting commission: one share of the ballot key per member, `threshold` of them
/// needed to open it. A member without an account (None) gets their share from whoever
/// created the edition (the command line prints it); an account collects its own, once.
#[derive(Debug, Clone)]
pub struct Commission {
    pub members: Vec<Option<UserId>>,
    pub threshold: u8,
}

impl Commission {
    /// Checks the sizes: 1 to 20 members, each account once, 1 ≤ threshold ≤ members.
    pub fn is_valid(&self) -> bool {
        let accounts: Vec<UserId> = self.members.iter().flatten().copied().collect();
        let unique = accounts
            .iter()
            .enumerate()
            .all(|(i, a)| !accounts[..i].contains(a));
        (1..=20).contains(&self.members.len())
            && self.threshold >= 1
            && usize::from(self.threshold) <= self.members.len()
            && unique
    }
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
    pub commission: Commission,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an edition with this address exists")]
    SlugTaken,
    #[error(
        "the commission needs 1–20 different members and a threshold between 1 and their number"
    )]
    Commission,
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

/// Creates an edition with its pools and its ballot key, in a savepoint (a taken slug leaves
/// the caller's transaction usable). The key's private half is split among the commission and
/// never stored: each member's share is kept sealed under the server `secret` until they
/// collect it; every share is also returned, for a caller that hands them out itself (the
/// command line) — a web handler drops them.
pub async fn create_edition(
    c: &impl Savepoints,
    new: &NewEdition,
    by: Option<UserId>,
    secret: &[u8],
) -> Result<(Edition, Vec<Share>), CreateError> {
    if !new.commission.is_valid() {
        return Err(CreateError::Commission);
    }
    let savepoint = c.begin().await?;
    let result = insert_edition(&savepoint, new, by, secret).await;
    crate::settle(savepoint, result).await
}

async fn insert_edition(
    c: &impl ConnectionTrait,
    new: &NewEdition,
    by: Option<UserId>,
    secret: &[u8],
) -> Result<(Edition, Vec<Share>), CreateError> {
    if u8::try_from(new.commission.members.len()).is_err() {
        return Err(CreateError::Commission);
    }
    // The edition's ballot box is keyed by its id: the key is made (and the shares written)
    // first, the edition's row then holds the public half.
    let id = Uuid::now_v7();
    let (public, shares) = crate::ballot_box::make_key(
        c,
        id,
        new.commission.threshold,
        &new.commission.members,
        secret,
    )
    .await?;
    let s = new.schedule;
    let model = budget_editions::ActiveModel {
        id: Set(id),
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
        ballot_key: Set(Some(public.to_hex())),
        key_threshold: Set(Some(i32::from(new.commission.threshold))),
        opened_at: Set(None),
        counted_ballots: Set(None),
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
            eligible: Set(None),
        }
        .insert(c)
        .await?;
    }
    Ok((Edition::try_from(model)?, shares))
}

/// Every edition, the newest vote first.
/// Records how many residents may vote in each pool's area (None: not known).
pub async fn set_eligible(
    c: &impl ConnectionTrait,
    edition: EditionId,
    eligible: &[(PoolId, Option<i64>)],
) -> Result<()> {
    for (pool, count) in eligible {
        budget_pools::Entity::update_many()
            .col_expr(
                budget_pools::Column::Eligible,
                sea_orm::sea_query::Expr::value(*count),
            )
            .filter(budget_pools::Column::Id.eq(pool.0))
            .filter(budget_pools::Column::EditionId.eq(edition.0))
            .exec(c)
            .await?;
    }
    Ok(())
}

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

pub async fn edition_by_id(c: &impl ConnectionTrait, id: EditionId) -> Result<Option<Edition>> {
    budget_editions::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(Edition::try_from)
        .transpose()
}

/// The edition's pools: the city-wide first, then districts in the order created.
pub async fn pools(c: &impl ConnectionTrait, edition: EditionId) -> Result<Vec<Pool>> {
    all(budget_pools::Entity::find()
        .filter(budget_pools::Column::EditionId.eq(edition.0))
        .order_by_asc(budget_pools::Column::Position)
        .all(c)
        .await?)
}

/// Moves an edition's dates from `old` (what the official saw) to `new`: refused once the
/// envelopes are opened or results published, when the move would change the past
/// (`Schedule::check_move`), or when someone else moved them first.
pub async fn set_schedule(
    c: &impl ConnectionTrait,
    edition: &Edition,
    new: &Schedule,
    results_due: Option<NaiveDate>,
) -> Result<(), ScheduleChange> {
    use budget_editions::Column as C;
    let at = now();
    let old = edition.schedule;
    old.check_move(new, at).map_err(ScheduleChange::Schedule)?;
    let result = budget_editions::Entity::update_many()
        .col_expr(C::SubmissionOpensAt, Expr::value(new.submission.0))
        .col_expr(C::SubmissionClosesAt, Expr::value(new.submission.1))
        .col_expr(C::AppealsOpensAt, Expr::value(new.appeals.0))
        .col_expr(C::AppealsClosesAt, Expr::value(new.appeals.1))
        .col_expr(C::VotingOpensAt, Expr::value(new.voting.0))
        .col_expr(C::VotingClosesAt, Expr::value(new.voting.1))
        .col_expr(C::ResultsDueOn, Expr::value(results_due))
        .filter(C::Id.eq(edition.id.0))
        .filter(C::SubmissionOpensAt.eq(old.submission.0))
        .filter(C::SubmissionClosesAt.eq(old.submission.1))
        .filter(C::AppealsOpensAt.eq(old.appeals.0))
        .filter(C::AppealsClosesAt.eq(old.appeals.1))
        .filter(C::VotingOpensAt.eq(old.voting.0))
        .filter(C::VotingClosesAt.eq(old.voting.1))
        .filter(C::OpenedAt.is_null())
        .filter(in_phases(Action::MoveSchedule.phases(), at))
        .exec(c)
        .await
        .map_err(|e| ScheduleChange::Budget(e.into()))?;
    applied(result.rows_affected).map_err(ScheduleChange::Budget)
}

/// Why the schedule did not move.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleChange {
    #[error("the new schedule changes the past: {0:?}")]
    Schedule(ScheduleError),
    #[error(transparent)]
    Budget(#[from] BudgetError),
}

/// Takes the edition's row lock until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database already), so numbering, paper keying and the count
/// queue one behind another.
async fn lock_edition(c: &impl ConnectionTrait, edition: EditionId) -> Result<()> {
    budget_editions::Entity::update_many()
        .col_expr(
            budget_editions::Column::CreatedAt,
            Expr::col(budget_editions::Column::CreatedAt),
        )
        .filter(budget_editions::Column::Id.eq(edition.0))
        .exec(c)
        .await?;
    Ok(())
}
