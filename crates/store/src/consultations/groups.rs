//! The consultation algorithm's groups of comments, as officials shape them: each comment in
//! at most one group of each kind (near-duplicates, topics). A re-run replaces the groups not
//! confirmed and leaves the confirmed ones — and their comments — as they are. Every write
//! is guarded like an answer (published, opened, neither called off nor reported) and names
//! the consultation, so a group of another consultation or one a re-run replaced is refused
//! ([`ChangeError::Target`]), never written.

use super::{ChangeError, Comment};
use crate::entities::{
    consultation_comment_group_members as members, consultation_comment_groups as groups,
    consultation_comments,
};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::UserId;
use miasto_domain::consultations::grouping::GroupKind;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A group found by the algorithm, to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGroup {
    pub members: Vec<Uuid>,
    pub key_phrases: Vec<String>,
    pub representative: Option<Uuid>,
    pub similarity: f64,
}

/// A group as stored, with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: Uuid,
    pub kind: GroupKind,
    /// The name officials gave it, if any.
    pub label: Option<String>,
    pub key_phrases: Vec<String>,
    pub representative: Option<Uuid>,
    pub similarity: f64,
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Comments in it (not hidden).
    pub size: u64,
    /// Of those, with an answer (draft or published).
    pub answered: u64,
}

fn kind_of(m: &groups::Model) -> Result<GroupKind> {
    GroupKind::parse(&m.kind).ok_or_else(|| StoreError::Corrupt {
        table: "consultation_comment_groups",
        detail: format!("{}: kind", m.id),
    })
}

fn from_row(m: groups::Model, size: u64, answered: u64) -> Result<Group> {
    Ok(Group {
        kind: kind_of(&m)?,
        id: m.id,
        label: m.label,
        key_phrases: serde_json::from_str(&m.key_phrases).unwrap_or_default(),
        representative: m.representative_id,
        similarity: m.similarity,
        confirmed_at: m.confirmed_at,
        size,
        answered,
    })
}

