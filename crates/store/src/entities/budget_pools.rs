use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_pools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub edition_id: Uuid,
    pub code: String,
    pub district_id: Option<Uuid>,
    pub name_pl: String,
    pub name_en: String,
    pub budget: i64,
    pub min_cost: i64,
    pub max_cost: Option<i64>,
    pub ballot_rule: String,
    pub counting_rule: String,
    pub position: i32,
    pub eligible: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
