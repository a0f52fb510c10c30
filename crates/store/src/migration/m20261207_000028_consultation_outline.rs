//! The area of a consultation drawn on the map (JSON of `consultations::Outline`; NULL: none).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Outline,
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
                .add_column(ColumnDef::new(Consultations::Outline).text().null())
                .to_owned(),
        )
        .await
    }
}
