//! Public consultations: the plan (the May 2025 template), its schedule, where it stands, and
//! the districts it concerns.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
    Slug,
    Kind,
    Title,
    Goal,
    LegalBasis,
    TargetGroups,
    ContactName,
    ContactEmail,
    ContactPhone,
    UnitId,
    Methods,
    CityWide,
    InformationAt,
    OpensAt,
    ClosesAt,
    ReportDue,
    PublishedAt,
    CancelledAt,
    CancelReason,
    ReportedAt,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsultationDistricts {
    Table,
    ConsultationId,
    DistrictId,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Districts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let at = |c: Consultations| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        };
        let at_null = |c: Consultations| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        m.create_table(
            Table::create()
                .table(Consultations::Table)
                .col(
                    ColumnDef::new(Consultations::Id)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Consultations::Slug)
                        .text()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Consultations::Kind).text().not_null())
                .col(ColumnDef::new(Consultations::Title).text().not_null())
                .col(ColumnDef::new(Consultations::Goal).text().not_null())
                .col(ColumnDef::new(Consultations::LegalBasis).text().null())
                .col(ColumnDef::new(Consultations::TargetGroups).text().null())
                .col(ColumnDef::new(Consultations::ContactName).text().not_null())
                .col(
                    ColumnDef::new(Consultations::ContactEmail)
                        .text()
                        .not_null(),
                )
                .col(ColumnDef::new(Consultations::ContactPhone).text().null())
                .col(ColumnDef::new(Consultations::UnitId).uuid().not_null())
                .col(ColumnDef::new(Consultations::Methods).text().not_null())
                .col(ColumnDef::new(Consultations::CityWide).boolean().not_null())
                .col(at(Consultations::InformationAt))
                .col(at(Consultations::OpensAt))
                .col(at(Consultations::ClosesAt))
                .col(at(Consultations::ReportDue))
                .col(at_null(Consultations::PublishedAt))
                .col(at_null(Consultations::CancelledAt))
                .col(ColumnDef::new(Consultations::CancelReason).text().null())
                .col(at_null(Consultations::ReportedAt))
                .col(
                    ColumnDef::new(Consultations::Version)
                        .integer()
                        .not_null()
                        .default(1),
                )
                .col(ColumnDef::new(Consultations::CreatedBy).uuid().null())
                .col(at(Consultations::CreatedAt))
                .col(at(Consultations::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Consultations::Table, Consultations::UnitId)
                        .to(Units::Table, Units::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultations_opens")
                .table(Consultations::Table)
                .col(Consultations::PublishedAt)
                .col(Consultations::OpensAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ConsultationDistricts::Table)
                .col(
                    ColumnDef::new(ConsultationDistricts::ConsultationId)
                        .uuid()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ConsultationDistricts::DistrictId)
                        .uuid()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(ConsultationDistricts::ConsultationId)
                        .col(ConsultationDistricts::DistrictId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            ConsultationDistricts::Table,
                            ConsultationDistricts::ConsultationId,
                        )
                        .to(Consultations::Table, Consultations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            ConsultationDistricts::Table,
                            ConsultationDistricts::DistrictId,
                        )
                        .to(Districts::Table, Districts::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_districts_district")
                .table(ConsultationDistricts::Table)
                .col(ConsultationDistricts::DistrictId)
                .to_owned(),
        )
        .await
    }
}
