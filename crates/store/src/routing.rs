//! Routing: which city unit gets a new report. A rule table of category × optional district →
//! unit; a district's rule beats the category's default. Every category has a default rule
//! (loaded with the city's data, required when an admin adds a category), so every report is
//! assigned on submission.

use crate::entities::routing_rules;
use crate::{Result, now};
use miasto_domain::{CategoryId, DistrictId, UnitId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: Uuid,
    pub category: CategoryId,
    /// `None`: the category's default, for any district.
    pub district: Option<DistrictId>,
    pub unit: UnitId,
}

impl From<routing_rules::Model> for Rule {
    fn from(m: routing_rules::Model) -> Self {
        Self {
            id: m.id,
            category: CategoryId(m.category_id),
            district: m.district_id.map(DistrictId),
            unit: UnitId(m.unit_id),
        }
    }
}

/// The unit for a report in `category` located in `district` (if known).
pub async fn route(
    c: &impl ConnectionTrait,
    category: CategoryId,
    district: Option<DistrictId>,
) -> Result<Option<UnitId>> {
    let rules = routing_rules::Entity::find()
        .filter(routing_rules::Column::CategoryId.eq(category.0))
        .all(c)
        .await?;
    let specific = district.and_then(|d| rules.iter().find(|r| r.district_id == Some(d.0)));
    let default = rules.iter().find(|r| r.district_id.is_none());
    Ok(specific.or(default).map(|r| UnitId(r.unit_id)))
}

pub async fn list_rules(c: &impl ConnectionTrait) -> Result<Vec<Rule>> {
    Ok(routing_rules::Entity::find()
        .order_by_asc(routing_rules::Column::CategoryId)
        .order_by_asc(routing_rules::Column::DistrictId)
        .all(c)
        .await?
        .into_iter()
        .map(Rule::from)
        .collect())
}

/// Sets the unit for `category` (in `district`, or by default), replacing any rule there.
pub async fn set_rule(
    c: &impl ConnectionTrait,
    category: CategoryId,
    district: Option<DistrictId>,
    unit: UnitId,
) -> Result<Rule> {
    let existing = routing_rules::Entity::find()
        .filter(routing_rules::Column::CategoryId.eq(category.0))
        .filter(match district {
            Some(d) => routing_rules::Column::DistrictId.eq(d.0),
            None => routing_rules::Column::DistrictId.is_null(),
        })
        .one(c)
        .await?;
    let at = now();
    let model = match existing {
        Some(rule) => {
            routing_rules::ActiveModel {
                id: Set(rule.id),
                unit_id: Set(unit.0),
                updated_at: Set(at),
                ..Default::default()
            }
            .update(c)
            .await?
        }
        None => {
            routing_rules::ActiveModel {
                id: Set(Uuid::now_v7()),
                category_id: Set(category.0),
                district_id: Set(district.map(|d| d.0)),
                unit_id: Set(unit.0),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(c)
            .await?
        }
    };
    Ok(Rule::from(model))
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteRuleError {
    #[error("no such rule")]
    NotFound,
    #[error("a category's default rule cannot be deleted, only changed")]
    Default,
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

/// Deletes a district exception; the category's default applies there again.
pub async fn delete_rule(c: &impl ConnectionTrait, id: Uuid) -> Result<Rule, DeleteRuleError> {
    let rule = routing_rules::Entity::find_by_id(id)
        .one(c)
        .await
        .map_err(crate::StoreError::from)?
        .ok_or(DeleteRuleError::NotFound)?;
    if rule.district_id.is_none() {
        return Err(DeleteRuleError::Default);
    }
    routing_rules::Entity::delete_by_id(id)
        .exec(c)
        .await
        .map_err(crate::StoreError::from)?;
    Ok(Rule::from(rule))
}

/// Gives every category without a default rule the `fallback` unit (databases created before
/// routing existed, or a category added outside the admin screens). Returns how many.
pub async fn ensure_defaults(c: &impl ConnectionTrait, fallback: UnitId) -> Result<u64> {
    let categories = crate::reference::list_categories(c).await?;
    let rules = list_rules(c).await?;
    let mut added = 0;
    for category in categories {
        if !rules
            .iter()
            .any(|r| r.category == category.id && r.district.is_none())
        {
            set_rule(c, category.id, None, fallback).await?;
            added += 1;
        }
    }
    Ok(added)
}
