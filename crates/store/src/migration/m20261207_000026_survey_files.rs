//! Files residents attach to a survey's file questions (photos and scans, re-encoded without
//! metadata by the photo pipeline): one row per file, pointing at its stored sizes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationResponseFiles {
    Table,
    Id,
    ConsultationId,
    ResponseId,
    Question,
    OriginalKey,
    DisplayKey,
    ThumbKey,
    Width,
    Height,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationResponses {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationResponseFiles as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(ColumnDef::new(F::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(F::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(F::ResponseId).uuid().not_null())
                .col(ColumnDef::new(F::Question).text().not_null())
                .col(ColumnDef::new(F::OriginalKey).text().not_null())
                .col(ColumnDef::new(F::DisplayKey).text().not_null())
                .col(ColumnDef::new(F::ThumbKey).text().not_null())
                .col(ColumnDef::new(F::Width).integer().not_null())
                .col(ColumnDef::new(F::Height).integer().not_null())
                .col(ColumnDef::new(F::Bytes).big_integer().not_null())
                .col(
                    ColumnDef::new(F::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(F::Table, F::ResponseId)
                        .to(ConsultationResponses::Table, ConsultationResponses::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_response_files_by_question")
                .table(F::Table)
                .col(F::ConsultationId)
                .col(F::Question)
                .col(F::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_response_files_by_response")
                .table(F::Table)
                .col(F::ResponseId)
                .to_owned(),
        )
        .await
    }
}
