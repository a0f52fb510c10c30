//! "Ławka dialogu" (issue 18): the mayor's meetings with residents, the questions asked before
//! or at them (routed to a unit, answered by it, published together), and who follows which
//! question.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DialogueMeetings {
    Table,
    Id,
    Number,
    Title,
    Audience,
    StartsAt,
    EndsAt,
    Venue,
    Lat,
    Lon,
    DistrictId,
    Description,
    PublishedAt,
    PublishedBy,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DialogueQuestions {
    Table,
    Id,
    MeetingId,
    Number,
    Body,
    Channel,
    AuthorId,
    RecordedBy,
    Status,
    UnitId,
    RoutedAt,
    Answer,
    AnsweredAt,
    AnsweredBy,
    ReportId,
    HiddenReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DialogueFollows {
    Table,
    QuestionId,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use DialogueFollows as F;
        use DialogueMeetings as M;
        use DialogueQuestions as Q;
        fn at(c: impl IntoIden) -> ColumnDef {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        }
        fn required_at(c: impl IntoIden) -> ColumnDef {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        }
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(ColumnDef::new(M::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(M::Number).integer().not_null().unique_key())
                .col(ColumnDef::new(M::Title).text().not_null())
                .col(ColumnDef::new(M::Audience).text().not_null())
                .col(required_at(M::StartsAt))
                .col(required_at(M::EndsAt))
                .col(ColumnDef::new(M::Venue).text().not_null())
                .col(ColumnDef::new(M::Lat).double().null())
                .col(ColumnDef::new(M::Lon).double().null())
                .col(ColumnDef::new(M::DistrictId).uuid().null())
                .col(ColumnDef::new(M::Description).text().not_null())
                .col(at(M::PublishedAt))
                .col(ColumnDef::new(M::PublishedBy).uuid().null())
                .col(ColumnDef::new(M::CreatedBy).uuid().null())
                .col(required_at(M::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Q::Table)
                .col(ColumnDef::new(Q::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(Q::MeetingId).uuid().not_null())
                .col(ColumnDef::new(Q::Number).integer().not_null())
                .col(ColumnDef::new(Q::Body).text().not_null())
                .col(ColumnDef::new(Q::Channel).text().not_null())
                .col(ColumnDef::new(Q::AuthorId).uuid().null())
                .col(ColumnDef::new(Q::RecordedBy).uuid().null())
                .col(ColumnDef::new(Q::Status).text().not_null())
                .col(ColumnDef::new(Q::UnitId).uuid().null())
                .col(at(Q::RoutedAt))
                .col(ColumnDef::new(Q::Answer).text().null())
                .col(at(Q::AnsweredAt))
                .col(ColumnDef::new(Q::AnsweredBy).uuid().null())
                .col(ColumnDef::new(Q::ReportId).uuid().null())
                .col(ColumnDef::new(Q::HiddenReason).text().null())
                .col(required_at(Q::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Q::Table, Q::MeetingId)
                        .to(M::Table, M::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_dialogue_questions_number")
                .table(Q::Table)
                .col(Q::MeetingId)
                .col(Q::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        // The units' queues: waiting questions of a unit, oldest first.
        m.create_index(
            Index::create()
                .name("idx_dialogue_questions_unit")
                .table(Q::Table)
                .col(Q::UnitId)
                .col(Q::Status)
                .col(Q::CreatedAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(ColumnDef::new(F::QuestionId).uuid().not_null())
                .col(ColumnDef::new(F::UserId).uuid().not_null())
                .primary_key(Index::create().col(F::QuestionId).col(F::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .from(F::Table, F::QuestionId)
                        .to(Q::Table, Q::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }
}
