use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub year: i32,
    pub seq: i32,
    pub kind: String,
    pub category_id: Uuid,
    pub status: String,
    pub open: bool,
    pub unit_id: Uuid,
    pub district_id: Option<Uuid>,
    #[sea_orm(column_type = "Double", nullable)]
    pub lat: Option<f64>,
    #[sea_orm(column_type = "Double", nullable)]
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub description: String,
    pub description_redacted: Option<String>,
    pub channel: String,
    pub client: Option<String>,
    pub answers: Option<Json>,
    pub media_url: Option<String>,
    pub reporter_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_consent: bool,
    pub locale: String,
    pub tracking_hash: String,
    pub merged_into: Option<Uuid>,
    pub support_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub status_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
