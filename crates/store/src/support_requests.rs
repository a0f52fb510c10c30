//! Supporting a report with an e-mail address (no account): the support counts, and the
//! address hears of the report's updates, only once the address's owner opens the link sent
//! to it. Until then the request waits here, under the hash of its link's token; requests
//! expire after [`LIFETIME`]. Nothing here tells anyone whether an address already supports
//! a report.

use crate::entities::report_support_requests as requests;
use crate::reports::{Supporter, support};
use crate::tokens::TokenError;
use crate::{Result, Savepoints, new_token, now, token_hash};
use miasto_domain::{Email, Locale, ReportId};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

/// How long a confirmation link works.
pub const LIFETIME: chrono::Duration = chrono::Duration::hours(48);

/// Records that `email` asked to support the report; the token for the link to send it.
pub async fn request(
    c: &impl sea_orm::ConnectionTrait,
    report: ReportId,
    email: &Email,
    locale: Locale,
) -> Result<String> {
    let (token, hash) = new_token();
    let at = now();
    requests::ActiveModel {
        token_hash: Set(hash),
        report_id: Set(report.0),
        email: Set(email.as_str().to_owned()),
        locale: Set(locale.as_str().to_owned()),
        created_at: Set(at),
        expires_at: Set(at + LIFETIME),
    }
    .insert(c)
    .await?;
    Ok(token)
}

/// The report a pending link is for, without using it up (the page that asks to confirm).
pub async fn pending(
    c: &impl sea_orm::ConnectionTrait,
    token: &str,
) -> Result<Result<ReportId, TokenError>> {
    let found = requests::Entity::find_by_id(token_hash(token))
        .one(c)
        .await?;
    Ok(match found {
        None => Err(TokenError::Invalid),
        Some(r) if r.expires_at <= now() => Err(TokenError::Expired),
        Some(r) => Ok(ReportId(r.report_id)),
    })
}

/// Uses a link: the support is counted (once per address) and the request deleted, in the
/// caller's transaction. The report and whether this was a new support.
pub async fn confirm(
    c: &impl Savepoints,
    token: &str,
) -> Result<Result<(ReportId, bool), TokenError>> {
    let hash = token_hash(token);
    let Some(found) = requests::Entity::find_by_id(hash.clone()).one(c).await? else {
        return Ok(Err(TokenError::Invalid));
    };
    if found.expires_at <= now() {
        return Ok(Err(TokenError::Expired));
    }
    // Conditional on the row still being there: a link opened twice at once counts once.
    let taken = requests::Entity::delete_many()
        .filter(requests::Column::TokenHash.eq(hash))
        .exec(c)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(Err(TokenError::Used));
    }
    let Ok(email) = Email::parse(&found.email) else {
        return Ok(Err(TokenError::Invalid));
    };
    let report = ReportId(found.report_id);
    let added = support(c, report, &Supporter::Email(email)).await?;
    Ok(Ok((report, added)))
}

/// Deletes expired requests; run by housekeeping.
pub async fn purge_expired(c: &impl sea_orm::ConnectionTrait) -> Result<u64> {
    Ok(requests::Entity::delete_many()
        .filter(requests::Column::ExpiresAt.lte(now()))
        .exec(c)
        .await?
        .rows_affected)
}
