//! Accounts: creating, finding and changing users, and their passwords (argon2id).

use crate::entities::users;
use crate::paging::{self, Page, Paged};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::{Email, Locale, Password, Role, RoleAssignment, UnitId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, SqlErr,
};

/// A user as the rest of the system sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub locale: Locale,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// E-mail when the account's own reports change status.
    pub notify_own: bool,
    /// E-mail when reports the account supports change status.
    pub notify_supported: bool,
}

impl User {
    pub fn is_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt {
        table: "users",
        detail,
    }
}

impl TryFrom<users::Model> for User {
    type Error = StoreError;

    fn try_from(m: users::Model) -> Result<Self> {
        Ok(Self {
            id: UserId(m.id),
            email: Email::parse(&m.email).map_err(|e| corrupt(format!("{}: email {e}", m.id)))?,
            role: Role::parse(&m.role).map_err(|e| corrupt(format!("{}: role {e}", m.id)))?,
            unit_id: m.unit_id.map(UnitId),
            locale: Locale::parse(&m.locale).unwrap_or_default(),
            email_confirmed_at: m.email_confirmed_at,
            disabled_at: m.disabled_at,
            last_login_at: m.last_login_at,
            created_at: m.created_at,
            notify_own: m.notify_own,
            notify_supported: m.notify_supported,
        })
    }
}

/// Which status e-mails the account wants.
pub async fn set_notifications(
    c: &impl ConnectionTrait,
    user: UserId,
    own: bool,
    supported: bool,
) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::NotifyOwn, Expr::value(own))
        .col_expr(users::Column::NotifySupported, Expr::value(supported))
        .col_expr(users::Column::UpdatedAt, Expr::value(now()))
        .filter(users::Column::Id.eq(user.0))
        .exec(c)
        .await?;
    Ok(())
}

/// An argon2id hash in PHC string format.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// Hashes a password with argon2id (password-auth's defaults) off the async runtime: one
/// hash takes tens of milliseconds of CPU by design.
pub async fn hash_password(password: &Password) -> PasswordHash {
    let password = password.expose().to_owned();
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    PasswordHash(hash)
}

/// Checks a password against a stored hash, off the async runtime. With no hash (unknown
/// account) it still spends the same work on a dummy hash, so response time does not tell
/// which e-mail addresses have accounts.
pub async fn verify_password(candidate: &str, hash: Option<&PasswordHash>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let candidate = candidate.to_owned();
    let known = hash.is_some();
    let hash = hash.map(|h| h.0.clone());
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| password_auth::generate_hash("not a real password"))
                .clone()
        });
        password_auth::verify_password(candidate, &hash).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

pub struct NewUser {
    pub email: Email,
    pub password_hash: PasswordHash,
    pub assignment: RoleAssignment,
    pub locale: Locale,
    /// Set for accounts created by an admin, whose address needs no confirmation link.
    pub confirmed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CreateUserError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Store(e.into())
    }
}

/// Creates an account. The insert runs in a savepoint, so a taken address leaves the caller's
/// transaction usable (PostgreSQL aborts a transaction on any failed statement).
pub async fn create_user(
    c: &impl crate::Savepoints,
    new: NewUser,
) -> Result<User, CreateUserError> {
    let at = now();
    let model = users::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(new.email.as_str().to_owned()),
        password_hash: Set(new.password_hash.0),
        role: Set(new.assignment.role().as_str().to_owned()),
        unit_id: Set(new.assignment.unit().map(|u| u.0)),
        locale: Set(new.locale.as_str().to_owned()),
        email_confirmed_at: Set(new.confirmed.then_some(at)),
        disabled_at: Set(None),
        last_login_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        notifications_seen: Set(None),
        notify_own: Set(true),
        notify_supported: Set(true),
    };
    let savepoint = c.begin().await?;
    let result = match model.insert(&savepoint).await {
        Ok(m) => User::try_from(m).map_err(CreateUserError::from),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(CreateUserError::EmailTaken)
        }
        Err(e) => Err(e.into()),
    };
    crate::settle(savepoint, result).await
}

pub async fn get_user(c: &impl ConnectionTrait, id: UserId) -> Result<Option<User>> {
    users::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(User::try_from)
        .transpose()
}

