use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "initiatives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: i32,
    pub year: i32,
    pub title: String,
    pub summary: String,
    pub applicants: String,
    pub organisation: Option<String>,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub area: String,
    pub task: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub place: String,
    pub district_id: Uuid,
    pub city_land: bool,
    pub landowner_consent: bool,
    pub significance: String,
    pub residents_contribution: String,
    pub city_contribution: String,
    pub cost: i64,
    pub opinion: String,
    pub author_id: Option<Uuid>,
    pub status: String,
    pub usefulness: Option<i32>,
    pub contribution: Option<i32>,
    pub extra: Option<i32>,
    pub assessment_note: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub agreed_on: Option<Date>,
    pub realised_on: Option<Date>,
    pub report: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
