//! Projects: submitted, changed and withdrawn by their authors or loaded from a file, with
//! their cost items and photos; listed with filters; handed to units and decided on. Every
//! change is conditional on the rulebook (`Action::phases`, `Action::statuses`).

use super::*;

#[derive(Debug, Clone)]
pub struct NewProject {
    pub pool: PoolId,
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

/// How a guarded edition row is held until the transaction ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// Many at once (votes); a change to the edition waits for them, and they for it.
    Shared,
    /// One at a time (numbering, paper keying, the count).
    Exclusive,
}

/// Refuses unless `action` is open in the edition at the store's clock and `extra` holds
/// (both read from the edition's row, which is held as `hold` says).
pub(crate) async fn guard(
    c: &impl ConnectionTrait,
    edition: EditionId,
    action: Action,
    extra: Condition,
    hold: Hold,
) -> Result<(), BudgetError> {
    if hold == Hold::Exclusive {
        lock_edition(c, edition).await?;
    }
    let mut query = budget_editions::Entity::find()
        .select_only()
        .column(budget_editions::Column::Id)
        .filter(budget_editions::Column::Id.eq(edition.0))
        .filter(in_phases(action.phases(), now()))
        .filter(extra);
    if hold == Hold::Shared {
        query = query.lock_shared();
    }
    let found: Option<Uuid> = query.into_tuple().one(c).await?;
    found
        .map(|_| ())
        .ok_or(BudgetError::Refused(Refusal::Stale))
}

/// A resident's project, while submissions are open (status Submitted whatever `new` says).
pub async fn submit_project(
    c: &impl ConnectionTrait,
    edition: &Edition,
    new: &NewProject,
) -> Result<Project, BudgetError> {
    guard(
        c,
        edition.id,
        Action::Submit,
        Condition::all(),
        Hold::Exclusive,
    )
    .await?;
    let new = NewProject {
        status: ProjectStatus::Submitted,
        ..new.clone()
    };
    Ok(insert_project(c, edition, &new).await?)
}

/// Adds a project with the edition's next number whatever the phase: for loading an edition
/// from files on the command line (`miasto budget demo`) and for tests. The caller checks the
/// pool's cost limits.
pub async fn import_project(
    c: &impl ConnectionTrait,
    edition: &Edition,
    new: &NewProject,
) -> Result<Project> {
    lock_edition(c, edition.id).await?;
    insert_project(c, edition, new).await
}

