//! Rate limits kept in the database (fixed windows), so every node of a cluster sees the same
//! counts. Keys are built by the caller from an HMAC of the client address or account, never
//! the raw value: the table holds no personal data.

use crate::entities::rate_limits;
use crate::{Result, now};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// The outcome of counting one more attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Refused; the window ends in this many seconds.
    Limited {
        retry_after_secs: u64,
    },
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Self::Allowed
    }
}

fn window(limit: Limit) -> (i64, u64) {
    let secs = i64::try_from(Ord::max(limit.window.as_secs(), 1)).unwrap_or(i64::MAX);
    let t = now().timestamp();
    let start = t - t.rem_euclid(secs);
    (start, u64::try_from(start + secs - t).unwrap_or_default())
}

/// Counts one attempt against `key` and says whether it is within the limit.
pub async fn hit(c: &impl ConnectionTrait, key: &str, limit: Limit) -> Result<Decision> {
    Ok(hit_many(c, key, limit, 1)
        .await?
        .pop()
        .unwrap_or(Decision::Allowed))
}

/// Counts `n` attempts against `key` at once (a batch of intake) with one statement, and
/// decides each in order: the first ones up to the limit are allowed, the rest refused.
pub async fn hit_many(
    c: &impl ConnectionTrait,
    key: &str,
    limit: Limit,
    n: u32,
) -> Result<Vec<Decision>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let (start, remaining) = window(limit);
    let added = i32::try_from(n).unwrap_or(i32::MAX);
    let row = rate_limits::Entity::insert(rate_limits::ActiveModel {
        key: sea_orm::ActiveValue::Set(key.to_owned()),
        window_start: sea_orm::ActiveValue::Set(start),
        count: sea_orm::ActiveValue::Set(added),
    })
    .on_conflict(
        OnConflict::columns([rate_limits::Column::Key, rate_limits::Column::WindowStart])
            .value(
                rate_limits::Column::Count,
                Expr::col((rate_limits::Entity, rate_limits::Column::Count)).add(added),
            )
            .to_owned(),
    )
    .exec_with_returning(c)
    .await?;
    // Attempts counted before this batch, then each of ours in turn.
    let before = i64::from(row.count) - i64::from(added);
    Ok((1..=i64::from(n))
        .map(|i| {
            if before + i > i64::from(limit.max) {
                Decision::Limited {
                    retry_after_secs: remaining,
                }
            } else {
                Decision::Allowed
            }
        })
        .collect())
}

/// Says whether one more attempt against `key` would be over the limit, without counting it.
pub async fn check(c: &impl ConnectionTrait, key: &str, limit: Limit) -> Result<Decision> {
    let (start, remaining) = window(limit);
    decide(c, key, start, remaining, limit, 1).await
}

/// `pending` attempts not yet counted are added to the stored count.
async fn decide(
    c: &impl ConnectionTrait,
    key: &str,
    start: i64,
    remaining: u64,
    limit: Limit,
    pending: i64,
) -> Result<Decision> {
    let count = rate_limits::Entity::find_by_id((key.to_owned(), start))
        .one(c)
        .await?
        .map_or(0, |row| i64::from(row.count));
    Ok(if count + pending > i64::from(limit.max) {
        Decision::Limited {
            retry_after_secs: remaining,
        }
    } else {
        Decision::Allowed
    })
}

/// Forgets the attempts counted for `key` (e.g. failed logins after a successful one).
pub async fn clear(c: &impl ConnectionTrait, key: &str) -> Result<()> {
    rate_limits::Entity::delete_many()
        .filter(rate_limits::Column::Key.eq(key))
        .exec(c)
        .await?;
    Ok(())
}

/// Takes back one attempt counted against `key` in the current window (an attempt that was
/// reserved up front and turned out not to count, such as a successful login).
pub async fn refund(c: &impl ConnectionTrait, key: &str, limit: Limit) -> Result<()> {
    let (start, _) = window(limit);
    rate_limits::Entity::update_many()
        .col_expr(
            rate_limits::Column::Count,
            Expr::col(rate_limits::Column::Count).sub(1),
        )
        .filter(rate_limits::Column::Key.eq(key))
        .filter(rate_limits::Column::WindowStart.eq(start))
        .filter(rate_limits::Column::Count.gt(0))
        .exec(c)
        .await?;
    Ok(())
}

/// Forgets every counter whose key starts with `prefix` (all addresses' counters of one
/// account, say).
pub async fn clear_prefix(c: &impl ConnectionTrait, prefix: &str) -> Result<()> {
    rate_limits::Entity::delete_many()
        .filter(rate_limits::Column::Key.like(crate::paging::starts_with_pattern(prefix)))
        .exec(c)
        .await?;
    Ok(())
}

/// Deletes counters of windows that ended more than a day ago; run by the worker.
pub async fn purge_old(c: &impl ConnectionTrait) -> Result<u64> {
    let cutoff = now().timestamp() - 86_400;
    Ok(rate_limits::Entity::delete_many()
        .filter(rate_limits::Column::WindowStart.lt(cutoff))
        .exec(c)
        .await?
        .rows_affected)
}

/// A rate-limit key for `value` (a client address, an e-mail) in `scope`: an HMAC under the
/// server secret, so counters can be kept without storing who they count.
pub fn key(secret: &[u8], scope: &str, value: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(scope.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    format!("{scope}:{}", crate::hex(&digest[..16]))
}
