//! Requests with signatures (issue 18). The rulebook is `miasto_domain::requests`; every write
//! here repeats its state part as a condition on the request's row, so a race cannot undo a
//! decision: a signature lands only while the request collects (a guarded write that holds
//! the row, so an acceptance waits for it and counts it), one per person and request by the
//! unique keyed hash (also when two arrive at once), and an acceptance counts the signatures
//! under the same hold and is refused when they fall short.

use crate::entities::{organisations, request_signatures as signatures, signature_requests};
use crate::paging::{Page, Paged};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Duration, Utc};
use miasto_domain::requests::{
    Krs, Needed, OrganisationStatus, Phase, Progress, Purpose, Refusal, Status, Thresholds,
};
use miasto_domain::{DistrictId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A request as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: Uuid,
    /// 1, 2, 3… (its address: `/requests/{number}`).
    pub number: i32,
    pub purpose: Purpose,
    pub title: String,
    pub description: String,
    pub district: Option<DistrictId>,
    pub author: Option<UserId>,
    pub status: Status,
    /// The district's electorate as an official entered it (referenda).
    pub electorate: Option<u32>,
    /// The numbers needed, fixed when the request was opened.
    pub needed: Needed,
    pub opened_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused (published).
    pub reason: Option<String>,
    /// The consultation created when it was accepted.
    pub consultation: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl Request {
    pub fn phase(&self, at: DateTime<Utc>) -> Phase {
        Phase::at(self.status, self.deadline, at)
    }
}

fn corrupt(id: Uuid, field: &str) -> StoreError {
    StoreError::Corrupt {
        table: "signature_requests",
        detail: format!("{id}: {field}"),
    }
}

fn count(raw: Option<i32>) -> Option<u32> {
    raw.and_then(|n| u32::try_from(n).ok())
}

fn from_row(m: signature_requests::Model) -> Result<Request> {
    Ok(Request {
        purpose: Purpose::parse(&m.purpose).ok_or_else(|| corrupt(m.id, "purpose"))?,
        status: Status::parse(&m.status).ok_or_else(|| corrupt(m.id, "status"))?,
        id: m.id,
        number: m.number,
        title: m.title,
        description: m.description,
        district: m.district_id.map(DistrictId),
        author: m.author_id.map(UserId),
        electorate: count(m.electorate),
        needed: Needed {
            residents: count(m.needed_residents),
            organisations: count(m.needed_organisations),
        },
        opened_at: m.opened_at,
        deadline: m.deadline,
        decided_at: m.decided_at,
        reason: m.reason,
        consultation: m.consultation_id,
        created_at: m.created_at,
    })
}

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for RequestError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// What a resident submits.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub purpose: Purpose,
    pub title: String,
    pub description: String,
    pub district: Option<DistrictId>,
}

/// Stores a submitted request under the next free number.
pub async fn submit(
    c: &impl crate::Savepoints,
    new: &NewRequest,
    author: Option<UserId>,
) -> Result<Request> {
    let m = crate::insert_numbered(c, signature_requests::Column::Number, |number| {
        signature_requests::ActiveModel {
            id: Set(Uuid::now_v7()),
            number: Set(number),
            purpose: Set(new.purpose.as_str().to_owned()),
            title: Set(new.title.clone()),
            description: Set(new.description.clone()),
            district_id: Set(new.district.map(|d| d.0)),
            author_id: Set(author.map(|a| a.0)),
            status: Set(Status::Submitted.as_str().to_owned()),
            electorate: Set(None),
            needed_residents: Set(None),
            needed_organisations: Set(None),
            opened_at: Set(None),
            deadline: Set(None),
            decided_at: Set(None),
            decided_by: Set(None),
            reason: Set(None),
            consultation_id: Set(None),
            created_at: Set(now()),
        }
    })
    .await?;
    from_row(m)
}

