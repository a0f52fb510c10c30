//! Statement voting: statements numbered within their consultation, one vote per account and
//! statement (a later vote replaces the earlier and takes its time), votes replayed in the
//! order they were cast for Pol.is's math. Writes repeat the rulebook's state part in their
//! conditions: residents vote and propose only while the consultation is open (a guarded
//! write on its row), and only on accepted statements of that consultation.

use super::ChangeError;
use crate::entities::{
    consultation_opinion_states as states, consultation_statement_votes as votes,
    consultation_statements as statements, consultations,
};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::UserId;
use miasto_domain::consultations::statements::{Choice, Status};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A statement as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub id: Uuid,
    /// 1, 2, 3… within the consultation.
    pub number: i32,
    pub body: String,
    pub author: Option<UserId>,
    pub status: Status,
    /// Why a moderator refused it (its author sees this).
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn from_row(m: statements::Model) -> Result<Statement> {
    Ok(Statement {
        status: Status::parse(&m.status).ok_or_else(|| StoreError::Corrupt {
            table: "consultation_statements",
            detail: format!("{}: status", m.id),
        })?,
        id: m.id,
        number: m.number,
        body: m.body,
        author: m.author_id.map(UserId),
        reason: m.reason,
        created_at: m.created_at,
    })
}

/// Published, not called off, not reported, opened — and, for residents, not closed yet.
async fn open(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    residents: bool,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let at = now();
    let mut condition = Condition::all()
        .add(C::CancelledAt.is_null())
        .add(C::ReportedAt.is_null());
    if residents {
        condition = condition
            .add(C::PublishedAt.is_not_null())
            .add(C::OpensAt.lte(at))
            .add(C::ClosesAt.gt(at));
    } else {
        // Officials prepare statements from the draft until it closes.
        condition = condition.add(C::ClosesAt.gt(at));
    }
    super::guard(c, consultation, condition).await
}

/// Adds a statement: a resident's waits for a moderator, staff's is shown at once.
pub async fn add(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    body: &str,
    author: Option<UserId>,
    by_staff: bool,
) -> std::result::Result<Statement, ChangeError> {
    open(c, consultation, !by_staff).await?;
    // The guard above holds the consultation's row: numbers are taken one at a time.
    let last: Option<i32> = statements::Entity::find()
        .select_only()
        .column_as(statements::Column::Number.max(), "n")
        .filter(statements::Column::ConsultationId.eq(consultation))
        .into_tuple()
        .one(c)
        .await?
        .flatten();
    let model = statements::Model {
        id: Uuid::now_v7(),
        consultation_id: consultation,
        number: last.unwrap_or(0) + 1,
        body: body.to_owned(),
        author_id: author.map(|u| u.0),
        status: Status::initial(by_staff).as_str().to_owned(),
        reason: None,
        moderated_by: None,
        moderated_at: None,
        created_at: now(),
    };
    statements::Entity::insert(statements::ActiveModel {
        id: Set(model.id),
        consultation_id: Set(model.consultation_id),
        number: Set(model.number),
        body: Set(model.body.clone()),
        author_id: Set(model.author_id),
        status: Set(model.status.clone()),
        reason: Set(None),
        moderated_by: Set(None),
        moderated_at: Set(None),
        created_at: Set(model.created_at),
    })
    .exec_without_returning(c)
    .await?;
    from_row(model).map_err(ChangeError::Store)
}

/// The consultation's statements in `status`, by number.
pub async fn list(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    status: Status,
) -> Result<Vec<Statement>> {
    statements::Entity::find()
        .filter(statements::Column::ConsultationId.eq(consultation))
        .filter(statements::Column::Status.eq(status.as_str()))
        .order_by_asc(statements::Column::Number)
        .all(c)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// An account's own statements in the consultation (pending and refused ones too).
pub async fn of_author(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    author: UserId,
) -> Result<Vec<Statement>> {
    statements::Entity::find()
        .filter(statements::Column::ConsultationId.eq(consultation))
        .filter(statements::Column::AuthorId.eq(author.0))
        .order_by_asc(statements::Column::Number)
        .all(c)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// A moderator accepts a pending statement or refuses it with a reason; a statement already
/// decided (or of another consultation) is [`ChangeError::Target`].
pub async fn moderate(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
    decision: std::result::Result<(), String>,
    by: UserId,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    super::guard(
        c,
        consultation,
        Condition::all().add(C::PublishedAt.is_not_null()),
    )
    .await?;
    let (status, reason) = match decision {
        Ok(()) => (Status::Accepted, None),
        Err(reason) => (Status::Rejected, Some(reason)),
    };
    let done = statements::Entity::update_many()
        .col_expr(statements::Column::Status, Expr::value(status.as_str()))
        .col_expr(statements::Column::Reason, Expr::value(reason))
        .col_expr(statements::Column::ModeratedBy, Expr::value(by.0))
        .col_expr(statements::Column::ModeratedAt, Expr::value(now()))
        .filter(statements::Column::Id.eq(id))
        .filter(statements::Column::ConsultationId.eq(consultation))
        .filter(statements::Column::Status.eq(Status::Pending.as_str()))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Target);
    }
    Ok(())
}

