//! Answers to comments: one answer (disposition and justification) shared by any number of
//! comments of the consultation; drafts until the report is published, which publishes
//! them all in the same transaction. The report itself is a conditional write: it is not
//! published while a comment (not hidden) has no answer.

use super::{ChangeError, Comment, comment_from};
use crate::entities::{
    consultation_answer_templates, consultation_answers, consultation_comments, consultations,
};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::UserId;
use miasto_domain::consultations::answers::{self as rules, Disposition};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// An answer as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub id: Uuid,
    pub disposition: Disposition,
    pub justification: String,
    pub created_by: Option<UserId>,
    pub updated_at: DateTime<Utc>,
    /// Set when the report is published; until then only the city sees it.
    pub published_at: Option<DateTime<Utc>>,
}

fn from_row(m: consultation_answers::Model) -> Result<Answer> {
    Ok(Answer {
        disposition: Disposition::parse(&m.disposition).ok_or_else(|| StoreError::Corrupt {
            table: "consultation_answers",
            detail: format!("{}: disposition", m.id),
        })?,
        id: m.id,
        justification: m.justification,
        created_by: m.created_by.map(UserId),
        updated_at: m.updated_at,
        published_at: m.published_at,
    })
}

/// Answers are written while `Action::Answer` allows: published, opened, neither called off
/// nor reported. A write on the consultation's row, so the report published at the same
/// moment comes first (and the answer is refused) or waits for it.
pub(crate) async fn answerable(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    super::guard(
        c,
        consultation,
        Condition::all()
            .add(C::PublishedAt.is_not_null())
            .add(C::CancelledAt.is_null())
            .add(C::ReportedAt.is_null())
            .add(C::OpensAt.lte(now())),
    )
    .await
}

/// Points the comments at `answer`; every one must be a comment of this consultation not
/// hidden, else nothing is written ([`ChangeError::Target`], the caller rolls back). Answers
/// left with no comment (all moved to another) are dropped.
async fn assign(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    comments: &[Uuid],
    answer: Uuid,
) -> std::result::Result<u64, ChangeError> {
    use consultation_comments::Column as K;
    let mut ids = comments.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(ChangeError::Target);
    }
    let mut done = 0;
    for chunk in ids.chunks(1000) {
        done += consultation_comments::Entity::update_many()
            .col_expr(K::AnswerId, Some(answer).into())
            .filter(K::ConsultationId.eq(consultation))
            .filter(K::HiddenAt.is_null())
            .filter(K::Id.is_in(chunk.to_vec()))
            .exec(c)
            .await?
            .rows_affected;
    }
    if done != ids.len() as u64 {
        return Err(ChangeError::Target);
    }
    let used = Query::select()
        .column(K::AnswerId)
        .from(consultation_comments::Entity)
        .and_where(K::ConsultationId.eq(consultation))
        .and_where(K::AnswerId.is_not_null())
        .to_owned();
    consultation_answers::Entity::delete_many()
        .filter(consultation_answers::Column::ConsultationId.eq(consultation))
        .filter(consultation_answers::Column::PublishedAt.is_null())
        .filter(consultation_answers::Column::Id.not_in_subquery(used))
        .exec(c)
        .await?;
    Ok(done)
}

/// Gives the comments one new answer (a draft). Returns its id.
pub async fn give(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    comments: &[Uuid],
    answer: &rules::Answer,
    by: UserId,
) -> std::result::Result<Uuid, ChangeError> {
    answerable(c, consultation).await?;
    let at = now();
    let id = Uuid::now_v7();
    consultation_answers::Entity::insert(consultation_answers::ActiveModel {
        id: Set(id),
        consultation_id: Set(consultation),
        disposition: Set(answer.disposition.as_str().to_owned()),
        justification: Set(answer.justification.clone()),
        created_by: Set(Some(by.0)),
        created_at: Set(at),
        updated_at: Set(at),
        published_at: Set(None),
    })
    .exec_without_returning(c)
    .await?;
    assign(c, consultation, comments, id).await?;
    Ok(id)
}

