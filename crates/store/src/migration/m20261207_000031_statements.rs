//! Statement voting (issue 17): statements residents agree or disagree with, numbered in the
//! consultation, and one vote per account and statement with when it was cast (the order
//! Pol.is's math replays them in).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationStatements {
    Table,
    Id,
    ConsultationId,
    Number,
    Body,
    AuthorId,
    Status,
    Reason,
    ModeratedBy,
    ModeratedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationStatementVotes {
    Table,
    StatementId,
    UserId,
    ConsultationId,
    Vote,
    VotedAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationStatementVotes as V;
        use ConsultationStatements as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(ColumnDef::new(S::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(S::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(S::Number).integer().not_null())
                .col(ColumnDef::new(S::Body).text().not_null())
                .col(ColumnDef::new(S::AuthorId).uuid().null())
                .col(ColumnDef::new(S::Status).text().not_null())
                .col(ColumnDef::new(S::Reason).text().null())
                .col(ColumnDef::new(S::ModeratedBy).uuid().null())
                .col(
                    ColumnDef::new(S::ModeratedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(S::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(S::Table, S::ConsultationId)
                        .to(Consultations::Table, Consultations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_statements_number")
                .table(S::Table)
                .col(S::ConsultationId)
                .col(S::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(ColumnDef::new(V::StatementId).uuid().not_null())
                .col(ColumnDef::new(V::UserId).uuid().not_null())
                .col(ColumnDef::new(V::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(V::Vote).text().not_null())
                .col(
                    ColumnDef::new(V::VotedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col(V::StatementId).col(V::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .from(V::Table, V::StatementId)
                        .to(S::Table, S::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_statement_votes_consultation")
                .table(V::Table)
                .col(V::ConsultationId)
                .col(V::VotedAt)
                .to_owned(),
        )
        .await
    }
}
