//! Photos kept across a form's re-render: processed and stored when the rest of the form had
//! a mistake, waiting under the hash of the form's staging key until the form is sent again
//! (then attached) or abandoned (then purged by housekeeping, and their files swept).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StagedPhotos {
    Table,
    Id,
    KeyHash,
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
        let text = |c: StagedPhotos| ColumnDef::new(c).text().not_null().to_owned();
        let int = |c: StagedPhotos| ColumnDef::new(c).integer().not_null().to_owned();
        m.create_table(
            Table::create()
                .table(StagedPhotos::Table)
                .col(
                    ColumnDef::new(StagedPhotos::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(text(StagedPhotos::KeyHash))
                .col(text(StagedPhotos::OriginalKey))
                .col(text(StagedPhotos::DisplayKey))
                .col(text(StagedPhotos::ThumbKey))
                .col(int(StagedPhotos::Width))
                .col(int(StagedPhotos::Height))
                .col(ColumnDef::new(StagedPhotos::Bytes).big_integer().not_null())
                .col(
                    ColumnDef::new(StagedPhotos::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_staged_photos_key")
                .table(StagedPhotos::Table)
                .col(StagedPhotos::KeyHash)
                .to_owned(),
        )
        .await
    }
}
