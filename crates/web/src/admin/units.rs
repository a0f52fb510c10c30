//! City units: the departments, authorities and companies that handle residents' matters.

use super::checked;
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::reference::{Code, Names};
use miasto_domain::{Email, Permission, UnitId, optional_text};
use miasto_store::audit::{self, Action, Target};
use miasto_store::reference::{self, SaveError, Unit, UnitInput};
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct UnitForm {
    pub code: String,
    pub name_pl: String,
    pub name_en: String,
    pub email: String,
    pub active: Option<String>,
    /// Idempotency key of a "new" form: a double-click creates once.
    pub form_key: String,
}

impl UnitForm {
    fn from_unit(unit: &Unit) -> Self {
        Self {
            code: unit.code.as_str().to_owned(),
            name_pl: unit.names.pl.clone(),
            name_en: unit.names.en.clone(),
            email: unit.email.clone().unwrap_or_default(),
            active: unit.active.then(|| "on".to_owned()),
            form_key: String::new(),
        }
    }

    fn parse(&self, errors: &mut FieldErrors) -> Option<UnitInput> {
        let code = errors.check("code", Code::parse(&self.code));
        let names = match Names::parse(&self.name_pl, &self.name_en) {
            Ok(names) => Some(names),
            Err((pl, en)) => {
                pl.into_iter().for_each(|e| errors.add("name_pl", e));
                en.into_iter().for_each(|e| errors.add("name_en", e));
                None
            }
        };
        let email = match optional_text(&self.email, Email::MAX_LEN) {
            Ok(Some(raw)) => errors.check("email", Email::parse(&raw)).map(Some),
            Ok(None) => Some(None),
            Err(e) => {
                errors.add("email", e);
                None
            }
        };
        Some(UnitInput {
            code: code?,
            names: names?,
            email: email?,
            active: checked(&self.active),
        })
    }
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage {
    page: Page,
    units: Vec<Unit>,
}

#[derive(Template)]
#[template(path = "admin/unit_form.html")]
struct UnitFormPage {
    page: Page,
    /// `None` for a new unit.
    id: Option<UnitId>,
    form: UnitForm,
    errors: FieldErrors,
}

pub async fn list_units(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    Ok(render(&UnitsPage {
        page: Page::titled(&ctx, "admin-units-title"),
        units: reference::list_units(state.db()).await?,
    })?
    .into_response())
}

fn form_page(ctx: &Ctx, id: Option<UnitId>, form: UnitForm, errors: FieldErrors) -> UnitFormPage {
    let title = if id.is_some() {
        "admin-unit-edit-title"
    } else {
        "admin-unit-new-title"
    };
    UnitFormPage {
        page: Page::titled(ctx, title),
        id,
        form,
        errors,
    }
}

pub async fn show_new_unit(ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let form = UnitForm {
        active: Some("on".into()),
        ..Default::default()
    };
    Ok(render(&form_page(&ctx, None, form, FieldErrors::new(ctx.locale)))?.into_response())
}

async fn find_unit(state: &AppState, id: &str) -> Result<Unit, Error> {
    let id = UnitId::parse(id).ok_or(Error::NotFound)?;
    reference::get_unit(state.db(), id)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn show_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let unit = find_unit(&state, &id).await?;
    let form = UnitForm::from_unit(&unit);
    Ok(render(&form_page(
        &ctx,
        Some(unit.id),
        form,
        FieldErrors::new(ctx.locale),
    ))?
    .into_response())
}

/// Saves a new (`id` = `None`) or existing unit and audits it, or re-renders with errors.
async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<UnitId>,
    form: UnitForm,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageReferenceData)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(input) = form.parse(&mut errors) else {
        let page = form_page(ctx, id, form, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    if id.is_none() && !miasto_store::form_keys::claim(&tx, "unit", &form.form_key).await? {
        return Ok(axum::response::Redirect::to("/admin/units").into_response());
    }
    let saved = match id {
        None => reference::create_unit(&tx, &input).await.map(Some),
        Some(id) => reference::update_unit(&tx, id, &input).await,
    };
    let unit = match saved {
        Ok(Some(unit)) => unit,
        Ok(None) => return Err(Error::NotFound),
        Err(SaveError::CodeTaken) => {
            errors.add_message("code", "error-code-taken");
            let page = form_page(ctx, id, form, errors);
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(SaveError::Store(e)) => return Err(e.into()),
    };
    let action = if id.is_some() {
        Action::UnitUpdated
    } else {
        Action::UnitCreated
    };
    let details = serde_json::json!({ "code": unit.code.as_str(), "active": unit.active });
    audit::record(
        &tx,
        Some(admin),
        action,
        Some(Target::unit(unit.id)),
        details,
    )
    .await?;
    tx.commit().await?;
    state.lookup_cache().forget();
    Ok(redirect_with_flash(ctx, "/admin/units", "flash-saved"))
}

pub async fn create_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UnitForm>,
) -> Result<Response, Error> {
    save(&state, &ctx, None, form).await
}

pub async fn update_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<UnitForm>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let unit = find_unit(&state, &id).await?;
    save(&state, &ctx, Some(unit.id), form).await
}
