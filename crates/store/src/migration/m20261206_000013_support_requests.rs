//! Supports given by e-mail address wait for the address to be confirmed: the request (a
//! hashed link token, the report, the address) lives here until the link is opened or it
//! expires. Only then is the support counted and the address subscribed.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportSupportRequests {
    Table,
    TokenHash,
    ReportId,
    Email,
    Locale,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Reports {
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
                .table(ReportSupportRequests::Table)
                .col(
                    ColumnDef::new(ReportSupportRequests::TokenHash)
                        .text()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ReportSupportRequests::ReportId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportSupportRequests::Email)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportSupportRequests::Locale)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportSupportRequests::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReportSupportRequests::ExpiresAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_support_requests_report")
                        .from(
                            ReportSupportRequests::Table,
                            ReportSupportRequests::ReportId,
                        )
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_support_requests_expires")
                .table(ReportSupportRequests::Table)
                .col(ReportSupportRequests::ExpiresAt)
                .to_owned(),
        )
        .await
    }
}
