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
        match locale {
            miasto_domain::Locale::En => &self.name_en,
            _ => &self.name_pl,
        }
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
        match locale {
            miasto_domain::Locale::En => &self.name_en,
            _ => &self.name_pl,
        }
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

// ---- editions -------------------------------------------------------------------------

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

// ---- projects -------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct NewProject {
    pub pool: Uuid,
    /// The published number; made from the pool and the edition's next number when None.
    pub code: Option<String>,
    pub author: Option<UserId>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub point: Option<(f64, f64)>,
    pub category: String,
    pub items: Vec<CostItem>,
    pub status: ProjectStatus,
}

/// Adds a project with the edition's next number. The caller checks the phase and the pool's
/// cost limits.
pub async fn add_project(
    c: &impl ConnectionTrait,
    edition: &Edition,
    new: &NewProject,
) -> Result<Project> {
    lock_edition(c, edition.id).await?;
    let last: Option<i32> = budget_projects::Entity::find()
        .select_only()
        .column_as(budget_projects::Column::Number.max(), "n")
        .filter(budget_projects::Column::EditionId.eq(edition.id))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    let number = last.unwrap_or(0) + 1;
    let pool = budget_pools::Entity::find_by_id(new.pool)
        .one(c)
        .await?
        .ok_or_else(|| corrupt("budget_pools", format!("no pool {}", new.pool)))?;
    let code = new
        .code
        .clone()
        .unwrap_or_else(|| format!("BO.{}.{number}/{}", pool.code.to_uppercase(), edition.slug));
    let at = now();
    let model = budget_projects::ActiveModel {
        id: Set(Uuid::now_v7()),
        edition_id: Set(edition.id),
        pool_id: Set(new.pool),
        number: Set(number),
        code: Set(code),
        author_id: Set(new.author.map(|u| u.0)),
        title: Set(new.title.clone()),
        summary: Set(new.summary.clone()),
        description: Set(new.description.clone()),
        location: Set(new.location.clone()),
        lat: Set(new.point.map(|p| p.0)),
        lon: Set(new.point.map(|p| p.1)),
        category: Set(new.category.clone()),
        cost: Set(new.items.iter().map(|i| i.amount).sum()),
        corrected_cost: Set(None),
        unit_id: Set(None),
        status: Set(new.status.as_str().to_owned()),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(c)
    .await?;
    save_items(c, model.id, &new.items).await?;
    Project::try_from(model)
}

async fn save_items(c: &impl ConnectionTrait, project: Uuid, items: &[CostItem]) -> Result<()> {
    budget_cost_items::Entity::delete_many()
        .filter(budget_cost_items::Column::ProjectId.eq(project))
        .exec(c)
        .await?;
    if items.is_empty() {
        return Ok(());
    }
    budget_cost_items::Entity::insert_many(items.iter().enumerate().map(|(i, item)| {
        budget_cost_items::ActiveModel {
            project_id: Set(project),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            description: Set(item.description.clone()),
            amount: Set(item.amount),
        }
    }))
    .exec(c)
    .await?;
    Ok(())
}

/// What may be filtered in the project list.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub pool: Option<Uuid>,
    pub status: Option<ProjectStatus>,
    pub category: Option<String>,
    /// Words in the title.
    pub text: Option<String>,
    /// The unit verifying it.
    pub unit: Option<UnitId>,
}

pub async fn projects(
    c: &impl ConnectionTrait,
    edition: Uuid,
    filter: &ProjectFilter,
    page: Page,
) -> Result<Paged<Project>> {
    let mut select =
        budget_projects::Entity::find().filter(budget_projects::Column::EditionId.eq(edition));
    if let Some(pool) = filter.pool {
        select = select.filter(budget_projects::Column::PoolId.eq(pool));
    }
    if let Some(status) = filter.status {
        select = select.filter(budget_projects::Column::Status.eq(status.as_str()));
    }
    if let Some(unit) = filter.unit {
        select = select.filter(budget_projects::Column::UnitId.eq(unit.0));
    }
    if let Some(category) = &filter.category {
        select = select.filter(budget_projects::Column::Category.eq(category.as_str()));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(
            Expr::expr(Func::lower(Expr::col(budget_projects::Column::Title)))
                .like(paging::contains_pattern(&text.to_lowercase())),
        );
    }
    let select = select.order_by_asc(budget_projects::Column::Number);
    let (rows, count) = paging::fetch(c, select, page).await?;
    Ok(Paged::new(all(rows)?, count, page))
}

pub async fn project(
    c: &impl ConnectionTrait,
    edition: Uuid,
    number: u32,
) -> Result<Option<Project>> {
    budget_projects::Entity::find()
        .filter(budget_projects::Column::EditionId.eq(edition))
        .filter(budget_projects::Column::Number.eq(i32::try_from(number).unwrap_or(-1)))
        .one(c)
        .await?
        .map(Project::try_from)
        .transpose()
}