pub async fn get(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Request>> {
    signature_requests::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(from_row)
        .transpose()
}

pub async fn get_by_number(c: &impl ConnectionTrait, number: i32) -> Result<Option<Request>> {
    signature_requests::Entity::find()
        .filter(signature_requests::Column::Number.eq(number))
        .one(c)
        .await?
        .map(from_row)
        .transpose()
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Empty: every status.
    pub statuses: Vec<Status>,
    pub purpose: Option<Purpose>,
    pub district: Option<DistrictId>,
    /// Only this author's.
    pub author: Option<UserId>,
}

/// Requests matching `filter`, newest first.
pub async fn list(c: &impl ConnectionTrait, filter: &Filter, page: Page) -> Result<Paged<Request>> {
    use signature_requests::Column as R;
    let mut select = signature_requests::Entity::find();
    if !filter.statuses.is_empty() {
        select = select.filter(R::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if let Some(p) = filter.purpose {
        select = select.filter(R::Purpose.eq(p.as_str()));
    }
    if let Some(d) = filter.district {
        select = select.filter(R::DistrictId.eq(d.0));
    }
    if let Some(a) = filter.author {
        select = select.filter(R::AuthorId.eq(a.0));
    }
    let select = select.order_by_desc(R::CreatedAt).order_by_desc(R::Id);
    let (rows, count) = crate::paging::fetch(c, select, page).await?;
    let items = rows.into_iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Paged::new(items, count, page))
}

fn resident_kind() -> &'static str {
    "resident"
}

fn organisation_kind() -> &'static str {
    "organisation"
}

