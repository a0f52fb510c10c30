//! Photos of citizens' budget projects: the author's own pictures of the place or the idea,
//! stored like report photos (EXIF removed, three sizes) and public with the project; staff
//! may hide one that shows personal data.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BudgetProjectPhotos {
    Table,
    Id,
    ProjectId,
    Position,
    OriginalKey,
    DisplayKey,
    ThumbKey,
    Width,
    Height,
    Bytes,
    Hidden,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BudgetProjects {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use BudgetProjectPhotos as P;
        let text = |c: P| ColumnDef::new(c).text().not_null().to_owned();
        let int = |c: P| ColumnDef::new(c).integer().not_null().to_owned();
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(P::ProjectId).uuid().not_null())
                .col(int(P::Position))
                .col(text(P::OriginalKey))
                .col(text(P::DisplayKey))
                .col(text(P::ThumbKey))
                .col(int(P::Width))
                .col(int(P::Height))
                .col(ColumnDef::new(P::Bytes).big_integer().not_null())
                .col(ColumnDef::new(P::Hidden).boolean().not_null())
                .col(
                    ColumnDef::new(P::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_budget_project_photos_project")
                        .from(P::Table, P::ProjectId)
                        .to(BudgetProjects::Table, BudgetProjects::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_budget_project_photos_project")
                .table(P::Table)
                .col(P::ProjectId)
                .col(P::Position)
                .to_owned(),
        )
        .await
    }
}
