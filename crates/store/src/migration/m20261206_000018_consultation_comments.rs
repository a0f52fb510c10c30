//! Comments in consultations, whatever the channel they came by (web, app, paper, e-mail,
//! letter, duty hour, meeting), with who typed in those that came on paper.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationComments {
    Table,
    Id,
    ConsultationId,
    AuthorId,
    AuthorName,
    Channel,
    Body,
    RecordedBy,
    CreatedAt,
    HiddenAt,
    HiddenReason,
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
        use ConsultationComments as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(C::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(C::AuthorId).uuid().null())
                .col(ColumnDef::new(C::AuthorName).text().null())
                .col(ColumnDef::new(C::Channel).text().not_null())
                .col(ColumnDef::new(C::Body).text().not_null())
                .col(ColumnDef::new(C::RecordedBy).uuid().null())
                .col(
                    ColumnDef::new(C::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(C::HiddenAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(C::HiddenReason).text().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::ConsultationId)
                        .to(Consultations::Table, Consultations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_comments_by_consultation")
                .table(C::Table)
                .col(C::ConsultationId)
                .col(C::CreatedAt)
                .col(C::Id)
                .to_owned(),
        )
        .await
    }
}
