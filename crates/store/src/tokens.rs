//! Single-use, expiring tokens sent by e-mail: confirming an address, resetting a password and
//! accepting an invitation (setting the first one).
//! Only the SHA-256 of a token is stored. Consuming one is a single conditional UPDATE, so two
//! clicks racing on the same link cannot both succeed.

use crate::entities::user_tokens;
use crate::{Result, new_token, now, token_hash};
use chrono::Duration;
use miasto_domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmEmail,
    ResetPassword,
    /// An admin invited a member of staff, who sets their first password with it.
    Invitation,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::ConfirmEmail => "confirm_email",
            Self::ResetPassword => "reset_password",
            Self::Invitation => "invitation",
        }
    }

    /// How long a link stays valid.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::ConfirmEmail => Duration::hours(48),
            Self::ResetPassword => Duration::hours(1),
            Self::Invitation => Duration::days(7),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("unknown token")]
    Invalid,
    #[error("token expired")]
    Expired,
    #[error("token already used")]
    Used,
}

impl TokenError {
    pub const ALL: [TokenError; 3] = [Self::Invalid, Self::Expired, Self::Used];

    pub fn code(self) -> &'static str {
        match self {
            Self::Invalid => "token_invalid",
            Self::Expired => "token_expired",
            Self::Used => "token_used",
        }
    }
}

/// Issues a new token for `user`, retiring any earlier unused one with the same purpose
/// (only the newest link in the mailbox works).
pub async fn issue(c: &impl ConnectionTrait, user: UserId, purpose: Purpose) -> Result<String> {
    let at = now();
    user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(at))
        .filter(user_tokens::Column::UserId.eq(user.0))
        .filter(user_tokens::Column::Purpose.eq(purpose.as_str()))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(c)
        .await?;
    let (token, hash) = new_token();
    user_tokens::ActiveModel {
        id: Set(hash),
        user_id: Set(user.0),
        purpose: Set(purpose.as_str().to_owned()),
        created_at: Set(at),
        expires_at: Set(at + purpose.lifetime()),
        used_at: Set(None),
    }
    .insert(c)
    .await?;
    Ok(token)
}

/// Whose token this is, without using it up (to show the form the link leads to).
pub async fn check(
    c: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
) -> Result<Result<UserId, TokenError>> {
    let Some(row) = user_tokens::Entity::find_by_id(token_hash(token.trim()))
        .filter(user_tokens::Column::Purpose.eq(purpose.as_str()))
        .one(c)
        .await?
    else {
        return Ok(Err(TokenError::Invalid));
    };
    Ok(if row.used_at.is_some() {
        Err(TokenError::Used)
    } else if row.expires_at <= now() {
        Err(TokenError::Expired)
    } else {
        Ok(UserId(row.user_id))
    })
}

/// Uses a token up. Exactly one caller can succeed for a given token.
pub async fn consume(
    c: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
) -> Result<Result<UserId, TokenError>> {
    let user = match check(c, token, purpose).await? {
        Ok(user) => user,
        Err(e) => return Ok(Err(e)),
    };
    let at = now();
    let updated = user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(at))
        .filter(user_tokens::Column::Id.eq(token_hash(token.trim())))
        .filter(user_tokens::Column::UsedAt.is_null())
        .filter(user_tokens::Column::ExpiresAt.gt(at))
        .exec(c)
        .await?;
    Ok(if updated.rows_affected == 1 {
        Ok(user)
    } else {
        Err(TokenError::Used)
    })
}

/// Deletes tokens that can no longer be used; run periodically by the worker.
pub async fn purge_stale(c: &impl ConnectionTrait) -> Result<u64> {
    let cutoff = now() - Duration::days(7);
    Ok(user_tokens::Entity::delete_many()
        .filter(user_tokens::Column::ExpiresAt.lt(cutoff))
        .exec(c)
        .await?
        .rows_affected)
}
