//! Reply templates, kept per unit or shared by all. Writes are conditional on the writer's
//! scope (`domain::reports::replies::Scope`): a unit's staff cannot change another unit's
//! template even by sending its id, because the row must match their unit to be touched.

use crate::entities::reply_templates;
use crate::{Result, now};
use chrono::{DateTime, Utc};
use miasto_domain::reports::Status;
use miasto_domain::reports::replies::{Content, Scope};
use miasto_domain::{UnitId, UserId};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: Uuid,
    /// `None`: shared by every unit.
    pub unit: Option<UnitId>,
    pub title: String,
    pub body: String,
    pub status: Option<Status>,
    pub updated_at: DateTime<Utc>,
}

impl From<reply_templates::Model> for Template {
    fn from(m: reply_templates::Model) -> Self {
        Self {
            id: m.id,
            unit: m.unit_id.map(UnitId),
            title: m.title,
            body: m.body,
            status: m.status.as_deref().and_then(|s| Status::parse(s).ok()),
            updated_at: m.updated_at,
        }
    }
}

/// The rows a scope may see and touch: all, or one unit's and (to read only) the shared ones.
fn scoped(scope: Scope, with_shared: bool) -> Condition {
    let unit = reply_templates::Column::UnitId;
    match scope {
        Scope::Any => Condition::all(),
        Scope::Unit(own) if with_shared => Condition::any().add(unit.eq(own.0)).add(unit.is_null()),
        Scope::Unit(own) => Condition::all().add(unit.eq(own.0)),
        Scope::None => Condition::all().add(reply_templates::Column::Id.is_null()),
    }
}

/// The templates a scope sees, shared ones first, then by unit and title.
pub async fn list(c: &impl ConnectionTrait, scope: Scope) -> Result<Vec<Template>> {
    let mut rows: Vec<Template> = reply_templates::Entity::find()
        .filter(scoped(scope, true))
        .order_by_asc(reply_templates::Column::Title)
        .all(c)
        .await?
        .into_iter()
        .map(Template::from)
        .collect();
    rows.sort_by_key(|t| t.unit.is_some());
    Ok(rows)
}

/// The templates offered on a report of `unit`: its unit's and the shared ones, by title.
pub async fn for_report(c: &impl ConnectionTrait, unit: UnitId) -> Result<Vec<Template>> {
    list(c, Scope::Unit(unit)).await
}

/// One template, if the scope sees it.
pub async fn get(c: &impl ConnectionTrait, scope: Scope, id: Uuid) -> Result<Option<Template>> {
    Ok(reply_templates::Entity::find_by_id(id)
        .filter(scoped(scope, true))
        .one(c)
        .await?
        .map(Template::from))
}

pub async fn create(
    c: &impl ConnectionTrait,
    unit: Option<UnitId>,
    content: &Content,
    by: UserId,
) -> Result<Template> {
    let row = reply_templates::ActiveModel {
        id: Set(Uuid::now_v7()),
        unit_id: Set(unit.map(|u| u.0)),
        title: Set(content.title.clone()),
        body: Set(content.body.clone()),
        status: Set(content.status.map(|s| s.as_str().to_owned())),
        updated_at: Set(now()),
        updated_by: Set(Some(by.0)),
    }
    .insert(c)
    .await?;
    Ok(row.into())
}

/// Changes a template the scope may keep (moving it to `unit`); `None` when no such row.
pub async fn update(
    c: &impl ConnectionTrait,
    scope: Scope,
    id: Uuid,
    unit: Option<UnitId>,
    content: &Content,
    by: UserId,
) -> Result<Option<Template>> {
    let done = reply_templates::Entity::update_many()
        .col_expr(reply_templates::Column::UnitId, unit.map(|u| u.0).into())
        .col_expr(reply_templates::Column::Title, content.title.clone().into())
        .col_expr(reply_templates::Column::Body, content.body.clone().into())
        .col_expr(
            reply_templates::Column::Status,
            content.status.map(|s| s.as_str().to_owned()).into(),
        )
        .col_expr(reply_templates::Column::UpdatedAt, now().into())
        .col_expr(reply_templates::Column::UpdatedBy, Some(by.0).into())
        .filter(reply_templates::Column::Id.eq(id))
        .filter(scoped(scope, false))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Ok(None);
    }
    get(c, scope, id).await
}

/// Deletes a template the scope may keep; whether there was one.
pub async fn delete(c: &impl ConnectionTrait, scope: Scope, id: Uuid) -> Result<bool> {
    let done = reply_templates::Entity::delete_many()
        .filter(reply_templates::Column::Id.eq(id))
        .filter(scoped(scope, false))
        .exec(c)
        .await?;
    Ok(done.rows_affected > 0)
}
