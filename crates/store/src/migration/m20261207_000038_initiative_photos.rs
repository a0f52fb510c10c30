//! Photos in a local initiative's public report (issue 18): the processed files' keys in
//! order, as for a budget project's photos.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InitiativePhotos {
    Table,
    Id,
    InitiativeId,
    Position,
    OriginalKey,
    DisplayKey,
    ThumbKey,
    Width,
    Height,
    Bytes,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use InitiativePhotos as P;
        let text = |c: P| ColumnDef::new(c).text().not_null().to_owned();
        let int = |c: P| ColumnDef::new(c).integer().not_null().to_owned();
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(P::InitiativeId).uuid().not_null())
                .col(int(P::Position))
                .col(text(P::OriginalKey))
                .col(text(P::DisplayKey))
                .col(text(P::ThumbKey))
                .col(int(P::Width))
                .col(int(P::Height))
                .col(ColumnDef::new(P::Bytes).big_integer().not_null())
                .col(
                    ColumnDef::new(P::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_initiative_photos_initiative")
                .table(P::Table)
                .col(P::InitiativeId)
                .col(P::Position)
                .to_owned(),
        )
        .await
    }
}