pub async fn cost_items(c: &impl ConnectionTrait, project: Uuid) -> Result<Vec<CostItem>> {
    Ok(budget_cost_items::Entity::find()
        .filter(budget_cost_items::Column::ProjectId.eq(project))
        .order_by_asc(budget_cost_items::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(|m| CostItem {
            description: m.description,
            amount: m.amount,
        })
        .collect())
}

/// A pool's ballot: its accepted projects by number.
pub async fn ballot_projects(c: &impl ConnectionTrait, pool: Uuid) -> Result<Vec<Project>> {
    all(budget_projects::Entity::find()
        .filter(budget_projects::Column::PoolId.eq(pool))
        .filter(budget_projects::Column::Status.eq(ProjectStatus::Accepted.as_str()))
        .order_by_asc(budget_projects::Column::Number)
        .all(c)
        .await?)
}

/// The author's changes before the submission deadline: text, place and cost items.
pub async fn edit_project(c: &impl ConnectionTrait, project: Uuid, new: &NewProject) -> Result<()> {
    budget_projects::Entity::update_many()
        .col_expr(budget_projects::Column::PoolId, Expr::value(new.pool))
        .col_expr(
            budget_projects::Column::Title,
            Expr::value(new.title.clone()),
        )
        .col_expr(
            budget_projects::Column::Summary,
            Expr::value(new.summary.clone()),
        )
        .col_expr(
            budget_projects::Column::Description,
            Expr::value(new.description.clone()),
        )
        .col_expr(
            budget_projects::Column::Location,
            Expr::value(new.location.clone()),
        )
        .col_expr(
            budget_projects::Column::Lat,
            Expr::value(new.point.map(|p| p.0)),
        )
        .col_expr(
            budget_projects::Column::Lon,
            Expr::value(new.point.map(|p| p.1)),
        )
        .col_expr(
            budget_projects::Column::Category,
            Expr::value(new.category.clone()),
        )
        .col_expr(
            budget_projects::Column::Cost,
            Expr::value(new.items.iter().map(|i| i.amount).sum::<i64>()),
        )
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project))
        .exec(c)
        .await?;
    save_items(c, project, &new.items).await
}

/// Sets a project's status (withdrawal by its author; acceptance or rejection after
/// verification and appeals).
pub async fn set_status(
    c: &impl ConnectionTrait,
    project: Uuid,
    status: ProjectStatus,
) -> Result<()> {
    budget_projects::Entity::update_many()
        .col_expr(
            budget_projects::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project))
        .exec(c)
        .await?;
    Ok(())
}

/// Hands a project to the city unit that verifies it.
pub async fn assign(c: &impl ConnectionTrait, project: Uuid, unit: UnitId) -> Result<()> {
    budget_projects::Entity::update_many()
        .col_expr(budget_projects::Column::UnitId, Expr::value(unit.0))
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project))
        .exec(c)
        .await?;
    Ok(())
}

// ---- photos -------------------------------------------------------------------------

/// At most this many photos per project.
pub const MAX_PHOTOS: usize = 5;

/// A project's photo, public with the project unless staff hid it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPhoto {
    pub id: Uuid,
    pub project: Uuid,
    pub width: u32,
    pub height: u32,
    pub hidden: bool,
    original_key: String,
    display_key: String,
    thumb_key: String,
}

impl ProjectPhoto {
    pub fn key(&self, variant: crate::photos::Variant) -> &str {
        use crate::photos::Variant;
        match variant {
            Variant::Original => &self.original_key,
            Variant::Display => &self.display_key,
            Variant::Thumb => &self.thumb_key,
        }
    }
}

impl From<budget_project_photos::Model> for ProjectPhoto {
    fn from(m: budget_project_photos::Model) -> Self {
        Self {
            id: m.id,
            project: m.project_id,
            width: u32::try_from(m.width).unwrap_or_default(),
            height: u32::try_from(m.height).unwrap_or_default(),
            hidden: m.hidden,
            original_key: m.original_key,
            display_key: m.display_key,
            thumb_key: m.thumb_key,
        }
    }
}