async fn insert_project(
    c: &impl ConnectionTrait,
    edition: &Edition,
    new: &NewProject,
) -> Result<Project> {
    let last: Option<i32> = budget_projects::Entity::find()
        .select_only()
        .column_as(budget_projects::Column::Number.max(), "n")
        .filter(budget_projects::Column::EditionId.eq(edition.id.0))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    let number = last.unwrap_or(0) + 1;
    let pool = budget_pools::Entity::find_by_id(new.pool.0)
        .filter(budget_pools::Column::EditionId.eq(edition.id.0))
        .one(c)
        .await?
        .ok_or_else(|| {
            corrupt(
                "budget_pools",
                format!("no pool {} in the edition", new.pool),
            )
        })?;
    let code = new
        .code
        .clone()
        .unwrap_or_else(|| format!("BO.{}.{number}/{}", pool.code.to_uppercase(), edition.slug));
    let at = now();
    let model = budget_projects::ActiveModel {
        id: Set(Uuid::now_v7()),
        edition_id: Set(edition.id.0),
        pool_id: Set(new.pool.0),
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
    let project = Project::try_from(model)?;
    save_items(c, project.id, &new.items).await?;
    Ok(project)
}

async fn save_items(
    c: &impl ConnectionTrait,
    project: ProjectId,
    items: &[CostItem],
) -> Result<()> {
    budget_cost_items::Entity::delete_many()
        .filter(budget_cost_items::Column::ProjectId.eq(project.0))
        .exec(c)
        .await?;
    if items.is_empty() {
        return Ok(());
    }
    budget_cost_items::Entity::insert_many(items.iter().enumerate().map(|(i, item)| {
        budget_cost_items::ActiveModel {
            project_id: Set(project.0),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            description: Set(item.description.clone()),
            amount: Set(item.amount),
        }
    }))
    .exec(c)
    .await?;
    Ok(())
}

/// "The project's edition has `action` open, and its status allows it."
pub(crate) fn project_open_for(action: Action, at: DateTime<Utc>) -> Condition {
    let mut cond = Condition::all()
        .add(budget_projects::Column::EditionId.in_subquery(editions_open_for(action, at)));
    if let Some(statuses) = action.statuses() {
        cond = cond.add(budget_projects::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    }
    cond
}

/// What may be filtered in the project list.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub pool: Option<PoolId>,
    pub status: Option<ProjectStatus>,
    pub category: Option<String>,
    /// Words in the title.
    pub text: Option<String>,
    /// The unit verifying it.
    pub unit: Option<UnitId>,
}

pub async fn projects(
    c: &impl ConnectionTrait,
    edition: EditionId,
    filter: &ProjectFilter,
    page: Page,
) -> Result<Paged<Project>> {
    let mut select =
        budget_projects::Entity::find().filter(budget_projects::Column::EditionId.eq(edition.0));
    if let Some(pool) = filter.pool {
        select = select.filter(budget_projects::Column::PoolId.eq(pool.0));
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
    edition: EditionId,
    number: u32,
) -> Result<Option<Project>> {
    budget_projects::Entity::find()
        .filter(budget_projects::Column::EditionId.eq(edition.0))
        .filter(budget_projects::Column::Number.eq(i32::try_from(number).unwrap_or(-1)))
        .one(c)
        .await?
        .map(Project::try_from)
        .transpose()
}

pub async fn project_by_id(c: &impl ConnectionTrait, id: ProjectId) -> Result<Option<Project>> {
    budget_projects::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(Project::try_from)
        .transpose()
}

pub async fn cost_items(c: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<CostItem>> {
    Ok(budget_cost_items::Entity::find()
        .filter(budget_cost_items::Column::ProjectId.eq(project.0))
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
pub async fn ballot_projects(c: &impl ConnectionTrait, pool: PoolId) -> Result<Vec<Project>> {
    all(budget_projects::Entity::find()
        .filter(budget_projects::Column::PoolId.eq(pool.0))
        .filter(budget_projects::Column::Status.eq(ProjectStatus::Accepted.as_str()))
        .order_by_asc(budget_projects::Column::Number)
        .all(c)
        .await?)
}

/// The author's changes while submissions are open: text, pool, place and cost items. Refused
/// (nothing written) once submissions close, for anyone but the author, or once the project
/// is no longer just submitted.
pub async fn edit_project(
    c: &impl ConnectionTrait,
    project: &Project,
    author: UserId,
    new: &NewProject,
) -> Result<(), BudgetError> {
    use budget_projects::Column as C;
    let pool_here = budget_pools::Entity::find_by_id(new.pool.0)
        .filter(budget_pools::Column::EditionId.eq(project.edition_id.0))
        .one(c)
        .await?;
    if pool_here.is_none() {
        return Err(corrupt(
            "budget_pools",
            format!("no pool {} in the edition", new.pool),
        )
        .into());
    }
    let result = budget_projects::Entity::update_many()
        .col_expr(C::PoolId, Expr::value(new.pool.0))
        .col_expr(C::Title, Expr::value(new.title.clone()))
        .col_expr(C::Summary, Expr::value(new.summary.clone()))
        .col_expr(C::Description, Expr::value(new.description.clone()))
        .col_expr(C::Location, Expr::value(new.location.clone()))
        .col_expr(C::Lat, Expr::value(new.point.map(|p| p.0)))
        .col_expr(C::Lon, Expr::value(new.point.map(|p| p.1)))
        .col_expr(C::Category, Expr::value(new.category.clone()))
        .col_expr(
            C::Cost,
            Expr::value(new.items.iter().map(|i| i.amount).sum::<i64>()),
        )
        .col_expr(C::UpdatedAt, Expr::value(now()))
        .filter(C::Id.eq(project.id.0))
        .filter(C::AuthorId.eq(author.0))
        .filter(project_open_for(Action::Edit, now()))
        .exec(c)
        .await?;
    applied(result.rows_affected)?;
    Ok(save_items(c, project.id, &new.items).await?)
}

/// The author takes the project back, until voting opens; final.
pub async fn withdraw(
    c: &impl ConnectionTrait,
    project: ProjectId,
    author: UserId,
) -> Result<(), BudgetError> {
    let result = budget_projects::Entity::update_many()
        .col_expr(
            budget_projects::Column::Status,
            Expr::value(ProjectStatus::Withdrawn.as_str()),
        )
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project.0))
        .filter(budget_projects::Column::AuthorId.eq(author.0))
        .filter(project_open_for(Action::Withdraw, now()))
        .exec(c)
        .await?;
    applied(result.rows_affected)
}

/// An official puts the project on the ballot or leaves it off: from the status they saw
/// (`from`), so a withdrawal or another decision made meanwhile is never overwritten.
pub async fn decide(
    c: &impl ConnectionTrait,
    project: ProjectId,
    from: ProjectStatus,
    to: ProjectStatus,
) -> Result<(), BudgetError> {
    miasto_domain::budget::check_status(from, to).map_err(BudgetError::Refused)?;
    set_status_if(c, project, Action::Decide, from, to).await
}

/// Moves a project from `from` to `to` while `action` is open; nothing if it moved meanwhile.
pub(crate) async fn set_status_if(
    c: &impl ConnectionTrait,
    project: ProjectId,
    action: Action,
    from: ProjectStatus,
    to: ProjectStatus,
) -> Result<(), BudgetError> {
    let result = budget_projects::Entity::update_many()
        .col_expr(budget_projects::Column::Status, Expr::value(to.as_str()))
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project.0))
        .filter(budget_projects::Column::Status.eq(from.as_str()))
        .filter(project_open_for(action, now()))
        .exec(c)
        .await?;
    applied(result.rows_affected)
}

/// Hands a project to the city unit that verifies it.
pub async fn assign(
    c: &impl ConnectionTrait,
    project: ProjectId,
    unit: UnitId,
) -> Result<(), BudgetError> {
    let result = budget_projects::Entity::update_many()
        .col_expr(budget_projects::Column::UnitId, Expr::value(unit.0))
        .col_expr(budget_projects::Column::UpdatedAt, Expr::value(now()))
        .filter(budget_projects::Column::Id.eq(project.0))
        .filter(project_open_for(Action::Assign, now()))
        .exec(c)
        .await?;
    applied(result.rows_affected)
}

/// At most this many photos per project.
pub const MAX_PHOTOS: usize = 5;

/// A project's photo, public with the project unless staff hid it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPhoto {
    pub id: Uuid,
    pub project: ProjectId,
    pub width: u32,
    pub height: u32,
    pub hidden: bool,
    original_key: String,
    display_key: String,
    thumb_key: String,
}

