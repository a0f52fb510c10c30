//! Meetings and expert duty hours in consultations: meetings with a capacity and a running
//! count of places taken (taken with a conditional increment, so two sign-ups at once cannot
//! overfill it), registrations (one active per account: `holder` is the account while
//! active and NULL once cancelled, under a unique index), duty hours cut into slots, and
//! bookings (a slot points at its booking, set only when empty; one active booking per
//! account per duty hour, the same way).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationMeetings {
    Table,
    Id,
    ConsultationId,
    Title,
    Format,
    StartsAt,
    EndsAt,
    Place,
    Lat,
    Lon,
    Link,
    Agenda,
    Capacity,
    Taken,
    Minutes,
    MinutesAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationRegistrations {
    Table,
    Id,
    MeetingId,
    UserId,
    Holder,
    Waiting,
    CreatedAt,
    CancelledAt,
}

#[derive(DeriveIden)]
enum ConsultationDutyHours {
    Table,
    Id,
    ConsultationId,
    Expert,
    Mode,
    Place,
    Phone,
    StartsAt,
    EndsAt,
    SlotMinutes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationSlots {
    Table,
    Id,
    DutyHourId,
    StartsAt,
    EndsAt,
    BookingId,
}

#[derive(DeriveIden)]
enum ConsultationBookings {
    Table,
    Id,
    SlotId,
    DutyHourId,
    UserId,
    Holder,
    Name,
    Contact,
    Topic,
    BookedBy,
    CreatedAt,
    CancelledAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn cascade(
    from: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
    to: impl IntoIden + 'static,
    to_col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationMeetings as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(ColumnDef::new(M::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(M::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(M::Title).text().not_null())
                .col(ColumnDef::new(M::Format).text().not_null())
                .col(at(M::StartsAt))
                .col(at(M::EndsAt))
                .col(ColumnDef::new(M::Place).text().null())
                .col(ColumnDef::new(M::Lat).double().null())
                .col(ColumnDef::new(M::Lon).double().null())
                .col(ColumnDef::new(M::Link).text().null())
                .col(ColumnDef::new(M::Agenda).text().not_null())
                .col(ColumnDef::new(M::Capacity).integer().null())
                .col(ColumnDef::new(M::Taken).integer().not_null())
                .col(ColumnDef::new(M::Minutes).text().null())
                .col(
                    ColumnDef::new(M::MinutesAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(at(M::CreatedAt))
                .foreign_key(&mut cascade(
                    M::Table,
                    M::ConsultationId,
                    Consultations::Table,
                    Consultations::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_meetings_by_time")
                .table(M::Table)
                .col(M::ConsultationId)
                .col(M::StartsAt)
                .to_owned(),
        )
        .await?;
        use ConsultationRegistrations as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(R::MeetingId).uuid().not_null())
                .col(ColumnDef::new(R::UserId).uuid().not_null())
                .col(ColumnDef::new(R::Holder).uuid().null())
                .col(ColumnDef::new(R::Waiting).boolean().not_null())
                .col(at(R::CreatedAt))
                .col(
                    ColumnDef::new(R::CancelledAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(&mut cascade(R::Table, R::MeetingId, M::Table, M::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_registrations_one_per_account")
                .table(R::Table)
                .col(R::MeetingId)
                .col(R::Holder)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_registrations_queue")
                .table(R::Table)
                .col(R::MeetingId)
                .col(R::Waiting)
                .col(R::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_registrations_by_user")
                .table(R::Table)
                .col(R::UserId)
                .to_owned(),
        )
        .await?;
        use ConsultationDutyHours as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(ColumnDef::new(D::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(D::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(D::Expert).text().not_null())
                .col(ColumnDef::new(D::Mode).text().not_null())
                .col(ColumnDef::new(D::Place).text().null())
                .col(ColumnDef::new(D::Phone).text().null())
                .col(at(D::StartsAt))
                .col(at(D::EndsAt))
                .col(ColumnDef::new(D::SlotMinutes).integer().not_null())
                .col(at(D::CreatedAt))
                .foreign_key(&mut cascade(
                    D::Table,
                    D::ConsultationId,
                    Consultations::Table,
                    Consultations::Id,
                ))
                .to_owned(),
        )
        .await?;
        use ConsultationSlots as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(ColumnDef::new(S::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(S::DutyHourId).uuid().not_null())
                .col(at(S::StartsAt))
                .col(at(S::EndsAt))
                .col(ColumnDef::new(S::BookingId).uuid().null())
                .foreign_key(&mut cascade(S::Table, S::DutyHourId, D::Table, D::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_slots_by_time")
                .table(S::Table)
                .col(S::DutyHourId)
                .col(S::StartsAt)
                .to_owned(),
        )
        .await?;
        use ConsultationBookings as B;
        m.create_table(
            Table::create()
                .table(B::Table)
                .col(ColumnDef::new(B::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(B::SlotId).uuid().not_null())
                .col(ColumnDef::new(B::DutyHourId).uuid().not_null())
                .col(ColumnDef::new(B::UserId).uuid().null())
                .col(ColumnDef::new(B::Holder).uuid().null())
                .col(ColumnDef::new(B::Name).text().not_null())
                .col(ColumnDef::new(B::Contact).text().not_null())
                .col(ColumnDef::new(B::Topic).text().not_null())
                .col(ColumnDef::new(B::BookedBy).uuid().null())
                .col(at(B::CreatedAt))
                .col(
                    ColumnDef::new(B::CancelledAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(&mut cascade(B::Table, B::SlotId, S::Table, S::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_bookings_one_per_account")
                .table(B::Table)
                .col(B::DutyHourId)
                .col(B::Holder)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_bookings_by_user")
                .table(B::Table)
                .col(B::UserId)
                .to_owned(),
        )
        .await
    }
}
