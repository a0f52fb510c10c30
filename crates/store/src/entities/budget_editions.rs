use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_editions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub name_pl: String,
    pub name_en: String,
    pub submission_opens_at: DateTimeUtc,
    pub submission_closes_at: DateTimeUtc,
    pub appeals_opens_at: DateTimeUtc,
    pub appeals_closes_at: DateTimeUtc,
    pub voting_opens_at: DateTimeUtc,
    pub voting_closes_at: DateTimeUtc,
    pub min_age: Option<i32>,
    pub allow_without_pesel: bool,
    pub results_published_at: Option<DateTimeUtc>,
    pub results_due_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub ballot_key: Option<String>,
    pub key_threshold: Option<i32>,
    pub opened_at: Option<DateTimeUtc>,
    pub counted_ballots: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
