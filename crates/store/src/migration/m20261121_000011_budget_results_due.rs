//! The day an edition's results are due, as its schedule announces it (Kraków: "results by
//! 30 October"). Publication itself stays an official's act; this is the promise shown to
//! residents.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BudgetEditions {
    Table,
    ResultsDueOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(BudgetEditions::Table)
                .add_column(ColumnDef::new(BudgetEditions::ResultsDueOn).date().null())
                .to_owned(),
        )
        .await
    }
}
