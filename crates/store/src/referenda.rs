//! District referenda (issue 18). The rulebook is `miasto_domain::referenda`; the store repeats
//! its state part in conditional writes on the referendum's row (every vote, paper keying and
//! the opening hold the row, refused when the phase is wrong), keeps at most the city's number
//! of referenda per district and year (the district's row is held while counting them), and
//! votes into a [`crate::ballot_box`] keyed by the referendum's id.

use crate::ballot_box::{self, CastError, OpenError, Sheet};
use crate::budget::Keying;
use crate::entities::{districts, referenda, referendum_ballots as ballots};
use crate::{Result, Savepoints, StoreError, now};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use miasto_domain::referenda::{
    Phase, Question, QuestionResult, Refusal, Status, Validity, Window,
};
use miasto_domain::vote::shares::Share;
use miasto_domain::vote::{BallotContent, BallotKey, Channel, VoterKeys};
use miasto_domain::{DistrictId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// A referendum as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Referendum {
    pub id: Uuid,
    pub number: i32,
    pub district: DistrictId,
    pub title: String,
    pub description: String,
    pub questions: Vec<Question>,
    pub window: Window,
    pub min_age: u32,
    pub electorate: Option<u32>,
    pub validity: Validity,
    pub status: Status,
    pub ballot_key: Option<BallotKey>,
    pub threshold: Option<u8>,
    pub request: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub announced_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    /// Ballots opened by the count.
    pub ballots: Option<u64>,
}

impl Referendum {
    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        Phase::of(self.status, self.window, at)
    }
}

/// What an official types (or an accepted request gives) for a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub district: DistrictId,
    pub title: String,
    pub description: String,
    pub questions: Vec<Question>,
    pub window: Window,
    pub min_age: u32,
    pub electorate: Option<u32>,
    pub validity: Validity,
}

#[derive(Debug, thiserror::Error)]
pub enum ReferendumError {
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ReferendumError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

fn corrupt(id: Uuid, what: &str) -> StoreError {
    StoreError::Corrupt {
        table: "referenda",
        detail: format!("{id}: {what}"),
    }
}

fn from_row(m: referenda::Model) -> Result<Referendum> {
    let questions: Vec<Question> =
        serde_json::from_str(&m.questions).map_err(|_| corrupt(m.id, "questions"))?;
    Ok(Referendum {
        id: m.id,
        number: m.number,
        district: DistrictId(m.district_id),
        title: m.title,
        description: m.description,
        questions,
        window: Window {
            opens: m.opens_at,
            closes: m.closes_at,
        },
        min_age: u32::try_from(m.min_age).unwrap_or(0),
        electorate: m.electorate.and_then(|e| u32::try_from(e).ok()),
        validity: Validity::from_parts(m.min_turnout.and_then(|p| u32::try_from(p).ok())),
        status: Status::parse(&m.status).ok_or_else(|| corrupt(m.id, "status"))?,
        ballot_key: match m.ballot_key.as_deref() {
            Some(k) => Some(BallotKey::from_hex(k).ok_or_else(|| corrupt(m.id, "ballot key"))?),
            None => None,
        },
        threshold: m.key_threshold.and_then(|t| u8::try_from(t).ok()),
        request: m.request_id,
        created_at: m.created_at,
        announced_at: m.announced_at,
        opened_at: m.opened_at,
        ballots: m.ballots.and_then(|b| u64::try_from(b).ok()),
    })
}

fn i32_of(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn questions_json(q: &[Question]) -> String {
    serde_json::to_string(q).unwrap_or_else(|_| "[]".to_owned())
}

/// Creates a draft with the next public number.
pub async fn create(
    c: &impl Savepoints,
    d: &Draft,
    request: Option<Uuid>,
    by: Option<UserId>,
) -> Result<Referendum> {
    let row = crate::insert_numbered(c, referenda::Column::Number, |number| {
        referenda::ActiveModel {
            id: Set(Uuid::now_v7()),
            number: Set(number),
            district_id: Set(d.district.0),
            title: Set(d.title.clone()),
            description: Set(d.description.clone()),
            questions: Set(questions_json(&d.questions)),
            opens_at: Set(d.window.opens),
            closes_at: Set(d.window.closes),
            min_age: Set(i32_of(d.min_age)),
            electorate: Set(d.electorate.map(i32_of)),
            min_turnout: Set(d.validity.percent().map(i32_of)),
            status: Set(Status::Draft.as_str().to_owned()),
            ballot_key: Set(None),
            key_threshold: Set(None),
            request_id: Set(request),
            created_by: Set(by.map(|u| u.0)),
            created_at: Set(now()),
            announced_at: Set(None),
            opened_at: Set(None),
            ballots: Set(None),
        }
    })
    .await?;
    from_row(row)
}

/// Changes a draft; refused once it is announced (the questions, window, electorate and rule
/// of validity are fixed from then on).
pub async fn update(
    c: &impl ConnectionTrait,
    id: Uuid,
    d: &Draft,
) -> std::result::Result<(), ReferendumError> {
    use referenda::Column as R;
    let done = referenda::Entity::update_many()
        .col_expr(R::DistrictId, Expr::value(d.district.0))
        .col_expr(R::Title, Expr::value(d.title.clone()))
        .col_expr(R::Description, Expr::value(d.description.clone()))
        .col_expr(R::Questions, Expr::value(questions_json(&d.questions)))
        .col_expr(R::OpensAt, Expr::value(d.window.opens))
        .col_expr(R::ClosesAt, Expr::value(d.window.closes))
        .col_expr(R::MinAge, Expr::value(i32_of(d.min_age)))
        .col_expr(R::Electorate, Expr::value(d.electorate.map(i32_of)))
        .col_expr(R::MinTurnout, Expr::value(d.validity.percent().map(i32_of)))
        .filter(R::Id.eq(id))
        .filter(R::Status.eq(Status::Draft.as_str()))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ReferendumError::Refused(Refusal::Phase));
    }
    Ok(())
}