/// An account's vote on an accepted statement of the consultation, while it is open; a later
/// vote replaces the earlier.
pub async fn vote(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    statement: Uuid,
    user: UserId,
    choice: Choice,
) -> std::result::Result<(), ChangeError> {
    open(c, consultation, true).await?;
    statements::Entity::find_by_id(statement)
        .filter(statements::Column::ConsultationId.eq(consultation))
        .filter(statements::Column::Status.eq(Status::Accepted.as_str()))
        .one(c)
        .await?
        .ok_or(ChangeError::Target)?;
    votes::Entity::insert(votes::ActiveModel {
        statement_id: Set(statement),
        user_id: Set(user.0),
        consultation_id: Set(consultation),
        vote: Set(choice.as_str().to_owned()),
        voted_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([votes::Column::StatementId, votes::Column::UserId])
            .update_columns([votes::Column::Vote, votes::Column::VotedAt])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// An account's votes in the consultation, by statement.
pub async fn votes_of(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    user: UserId,
) -> Result<HashMap<Uuid, Choice>> {
    let rows: Vec<(Uuid, String)> = votes::Entity::find()
        .select_only()
        .column(votes::Column::StatementId)
        .column(votes::Column::Vote)
        .filter(votes::Column::ConsultationId.eq(consultation))
        .filter(votes::Column::UserId.eq(user.0))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, v)| Some((s, Choice::parse(&v)?)))
        .collect())
}

/// Every vote of the consultation in the order cast: (account, statement, choice).
pub async fn all_votes(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Vec<(Uuid, Uuid, Choice)>> {
    let rows: Vec<(Uuid, Uuid, String)> = votes::Entity::find()
        .select_only()
        .column(votes::Column::UserId)
        .column(votes::Column::StatementId)
        .column(votes::Column::Vote)
        .filter(votes::Column::ConsultationId.eq(consultation))
        .order_by_asc(votes::Column::VotedAt)
        .order_by_asc(votes::Column::StatementId)
        .order_by_asc(votes::Column::UserId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, s, v)| Some((u, s, Choice::parse(&v)?)))
        .collect())
}

/// What the votes look like now, cheaply (the index on consultation and time answers it): how
/// many of each choice, and when the latest was cast or changed. The opinion groups are
/// recomputed only when this moves (a changed vote moves a count and the latest time).
pub async fn votes_marker(c: &impl ConnectionTrait, consultation: Uuid) -> Result<VotesMarker> {
    let rows: Vec<(String, i64, Option<DateTime<Utc>>)> = votes::Entity::find()
        .select_only()
        .column(votes::Column::Vote)
        .column_as(votes::Column::StatementId.count(), "n")
        .column_as(votes::Column::VotedAt.max(), "latest")
        .filter(votes::Column::ConsultationId.eq(consultation))
        .group_by(votes::Column::Vote)
        .into_tuple()
        .all(c)
        .await?;
    let mut marker = VotesMarker::default();
    for (vote, n, latest) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        match Choice::parse(&vote) {
            Some(Choice::Agree) => marker.agree = n,
            Some(Choice::Disagree) => marker.disagree = n,
            Some(Choice::Pass) => marker.pass = n,
            None => {}
        }
        marker.latest = marker.latest.max(latest);
    }
    Ok(marker)
}

/// See [`votes_marker`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VotesMarker {
    pub agree: u64,
    pub disagree: u64,
    pub pass: u64,
    pub latest: Option<DateTime<Utc>>,
}

/// The opinion groups' number between updates (Pol.is's smoother), with the number of votes
/// it was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpinionState {
    pub last_k: usize,
    pub last_k_count: usize,
    pub smoothed_k: usize,
    pub votes: u64,
}

pub async fn opinion_state(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Option<OpinionState>> {
    Ok(states::Entity::find_by_id(consultation)
        .one(c)
        .await?
        .map(|m| OpinionState {
            last_k: usize::try_from(m.last_k).unwrap_or(0),
            last_k_count: usize::try_from(m.last_k_count).unwrap_or(0),
            smoothed_k: usize::try_from(m.smoothed_k).unwrap_or(0),
            votes: u64::try_from(m.votes).unwrap_or(0),
        }))
}

/// Keeps the smoother's state after an update (the last writer wins: two readers computing
/// the same update write the same state).
pub async fn save_opinion_state(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    state: OpinionState,
) -> Result<()> {
    let small = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    states::Entity::insert(states::ActiveModel {
        consultation_id: Set(consultation),
        last_k: Set(small(state.last_k)),
        last_k_count: Set(small(state.last_k_count)),
        smoothed_k: Set(small(state.smoothed_k)),
        votes: Set(i64::try_from(state.votes).unwrap_or(i64::MAX)),
        updated_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(states::Column::ConsultationId)
            .update_columns([
                states::Column::LastK,
                states::Column::LastKCount,
                states::Column::SmoothedK,
                states::Column::Votes,
                states::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}
