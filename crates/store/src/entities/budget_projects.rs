use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub edition_id: Uuid,
    pub pool_id: Uuid,
    pub number: i32,
    pub code: String,
    pub author_id: Option<Uuid>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub category: String,
    pub cost: i64,
    pub corrected_cost: Option<i64>,
    pub unit_id: Option<Uuid>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
