//! A ballot being filled in, kept on the server under the voter's session so that choosing
//! projects works without JavaScript: sealed with a key only the session's cookie gives (a
//! database backup cannot read it) and gone with the session. Voters also get the day they
//! voted, for "My city" (ballots carry no time, so the day links no voter to a ballot), and
//! sessions the kind of device they run on, to name them on the account page; pools the
//! number of residents who may vote, for turnout; accounts which e-mails they want.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BallotDrafts {
    Table,
    SessionId,
    EditionId,
    Nonce,
    Sealed,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Device,
}

#[derive(DeriveIden)]
enum BudgetVoters {
    Table,
    VotedOn,
}

#[derive(DeriveIden)]
enum BudgetPools {
    Table,
    Eligible,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    NotifyOwn,
    NotifySupported,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BallotDrafts::Table)
                .col(ColumnDef::new(BallotDrafts::SessionId).text().not_null())
                .col(ColumnDef::new(BallotDrafts::EditionId).uuid().not_null())
                .col(ColumnDef::new(BallotDrafts::Nonce).binary().not_null())
                .col(ColumnDef::new(BallotDrafts::Sealed).binary().not_null())
                .col(
                    ColumnDef::new(BallotDrafts::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(BallotDrafts::SessionId)
                        .col(BallotDrafts::EditionId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BallotDrafts::Table, BallotDrafts::SessionId)
                        .to(Sessions::Table, Sessions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // What a session runs on ("Firefox, Android"), to name it on the account page.
        m.alter_table(
            Table::alter()
                .table(Sessions::Table)
                .add_column(ColumnDef::new(Sessions::Device).text().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(BudgetVoters::Table)
                .add_column(ColumnDef::new(BudgetVoters::VotedOn).date().null())
                .to_owned(),
        )
        .await?;
        // How many residents may vote in a pool's area, as officials enter it: turnout.
        m.alter_table(
            Table::alter()
                .table(BudgetPools::Table)
                .add_column(ColumnDef::new(BudgetPools::Eligible).big_integer().null())
                .to_owned(),
        )
        .await?;
        // E-mails an account wants: status changes of its own reports, of reports it supports.
        for column in [Users::NotifyOwn, Users::NotifySupported] {
            m.alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(column).boolean().not_null().default(true))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
