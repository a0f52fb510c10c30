use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "referenda")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: i32,
    pub district_id: Uuid,
    pub title: String,
    pub description: String,
    pub questions: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub min_age: i32,
    pub electorate: Option<i32>,
    pub min_turnout: Option<i32>,
    pub status: String,
    pub ballot_key: Option<String>,
    pub key_threshold: Option<i32>,
    pub request_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub announced_at: Option<DateTimeUtc>,
    pub opened_at: Option<DateTimeUtc>,
    pub ballots: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
