//! Idempotency keys for create forms. Each rendered form carries a random key; the handler
//! claims it in the same transaction as the creation, so a double-click (or a resent POST)
//! creates once and the repeat is recognised. Keys are kept a day.

use crate::entities::form_keys;
use crate::{Result, now, token_hash};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// A new random key for a form.
pub fn new_key() -> String {
    crate::new_token().0
}

/// Claims `key` for `scope`. `true` the first time; `false` if this form was already
/// submitted (and that submission committed). Keys that are not 64 hex digits are ignored
/// (always `true`), so a form without one still works.
pub async fn claim(c: &impl ConnectionTrait, scope: &str, key: &str) -> Result<bool> {
    let key = key.trim();
    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(true);
    }
    let inserted = form_keys::Entity::insert(form_keys::ActiveModel {
        key: Set(token_hash(&format!("{scope}:{key}"))),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(form_keys::Column::Key)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(inserted == 1)
}

/// Forgets keys older than a day; run by the worker.
pub async fn purge_old(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(form_keys::Entity::delete_many()
        .filter(form_keys::Column::CreatedAt.lt(now() - chrono::Duration::days(1)))
        .exec(c)
        .await?
        .rows_affected)
}
