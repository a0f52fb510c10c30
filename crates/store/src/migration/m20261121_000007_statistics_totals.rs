//! Statistics at ten million reports: the city-wide figures read rollups without the district
//! dimension (a year is a few thousand rows instead of tens of thousands), and the rollups
//! with districts get an index by district for the district filter. The new tables are filled
//! from the existing rollups.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatsTotals {
    Table,
    Month,
    Kind,
    CategoryId,
    UnitId,
    Status,
    Bucket,
    N,
}

#[derive(DeriveIden)]
enum StatsCloseTotals {
    Table,
    Month,
    Kind,
    UnitId,
    Days,
    N,
}

#[derive(DeriveIden)]
enum StatsReports {
    Table,
    DistrictId,
    Month,
}

#[derive(DeriveIden)]
enum StatsCloseDays {
    Table,
    DistrictId,
    Month,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(StatsTotals::Table)
                .col(ColumnDef::new(StatsTotals::Month).integer().not_null())
                .col(ColumnDef::new(StatsTotals::Kind).text().not_null())
                .col(ColumnDef::new(StatsTotals::CategoryId).uuid().not_null())
                .col(ColumnDef::new(StatsTotals::UnitId).uuid().not_null())
                .col(ColumnDef::new(StatsTotals::Status).text().not_null())
                .col(
                    ColumnDef::new(StatsTotals::Bucket)
                        .small_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(StatsTotals::N).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(StatsTotals::Month)
                        .col(StatsTotals::Kind)
                        .col(StatsTotals::CategoryId)
                        .col(StatsTotals::UnitId)
                        .col(StatsTotals::Status)
                        .col(StatsTotals::Bucket),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StatsCloseTotals::Table)
                .col(ColumnDef::new(StatsCloseTotals::Month).integer().not_null())
                .col(ColumnDef::new(StatsCloseTotals::Kind).text().not_null())
                .col(ColumnDef::new(StatsCloseTotals::UnitId).uuid().not_null())
                .col(
                    ColumnDef::new(StatsCloseTotals::Days)
                        .small_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(StatsCloseTotals::N).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(StatsCloseTotals::Month)
                        .col(StatsCloseTotals::Kind)
                        .col(StatsCloseTotals::UnitId)
                        .col(StatsCloseTotals::Days),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO stats_totals (month, kind, category_id, unit_id, status, bucket, n) \
             SELECT month, kind, category_id, unit_id, status, bucket, SUM(n) FROM stats_reports \
             GROUP BY month, kind, category_id, unit_id, status, bucket",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO stats_close_totals (month, kind, unit_id, days, n) \
             SELECT month, kind, unit_id, days, SUM(n) FROM stats_close_days \
             GROUP BY month, kind, unit_id, days",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_stats_reports_district")
                .table(StatsReports::Table)
                .col(StatsReports::DistrictId)
                .col(StatsReports::Month)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_stats_close_days_district")
                .table(StatsCloseDays::Table)
                .col(StatsCloseDays::DistrictId)
                .col(StatsCloseDays::Month)
                .to_owned(),
        )
        .await
    }
}
