use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ballot_box_voters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub box_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub identity_hash: String,
    pub user_id: Option<Uuid>,
    pub alias: bool,
    pub voted_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
