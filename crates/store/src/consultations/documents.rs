//! Documents put out for comments, in versions. Each version's paragraphs (and headings,
//! which open sections) are rows that point at a paragraph identity; a new version matches
//! its paragraphs to the previous ones (`domain::consultations::document::carry_over`), so
//! a comment made on a paragraph stays with it when the draft is edited, and one made on a
//! paragraph later removed still shows the text it was made on.

use super::ChangeError;
use crate::entities::{
    consultation_comments, consultation_document_versions, consultation_documents,
    consultation_paragraph_texts, consultation_paragraphs, consultations,
};
use crate::{Result, now};
use chrono::{DateTime, Utc};
use miasto_domain::UserId;
use miasto_domain::consultations::document::{Block, Change, carry_over};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A document as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: Uuid,
    pub consultation: Uuid,
    pub title: String,
    pub current_version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn from_row(m: consultation_documents::Model) -> Document {
    Document {
        id: m.id,
        consultation: m.consultation_id,
        title: m.title,
        current_version: m.current_version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A paragraph or heading of one version.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub id: Uuid,
    pub heading: bool,
    pub position: i32,
    pub body: String,
}

/// A version's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub number: i32,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// Documents change only while the plan may (`Action::EditPlan`): the consultation neither
/// called off nor reported, nor closed. A write on its row, so a report or a cancellation
/// at the same moment comes first or waits.
async fn editable(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    super::guard(
        c,
        consultation,
        sea_orm::Condition::all()
            .add(C::CancelledAt.is_null())
            .add(C::ReportedAt.is_null())
            .add(C::ClosesAt.gt(now())),
    )
    .await
}

async fn write_version(
    c: &impl ConnectionTrait,
    document: Uuid,
    number: i32,
    rows: Vec<(Uuid, String)>,
    source: &str,
    note: Option<String>,
    by: UserId,
) -> Result<()> {
    let at = now();
    consultation_document_versions::Entity::insert(consultation_document_versions::ActiveModel {
        document_id: Set(document),
        number: Set(number),
        source: Set(source.to_owned()),
        note: Set(note),
        created_by: Set(Some(by.0)),
        created_at: Set(at),
    })
    .exec_without_returning(c)
    .await?;
    // In chunks: SQLite takes at most 32,766 parameters a statement.
    let texts: Vec<_> = rows
        .into_iter()
        .enumerate()
        .map(
            |(i, (id, body))| consultation_paragraph_texts::ActiveModel {
                paragraph_id: Set(id),
                document_id: Set(document),
                version: Set(number),
                position: Set(i as i32 + 1),
                body: Set(body),
            },
        )
        .collect();
    for chunk in texts.chunks(1000) {
        consultation_paragraph_texts::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

async fn new_paragraphs(
    c: &impl ConnectionTrait,
    document: Uuid,
    fresh: &[(Uuid, bool)],
) -> Result<()> {
    let rows: Vec<_> = fresh
        .iter()
        .map(|(id, heading)| consultation_paragraphs::ActiveModel {
            id: Set(*id),
            document_id: Set(document),
            heading: Set(*heading),
        })
        .collect();
    for chunk in rows.chunks(1000) {
        consultation_paragraphs::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Adds a document (its first version) to a consultation whose plan may still change.
pub async fn create(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    title: &str,
    blocks: &[Block],
    source: &str,
    by: UserId,
) -> std::result::Result<Document, ChangeError> {
    editable(c, consultation).await?;
    let at = now();
    let position = consultation_documents::Entity::find()
        .filter(consultation_documents::Column::ConsultationId.eq(consultation))
        .count(c)
        .await? as i32
        + 1;
    let model = consultation_documents::Model {
        id: Uuid::now_v7(),
        consultation_id: consultation,
        title: title.to_owned(),
        position,
        current_version: 1,
        created_at: at,
        updated_at: at,
    };
    consultation_documents::Entity::insert(consultation_documents::ActiveModel::from(
        model.clone(),
    ))
    .exec_without_returning(c)
    .await?;
    let mut fresh = Vec::new();
    let mut rows = Vec::new();
    for block in blocks {
        let id = Uuid::now_v7();
        let (heading, body) = match block {
            Block::Heading(t) => (true, t),
            Block::Paragraph(t) => (false, t),
        };
        fresh.push((id, heading));
        rows.push((id, body.clone()));
    }
    new_paragraphs(c, model.id, &fresh).await?;
    write_version(c, model.id, 1, rows, source, None, by).await?;
    Ok(from_row(model))
}

/// Writes a new version if the current one is still `expected` (compare-and-set: two
/// officials never overwrite each other): paragraphs found again keep their ids, the rest
/// are new. Returns the new version's number.
pub async fn new_version(
    c: &impl ConnectionTrait,
    document: &Document,
    expected: i32,
    blocks: &[Block],
    source: &str,
    note: Option<String>,
    by: UserId,
) -> std::result::Result<i32, ChangeError> {
    use consultation_documents::Column as D;
    editable(c, document.consultation).await?;
    let number = expected + 1;
    let done = consultation_documents::Entity::update_many()
        .col_expr(D::CurrentVersion, number.into())
        .col_expr(D::UpdatedAt, now().into())
        .filter(D::Id.eq(document.id))
        .filter(D::CurrentVersion.eq(expected))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    let old = paragraphs(c, document.id, expected).await?;
    // Headings are matched among headings, paragraphs among paragraphs.
    let mut ids: Vec<Option<Uuid>> = vec![None; blocks.len()];
    for heading in [true, false] {
        let old_of: Vec<(Uuid, String)> = old
            .iter()
            .filter(|p| p.heading == heading)
            .map(|p| (p.id, p.body.clone()))
            .collect();
        let (slots, texts): (Vec<usize>, Vec<String>) = blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::Heading(t) if heading => Some((i, t.clone())),
                Block::Paragraph(t) if !heading => Some((i, t.clone())),
                _ => None,
            })
            .unzip();
        for (slot, change) in slots.into_iter().zip(carry_over(&old_of, &texts)) {
            ids[slot] = match change {
                Change::Same(id) | Change::Edited(id, _) => Some(id),
                Change::Added => None,
            };
        }
    }
    let mut fresh = Vec::new();
    let mut rows = Vec::new();
    for (block, id) in blocks.iter().zip(ids) {
        let (heading, body) = match block {
            Block::Heading(t) => (true, t),
            Block::Paragraph(t) => (false, t),
        };
        let id = id.unwrap_or_else(|| {
            let id = Uuid::now_v7();
            fresh.push((id, heading));
            id
        });
        rows.push((id, body.clone()));
    }
    new_paragraphs(c, document.id, &fresh).await?;
    write_version(c, document.id, number, rows, source, note, by).await?;
    Ok(number)
}

/// A consultation's documents in the order they were added.
pub async fn list(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Vec<Document>> {
    Ok(consultation_documents::Entity::find()
        .filter(consultation_documents::Column::ConsultationId.eq(consultation))
        .order_by_asc(consultation_documents::Column::Position)
        .all(c)
        .await?
        .into_iter()
        .map(from_row)
        .collect())
}

/// A document of this consultation.
pub async fn get(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
) -> Result<Option<Document>> {
    Ok(consultation_documents::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|d| d.consultation_id == consultation)
        .map(from_row))
}

/// The paragraphs and headings of one version, in order.
pub async fn paragraphs(
    c: &impl ConnectionTrait,
    document: Uuid,
    version: i32,
) -> Result<Vec<Paragraph>> {
    use consultation_paragraph_texts::Column as T;
    let texts = consultation_paragraph_texts::Entity::find()
        .filter(T::DocumentId.eq(document))
        .filter(T::Version.eq(version))
        .order_by_asc(T::Position)
        .all(c)
        .await?;
    let headings: Vec<Uuid> = consultation_paragraphs::Entity::find()
        .filter(consultation_paragraphs::Column::DocumentId.eq(document))
        .filter(consultation_paragraphs::Column::Heading.eq(true))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(texts
        .into_iter()
        .map(|t| Paragraph {
            heading: headings.contains(&t.paragraph_id),
            id: t.paragraph_id,
            position: t.position,
            body: t.body,
        })
        .collect())
}

/// A paragraph of this document: whether it is a heading, and its text in every version it
/// appears in (oldest first).
pub async fn paragraph_history(
    c: &impl ConnectionTrait,
    document: Uuid,
    paragraph: Uuid,
) -> Result<Option<(bool, Vec<(i32, String)>)>> {
    let Some(p) = consultation_paragraphs::Entity::find_by_id(paragraph)
        .one(c)
        .await?
        .filter(|p| p.document_id == document)
    else {
        return Ok(None);
    };
    let texts = consultation_paragraph_texts::Entity::find()
        .filter(consultation_paragraph_texts::Column::ParagraphId.eq(paragraph))
        .order_by_asc(consultation_paragraph_texts::Column::Version)
        .all(c)
        .await?
        .into_iter()
        .map(|t| (t.version, t.body))
        .collect();
    Ok(Some((p.heading, texts)))
}

/// A document's versions, oldest first.
pub async fn versions(c: &impl ConnectionTrait, document: Uuid) -> Result<Vec<Version>> {
    use consultation_document_versions::Column as V;
    Ok(consultation_document_versions::Entity::find()
        .select_only()
        .columns([V::Number, V::Note, V::CreatedBy, V::CreatedAt])
        .filter(V::DocumentId.eq(document))
        .order_by_asc(V::Number)
        .into_tuple::<(i32, Option<String>, Option<Uuid>, DateTime<Utc>)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(number, note, by, created_at)| Version {
            number,
            note,
            created_by: by.map(UserId),
            created_at,
        })
        .collect())
}

/// The source of one version, as the official pasted it.
pub async fn source(
    c: &impl ConnectionTrait,
    document: Uuid,
    version: i32,
) -> Result<Option<String>> {
    Ok(
        consultation_document_versions::Entity::find_by_id((document, version))
            .one(c)
            .await?
            .map(|v| v.source),
    )
}

/// How many comments (not hidden) each paragraph of a document has.
pub async fn comment_counts(
    c: &impl ConnectionTrait,
    document: Uuid,
) -> Result<HashMap<Uuid, u64>> {
    use consultation_comments::Column as K;
    let rows: Vec<(Option<Uuid>, i64)> = consultation_comments::Entity::find()
        .select_only()
        .column(K::ParagraphId)
        .column_as(K::Id.count(), "n")
        .filter(K::DocumentId.eq(document))
        .filter(K::ParagraphId.is_not_null())
        .filter(K::HiddenAt.is_null())
        .group_by(K::ParagraphId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, n)| p.map(|p| (p, u64::try_from(n).unwrap_or(0))))
        .collect())
}
