//! Documents put out for comments, kept in versions whose paragraphs keep their identity
//! (a comment stays with its paragraph when the draft is edited); comments aimed at a
//! document, a section or a paragraph; and the answers to comments (a disposition and a
//! justification, drafts until the report publishes them all at once, one answer shared by
//! many comments).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsultationDocuments {
    Table,
    Id,
    ConsultationId,
    Title,
    Position,
    CurrentVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConsultationDocumentVersions {
    Table,
    DocumentId,
    Number,
    Source,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConsultationParagraphs {
    Table,
    Id,
    DocumentId,
    Heading,
}

#[derive(DeriveIden)]
enum ConsultationParagraphTexts {
    Table,
    ParagraphId,
    DocumentId,
    Version,
    Position,
    Body,
}

#[derive(DeriveIden)]
enum ConsultationAnswers {
    Table,
    Id,
    ConsultationId,
    Disposition,
    Justification,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum ConsultationComments {
    Table,
    DocumentId,
    ParagraphId,
    DocumentVersion,
    AnswerId,
    ConsultationId,
    CreatedAt,
    Id,
    HiddenAt,
    AuthorId,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ConsultationDocuments as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(ColumnDef::new(D::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(D::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(D::Title).text().not_null())
                .col(ColumnDef::new(D::Position).integer().not_null())
                .col(ColumnDef::new(D::CurrentVersion).integer().not_null())
                .col(at(D::CreatedAt))
                .col(at(D::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(D::Table, D::ConsultationId)
                        .to(Consultations::Table, Consultations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_documents_by_consultation")
                .table(D::Table)
                .col(D::ConsultationId)
                .col(D::Position)
                .to_owned(),
        )
        .await?;
        use ConsultationDocumentVersions as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(ColumnDef::new(V::DocumentId).uuid().not_null())
                .col(ColumnDef::new(V::Number).integer().not_null())
                .col(ColumnDef::new(V::Source).text().not_null())
                .col(ColumnDef::new(V::Note).text().null())
                .col(ColumnDef::new(V::CreatedBy).uuid().null())
                .col(at(V::CreatedAt))
                .primary_key(Index::create().col(V::DocumentId).col(V::Number))
                .foreign_key(
                    ForeignKey::create()
                        .from(V::Table, V::DocumentId)
                        .to(D::Table, D::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        use ConsultationParagraphs as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(ColumnDef::new(P::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(P::DocumentId).uuid().not_null())
                .col(ColumnDef::new(P::Heading).boolean().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(P::Table, P::DocumentId)
                        .to(D::Table, D::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        use ConsultationParagraphTexts as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(ColumnDef::new(T::ParagraphId).uuid().not_null())
                .col(ColumnDef::new(T::DocumentId).uuid().not_null())
                .col(ColumnDef::new(T::Version).integer().not_null())
                .col(ColumnDef::new(T::Position).integer().not_null())
                .col(ColumnDef::new(T::Body).text().not_null())
                .primary_key(Index::create().col(T::ParagraphId).col(T::Version))
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::ParagraphId)
                        .to(P::Table, P::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_paragraph_texts_by_version")
                .table(T::Table)
                .col(T::DocumentId)
                .col(T::Version)
                .col(T::Position)
                .unique()
                .to_owned(),
        )
        .await?;
        use ConsultationAnswers as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(ColumnDef::new(A::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(A::ConsultationId).uuid().not_null())
                .col(ColumnDef::new(A::Disposition).text().not_null())
                .col(ColumnDef::new(A::Justification).text().not_null())
                .col(ColumnDef::new(A::CreatedBy).uuid().null())
                .col(at(A::CreatedAt))
                .col(at(A::UpdatedAt))
                .col(
                    ColumnDef::new(A::PublishedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::ConsultationId)
                        .to(Consultations::Table, Consultations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_answers_by_consultation")
                .table(A::Table)
                .col(A::ConsultationId)
                .to_owned(),
        )
        .await?;
        use ConsultationComments as K;
        // One column per statement: SQLite adds one at a time.
        for col in [
            ColumnDef::new(K::DocumentId).uuid().null().to_owned(),
            ColumnDef::new(K::ParagraphId).uuid().null().to_owned(),
            ColumnDef::new(K::DocumentVersion)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(K::AnswerId).uuid().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(K::Table).add_column(col).to_owned())
                .await?;
        }
        m.create_index(
            Index::create()
                .name("consultation_comments_by_paragraph")
                .table(K::Table)
                .col(K::ParagraphId)
                .col(K::CreatedAt)
                .col(K::Id)
                .to_owned(),
        )
        .await?;
        // A document's counts per paragraph and its whole-document comments.
        m.create_index(
            Index::create()
                .name("consultation_comments_by_document")
                .table(K::Table)
                .col(K::DocumentId)
                .col(K::ParagraphId)
                .col(K::HiddenAt)
                .to_owned(),
        )
        .await?;
        // An author's comments ("My city", a first comment counting a participant).
        m.create_index(
            Index::create()
                .name("consultation_comments_by_author")
                .table(K::Table)
                .col(K::AuthorId)
                .col(K::ConsultationId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("consultation_comments_by_answer")
                .table(K::Table)
                .col(K::ConsultationId)
                .col(K::AnswerId)
                .to_owned(),
        )
        .await
    }
}