/// The user with this address and their password hash, for logging in.
pub async fn find_for_login(
    c: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<(User, PasswordHash)>> {
    let Some(model) = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let hash = PasswordHash(model.password_hash.clone());
    Ok(Some((User::try_from(model)?, hash)))
}

pub async fn find_by_email(c: &impl ConnectionTrait, email: &Email) -> Result<Option<User>> {
    Ok(find_for_login(c, email).await?.map(|(user, _)| user))
}

/// The stored hash of a user's password, to re-check it before a sensitive action.
pub async fn password_hash(c: &impl ConnectionTrait, id: UserId) -> Result<Option<PasswordHash>> {
    Ok(users::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .map(|m| PasswordHash(m.password_hash)))
}

async fn update(
    c: &impl ConnectionTrait,
    id: UserId,
    col: users::Column,
    value: Expr,
) -> Result<bool> {
    let result = users::Entity::update_many()
        .col_expr(col, value)
        .col_expr(users::Column::UpdatedAt, Expr::value(now()))
        .filter(users::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn confirm_email(c: &impl ConnectionTrait, id: UserId) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::EmailConfirmedAt, Expr::value(now()))
        .filter(users::Column::Id.eq(id.0))
        .filter(users::Column::EmailConfirmedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

pub async fn set_password(
    c: &impl ConnectionTrait,
    id: UserId,
    hash: PasswordHash,
) -> Result<bool> {
    update(c, id, users::Column::PasswordHash, Expr::value(hash.0)).await
}

pub async fn set_locale(c: &impl ConnectionTrait, id: UserId, locale: Locale) -> Result<bool> {
    update(c, id, users::Column::Locale, Expr::value(locale.as_str())).await
}

pub async fn record_login(c: &impl ConnectionTrait, id: UserId) -> Result<bool> {
    update(c, id, users::Column::LastLoginAt, Expr::value(now())).await
}

pub async fn set_role(
    c: &impl ConnectionTrait,
    id: UserId,
    assignment: RoleAssignment,
) -> Result<bool> {
    let result = users::Entity::update_many()
        .col_expr(users::Column::Role, Expr::value(assignment.role().as_str()))
        .col_expr(
            users::Column::UnitId,
            Expr::value(assignment.unit().map(|u| u.0)),
        )
        .col_expr(users::Column::UpdatedAt, Expr::value(now()))
        .filter(users::Column::Id.eq(id.0))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Disables (or re-enables) an account. A disabled account cannot log in; its sessions are
/// ended by the caller in the same transaction.
pub async fn set_disabled(c: &impl ConnectionTrait, id: UserId, disabled: bool) -> Result<bool> {
    let value = if disabled { Some(now()) } else { None };
    update(c, id, users::Column::DisabledAt, Expr::value(value)).await
}

/// Deletes an account and everything that hangs off it (sessions, tokens). Public
/// contributions reference users with `ON DELETE SET NULL`, so they stay, anonymised.
pub async fn delete_user(c: &impl ConnectionTrait, id: UserId) -> Result<bool> {
    let result = users::Entity::delete_by_id(id.0).exec(c).await?;
    Ok(result.rows_affected == 1)
}

/// How many accounts there are (the admin dashboard's figure, exact).
pub async fn count_users(c: &impl ConnectionTrait) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(users::Entity::find().count(c).await?)
}

/// How many enabled admins there are: the last one may not demote or disable themself.
pub async fn count_active_admins(c: &impl ConnectionTrait) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin.as_str()))
        .filter(users::Column::DisabledAt.is_null())
        .count(c)
        .await?)
}

/// Enabled accounts whose role grants `permission` (e.g. the officials who may sit on a
/// counting commission), by e-mail address; at most 500.
pub async fn with_permission(
    c: &impl ConnectionTrait,
    permission: miasto_domain::Permission,
) -> Result<Vec<User>> {
    let roles = Role::ALL
        .into_iter()
        .filter(|r| r.can(permission))
        .map(Role::as_str);
    users::Entity::find()
        .filter(users::Column::Role.is_in(roles))
        .filter(users::Column::DisabledAt.is_null())
        .order_by_asc(users::Column::Email)
        .limit(500)
        .all(c)
        .await?
        .into_iter()
        .map(User::try_from)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of an e-mail address.
    pub email: Option<String>,
    pub role: Option<Role>,
}

pub async fn list_users(
    c: &impl ConnectionTrait,
    filter: &UserFilter,
    page: Page,
) -> Result<Paged<User>> {
    let mut select = users::Entity::find().order_by_asc(users::Column::Email);
    if let Some(email) = filter
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        select = select.filter(
            users::Column::Email.like(crate::paging::contains_pattern(&email.to_lowercase())),
        );
    }
    if let Some(role) = filter.role {
        select = select.filter(users::Column::Role.eq(role.as_str()));
    }
    let (models, count) = paging::fetch(c, select, page).await?;
    Ok(Paged::new(
        models
            .into_iter()
            .map(User::try_from)
            .collect::<Result<_>>()?,
        count,
        page,
    ))
}

/// The e-mail and language of the accounts matching `who` that want e-mail about their own
/// activity (`notify_own`), by id: whom to tell about something they took part in.
pub(crate) async fn notifiable(
    c: &impl ConnectionTrait,
    who: sea_orm::Condition,
) -> Result<Vec<(String, Locale)>> {
    Ok(users::Entity::find()
        .select_only()
        .columns([users::Column::Email, users::Column::Locale])
        .filter(who)
        .filter(users::Column::NotifyOwn.eq(true))
        .order_by_asc(users::Column::Id)
        .into_tuple::<(String, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(email, locale)| (email, Locale::parse(&locale).unwrap_or_default()))
        .collect())
}
