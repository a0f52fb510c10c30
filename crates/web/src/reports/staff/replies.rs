//! Reply templates: a unit's recurring wording for status messages, kept by its staff (the
//! contact centre and admins keep every unit's and the shared ones), offered on a report's
//! page filled in with the report's facts. Who may keep which is `replies::Scope`'s rule.

use crate::context::{Ctx, CurrentUser, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::{Lookup, status_label};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use miasto_domain::reference::ReportKind;
use miasto_domain::reports::Status;
use miasto_domain::reports::replies::{self, Content, PLACEHOLDERS, Scope};
use miasto_domain::{Permission, UnitId};
use miasto_store::audit::{self, Action, Target};
use miasto_store::reports::replies::{self as store, Template as Reply};
use serde::Deserialize;
use uuid::Uuid;

/// The value of the unit field for a template shared by every unit.
const SHARED: &str = "shared";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    pub name: String,
    pub text: String,
    pub status: String,
    pub unit: String,
    pub form_key: String,
}

/// One row of the list.
pub struct ReplyRow {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub unit: String,
    pub status: Option<String>,
    pub editable: bool,
}

#[derive(Template)]
#[template(path = "staff/replies.html")]
struct RepliesPage {
    page: Page,
    rows: Vec<ReplyRow>,
    can_add: bool,
}

#[derive(Template)]
#[template(path = "staff/reply_form.html")]
struct ReplyFormPage {
    page: Page,
    id: Option<Uuid>,
    form: ReplyForm,
    /// Units to choose from; empty when the author's unit is the only one (`own_unit`).
    units: Vec<SelectOption>,
    own_unit: String,
    statuses: Vec<SelectOption>,
    placeholders: &'static [&'static str],
    errors: FieldErrors,
}

fn scope_of(current: &CurrentUser) -> Scope {
    Scope::of(current.user.role, current.user.unit_id)
}

fn unit_name(lookup: &Lookup, ctx: &Ctx, unit: Option<UnitId>) -> String {
    match unit.and_then(|u| lookup.unit(u)) {
        Some(u) => format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
        None => crate::i18n::t(ctx.locale, "replies-shared"),
    }
}

/// A status's name for either kind of report ("Solved / Implemented" style is not needed:
/// each status belongs to problems, ideas or both, and is named as the first it fits).
pub fn any_status_label(ctx: &Ctx, status: Status) -> String {
    let kind = if status.applies_to(ReportKind::Problem) {
        ReportKind::Problem
    } else {
        ReportKind::Idea
    };
    status_label(ctx.locale, kind, status)
}

pub async fn list_replies(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleReports)?;
    let scope = scope_of(current);
    let lookup = Lookup::load(&state).await?;
    let rows = store::list(state.db(), scope)
        .await?
        .into_iter()
        .map(|t| ReplyRow {
            id: t.id,
            unit: unit_name(&lookup, &ctx, t.unit),
            status: t.status.map(|s| any_status_label(&ctx, s)),
            editable: scope.may_keep(t.unit),
            title: t.title,
            body: t.body,
        })
        .collect();
    Ok(render(&RepliesPage {
        page: Page::titled(&ctx, "replies-title"),
        rows,
        can_add: scope != Scope::None,
    })?
    .into_response())
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    scope: Scope,
    id: Option<Uuid>,
    form: ReplyForm,
    errors: FieldErrors,
) -> Result<ReplyFormPage, Error> {
    let lookup = Lookup::load(state).await?;
    let (units, own_unit) = match scope {
        Scope::Any => {
            let shared = (
                SHARED.to_owned(),
                crate::i18n::t(ctx.locale, "replies-shared"),
            );
            let units = lookup
                .units
                .iter()
                .filter(|u| u.active || u.id.to_string() == form.unit)
                .map(|u| (u.id.to_string(), unit_name(&lookup, ctx, Some(u.id))));
            (
                options(std::iter::once(shared).chain(units), &form.unit),
                String::new(),
            )
        }
        Scope::Unit(own) => (Vec::new(), unit_name(&lookup, ctx, Some(own))),
        Scope::None => return Err(Error::Forbidden),
    };
    let any = (
        String::new(),
        crate::i18n::t(ctx.locale, "replies-any-status"),
    );
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), any_status_label(ctx, *s)));
    let title = if id.is_some() {
        "replies-edit-title"
    } else {
        "replies-new-title"
    };
    Ok(ReplyFormPage {
        page: Page::titled(ctx, title),
        id,
        statuses: options(std::iter::once(any).chain(statuses), &form.status),
        units,
        own_unit,
        placeholders: &PLACEHOLDERS,
        form,
        errors,
    })
}

