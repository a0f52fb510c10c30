//! The secret vote's storage, shared by every area that holds one (the citizens' budget and
//! district referenda): a **ballot box** is identified by the uuid of what votes into it (an
//! edition, a referendum). Built from the `miasto_domain::vote` pieces:
//! - voters only as keyed hashes of their identity (one ballot per person by either route,
//!   and one per account — a unique index each);
//! - the choices sealed to the box's key when cast, with the platform's signature, in the
//!   voter's transaction; no time is stored with an envelope;
//! - the private key never stored: split among the commission, each share sealed under the
//!   server secret only until its member collects it, once;
//! - paper sheets typed twice by different people, compared by keyed hashes only;
//! - opening: the shares put the key together in memory, every envelope is checked and opened,
//!   the contents come back shuffled and the envelopes are deleted in the caller's transaction.
//!
//! The area holds its own row (its phase) before calling in here: these functions check only
//! what belongs to the box.

use crate::entities::{
    ballot_box_envelopes as envelopes, ballot_box_paper as paper, ballot_box_shares as shares,
    ballot_box_voters as voters,
};
use crate::{Result, Savepoints, StoreError, now};
use miasto_domain::UserId;
use miasto_domain::vote::shares::Share;
use miasto_domain::vote::{
    BallotContent, BallotKey, OpeningKey, VoterKeys, envelope_mac, keyed_hex, shares as sss,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, SqlErr,
};
use uuid::Uuid;

/// One share as the platform keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareSlot {
    pub number: u8,
    pub member: Option<UserId>,
    /// The share's fingerprint, to check a share against later.
    pub fingerprint: String,
    /// The member has not collected it yet.
    pub waiting: bool,
    pub collected_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What became of one keying of a paper sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keying {
    /// First keying: waits for a second by someone else.
    Waiting,
    /// Agrees with an earlier keying: the ballot is sealed and stored.
    Counted,
    /// Disagrees: the sheet goes to the mismatch queue for a further keying.
    Mismatch,
    /// Agrees, but this person has voted already: the sheet is refused.
    AlreadyVoted,
    /// The same person keyed this sheet before; a second keying needs someone else.
    SameKeyer,
    /// The sheet was settled before (counted, refused or not entered).
    Settled,
}

impl Keying {
    pub const ALL: [Self; 6] = [
        Self::Waiting,
        Self::Counted,
        Self::Mismatch,
        Self::AlreadyVoted,
        Self::SameKeyer,
        Self::Settled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Counted => "counted",
            Self::Mismatch => "mismatch",
            Self::AlreadyVoted => "refused",
            Self::SameKeyer => "same-keyer",
            Self::Settled => "settled",
        }
    }
}

/// A sheet whose keyings disagree, or which waits for its second keying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSheet {
    pub number: String,
    pub point: String,
    pub keyings: u32,
    pub mismatch: bool,
    pub first_keyed_at: chrono::DateTime<chrono::Utc>,
}

/// Why a ballot was not stored.
#[derive(Debug, thiserror::Error)]
pub enum CastError {
    #[error("this person or account has voted already")]
    AlreadyVoted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CastError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Makes a box's key: the public half is returned (to store with the area's row), the
/// private half is split among the commission (`threshold` of them open it) and dropped; each
/// member's share waits sealed under `secret` until they collect it. A member `None` gets no
/// waiting share (the caller hands out the returned shares itself).
pub async fn make_key(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    threshold: u8,
    members: &[Option<UserId>],
    secret: &[u8],
) -> Result<(BallotKey, Vec<Share>)> {
    let key = OpeningKey::generate();
    let n = u8::try_from(members.len()).unwrap_or(u8::MAX);
    let split = sss::split(&key, threshold, n);
    let public = key.public();
    drop(key);
    for (share, member) in split.iter().zip(members) {
        shares::ActiveModel {
            box_id: Set(ballot_box),
            number: Set(i32::from(share.x)),
            member_id: Set(member.map(|m| m.0)),
            fingerprint: Set(share.fingerprint()),
            wrapped: Set(member.map(|_| share.wrap(secret, ballot_box))),
            collected_at: Set(None),
        }
        .insert(c)
        .await?;
    }
    Ok((public, split))
}

