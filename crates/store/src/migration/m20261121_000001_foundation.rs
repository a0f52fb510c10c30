//! Accounts, sessions, reference data (districts, units, categories), jobs, the e-mail
//! outbox, the audit log and rate-limit counters.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
    Number,
    Roman,
    Name,
    Boundary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    Code,
    NamePl,
    NameEn,
    Email,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Code,
    Kind,
    NamePl,
    NameEn,
    Position,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    Role,
    UnitId,
    Locale,
    EmailConfirmedAt,
    DisabledAt,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum UserTokens {
    Table,
    Id,
    UserId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    State,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedAt,
    LastError,
    DedupeKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    ToAddress,
    Subject,
    BodyText,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Action,
    TargetType,
    TargetId,
    Details,
}

#[derive(DeriveIden)]
enum FormKeys {
    Table,
    Key,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    WindowStart,
    Count,
}

fn uuid_pk(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn ts(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut stmt = Index::create().name(name).table(table).to_owned();
    for col in cols {
        stmt.col(col);
    }
    stmt
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Districts::Table)
                .col(uuid_pk(Districts::Id))
                .col(
                    ColumnDef::new(Districts::Number)
                        .integer()
                        .not_null()
                        .unique_key(),
                )
                .col(text(Districts::Roman))
                .col(text(Districts::Name))
                .col(text(Districts::Boundary))
                .col(ts(Districts::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Units::Table)
                .col(uuid_pk(Units::Id))
                .col(text(Units::Code).unique_key().to_owned())
                .col(text(Units::NamePl))
                .col(text(Units::NameEn))
                .col(text_null(Units::Email))
                .col(
                    ColumnDef::new(Units::Active)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(ts(Units::CreatedAt))
                .col(ts(Units::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Categories::Table)
                .col(uuid_pk(Categories::Id))
                .col(text(Categories::Code).unique_key().to_owned())
                .col(text(Categories::Kind))
                .col(text(Categories::NamePl))
                .col(text(Categories::NameEn))
                .col(
                    ColumnDef::new(Categories::Position)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(Categories::Active)
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(ts(Categories::CreatedAt))
                .col(ts(Categories::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid_pk(Users::Id))
                .col(text(Users::Email).unique_key().to_owned())
                .col(text(Users::PasswordHash))
                .col(text(Users::Role))
                .col(ColumnDef::new(Users::UnitId).uuid().null())
                .col(text(Users::Locale))
                .col(ts_null(Users::EmailConfirmedAt))
                .col(ts_null(Users::DisabledAt))
                .col(ts_null(Users::LastLoginAt))
                .col(ts(Users::CreatedAt))
                .col(ts(Users::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_users_unit")
                        .from(Users::Table, Users::UnitId)
                        .to(Units::Table, Units::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_users_role",
            Users::Table,
            vec![Users::Role.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(ColumnDef::new(Sessions::Id).text().not_null().primary_key())
                .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
                .col(ts(Sessions::CreatedAt))
                .col(ts(Sessions::LastSeenAt))
                .col(ts(Sessions::ExpiresAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_sessions_user",
            Sessions::Table,
            vec![Sessions::UserId.into_iden()],
        ))
        .await?;
        m.create_index(index(
            "ix_sessions_expires",
            Sessions::Table,
            vec![Sessions::ExpiresAt.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(UserTokens::Table)
                .col(
                    ColumnDef::new(UserTokens::Id)
                        .text()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(UserTokens::UserId).uuid().not_null())
                .col(text(UserTokens::Purpose))
                .col(ts(UserTokens::CreatedAt))
                .col(ts(UserTokens::ExpiresAt))
                .col(ts_null(UserTokens::UsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_tokens_user")
                        .from(UserTokens::Table, UserTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_user_tokens_user",
            UserTokens::Table,
            vec![
                UserTokens::UserId.into_iden(),
                UserTokens::Purpose.into_iden(),
            ],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Jobs::Table)
                .col(uuid_pk(Jobs::Id))
                .col(text(Jobs::Kind))
                .col(ColumnDef::new(Jobs::Payload).json_binary().not_null())
                .col(text(Jobs::State))
                .col(
                    ColumnDef::new(Jobs::Attempts)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(Jobs::MaxAttempts).integer().not_null())
                .col(ts(Jobs::RunAt))
                .col(ts_null(Jobs::LockedAt))
                .col(text_null(Jobs::LastError))
                .col(text_null(Jobs::DedupeKey).unique_key().to_owned())
                .col(ts(Jobs::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_jobs_state_run_at",
            Jobs::Table,
            vec![Jobs::State.into_iden(), Jobs::RunAt.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(uuid_pk(Outbox::Id))
                .col(text(Outbox::ToAddress))
                .col(text(Outbox::Subject))
                .col(text(Outbox::BodyText))
                .col(ts(Outbox::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_outbox_to",
            Outbox::Table,
            vec![Outbox::ToAddress.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(uuid_pk(AuditLog::Id))
                .col(ts(AuditLog::At))
                .col(ColumnDef::new(AuditLog::ActorId).uuid().null())
                .col(text(AuditLog::Action))
                .col(text_null(AuditLog::TargetType))
                .col(text_null(AuditLog::TargetId))
                .col(ColumnDef::new(AuditLog::Details).json_binary().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_audit_target",
            AuditLog::Table,
            vec![
                AuditLog::TargetType.into_iden(),
                AuditLog::TargetId.into_iden(),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_audit_actor",
            AuditLog::Table,
            vec![AuditLog::ActorId.into_iden()],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(RateLimits::Table)
                .col(text(RateLimits::Key))
                .col(
                    ColumnDef::new(RateLimits::WindowStart)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(RateLimits::Count).integer().not_null())
                .primary_key(
                    Index::create()
                        .col(RateLimits::Key)
                        .col(RateLimits::WindowStart),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(FormKeys::Table)
                .col(
                    ColumnDef::new(FormKeys::Key)
                        .text()
                        .not_null()
                        .primary_key(),
                )
                .col(ts(FormKeys::CreatedAt))
                .to_owned(),
        )
        .await?;

        Ok(())
    }
}
