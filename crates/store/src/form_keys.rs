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
    Ok(claim_many(c, scope, &[key]).await?.pop().unwrap_or(true))
}

/// Claims several keys with one statement, answering for each in order as [`claim`] does. A
/// key repeated within `keys` is claimed by its first occurrence only.
pub async fn claim_many(c: &impl ConnectionTrait, scope: &str, keys: &[&str]) -> Result<Vec<bool>> {
    let hashes: Vec<Option<String>> = keys
        .iter()
        .map(|key| {
            let key = key.trim();
            (key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| token_hash(&format!("{scope}:{key}")))
        })
        .collect();
    let mut unique: Vec<&String> = hashes.iter().flatten().collect();
    unique.sort_unstable();
    unique.dedup();
    let claimed: Vec<String> = if unique.is_empty() {
        Vec::new()
    } else {
        let at = now();
        form_keys::Entity::insert_many(unique.into_iter().map(|hash| form_keys::ActiveModel {
            key: Set(hash.clone()),
            created_at: Set(at),
        }))
        .on_conflict(
            OnConflict::column(form_keys::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_with_returning(c)
        .await?
        .into_iter()
        .map(|row| row.key)
        .collect()
    };
    let mut given: Vec<&String> = Vec::new();
    Ok(hashes
        .iter()
        .map(|hash| match hash {
            None => true,
            Some(hash) if claimed.contains(hash) && !given.contains(&hash) => {
                given.push(hash);
                true
            }
            Some(_) => false,
        })
        .collect())
}

/// Forgets keys older than a day; run by the worker.
pub async fn purge_old(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(form_keys::Entity::delete_many()
        .filter(form_keys::Column::CreatedAt.lt(now() - chrono::Duration::days(1)))
        .exec(c)
        .await?
        .rows_affected)
}