impl ProjectPhoto {
    pub fn key(&self, variant: crate::photos::Variant) -> &str {
        variant.pick(&self.original_key, &self.display_key, &self.thumb_key)
    }
}

impl From<budget_project_photos::Model> for ProjectPhoto {
    fn from(m: budget_project_photos::Model) -> Self {
        Self {
            id: m.id,
            project: ProjectId(m.project_id),
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
    project: ProjectId,
    photos: &[crate::photos::Stored],
) -> Result<()> {
    let first = photos_of(c, project).await?.len();
    for (i, p) in photos.iter().enumerate() {
        budget_project_photos::ActiveModel {
            id: Set(p.id),
            project_id: Set(project.0),
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
pub async fn photos_of(c: &impl ConnectionTrait, project: ProjectId) -> Result<Vec<ProjectPhoto>> {
    Ok(budget_project_photos::Entity::find()
        .filter(budget_project_photos::Column::ProjectId.eq(project.0))
        .order_by_asc(budget_project_photos::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(ProjectPhoto::from)
        .collect())
}

/// The first photo not hidden of each of `projects` (those without one are absent), with one
/// query for a whole ballot or list.
pub async fn first_photos(
    c: &impl ConnectionTrait,
    projects: &[ProjectId],
) -> Result<std::collections::HashMap<ProjectId, Uuid>> {
    let mut first = std::collections::HashMap::new();
    if projects.is_empty() {
        return Ok(first);
    }
    let rows = budget_project_photos::Entity::find()
        .filter(budget_project_photos::Column::ProjectId.is_in(projects.iter().map(|p| p.0)))
        .filter(budget_project_photos::Column::Hidden.eq(false))
        .order_by_asc(budget_project_photos::Column::Position)
        .all(c)
        .await?;
    for row in rows {
        first.entry(ProjectId(row.project_id)).or_insert(row.id);
    }
    Ok(first)
}

pub async fn photo(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<ProjectPhoto>> {
    Ok(budget_project_photos::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(ProjectPhoto::from))
}
