//! Users and roles: find an account, change its role (and unit, for unit staff), disable or
//! re-enable it. The last enabled admin cannot be demoted or disabled.

use super::page_number;
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::{Permission, Role, RoleAssignment, UnitId, UserId};
use miasto_store::accounts::{self, User, UserFilter};
use miasto_store::audit::{self, Action, Entry, Target};
use miasto_store::reference::{self, Unit};
use miasto_store::{Page as PageNo, sessions};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    pub q: String,
    pub role: String,
    pub page: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleInput {
    pub role: String,
    pub unit: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccessInput {
    pub action: String,
}

/// A user row with what the list shows about them.
struct Row {
    user: User,
    role: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    rows: Vec<Row>,
    q: String,
    roles: Vec<SelectOption>,
    pager: Pager,
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    page: Page,
    user: User,
    role_label: String,
    unit_label: String,
    roles: Vec<SelectOption>,
    units: Vec<SelectOption>,
    history: Vec<Entry>,
    errors: FieldErrors,
}

fn role_options(ctx: &Ctx, selected: &str) -> Vec<SelectOption> {
    let labels = Role::ALL.iter().map(|r| {
        (
            r.as_str(),
            crate::i18n::t(ctx.locale, &format!("role-{}", r.as_str())),
        )
    });
    options(labels, selected)
}

fn unit_label(units: &[Unit], id: Option<UnitId>) -> String {
    id.and_then(|id| units.iter().find(|u| u.id == id))
        .map(|u| u.code.as_str().to_owned())
        .unwrap_or_default()
}

pub async fn list_users(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UserQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageUsers)?;
    let filter = UserFilter {
        email: Some(q.q.clone()),
        role: Role::parse(&q.role).ok(),
    };
    let paged = accounts::list_users(
        state.db(),
        &filter,
        PageNo::new(page_number(&q.page)?, None),
    )
    .await?;
    let units = reference::list_units(state.db()).await?;
    let pager = Pager::new(&paged, "/admin/users", &[("q", &q.q), ("role", &q.role)]);
    let rows = paged
        .items
        .into_iter()
        .map(|user| Row {
            role: crate::i18n::t(ctx.locale, &format!("role-{}", user.role.as_str())),
            unit: unit_label(&units, user.unit_id),
            user,
        })
        .collect();
    Ok(render(&UsersPage {
        page: Page::titled(&ctx, "admin-users-title"),
        rows,
        roles: role_options(&ctx, &q.role),
        q: q.q,
        pager,
    })?
    .into_response())
}

async fn user_page(
    state: &AppState,
    ctx: &Ctx,
    user: User,
    errors: FieldErrors,
    selected: Option<&RoleInput>,
) -> Result<UserPage, Error> {
    let units = reference::list_units(state.db()).await?;
    let filter = audit::Filter {
        target: Some(("user".into(), user.id.to_string())),
        ..Default::default()
    };
    let history = audit::list(state.db(), &filter, PageNo::new(None, Some(50)))
        .await?
        .items;
    Ok(UserPage {
        page: Page::new(ctx, user.email.to_string()),
        role_label: crate::i18n::t(ctx.locale, &format!("role-{}", user.role.as_str())),
        unit_label: unit_label(&units, user.unit_id),
        roles: role_options(
            ctx,
            selected.map_or(user.role.as_str(), |s| s.role.as_str()),
        ),
        units: options(
            units.iter().map(|u| {
                (
                    u.id.to_string(),
                    format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                )
            }),
            &selected.map_or_else(
                || user.unit_id.map(|u| u.to_string()).unwrap_or_default(),
                |s| s.unit.clone(),
            ),
        ),
        history,
        user,
        errors,
    })
}

async fn find_user(state: &AppState, id: &str) -> Result<User, Error> {
    let id = UserId::parse(id).ok_or(Error::NotFound)?;
    accounts::get_user(state.db(), id)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn show_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageUsers)?;
    let user = find_user(&state, &id).await?;
    let page = user_page(&state, &ctx, user, FieldErrors::new(ctx.locale), None).await?;
    Ok(render(&page)?.into_response())
}

/// Whether changing `user` away from an enabled admin would leave no enabled admin.
async fn is_last_admin(state: &AppState, user: &User) -> Result<bool, Error> {
    Ok(user.role == Role::Admin
        && !user.is_disabled()
        && accounts::count_active_admins(state.db()).await? <= 1)
}

