//! Casting a ballot: the voter's keyed identity hashes (one person, one ballot, whichever
//! route they take) and the sealed envelope, written together in one transaction, so nothing
//! acknowledged is lost and nothing readable is stored.

use super::*;
use miasto_domain::vote::{BallotContent, Channel, VoterKeys, envelope_mac};

/// One project marked on a ballot, with the points it gets (3/2/1 in Kraków).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Mark {
    pub pool: PoolId,
    pub project: ProjectId,
    pub points: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum CastError {
    #[error("this person or account has voted in this edition already")]
    AlreadyVoted,
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CastError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

impl From<BudgetError> for CastError {
    fn from(e: BudgetError) -> Self {
        match e {
            BudgetError::Refused(r) => Self::Refused(r),
            BudgetError::Store(e) => Self::Store(e),
        }
    }
}

/// The action a ballot of this channel is.
pub fn action_of(channel: Channel) -> Action {
    match channel {
        Channel::Online => Action::Vote,
        Channel::Counter => Action::CounterVote,
        Channel::Paper => Action::KeyPaper,
    }
}

/// Stores a checked ballot while its channel is open (and the envelopes are not opened):
/// the voter's keys (refused if either is known) and the ballot sealed to the edition's key
/// with the platform's signature, in one savepoint, so either all is stored or nothing.
pub async fn cast(
    c: &impl Savepoints,
    edition: &Edition,
    keys: &VoterKeys,
    user: Option<UserId>,
    channel: Channel,
    marks: &[Mark],
    secret: &[u8],
) -> Result<(), CastError> {
    let Some(key) = &edition.ballot_key else {
        return Err(CastError::Refused(Refusal::NoKey));
    };
    let savepoint = c.begin().await?;
    let result = async {
        guard(
            &savepoint,
            edition.id,
            action_of(channel),
            Condition::all()
                .add(budget_editions::Column::BallotKey.is_not_null())
                .add(budget_editions::Column::OpenedAt.is_null()),
            Hold::Shared,
        )
        .await?;
        let envelope = key.seal(&BallotContent {
            channel,
            marks: marks.iter().map(|m| (m.project.0, m.points)).collect(),
        });
        insert_ballot(&savepoint, edition.id, keys, user, envelope, secret).await
    }
    .await;
    crate::settle(savepoint, result).await
}

async fn insert_voter(
    c: &impl ConnectionTrait,
    edition: EditionId,
    hash: &str,
    user: Option<UserId>,
    alias: bool,
) -> Result<(), CastError> {
    let voter = budget_voters::ActiveModel {
        edition_id: Set(edition.0),
        identity_hash: Set(hash.to_owned()),
        user_id: Set(user.map(|u| u.0)),
        alias: Set(alias),
        // The day only, and only for the account's own "My city": ballots carry no time.
        voted_on: Set(user.map(|_| crate::today())),
    };
    match budget_voters::Entity::insert(voter)
        .exec_without_returning(c)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(CastError::AlreadyVoted)
        }
        Err(e) => Err(e.into()),
    }
}

async fn insert_ballot(
    c: &impl ConnectionTrait,
    edition: EditionId,
    keys: &VoterKeys,
    user: Option<UserId>,
    envelope: Vec<u8>,
    secret: &[u8],
) -> Result<(), CastError> {
    insert_voter(c, edition, &keys.primary, user, false).await?;
    if let Some(alias) = &keys.alias {
        insert_voter(c, edition, alias, None, true).await?;
    }
    let mac = envelope_mac(secret, edition.0, &envelope);
    budget_envelopes::Entity::insert(budget_envelopes::ActiveModel {
        id: Set(Uuid::new_v4()),
        edition_id: Set(edition.0),
        sealed: Set(envelope),
        mac: Set(mac),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The editions the account voted in online, with the day (never how).
pub async fn votes_of(
    c: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<(EditionId, Option<chrono::NaiveDate>)>> {
    Ok(budget_voters::Entity::find()
        .filter(budget_voters::Column::UserId.eq(user.0))
        .all(c)
        .await?
        .into_iter()
        .map(|v| (EditionId(v.edition_id), v.voted_on))
        .collect())
}

/// Whether the account has voted in the edition (never how).
pub async fn has_voted(c: &impl ConnectionTrait, edition: EditionId, user: UserId) -> Result<bool> {
    Ok(budget_voters::Entity::find()
        .filter(budget_voters::Column::EditionId.eq(edition.0))
        .filter(budget_voters::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .is_some())
}

/// Whether a ballot was stored for this person, by either of their keys.
pub async fn identity_voted(
    c: &impl ConnectionTrait,
    edition: EditionId,
    keys: &VoterKeys,
) -> Result<bool> {
    let mut hashes = vec![keys.primary.clone()];
    hashes.extend(keys.alias.clone());
    Ok(budget_voters::Entity::find()
        .filter(budget_voters::Column::EditionId.eq(edition.0))
        .filter(budget_voters::Column::IdentityHash.is_in(hashes))
        .one(c)
        .await?
        .is_some())
}

/// People who voted (their alias rows left out): during voting, the number of envelopes.
pub async fn voter_count(c: &impl ConnectionTrait, edition: EditionId) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(budget_voters::Entity::find()
        .filter(budget_voters::Column::EditionId.eq(edition.0))
        .filter(budget_voters::Column::Alias.eq(false))
        .count(c)
        .await?)
}

/// Sealed ballots waiting for the count.
pub async fn envelope_count(c: &impl ConnectionTrait, edition: EditionId) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(budget_envelopes::Entity::find()
        .filter(budget_envelopes::Column::EditionId.eq(edition.0))
        .count(c)
        .await?)
}

/// Opened ballots, per channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub online: u64,
    pub paper: u64,
    pub counter: u64,
}

impl Totals {
    pub fn all(&self) -> u64 {
        self.online + self.paper + self.counter
    }

    /// From `(channel, count)` rows.
    pub(super) fn from_rows(rows: &[(String, i64)]) -> Self {
        let get = |ch: Channel| {
            rows.iter()
                .find(|(c, _)| c == ch.as_str())
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
        };
        Self {
            online: get(Channel::Online),
            paper: get(Channel::Paper),
            counter: get(Channel::Counter),
        }
    }
}

/// Ballots opened by the count, per channel (none before the count: envelopes are not
/// ballots yet).
pub async fn ballot_totals(c: &impl ConnectionTrait, edition: EditionId) -> Result<Totals> {
    let rows: Vec<(String, i64)> = budget_ballots::Entity::find()
        .select_only()
        .column(budget_ballots::Column::Channel)
        .column_as(Expr::col(budget_ballots::Column::Id).count(), "n")
        .filter(budget_ballots::Column::EditionId.eq(edition.0))
        .group_by(budget_ballots::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    Ok(Totals::from_rows(&rows))
}
