use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub channel: String,
    pub body: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub hidden_at: Option<DateTimeUtc>,
    pub hidden_reason: Option<String>,
    pub document_id: Option<Uuid>,
    pub paragraph_id: Option<Uuid>,
    pub document_version: Option<i32>,
    pub answer_id: Option<Uuid>,
    /// Waits for a moderator (kept hidden until approved).
    pub pending: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
