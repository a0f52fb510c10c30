//! Idempotency keys for create forms. Each rendered form carries a random key; the handler
//! claims it in the same transaction as the creation, so a double-click (or a resent POST)
//! creates once and the repeat is recognised. Keys are kept a day. The JSON API's
//! `Idempotency-Key` goes further: it also remembers which report a submission created.

use crate::entities::{api_submissions, form_keys};
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

/// A report sent through the JSON API with an `Idempotency-Key`: the key (already hashed with
/// who sent it), the hash of what was sent, and the report it created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub request_hash: String,
    pub report: miasto_domain::ReportId,
}

/// Remembers which report a keyed submission created, in the transaction that created it.
pub async fn remember_submission(
    c: &impl ConnectionTrait,
    key_hash: &str,
    request_hash: &str,
    report: miasto_domain::ReportId,
) -> Result<()> {
    api_submissions::Entity::insert(api_submissions::ActiveModel {
        key_hash: Set(key_hash.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        report_id: Set(report.0),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(api_submissions::Column::KeyHash)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The earlier submission with this key, if it is still remembered.
pub async fn find_submission(
    c: &impl ConnectionTrait,
    key_hash: &str,
) -> Result<Option<Submission>> {
    Ok(api_submissions::Entity::find_by_id(key_hash.to_owned())
        .one(c)
        .await?
        .map(|m| Submission {
            request_hash: m.request_hash,
            report: miasto_domain::ReportId(m.report_id),
        }))
}

/// Forgets submission keys older than a day; run by the worker.
pub async fn purge_submissions(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(api_submissions::Entity::delete_many()
        .filter(api_submissions::Column::CreatedAt.lt(now() - chrono::Duration::days(1)))
        .exec(c)
        .await?
        .rows_affected)
}

/// The stored form of an `Idempotency-Key`: a hash of the key with who sent it, so one
/// client's key never meets another's. Also a valid form key (64 hex digits) for [`claim`].
pub fn submission_key(sender: &str, key: &str) -> String {
    token_hash(&format!("api-report:{sender}:{key}"))
}

/// A fingerprint of a request's content (its fields and files, in order), to tell a retry
/// from a different request reusing a key.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    crate::hex(&hasher.finalize())
}
