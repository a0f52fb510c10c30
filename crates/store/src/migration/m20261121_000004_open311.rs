//! Open311 and the API: client applications with their keys, the extra questions categories
//! ask (Open311 attributes) and the answers reports carry, the address reference and media link
//! clients may send, and the index the public updates feed reads.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiClients {
    Table,
    Id,
    Name,
    KeyHash,
    KeyPrefix,
    RateLimitPerHour,
    Requests,
    CreatedAt,
    CreatedBy,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Questions,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Answers,
    AddressId,
    MediaUrl,
}

#[derive(DeriveIden)]
enum ReportEvents {
    Table,
    At,
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
                .table(ApiClients::Table)
                .col(
                    ColumnDef::new(ApiClients::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(ApiClients::Name).text().not_null())
                // SHA-256 of the key; the key itself is shown once, when issued.
                .col(ColumnDef::new(ApiClients::KeyHash).text().not_null())
                // The key's first characters, so admins can tell keys apart.
                .col(ColumnDef::new(ApiClients::KeyPrefix).text().not_null())
                .col(
                    ColumnDef::new(ApiClients::RateLimitPerHour)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ApiClients::Requests)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(ApiClients::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(ApiClients::CreatedBy).uuid().null())
                .col(
                    ColumnDef::new(ApiClients::RevokedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(ApiClients::LastUsedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_clients_created_by")
                        .from(ApiClients::Table, ApiClients::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ux_api_clients_name", ApiClients::Name),
            ("ux_api_clients_key_hash", ApiClients::KeyHash),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(ApiClients::Table)
                    .col(col)
                    .unique()
                    .to_owned(),
            )
            .await?;
        }

        // A category's questions, as a JSON list (`domain::questions::Question`); null: none.
        m.alter_table(
            Table::alter()
                .table(Categories::Table)
                .add_column(ColumnDef::new(Categories::Questions).json_binary().null())
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per ALTER TABLE.
        for col in [
            ColumnDef::new(Reports::Answers)
                .json_binary()
                .null()
                .to_owned(),
            ColumnDef::new(Reports::AddressId).text().null().to_owned(),
            ColumnDef::new(Reports::MediaUrl).text().null().to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Reports::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        // The updates feed (Open311 `servicerequestupdates`) reads events by time.
        m.create_index(
            Index::create()
                .name("ix_report_events_at")
                .table(ReportEvents::Table)
                .col(ReportEvents::At)
                .col(ReportEvents::Id)
                .to_owned(),
        )
        .await
    }
}
