//! Casting a ballot into the edition's ballot box ([`crate::ballot_box`]): the voter's keyed
//! identity hashes (one person, one ballot, whichever route they take) and the sealed
//! envelope, written together in one transaction, so nothing acknowledged is lost and nothing
//! readable is stored.

use super::*;
use miasto_domain::vote::{BallotContent, Channel, VoterKeys};

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
        let content = BallotContent {
            channel,
            marks: marks.iter().map(|m| (m.project.0, m.points)).collect(),
        };
        crate::ballot_box::cast(&savepoint, edition.id.0, key, keys, user, &content, secret)
            .await
            .map_err(|e| match e {
                crate::ballot_box::CastError::AlreadyVoted => CastError::AlreadyVoted,
                crate::ballot_box::CastError::Store(e) => CastError::Store(e),
            })
    }
    .await;
    crate::settle(savepoint, result).await
}

/// The editions the account voted in online, with the day (never how).
pub async fn votes_of(
    c: &impl ConnectionTrait,
    user: UserId,
) -> Result<Vec<(EditionId, Option<chrono::NaiveDate>)>> {
    Ok(crate::ballot_box::votes_of(c, user)
        .await?
        .into_iter()
        .map(|(id, day)| (EditionId(id), day))
        .collect())
}

/// Whether the account has voted in the edition (never how).
pub async fn has_voted(c: &impl ConnectionTrait, edition: EditionId, user: UserId) -> Result<bool> {
    crate::ballot_box::has_voted(c, edition.0, user).await
}

/// Whether a ballot was stored for this person, by either of their keys.
pub async fn identity_voted(
    c: &impl ConnectionTrait,
    edition: EditionId,
    keys: &VoterKeys,
) -> Result<bool> {
    crate::ballot_box::identity_voted(c, edition.0, keys).await
}

/// People who voted (their alias rows left out): during voting, the number of envelopes.
pub async fn voter_count(c: &impl ConnectionTrait, edition: EditionId) -> Result<u64> {
    crate::ballot_box::voter_count(c, edition.0).await
}

/// Sealed ballots waiting for the count.
pub async fn envelope_count(c: &impl ConnectionTrait, edition: EditionId) -> Result<u64> {
    crate::ballot_box::envelope_count(c, edition.0).await
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
