//! Answer templates shared by every consultation: the city's recurring wording for answers to
//! comments.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationAnswerTemplates {
    Table,
    Id,
    Title,
    Disposition,
    Justification,
    UpdatedAt,
    UpdatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationAnswerTemplates as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(ColumnDef::new(T::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(T::Title).text().not_null())
                .col(ColumnDef::new(T::Disposition).text().not_null())
                .col(ColumnDef::new(T::Justification).text().not_null())
                .col(
                    ColumnDef::new(T::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(T::UpdatedBy).uuid().null())
                .to_owned(),
        )
        .await
    }
}
