//! Login sessions, stored in the database so any node can serve any request. The browser holds
//! a random token; the table holds only its SHA-256.

use crate::accounts::User;
use crate::entities::{sessions, users};
use crate::{Result, new_token, now, token_hash};
use chrono::{DateTime, Duration, Utc};
use miasto_domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// A session ends after this long without a request.
pub const IDLE_LIFETIME: Duration = Duration::days(30);
/// `last_seen_at` is refreshed at most this often, so reads do not turn into writes.
pub const TOUCH_INTERVAL: Duration = Duration::minutes(5);

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// SHA-256 of the token: safe to show and log.
    pub id: String,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// What it runs on ("Firefox, Android"), when known.
    pub device: Option<String>,
}

impl From<sessions::Model> for Session {
    fn from(m: sessions::Model) -> Self {
        Self {
            id: m.id,
            user_id: UserId(m.user_id),
            created_at: m.created_at,
            last_seen_at: m.last_seen_at,
            expires_at: m.expires_at,
            device: m.device,
        }
    }
}

/// Starts a session and returns the token for the cookie.
/// The form (CSRF) token of a session: an HMAC of its id under the server secret, 64 hex
/// digits. Bound to the session, so it changes at every login and is dead after logout.
pub fn form_token(secret: &[u8], session_id: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(b"csrf\0");
    mac.update(session_id.as_bytes());
    crate::hex(&mac.finalize().into_bytes())
}

/// The id a session is stored under, from its cookie token.
pub fn id_of(token: &str) -> String {
    token_hash(token)
}

pub async fn create(c: &impl ConnectionTrait, user: UserId) -> Result<String> {
    create_on(c, user, None).await
}

/// Starts a session on a device described as `device` ("Firefox, Android").
pub async fn create_on(
    c: &impl ConnectionTrait,
    user: UserId,
    device: Option<String>,
) -> Result<String> {
    let (token, hash) = new_token();
    let at = now();
    sessions::ActiveModel {
        id: Set(hash),
        user_id: Set(user.0),
        created_at: Set(at),
        last_seen_at: Set(at),
        expires_at: Set(at + IDLE_LIFETIME),
        device: Set(device),
    }
    .insert(c)
    .await?;
    Ok(token)
}

/// The live session for a cookie token and its user. Expired sessions and disabled users
/// yield `None`. Slides the expiry forward when the session was last seen a while ago.
pub async fn resolve(c: &impl ConnectionTrait, token: &str) -> Result<Option<(Session, User)>> {
    let at = now();
    let Some((session, Some(user))) = sessions::Entity::find_by_id(token_hash(token))
        .filter(sessions::Column::ExpiresAt.gt(at))
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
    let mut session = Session::from(session);
    if at - session.last_seen_at >= TOUCH_INTERVAL {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeenAt, Expr::value(at))
            .col_expr(sessions::Column::ExpiresAt, Expr::value(at + IDLE_LIFETIME))
            .filter(sessions::Column::Id.eq(&session.id))
            .exec(c)
            .await?;
        session.last_seen_at = at;
        session.expires_at = at + IDLE_LIFETIME;
    }
    Ok(Some((session, user)))
}

/// Ends the session holding this token (logging out).
pub async fn delete(c: &impl ConnectionTrait, token: &str) -> Result<()> {
    sessions::Entity::delete_by_id(token_hash(token))
        .exec(c)
        .await?;
    Ok(())
}

/// Ends the session with this id (the token's hash), e.g. the one being replaced at login.
pub async fn delete_by_id(c: &impl ConnectionTrait, id: &str) -> Result<()> {
    sessions::Entity::delete_by_id(id.to_owned())
        .exec(c)
        .await?;
    Ok(())
}

/// Ends every session of a user except, optionally, the one with session id `keep`.
pub async fn delete_for_user(
    c: &impl ConnectionTrait,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64> {
    let mut delete = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user.0));
    if let Some(keep) = keep {
        delete = delete.filter(sessions::Column::Id.ne(keep));
    }
    Ok(delete.exec(c).await?.rows_affected)
}

pub async fn list_for_user(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<Session>> {
    Ok(sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user.0))
        .order_by_desc(sessions::Column::LastSeenAt)
        .all(c)
        .await?
        .into_iter()
        .map(Session::from)
        .collect())
}

/// Deletes expired sessions; run periodically by the worker.
pub async fn purge_expired(c: &impl ConnectionTrait) -> Result<u64> {
    Ok(sessions::Entity::delete_many()
        .filter(sessions::Column::ExpiresAt.lte(now()))
        .exec(c)
        .await?
        .rows_affected)
}
