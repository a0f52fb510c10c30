use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "consultations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub goal: String,
    pub legal_basis: Option<String>,
    pub target_groups: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: Option<String>,
    pub unit_id: Uuid,
    pub methods: String,
    /// `,greenery,transport,` (empty: none).
    pub topics: String,
    pub premoderated: bool,
    pub city_wide: bool,
    /// `consultations::Outline` as JSON (NULL: no area drawn).
    pub outline: Option<String>,
    pub information_at: DateTimeUtc,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub report_due: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
    pub reported_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
