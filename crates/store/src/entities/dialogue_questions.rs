use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "dialogue_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub number: i32,
    pub body: String,
    pub channel: String,
    pub author_id: Option<Uuid>,
    pub recorded_by: Option<Uuid>,
    pub status: String,
    pub unit_id: Option<Uuid>,
    pub routed_at: Option<DateTimeUtc>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub answered_by: Option<Uuid>,
    pub report_id: Option<Uuid>,
    pub hidden_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
