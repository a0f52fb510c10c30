//! Photos go public only once a moderator has checked them for personal data (faces, number
//! plates, documents). Photos already on the platform were public before this rule, so they stay
//! published: their approval time is their upload time.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportPhotos {
    Table,
    ReportId,
    Hidden,
    ApprovedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ReportPhotos::Table)
                .add_column(
                    ColumnDef::new(ReportPhotos::ApprovedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(ReportPhotos::Table)
                .value(ReportPhotos::ApprovedAt, Expr::col(ReportPhotos::CreatedAt))
                .and_where(Expr::col(ReportPhotos::Hidden).eq(false))
                .to_owned(),
        )
        .await?;
        // Photos waiting for a moderator (the queue's filter).
        m.create_index(
            Index::create()
                .name("ix_report_photos_pending")
                .table(ReportPhotos::Table)
                .col(ReportPhotos::ApprovedAt)
                .col(ReportPhotos::ReportId)
                .to_owned(),
        )
        .await
    }
}
