//! The mobile app's JSON API: bearer tokens (one per signed-in device, revocable, listed on
//! the account page), the idempotency keys of report submissions, and how far each resident
//! has read their notifications.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    TokenPrefix,
    Name,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiSubmissions {
    Table,
    KeyHash,
    RequestHash,
    ReportId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    NotificationsSeen,
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
        let at = |col: ApiTokens| ColumnDef::new(col).timestamp_with_time_zone().to_owned();
        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(
                    ColumnDef::new(ApiTokens::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ApiTokens::UserId).uuid().not_null())
                // SHA-256 of the token; the token itself is given once, at login.
                .col(ColumnDef::new(ApiTokens::TokenHash).text().not_null())
                // The token's first characters, so a resident can tell devices apart.
                .col(ColumnDef::new(ApiTokens::TokenPrefix).text().not_null())
                // The device's name as the app gave it ("Pixel 8", "iPhone Anny").
                .col(ColumnDef::new(ApiTokens::Name).text().not_null())
                .col(at(ApiTokens::CreatedAt).not_null())
                .col(at(ApiTokens::LastUsedAt).not_null())
                .col(at(ApiTokens::ExpiresAt).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_tokens_user")
                        .from(ApiTokens::Table, ApiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_api_tokens_hash")
                .table(ApiTokens::Table)
                .col(ApiTokens::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_api_tokens_user")
                .table(ApiTokens::Table)
                .col(ApiTokens::UserId)
                .to_owned(),
        )
        .await?;

        // A report sent with an `Idempotency-Key`: the key (hashed with who sent it) leads a
        // retry to the report the first attempt created. Kept a day.
        m.create_table(
            Table::create()
                .table(ApiSubmissions::Table)
                .col(
                    ColumnDef::new(ApiSubmissions::KeyHash)
                        .text()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ApiSubmissions::RequestHash)
                        .text()
                        .not_null(),
                )
                .col(ColumnDef::new(ApiSubmissions::ReportId).uuid().not_null())
                .col(
                    ColumnDef::new(ApiSubmissions::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_submissions_report")
                        .from(ApiSubmissions::Table, ApiSubmissions::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        // The newest notification (a report event id) the resident has marked as read.
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(ColumnDef::new(Users::NotificationsSeen).uuid().null())
                .to_owned(),
        )
        .await
    }
}
