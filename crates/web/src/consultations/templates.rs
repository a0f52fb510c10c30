//! Answer templates: the city's recurring wording for answers to comments ("outside the
//! subject of this resolution"), kept by officials and offered on every consultation's
//! answering page. An answer made from a template is the consultation's own and may be
//! reworded there; changing or deleting a template leaves answers already given as they are.

use super::answers::dispositions;
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::consultations::answers as rules;
use miasto_store::audit;
use miasto_store::consultations::answers::{self as store, AnswerTemplate};
use serde::Deserialize;
use uuid::Uuid;

/// A template as the list shows it.
pub struct TemplateView {
    pub id: String,
    pub title: String,
    pub disposition: String,
    pub kind: &'static str,
    pub justification: String,
}

impl TemplateView {
    fn new(t: &AnswerTemplate, page: &Page) -> Self {
        let d = t.template.answer.disposition.as_str();
        Self {
            id: t.id.to_string(),
            title: t.template.title.clone(),
            disposition: page.t(&format!("consult-disposition-{d}")),
            kind: d,
            justification: t.template.answer.justification.clone(),
        }
    }

    /// The tag's colour class, as on answers.
    pub fn tag_class(&self) -> &'static str {
        super::comments::disposition_class(self.kind)
    }
}

/// The template form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub title: String,
    pub disposition: String,
    pub justification: String,
    /// "save" or "delete" (on a template's own page).
    pub action: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_templates.html")]
struct ListPage {
    page: Page,
    templates: Vec<TemplateView>,
    form: TemplateForm,
    dispositions: Vec<SelectOption>,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "consultations/staff_template.html")]
struct EditPage {
    page: Page,
    id: String,
    form: TemplateForm,
    dispositions: Vec<SelectOption>,
    errors: FieldErrors,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    form: TemplateForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = Page::titled(ctx, "consult-templates-title");
    let templates = store::templates(state.db())
        .await?
        .iter()
        .map(|t| TemplateView::new(t, &page))
        .collect();
    let body = ListPage {
        templates,
        dispositions: dispositions(&page, &form.disposition),
        form,
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

fn edit_page(
    ctx: &Ctx,
    id: Uuid,
    form: TemplateForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = Page::titled(ctx, "consult-template-edit");
    let body = EditPage {
        id: id.to_string(),
        dispositions: dispositions(&page, &form.disposition),
        form,
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// The template as typed, or the fields' problems.
fn checked(form: &TemplateForm, errors: &mut FieldErrors) -> Option<rules::Template> {
    match rules::check_template(&form.title, &form.disposition, &form.justification) {
        Ok(t) => Some(t),
        Err(list) => {
            for (field, e) in list {
                errors.add(field, e);
            }
            None
        }
    }
}

/// `GET /staff/answer-templates`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageConsultations)?;
    let errors = FieldErrors::new(ctx.locale);
    list_page(
        &state,
        &ctx,
        TemplateForm::default(),
        errors,
        StatusCode::OK,
    )
    .await
}

/// `POST /staff/answer-templates`: adds a template.
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TemplateForm>,
) -> Result<Response, Error> {
    let me = ctx.require(Permission::ManageConsultations)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(t) = checked(&form, &mut errors) else {
        return list_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let id = store::add_template(&tx, &t, me).await?;
    audit::record(
        &tx,
        Some(me),
        audit::Action::ConsultationTemplateSaved,
        Some(audit::Target::answer_template(id)),
        serde_json::json!({ "title": t.title }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        "/staff/answer-templates",
        "flash-saved",
    ))
}

async fn find(state: &AppState, id: &str) -> Result<AnswerTemplate, Error> {
    let id = Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    store::template(state.db(), id)
        .await?
        .ok_or(Error::NotFound)
}

/// `GET /staff/answer-templates/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageConsultations)?;
    let t = find(&state, &id).await?;
    let form = TemplateForm {
        title: t.template.title.clone(),
        disposition: t.template.answer.disposition.as_str().to_owned(),
        justification: t.template.answer.justification.clone(),
        action: String::new(),
    };
    edit_page(
        &ctx,
        t.id,
        form,
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
}

/// `POST /staff/answer-templates/{id}`: saves (`action=save`) or deletes (`action=delete`).
pub async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<TemplateForm>,
) -> Result<Response, Error> {
    let me = ctx.require(Permission::ManageConsultations)?.user.id;
    let t = find(&state, &id).await?;
    let tx = miasto_store::begin(state.db()).await?;
    let (done, action, flash) = if form.action == "delete" {
        (
            store::delete_template(&tx, t.id).await?,
            audit::Action::ConsultationTemplateDeleted,
            "flash-consult-template-deleted",
        )
    } else {
        let mut errors = FieldErrors::new(ctx.locale);
        let Some(new) = checked(&form, &mut errors) else {
            tx.rollback().await?;
            return edit_page(&ctx, t.id, form, errors, StatusCode::UNPROCESSABLE_ENTITY);
        };
        (
            store::change_template(&tx, t.id, &new, me).await?,
            audit::Action::ConsultationTemplateSaved,
            "flash-saved",
        )
    };
    if !done {
        tx.rollback().await?;
        return Err(Error::NotFound);
    }
    audit::record(
        &tx,
        Some(me),
        action,
        Some(audit::Target::answer_template(t.id)),
        serde_json::json!({ "title": t.template.title }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, "/staff/answer-templates", flash))
}
