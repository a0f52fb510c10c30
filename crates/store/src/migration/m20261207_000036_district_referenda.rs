//! District referenda (issue 18) and the ballot box they vote into.
//!
//! - `ballot_box_*`: the secret vote's storage for any area that is not the citizens' budget
//!   (whose own tables came first): voters as keyed identity hashes per box (one ballot per
//!   person, and per account), envelopes sealed to the box's key (`WITHOUT ROWID` on SQLite,
//!   random ids, no time), the commission's key shares (sealed under the server secret until
//!   collected), and paper keyings (keyed hashes only). A box is identified by the uuid of what
//!   votes into it (a referendum).
//! - `referenda`: one district's referendum with its questions (JSON), window, rule of
//!   validity, electorate, ballot key and state; `referendum_ballots`: the opened ballots,
//!   anonymous (random ids, the channel and the answers only), written by the count.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BallotBoxVoters {
    Table,
    BoxId,
    IdentityHash,
    UserId,
    Alias,
    VotedOn,
}

#[derive(DeriveIden)]
enum BallotBoxEnvelopes {
    Table,
    Id,
    BoxId,
    Sealed,
    Mac,
}

#[derive(DeriveIden)]
enum BallotBoxShares {
    Table,
    BoxId,
    Number,
    MemberId,
    Fingerprint,
    Wrapped,
    CollectedAt,
}

#[derive(DeriveIden)]
enum BallotBoxPaper {
    Table,
    Id,
    BoxId,
    Sheet,
    Point,
    KeyedBy,
    KeyedAt,
    IdentityHash,
    Content,
    Status,
    ResolvedBy,
}

#[derive(DeriveIden)]
enum Referenda {
    Table,
    Id,
    Number,
    DistrictId,
    Title,
    Description,
    Questions,
    OpensAt,
    ClosesAt,
    MinAge,
    Electorate,
    MinTurnout,
    Status,
    BallotKey,
    KeyThreshold,
    RequestId,
    CreatedBy,
    CreatedAt,
    AnnouncedAt,
    OpenedAt,
    Ballots,
}

#[derive(DeriveIden)]
enum ReferendumBallots {
    Table,
    Id,
    ReferendumId,
    Channel,
    Answers,
}

fn at(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn at_null(c: impl IntoIden) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use BallotBoxEnvelopes as E;
        use BallotBoxPaper as P;
        use BallotBoxShares as S;
        use BallotBoxVoters as V;
        use Referenda as R;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(ColumnDef::new(V::BoxId).uuid().not_null())
                .col(ColumnDef::new(V::IdentityHash).text().not_null())
                .col(ColumnDef::new(V::UserId).uuid().null())
                .col(ColumnDef::new(V::Alias).boolean().not_null())
                .col(ColumnDef::new(V::VotedOn).date().null())
                .primary_key(Index::create().col(V::BoxId).col(V::IdentityHash))
                .to_owned(),
        )
        .await?;
        // One ballot per account too (NULLs — paper and alias rows — are distinct).
        m.create_index(
            Index::create()
                .name("ux_ballot_box_voters_user")
                .table(V::Table)
                .col(V::BoxId)
                .col(V::UserId)
                .unique()
                .to_owned(),
        )
        .await?;
        let mut envelopes = Table::create()
            .table(E::Table)
            .col(ColumnDef::new(E::Id).uuid().not_null().primary_key())
            .col(ColumnDef::new(E::BoxId).uuid().not_null())
            .col(ColumnDef::new(E::Sealed).blob().not_null())
            .col(ColumnDef::new(E::Mac).blob().not_null())
            .to_owned();
        // ENGINE-SPECIFIC: only SQLite has rowids to leave out.
        if m.get_database_backend() == DbBackend::Sqlite {
            envelopes.extra("WITHOUT ROWID");
        }
        m.create_table(envelopes).await?;
        m.create_index(
            Index::create()
                .name("ix_ballot_box_envelopes_box")
                .table(E::Table)
                .col(E::BoxId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(ColumnDef::new(S::BoxId).uuid().not_null())
                .col(ColumnDef::new(S::Number).integer().not_null())
                .col(ColumnDef::new(S::MemberId).uuid().null())
                .col(ColumnDef::new(S::Fingerprint).text().not_null())
                .col(ColumnDef::new(S::Wrapped).blob().null())
                .col(at_null(S::CollectedAt))
                .primary_key(Index::create().col(S::BoxId).col(S::Number))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(P::BoxId).uuid().not_null())
                .col(ColumnDef::new(P::Sheet).text().not_null())
                .col(ColumnDef::new(P::Point).text().not_null())
                .col(ColumnDef::new(P::KeyedBy).uuid().null())
                .col(at(P::KeyedAt))
                .col(ColumnDef::new(P::IdentityHash).text().null())
                .col(ColumnDef::new(P::Content).text().null())
                .col(ColumnDef::new(P::Status).text().not_null())
                .col(ColumnDef::new(P::ResolvedBy).uuid().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_ballot_box_paper_sheet")
                .table(P::Table)
                .col(P::BoxId)
                .col(P::Sheet)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(R::Table)
                .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(R::Number).integer().not_null().unique_key())
                .col(ColumnDef::new(R::DistrictId).uuid().not_null())
                .col(ColumnDef::new(R::Title).text().not_null())
                .col(ColumnDef::new(R::Description).text().not_null())
                .col(ColumnDef::new(R::Questions).text().not_null())
                .col(at(R::OpensAt))
                .col(at(R::ClosesAt))
                .col(ColumnDef::new(R::MinAge).integer().not_null())
                .col(ColumnDef::new(R::Electorate).integer().null())
                .col(ColumnDef::new(R::MinTurnout).integer().null())
                .col(ColumnDef::new(R::Status).text().not_null())
                .col(ColumnDef::new(R::BallotKey).text().null())
                .col(ColumnDef::new(R::KeyThreshold).integer().null())
                .col(ColumnDef::new(R::RequestId).uuid().null())
                .col(ColumnDef::new(R::CreatedBy).uuid().null())
                .col(at(R::CreatedAt))
                .col(at_null(R::AnnouncedAt))
                .col(at_null(R::OpenedAt))
                .col(ColumnDef::new(R::Ballots).big_integer().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReferendumBallots::Table)
                .col(
                    ColumnDef::new(ReferendumBallots::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ReferendumBallots::ReferendumId)
                        .uuid()
                        .not_null(),
                )
                .col(ColumnDef::new(ReferendumBallots::Channel).text().not_null())
                .col(ColumnDef::new(ReferendumBallots::Answers).text().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_referendum_ballots_referendum")
                .table(ReferendumBallots::Table)
                .col(ReferendumBallots::ReferendumId)
                .to_owned(),
        )
        .await
    }
}
