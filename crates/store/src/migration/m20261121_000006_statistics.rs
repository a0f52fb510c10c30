//! Statistics ("KCK in numbers"): monthly counts of reports kept current on every change, so
//! the public figures never scan the reports table; and the hotline's call volumes, imported
//! from the telephony system.
//!
//! Months are Kraków months as `yyyymm`. A missing district is the nil UUID and an open
//! report's bucket is -1, because a NULL in a key never matches itself in an upsert.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatsReports {
    Table,
    Month,
    Kind,
    CategoryId,
    DistrictId,
    UnitId,
    Status,
    Bucket,
    N,
}

#[derive(DeriveIden)]
enum StatsCloseDays {
    Table,
    Month,
    Kind,
    UnitId,
    DistrictId,
    Days,
    N,
}

#[derive(DeriveIden)]
enum HotlineCalls {
    Table,
    Day,
    Calls,
    ImportedAt,
    ImportedBy,
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
        // Reports by the month they were sent, their category, district, unit and current
        // status, and (closed ones) their resolution-time bucket.
        m.create_table(
            Table::create()
                .table(StatsReports::Table)
                .col(ColumnDef::new(StatsReports::Month).integer().not_null())
                .col(ColumnDef::new(StatsReports::Kind).text().not_null())
                .col(ColumnDef::new(StatsReports::CategoryId).uuid().not_null())
                .col(ColumnDef::new(StatsReports::DistrictId).uuid().not_null())
                .col(ColumnDef::new(StatsReports::UnitId).uuid().not_null())
                .col(ColumnDef::new(StatsReports::Status).text().not_null())
                .col(
                    ColumnDef::new(StatsReports::Bucket)
                        .small_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(StatsReports::N).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(StatsReports::Month)
                        .col(StatsReports::Kind)
                        .col(StatsReports::CategoryId)
                        .col(StatsReports::DistrictId)
                        .col(StatsReports::UnitId)
                        .col(StatsReports::Status)
                        .col(StatsReports::Bucket),
                )
                .to_owned(),
        )
        .await?;
        // Closed reports by whole days to close (capped), for medians per unit.
        m.create_table(
            Table::create()
                .table(StatsCloseDays::Table)
                .col(ColumnDef::new(StatsCloseDays::Month).integer().not_null())
                .col(ColumnDef::new(StatsCloseDays::Kind).text().not_null())
                .col(ColumnDef::new(StatsCloseDays::UnitId).uuid().not_null())
                .col(ColumnDef::new(StatsCloseDays::DistrictId).uuid().not_null())
                .col(
                    ColumnDef::new(StatsCloseDays::Days)
                        .small_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(StatsCloseDays::N).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(StatsCloseDays::Month)
                        .col(StatsCloseDays::Kind)
                        .col(StatsCloseDays::UnitId)
                        .col(StatsCloseDays::DistrictId)
                        .col(StatsCloseDays::Days),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(HotlineCalls::Table)
                .col(
                    ColumnDef::new(HotlineCalls::Day)
                        .date()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(HotlineCalls::Calls).big_integer().not_null())
                .col(
                    ColumnDef::new(HotlineCalls::ImportedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(HotlineCalls::ImportedBy).uuid().null())
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_hotline_calls_imported_by")
                        .from(HotlineCalls::Table, HotlineCalls::ImportedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }
}
