use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slot_id: Uuid,
    pub duty_hour_id: Uuid,
    pub user_id: Option<Uuid>,
    pub holder: Option<Uuid>,
    pub name: String,
    pub contact: String,
    pub topic: String,
    pub booked_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub cancelled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
