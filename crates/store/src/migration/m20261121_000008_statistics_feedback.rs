//! "Was it solved?" answers rolled up by the month the report was sent (Kraków time), its
//! district and its unit, so that the figure reads a few hundred rows instead of joining the
//! answers to the period's reports. The table starts empty; `stats::rebuild_if_empty` counts
//! the answers already given when the server starts (the month needs Kraków's calendar, which
//! plain SQL on both engines cannot do).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatsFeedback {
    Table,
    Month,
    DistrictId,
    UnitId,
    Answered,
    Solved,
    ScoreSum,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StatsFeedback::Table)
                .col(ColumnDef::new(StatsFeedback::Month).integer().not_null())
                .col(ColumnDef::new(StatsFeedback::DistrictId).uuid().not_null())
                .col(ColumnDef::new(StatsFeedback::UnitId).uuid().not_null())
                .col(
                    ColumnDef::new(StatsFeedback::Answered)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(StatsFeedback::Solved)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(StatsFeedback::ScoreSum)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(StatsFeedback::Month)
                        .col(StatsFeedback::DistrictId)
                        .col(StatsFeedback::UnitId),
                )
                .to_owned(),
        )
        .await
    }
}
