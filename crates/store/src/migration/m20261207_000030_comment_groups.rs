//! The consultation algorithm's groups of comments (issue 17): near-duplicate and topic
//! groups that officials rename, merge, confirm and answer at once; each comment in at most
//! one group of each kind.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationCommentGroups {
    Table,
    Id,
    ConsultationId,
    Kind,
    Label,
    KeyPhrases,
    RepresentativeId,
    Similarity,
    ConfirmedAt,
    ConfirmedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationCommentGroupMembers {
    Table,
    CommentId,
    Kind,
    GroupId,
    ConsultationId,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ConsultationComments {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationCommentGroupMembers as M;
        use ConsultationCommentGroups as G;
        m.create_table(
            Table::create()
                .table(G::Table)
                .col(ColumnDef::new(G::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(G::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(G::Kind).text().not_null())
                .col(ColumnDef::new(G::Label).text().null())
                .col(ColumnDef::new(G::KeyPhrases).text().not_null())
                .col(ColumnDef::new(G::RepresentativeId).uuid().null())
                .col(ColumnDef::new(G::Similarity).double().not_null())
                .col(
                    ColumnDef::new(G::ConfirmedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(G::ConfirmedBy).uuid().null())
                .col(
                    ColumnDef::new(G::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(G::Table, G::ConsultationId)
                        .to(Consultations::Table, Consultations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_comment_groups_consultation")
                .table(G::Table)
                .col(G::ConsultationId)
                .col(G::Kind)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(ColumnDef::new(M::CommentId).uuid().not_null())
                .col(ColumnDef::new(M::Kind).text().not_null())
                .col(ColumnDef::new(M::GroupId).uuid().not_null())
                .col(ColumnDef::new(M::ConsultationId).uuid().not_null())
                .primary_key(Index::create().col(M::CommentId).col(M::Kind))
                .foreign_key(
                    ForeignKey::create()
                        .from(M::Table, M::GroupId)
                        .to(G::Table, G::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(M::Table, M::CommentId)
                        .to(ConsultationComments::Table, ConsultationComments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_comment_group_members_group")
                .table(M::Table)
                .col(M::GroupId)
                .to_owned(),
        )
        .await
    }
}
