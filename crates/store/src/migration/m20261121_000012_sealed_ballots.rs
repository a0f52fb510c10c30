//! Sealed ballots and one rulebook for the edition (issue 13).
//!
//! - Editions get a ballot key (the public half; the private one is never stored), the number
//!   of the commission's shares that open it, the moment the count opened the envelopes, and
//!   how many ballots the latest count included.
//! - `budget_key_shares`: one row per commission member: the share's fingerprint, and the
//!   share itself sealed under the server secret only until its member collects it.
//! - `budget_envelopes`: a vote's choices, sealed, with the platform's signature; written in
//!   the voter's transaction and deleted when the count has opened them. `WITHOUT ROWID` on
//!   SQLite, random ids, no time.
//! - `budget_counts`: every count, with who ran it and, for a correction after publication,
//!   the reason shown on the results page.
//! - `budget_voters.alias`: the rows a PESEL vote adds for the date-of-birth route (not
//!   ballots of their own).
//! - `budget_ballots` loses the day of voting: ballots are written by the count, in random
//!   order, with the channel only.
//! - Paper keyings keep a keyed hash of the choices, never the choices.
//!
//! Editions created before this have no ballot key. Their ballots were stored in the clear, so
//! they count as opened already (they may be counted and published, but take no more votes);
//! open paper keyings of theirs lose their identity and choices.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BudgetEditions {
    Table,
    Id,
    BallotKey,
    KeyThreshold,
    OpenedAt,
    CountedBallots,
    VotingOpensAt,
}

#[derive(DeriveIden)]
enum BudgetKeyShares {
    Table,
    EditionId,
    Number,
    MemberId,
    Fingerprint,
    Wrapped,
    CollectedAt,
}

#[derive(DeriveIden)]
enum BudgetEnvelopes {
    Table,
    Id,
    EditionId,
    Sealed,
    Mac,
}

#[derive(DeriveIden)]
enum BudgetCounts {
    Table,
    Id,
    EditionId,
    CountedAt,
    CountedBy,
    Ballots,
    Reason,
}

#[derive(DeriveIden)]
enum BudgetVoters {
    Table,
    Alias,
}

#[derive(DeriveIden)]
enum BudgetBallots {
    Table,
    CastOn,
}

#[derive(DeriveIden)]
enum BudgetPaperEntries {
    Table,
    IdentityHash,
    Content,
    Status,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let engine = m.get_database_backend();
        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new(BudgetEditions::BallotKey)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(BudgetEditions::KeyThreshold)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(BudgetEditions::OpenedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(BudgetEditions::CountedBallots)
                .big_integer()
                .null()
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(BudgetEditions::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(BudgetKeyShares::Table)
                .col(ColumnDef::new(BudgetKeyShares::EditionId).uuid().not_null())
                .col(ColumnDef::new(BudgetKeyShares::Number).integer().not_null())
                .col(ColumnDef::new(BudgetKeyShares::MemberId).uuid().null())
                .col(
                    ColumnDef::new(BudgetKeyShares::Fingerprint)
                        .text()
                        .not_null(),
                )
                // Sealed under the server secret; erased when the member collects it.
                .col(ColumnDef::new(BudgetKeyShares::Wrapped).blob().null())
                .col(
                    ColumnDef::new(BudgetKeyShares::CollectedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .primary_key(
                    Index::create()
                        .col(BudgetKeyShares::EditionId)
                        .col(BudgetKeyShares::Number),
                )
                .foreign_key(&mut fk(
                    "fk_budget_key_shares_edition",
                    (BudgetKeyShares::Table, BudgetKeyShares::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_key_shares_member",
                    (BudgetKeyShares::Table, BudgetKeyShares::MemberId),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;

        let mut envelopes = Table::create()
            .table(BudgetEnvelopes::Table)
            // UUIDv4: random, so their order says nothing.
            .col(
                ColumnDef::new(BudgetEnvelopes::Id)
                    .uuid()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(BudgetEnvelopes::EditionId).uuid().not_null())
            .col(ColumnDef::new(BudgetEnvelopes::Sealed).blob().not_null())
            .col(ColumnDef::new(BudgetEnvelopes::Mac).blob().not_null())
            .foreign_key(&mut fk(
                "fk_budget_envelopes_edition",
                (BudgetEnvelopes::Table, BudgetEnvelopes::EditionId),
                (BudgetEditions::Table, BudgetEditions::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned();
        // ENGINE-SPECIFIC: only SQLite has rowids to leave out.
        if engine == DbBackend::Sqlite {
            envelopes.extra("WITHOUT ROWID");
        }
        m.create_table(envelopes).await?;
        m.create_index(
            Index::create()
                .name("ix_budget_envelopes_edition")
                .table(BudgetEnvelopes::Table)
                .col(BudgetEnvelopes::EditionId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BudgetCounts::Table)
                .col(
                    ColumnDef::new(BudgetCounts::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(BudgetCounts::EditionId).uuid().not_null())
                .col(
                    ColumnDef::new(BudgetCounts::CountedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(BudgetCounts::CountedBy).uuid().null())
                .col(
                    ColumnDef::new(BudgetCounts::Ballots)
                        .big_integer()
                        .not_null(),
                )
                // A correction after publication says why.
                .col(ColumnDef::new(BudgetCounts::Reason).text().null())
                .foreign_key(&mut fk(
                    "fk_budget_counts_edition",
                    (BudgetCounts::Table, BudgetCounts::EditionId),
                    (BudgetEditions::Table, BudgetEditions::Id),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_budget_counts_by",
                    (BudgetCounts::Table, BudgetCounts::CountedBy),
                    (Users::Table, Users::Id),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_budget_counts_edition")
                .table(BudgetCounts::Table)
                .col(BudgetCounts::EditionId)
                .col(BudgetCounts::CountedAt)
                .to_owned(),
        )
        .await?;

        m.alter_table(
            Table::alter()
                .table(BudgetVoters::Table)
                .add_column(
                    ColumnDef::new(BudgetVoters::Alias)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(BudgetBallots::Table)
                .drop_column(BudgetBallots::CastOn)
                .to_owned(),
        )
        .await?;

        // Editions from before sealed ballots: their ballots are in the clear already.
        let now = chrono::Utc::now();
        m.exec_stmt(
            Query::update()
                .table(BudgetEditions::Table)
                .value(BudgetEditions::OpenedAt, now)
                .and_where(Expr::col(BudgetEditions::VotingOpensAt).lte(now))
                .to_owned(),
        )
        .await?;
        // Their open paper keyings forget the voter and the choices (the new keyings keep a
        // keyed hash of the choices, which these never had).
        m.exec_stmt(
            Query::update()
                .table(BudgetPaperEntries::Table)
                .value(BudgetPaperEntries::IdentityHash, Option::<String>::None)
                .value(BudgetPaperEntries::Content, Option::<String>::None)
                .value(BudgetPaperEntries::Status, "not-entered")
                .and_where(Expr::col(BudgetPaperEntries::Status).is_in(["waiting", "mismatch"]))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
