//! The counting commission's shares of the ballot key: their fingerprints stay for checking;
//! a share itself waits (sealed under the server secret) only until its member collects it,
//! once.

use super::*;

/// One share as the platform keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareSlot {
    pub number: u8,
    pub member: Option<UserId>,
    /// The share's fingerprint, to check a share against later.
    pub fingerprint: String,
    /// The member has not collected it yet.
    pub waiting: bool,
    pub collected_at: Option<DateTime<Utc>>,
}

pub async fn share_slots(c: &impl ConnectionTrait, edition: EditionId) -> Result<Vec<ShareSlot>> {
    Ok(budget_key_shares::Entity::find()
        .filter(budget_key_shares::Column::EditionId.eq(edition.0))
        .order_by_asc(budget_key_shares::Column::Number)
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

/// The (number, fingerprint) of every share issued, for checking shares as they are entered.
pub fn issued(slots: &[ShareSlot]) -> Vec<(u8, String)> {
    slots
        .iter()
        .map(|s| (s.number, s.fingerprint.clone()))
        .collect()
}

/// Hands `member` their share and erases it: Ok(None) when they have none waiting (never
/// had one, or collected it already — a share is shown once).
pub async fn collect_share(
    c: &impl ConnectionTrait,
    edition: EditionId,
    member: UserId,
    secret: &[u8],
) -> Result<Option<Share>> {
    let Some(row) = budget_key_shares::Entity::find()
        .filter(budget_key_shares::Column::EditionId.eq(edition.0))
        .filter(budget_key_shares::Column::MemberId.eq(member.0))
        .filter(budget_key_shares::Column::Wrapped.is_not_null())
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let number =
        u8::try_from(row.number).map_err(|_| corrupt("budget_key_shares", "number".into()))?;
    // Unsealed before it is erased: a server secret changed since would lose nothing.
    let share = Share::unwrap(
        secret,
        edition.0,
        number,
        row.wrapped.as_deref().unwrap_or_default(),
    )
    .ok_or_else(|| {
        corrupt(
            "budget_key_shares",
            "a share does not unseal with this server secret".into(),
        )
    })?;
    // Only the request that erases it gets it, however many arrive at once.
    let taken = budget_key_shares::Entity::update_many()
        .col_expr(
            budget_key_shares::Column::Wrapped,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .col_expr(budget_key_shares::Column::CollectedAt, Expr::value(now()))
        .filter(budget_key_shares::Column::EditionId.eq(edition.0))
        .filter(budget_key_shares::Column::Number.eq(row.number))
        .filter(budget_key_shares::Column::Wrapped.is_not_null())
        .exec(c)
        .await?
        .rows_affected
        == 1;
    Ok(taken.then_some(share))
}
