//! Pre-moderation per consultation: a flag on the consultation, and comments that wait for a
//! moderator (`pending`; kept hidden until approved, so every public read leaves them out).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Premoderated,
}

#[derive(DeriveIden)]
enum ConsultationComments {
    Table,
    ConsultationId,
    Pending,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Consultations::Table)
                .add_column(
                    ColumnDef::new(Consultations::Premoderated)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ConsultationComments::Table)
                .add_column(
                    ColumnDef::new(ConsultationComments::Pending)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_comments_pending")
                .table(ConsultationComments::Table)
                .col(ConsultationComments::ConsultationId)
                .col(ConsultationComments::Pending)
                .to_owned(),
        )
        .await
    }
}