pub async fn change_role(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<RoleInput>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageUsers)?.user.id;
    let user = find_user(&state, &id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let role = errors.check("role", Role::parse(&input.role));
    let unit = if input.unit.trim().is_empty() {
        None
    } else {
        match UnitId::parse(&input.unit) {
            Some(id) if reference::get_unit(state.db(), id).await?.is_some() => Some(id),
            _ => {
                errors.add_message("unit", "error-unit-unknown");
                None
            }
        }
    };
    let assignment = role.and_then(|role| {
        let unit = if role == Role::UnitStaff { unit } else { None };
        errors.check("unit", RoleAssignment::new(role, unit))
    });
    if let Some(a) = assignment
        && a.role() != Role::Admin
        && is_last_admin(&state, &user).await?
    {
        errors.add_message(FieldErrors::FORM, "error-last-admin");
    }
    let Some(assignment) = assignment.filter(|_| errors.is_empty()) else {
        let page = user_page(&state, &ctx, user, errors, Some(&input)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    accounts::set_role(&tx, user.id, assignment).await?;
    audit::record(
        &tx,
        Some(admin),
        Action::RoleChanged,
        Some(Target::user(user.id)),
        serde_json::json!({
            "from": user.role.as_str(),
            "to": assignment.role().as_str(),
            "unit": assignment.unit().map(|u| u.to_string()),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/admin/users/{}", user.id),
        "flash-role-changed",
    ))
}

pub async fn change_access(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<AccessInput>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageUsers)?.user.id;
    let user = find_user(&state, &id).await?;
    let disable = match input.action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return Err(Error::BadRequest("action_unknown")),
    };
    if disable && is_last_admin(&state, &user).await? {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add_message(FieldErrors::FORM, "error-last-admin");
        let page = user_page(&state, &ctx, user, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let tx = miasto_store::begin(state.db()).await?;
    accounts::set_disabled(&tx, user.id, disable).await?;
    if disable {
        sessions::delete_for_user(&tx, user.id, None).await?;
        miasto_store::api_tokens::revoke_all(&tx, user.id).await?;
    }
    let action = if disable {
        Action::UserDisabled
    } else {
        Action::UserEnabled
    };
    audit::record(
        &tx,
        Some(admin),
        action,
        Some(Target::user(user.id)),
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    let flash = if disable {
        "flash-user-disabled"
    } else {
        "flash-user-enabled"
    };
    Ok(redirect_with_flash(
        &ctx,
        &format!("/admin/users/{}", user.id),
        flash,
    ))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct InviteInput {
    pub email: String,
    pub role: String,
    pub unit: String,
    pub lang: String,
    pub form_key: String,
}

#[derive(Template)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    page: Page,
    input: InviteInput,
    roles: Vec<SelectOption>,
    units: Vec<SelectOption>,
    langs: Vec<SelectOption>,
    days: i64,
    errors: FieldErrors,
}

async fn invite_page(
    state: &AppState,
    ctx: &Ctx,
    input: InviteInput,
    errors: FieldErrors,
) -> Result<InvitePage, Error> {
    let units = reference::list_units(state.db()).await?;
    let staff_roles = Role::ALL.iter().filter(|r| **r != Role::Resident).map(|r| {
        (
            r.as_str(),
            crate::i18n::t(ctx.locale, &format!("role-{}", r.as_str())),
        )
    });
    let langs = miasto_domain::Locale::ALL.iter().map(|l| {
        (
            l.as_str(),
            crate::i18n::t(ctx.locale, &format!("lang-name-{}", l.as_str())),
        )
    });
    Ok(InvitePage {
        page: Page::titled(ctx, "admin-invite-title"),
        roles: options(staff_roles, &input.role),
        units: options(
            units.iter().filter(|u| u.active).map(|u| {
                (
                    u.id.to_string(),
                    format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                )
            }),
            &input.unit,
        ),
        langs: options(langs, &input.lang),
        days: miasto_store::tokens::Purpose::Invitation
            .lifetime()
            .num_days(),
        input,
        errors,
    })
}

pub async fn show_invite(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageUsers)?;
    let input = InviteInput {
        role: Role::UnitStaff.as_str().to_owned(),
        lang: ctx.locale.as_str().to_owned(),
        ..Default::default()
    };
    let page = invite_page(&state, &ctx, input, FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

/// Creates a staff account with no password and e-mails a link (valid for a week) to set one.
/// The account is confirmed by the link; until then nobody can log in to it.
pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(input): Form<InviteInput>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageUsers)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let email = errors.check("email", miasto_domain::Email::parse(&input.email));
    let role = errors.check("role", Role::parse(&input.role));
    let unit = match UnitId::parse(&input.unit) {
        Some(id) => reference::get_unit(state.db(), id)
            .await?
            .filter(|u| u.active)
            .map(|u| u.id),
        None => None,
    };
    let assignment = role.and_then(|role| {
        let unit = if role == Role::UnitStaff { unit } else { None };
        errors.check("unit", RoleAssignment::new(role, unit))
    });
    let locale = miasto_domain::Locale::parse(&input.lang).unwrap_or(ctx.locale);
    let (Some(email), Some(assignment)) = (email, assignment.filter(|_| errors.is_empty())) else {
        let page = invite_page(&state, &ctx, input, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    // A password nobody knows: the account is usable only once the link sets one.
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let unusable = miasto_domain::Password::parse_new(&secret, None)
        .map_err(|_| Error::Internal("an unusable password".into()))?;
    let hash = accounts::hash_password(&unusable).await;
    let tx = miasto_store::begin(state.db()).await?;
    if !miasto_store::form_keys::claim(&tx, "invite", &input.form_key).await? {
        return Ok(axum::response::Redirect::to("/admin/users").into_response());
    }
    let user = match accounts::create_user(
        &tx,
        accounts::NewUser {
            email: email.clone(),
            password_hash: hash,
            assignment,
            locale,
            confirmed: false,
        },
    )
    .await
    {
        Ok(user) => user,
        Err(accounts::CreateUserError::EmailTaken) => {
            tx.rollback().await?;
            errors.add_message("email", "error-invite-email-taken");
            let page = invite_page(&state, &ctx, input, errors).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(accounts::CreateUserError::Store(e)) => return Err(e.into()),
    };
    send_invitation(&tx, &state, &user).await?;
    audit::record(
        &tx,
        Some(admin),
        Action::UserCreated,
        Some(Target::user(user.id)),
        serde_json::json!({
            "role": assignment.role().as_str(),
            "unit": assignment.unit().map(|u| u.to_string()),
            "via": "invitation",
        }),
    )
    .await?;
    invitation_sent(tx, &state, &ctx, user.id).await
}

/// Commits the transaction that sent an invitation and shows the account.
async fn invitation_sent(
    tx: miasto_store::DatabaseTransaction,
    state: &AppState,
    ctx: &Ctx,
    user: UserId,
) -> Result<Response, Error> {
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        ctx,
        &format!("/admin/users/{user}"),
        "flash-invitation-sent",
    ))
}

async fn send_invitation(
    tx: &impl miasto_store::ConnectionTrait,
    state: &AppState,
    user: &User,
) -> Result<(), Error> {
    let token =
        miasto_store::tokens::issue(tx, user.id, miasto_store::tokens::Purpose::Invitation).await?;
    let url = crate::accounts::link(state, &format!("/password/reset?token={token}"));
    let role = crate::i18n::t(user.locale, &format!("role-{}", user.role.as_str()));
    let message = crate::emails::invitation(user.locale, &user.email, &role, &url)?;
    miasto_store::jobs::enqueue(tx, &miasto_store::jobs::Job::SendEmail(message)).await?;
    Ok(())
}

/// Sends an invitation again (a new link; the old one stops working) to an account that has
/// not set its password yet.
pub async fn resend_invitation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageUsers)?.user.id;
    let user = find_user(&state, &id).await?;
    if user.is_confirmed() || user.is_disabled() {
        return Err(Error::BadRequest("the invitation was already accepted"));
    }
    let tx = miasto_store::begin(state.db()).await?;
    send_invitation(&tx, &state, &user).await?;
    audit::record(
        &tx,
        Some(admin),
        Action::InvitationSent,
        Some(Target::user(user.id)),
        serde_json::json!({}),
    )
    .await?;
    invitation_sent(tx, &state, &ctx, user.id).await
}