pub async fn get(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Referendum>> {
    referenda::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(from_row)
        .transpose()
}

pub async fn by_number(c: &impl ConnectionTrait, number: i32) -> Result<Option<Referendum>> {
    referenda::Entity::find()
        .filter(referenda::Column::Number.eq(number))
        .one(c)
        .await?
        .map(from_row)
        .transpose()
}

/// Every referendum (drafts only when `drafts`), the latest vote first.
pub async fn list(c: &impl ConnectionTrait, drafts: bool) -> Result<Vec<Referendum>> {
    let mut q = referenda::Entity::find();
    if !drafts {
        q = q.filter(referenda::Column::Status.ne(Status::Draft.as_str()));
    }
    q.order_by_desc(referenda::Column::OpensAt)
        .order_by_desc(referenda::Column::Number)
        .all(c)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// A write that changes nothing on the referendum's row but holds it until the transaction
/// ends; refused with [`Refusal::Phase`] unless `condition` holds.
async fn hold(
    c: &impl ConnectionTrait,
    id: Uuid,
    condition: Condition,
) -> std::result::Result<(), ReferendumError> {
    use referenda::Column as R;
    let done = referenda::Entity::update_many()
        .col_expr(R::Status, Expr::col(R::Status))
        .filter(R::Id.eq(id))
        .filter(condition)
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ReferendumError::Refused(Refusal::Phase));
    }
    Ok(())
}

fn announced() -> Condition {
    Condition::all().add(referenda::Column::Status.eq(Status::Announced.as_str()))
}

/// Announces a draft: checks the window (voting opens in the future, closes after it opens),
/// that a rule of minimum turnout has its electorate, the commission, and the district's
/// referenda that year (by the day voting opens; the district's row is held while they are
/// counted, so two announcements cannot both take the last place); then makes the ballot key,
/// split among `members` (`threshold` of them open it). Run it in a transaction.
pub async fn announce(
    c: &impl ConnectionTrait,
    r: &Referendum,
    threshold: u8,
    members: &[Option<UserId>],
    per_year: u32,
    secret: &[u8],
) -> std::result::Result<Vec<Share>, ReferendumError> {
    use referenda::Column as R;
    let refuse = |why| Err(ReferendumError::Refused(why));
    if let Err(why) = r.window.check(now()) {
        return refuse(why);
    }
    if r.validity.percent().is_some() && r.electorate.is_none() {
        return refuse(Refusal::NoElectorate);
    }
    if members.is_empty() || threshold == 0 || usize::from(threshold) > members.len() {
        return refuse(Refusal::Commission);
    }
    districts::Entity::update_many()
        .col_expr(districts::Column::Name, Expr::col(districts::Column::Name))
        .filter(districts::Column::Id.eq(r.district.0))
        .exec(c)
        .await?;
    let year = r.window.opens.year();
    let start = Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single();
    let end = Utc.with_ymd_and_hms(year + 1, 1, 1, 0, 0, 0).single();
    let (Some(start), Some(end)) = (start, end) else {
        return refuse(Refusal::Window);
    };
    let taken = referenda::Entity::find()
        .filter(R::DistrictId.eq(r.district.0))
        .filter(R::Status.ne(Status::Draft.as_str()))
        .filter(R::OpensAt.gte(start))
        .filter(R::OpensAt.lt(end))
        .count(c)
        .await?;
    if taken >= u64::from(per_year) {
        return refuse(Refusal::YearTaken);
    }
    hold(
        c,
        r.id,
        Condition::all().add(R::Status.eq(Status::Draft.as_str())),
    )
    .await?;
    let (key, shares) = ballot_box::make_key(c, r.id, threshold, members, secret).await?;
    referenda::Entity::update_many()
        .col_expr(R::Status, Expr::value(Status::Announced.as_str()))
        .col_expr(R::BallotKey, Expr::value(key.to_hex()))
        .col_expr(R::KeyThreshold, Expr::value(i32::from(threshold)))
        .col_expr(R::AnnouncedAt, Expr::value(now()))
        .filter(R::Id.eq(r.id))
        .exec(c)
        .await?;
    Ok(shares)
}

