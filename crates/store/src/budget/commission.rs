//! The counting commission's shares of the ballot key, kept in the edition's ballot box: their
//! fingerprints stay for checking; a share itself waits (sealed under the server secret) only
//! until its member collects it, once.

use super::*;
pub use crate::ballot_box::ShareSlot;

pub async fn share_slots(c: &impl ConnectionTrait, edition: EditionId) -> Result<Vec<ShareSlot>> {
    crate::ballot_box::share_slots(c, edition.0).await
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
    crate::ballot_box::collect_share(c, edition.0, member, secret).await
}