/// Adds stored photos after the project's existing ones.
pub async fn attach_photos(
    c: &impl ConnectionTrait,
    project: Uuid,
    photos: &[crate::photos::Stored],
) -> Result<()> {
    let first = photos_of(c, project).await?.len();
    for (i, p) in photos.iter().enumerate() {
        budget_project_photos::ActiveModel {
            id: Set(p.id),
            project_id: Set(project),
            position: Set(i32::try_from(first + i).unwrap_or(i32::MAX)),
            original_key: Set(p.original_key.clone()),
            display_key: Set(p.display_key.clone()),
            thumb_key: Set(p.thumb_key.clone()),
            width: Set(i32::try_from(p.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(p.height).unwrap_or(i32::MAX)),
            bytes: Set(i64::try_from(p.bytes).unwrap_or(i64::MAX)),
            hidden: Set(false),
            created_at: Set(now()),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// A project's photos in order, hidden ones included (callers filter for the public).
pub async fn photos_of(c: &impl ConnectionTrait, project: Uuid) -> Result<Vec<ProjectPhoto>> {
    Ok(budget_project_photos::Entity::find()
        .filter(budget_project_photos::Column::ProjectId.eq(project))
        .order_by_asc(budget_project_photos::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(ProjectPhoto::from)
        .collect())
}

pub async fn photo(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<ProjectPhoto>> {
    Ok(budget_project_photos::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(ProjectPhoto::from))
}

// ---- verification and appeals -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Formal,
    Merit,
}

impl Stage {
    pub const ALL: [Self; 2] = [Self::Formal, Self::Merit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Formal => "formal",
            Self::Merit => "merit",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub stage: Stage,
    pub positive: bool,
    pub justification: String,
    pub corrected_cost: Option<i64>,
    pub unit: Option<UnitId>,
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
}

/// Records an assessment; a corrected cost becomes the project's cost on the ballot.
pub async fn assess(
    c: &impl ConnectionTrait,
    project: &Project,
    assessment: &Assessment,
) -> Result<()> {
    budget_assessments::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project.id),
        stage: Set(assessment.stage.as_str().to_owned()),
        positive: Set(assessment.positive),
        justification: Set(assessment.justification.clone()),
        corrected_cost: Set(assessment.corrected_cost),
        unit_id: Set(assessment.unit.map(|u| u.0)),
        assessed_by: Set(assessment.by.map(|u| u.0)),
        assessed_at: Set(assessment.at),
    }
    .insert(c)
    .await?;
    if let Some(cost) = assessment.corrected_cost {
        budget_projects::Entity::update_many()
            .col_expr(budget_projects::Column::CorrectedCost, Expr::value(cost))
            .filter(budget_projects::Column::Id.eq(project.id))
            .exec(c)
            .await?;
    }
    Ok(())
}

/// A project's assessments, oldest first.
pub async fn assessments(c: &impl ConnectionTrait, project: Uuid) -> Result<Vec<Assessment>> {
    budget_assessments::Entity::find()
        .filter(budget_assessments::Column::ProjectId.eq(project))
        .order_by_asc(budget_assessments::Column::AssessedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Assessment {
                stage: Stage::parse(&m.stage)
                    .ok_or_else(|| corrupt("budget_assessments", m.stage.clone()))?,
                positive: m.positive,
                justification: m.justification,
                corrected_cost: m.corrected_cost,
                unit: m.unit_id.map(UnitId),
                by: m.assessed_by.map(UserId),
                at: m.assessed_at,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub reason: String,
    pub filed_at: DateTime<Utc>,
    /// Some(true): upheld (the project goes on the ballot); Some(false): dismissed.
    pub upheld: Option<bool>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Files the author's appeal; false when one was filed already (one per project).
pub async fn file_appeal(
    c: &impl Savepoints,
    project: Uuid,
    author: Option<UserId>,
    reason: &str,
) -> Result<bool> {
    let savepoint = c.begin().await?;
    let inserted = budget_appeals::ActiveModel {
        project_id: Set(project),
        author_id: Set(author.map(|u| u.0)),
        reason: Set(reason.to_owned()),
        filed_at: Set(now()),
        decision: Set(None),
        decision_reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
    }
    .insert(&savepoint)
    .await;
    match inserted {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(true)
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn appeal(c: &impl ConnectionTrait, project: Uuid) -> Result<Option<Appeal>> {
    Ok(budget_appeals::Entity::find_by_id(project)
        .one(c)
        .await?
        .map(|m| Appeal {
            reason: m.reason,
            filed_at: m.filed_at,
            upheld: m.decision.as_deref().map(|d| d == "upheld"),
            decision_reason: m.decision_reason,
            decided_at: m.decided_at,
        }))
}

/// Records the decision on an appeal and sets the project's status from it. False when there
/// is no undecided appeal.
pub async fn decide_appeal(
    c: &impl ConnectionTrait,
    project: Uuid,
    upheld: bool,
    reason: &str,
    by: UserId,
) -> Result<bool> {
    let done = budget_appeals::Entity::update_many()
        .col_expr(
            budget_appeals::Column::Decision,
            Expr::value(if upheld { "upheld" } else { "dismissed" }),
        )
        .col_expr(
            budget_appeals::Column::DecisionReason,
            Expr::value(reason.to_owned()),
        )
        .col_expr(budget_appeals::Column::DecidedBy, Expr::value(by.0))
        .col_expr(budget_appeals::Column::DecidedAt, Expr::value(now()))
        .filter(budget_appeals::Column::ProjectId.eq(project))
        .filter(budget_appeals::Column::Decision.is_null())
        .exec(c)
        .await?
        .rows_affected
        == 1;
    if done {
        let status = if upheld {
            ProjectStatus::Accepted
        } else {
            ProjectStatus::Rejected
        };
        set_status(c, project, status).await?;
    }
    Ok(done)
}

// ---- realisation ------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realisation {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl Realisation {
    pub const ALL: [Self; 4] = [Self::Planned, Self::InProgress, Self::Done, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub status: Realisation,
    pub note: String,
    pub on: NaiveDate,
    pub by: Option<UserId>,
}

pub async fn add_milestone(
    c: &impl ConnectionTrait,
    project: Uuid,
    milestone: &Milestone,
) -> Result<()> {
    budget_milestones::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project),
        status: Set(milestone.status.as_str().to_owned()),
        note: Set(milestone.note.clone()),
        happened_on: Set(milestone.on),
        recorded_by: Set(milestone.by.map(|u| u.0)),
        recorded_at: Set(now()),
    }
    .insert(c)
    .await?;
    Ok(())
}

/// A project's milestones, oldest first; the last one is where it stands.
pub async fn milestones(c: &impl ConnectionTrait, project: Uuid) -> Result<Vec<Milestone>> {
    budget_milestones::Entity::find()
        .filter(budget_milestones::Column::ProjectId.eq(project))
        .order_by_asc(budget_milestones::Column::HappenedOn)
        .order_by_asc(budget_milestones::Column::RecordedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|m| {
            Ok(Milestone {
                status: Realisation::parse(&m.status)
                    .ok_or_else(|| corrupt("budget_milestones", m.status.clone()))?,
                note: m.note,
                on: m.happened_on,
                by: m.recorded_by.map(UserId),
            })
        })
        .collect()
}

// ---- the vote ---------------------------------------------------------------------------

/// Who a voter is, as far as "one person, one ballot" needs.
#[derive(Debug, Clone)]
pub enum Identity {
    Pesel(Pesel),
    /// A resident without a PESEL: date of birth and full name, with a declaration.
    Declared {
        born: NaiveDate,
        name: String,
    },
}

impl Identity {
    /// The keyed hash stored in place of the identity: HMAC-SHA256 under the server secret,
    /// per edition (so the same person's rows in two editions do not match), of the PESEL or
    /// of the date of birth and the name with case and spacing folded.
    pub fn hash(&self, secret: &[u8], edition: Uuid) -> String {
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"budget-voter\0");
        mac.update(edition.as_bytes());
        match self {
            Self::Pesel(p) => {
                mac.update(b"pesel\0");
                mac.update(p.as_digits().as_bytes());
            }
            Self::Declared { born, name } => {
                let folded = name
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
                    .join(" ");
                mac.update(b"declared\0");
                mac.update(born.to_string().as_bytes());
                mac.update(b"\0");
                mac.update(folded.as_bytes());
            }
        }
        crate::hex(&mac.finalize().into_bytes())
    }

    pub fn birth_date(&self) -> NaiveDate {
        match self {
            Self::Pesel(p) => p.birth_date(),
            Self::Declared { born, .. } => *born,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Paper,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Paper => "paper",
        }
    }
}

/// One project marked on a ballot, with the points it gets (3/2/1 in Kraków).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Mark {
    pub pool: Uuid,
    pub project: Uuid,
    pub points: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum CastError {
    #[error("this person or account has voted in this edition already")]
    AlreadyVoted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CastError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Stores a checked ballot: the voter's hash (refused if present) and the ballot with a
/// random id and the day only, in one savepoint, so either both are stored or neither.
pub async fn cast(
    c: &impl Savepoints,
    edition: Uuid,
    identity_hash: &str,
    user: Option<UserId>,
    channel: Channel,
    day: NaiveDate,
    marks: &[Mark],
) -> Result<(), CastError> {
    let savepoint = c.begin().await?;
    let result = insert_ballot(
        &savepoint,
        edition,
        identity_hash,
        user,
        channel,
        day,
        marks,
    )
    .await;
    crate::settle(savepoint, result).await
}

async fn insert_ballot(
    c: &impl ConnectionTrait,
    edition: Uuid,
    identity_hash: &str,
    user: Option<UserId>,
    channel: Channel,
    day: NaiveDate,
    marks: &[Mark],
) -> Result<(), CastError> {
    let voter = budget_voters::ActiveModel {
        edition_id: Set(edition),
        identity_hash: Set(identity_hash.to_owned()),
        user_id: Set(user.map(|u| u.0)),
    };
    if let Err(e) = budget_voters::Entity::insert(voter)
        .exec_without_returning(c)
        .await
    {
        return Err(
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                CastError::AlreadyVoted
            } else {
                e.into()
            },
        );
    }
    let ballot = Uuid::new_v4();
    budget_ballots::Entity::insert(budget_ballots::ActiveModel {
        id: Set(ballot),
        edition_id: Set(edition),
        channel: Set(channel.as_str().to_owned()),
        cast_on: Set(day),
    })
    .exec_without_returning(c)
    .await?;
    budget_ballot_choices::Entity::insert_many(marks.iter().map(|m| {
        budget_ballot_choices::ActiveModel {
            ballot_id: Set(ballot),
            project_id: Set(m.project),
            pool_id: Set(m.pool),
            points: Set(i32::from(m.points)),
        }
    }))
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Whether the account has voted in the edition (never how).
pub async fn has_voted(c: &impl ConnectionTrait, edition: Uuid, user: UserId) -> Result<bool> {
    Ok(budget_voters::Entity::find()
        .filter(budget_voters::Column::EditionId.eq(edition))
        .filter(budget_voters::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .is_some())
}

/// Whether a ballot was stored for this identity hash.
pub async fn identity_voted(
    c: &impl ConnectionTrait,
    edition: Uuid,
    identity_hash: &str,
) -> Result<bool> {
    Ok(
        budget_voters::Entity::find_by_id((edition, identity_hash.to_owned()))
            .one(c)
            .await?
            .is_some(),
    )
}

/// Ballots stored so far: (online, paper).
pub async fn ballot_totals(c: &impl ConnectionTrait, edition: Uuid) -> Result<(u64, u64)> {
    let rows: Vec<(String, i64)> = budget_ballots::Entity::find()
        .select_only()
        .column(budget_ballots::Column::Channel)
        .column_as(Expr::col(budget_ballots::Column::Id).count(), "n")
        .filter(budget_ballots::Column::EditionId.eq(edition))
        .group_by(budget_ballots::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    let get = |ch: Channel| {
        rows.iter()
            .find(|(c, _)| c == ch.as_str())
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    Ok((get(Channel::Online), get(Channel::Paper)))
}

// ---- paper ballots ----------------------------------------------------------------------

/// What became of one keying of a paper ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keying {
    /// First keying: waits for a second by someone else.
    Waiting,
    /// Agrees with an earlier keying: the ballot is counted.
    Counted,
    /// Disagrees: the sheet goes to the mismatch queue for a further keying.
    Mismatch,
    /// Agrees, but this person has voted already: the sheet is refused.
    AlreadyVoted,
    /// The same person keyed this sheet before; a second keying needs someone else.
    SameKeyer,
    /// The sheet was settled before (counted, refused or discarded).
    Settled,
}

impl Keying {
    pub const ALL: [Self; 6] = [
        Self::Waiting,
        Self::Counted,
        Self::Mismatch,
        Self::AlreadyVoted,
        Self::SameKeyer,
        Self::Settled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Counted => "counted",
            Self::Mismatch => "mismatch",
            Self::AlreadyVoted => "refused",
            Self::SameKeyer => "same-keyer",
            Self::Settled => "settled",
        }
    }
}

const OPEN: [&str; 2] = ["waiting", "mismatch"];

/// A paper sheet as typed: the voter's identity hash and the marks, in a stable order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub number: String,
    pub point: String,
    pub identity_hash: String,
    pub marks: Vec<Mark>,
}

/// Records one keying of a paper ballot. The second keying, by someone else, that agrees with
/// an earlier one stores the ballot (channel paper, in the same transaction) and erases the
/// identity and the choices from every keying of the sheet; one that disagrees sends the
/// sheet to the mismatch queue, where a further keying settles it the same way.
pub async fn key_paper(
    c: &impl Savepoints,
    edition: Uuid,
    sheet: &Sheet,
    by: UserId,
    day: NaiveDate,
) -> Result<Keying> {
    lock_edition(c, edition).await?;
    let earlier = budget_paper_entries::Entity::find()
        .filter(budget_paper_entries::Column::EditionId.eq(edition))
        .filter(budget_paper_entries::Column::Sheet.eq(sheet.number.as_str()))
        .all(c)
        .await?;
    if earlier.iter().any(|e| !OPEN.contains(&e.status.as_str())) {
        return Ok(Keying::Settled);
    }
    if earlier.iter().any(|e| e.keyed_by == Some(by.0)) {
        return Ok(Keying::SameKeyer);
    }
    let mut marks = sheet.marks.clone();
    marks.sort();
    let content = serde_json::to_string(&marks)
        .map_err(|e| corrupt("budget_paper_entries", e.to_string()))?;
    let agrees = earlier.iter().any(|e| {
        e.content.as_deref() == Some(content.as_str())
            && e.identity_hash.as_deref() == Some(sheet.identity_hash.as_str())
    });
    let status = if agrees {
        match cast(
            c,
            edition,
            &sheet.identity_hash,
            None,
            Channel::Paper,
            day,
            &marks,
        )
        .await
        {
            Ok(()) => Keying::Counted,
            Err(CastError::AlreadyVoted) => Keying::AlreadyVoted,
            Err(CastError::Store(e)) => return Err(e),
        }
    } else if earlier.is_empty() {
        Keying::Waiting
    } else {
        Keying::Mismatch
    };
    let settled = matches!(status, Keying::Counted | Keying::AlreadyVoted);
    budget_paper_entries::ActiveModel {
        id: Set(Uuid::now_v7()),
        edition_id: Set(edition),
        sheet: Set(sheet.number.clone()),
        point: Set(sheet.point.clone()),
        keyed_by: Set(Some(by.0)),
        keyed_at: Set(now()),
        identity_hash: Set((!settled).then(|| sheet.identity_hash.clone())),
        content: Set((!settled).then_some(content)),
        status: Set(status.as_str().to_owned()),
        resolved_by: Set(None),
    }
    .insert(c)
    .await?;
    if !earlier.is_empty() {
        budget_paper_entries::Entity::update_many()
            .col_expr(
                budget_paper_entries::Column::Status,
                Expr::value(status.as_str()),
            )
            .col_expr(
                budget_paper_entries::Column::IdentityHash,
                if settled {
                    Expr::value(Option::<String>::None)
                } else {
                    Expr::col(budget_paper_entries::Column::IdentityHash)
                },
            )
            .col_expr(
                budget_paper_entries::Column::Content,
                if settled {
                    Expr::value(Option::<String>::None)
                } else {
                    Expr::col(budget_paper_entries::Column::Content)
                },
            )
            .col_expr(
                budget_paper_entries::Column::ResolvedBy,
                Expr::value(settled.then_some(by.0)),
            )
            .filter(budget_paper_entries::Column::EditionId.eq(edition))
            .filter(budget_paper_entries::Column::Sheet.eq(sheet.number.as_str()))
            .exec(c)
            .await?;
    }
    Ok(status)
}

/// A sheet whose keyings disagree, or which waits for its second keying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSheet {
    pub number: String,
    pub point: String,
    pub keyings: u32,
    pub mismatch: bool,
    pub first_keyed_at: DateTime<Utc>,
}

/// Sheets still open: mismatches first, then those waiting, oldest first.
pub async fn open_sheets(c: &impl ConnectionTrait, edition: Uuid) -> Result<Vec<OpenSheet>> {
    let rows = budget_paper_entries::Entity::find()
        .filter(budget_paper_entries::Column::EditionId.eq(edition))
        .filter(budget_paper_entries::Column::Status.is_in(OPEN))
        .order_by_asc(budget_paper_entries::Column::KeyedAt)
        .all(c)
        .await?;
    let mut sheets: Vec<OpenSheet> = Vec::new();
    for row in rows {
        if let Some(s) = sheets.iter_mut().find(|s| s.number == row.sheet) {
            s.keyings += 1;
        } else {
            sheets.push(OpenSheet {
                number: row.sheet,
                point: row.point,
                keyings: 1,
                mismatch: row.status == "mismatch",
                first_keyed_at: row.keyed_at,
            });
        }
    }
    sheets.sort_by_key(|s| (!s.mismatch, s.first_keyed_at));
    Ok(sheets)
}

/// Sheets settled so far: (counted, refused because the person had voted).
pub async fn settled_sheets(c: &impl ConnectionTrait, edition: Uuid) -> Result<(u64, u64)> {
    let rows: Vec<(String, i64)> = budget_paper_entries::Entity::find()
        .select_only()
        .column(budget_paper_entries::Column::Status)
        .column_as(
            Expr::col(budget_paper_entries::Column::Sheet).count_distinct(),
            "n",
        )
        .filter(budget_paper_entries::Column::EditionId.eq(edition))
        .group_by(budget_paper_entries::Column::Status)
        .into_tuple()
        .all(c)
        .await?;
    let get = |k: Keying| {
        rows.iter()
            .find(|(s, _)| s == k.as_str())
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    Ok((get(Keying::Counted), get(Keying::AlreadyVoted)))
}

// ---- counting and results ---------------------------------------------------------------

/// A pool's vote as `miasto-tally` reads it, anonymised: voters are numbered in the order of
/// their ballots' random ids. Projects are the pool's accepted ones, at their final cost.
pub async fn election(
    c: &impl ConnectionTrait,
    edition: &Edition,
    pool: &Pool,
) -> Result<(miasto_tally::Election, Vec<Project>)> {
    let projects = ballot_projects(c, pool.id).await?;
    let index: HashMap<Uuid, usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    let rows: Vec<(Uuid, Uuid, i32)> = budget_ballot_choices::Entity::find()
        .select_only()
        .column(budget_ballot_choices::Column::BallotId)
        .column(budget_ballot_choices::Column::ProjectId)
        .column(budget_ballot_choices::Column::Points)
        .filter(budget_ballot_choices::Column::PoolId.eq(pool.id))
        .into_tuple()
        .all(c)
        .await?;
    let mut by_ballot: BTreeMap<Uuid, Vec<(usize, u64)>> = BTreeMap::new();
    for (ballot, project, points) in rows {
        if let Some(&i) = index.get(&project) {
            by_ballot
                .entry(ballot)
                .or_default()
                .push((i, u64::try_from(points).unwrap_or(0)));
        }
    }
    let vote_type = miasto_tally::VoteType::parse(pool.rule.vote_type())
        .unwrap_or(miasto_tally::VoteType::Approval);
    let cumulative = vote_type == miasto_tally::VoteType::Cumulative;
    let ballots = by_ballot
        .into_values()
        .enumerate()
        .map(|(n, mut marks)| {
            // Ordinal ballots list the first choice first.
            marks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let voter = (n + 1).to_string();
            let mut fields = vec![voter.clone(), String::new()];
            if cumulative {
                fields.push(String::new());
            }
            miasto_tally::Ballot {
                voter_id: voter,
                choices: marks.iter().map(|m| m.0).collect(),
                points: cumulative.then(|| marks.iter().map(|m| m.1).collect()),
                fields,
            }
        })
        .collect::<Vec<_>>();
    let mut meta = vec![
        (
            "description".to_owned(),
            format!("{} — {}", edition.name_pl, pool.name_pl),
        ),
        ("country".to_owned(), "Poland".to_owned()),
        ("unit".to_owned(), pool.name_pl.clone()),
        ("instance".to_owned(), edition.slug.clone()),
        ("num_projects".to_owned(), projects.len().to_string()),
        ("num_votes".to_owned(), ballots.len().to_string()),
        (
            "budget".to_owned(),
            miasto_tally::Amount::from_hundredths(pool.budget).to_string(),
        ),
        ("vote_type".to_owned(), vote_type.as_str().to_owned()),
        ("rule".to_owned(), pool.counting.as_str().to_owned()),
        ("currency".to_owned(), "PLN".to_owned()),
        ("language".to_owned(), "pl".to_owned()),
    ];
    if let BallotRule::Ranked { picks } = pool.rule {
        meta.push(("min_length".to_owned(), picks.to_string()));
        meta.push(("max_length".to_owned(), picks.to_string()));
    }
    let election = miasto_tally::Election {
        meta,
        budget: miasto_tally::Amount::from_hundredths(pool.budget),
        vote_type,
        project_columns: vec!["project_id".into(), "cost".into(), "name".into()],
        projects: projects
            .iter()
            .map(|p| {
                let cost = miasto_tally::Amount::from_hundredths(p.final_cost());
                miasto_tally::Project {
                    id: p.code.clone(),
                    cost,
                    fields: vec![p.code.clone(), cost.to_string(), p.title.clone()],
                }
            })
            .collect(),
        vote_columns: if cumulative {
            vec!["voter_id".into(), "vote".into(), "points".into()]
        } else {
            vec!["voter_id".into(), "vote".into()]
        },
        ballots,
    };
    Ok((election, projects))
}

/// The pool's ballots as a Pabulib file (see [`election`]).
pub async fn pabulib(c: &impl ConnectionTrait, edition: &Edition, pool: &Pool) -> Result<String> {
    let (election, _) = election(c, edition, pool).await?;
    Ok(miasto_tally::pabulib::write(&election))
}

/// Counts every pool of the edition with its rule and stores the results (replacing any
/// earlier count). Run it once voting has closed; publishing is a separate step.
pub async fn count(c: &impl ConnectionTrait, edition: &Edition) -> Result<()> {
    let counted_at = now();
    for pool in pools(c, edition.id).await? {
        let (e, projects) = election(c, edition, &pool).await?;
        let outcome = match pool.counting {
            Counting::Greedy => miasto_tally::greedy::greedy(&e, e.budget, &Default::default()),
            Counting::EqualSharesCost | Counting::EqualSharesApproval => {
                let utility = if pool.counting == Counting::EqualSharesCost {
                    miasto_tally::mes::Utility::Cost
                } else {
                    miasto_tally::mes::Utility::Approval
                };
                miasto_tally::mes::mes(
                    &e,
                    e.budget,
                    &miasto_tally::mes::Options {
                        utility,
                        completion: miasto_tally::mes::Completion::Add1,
                        ..Default::default()
                    },
                )
            }
        };
        let (score, votes) = e.scores();
        let order = miasto_tally::greedy::ranking(&e, miasto_tally::TieRule::default());
        let channels = pool_channels(c, pool.id).await?;
        budget_pool_results::Entity::delete_by_id(pool.id)
            .exec(c)
            .await?;
        budget_pool_results::ActiveModel {
            pool_id: Set(pool.id),
            ballots_online: Set(i64::try_from(channels.0).unwrap_or(i64::MAX)),
            ballots_paper: Set(i64::try_from(channels.1).unwrap_or(i64::MAX)),
            spent: Set(outcome.cost(&e).hundredths()),
            counted_at: Set(counted_at),
        }
        .insert(c)
        .await?;
        let rows = order
            .iter()
            .enumerate()
            .map(|(position, &i)| budget_results::ActiveModel {
                pool_id: Set(pool.id),
                project_id: Set(projects[i].id),
                score: Set(i64::try_from(score[i]).unwrap_or(i64::MAX)),
                voters: Set(i64::try_from(votes[i]).unwrap_or(i64::MAX)),
                funded: Set(outcome.funded.contains(&i)),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            });
        if !order.is_empty() {
            budget_results::Entity::insert_many(rows)
                .exec_without_returning(c)
                .await?;
        }
    }
    Ok(())
}

/// Ballots that chose something in the pool: (online, paper).
async fn pool_channels(c: &impl ConnectionTrait, pool: Uuid) -> Result<(u64, u64)> {
    let rows: Vec<(String, i64)> = budget_ballot_choices::Entity::find()
        .select_only()
        .column(budget_ballots::Column::Channel)
        .column_as(
            Expr::col((
                budget_ballot_choices::Entity,
                budget_ballot_choices::Column::BallotId,
            ))
            .count_distinct(),
            "n",
        )
        .join(
            sea_orm::JoinType::InnerJoin,
            budget_ballot_choices::Entity::belongs_to(budget_ballots::Entity)
                .from(budget_ballot_choices::Column::BallotId)
                .to(budget_ballots::Column::Id)
                .into(),
        )
        .filter(budget_ballot_choices::Column::PoolId.eq(pool))
        .group_by(budget_ballots::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    let get = |ch: Channel| {
        rows.iter()
            .find(|(c, _)| c == ch.as_str())
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    Ok((get(Channel::Online), get(Channel::Paper)))
}

/// Makes the counted results public.
pub async fn publish(c: &impl ConnectionTrait, edition: Uuid) -> Result<bool> {
    Ok(budget_editions::Entity::update_many()
        .col_expr(
            budget_editions::Column::ResultsPublishedAt,
            Expr::value(now()),
        )
        .filter(budget_editions::Column::Id.eq(edition))
        .filter(budget_editions::Column::ResultsPublishedAt.is_null())
        .exec(c)
        .await?
        .rows_affected
        == 1)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    pub project: Project,
    pub score: u64,
    pub voters: u64,
    pub funded: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolResult {
    pub pool: Pool,
    pub online: u64,
    pub paper: u64,
    pub spent: i64,
    pub counted_at: DateTime<Utc>,
    /// In the order the count considered them (score, then the tie rule).
    pub rows: Vec<ResultRow>,
}

impl PoolResult {
    pub fn ballots(&self) -> u64 {
        self.online + self.paper
    }

    pub fn leftover(&self) -> i64 {
        self.pool.budget - self.spent
    }
}

/// The stored count of every pool counted so far, in pool order.
pub async fn results(c: &impl ConnectionTrait, edition: &Edition) -> Result<Vec<PoolResult>> {
    let mut out = Vec::new();
    for pool in pools(c, edition.id).await? {
        let Some(totals) = budget_pool_results::Entity::find_by_id(pool.id)
            .one(c)
            .await?
        else {
            continue;
        };
        let rows = budget_results::Entity::find()
            .filter(budget_results::Column::PoolId.eq(pool.id))
            .order_by_asc(budget_results::Column::Position)
            .all(c)
            .await?;
        let projects: HashMap<Uuid, Project> = all::<_, Project>(
            budget_projects::Entity::find()
                .filter(budget_projects::Column::PoolId.eq(pool.id))
                .all(c)
                .await?,
        )?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
        let rows = rows
            .into_iter()
            .filter_map(|r| {
                Some(ResultRow {
                    project: projects.get(&r.project_id)?.clone(),
                    score: u64::try_from(r.score).unwrap_or(0),
                    voters: u64::try_from(r.voters).unwrap_or(0),
                    funded: r.funded,
                })
            })
            .collect();
        out.push(PoolResult {
            online: u64::try_from(totals.ballots_online).unwrap_or(0),
            paper: u64::try_from(totals.ballots_paper).unwrap_or(0),
            spent: totals.spent,
            counted_at: totals.counted_at,
            rows,
            pool,
        });
    }
    Ok(out)
}

/// The funded project's realisation, for lists: its latest milestone.
pub async fn latest_milestones(
    c: &impl ConnectionTrait,
    projects: &[Uuid],
) -> Result<HashMap<Uuid, Realisation>> {
    let rows = budget_milestones::Entity::find()
        .filter(budget_milestones::Column::ProjectId.is_in(projects.iter().copied()))
        .order_by_asc(budget_milestones::Column::HappenedOn)
        .order_by_asc(budget_milestones::Column::RecordedAt)
        .all(c)
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        if let Some(status) = Realisation::parse(&row.status) {
            out.insert(row.project_id, status);
        }
    }
    Ok(out)
}
