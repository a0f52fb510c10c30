//! Bearer tokens of the mobile app's JSON API: one per signed-in device. The app holds the
//! token; the table holds its SHA-256 and first characters (so the resident can tell devices
//! apart on the account page), the device's name and when it was last used. A token ends
//! after [`IDLE_LIFETIME`] without use, when the resident revokes it, or with every other
//! sign-in when the password changes.

use crate::accounts::User;
use crate::entities::{api_tokens, users};
use crate::{Result, now, token_hash};
use chrono::{DateTime, Duration, Utc};
use miasto_domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// Tokens start with this, so secret scanners and people can tell what they are.
pub const TOKEN_PREFIX: &str = "mt_";
/// Characters kept to tell tokens apart (the prefix and six more).
const SHOWN_CHARS: usize = TOKEN_PREFIX.len() + 6;
/// A token ends after this long without a request.
pub const IDLE_LIFETIME: Duration = Duration::days(90);
/// `last_used_at` is refreshed at most this often, so reads do not turn into writes.
pub const TOUCH_INTERVAL: Duration = Duration::minutes(5);
/// Longest device name kept.
pub const NAME_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: UserId,
    /// The device's name, as the app gave it.
    pub name: String,
    /// The token's first characters (`mt_1a2b3c…`).
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<api_tokens::Model> for ApiToken {
    fn from(m: api_tokens::Model) -> Self {
        Self {
            id: m.id,
            user_id: UserId(m.user_id),
            name: m.name,
            prefix: m.token_prefix,
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            expires_at: m.expires_at,
        }
    }
}

/// The device name as stored: trimmed, control characters dropped, cut to [`NAME_MAX`]
/// characters; an empty name becomes `fallback`.
pub fn clean_name(raw: &str, fallback: &str) -> String {
    let name: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX)
        .collect();
    match name.trim() {
        "" => fallback.to_owned(),
        name => name.to_owned(),
    }
}

/// Issues a token for `user` on a device; returns it with the token, which is never shown
/// again.
pub async fn issue(
    c: &impl ConnectionTrait,
    user: UserId,
    name: &str,
) -> Result<(ApiToken, String)> {
    let (secret, _) = crate::new_token();
    let token = format!("{TOKEN_PREFIX}{secret}");
    let at = now();
    let model = api_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.0),
        token_hash: Set(token_hash(&token)),
        token_prefix: Set(token[..SHOWN_CHARS].to_owned()),
        name: Set(name.to_owned()),
        created_at: Set(at),
        last_used_at: Set(at),
        expires_at: Set(at + IDLE_LIFETIME),
    }
    .insert(c)
    .await?;
    Ok((model.into(), token))
}

/// The live token and its user. Unknown, expired or malformed tokens and disabled users yield
/// `None`. Slides the expiry forward when the token was last used a while ago.
pub async fn resolve(c: &impl ConnectionTrait, token: &str) -> Result<Option<(ApiToken, User)>> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let at = now();
    let Some((row, Some(user))) = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(token_hash(token)))
        .filter(api_tokens::Column::ExpiresAt.gt(at))
        .find_also_related(users::Entity)
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let user = User::try_from(user)?;
    if user.is_disabled() {
        return Ok(None);
    }
    let mut token = ApiToken::from(row);
    if at - token.last_used_at >= TOUCH_INTERVAL {
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, Expr::value(at))
            .col_expr(
                api_tokens::Column::ExpiresAt,
                Expr::value(at + IDLE_LIFETIME),
            )
            .filter(api_tokens::Column::Id.eq(token.id))
            .exec(c)
            .await?;
        token.last_used_at = at;
        token.expires_at = at + IDLE_LIFETIME;
    }
    Ok(Some((token, user)))
}

/// The user's live tokens, most recently used first.
pub async fn list_for_user(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<ApiToken>> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user.0))
        .filter(api_tokens::Column::ExpiresAt.gt(now()))
        .order_by_desc(api_tokens::Column::LastUsedAt)
        .order_by_desc(api_tokens::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(ApiToken::from)
        .collect())
}

/// Revokes one of the user's tokens; `false` if they have none with this id.
pub async fn revoke(c: &impl ConnectionTrait, user: UserId, id: Uuid) -> Result<bool> {
    Ok(api_tokens::Entity::delete_many()
        .filter(api_tokens::Column::UserId.eq(user.0))
        .filter(api_tokens::Column::Id.eq(id))
        .exec(c)
        .await?
        .rows_affected
        > 0)
}

/// Revokes every token of the user (a password change, a disabled account).
pub async fn revoke_all(c: &impl ConnectionTrait, user: UserId) -> Result<u64> {
    Ok(api_tokens::Entity::delete_many()
        .filter(api_tokens::Column::UserId.eq(user.0))
        .exec(c)
        .await?
        .rows_affected)
}

/// Deletes expired tokens; run periodically by the worker.
pub async fn purge_expired(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(api_tokens::Entity::delete_many()
        .filter(api_tokens::Column::ExpiresAt.lte(now()))
        .exec(c)
        .await?
        .rows_affected)
}
