use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ballot_box_shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub box_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub member_id: Option<Uuid>,
    pub fingerprint: String,
    pub wrapped: Option<Vec<u8>>,
    pub collected_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
