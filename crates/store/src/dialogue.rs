//! "Ławka dialogu" (issue 18): meetings, their questions and who follows them. The rulebook is
//! `miasto_domain::dialogue`; every write repeats its state part as a condition: a question
//! lands only while its meeting is unpublished (and, from residents, before it starts), an
//! answer only from the unit the question is routed to, and publishing holds the meeting's row,
//! counts the unanswered questions under that hold and is refused when any is left.

use crate::entities::{dialogue_follows as follows, dialogue_meetings as meetings};
use crate::entities::{dialogue_questions as questions, users};
use crate::paging::{Page, Paged};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::dialogue::{Audience, Channel, MeetingPlan, Phase, Refusal, Status};
use miasto_domain::{DistrictId, Locale, ReportId, UnitId, UserId};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub id: Uuid,
    /// 1, 2, 3… (its address: `/dialogue/{number}`).
    pub number: i32,
    pub plan: MeetingPlan,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Meeting {
    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        Phase::at(self.plan.starts, self.published_at.is_some(), at)
    }
}

fn corrupt(table: &'static str, id: Uuid, field: &str) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: format!("{id}: {field}"),
    }
}

fn meeting_from_row(m: meetings::Model) -> Result<Meeting> {
    Ok(Meeting {
        plan: MeetingPlan {
            audience: Audience::parse(&m.audience)
                .ok_or_else(|| corrupt("dialogue_meetings", m.id, "audience"))?,
            title: m.title,
            starts: m.starts_at,
            ends: m.ends_at,
            venue: m.venue,
            point: m.lat.zip(m.lon),
            district: m.district_id.map(DistrictId),
            description: m.description,
        },
        id: m.id,
        number: m.number,
        published_at: m.published_at,
        created_at: m.created_at,
    })
}

