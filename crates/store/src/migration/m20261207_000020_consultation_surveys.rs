//! E-surveys in consultations: the definition (questions, audience) kept under a version;
//! responses (one per account and one per invitation code, enforced by unique indexes),
//! saved as drafts to continue later; invitation codes kept only as hashes; running counts
//! per answer (so results read a few rows, not every response); open answers for listing
//! and searching.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationSurveys {
    Table,
    ConsultationId,
    Definition,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsultationResponses {
    Table,
    Id,
    ConsultationId,
    UserId,
    CodeHash,
    DistrictId,
    AgeBand,
    Sex,
    Answers,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsultationCodes {
    Table,
    ConsultationId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationTallies {
    Table,
    ConsultationId,
    Key,
    Count,
}

#[derive(DeriveIden)]
enum ConsultationTextAnswers {
    Table,
    Id,
    ConsultationId,
    Question,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

fn belongs(
    from: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(Consultations::Table, Consultations::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationSurveys as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(
                    ColumnDef::new(S::ConsultationId)
                        .uuid()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(S::Definition).text().not_null())
                .col(ColumnDef::new(S::Version).integer().not_null())
                .col(
                    ColumnDef::new(S::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut belongs(S::Table, S::ConsultationId))
                .to_owned(),
        )
        .await?;
        use ConsultationResponses as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(ColumnDef::new(R::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(R::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(R::UserId).uuid().null())
                .col(ColumnDef::new(R::CodeHash).text().null())
                .col(ColumnDef::new(R::DistrictId).uuid().null())
                .col(ColumnDef::new(R::AgeBand).text().null())
                .col(ColumnDef::new(R::Sex).text().null())
                .col(ColumnDef::new(R::Answers).text().not_null())
                .col(
                    ColumnDef::new(R::SubmittedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(
                    ColumnDef::new(R::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(R::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut belongs(R::Table, R::ConsultationId))
                .to_owned(),
        )
        .await?;
        // One response per account and per code: NULLs (anonymous, no code) do not collide.
        for (name, col) in [
            ("consultation_responses_one_per_account", R::UserId),
            ("consultation_responses_one_per_code", R::CodeHash),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(R::Table)
                    .col(R::ConsultationId)
                    .col(col)
                    .unique()
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("consultation_responses_by_time")
                .table(R::Table)
                .col(R::ConsultationId)
                .col(R::SubmittedAt)
                .col(R::Id)
                .to_owned(),
        )
        .await?;
        use ConsultationCodes as K;
        m.create_table(
            Table::create()
                .table(K::Table)
                .col(ColumnDef::new(K::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(K::CodeHash).text().not_null())
                .col(ColumnDef::new(K::UsedAt).timestamp_with_time_zone().null())
                .col(
                    ColumnDef::new(K::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(Index::create().col(K::ConsultationId).col(K::CodeHash))
                .foreign_key(&mut belongs(K::Table, K::ConsultationId))
                .to_owned(),
        )
        .await?;
        use ConsultationTallies as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(ColumnDef::new(T::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(T::Key).text().not_null())
                .col(ColumnDef::new(T::Count).big_integer().not_null())
                .primary_key(Index::create().col(T::ConsultationId).col(T::Key))
                .foreign_key(&mut belongs(T::Table, T::ConsultationId))
                .to_owned(),
        )
        .await?;
        use ConsultationTextAnswers as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(ColumnDef::new(A::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(A::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(A::Question).text().not_null())
                .col(ColumnDef::new(A::Body).text().not_null())
                .col(
                    ColumnDef::new(A::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(&mut belongs(A::Table, A::ConsultationId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_text_answers_by_question")
                .table(A::Table)
                .col(A::ConsultationId)
                .col(A::Question)
                .col(A::CreatedAt)
                .to_owned(),
        )
        .await
    }
}
