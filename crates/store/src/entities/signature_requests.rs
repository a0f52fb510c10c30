use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "signature_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: i32,
    pub purpose: String,
    pub title: String,
    pub description: String,
    pub district_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub status: String,
    pub electorate: Option<i32>,
    pub needed_residents: Option<i32>,
    pub needed_organisations: Option<i32>,
    pub opened_at: Option<DateTimeUtc>,
    pub deadline: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<Uuid>,
    pub reason: Option<String>,
    pub consultation_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