/// Gives the comments an answer already written in this consultation (the same point made
/// again). Returns how many comments it now answers.
pub async fn attach(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    comments: &[Uuid],
    answer: Uuid,
) -> std::result::Result<u64, ChangeError> {
    answerable(c, consultation).await?;
    consultation_answers::Entity::find_by_id(answer)
        .one(c)
        .await?
        .filter(|a| a.consultation_id == consultation)
        .ok_or(ChangeError::Target)?;
    assign(c, consultation, comments, answer).await?;
    members(c, answer).await.map_err(ChangeError::Store)
}

/// Rewrites a draft answer (every comment it answers shows the new text).
pub async fn edit(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    answer: Uuid,
    new: &rules::Answer,
) -> std::result::Result<(), ChangeError> {
    use consultation_answers::Column as A;
    answerable(c, consultation).await?;
    let done = consultation_answers::Entity::update_many()
        .col_expr(A::Disposition, new.disposition.as_str().into())
        .col_expr(A::Justification, new.justification.clone().into())
        .col_expr(A::UpdatedAt, now().into())
        .filter(A::Id.eq(answer))
        .filter(A::ConsultationId.eq(consultation))
        .filter(A::PublishedAt.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Target);
    }
    Ok(())
}

async fn members(c: &impl ConnectionTrait, answer: Uuid) -> Result<u64> {
    Ok(consultation_comments::Entity::find()
        .filter(consultation_comments::Column::AnswerId.eq(answer))
        .count(c)
        .await?)
}

/// A consultation's answers with how many comments each answers, the most used first.
pub async fn list(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Vec<(Answer, u64)>> {
    use consultation_comments::Column as K;
    let answers = consultation_answers::Entity::find()
        .filter(consultation_answers::Column::ConsultationId.eq(consultation))
        .order_by_asc(consultation_answers::Column::CreatedAt)
        .all(c)
        .await?;
    let counts: HashMap<Uuid, i64> = consultation_comments::Entity::find()
        .select_only()
        .column(K::AnswerId)
        .column_as(K::Id.count(), "n")
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::AnswerId.is_not_null())
        .group_by(K::AnswerId)
        .into_tuple::<(Option<Uuid>, i64)>()
        .all(c)
        .await?
        .into_iter()
        .filter_map(|(a, n)| a.map(|a| (a, n)))
        .collect();
    let mut out = answers
        .into_iter()
        .map(|m| {
            let n = counts.get(&m.id).copied().unwrap_or(0);
            Ok((from_row(m)?, u64::try_from(n).unwrap_or(0)))
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|b| std::cmp::Reverse(b.1));
    Ok(out)
}

/// The answers with these ids; with `published_only`, only those published (what anyone
/// outside the city may see).
pub async fn get_many(
    c: &impl ConnectionTrait,
    ids: &[Uuid],
    published_only: bool,
) -> Result<HashMap<Uuid, Answer>> {
    let mut out = HashMap::new();
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    for chunk in ids.chunks(1000) {
        let mut select = consultation_answers::Entity::find()
            .filter(consultation_answers::Column::Id.is_in(chunk.to_vec()));
        if published_only {
            select = select.filter(consultation_answers::Column::PublishedAt.is_not_null());
        }
        for m in select.all(c).await? {
            let a = from_row(m)?;
            out.insert(a.id, a);
        }
    }
    Ok(out)
}

/// Which comments the answering page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Those still without an answer (the work left).
    #[default]
    Unanswered,
    Answered,
    /// Those sharing one answer.
    Answer(Uuid),
    All,
}

