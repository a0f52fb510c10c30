//! The e-survey's storage: its definition under a version (changed only before the
//! consultation opens), responses (one per account, one per invitation code — unique
//! indexes, so two sent at once cannot both land), drafts to continue later, invitation codes
//! kept only as hashes, running counts per answer and the open answers.

use super::{ChangeError, guard};
use crate::entities::{
    consultation_codes, consultation_response_files, consultation_responses, consultation_surveys,
    consultation_tallies, consultation_text_answers, consultations,
};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::consultations::survey::{self as rules, Answer, Answers, Survey};
use miasto_domain::consultations::weighting::{Cell, Margins};
use miasto_domain::{DistrictId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The survey of a consultation and its version, if it has one.
pub async fn get(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Option<(Survey, i32)>> {
    let Some(row) = consultation_surveys::Entity::find_by_id(consultation)
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let survey = serde_json::from_str(&row.definition).map_err(|e| StoreError::Corrupt {
        table: "consultation_surveys",
        detail: format!("{consultation}: {e}"),
    })?;
    Ok(Some((survey, row.version)))
}

/// Writes the survey if its version is still `expected` (0: it has none yet) and the
/// consultation has not opened (nor been called off). Returns the new version.
pub async fn save(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    survey: &Survey,
    expected: i32,
) -> std::result::Result<i32, ChangeError> {
    use consultations::Column as C;
    guard(
        c,
        consultation,
        Condition::all()
            .add(C::CancelledAt.is_null())
            .add(C::OpensAt.gt(now())),
    )
    .await?;
    let definition = serde_json::to_string(survey).map_err(|e| {
        ChangeError::Store(StoreError::Corrupt {
            table: "consultation_surveys",
            detail: e.to_string(),
        })
    })?;
    if expected == 0 {
        let inserted = consultation_surveys::Entity::insert(consultation_surveys::ActiveModel {
            consultation_id: Set(consultation),
            definition: Set(definition),
            version: Set(1),
            margins: Set(None),
            updated_at: Set(now()),
        })
        .on_conflict(
            OnConflict::column(consultation_surveys::Column::ConsultationId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
        return if inserted == 1 {
            Ok(1)
        } else {
            Err(ChangeError::Stale)
        };
    }
    use consultation_surveys::Column as S;
    let done = consultation_surveys::Entity::update_many()
        .col_expr(S::Definition, definition.into())
        .col_expr(S::Version, Expr::col(S::Version).add(1))
        .col_expr(S::UpdatedAt, now().into())
        .filter(S::ConsultationId.eq(consultation))
        .filter(S::Version.eq(expected))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    Ok(expected + 1)
}

/// A response as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub id: Uuid,
    pub district: Option<DistrictId>,
    pub age_band: Option<String>,
    pub sex: Option<String>,
    pub answers: Answers,
    pub submitted_at: Option<DateTime<Utc>>,
}

fn response_from(m: consultation_responses::Model) -> Result<Response> {
    Ok(Response {
        answers: serde_json::from_str(&m.answers).map_err(|e| StoreError::Corrupt {
            table: "consultation_responses",
            detail: format!("{}: {e}", m.id),
        })?,
        id: m.id,
        district: m.district_id.map(DistrictId),
        age_band: m.age_band,
        sex: m.sex,
        submitted_at: m.submitted_at,
    })
}

/// The account's response (a draft or sent), if any.
pub async fn response_of(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    user: UserId,
) -> Result<Option<Response>> {
    consultation_responses::Entity::find()
        .filter(consultation_responses::Column::ConsultationId.eq(consultation))
        .filter(consultation_responses::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .map(response_from)
        .transpose()
}

/// A response to write: who sends it (an account, a code), the optional demographics and
/// the answers as checked by `domain::consultations::survey::check_response`.
#[derive(Debug, Clone, Default)]
pub struct NewResponse {
    pub user: Option<UserId>,
    /// The invitation code given, kept only as its keyed hash.
    pub code: Option<CodeHash>,
    pub district: Option<DistrictId>,
    pub age_band: Option<String>,
    pub sex: Option<String>,
    pub answers: Answers,
    /// Sent from the app (the JSON API) rather than the web form: counted per channel.
    pub from_app: bool,
    /// Files newly attached to file questions (question key, the stored photo), each named by
    /// an `Answer::File` of `answers`.
    pub files: Vec<(String, crate::photos::Stored)>,
}

fn json(answers: &Answers) -> std::result::Result<String, ChangeError> {
    serde_json::to_string(answers).map_err(|e| {
        ChangeError::Store(StoreError::Corrupt {
            table: "consultation_responses",
            detail: e.to_string(),
        })
    })
}

/// The consultation takes responses now: published, opened, not closed, neither called off
/// nor reported.
async fn open(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    let at = now();
    guard(
        c,
        consultation,
        Condition::all()
            .add(C::PublishedAt.is_not_null())
            .add(C::CancelledAt.is_null())
            .add(C::ReportedAt.is_null())
            .add(C::OpensAt.lte(at))
            .add(C::ClosesAt.gt(at)),
    )
    .await
}

/// Saves an account's answers to continue later (not counted). Refused with
/// [`ChangeError::Answered`] once the response was sent.
pub async fn save_draft(
    c: &impl crate::Savepoints,
    consultation: Uuid,
    new: &NewResponse,
) -> std::result::Result<Uuid, ChangeError> {
    use consultation_responses::Column as R;
    let user = new.user.ok_or(ChangeError::Target)?;
    open(c, consultation).await?;
    let at = now();
    let answers = json(&new.answers)?;
    let updated = consultation_responses::Entity::update_many()
        .col_expr(R::Answers, answers.clone().into())
        .col_expr(R::DistrictId, new.district.map(|d| d.0).into())
        .col_expr(R::AgeBand, new.age_band.clone().into())
        .col_expr(R::Sex, new.sex.clone().into())
        .col_expr(R::UpdatedAt, at.into())
        .filter(R::ConsultationId.eq(consultation))
        .filter(R::UserId.eq(user.0))
        .filter(R::SubmittedAt.is_null())
        .exec(c)
        .await?;
    let id = if updated.rows_affected == 1 {
        match response_of(c, consultation, user).await? {
            Some(draft) => draft.id,
            None => return Err(ChangeError::Stale),
        }
    } else {
        if response_of(c, consultation, user).await?.is_some() {
            return Err(ChangeError::Answered);
        }
        insert(c, consultation, new, None, answers, None).await?
    };
    keep_files(c, consultation, id, new).await?;
    Ok(id)
}

/// Records the response's new files and lets go of those no answer names any more (a draft's
/// photo replaced or removed; housekeeping sweeps their files).
async fn keep_files(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    response: Uuid,
    new: &NewResponse,
) -> Result<()> {
    use consultation_response_files::Column as F;
    let named: Vec<Uuid> = new
        .answers
        .iter()
        .filter_map(|(_, a)| match a {
            Answer::File(id) => Some(*id),
            _ => None,
        })
        .collect();
    let at = now();
    let rows: Vec<_> = new
        .files
        .iter()
        .filter(|(_, f)| named.contains(&f.id))
        .map(|(question, f)| consultation_response_files::ActiveModel {
            id: Set(f.id),
            consultation_id: Set(consultation),
            response_id: Set(response),
            question: Set(question.clone()),
            original_key: Set(f.original_key.clone()),
            display_key: Set(f.display_key.clone()),
            thumb_key: Set(f.thumb_key.clone()),
            width: Set(i32::try_from(f.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(f.height).unwrap_or(i32::MAX)),
            bytes: Set(i64::try_from(f.bytes).unwrap_or(i64::MAX)),
            created_at: Set(at),
        })
        .collect();
    if !rows.is_empty() {
        consultation_response_files::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(F::Id).do_nothing().to_owned())
            .exec_without_returning(c)
            .await?;
    }
    consultation_response_files::Entity::delete_many()
        .filter(F::ResponseId.eq(response))
        .filter(F::Id.is_not_in(named))
        .exec(c)
        .await?;
    Ok(())
}

/// A file attached to a survey answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseFile {
    pub id: Uuid,
    pub response: Uuid,
    pub question: String,
    pub display_key: String,
    pub thumb_key: String,
    pub original_key: String,
    pub created_at: DateTime<Utc>,
}

fn file_from(m: consultation_response_files::Model) -> ResponseFile {
    ResponseFile {
        id: m.id,
        response: m.response_id,
        question: m.question,
        display_key: m.display_key,
        thumb_key: m.thumb_key,
        original_key: m.original_key,
        created_at: m.created_at,
    }
}

/// The files of sent responses to `question`, newest first, a page at a time.
pub async fn files(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    question: &str,
    page: crate::Page,
) -> Result<crate::Paged<ResponseFile>> {
    use consultation_response_files::Column as F;
    use consultation_responses::Column as R;
    let sent = sea_orm::sea_query::Query::select()
        .column(R::Id)
        .from(consultation_responses::Entity)
        .and_where(R::ConsultationId.eq(consultation))
        .and_where(R::SubmittedAt.is_not_null())
        .to_owned();
    let select = consultation_response_files::Entity::find()
        .filter(F::ConsultationId.eq(consultation))
        .filter(F::Question.eq(question))
        .filter(F::ResponseId.in_subquery(sent))
        .order_by_desc(F::CreatedAt)
        .order_by_desc(F::Id);
    let (rows, count) = crate::paging::fetch(c, select, page).await?;
    Ok(crate::Paged::new(
        rows.into_iter().map(file_from).collect(),
        count,
        page,
    ))
}

/// One file of a survey answer.
pub async fn file_by_id(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<ResponseFile>> {
    Ok(consultation_response_files::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(file_from))
}

async fn insert(
    c: &impl crate::Savepoints,
    consultation: Uuid,
    new: &NewResponse,
    code_hash: Option<String>,
    answers: String,
    submitted: Option<DateTime<Utc>>,
) -> std::result::Result<Uuid, ChangeError> {
    let at = now();
    let id = Uuid::now_v7();
    let row = consultation_responses::ActiveModel {
        id: Set(id),
        consultation_id: Set(consultation),
        user_id: Set(new.user.map(|u| u.0)),
        code_hash: Set(code_hash),
        district_id: Set(new.district.map(|d| d.0)),
        age_band: Set(new.age_band.clone()),
        sex: Set(new.sex.clone()),
        answers: Set(answers),
        submitted_at: Set(submitted),
        created_at: Set(at),
        updated_at: Set(at),
    };
    // A unique index refuses a second response of an account or a code; inside a savepoint
    // so that the caller's transaction stays usable on PostgreSQL.
    let savepoint = c.begin().await?;
    match consultation_responses::Entity::insert(row)
        .exec_without_returning(&savepoint)
        .await
    {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(id)
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Err(ChangeError::Answered)
        }
        Err(e) => Err(e.into()),
    }
}

/// An invitation code as it is kept: an HMAC of the consultation and the code (folded to
/// upper-case letters and digits) under the server's secret, so that someone holding a copy
/// of the database but not the secret cannot try every code against the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeHash(String);

impl CodeHash {
    pub fn of(secret: &[u8], consultation: Uuid, code: &str) -> Self {
        use hmac::{KeyInit, Mac};
        let folded: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(consultation.as_bytes());
        mac.update(b":");
        mac.update(folded.as_bytes());
        Self(crate::hex(&mac.finalize().into_bytes()))
    }
}

/// Sends a response: the consultation open; a code (if given) unused — it is used up here;
/// an account's earlier draft becomes the response. Adds the response to the running
/// counts and keeps its open answers. A second response of an account or code is refused
/// ([`ChangeError::Answered`]), an unknown or used code too ([`ChangeError::Code`]).
pub async fn submit(
    c: &impl crate::Savepoints,
    consultation: Uuid,
    new: &NewResponse,
) -> std::result::Result<Uuid, ChangeError> {
    use consultation_responses::Column as R;
    open(c, consultation).await?;
    let at = now();
    let hash = new.code.as_ref().map(|h| h.0.clone());
    if let Some(hash) = &hash {
        use consultation_codes::Column as K;
        let claimed = consultation_codes::Entity::update_many()
            .col_expr(K::UsedAt, Some(at).into())
            .filter(K::ConsultationId.eq(consultation))
            .filter(K::CodeHash.eq(hash.clone()))
            .filter(K::UsedAt.is_null())
            .exec(c)
            .await?;
        if claimed.rows_affected == 0 {
            return Err(ChangeError::Code);
        }
    }
    let answers = json(&new.answers)?;
    let mut id = None;
    if let Some(user) = new.user {
        // The draft, if any, is sent: only once (a draft no more).
        let draft = consultation_responses::Entity::find()
            .filter(R::ConsultationId.eq(consultation))
            .filter(R::UserId.eq(user.0))
            .one(c)
            .await?;
        if let Some(draft) = draft {
            let done = consultation_responses::Entity::update_many()
                .col_expr(R::Answers, answers.clone().into())
                .col_expr(R::CodeHash, hash.clone().into())
                .col_expr(R::DistrictId, new.district.map(|d| d.0).into())
                .col_expr(R::AgeBand, new.age_band.clone().into())
                .col_expr(R::Sex, new.sex.clone().into())
                .col_expr(R::SubmittedAt, Some(at).into())
                .col_expr(R::UpdatedAt, at.into())
                .filter(R::Id.eq(draft.id))
                .filter(R::SubmittedAt.is_null())
                .exec(c)
                .await?;
            if done.rows_affected == 0 {
                return Err(ChangeError::Answered);
            }
            id = Some(draft.id);
        }
    }
    let id = match id {
        Some(id) => id,
        None => insert(c, consultation, new, hash, answers, Some(at)).await?,
    };
    keep_files(c, consultation, id, new).await?;
    count(c, consultation, new).await?;
    let texts: Vec<_> = new
        .answers
        .iter()
        .filter_map(|(key, a)| match a {
            Answer::Text(t) => Some(consultation_text_answers::ActiveModel {
                id: Set(Uuid::now_v7()),
                consultation_id: Set(consultation),
                question: Set(key.clone()),
                body: Set(t.clone()),
                created_at: Set(at),
            }),
            _ => None,
        })
        .collect();
    if !texts.is_empty() {
        consultation_text_answers::Entity::insert_many(texts)
            .exec_without_returning(c)
            .await?;
    }
    Ok(id)
}

/// The tally key counting responses.
pub const RESPONSES: &str = "_responses";

/// Adds one to every running count the response touches.
async fn count(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    new: &NewResponse,
) -> std::result::Result<(), ChangeError> {
    let mut keys = rules::tally_keys(&new.answers);
    keys.push(RESPONSES.to_owned());
    // Participation per channel and per Kraków day, beside the comments' (`s:` against `c:`).
    let channel = if new.from_app { "app" } else { "web" };
    let day = now().with_timezone(&chrono_tz::Europe::Warsaw).date_naive();
    keys.push(format!("s:channel:{channel}"));
    keys.push(format!("s:day:{day}"));
    // Counted again per demographic cell, so the figures can be weighted to the population
    // (`w:district/age/sex|key`; only responses that give some demographics).
    if new.district.is_some() || new.age_band.is_some() || new.sex.is_some() {
        let cell = cell_prefix(&[
            new.district.map(|d| d.to_string()),
            new.age_band.clone(),
            new.sex.clone(),
        ]);
        let mut cells: Vec<String> = rules::tally_keys(&new.answers)
            .into_iter()
            .map(|k| format!("{cell}{k}"))
            .collect();
        cells.push(format!("{cell}{RESPONSES}"));
        keys.extend(cells);
    }
    if let Some(d) = new.district {
        keys.push(format!("_district:{d}"));
    }
    if let Some(a) = &new.age_band {
        keys.push(format!("_age:{a}"));
    }
    if let Some(s) = &new.sex {
        keys.push(format!("_sex:{s}"));
    }
    use consultation_tallies::Column as T;
    let rows: Vec<_> = keys
        .into_iter()
        .map(|key| consultation_tallies::ActiveModel {
            consultation_id: Set(consultation),
            key: Set(key),
            count: Set(1),
        })
        .collect();
    consultation_tallies::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([T::ConsultationId, T::Key])
                .value(
                    T::Count,
                    Expr::col((consultation_tallies::Entity, T::Count)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The prefix of a demographic cell's counts: `w:district/age/sex|` (`-`: not given).
fn cell_prefix(cell: &Cell) -> String {
    let part = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    format!(
        "w:{}/{}/{}|",
        part(&cell[0]),
        part(&cell[1]),
        part(&cell[2])
    )
}

/// The running counts per demographic cell: (cell, tally key, count). Responses per cell are
/// under the key [`RESPONSES`].
pub async fn cell_tallies(
    c: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Vec<(Cell, String, u64)>> {
    use consultation_tallies::Column as T;
    let rows = consultation_tallies::Entity::find()
        .filter(T::ConsultationId.eq(consultation))
        .filter(T::Key.like("w:%"))
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let parsed = row.key.strip_prefix("w:").and_then(|rest| {
            let (cell, key) = rest.split_once('|')?;
            let mut parts = cell
                .splitn(3, '/')
                .map(|p| (p != "-").then(|| p.to_owned()));
            Some((
                [parts.next()?, parts.next()?, parts.next()?],
                key.to_owned(),
            ))
        });
        let Some((cell, key)) = parsed else {
            return Err(StoreError::Corrupt {
                table: "consultation_tallies",
                detail: format!("{consultation}: {}", row.key),
            });
        };
        out.push((cell, key, u64::try_from(row.count).unwrap_or(0)));
    }
    Ok(out)
}

/// The population margins the survey's results are weighted to, if an official entered them.
pub async fn margins(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Option<Margins>> {
    let Some(row) = consultation_surveys::Entity::find_by_id(consultation)
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    row.margins
        .map(|m| {
            serde_json::from_str(&m).map_err(|e| StoreError::Corrupt {
                table: "consultation_surveys",
                detail: format!("{consultation}: margins: {e}"),
            })
        })
        .transpose()
}

/// Sets (or with `None` removes) the margins, while the survey is open or being analysed
/// (opened, not called off, report not out: `Action::Weigh`).
pub async fn save_margins(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    margins: Option<&Margins>,
) -> std::result::Result<(), ChangeError> {
    use consultations::Column as C;
    guard(
        c,
        consultation,
        Condition::all()
            .add(C::CancelledAt.is_null())
            .add(C::ReportedAt.is_null())
            .add(C::OpensAt.lte(now())),
    )
    .await?;
    let json = margins
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| {
            ChangeError::Store(StoreError::Corrupt {
                table: "consultation_surveys",
                detail: e.to_string(),
            })
        })?;
    use consultation_surveys::Column as S;
    let done = consultation_surveys::Entity::update_many()
        .col_expr(S::Margins, json.into())
        .filter(S::ConsultationId.eq(consultation))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    Ok(())
}

/// The running counts of a consultation's survey, by key (see `survey::tally_keys`).
pub async fn tallies(c: &impl ConnectionTrait, consultation: Uuid) -> Result<HashMap<String, u64>> {
    use consultation_tallies::Column as T;
    // The participation counts and marks share the table: left out.
    Ok(consultation_tallies::Entity::find()
        .filter(T::ConsultationId.eq(consultation))
        .filter(T::Key.not_like("c:%"))
        .filter(T::Key.not_like("a:%"))
        .filter(T::Key.not_like("s:%"))
        .filter(T::Key.not_like("w:%"))
        .all(c)
        .await?
        .into_iter()
        .map(|t| (t.key, u64::try_from(t.count).unwrap_or(0)))
        .collect())
}

/// Makes `n` invitation codes while the consultation has not closed (nor been called off);
/// returns them (the only time they are seen: only their keyed hashes are kept).
pub async fn make_codes(
    c: &impl ConnectionTrait,
    secret: &[u8],
    consultation: Uuid,
    n: usize,
) -> std::result::Result<Vec<String>, ChangeError> {
    {
        use consultations::Column as C;
        guard(
            c,
            consultation,
            Condition::all()
                .add(C::CancelledAt.is_null())
                .add(C::ReportedAt.is_null())
                .add(C::ClosesAt.gt(now())),
        )
        .await?;
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let at = now();
    let mut codes = Vec::with_capacity(n);
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        let bytes: [u8; 10] = rand::random();
        let raw: String = bytes
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
            .collect();
        let code = format!("{}-{}", &raw[..5], &raw[5..]);
        rows.push(consultation_codes::ActiveModel {
            consultation_id: Set(consultation),
            code_hash: Set(CodeHash::of(secret, consultation, &code).0),
            used_at: Set(None),
            created_at: Set(at),
        });
        codes.push(code);
    }
    for chunk in rows.chunks(1000) {
        consultation_codes::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    Ok(codes)
}

/// How many codes exist and how many are used.
pub async fn code_counts(c: &impl ConnectionTrait, consultation: Uuid) -> Result<(u64, u64)> {
    use consultation_codes::Column as K;
    let all = consultation_codes::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .count(c)
        .await?;
    let used = consultation_codes::Entity::find()
        .filter(K::ConsultationId.eq(consultation))
        .filter(K::UsedAt.is_not_null())
        .count(c)
        .await?;
    Ok((all, used))
}

/// A page of the open answers to `question`, newest first, those containing `search` if given.
pub async fn text_answers(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    question: &str,
    search: Option<&str>,
    page: crate::Page,
) -> Result<crate::Paged<(String, DateTime<Utc>)>> {
    use consultation_text_answers::Column as A;
    let mut select = consultation_text_answers::Entity::find()
        .filter(A::ConsultationId.eq(consultation))
        .filter(A::Question.eq(question));
    if let Some(s) = search.filter(|s| !s.trim().is_empty()) {
        select = select.filter(
            Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(A::Body)))
                .like(crate::containing(s)),
        );
    }
    let select = select.order_by_desc(A::CreatedAt).order_by_desc(A::Id);
    let (rows, count) = crate::paging::fetch(c, select, page).await?;
    Ok(crate::Paged::new(
        rows.into_iter().map(|r| (r.body, r.created_at)).collect(),
        count,
        page,
    ))
}

/// Up to `limit` sent responses after `after` (time sent and id), oldest first: exports walk
/// every response this way.
pub async fn responses_after(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<Response>> {
    use consultation_responses::Column as R;
    let mut select = consultation_responses::Entity::find()
        .filter(R::ConsultationId.eq(consultation))
        .filter(R::SubmittedAt.is_not_null());
    if let Some((at, id)) = after {
        select = select.filter(
            Condition::any().add(R::SubmittedAt.gt(at)).add(
                Condition::all()
                    .add(R::SubmittedAt.eq(at))
                    .add(R::Id.gt(id)),
            ),
        );
    }
    select
        .order_by_asc(R::SubmittedAt)
        .order_by_asc(R::Id)
        .limit(limit)
        .all(c)
        .await?
        .into_iter()
        .map(response_from)
        .collect()
}
