//! The population margins an official enters to weight a survey's results (JSON of
//! `weighting::Margins`; NULL: not weighted).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationSurveys {
    Table,
    Margins,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ConsultationSurveys::Table)
                .add_column(ColumnDef::new(ConsultationSurveys::Margins).text().null())
                .to_owned(),
        )
        .await
    }
}