/// A page of comments (not hidden) for staff answering them, oldest first.
pub async fn comments(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    show: Show,
    page: crate::Page,
) -> Result<crate::Paged<Comment>> {
    use consultation_comments::Column as K;
    let condition = match show {
        Show::Unanswered => Condition::all().add(K::AnswerId.is_null()),
        Show::Answered => Condition::all().add(K::AnswerId.is_not_null()),
        Show::Answer(a) => Condition::all().add(K::AnswerId.eq(a)),
        Show::All => Condition::all(),
    };
    super::visible_page(c, consultation, condition, page).await
}

/// How many comments each of these authors made in the consultation (context for whoever
/// answers: the same person's other comments).
pub async fn author_counts(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    authors: &[UserId],
) -> Result<HashMap<UserId, u64>> {
    use consultation_comments::Column as K;
    if authors.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<Uuid> = authors.iter().map(|u| u.0).collect();
    let rows: Vec<(Option<Uuid>, i64)> = consultation_comments::Entity::find()
        .select_only()
        .column(K::AuthorId)
        .column_as(K::Id.count(), "n")
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::AuthorId.is_in(ids))
        .group_by(K::AuthorId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, n)| a.map(|a| (UserId(a), u64::try_from(n).unwrap_or(0))))
        .collect())
}

/// How many comments (not hidden) still have no answer.
pub async fn unanswered(c: &impl ConnectionTrait, consultation: Uuid) -> Result<u64> {
    use consultation_comments::Column as K;
    Ok(consultation_comments::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .filter(K::AnswerId.is_null())
        .count(c)
        .await?)
}

