//! Reply templates: a unit's recurring wording for status messages to residents, or wording
//! shared by every unit (no unit).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReplyTemplates {
    Table,
    Id,
    UnitId,
    Title,
    Body,
    Status,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReplyTemplates::Table)
                .col(
                    ColumnDef::new(ReplyTemplates::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ReplyTemplates::UnitId).uuid().null())
                .col(ColumnDef::new(ReplyTemplates::Title).text().not_null())
                .col(ColumnDef::new(ReplyTemplates::Body).text().not_null())
                .col(ColumnDef::new(ReplyTemplates::Status).text().null())
                .col(
                    ColumnDef::new(ReplyTemplates::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(ReplyTemplates::UpdatedBy).uuid().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(ReplyTemplates::Table, ReplyTemplates::UnitId)
                        .to(Units::Table, Units::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("reply_templates_unit")
                .table(ReplyTemplates::Table)
                .col(ReplyTemplates::UnitId)
                .to_owned(),
        )
        .await
    }
}