fn key_of(r: &Referendum) -> std::result::Result<&BallotKey, ReferendumError> {
    r.ballot_key
        .as_ref()
        .ok_or(ReferendumError::Refused(Refusal::Phase))
}

/// Casts an online ballot while voting is open (the row held; refused outside the window).
pub async fn vote(
    c: &impl Savepoints,
    r: &Referendum,
    keys: &VoterKeys,
    user: UserId,
    marks: &[(Uuid, u16)],
    secret: &[u8],
) -> std::result::Result<(), ReferendumError> {
    let key = key_of(r)?;
    let at = now();
    let savepoint = c.begin().await?;
    let result = async {
        hold(
            &savepoint,
            r.id,
            announced()
                .add(referenda::Column::OpensAt.lte(at))
                .add(referenda::Column::ClosesAt.gt(at)),
        )
        .await?;
        let content = BallotContent {
            channel: Channel::Online,
            marks: marks.to_vec(),
        };
        ballot_box::cast(&savepoint, r.id, key, keys, Some(user), &content, secret)
            .await
            .map_err(|e| match e {
                CastError::AlreadyVoted => ReferendumError::Refused(Refusal::AlreadyVoted),
                CastError::Store(e) => ReferendumError::Store(e),
            })
    }
    .await;
    crate::settle(savepoint, result).await
}

/// One keying of a paper sheet (its content's channel is paper), from the opening of voting
/// until the envelopes are opened.
pub async fn key_paper(
    c: &impl Savepoints,
    r: &Referendum,
    sheet: &Sheet,
    by: UserId,
    secret: &[u8],
) -> std::result::Result<Keying, ReferendumError> {
    let key = key_of(r)?;
    let savepoint = c.begin().await?;
    let result = async {
        hold(
            &savepoint,
            r.id,
            announced().add(referenda::Column::OpensAt.lte(now())),
        )
        .await?;
        Ok(ballot_box::key_sheet(&savepoint, r.id, key, sheet, by, secret).await?)
    }
    .await;
    crate::settle(savepoint, result).await
}

/// A paper sheet as typed: its number, the voting point, the voter's keys and the answers.
pub fn sheet(number: &str, point: &str, keys: VoterKeys, marks: &[(Uuid, u16)]) -> Sheet {
    Sheet {
        number: number.to_owned(),
        point: point.to_owned(),
        keys,
        content: BallotContent {
            channel: Channel::Paper,
            marks: marks.to_vec(),
        },
    }
}

/// Why the count did not happen; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Open(#[from] OpenError),
}

impl From<ReferendumError> for CountError {
    fn from(e: ReferendumError) -> Self {
        match e {
            ReferendumError::Refused(r) => Self::Refused(r),
            ReferendumError::Store(e) => Self::Open(OpenError::Store(e)),
        }
    }
}

impl From<sea_orm::DbErr> for CountError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Open(e.into())
    }
}