/// Publishes the report and, at once, every answer: only once the consultation has closed,
/// not called off, not reported yet, and only if no comment (not hidden) is without an
/// answer ([`ChangeError::Unanswered`]; the caller rolls back).
pub async fn publish_report(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let at = now();
    // Waiting: a comment shown without an answer, or one still before a moderator.
    let waiting = Query::select()
        .expr(Expr::val(1))
        .from(consultation_comments::Entity)
        .and_where(consultation_comments::Column::ConsultationId.eq(consultation))
        .cond_where(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(consultation_comments::Column::HiddenAt.is_null())
                        .add(consultation_comments::Column::AnswerId.is_null()),
                )
                .add(consultation_comments::Column::Pending.eq(true)),
        )
        .to_owned();
    let done = consultations::Entity::update_many()
        .col_expr(C::ReportedAt, Some(at).into())
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, at.into())
        .filter(C::Id.eq(consultation))
        .filter(C::PublishedAt.is_not_null())
        .filter(C::CancelledAt.is_null())
        .filter(C::ReportedAt.is_null())
        .filter(C::ClosesAt.lte(at))
        .filter(Condition::all().not().add(Expr::exists(waiting)))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        // Tell "answers missing" from "not now".
        let row = consultations::Entity::find_by_id(consultation)
            .one(c)
            .await?;
        let open_for_report = row.is_some_and(|r| {
            r.published_at.is_some()
                && r.cancelled_at.is_none()
                && r.reported_at.is_none()
                && r.closes_at <= at
        });
        return Err(if open_for_report {
            ChangeError::Unanswered
        } else {
            ChangeError::Stale
        });
    }
    // A comment typed in by staff and committed while this statement waited for the row is
    // seen by a new statement (PostgreSQL's read committed): it must be answered first.
    if unanswered(c, consultation).await? > 0 || super::pending_count(c, consultation).await? > 0 {
        return Err(ChangeError::Unanswered);
    }
    use consultation_answers::Column as A;
    consultation_answers::Entity::update_many()
        .col_expr(A::PublishedAt, Some(at).into())
        .filter(A::ConsultationId.eq(consultation))
        .filter(A::PublishedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

/// Those to tell that the report is out: the accounts that commented (an address and a
/// language each, once), those that turned off e-mails about their own contributions left
/// out.
pub async fn participants(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Vec<(String, miasto_domain::Locale)>> {
    use crate::entities::users;
    use consultation_comments::Column as K;
    let authors = Query::select()
        .column(K::AuthorId)
        .from(consultation_comments::Entity)
        .and_where(K::ConsultationId.eq(consultation))
        .and_where(K::AuthorId.is_not_null())
        .to_owned();
    crate::accounts::notifiable(
        c,
        sea_orm::Condition::all().add(users::Column::Id.in_subquery(authors)),
    )
    .await
}

/// Up to `limit` comments (not hidden) after `after` (a comment's time and id), oldest first:
/// the report's exports walk every comment this way, a batch at a time.
pub async fn comments_after(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<Comment>> {
    use consultation_comments::Column as K;
    let mut select = consultation_comments::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null());
    if let Some((at, id)) = after {
        select = select.filter(
            Condition::any()
                .add(K::CreatedAt.gt(at))
                .add(Condition::all().add(K::CreatedAt.eq(at)).add(K::Id.gt(id))),
        );
    }
    select
        .order_by_asc(K::CreatedAt)
        .order_by_asc(K::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(comment_from)
        .collect()
}

/// Comments (not hidden) per disposition of their published or draft answer.
pub async fn per_disposition(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Vec<(Disposition, u64)>> {
    let mut out: Vec<(Disposition, u64)> = Disposition::ALL.iter().map(|d| (*d, 0)).collect();
    for (a, n) in list(c, consultation).await? {
        if let Some(slot) = out.iter_mut().find(|(d, _)| *d == a.disposition) {
            slot.1 += n;
        }
    }
    Ok(out)
}

/// An answer template as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerTemplate {
    pub id: Uuid,
    pub template: rules::Template,
    pub updated_at: DateTime<Utc>,
}

fn template_from(m: consultation_answer_templates::Model) -> Result<AnswerTemplate> {
    Ok(AnswerTemplate {
        template: rules::Template {
            title: m.title,
            answer: rules::Answer {
                disposition: Disposition::parse(&m.disposition).ok_or_else(|| {
                    StoreError::Corrupt {
                        table: "consultation_answer_templates",
                        detail: format!("{}: disposition", m.id),
                    }
                })?,
                justification: m.justification,
            },
        },
        id: m.id,
        updated_at: m.updated_at,
    })
}

/// Every answer template, by title.
pub async fn templates(c: &impl ConnectionTrait) -> Result<Vec<AnswerTemplate>> {
    consultation_answer_templates::Entity::find()
        .order_by_asc(consultation_answer_templates::Column::Title)
        .order_by_asc(consultation_answer_templates::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(template_from)
        .collect()
}

/// One answer template.
pub async fn template(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<AnswerTemplate>> {
    consultation_answer_templates::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(template_from)
        .transpose()
}

/// Adds a template; its id.
pub async fn add_template(
    c: &impl ConnectionTrait,
    t: &rules::Template,
    by: UserId,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    consultation_answer_templates::Entity::insert(consultation_answer_templates::ActiveModel {
        id: Set(id),
        title: Set(t.title.clone()),
        disposition: Set(t.answer.disposition.as_str().to_owned()),
        justification: Set(t.answer.justification.clone()),
        updated_at: Set(now()),
        updated_by: Set(Some(by.0)),
    })
    .exec_without_returning(c)
    .await?;
    Ok(id)
}

/// Rewrites a template; false when there is no such template (deleted meanwhile).
pub async fn change_template(
    c: &impl ConnectionTrait,
    id: Uuid,
    t: &rules::Template,
    by: UserId,
) -> Result<bool> {
    use consultation_answer_templates::Column as T;
    let done = consultation_answer_templates::Entity::update_many()
        .col_expr(T::Title, t.title.clone().into())
        .col_expr(T::Disposition, t.answer.disposition.as_str().into())
        .col_expr(T::Justification, t.answer.justification.clone().into())
        .col_expr(T::UpdatedAt, now().into())
        .col_expr(T::UpdatedBy, Some(by.0).into())
        .filter(T::Id.eq(id))
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes a template (answers made from it stay as they are); false when there was none.
pub async fn delete_template(c: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    let done = consultation_answer_templates::Entity::delete_by_id(id)
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}