/// A question as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: Uuid,
    pub meeting: Uuid,
    /// 1, 2, 3… within the meeting.
    pub number: i32,
    pub body: String,
    pub channel: Channel,
    pub author: Option<UserId>,
    pub status: Status,
    pub unit: Option<UnitId>,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The contact-centre report it became.
    pub report: Option<ReportId>,
    pub hidden_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn question_from_row(m: questions::Model) -> Result<Question> {
    Ok(Question {
        status: Status::parse(&m.status)
            .ok_or_else(|| corrupt("dialogue_questions", m.id, "status"))?,
        channel: Channel::parse(&m.channel)
            .ok_or_else(|| corrupt("dialogue_questions", m.id, "channel"))?,
        id: m.id,
        meeting: m.meeting_id,
        number: m.number,
        body: m.body,
        author: m.author_id.map(UserId),
        unit: m.unit_id.map(UnitId),
        answer: m.answer,
        answered_at: m.answered_at,
        report: m.report_id.map(ReportId),
        hidden_reason: m.hidden_reason,
        created_at: m.created_at,
    })
}

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum DialogueError {
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    /// The question is not of this meeting, or not in a state the write needs (routed to
    /// another unit, hidden…).
    #[error("target")]
    Target,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for DialogueError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Stores a meeting under the next free number.
pub async fn create_meeting(
    c: &impl crate::Savepoints,
    plan: &MeetingPlan,
    by: Option<UserId>,
) -> Result<Meeting> {
    let m = crate::insert_numbered(c, meetings::Column::Number, |number| {
        meetings::ActiveModel {
            id: Set(Uuid::now_v7()),
            number: Set(number),
            title: Set(plan.title.clone()),
            audience: Set(plan.audience.as_str().to_owned()),
            starts_at: Set(plan.starts),
            ends_at: Set(plan.ends),
            venue: Set(plan.venue.clone()),
            lat: Set(plan.point.map(|p| p.0)),
            lon: Set(plan.point.map(|p| p.1)),
            district_id: Set(plan.district.map(|d| d.0)),
            description: Set(plan.description.clone()),
            published_at: Set(None),
            published_by: Set(None),
            created_by: Set(by.map(|u| u.0)),
            created_at: Set(now()),
        }
    })
    .await?;
    meeting_from_row(m)
}

pub async fn meeting_by_number(c: &impl ConnectionTrait, number: i32) -> Result<Option<Meeting>> {
    meetings::Entity::find()
        .filter(meetings::Column::Number.eq(number))
        .one(c)
        .await?
        .map(meeting_from_row)
        .transpose()
}

pub async fn meeting(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Meeting>> {
    meetings::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(meeting_from_row)
        .transpose()
}

/// Meetings, the latest first.
pub async fn meetings(c: &impl ConnectionTrait, page: Page) -> Result<Paged<Meeting>> {
    let select = meetings::Entity::find()
        .order_by_desc(meetings::Column::StartsAt)
        .order_by_desc(meetings::Column::Id);
    let (rows, count) = crate::paging::fetch(c, select, page).await?;
    let items = rows
        .into_iter()
        .map(meeting_from_row)
        .collect::<Result<Vec<_>>>()?;
    Ok(Paged::new(items, count, page))
}

/// Every meeting, the earliest first (figures, the demo).
pub async fn all_meetings(c: &impl ConnectionTrait) -> Result<Vec<Meeting>> {
    meetings::Entity::find()
        .order_by_asc(meetings::Column::StartsAt)
        .all(c)
        .await?
        .into_iter()
        .map(meeting_from_row)
        .collect()
}

/// A write that changes nothing on the meeting's row but holds it until the transaction ends,
/// refused unless the meeting is unpublished (and, for `before_start`, not started).
async fn hold(
    c: &impl ConnectionTrait,
    meeting: Uuid,
    before_start: bool,
) -> std::result::Result<(), DialogueError> {
    use meetings::Column as M;
    let at = now();
    let mut condition = Condition::all().add(M::PublishedAt.is_null());
    if before_start {
        condition = condition.add(M::StartsAt.gt(at));
    }
    let done = meetings::Entity::update_many()
        .col_expr(M::Title, Expr::col(M::Title))
        .filter(M::Id.eq(meeting))
        .filter(condition)
        .exec(c)
        .await?;
    if done.rows_affected > 0 {
        return Ok(());
    }
    let published = meetings::Entity::find_by_id(meeting)
        .one(c)
        .await?
        .is_none_or(|m| m.published_at.is_some());
    Err(DialogueError::Refused(if published {
        Refusal::Published
    } else {
        Refusal::Started
    }))
}

/// A question as sent or typed in.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub body: String,
    pub channel: Channel,
    /// The resident's account (asked online, or found by staff).
    pub author: Option<UserId>,
    /// The staff member who typed it in.
    pub recorded_by: Option<UserId>,
    /// The unit the routing suggests, if any (the question starts routed).
    pub unit: Option<UnitId>,
}

/// Adds a question: from residents only before the meeting starts, from staff until the
/// Q&A is published. The author follows it.
pub async fn add_question(
    c: &impl ConnectionTrait,
    meeting: Uuid,
    new: &NewQuestion,
) -> std::result::Result<Question, DialogueError> {
    hold(c, meeting, !new.channel.by_staff()).await?;
    // The hold serialises numbering within the meeting.
    let last: Option<i32> = questions::Entity::find()
        .select_only()
        .column_as(questions::Column::Number.max(), "n")
        .filter(questions::Column::MeetingId.eq(meeting))
        .into_tuple()
        .one(c)
        .await?
        .flatten();
    let at = now();
    let model = questions::ActiveModel {
        id: Set(Uuid::now_v7()),
        meeting_id: Set(meeting),
        number: Set(last.unwrap_or(0) + 1),
        body: Set(new.body.clone()),
        channel: Set(new.channel.as_str().to_owned()),
        author_id: Set(new.author.map(|a| a.0)),
        recorded_by: Set(new.recorded_by.map(|a| a.0)),
        status: Set(if new.unit.is_some() {
            Status::Routed
        } else {
            Status::Received
        }
        .as_str()
        .to_owned()),
        unit_id: Set(new.unit.map(|u| u.0)),
        routed_at: Set(new.unit.map(|_| at)),
        answer: Set(None),
        answered_at: Set(None),
        answered_by: Set(None),
        report_id: Set(None),
        hidden_reason: Set(None),
        created_at: Set(at),
    };
    let inserted = model.insert(c).await?;
    if let Some(author) = new.author {
        follow(c, inserted.id, author).await?;
    }
    question_from_row(inserted).map_err(DialogueError::Store)
}

pub async fn question(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Question>> {
    questions::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(question_from_row)
        .transpose()
}

/// A meeting's questions by number (hidden ones too: pages decide what to show).
pub async fn questions_of(c: &impl ConnectionTrait, meeting: Uuid) -> Result<Vec<Question>> {
    questions::Entity::find()
        .filter(questions::Column::MeetingId.eq(meeting))
        .order_by_asc(questions::Column::Number)
        .all(c)
        .await?
        .into_iter()
        .map(question_from_row)
        .collect()
}

fn open_statuses() -> Condition {
    Condition::any()
        .add(questions::Column::Status.eq(Status::Received.as_str()))
        .add(questions::Column::Status.eq(Status::Routed.as_str()))
}

/// Sends an unanswered question to `unit` (or to another one).
pub async fn route(
    c: &impl ConnectionTrait,
    question: &Question,
    unit: UnitId,
) -> std::result::Result<(), DialogueError> {
    use questions::Column as Q;
    hold(c, question.meeting, false).await?;
    let done = questions::Entity::update_many()
        .col_expr(Q::UnitId, Expr::value(unit.0))
        .col_expr(Q::Status, Expr::value(Status::Routed.as_str()))
        .col_expr(Q::RoutedAt, Expr::value(now()))
        .filter(Q::Id.eq(question.id))
        .filter(open_statuses())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DialogueError::Target);
    }
    Ok(())
}

