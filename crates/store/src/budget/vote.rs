//! The secret ballot: the voter's keyed identity hash and the ballot, written together but
//! sharing no key (see the parent module and migration 9).

use super::*;

/// Who a voter is, as far as "one person, one ballot" needs.
#[derive(Debug, Clone)]
pub enum Identity {
    Pesel(Pesel),
    /// A resident without a PESEL: date of birth and full name, with a declaration.
    Declared {
        born: NaiveDate,
        name: String,
    },
}

impl Identity {
    /// The keyed hash stored in place of the identity: HMAC-SHA256 under the server secret,
    /// per edition (so the same person's rows in two editions do not match), of the PESEL or
    /// of the date of birth and the name with case and spacing folded.
    pub fn hash(&self, secret: &[u8], edition: Uuid) -> String {
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"budget-voter\0");
        mac.update(edition.as_bytes());
        match self {
            Self::Pesel(p) => {
                mac.update(b"pesel\0");
                mac.update(p.as_digits().as_bytes());
            }
            Self::Declared { born, name } => {
                let folded = name
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
                    .join(" ");
                mac.update(b"declared\0");
                mac.update(born.to_string().as_bytes());
                mac.update(b"\0");
                mac.update(folded.as_bytes());
            }
        }
        crate::hex(&mac.finalize().into_bytes())
    }

    pub fn birth_date(&self) -> NaiveDate {
        match self {
            Self::Pesel(p) => p.birth_date(),
            Self::Declared { born, .. } => *born,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Online,
    Paper,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Paper => "paper",
        }
    }
}

/// One project marked on a ballot, with the points it gets (3/2/1 in Kraków).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Mark {
    pub pool: Uuid,
    pub project: Uuid,
    pub points: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum CastError {
    #[error("this person or account has voted in this edition already")]
    AlreadyVoted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CastError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Stores a checked ballot: the voter's hash (refused if present) and the ballot with a
/// random id and the day only, in one savepoint, so either both are stored or neither.
pub async fn cast(
    c: &impl Savepoints,
    edition: Uuid,
    identity_hash: &str,
    user: Option<UserId>,
    channel: Channel,
    day: NaiveDate,
    marks: &[Mark],
) -> Result<(), CastError> {
    let savepoint = c.begin().await?;
    let result = insert_ballot(
        &savepoint,
        edition,
        identity_hash,
        user,
        channel,
        day,
        marks,
    )
    .await;
    crate::settle(savepoint, result).await
}

async fn insert_ballot(
    c: &impl ConnectionTrait,
    edition: Uuid,
    identity_hash: &str,
    user: Option<UserId>,
    channel: Channel,
    day: NaiveDate,
    marks: &[Mark],
) -> Result<(), CastError> {
    let voter = budget_voters::ActiveModel {
        edition_id: Set(edition),
        identity_hash: Set(identity_hash.to_owned()),
        user_id: Set(user.map(|u| u.0)),
    };
    if let Err(e) = budget_voters::Entity::insert(voter)
        .exec_without_returning(c)
        .await
    {
        return Err(
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                CastError::AlreadyVoted
            } else {
                e.into()
            },
        );
    }
    let ballot = Uuid::new_v4();
    budget_ballots::Entity::insert(budget_ballots::ActiveModel {
        id: Set(ballot),
        edition_id: Set(edition),
        channel: Set(channel.as_str().to_owned()),
        cast_on: Set(day),
    })
    .exec_without_returning(c)
    .await?;
    budget_ballot_choices::Entity::insert_many(marks.iter().map(|m| {
        budget_ballot_choices::ActiveModel {
            ballot_id: Set(ballot),
            project_id: Set(m.project),
            pool_id: Set(m.pool),
            points: Set(i32::from(m.points)),
        }
    }))
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Whether the account has voted in the edition (never how).
pub async fn has_voted(c: &impl ConnectionTrait, edition: Uuid, user: UserId) -> Result<bool> {
    Ok(budget_voters::Entity::find()
        .filter(budget_voters::Column::EditionId.eq(edition))
        .filter(budget_voters::Column::UserId.eq(user.0))
        .one(c)
        .await?
        .is_some())
}

/// Whether a ballot was stored for this identity hash.
pub async fn identity_voted(
    c: &impl ConnectionTrait,
    edition: Uuid,
    identity_hash: &str,
) -> Result<bool> {
    Ok(
        budget_voters::Entity::find_by_id((edition, identity_hash.to_owned()))
            .one(c)
            .await?
            .is_some(),
    )
}

/// Ballots stored so far: (online, paper).
pub async fn ballot_totals(c: &impl ConnectionTrait, edition: Uuid) -> Result<(u64, u64)> {
    let rows: Vec<(String, i64)> = budget_ballots::Entity::find()
        .select_only()
        .column(budget_ballots::Column::Channel)
        .column_as(Expr::col(budget_ballots::Column::Id).count(), "n")
        .filter(budget_ballots::Column::EditionId.eq(edition))
        .group_by(budget_ballots::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    Ok(by_channel(&rows))
}

/// (online, paper) from `(channel, count)` rows.
pub(super) fn by_channel(rows: &[(String, i64)]) -> (u64, u64) {
    let get = |ch: Channel| {
        rows.iter()
            .find(|(c, _)| c == ch.as_str())
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    (get(Channel::Online), get(Channel::Paper))
}