async fn insert_voter(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    hash: &str,
    user: Option<UserId>,
    alias: bool,
) -> std::result::Result<(), CastError> {
    let row = voters::ActiveModel {
        box_id: Set(ballot_box),
        identity_hash: Set(hash.to_owned()),
        user_id: Set(user.map(|u| u.0)),
        alias: Set(alias),
        // The day only, for the account's own "My city"; ballots carry no time.
        voted_on: Set(user.map(|_| crate::today())),
    };
    match voters::Entity::insert(row).exec_without_returning(c).await {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(CastError::AlreadyVoted)
        }
        Err(e) => Err(e.into()),
    }
}

/// Stores one ballot: the voter's keys (refused when either is known, or the account voted)
/// and the content sealed to `key` with the platform's signature, in a savepoint of its own
/// (a refusal leaves nothing behind and the caller's transaction usable). Call it holding the
/// area's row.
pub async fn cast(
    c: &impl Savepoints,
    ballot_box: Uuid,
    key: &BallotKey,
    keys: &VoterKeys,
    user: Option<UserId>,
    content: &BallotContent,
    secret: &[u8],
) -> std::result::Result<(), CastError> {
    let savepoint = c.begin().await?;
    let result = async {
        insert_voter(&savepoint, ballot_box, &keys.primary, user, false).await?;
        if let Some(alias) = &keys.alias {
            insert_voter(&savepoint, ballot_box, alias, None, true).await?;
        }
        let sealed = key.seal(content);
        let mac = envelope_mac(secret, ballot_box, &sealed);
        envelopes::Entity::insert(envelopes::ActiveModel {
            id: Set(Uuid::new_v4()),
            box_id: Set(ballot_box),
            sealed: Set(sealed),
            mac: Set(mac),
        })
        .exec_without_returning(&savepoint)
        .await?;
        Ok(())
    }
    .await;
    crate::settle(savepoint, result).await
}