/// Opens the envelopes with the commission's shares once voting has closed, writes the
/// ballots (anonymous, random order), marks the referendum counted and records the step in the
/// audit log, in one transaction; the number of ballots.
pub async fn open_and_count(
    db: &sea_orm::DatabaseConnection,
    r: &Referendum,
    entries: &[&str],
    by: Option<UserId>,
    secret: &[u8],
) -> std::result::Result<u64, CountError> {
    let (key, Some(threshold)) = (key_of(r)?, r.threshold) else {
        return Err(CountError::Refused(Refusal::Phase));
    };
    let opening = ballot_box::opening_key(db, r.id, key, threshold, entries).await?;
    let tx = crate::begin(db).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        // ENGINE-SPECIFIC: overwrite what this connection deletes (the envelopes).
        sea_orm::ConnectionTrait::execute_unprepared(&tx, "PRAGMA secure_delete = ON").await?;
    }
    hold(
        &tx,
        r.id,
        announced().add(referenda::Column::ClosesAt.lte(now())),
    )
    .await?;
    let contents = ballot_box::open(&tx, r.id, &opening, secret).await?;
    drop(opening);
    let n = u64::try_from(contents.len()).unwrap_or(u64::MAX);
    for content in contents {
        let answers: Vec<String> = r
            .questions
            .iter()
            .map(|q| {
                content
                    .marks
                    .iter()
                    .find(|(id, _)| *id == q.id)
                    .map(|(_, a)| a.to_string())
                    .unwrap_or_default()
            })
            .collect();
        ballots::Entity::insert(ballots::ActiveModel {
            id: Set(Uuid::new_v4()),
            referendum_id: Set(r.id),
            channel: Set(content.channel.as_str().to_owned()),
            answers: Set(answers.join(",")),
        })
        .exec_without_returning(&tx)
        .await?;
    }
    referenda::Entity::update_many()
        .col_expr(
            referenda::Column::Status,
            Expr::value(Status::Counted.as_str()),
        )
        .col_expr(referenda::Column::OpenedAt, Expr::value(now()))
        .col_expr(
            referenda::Column::Ballots,
            Expr::value(i64::try_from(n).unwrap_or(i64::MAX)),
        )
        .filter(referenda::Column::Id.eq(r.id))
        .exec(&tx)
        .await?;
    crate::audit::record(
        &tx,
        by,
        crate::audit::Action::ReferendumStep,
        Some(crate::audit::Target::referendum(r.id)),
        serde_json::json!({ "number": r.number, "step": "opened", "ballots": n }),
    )
    .await
    .map_err(OpenError::Store)?;
    tx.commit().await?;
    Ok(n)
}

/// One opened ballot: a random id, the channel, and the answer to each question in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedBallot {
    pub id: Uuid,
    pub channel: Channel,
    pub answers: Vec<Option<u16>>,
}

/// The opened ballots (none before the count), in id order (random).
pub async fn opened_ballots(c: &impl ConnectionTrait, r: &Referendum) -> Result<Vec<OpenedBallot>> {
    ballots::Entity::find()
        .filter(ballots::Column::ReferendumId.eq(r.id))
        .order_by_asc(ballots::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|b| {
            let channel = Channel::parse(&b.channel).ok_or_else(|| corrupt(r.id, "channel"))?;
            let mut answers: Vec<Option<u16>> =
                b.answers.split(',').map(|a| a.parse().ok()).collect();
            answers.resize(r.questions.len(), None);
            Ok(OpenedBallot {
                id: b.id,
                channel,
                answers,
            })
        })
        .collect()
}

/// The results: per question, and ballots per channel (online, paper).
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub questions: Vec<QuestionResult>,
    pub online: u64,
    pub paper: u64,
}

impl Results {
    pub fn ballots(&self) -> u64 {
        self.online + self.paper
    }
}

/// Counts the opened ballots; None before the count.
pub async fn results(c: &impl ConnectionTrait, r: &Referendum) -> Result<Option<Results>> {
    if r.status != Status::Counted {
        return Ok(None);
    }
    let opened = opened_ballots(c, r).await?;
    let marks: Vec<Vec<(Uuid, u16)>> = opened
        .iter()
        .map(|b| {
            r.questions
                .iter()
                .zip(&b.answers)
                .filter_map(|(q, a)| a.map(|a| (q.id, a)))
                .collect()
        })
        .collect();
    let by =
        |ch: Channel| u64::try_from(opened.iter().filter(|b| b.channel == ch).count()).unwrap_or(0);
    Ok(Some(Results {
        questions: miasto_domain::referenda::count(&r.questions, &marks),
        online: by(Channel::Online),
        paper: by(Channel::Paper),
    }))
}

/// People who have voted so far (during voting: envelopes waiting).
pub async fn voters(c: &impl ConnectionTrait, r: &Referendum) -> Result<u64> {
    ballot_box::voter_count(c, r.id).await
}
