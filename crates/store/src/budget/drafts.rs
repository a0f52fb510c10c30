//! A ballot being filled in ([`Selection`]), kept under the voter's session so choosing
//! projects works without JavaScript. Sealed (XSalsa20-Poly1305) with a key derived from the
//! session's cookie token, which the database never holds: someone with a backup sees that a
//! session has a draft, never what is in it. The row goes with the session (foreign key,
//! cascade), and is deleted in the transaction that casts the ballot.

use crate::entities::ballot_drafts;
use crate::{Result, now};
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use miasto_domain::EditionId;
use miasto_domain::budget::selection::Selection;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The key sealing a session's drafts (from its cookie token; see `web::context`).
pub struct DraftKey(pub [u8; 32]);

impl std::fmt::Debug for DraftKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DraftKey(…)")
    }
}

fn cipher(key: &DraftKey) -> XSalsa20Poly1305 {
    XSalsa20Poly1305::new(Key::from_slice(&key.0))
}

/// The session's draft for the edition; empty when there is none or it cannot be opened
/// (another key: a draft never leaks into another session).
pub async fn load(
    c: &impl ConnectionTrait,
    session: &str,
    edition: EditionId,
    key: &DraftKey,
) -> Result<Selection> {
    let Some(row) = ballot_drafts::Entity::find_by_id((session.to_owned(), edition.0))
        .one(c)
        .await?
    else {
        return Ok(Selection::default());
    };
    if row.nonce.len() != 24 {
        return Ok(Selection::default());
    }
    let opened = cipher(key)
        .decrypt(Nonce::from_slice(&row.nonce), row.sealed.as_slice())
        .ok()
        .and_then(|plain| serde_json::from_slice(&plain).ok());
    Ok(opened.unwrap_or_default())
}

/// Keeps the draft (replacing the one before).
pub async fn save(
    c: &impl ConnectionTrait,
    session: &str,
    edition: EditionId,
    key: &DraftKey,
    selection: &Selection,
) -> Result<()> {
    let nonce: [u8; 24] = rand::random();
    let plain = serde_json::to_vec(selection).map_err(|e| crate::StoreError::Corrupt {
        table: "ballot_drafts",
        detail: e.to_string(),
    })?;
    let sealed = cipher(key)
        .encrypt(Nonce::from_slice(&nonce), plain.as_slice())
        .map_err(|_| crate::StoreError::Corrupt {
            table: "ballot_drafts",
            detail: "sealing failed".into(),
        })?;
    ballot_drafts::Entity::insert(ballot_drafts::ActiveModel {
        session_id: Set(session.to_owned()),
        edition_id: Set(edition.0),
        nonce: Set(nonce.to_vec()),
        sealed: Set(sealed),
        updated_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([
            ballot_drafts::Column::SessionId,
            ballot_drafts::Column::EditionId,
        ])
        .update_columns([
            ballot_drafts::Column::Nonce,
            ballot_drafts::Column::Sealed,
            ballot_drafts::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Forgets the session's draft (cast, or started over).
pub async fn forget(c: &impl ConnectionTrait, session: &str, edition: EditionId) -> Result<()> {
    ballot_drafts::Entity::delete_many()
        .filter(ballot_drafts::Column::SessionId.eq(session))
        .filter(ballot_drafts::Column::EditionId.eq(edition.0))
        .exec(c)
        .await?;
    Ok(())
}