/// Whether the account has voted (never how).
pub async fn has_voted(c: &impl ConnectionTrait, ballot_box: Uuid, user: UserId) -> Result<bool> {
    Ok(voters::Entity::find()
        .filter(voters::Column::BoxId.eq(ballot_box))
        .filter(voters::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .is_some())
}

/// The boxes the account voted in, with the day.
pub async fn votes_of(
    c: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<(Uuid, Option<chrono::NaiveDate>)>> {
    Ok(voters::Entity::find()
        .filter(voters::Column::UserId.eq(user.0))
        .all(c)
        .await?
        .into_iter()
        .map(|v| (v.box_id, v.voted_on))
        .collect())
}

/// People who voted (alias rows left out).
pub async fn voter_count(c: &impl ConnectionTrait, ballot_box: Uuid) -> Result<u64> {
    Ok(voters::Entity::find()
        .filter(voters::Column::BoxId.eq(ballot_box))
        .filter(voters::Column::Alias.eq(false))
        .count(c)
        .await?)
}

/// Whether a ballot was stored for this person, by either of their keys.
pub async fn identity_voted(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    keys: &VoterKeys,
) -> Result<bool> {
    let mut hashes = vec![keys.primary.clone()];
    hashes.extend(keys.alias.clone());
    Ok(voters::Entity::find()
        .filter(voters::Column::BoxId.eq(ballot_box))
        .filter(voters::Column::IdentityHash.is_in(hashes))
        .one(c)
        .await?
        .is_some())
}

/// Sealed ballots waiting for the count.
pub async fn envelope_count(c: &impl ConnectionTrait, ballot_box: Uuid) -> Result<u64> {
    Ok(envelopes::Entity::find()
        .filter(envelopes::Column::BoxId.eq(ballot_box))
        .count(c)
        .await?)
}

/// The box's envelopes, in the order they were stored (callers shuffle).
pub(crate) async fn envelopes(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
) -> Result<Vec<envelopes::Model>> {
    Ok(envelopes::Entity::find()
        .filter(envelopes::Column::BoxId.eq(ballot_box))
        .all(c)
        .await?)
}

/// Deletes the box's envelopes (once opened) and closes the paper sheets still open: they
/// forget who and what, and stay only as a number per voting point.
pub(crate) async fn empty(c: &impl ConnectionTrait, ballot_box: Uuid) -> Result<()> {
    envelopes::Entity::delete_many()
        .filter(envelopes::Column::BoxId.eq(ballot_box))
        .exec(c)
        .await?;
    paper::Entity::update_many()
        .col_expr(
            paper::Column::IdentityHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(paper::Column::Content, Expr::value(Option::<String>::None))
        .col_expr(paper::Column::Status, Expr::value(NOT_ENTERED))
        .filter(paper::Column::BoxId.eq(ballot_box))
        .filter(paper::Column::Status.is_in(OPEN))
        .exec(c)
        .await?;
    Ok(())
}

/// A subquery of the box's envelope ids (for "none left" conditions).
pub(crate) fn envelope_ids(ballot_box: Uuid) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(envelopes::Column::Id)
        .from(envelopes::Entity)
        .and_where(envelopes::Column::BoxId.eq(ballot_box))
        .to_owned()
}

pub async fn share_slots(c: &impl ConnectionTrait, ballot_box: Uuid) -> Result<Vec<ShareSlot>> {
    Ok(shares::Entity::find()
        .filter(shares::Column::BoxId.eq(ballot_box))
        .order_by_asc(shares::Column::Number)
        .all(c)
        .await?
        .into_iter()
        .map(|m| ShareSlot {
            number: u8::try_from(m.number).unwrap_or_default(),
            member: m.member_id.map(UserId),
            fingerprint: m.fingerprint,
            waiting: m.wrapped.is_some(),
            collected_at: m.collected_at,
        })
        .collect())
}

fn corrupt(detail: &str) -> StoreError {
    StoreError::Corrupt {
        table: "ballot_box_shares",
        detail: detail.to_owned(),
    }
}

/// Hands `member` their share and erases it: None when none waits (never had one, or
/// collected it already — a share is shown once, to the one request that erases it).
pub async fn collect_share(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    member: UserId,
    secret: &[u8],
) -> Result<Option<Share>> {
    let Some(row) = shares::Entity::find()
        .filter(shares::Column::BoxId.eq(ballot_box))
        .filter(shares::Column::MemberId.eq(member.0))
        .filter(shares::Column::Wrapped.is_not_null())
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let number = u8::try_from(row.number).map_err(|_| corrupt("number"))?;
    let share = Share::unwrap(
        secret,
        ballot_box,
        number,
        row.wrapped.as_deref().unwrap_or_default(),
    )
    .ok_or_else(|| corrupt("a share does not unseal with this server secret"))?;
    let taken = shares::Entity::update_many()
        .col_expr(
            shares::Column::Wrapped,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .col_expr(shares::Column::CollectedAt, Expr::value(now()))
        .filter(shares::Column::BoxId.eq(ballot_box))
        .filter(shares::Column::Number.eq(row.number))
        .filter(shares::Column::Wrapped.is_not_null())
        .exec(c)
        .await?
        .rows_affected
        == 1;
    Ok(taken.then_some(share))
}

/// Why the envelopes were not opened; nothing is changed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the shares do not open the key: {}", .0.code())]
    Shares(sss::ShareError),
    /// An envelope the platform did not sign, or that does not open with the key.
    #[error("envelope {index} is not a ballot of this box ({why})")]
    Envelope { index: usize, why: &'static str },
    #[error("{voters} voters but {envelopes} envelopes")]
    Mismatch { voters: u64, envelopes: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for OpenError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Puts the key together from the shares as typed (each checked against those issued).
pub async fn opening_key(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    key: &BallotKey,
    threshold: u8,
    entries: &[&str],
) -> std::result::Result<OpeningKey, OpenError> {
    let issued: Vec<(u8, String)> = share_slots(c, ballot_box)
        .await?
        .into_iter()
        .map(|s| (s.number, s.fingerprint))
        .collect();
    sss::combine(entries, key, threshold, &issued).map_err(OpenError::Shares)
}

/// Opens every envelope of the box (the platform's signature checked first, one envelope per
/// voter recorded), deletes them and closes the paper sheets still open; the contents come
/// back in random order. Run it in the caller's transaction, holding the area's row.
pub async fn open(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    key: &OpeningKey,
    secret: &[u8],
) -> std::result::Result<Vec<BallotContent>, OpenError> {
    let rows = envelopes(c, ballot_box).await?;
    let voters = voter_count(c, ballot_box).await?;
    let count = u64::try_from(rows.len()).unwrap_or(u64::MAX);
    if voters != count {
        return Err(OpenError::Mismatch {
            voters,
            envelopes: count,
        });
    }
    let mut contents = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        if envelope_mac(secret, ballot_box, &row.sealed) != row.mac {
            return Err(OpenError::Envelope {
                index,
                why: "not signed by the platform",
            });
        }
        let content = key.open(&row.sealed).map_err(|_| OpenError::Envelope {
            index,
            why: "does not open with the key",
        })?;
        contents.push(content);
    }
    {
        use rand::seq::SliceRandom;
        contents.shuffle(&mut rand::rng());
    }
    empty(c, ballot_box).await?;
    Ok(contents)
}

const OPEN: [&str; 2] = ["waiting", "mismatch"];
const NOT_ENTERED: &str = "not-entered";

/// A paper sheet as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub number: String,
    pub point: String,
    pub keys: VoterKeys,
    pub content: BallotContent,
}

impl Sheet {
    /// Keyed hashes of who and what the sheet says, to compare keyings without keeping either.
    fn hashes(&self, secret: &[u8], ballot_box: Uuid) -> (String, String) {
        let mut marks = self.content.marks.clone();
        marks.sort();
        let mut content = Vec::with_capacity(marks.len() * 18);
        for (id, answer) in &marks {
            content.extend_from_slice(id.as_bytes());
            content.extend_from_slice(&answer.to_be_bytes());
        }
        let scope = [ballot_box.as_bytes().as_slice(), self.number.as_bytes()];
        let who = keyed_hex(
            secret,
            &[
                b"paper-voter",
                scope[0],
                scope[1],
                self.keys.primary.as_bytes(),
                self.keys.alias.as_deref().unwrap_or_default().as_bytes(),
            ],
        );
        let what = keyed_hex(secret, &[b"paper-choices", scope[0], scope[1], &content]);
        (who, what)
    }
}

/// Records one keying of a paper sheet. The second keying, by someone else, that agrees with
/// an earlier one casts the ballot (channel paper) and erases the hashes of every keying of the
/// sheet; one that disagrees sends the sheet to the mismatch queue. Call it holding the area's
/// row exclusively, inside a savepoint.
pub async fn key_sheet(
    c: &impl Savepoints,
    ballot_box: Uuid,
    key: &BallotKey,
    sheet: &Sheet,
    by: UserId,
    secret: &[u8],
) -> Result<Keying> {
    let earlier = paper::Entity::find()
        .filter(paper::Column::BoxId.eq(ballot_box))
        .filter(paper::Column::Sheet.eq(sheet.number.as_str()))
        .all(c)
        .await?;
    if earlier.iter().any(|e| !OPEN.contains(&e.status.as_str())) {
        return Ok(Keying::Settled);
    }
    if earlier.iter().any(|e| e.keyed_by == Some(by.0)) {
        return Ok(Keying::SameKeyer);
    }
    let (who, what) = sheet.hashes(secret, ballot_box);
    let agrees = earlier.iter().any(|e| {
        e.content.as_deref() == Some(what.as_str()) && e.identity_hash.as_deref() == Some(&who)
    });
    let status = if agrees {
        match cast(
            c,
            ballot_box,
            key,
            &sheet.keys,
            None,
            &sheet.content,
            secret,
        )
        .await
        {
            Ok(()) => Keying::Counted,
            Err(CastError::AlreadyVoted) => Keying::AlreadyVoted,
            Err(CastError::Store(e)) => return Err(e),
        }
    } else if earlier.is_empty() {
        Keying::Waiting
    } else {
        Keying::Mismatch
    };
    let settled = matches!(status, Keying::Counted | Keying::AlreadyVoted);
    paper::ActiveModel {
        id: Set(Uuid::now_v7()),
        box_id: Set(ballot_box),
        sheet: Set(sheet.number.clone()),
        point: Set(sheet.point.clone()),
        keyed_by: Set(Some(by.0)),
        keyed_at: Set(now()),
        identity_hash: Set((!settled).then_some(who)),
        content: Set((!settled).then_some(what)),
        status: Set(status.as_str().to_owned()),
        resolved_by: Set(None),
    }
    .insert(c)
    .await?;
    if !earlier.is_empty() {
        let mut update = paper::Entity::update_many()
            .col_expr(paper::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                paper::Column::ResolvedBy,
                Expr::value(settled.then_some(by.0)),
            );
        if settled {
            update = update
                .col_expr(
                    paper::Column::IdentityHash,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(paper::Column::Content, Expr::value(Option::<String>::None));
        }
        update
            .filter(paper::Column::BoxId.eq(ballot_box))
            .filter(paper::Column::Sheet.eq(sheet.number.as_str()))
            .exec(c)
            .await?;
    }
    Ok(status)
}

/// Sheets still open: mismatches first, then those waiting, oldest first.
pub async fn open_sheets(c: &impl ConnectionTrait, ballot_box: Uuid) -> Result<Vec<OpenSheet>> {
    let rows = paper::Entity::find()
        .filter(paper::Column::BoxId.eq(ballot_box))
        .filter(paper::Column::Status.is_in(OPEN))
        .order_by_asc(paper::Column::KeyedAt)
        .all(c)
        .await?;
    let mut sheets: Vec<OpenSheet> = Vec::new();
    for row in rows {
        if let Some(s) = sheets.iter_mut().find(|s| s.number == row.sheet) {
            s.keyings += 1;
            s.mismatch |= row.status == "mismatch";
        } else {
            sheets.push(OpenSheet {
                number: row.sheet,
                point: row.point,
                keyings: 1,
                mismatch: row.status == "mismatch",
                first_keyed_at: row.keyed_at,
            });
        }
    }
    sheets.sort_by_key(|s| (!s.mismatch, s.first_keyed_at));
    Ok(sheets)
}

/// Sheets settled so far: (sealed and stored, refused because the person had voted).
pub async fn settled_sheets(c: &impl ConnectionTrait, ballot_box: Uuid) -> Result<(u64, u64)> {
    let rows = sheets_by(c, ballot_box, paper::Column::Status, None).await?;
    let get = |k: &str| {
        rows.iter()
            .find(|(s, _)| s == k)
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    Ok((
        get(Keying::Counted.as_str()),
        get(Keying::AlreadyVoted.as_str()),
    ))
}

/// Sheets not entered before the count, per voting point (for the results' report).
pub async fn sheets_not_entered(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
) -> Result<Vec<(String, u64)>> {
    let rows = sheets_by(c, ballot_box, paper::Column::Point, Some(NOT_ENTERED)).await?;
    Ok(rows
        .into_iter()
        .map(|(p, n)| (p, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Distinct sheets per value of `column` (of those with `status`, when given).
async fn sheets_by(
    c: &impl ConnectionTrait,
    ballot_box: Uuid,
    column: paper::Column,
    status: Option<&str>,
) -> Result<Vec<(String, i64)>> {
    use sea_orm::QuerySelect;
    let mut q = paper::Entity::find()
        .select_only()
        .column(column)
        .column_as(Expr::col(paper::Column::Sheet).count_distinct(), "n")
        .filter(paper::Column::BoxId.eq(ballot_box));
    if let Some(status) = status {
        q = q.filter(paper::Column::Status.eq(status));
    }
    Ok(q.group_by(column)
        .order_by_asc(column)
        .into_tuple()
        .all(c)
        .await?)
}
