use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ballot_box_paper")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub box_id: Uuid,
    pub sheet: String,
    pub point: String,
    pub keyed_by: Option<Uuid>,
    pub keyed_at: DateTimeUtc,
    pub identity_hash: Option<String>,
    pub content: Option<String>,
    pub status: String,
    pub resolved_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
