//! Local initiatives (issue 18): each year's pool (the money the city may commit, and how much
//! is committed: accepting an initiative adds its cost only while it fits), and the
//! applications with their form's fields, assessment, decision, agreement and report.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InitiativePools {
    Table,
    Year,
    Amount,
    Committed,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Initiatives {
    Table,
    Id,
    Number,
    Year,
    Title,
    Summary,
    Applicants,
    Organisation,
    ContactEmail,
    ContactPhone,
    Area,
    Task,
    StartsOn,
    EndsOn,
    Place,
    DistrictId,
    CityLand,
    LandownerConsent,
    Significance,
    ResidentsContribution,
    CityContribution,
    Cost,
    Opinion,
    AuthorId,
    Status,
    Usefulness,
    Contribution,
    Extra,
    AssessmentNote,
    Reason,
    DecidedBy,
    DecidedAt,
    AgreedOn,
    RealisedOn,
    Report,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use InitiativePools as P;
        use Initiatives as I;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(ColumnDef::new(P::Year).integer().not_null().primary_key())
                .col(ColumnDef::new(P::Amount).big_integer().not_null())
                .col(ColumnDef::new(P::Committed).big_integer().not_null())
                .col(
                    ColumnDef::new(P::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        let text = |c: I| ColumnDef::new(c).text().not_null().to_owned();
        let int = |c: I| ColumnDef::new(c).integer().null().to_owned();
        m.create_table(
            Table::create()
                .table(I::Table)
                .col(ColumnDef::new(I::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(I::Number).integer().not_null().unique_key())
                .col(ColumnDef::new(I::Year).integer().not_null())
                .col(text(I::Title))
                .col(text(I::Summary))
                .col(text(I::Applicants))
                .col(ColumnDef::new(I::Organisation).text().null())
                .col(text(I::ContactEmail))
                .col(ColumnDef::new(I::ContactPhone).text().null())
                .col(text(I::Area))
                .col(text(I::Task))
                .col(ColumnDef::new(I::StartsOn).date().not_null())
                .col(ColumnDef::new(I::EndsOn).date().not_null())
                .col(text(I::Place))
                .col(ColumnDef::new(I::DistrictId).uuid().not_null())
                .col(ColumnDef::new(I::CityLand).boolean().not_null())
                .col(ColumnDef::new(I::LandownerConsent).boolean().not_null())
                .col(text(I::Significance))
                .col(text(I::ResidentsContribution))
                .col(text(I::CityContribution))
                .col(ColumnDef::new(I::Cost).big_integer().not_null())
                .col(text(I::Opinion))
                .col(ColumnDef::new(I::AuthorId).uuid().null())
                .col(text(I::Status))
                .col(int(I::Usefulness))
                .col(int(I::Contribution))
                .col(int(I::Extra))
                .col(ColumnDef::new(I::AssessmentNote).text().null())
                .col(ColumnDef::new(I::Reason).text().null())
                .col(ColumnDef::new(I::DecidedBy).uuid().null())
                .col(
                    ColumnDef::new(I::DecidedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(I::AgreedOn).date().null())
                .col(ColumnDef::new(I::RealisedOn).date().null())
                .col(ColumnDef::new(I::Report).text().null())
                .col(
                    ColumnDef::new(I::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_initiatives_year_status")
                .table(I::Table)
                .col(I::Year)
                .col(I::Status)
                .to_owned(),
        )
        .await
    }
}
