//! Client applications of the APIs (city back-offices, the mobile app, third-party apps) and
//! their keys. A key is shown once, when issued; the table keeps its SHA-256 and its first
//! characters, so a stolen database yields no usable key. Revoked keys stay listed with their
//! usage.

use crate::entities::{api_clients, reports};
use crate::{Result, Savepoints, StoreError, now, token_hash};
use chrono::{DateTime, Utc};
use miasto_domain::UserId;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// Keys start with this, so secret scanners and people can tell what they are.
pub const KEY_PREFIX: &str = "mk_";
/// Characters of the key kept to tell keys apart (the prefix and eight more).
const SHOWN_CHARS: usize = KEY_PREFIX.len() + 8;
/// Requests per hour a new client may make unless the admin says otherwise.
pub const DEFAULT_RATE_LIMIT_PER_HOUR: u32 = 1000;
pub const NAME_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: Uuid,
    pub name: String,
    /// The key's first characters (`mk_1a2b3c4d…`).
    pub key_prefix: String,
    pub rate_limit_per_hour: u32,
    /// Requests made with the key, all time.
    pub requests: u64,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserId>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiClient {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// The rate-limit counter's key for this client.
    pub fn limit_key(&self) -> String {
        format!("api-client:{}", self.id)
    }
}

impl From<api_clients::Model> for ApiClient {
    fn from(m: api_clients::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            key_prefix: m.key_prefix,
            rate_limit_per_hour: u32::try_from(m.rate_limit_per_hour).unwrap_or(0),
            requests: u64::try_from(m.requests).unwrap_or(0),
            created_at: m.created_at,
            created_by: m.created_by.map(UserId),
            revoked_at: m.revoked_at,
            last_used_at: m.last_used_at,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("a client with this name exists")]
    NameTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for IssueError {
    fn from(e: sea_orm::DbErr) -> Self {
        if matches!(
            e.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ) {
            Self::NameTaken
        } else {
            Self::Store(e.into())
        }
    }
}

/// Issues a key for a new client; returns the client and the key, which is never shown again.
/// Runs in a savepoint so a taken name leaves the caller's transaction usable.
pub async fn issue(
    c: &impl Savepoints,
    name: &str,
    rate_limit_per_hour: u32,
    created_by: Option<UserId>,
) -> Result<(ApiClient, String), IssueError> {
    let savepoint = c.begin().await?;
    let result = insert(&savepoint, name, rate_limit_per_hour, created_by).await;
    crate::settle(savepoint, result).await
}

async fn insert(
    c: &impl ConnectionTrait,
    name: &str,
    rate_limit_per_hour: u32,
    created_by: Option<UserId>,
) -> Result<(ApiClient, String), IssueError> {
    let (secret, _) = crate::new_token();
    let key = format!("{KEY_PREFIX}{secret}");
    let model = api_clients::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        key_hash: Set(token_hash(&key)),
        key_prefix: Set(key[..SHOWN_CHARS].to_owned()),
        rate_limit_per_hour: Set(i32::try_from(rate_limit_per_hour).unwrap_or(i32::MAX)),
        requests: Set(0),
        created_at: Set(now()),
        created_by: Set(created_by.map(|u| u.0)),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(c)
    .await?;
    Ok((model.into(), key))
}

/// The active client holding `key`, if any.
pub async fn authenticate(c: &impl ConnectionTrait, key: &str) -> Result<Option<ApiClient>> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 200 {
        return Ok(None);
    }
    Ok(api_clients::Entity::find()
        .filter(api_clients::Column::KeyHash.eq(token_hash(key)))
        .filter(api_clients::Column::RevokedAt.is_null())
        .one(c)
        .await?
        .map(ApiClient::from))
}

/// Counts a request made with the client's key.
pub async fn record_use(c: &impl ConnectionTrait, id: Uuid) -> Result<()> {
    api_clients::Entity::update_many()
        .col_expr(
            api_clients::Column::Requests,
            Expr::col(api_clients::Column::Requests).add(1),
        )
        .col_expr(api_clients::Column::LastUsedAt, Expr::value(now()))
        .filter(api_clients::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Revokes the key at once; `false` if there is no such client or it was already revoked.
pub async fn revoke(c: &impl ConnectionTrait, id: Uuid) -> Result<bool> {
    let done = api_clients::Entity::update_many()
        .col_expr(api_clients::Column::RevokedAt, Expr::value(now()))
        .filter(api_clients::Column::Id.eq(id))
        .filter(api_clients::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn get(c: &impl ConnectionTrait, id: Uuid) -> Result<Option<ApiClient>> {
    Ok(api_clients::Entity::find_by_id(id)
        .one(c)
        .await?
        .map(ApiClient::from))
}

/// Every client, active ones first, newest first.
pub async fn list(c: &impl ConnectionTrait) -> Result<Vec<ApiClient>> {
    let mut all: Vec<ApiClient> = api_clients::Entity::find()
        .order_by_desc(api_clients::Column::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(ApiClient::from)
        .collect();
    all.sort_by_key(|k| !k.is_active());
    Ok(all)
}

/// Reports the client has sent.
pub async fn report_count(c: &impl ConnectionTrait, id: Uuid) -> Result<u64> {
    Ok(reports::Entity::find()
        .filter(reports::Column::Client.eq(id.to_string()))
        .count(c)
        .await?)
}
