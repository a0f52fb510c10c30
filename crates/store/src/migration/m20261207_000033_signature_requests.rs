//! Requests with signatures (issue 18): a request (for a Small Consultation, a consultation or
//! a district referendum) with the numbers it needs fixed when it is opened; its signatures,
//! each person once (a keyed hash of the PESEL within the request, or the organisation's KRS
//! number), never the PESEL or the name; and organisations linked to accounts, verified by
//! staff.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignatureRequests {
    Table,
    Id,
    Number,
    Purpose,
    Title,
    Description,
    DistrictId,
    AuthorId,
    Status,
    Electorate,
    NeededResidents,
    NeededOrganisations,
    OpenedAt,
    Deadline,
    DecidedAt,
    DecidedBy,
    Reason,
    ConsultationId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RequestSignatures {
    Table,
    Id,
    RequestId,
    Kind,
    IdentityHash,
    UserId,
    OrganisationId,
    Channel,
    EnteredBy,
    SignedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    UserId,
    Krs,
    Name,
    Status,
    Reason,
    DecidedBy,
    DecidedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        fn at(c: impl IntoIden) -> ColumnDef {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        }
        use Organisations as O;
        use RequestSignatures as S;
        use SignatureRequests as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(R::Number).integer().not_null().unique_key())
                .col(ColumnDef::new(R::Purpose).text().not_null())
                .col(ColumnDef::new(R::Title).text().not_null())
                .col(ColumnDef::new(R::Description).text().not_null())
                .col(ColumnDef::new(R::DistrictId).uuid().null())
                .col(ColumnDef::new(R::AuthorId).uuid().null())
                .col(ColumnDef::new(R::Status).text().not_null())
                .col(ColumnDef::new(R::Electorate).integer().null())
                .col(ColumnDef::new(R::NeededResidents).integer().null())
                .col(ColumnDef::new(R::NeededOrganisations).integer().null())
                .col(at(R::OpenedAt))
                .col(at(R::Deadline))
                .col(at(R::DecidedAt))
                .col(ColumnDef::new(R::DecidedBy).uuid().null())
                .col(ColumnDef::new(R::Reason).text().null())
                .col(ColumnDef::new(R::ConsultationId).uuid().null())
                .col(
                    ColumnDef::new(R::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_signature_requests_status")
                .table(R::Table)
                .col(R::Status)
                .col(R::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(ColumnDef::new(O::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(O::UserId).uuid().not_null())
                .col(ColumnDef::new(O::Krs).text().not_null())
                .col(ColumnDef::new(O::Name).text().not_null())
                .col(ColumnDef::new(O::Status).text().not_null())
                .col(ColumnDef::new(O::Reason).text().null())
                .col(ColumnDef::new(O::DecidedBy).uuid().null())
                .col(at(O::DecidedAt))
                .col(
                    ColumnDef::new(O::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_organisations_user_krs")
                .table(O::Table)
                .col(O::UserId)
                .col(O::Krs)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(ColumnDef::new(S::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(S::RequestId).uuid().not_null())
                .col(ColumnDef::new(S::Kind).text().not_null())
                .col(ColumnDef::new(S::IdentityHash).text().not_null())
                .col(ColumnDef::new(S::UserId).uuid().null())
                .col(ColumnDef::new(S::OrganisationId).uuid().null())
                .col(ColumnDef::new(S::Channel).text().not_null())
                .col(ColumnDef::new(S::EnteredBy).uuid().null())
                .col(
                    ColumnDef::new(S::SignedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(S::Table, S::RequestId)
                        .to(R::Table, R::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One signature per person (or organisation) and request, whatever the channel…
        m.create_index(
            Index::create()
                .name("idx_request_signatures_identity")
                .table(S::Table)
                .col(S::RequestId)
                .col(S::IdentityHash)
                .unique()
                .to_owned(),
        )
        .await?;
        // …and one of each kind per account (paper signatures have none).
        m.create_index(
            Index::create()
                .name("idx_request_signatures_account")
                .table(S::Table)
                .col(S::RequestId)
                .col(S::UserId)
                .col(S::Kind)
                .unique()
                .to_owned(),
        )
        .await
    }
}