/// The signatures that count for each of `requests`: residents', and organisations' whose
/// link staff verified.
pub async fn progress_of(
    c: &impl ConnectionTrait,
    requests: &[Uuid],
) -> Result<HashMap<Uuid, Progress>> {
    use signatures::Column as S;
    let mut out: HashMap<Uuid, Progress> = requests
        .iter()
        .map(|id| (*id, Progress::default()))
        .collect();
    if requests.is_empty() {
        return Ok(out);
    }
    let residents: Vec<(Uuid, i64)> = signatures::Entity::find()
        .select_only()
        .column(S::RequestId)
        .column_as(S::Id.count(), "n")
        .filter(S::RequestId.is_in(requests.iter().copied()))
        .filter(S::Kind.eq(resident_kind()))
        .group_by(S::RequestId)
        .into_tuple()
        .all(c)
        .await?;
    for (id, n) in residents {
        if let Some(p) = out.get_mut(&id) {
            p.residents = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    let verified: Vec<Uuid> = organisations::Entity::find()
        .select_only()
        .column(organisations::Column::Id)
        .filter(organisations::Column::Status.eq(OrganisationStatus::Verified.as_str()))
        .into_tuple()
        .all(c)
        .await?;
    if !verified.is_empty() {
        let orgs: Vec<(Uuid, i64)> = signatures::Entity::find()
            .select_only()
            .column(S::RequestId)
            .column_as(S::Id.count(), "n")
            .filter(S::RequestId.is_in(requests.iter().copied()))
            .filter(S::Kind.eq(organisation_kind()))
            .filter(S::OrganisationId.is_in(verified))
            .group_by(S::RequestId)
            .into_tuple()
            .all(c)
            .await?;
        for (id, n) in orgs {
            if let Some(p) = out.get_mut(&id) {
                p.organisations = u32::try_from(n).unwrap_or(u32::MAX);
            }
        }
    }
    Ok(out)
}

pub async fn progress(c: &impl ConnectionTrait, request: Uuid) -> Result<Progress> {
    Ok(progress_of(c, &[request])
        .await?
        .remove(&request)
        .unwrap_or_default())
}

/// A conditional write on the request's row that changes nothing but holds it until the
/// transaction ends; refused (with the reason the row's state gives) when `condition` fails.
async fn hold(
    c: &impl ConnectionTrait,
    request: Uuid,
    condition: Condition,
    at: DateTime<Utc>,
) -> std::result::Result<(), RequestError> {
    use signature_requests::Column as R;
    let done = signature_requests::Entity::update_many()
        .col_expr(R::Status, Expr::col(R::Status))
        .filter(R::Id.eq(request))
        .filter(condition)
        .exec(c)
        .await?;
    if done.rows_affected > 0 {
        return Ok(());
    }
    let Some(r) = get(c, request).await? else {
        return Err(RequestError::Refused(Refusal::Decided));
    };
    Err(RequestError::Refused(match r.phase(at) {
        Phase::Submitted => Refusal::NotOpen,
        Phase::Open | Phase::Closed => Refusal::Closed,
        Phase::Accepted | Phase::Refused => Refusal::Decided,
    }))
}

fn status_is(s: Status) -> sea_orm::sea_query::SimpleExpr {
    signature_requests::Column::Status.eq(s.as_str())
}

/// Not accepted or refused yet.
fn undecided() -> Condition {
    Condition::any()
        .add(status_is(Status::Submitted))
        .add(status_is(Status::Collecting))
}

/// A guarded write that changed no row found the request decided.
fn decided_unless(rows: u64) -> std::result::Result<(), RequestError> {
    if rows == 0 {
        return Err(RequestError::Refused(Refusal::Decided));
    }
    Ok(())
}

/// An official checked the form: signatures are collected from now until `collection_days`
/// later, and the numbers needed are fixed from the city's thresholds.
pub async fn open(
    c: &impl ConnectionTrait,
    request: &Request,
    thresholds: &Thresholds,
    by: UserId,
) -> std::result::Result<(), RequestError> {
    use signature_requests::Column as R;
    let at = now();
    let needed = thresholds.needed(request.purpose, request.electorate);
    let to_db = |n: Option<u32>| n.map(|n| i32::try_from(n).unwrap_or(i32::MAX));
    let done = signature_requests::Entity::update_many()
        .col_expr(R::Status, Expr::value(Status::Collecting.as_str()))
        .col_expr(R::OpenedAt, Expr::value(at))
        .col_expr(
            R::Deadline,
            Expr::value(at + Duration::days(thresholds.collection_days)),
        )
        .col_expr(R::NeededResidents, Expr::value(to_db(needed.residents)))
        .col_expr(
            R::NeededOrganisations,
            Expr::value(to_db(needed.organisations)),
        )
        .col_expr(R::DecidedBy, Expr::value(by.0))
        .filter(R::Id.eq(request.id))
        .filter(status_is(Status::Submitted))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(RequestError::Refused(Refusal::NotSubmitted));
    }
    Ok(())
}

/// Enters the district's electorate of a referendum request; the residents needed follow
/// from it (`percent` of it, rounded up).
pub async fn set_electorate(
    c: &impl ConnectionTrait,
    request: Uuid,
    electorate: u32,
    percent: u32,
) -> std::result::Result<(), RequestError> {
    use signature_requests::Column as R;
    let needed = miasto_domain::requests::percent_up(electorate, percent);
    let to_db = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let done = signature_requests::Entity::update_many()
        .col_expr(R::Electorate, Expr::value(to_db(electorate)))
        .col_expr(R::NeededResidents, Expr::value(to_db(needed)))
        .filter(R::Id.eq(request))
        .filter(R::Purpose.eq(Purpose::Referendum.as_str()))
        .filter(undecided())
        .exec(c)
        .await?;
    decided_unless(done.rows_affected)
}

/// Who signs, as stored: a keyed hash of the person (or of the organisation's KRS number)
/// within the request, never the PESEL or the name.
#[derive(Clone)]
pub struct Signer {
    pub identity_hash: String,
    pub kind: SignerKind,
    /// The account that signed online (none for a paper list).
    pub user: Option<UserId>,
    /// Who typed in the paper list.
    pub entered_by: Option<UserId>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerKind {
    Resident,
    Organisation(Uuid),
}

/// Adds a signature while the request collects (paper lists also after the deadline, until
/// the decision); a second signature of the same person or organisation, or a second of
/// the same kind from one account, is [`Refusal::AlreadySigned`].
pub async fn sign(
    c: &impl crate::Savepoints,
    request: Uuid,
    signer: &Signer,
) -> std::result::Result<(), RequestError> {
    use signature_requests::Column as R;
    let at = now();
    let savepoint = c.begin().await?;
    let result = async {
        let mut condition = Condition::all().add(status_is(Status::Collecting));
        if signer.entered_by.is_none() {
            condition = condition.add(R::Deadline.gt(at));
        }
        hold(&savepoint, request, condition, at).await?;
        let (kind, organisation) = match signer.kind {
            SignerKind::Resident => (resident_kind(), None),
            SignerKind::Organisation(id) => (organisation_kind(), Some(id)),
        };
        let row = signatures::ActiveModel {
            id: Set(Uuid::now_v7()),
            request_id: Set(request),
            kind: Set(kind.to_owned()),
            identity_hash: Set(signer.identity_hash.clone()),
            user_id: Set(signer.user.map(|u| u.0)),
            organisation_id: Set(organisation),
            channel: Set(if signer.entered_by.is_some() {
                "paper"
            } else {
                "online"
            }
            .to_owned()),
            entered_by: Set(signer.entered_by.map(|u| u.0)),
            signed_at: Set(at),
        };
        match signatures::Entity::insert(row)
            .exec_without_returning(&savepoint)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(RequestError::Refused(Refusal::AlreadySigned))
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    crate::settle(savepoint, result).await
}

/// How an account signed a request: as a resident, and for which of its organisations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signed {
    pub resident: bool,
    pub organisations: Vec<Uuid>,
}

pub async fn signed_by(c: &impl ConnectionTrait, request: Uuid, user: UserId) -> Result<Signed> {
    use signatures::Column as S;
    let rows = signatures::Entity::find()
        .filter(S::RequestId.eq(request))
        .filter(S::UserId.eq(user.0))
        .all(c)
        .await?;
    Ok(Signed {
        resident: rows.iter().any(|r| r.kind == resident_kind()),
        organisations: rows.iter().filter_map(|r| r.organisation_id).collect(),
    })
}

/// Whom to tell a request's outcome: its author and those who signed online, with the
/// language of each (accounts that turned off e-mail about their own activity are left out).
pub async fn recipients(
    c: &impl ConnectionTrait,
    request: &Request,
) -> Result<Vec<(String, miasto_domain::Locale)>> {
    use crate::entities::users;
    use sea_orm::sea_query::Query;
    let signers = Query::select()
        .column(signatures::Column::UserId)
        .from(signatures::Entity)
        .and_where(signatures::Column::RequestId.eq(request.id))
        .and_where(signatures::Column::UserId.is_not_null())
        .to_owned();
    let mut who = Condition::any().add(users::Column::Id.in_subquery(signers));
    if let Some(author) = request.author {
        who = who.add(users::Column::Id.eq(author.0));
    }
    crate::accounts::notifiable(c, who).await
}

/// The requests an account signed online, newest signature first: for "My city".
pub async fn signed_requests(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<Request>> {
    use signatures::Column as S;
    let ids: Vec<Uuid> = signatures::Entity::find()
        .select_only()
        .column(S::RequestId)
        .filter(S::UserId.eq(user.0))
        .order_by_desc(S::SignedAt)
        .limit(limit)
        .into_tuple()
        .all(c)
        .await?;
    let mut rows = signature_requests::Entity::find()
        .filter(signature_requests::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    rows.dedup_by_key(|r| r.id);
    Ok(rows)
}

/// Accepts a request that collected enough signatures. Holds the row first (no signature or
/// other decision slips in), counts what counts, and refuses when it falls short or a
/// referendum's electorate is missing; `consultation` is the draft created from it in the
/// same transaction.
pub async fn accept(
    c: &impl crate::Savepoints,
    request: Uuid,
    by: UserId,
    consultation: Option<Uuid>,
) -> std::result::Result<(), RequestError> {
    use signature_requests::Column as R;
    let at = now();
    let savepoint = c.begin().await?;
    let result = async {
        hold(
            &savepoint,
            request,
            Condition::all().add(status_is(Status::Collecting)),
            at,
        )
        .await?;
        let r = get(&savepoint, request)
            .await?
            .ok_or(RequestError::Refused(Refusal::Decided))?;
        if r.purpose == Purpose::Referendum && r.needed.residents.is_none() {
            return Err(RequestError::Refused(Refusal::NoElectorate));
        }
        if !r.needed.met(progress(&savepoint, request).await?) {
            return Err(RequestError::Refused(Refusal::NotMet));
        }
        signature_requests::Entity::update_many()
            .col_expr(R::Status, Expr::value(Status::Accepted.as_str()))
            .col_expr(R::DecidedAt, Expr::value(at))
            .col_expr(R::DecidedBy, Expr::value(by.0))
            .col_expr(R::ConsultationId, Expr::value(consultation))
            .filter(R::Id.eq(request))
            .filter(status_is(Status::Collecting))
            .exec(&savepoint)
            .await?;
        Ok(())
    }
    .await;
    crate::settle(savepoint, result).await
}

/// Refuses a request not yet decided, with the reason published on its page.
pub async fn refuse(
    c: &impl ConnectionTrait,
    request: Uuid,
    by: UserId,
    reason: &str,
) -> std::result::Result<(), RequestError> {
    use signature_requests::Column as R;
    let done = signature_requests::Entity::update_many()
        .col_expr(R::Status, Expr::value(Status::Refused.as_str()))
        .col_expr(R::Reason, Expr::value(reason))
        .col_expr(R::DecidedAt, Expr::value(now()))
        .col_expr(R::DecidedBy, Expr::value(by.0))
        .filter(R::Id.eq(request))
        .filter(undecided())
        .exec(c)
        .await?;
    decided_unless(done.rows_affected)
}

/// How many requests wait for an official: submitted ones to check, and collecting ones whose
/// deadline passed.
pub async fn waiting_count(c: &impl ConnectionTrait) -> Result<u64> {
    use signature_requests::Column as R;
    Ok(signature_requests::Entity::find()
        .filter(
            Condition::any().add(status_is(Status::Submitted)).add(
                Condition::all()
                    .add(status_is(Status::Collecting))
                    .add(R::Deadline.lte(now())),
            ),
        )
        .count(c)
        .await?)
}

/// An organisation as linked to an account.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: Uuid,
    pub user: UserId,
    pub krs: String,
    pub name: String,
    pub status: OrganisationStatus,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn organisation_from_row(m: organisations::Model) -> Result<Organisation> {
    Ok(Organisation {
        status: OrganisationStatus::parse(&m.status).ok_or_else(|| StoreError::Corrupt {
            table: "organisations",
            detail: format!("{}: status", m.id),
        })?,
        id: m.id,
        user: UserId(m.user_id),
        krs: m.krs,
        name: m.name,
        reason: m.reason,
        created_at: m.created_at,
    })
}

/// An account claims to act for the organisation with this KRS number; staff verify it.
/// None when the account already claimed that number.
pub async fn link_organisation(
    c: &impl crate::Savepoints,
    user: UserId,
    krs: &Krs,
    name: &str,
) -> Result<Option<Organisation>> {
    let model = organisations::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.0),
        krs: Set(krs.as_str().to_owned()),
        name: Set(name.to_owned()),
        status: Set(OrganisationStatus::Pending.as_str().to_owned()),
        reason: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now()),
    };
    let savepoint = c.begin().await?;
    match model.insert(&savepoint).await {
        Ok(m) => {
            savepoint.commit().await?;
            organisation_from_row(m).map(Some)
        }
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            savepoint.rollback().await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn organisations_of(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<Organisation>> {
    organisations::Entity::find()
        .filter(organisations::Column::UserId.eq(user.0))
        .order_by_asc(organisations::Column::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(organisation_from_row)
        .collect()
}

pub async fn organisation(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<Organisation>> {
    organisations::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(organisation_from_row)
        .transpose()
}

/// Links waiting for staff, oldest first.
pub async fn pending_organisations(c: &impl ConnectionTrait) -> Result<Vec<Organisation>> {
    organisations::Entity::find()
        .filter(organisations::Column::Status.eq(OrganisationStatus::Pending.as_str()))
        .order_by_asc(organisations::Column::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(organisation_from_row)
        .collect()
}

/// Staff verify a pending link or refuse it with a reason; false when it was already decided.
pub async fn decide_organisation(
    c: &impl ConnectionTrait,
    id: Uuid,
    decision: std::result::Result<(), String>,
    by: UserId,
) -> Result<bool> {
    use organisations::Column as O;
    let (status, reason) = match decision {
        Ok(()) => (OrganisationStatus::Verified, None),
        Err(reason) => (OrganisationStatus::Refused, Some(reason)),
    };
    let done = organisations::Entity::update_many()
        .col_expr(O::Status, Expr::value(status.as_str()))
        .col_expr(O::Reason, Expr::value(reason))
        .col_expr(O::DecidedBy, Expr::value(by.0))
        .col_expr(O::DecidedAt, Expr::value(now()))
        .filter(O::Id.eq(id))
        .filter(O::Status.eq(OrganisationStatus::Pending.as_str()))
        .exec(c)
        .await?;
    Ok(done.rows_affected > 0)
}