/// The answer of `unit` (the one the question is routed to) to a routed or answered question.
pub async fn answer(
    c: &impl ConnectionTrait,
    question: &Question,
    unit: UnitId,
    text: &str,
    by: UserId,
) -> std::result::Result<(), DialogueError> {
    use questions::Column as Q;
    hold(c, question.meeting, false).await?;
    let done = questions::Entity::update_many()
        .col_expr(Q::Answer, Expr::value(text))
        .col_expr(Q::Status, Expr::value(Status::Answered.as_str()))
        .col_expr(Q::AnsweredAt, Expr::value(now()))
        .col_expr(Q::AnsweredBy, Expr::value(by.0))
        .filter(Q::Id.eq(question.id))
        .filter(Q::UnitId.eq(unit.0))
        .filter(
            Condition::any()
                .add(Q::Status.eq(Status::Routed.as_str()))
                .add(Q::Status.eq(Status::Answered.as_str())),
        )
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DialogueError::Target);
    }
    Ok(())
}

/// Hides a question (personal data, abuse) with a reason its author sees.
pub async fn hide(
    c: &impl ConnectionTrait,
    question: &Question,
    reason: &str,
) -> std::result::Result<(), DialogueError> {
    use questions::Column as Q;
    hold(c, question.meeting, false).await?;
    let done = questions::Entity::update_many()
        .col_expr(Q::Status, Expr::value(Status::Hidden.as_str()))
        .col_expr(Q::HiddenReason, Expr::value(reason))
        .filter(Q::Id.eq(question.id))
        .filter(Q::Status.ne(Status::Hidden.as_str()))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DialogueError::Target);
    }
    Ok(())
}

/// Links the report a question became; refused when it already is one.
pub async fn link_report(
    c: &impl ConnectionTrait,
    question: &Question,
    report: ReportId,
) -> std::result::Result<(), DialogueError> {
    use questions::Column as Q;
    let done = questions::Entity::update_many()
        .col_expr(Q::ReportId, Expr::value(report.0))
        .filter(Q::Id.eq(question.id))
        .filter(Q::ReportId.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DialogueError::Refused(Refusal::AlreadyReport));
    }
    Ok(())
}

/// The question a report came from, with its meeting's number.
pub async fn question_of_report(
    c: &impl ConnectionTrait,
    report: ReportId,
) -> Result<Option<(Question, i32)>> {
    let Some(q) = questions::Entity::find()
        .filter(questions::Column::ReportId.eq(report.0))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let q = question_from_row(q)?;
    let number = meetings::Entity::find_by_id(q.meeting)
        .one(c)
        .await?
        .map_or(0, |m| m.number);
    Ok(Some((q, number)))
}

/// Publishes the meeting's questions and answers, refused while any shown question is
/// unanswered (counted under the hold, so an answer taken back cannot slip through).
pub async fn publish(
    c: &impl crate::Savepoints,
    meeting: Uuid,
    by: UserId,
) -> std::result::Result<(), DialogueError> {
    use meetings::Column as M;
    let savepoint = c.begin().await?;
    let result = async {
        hold(&savepoint, meeting, false).await?;
        let unanswered = questions::Entity::find()
            .filter(questions::Column::MeetingId.eq(meeting))
            .filter(open_statuses())
            .count(&savepoint)
            .await?;
        miasto_domain::dialogue::check_publish(unanswered).map_err(DialogueError::Refused)?;
        meetings::Entity::update_many()
            .col_expr(M::PublishedAt, Expr::value(now()))
            .col_expr(M::PublishedBy, Expr::value(by.0))
            .filter(M::Id.eq(meeting))
            .exec(&savepoint)
            .await?;
        Ok(())
    }
    .await;
    crate::settle(savepoint, result).await
}