/// The comments to group: not hidden, not waiting for a moderator; id and text, oldest
/// first.
pub async fn texts(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Vec<(Uuid, String)>> {
    use consultation_comments::Column as K;
    Ok(consultation_comments::Entity::find()
        .select_only()
        .column(K::Id)
        .column(K::Body)
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .filter(K::Pending.eq(false))
        .order_by_asc(K::CreatedAt)
        .order_by_asc(K::Id)
        .into_tuple()
        .all(c)
        .await?)
}

/// The texts of some comments of the consultation (a group's representative).
pub async fn bodies(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>> {
    use consultation_comments::Column as K;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = consultation_comments::Entity::find()
        .select_only()
        .column(K::Id)
        .column(K::Body)
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The comments in confirmed groups of `kind` (a re-run leaves them where they are).
pub async fn confirmed_members(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    kind: GroupKind,
) -> Result<HashSet<Uuid>> {
    let confirmed = Query::select()
        .column(groups::Column::Id)
        .from(groups::Entity)
        .and_where(groups::Column::ConsultationId.eq(consultation))
        .and_where(groups::Column::ConfirmedAt.is_not_null())
        .to_owned();
    let rows: Vec<Uuid> = members::Entity::find()
        .select_only()
        .column(members::Column::CommentId)
        .filter(members::Column::Kind.eq(kind.as_str()))
        .filter(members::Column::GroupId.in_subquery(confirmed))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Replaces the groups of `kind` not confirmed by `new` (the comments of confirmed groups
/// must not be in `new`: [`ChangeError::Target`]).
pub async fn replace(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    kind: GroupKind,
    new: &[NewGroup],
) -> std::result::Result<u64, ChangeError> {
    super::answers::answerable(c, consultation).await?;
    groups::Entity::delete_many()
        .filter(groups::Column::ConsultationId.eq(consultation))
        .filter(groups::Column::Kind.eq(kind.as_str()))
        .filter(groups::Column::ConfirmedAt.is_null())
        .exec(c)
        .await?;
    // Memberships go with their groups (a cascade where the engine enforces it; here too).
    let live = Query::select()
        .column(groups::Column::Id)
        .from(groups::Entity)
        .and_where(groups::Column::ConsultationId.eq(consultation))
        .to_owned();
    members::Entity::delete_many()
        .filter(members::Column::ConsultationId.eq(consultation))
        .filter(members::Column::Kind.eq(kind.as_str()))
        .filter(members::Column::GroupId.not_in_subquery(live))
        .exec(c)
        .await?;
    let taken = confirmed_members(c, consultation, kind).await?;
    let at = now();
    let mut rows: Vec<members::ActiveModel> = Vec::new();
    let mut made = 0;
    for g in new {
        if g.members.iter().any(|m| taken.contains(m)) {
            return Err(ChangeError::Target);
        }
        let id = Uuid::now_v7();
        groups::Entity::insert(groups::ActiveModel {
            id: Set(id),
            consultation_id: Set(consultation),
            kind: Set(kind.as_str().to_owned()),
            label: Set(None),
            key_phrases: Set(serde_json::to_string(&g.key_phrases).unwrap_or_else(|_| "[]".into())),
            representative_id: Set(g.representative),
            similarity: Set(g.similarity),
            confirmed_at: Set(None),
            confirmed_by: Set(None),
            created_at: Set(at),
        })
        .exec_without_returning(c)
        .await?;
        made += 1;
        rows.extend(g.members.iter().map(|&m| members::ActiveModel {
            comment_id: Set(m),
            kind: Set(kind.as_str().to_owned()),
            group_id: Set(id),
            consultation_id: Set(consultation),
        }));
        if rows.len() >= 500 {
            insert_members(c, std::mem::take(&mut rows)).await?;
        }
    }
    insert_members(c, rows).await?;
    Ok(made)
}

async fn insert_members(
    c: &impl ConnectionTrait,
    rows: Vec<members::ActiveModel>,
) -> std::result::Result<(), ChangeError> {
    if rows.is_empty() {
        return Ok(());
    }
    members::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await
        .map_err(|e| match e.sql_err() {
            // A comment twice, or one of another consultation: not this run's to write.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            | Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => ChangeError::Target,
            _ => ChangeError::Store(e.into()),
        })?;
    Ok(())
}

/// Per group of the consultation: (comments not hidden, of those answered).
async fn figures(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<HashMap<Uuid, (u64, u64)>> {
    use consultation_comments::Column as K;
    let comments: Vec<(Uuid, Option<Uuid>)> = consultation_comments::Entity::find()
        .select_only()
        .column(K::Id)
        .column(K::AnswerId)
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .into_tuple()
        .all(c)
        .await?;
    let answered: HashMap<Uuid, bool> = comments
        .into_iter()
        .map(|(id, a)| (id, a.is_some()))
        .collect();
    let rows: Vec<(Uuid, Uuid)> = members::Entity::find()
        .select_only()
        .column(members::Column::GroupId)
        .column(members::Column::CommentId)
        .filter(members::Column::ConsultationId.eq(consultation))
        .into_tuple()
        .all(c)
        .await?;
    let mut out: HashMap<Uuid, (u64, u64)> = HashMap::new();
    for (g, comment) in rows {
        if let Some(&a) = answered.get(&comment) {
            let e = out.entry(g).or_insert((0, 0));
            e.0 += 1;
            e.1 += u64::from(a);
        }
    }
    Ok(out)
}

/// The consultation's groups of `kind`, largest first (groups left empty by moves and
/// hidden comments are not listed).
pub async fn list(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    kind: GroupKind,
) -> Result<Vec<Group>> {
    let sizes = figures(c, consultation).await?;
    let rows = groups::Entity::find()
        .filter(groups::Column::ConsultationId.eq(consultation))
        .filter(groups::Column::Kind.eq(kind.as_str()))
        .order_by_asc(groups::Column::CreatedAt)
        .order_by_asc(groups::Column::Id)
        .all(c)
        .await?;
    let mut out: Vec<Group> = rows
        .into_iter()
        .filter_map(|m| {
            let (size, answered) = sizes.get(&m.id).copied().unwrap_or((0, 0));
            (size > 0).then(|| from_row(m, size, answered))
        })
        .collect::<Result<_>>()?;
    out.sort_by(|a, b| b.size.cmp(&a.size).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// One group of the consultation.
pub async fn get(c: &impl ConnectionTrait, consultation: Uuid, id: Uuid) -> Result<Option<Group>> {
    let Some(m) = groups::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|m| m.consultation_id == consultation)
    else {
        return Ok(None);
    };
    let (size, answered) = figures(c, consultation)
        .await?
        .get(&id)
        .copied()
        .unwrap_or((0, 0));
    from_row(m, size, answered).map(Some)
}

/// A page of a group's comments (not hidden), oldest first.
pub async fn members_page(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    group: Uuid,
    page: crate::Page,
) -> Result<crate::Paged<Comment>> {
    let ids = Query::select()
        .column(members::Column::CommentId)
        .from(members::Entity)
        .and_where(members::Column::GroupId.eq(group))
        .to_owned();
    super::visible_page(
        c,
        consultation,
        Condition::all().add(consultation_comments::Column::Id.in_subquery(ids)),
        page,
    )
    .await
}

/// A group's comments (not hidden): whom its answer goes to.
pub async fn member_ids(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    group: Uuid,
) -> Result<Vec<Uuid>> {
    use consultation_comments::Column as K;
    let ids = Query::select()
        .column(members::Column::CommentId)
        .from(members::Entity)
        .and_where(members::Column::GroupId.eq(group))
        .to_owned();
    Ok(consultation_comments::Entity::find()
        .select_only()
        .column(K::Id)
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .filter(K::Id.in_subquery(ids))
        .into_tuple()
        .all(c)
        .await?)
}

/// The group each comment of the page is in, by kind.
pub async fn groups_of(
    c: &impl ConnectionTrait,
    comments: &[Uuid],
) -> Result<HashMap<(Uuid, GroupKind), Uuid>> {
    if comments.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = members::Entity::find()
        .filter(members::Column::CommentId.is_in(comments.to_vec()))
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| Some(((m.comment_id, GroupKind::parse(&m.kind)?), m.group_id)))
        .collect())
}

async fn update_group(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
    update: sea_orm::UpdateMany<groups::Entity>,
) -> std::result::Result<(), ChangeError> {
    super::answers::answerable(c, consultation).await?;
    let done = update
        .filter(groups::Column::Id.eq(id))
        .filter(groups::Column::ConsultationId.eq(consultation))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Target);
    }
    Ok(())
}

/// Names a group.
pub async fn rename(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
    label: &str,
) -> std::result::Result<(), ChangeError> {
    let update = groups::Entity::update_many()
        .col_expr(groups::Column::Label, Expr::value(label.to_owned()));
    update_group(c, consultation, id, update).await
}

/// Confirms a group: a re-run of the analysis leaves it and its comments as they are.
pub async fn confirm(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
    by: UserId,
) -> std::result::Result<(), ChangeError> {
    let update = groups::Entity::update_many()
        .col_expr(groups::Column::ConfirmedAt, Expr::value(now()))
        .col_expr(groups::Column::ConfirmedBy, Expr::value(by.0));
    update_group(c, consultation, id, update).await
}

/// Merges `from` into `into` (two groups of the same kind of this consultation); `from` goes.
pub async fn merge(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    into: Uuid,
    from: Uuid,
) -> std::result::Result<u64, ChangeError> {
    super::answers::answerable(c, consultation).await?;
    let find = |id: Uuid| async move {
        groups::Entity::find_by_id(id)
            .one(c)
            .await
            .map(|m| m.filter(|m| m.consultation_id == consultation))
    };
    let (Some(a), Some(b)) = (find(into).await?, find(from).await?) else {
        return Err(ChangeError::Target);
    };
    let kinds = (kind_of(&a)?, kind_of(&b)?);
    if !miasto_domain::consultations::grouping::check_merge((kinds.0, a.id), (kinds.1, b.id)) {
        return Err(ChangeError::Target);
    }
    let moved = members::Entity::update_many()
        .col_expr(members::Column::GroupId, Expr::value(into))
        .filter(members::Column::GroupId.eq(from))
        .exec(c)
        .await?
        .rows_affected;
    groups::Entity::delete_by_id(from).exec(c).await?;
    Ok(moved)
}

/// Moves a comment to another group of that group's kind (the comment may have been in none).
pub async fn move_comment(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    comment: Uuid,
    from: Uuid,
    to: Uuid,
) -> std::result::Result<(), ChangeError> {
    use consultation_comments::Column as K;
    super::answers::answerable(c, consultation).await?;
    let target = groups::Entity::find_by_id(to)
        .one(c)
        .await?
        .filter(|m| m.consultation_id == consultation)
        .ok_or(ChangeError::Target)?;
    let kind = kind_of(&target)?;
    consultation_comments::Entity::find_by_id(comment)
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::HiddenAt.is_null())
        .one(c)
        .await?
        .ok_or(ChangeError::Target)?;
    // Only a member of `from` moves: the condition is the write's own, so a comment moved
    // meanwhile by someone else is not taken from its new group.
    let taken = members::Entity::delete_many()
        .filter(members::Column::CommentId.eq(comment))
        .filter(members::Column::Kind.eq(kind.as_str()))
        .filter(members::Column::GroupId.eq(from))
        .exec(c)
        .await?;
    if taken.rows_affected == 0 {
        return Err(ChangeError::Target);
    }
    insert_members(
        c,
        vec![members::ActiveModel {
            comment_id: Set(comment),
            kind: Set(kind.as_str().to_owned()),
            group_id: Set(to),
            consultation_id: Set(consultation),
        }],
    )
    .await
}
