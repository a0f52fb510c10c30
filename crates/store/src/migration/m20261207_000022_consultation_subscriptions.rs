//! Topics on consultations (kept as `,greenery,transport,` so one topic is a `LIKE` away) and
//! residents' subscriptions to consultations by district and topic (either may be "any").

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Topics,
}

#[derive(DeriveIden)]
enum ConsultationSubscriptions {
    Table,
    Id,
    UserId,
    DistrictId,
    Topic,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
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
                    ColumnDef::new(Consultations::Topics)
                        .text()
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
        use ConsultationSubscriptions as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(ColumnDef::new(S::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(S::UserId).uuid().not_null())
                .col(ColumnDef::new(S::DistrictId).uuid().null())
                .col(ColumnDef::new(S::Topic).text().null())
                .col(
                    ColumnDef::new(S::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(S::Table, S::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_subscriptions_by_user")
                .table(S::Table)
                .col(S::UserId)
                .to_owned(),
        )
        .await
    }
}