pub async fn show_new_reply(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleReports)?;
    let page = form_page(
        &state,
        &ctx,
        scope_of(current),
        None,
        ReplyForm::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn find(state: &AppState, scope: Scope, id: &str) -> Result<Reply, Error> {
    let id = Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    store::get(state.db(), scope, id)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn show_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let scope = scope_of(ctx.require(Permission::HandleReports)?);
    let reply = find(&state, scope, &id).await?;
    if !scope.may_keep(reply.unit) {
        return Err(Error::Forbidden);
    }
    let form = ReplyForm {
        name: reply.title,
        text: reply.body,
        status: reply
            .status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        unit: reply
            .unit
            .map_or_else(|| SHARED.to_owned(), |u| u.to_string()),
        form_key: String::new(),
    };
    let page = form_page(
        &state,
        &ctx,
        scope,
        Some(reply.id),
        form,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The unit a form names, as the author's scope allows: unit staff always write for their own.
fn chosen_unit(scope: Scope, raw: &str, lookup: &Lookup) -> Result<Option<UnitId>, ()> {
    match scope {
        Scope::Unit(own) => Ok(Some(own)),
        Scope::None => Err(()),
        Scope::Any if raw == SHARED => Ok(None),
        Scope::Any => UnitId::parse(raw)
            .filter(|u| lookup.unit(*u).is_some())
            .map(Some)
            .ok_or(()),
    }
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<Uuid>,
    form: ReplyForm,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleReports)?;
    let scope = scope_of(current);
    let lookup = Lookup::load(state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let unit = chosen_unit(scope, &form.unit, &lookup);
    if unit.is_err() {
        errors.add_message("unit", "error-unit_unknown");
    }
    let content: Option<Content> = match replies::check(&form.name, &form.text, &form.status) {
        Ok(content) => Some(content),
        Err(problems) => {
            if let Some(e) = problems.title {
                errors.add("name", e);
            }
            if let Some(e) = problems.body {
                errors.add("text", e);
            }
            if let Some(e) = problems.status {
                errors.add("status", e);
            }
            None
        }
    };
    let (Ok(unit), Some(content)) = (unit, content) else {
        let page = form_page(state, ctx, scope, id, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    if let Some(id) = id {
        let kept = store::get(state.db(), scope, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !scope.may_keep(kept.unit) {
            return Err(Error::Forbidden);
        }
    }
    let tx = miasto_store::begin(state.db()).await?;
    if id.is_none() && !miasto_store::form_keys::claim(&tx, "reply", &form.form_key).await? {
        return Ok(Redirect::to("/staff/replies").into_response());
    }
    let saved = match id {
        None => store::create(&tx, unit, &content, current.user.id).await?,
        Some(id) => store::update(&tx, scope, id, unit, &content, current.user.id)
            .await?
            .ok_or(Error::NotFound)?,
    };
    audit::record(
        &tx,
        Some(current.user.id),
        Action::ReplyTemplateSaved,
        Some(Target::reply_template(saved.id)),
        serde_json::json!({
            "title": saved.title,
            "unit": saved.unit.map(|u| u.to_string()),
            "new": id.is_none(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(ctx, "/staff/replies", "flash-saved"))
}

pub async fn create_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ReplyForm>,
) -> Result<Response, Error> {
    save(&state, &ctx, None, form).await
}

pub async fn update_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, Error> {
    let id = Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    save(&state, &ctx, Some(id), form).await
}

pub async fn delete_reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleReports)?;
    let scope = scope_of(current);
    let reply = find(&state, scope, &id).await?;
    let tx = miasto_store::begin(state.db()).await?;
    if !store::delete(&tx, scope, reply.id).await? {
        return Err(Error::Forbidden);
    }
    audit::record(
        &tx,
        Some(current.user.id),
        Action::ReplyTemplateDeleted,
        Some(Target::reply_template(reply.id)),
        serde_json::json!({ "title": reply.title }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, "/staff/replies", "flash-deleted"))
}