/// An account follows a question (again is nothing).
pub async fn follow(c: &impl ConnectionTrait, question: Uuid, user: UserId) -> Result<()> {
    follows::Entity::insert(follows::ActiveModel {
        question_id: Set(question),
        user_id: Set(user.0),
    })
    .on_conflict(
        OnConflict::columns([follows::Column::QuestionId, follows::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Whether the account follows the question.
pub async fn follows_question(
    c: &impl ConnectionTrait,
    question: Uuid,
    user: UserId,
) -> Result<bool> {
    Ok(follows::Entity::find_by_id((question, user.0))
        .one(c)
        .await?
        .is_some())
}

/// Whom to tell that a meeting's answers are out: the followers of its questions.
pub async fn followers(c: &impl ConnectionTrait, meeting: Uuid) -> Result<Vec<(String, Locale)>> {
    let of_meeting = Query::select()
        .column(questions::Column::Id)
        .from(questions::Entity)
        .and_where(questions::Column::MeetingId.eq(meeting))
        .to_owned();
    let who = Query::select()
        .column(follows::Column::UserId)
        .from(follows::Entity)
        .and_where(follows::Column::QuestionId.in_subquery(of_meeting))
        .to_owned();
    crate::accounts::notifiable(c, Condition::all().add(users::Column::Id.in_subquery(who))).await
}

/// Questions with their meetings (those whose meeting is gone are left out).
async fn with_meetings(
    c: &impl ConnectionTrait,
    rows: Vec<questions::Model>,
) -> Result<Vec<(Question, Meeting)>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let q = question_from_row(row)?;
        if let Some(m) = meeting(c, q.meeting).await? {
            out.push((q, m));
        }
    }
    Ok(out)
}

/// The questions an account asked or follows, newest first (at most `limit`), with their
/// meeting: for "My city".
pub async fn followed_by(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<(Question, Meeting)>> {
    let ids: Vec<Uuid> = follows::Entity::find()
        .select_only()
        .column(follows::Column::QuestionId)
        .filter(follows::Column::UserId.eq(user.0))
        .into_tuple()
        .all(c)
        .await?;
    let rows = questions::Entity::find()
        .filter(questions::Column::Id.is_in(ids))
        .order_by_desc(questions::Column::CreatedAt)
        .limit(limit)
        .all(c)
        .await?;
    with_meetings(c, rows).await
}

/// Questions waiting for an answer: with `unit`, that unit's; otherwise the ones not routed
/// yet. Oldest first, at most `limit`, each with its meeting.
pub async fn waiting(
    c: &impl ConnectionTrait,
    unit: Option<UnitId>,
    limit: u64,
) -> Result<Vec<(Question, Meeting)>> {
    use questions::Column as Q;
    let select = match unit {
        Some(u) => questions::Entity::find()
            .filter(Q::UnitId.eq(u.0))
            .filter(Q::Status.eq(Status::Routed.as_str())),
        None => questions::Entity::find().filter(Q::Status.eq(Status::Received.as_str())),
    };
    let rows = select
        .order_by_asc(Q::CreatedAt)
        .limit(limit)
        .all(c)
        .await?;
    with_meetings(c, rows).await
}

/// For each unit with questions waiting: how many, and since when (the oldest first).
pub async fn waiting_by_unit(
    c: &impl ConnectionTrait,
) -> Result<Vec<(UnitId, u64, DateTime<Utc>)>> {
    use questions::Column as Q;
    let rows: Vec<(Uuid, i64, DateTime<Utc>)> = questions::Entity::find()
        .select_only()
        .column(Q::UnitId)
        .column_as(Q::Id.count(), "n")
        .column_as(Q::CreatedAt.min(), "oldest")
        .filter(Q::Status.eq(Status::Routed.as_str()))
        .filter(Q::UnitId.is_not_null())
        .group_by(Q::UnitId)
        .into_tuple()
        .all(c)
        .await?;
    let mut out: Vec<(UnitId, u64, DateTime<Utc>)> = rows
        .into_iter()
        .map(|(u, n, oldest)| (UnitId(u), u64::try_from(n).unwrap_or(0), oldest))
        .collect();
    out.sort_by_key(|(_, _, oldest)| *oldest);
    Ok(out)
}

/// One question's facts for the figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact {
    pub meeting: Uuid,
    pub unit: Option<UnitId>,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// A question's row as the figures read it: meeting, unit, status, asked, answered.
type FactRow = (
    Uuid,
    Option<Uuid>,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// Every question's facts (the figures per meeting and per unit are made from these; the
/// mayor's meetings are dozens a year, their questions thousands at most).
pub async fn facts(c: &impl ConnectionTrait) -> Result<Vec<Fact>> {
    use questions::Column as Q;
    let rows: Vec<FactRow> = questions::Entity::find()
        .select_only()
        .columns([
            Q::MeetingId,
            Q::UnitId,
            Q::Status,
            Q::CreatedAt,
            Q::AnsweredAt,
        ])
        .into_tuple()
        .all(c)
        .await?;
    rows.into_iter()
        .map(|(meeting, unit, status, created_at, answered_at)| {
            Ok(Fact {
                status: Status::parse(&status)
                    .ok_or_else(|| corrupt("dialogue_questions", meeting, "status"))?,
                meeting,
                unit: unit.map(UnitId),
                created_at,
                answered_at,
            })
        })
        .collect()
}
