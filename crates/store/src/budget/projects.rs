//! Projects: submitted, changed and withdrawn by their authors or loaded from a file, with
//! their cost items and photos; listed with filters.

use super::*;

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
        variant.pick(&self.original_key, &self.display_key, &self.thumb_key)
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
