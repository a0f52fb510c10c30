//! The opinion groups' k between updates (Pol.is's smoother): a new number of groups is shown
//! only after it has been the best several updates running, so the groups do not flicker as
//! votes come in.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationOpinionStates {
    Table,
    ConsultationId,
    LastK,
    LastKCount,
    SmoothedK,
    Votes,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationOpinionStates as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(
                    ColumnDef::new(T::ConsultationId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(T::LastK).integer().not_null())
                .col(ColumnDef::new(T::LastKCount).integer().not_null())
                .col(ColumnDef::new(T::SmoothedK).integer().not_null())
                .col(ColumnDef::new(T::Votes).big_integer().not_null())
                .col(
                    ColumnDef::new(T::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }
}
