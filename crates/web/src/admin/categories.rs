//! Report categories for problems and ideas. Deactivating a category hides it from new
//! reports; it is never deleted, because old reports keep pointing at it.

use super::checked;
use super::questions::QuestionForm;
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::reference::{Code, Names, ReportKind};
use miasto_domain::{CategoryId, FieldError, Permission};
use miasto_store::audit::{self, Action, Target};
use miasto_store::reference::{self, Category, CategoryInput, SaveError};
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CategoryForm {
    pub code: String,
    pub kind: String,
    pub name_pl: String,
    pub name_en: String,
    pub position: String,
    pub active: Option<String>,
    /// Metres within which open reports are offered as possible duplicates.
    pub radius: String,
    /// A new category's default unit (its routing rule for any district).
    pub unit: String,
    /// Idempotency key of a "new" form: a double-click creates once.
    pub form_key: String,
}

impl CategoryForm {
    fn from_category(c: &Category) -> Self {
        Self {
            code: c.code.as_str().to_owned(),
            kind: c.kind.as_str().to_owned(),
            name_pl: c.names.pl.clone(),
            name_en: c.names.en.clone(),
            position: c.position.to_string(),
            active: c.active.then(|| "on".to_owned()),
            radius: c.duplicate_radius_m.to_string(),
            unit: String::new(),
            form_key: String::new(),
        }
    }

    fn parse(&self, errors: &mut FieldErrors) -> Option<CategoryInput> {
        let code = errors.check("code", Code::parse(&self.code));
        let kind = errors.check("kind", ReportKind::parse(&self.kind));
        let names = match Names::parse(&self.name_pl, &self.name_en) {
            Ok(names) => Some(names),
            Err((pl, en)) => {
                pl.into_iter().for_each(|e| errors.add("name_pl", e));
                en.into_iter().for_each(|e| errors.add("name_en", e));
                None
            }
        };
        let position = match self.position.trim() {
            "" => Some(0),
            raw => errors.check(
                "position",
                raw.parse::<i32>().map_err(|_| FieldError::NumberInvalid),
            ),
        };
        let radius = match self.radius.trim() {
            "" => Some(CategoryInput::DEFAULT_RADIUS_M),
            raw => errors.check(
                "radius",
                raw.parse::<i32>()
                    .ok()
                    .filter(|r| (10..=CategoryInput::MAX_RADIUS_M).contains(r))
                    .ok_or(FieldError::NumberInvalid),
            ),
        };
        Some(CategoryInput {
            code: code?,
            kind: kind?,
            names: names?,
            position: position?,
            active: checked(&self.active),
            duplicate_radius_m: radius?,
        })
    }
}

struct Row {
    category: Category,
    kind: String,
}

#[derive(Template)]
#[template(path = "admin/categories.html")]
struct CategoriesPage {
    page: Page,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "admin/category_form.html")]
pub(super) struct CategoryFormPage {
    page: Page,
    id: Option<CategoryId>,
    form: CategoryForm,
    kinds: Vec<SelectOption>,
    /// Units to route a new category to (empty when editing: routing has its own page).
    units: Vec<SelectOption>,
    /// The category's questions (when editing).
    questions: Vec<QuestionRow>,
    /// The form adding (or changing) a question.
    question: QuestionForm,
    datatypes: Vec<SelectOption>,
    errors: FieldErrors,
}

pub struct QuestionRow {
    pub code: String,
    pub text: String,
    pub datatype: String,
    pub required: bool,
    pub choices: String,
}

pub async fn list_categories(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let rows = reference::list_categories(state.db())
        .await?
        .into_iter()
        .map(|category| Row {
            kind: crate::i18n::t(ctx.locale, &format!("kind-{}", category.kind.as_str())),
            category,
        })
        .collect();
    Ok(render(&CategoriesPage {
        page: Page::titled(&ctx, "admin-categories-title"),
        rows,
    })?
    .into_response())
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<CategoryId>,
    form: CategoryForm,
    errors: FieldErrors,
) -> Result<CategoryFormPage, Error> {
    let questions = match id {
        Some(id) => reference::get_category(state.db(), id)
            .await?
            .map(|c| c.questions)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    form_page_with(
        state,
        ctx,
        id,
        form,
        &questions,
        QuestionForm::default(),
        errors,
    )
    .await
}

/// The edit page of `category` with the question form as given (it came back with errors).
pub(super) async fn category_page(
    state: &AppState,
    ctx: &Ctx,
    category: &Category,
    question: QuestionForm,
    errors: FieldErrors,
) -> Result<CategoryFormPage, Error> {
    let form = CategoryForm::from_category(category);
    form_page_with(
        state,
        ctx,
        Some(category.id),
        form,
        &category.questions,
        question,
        errors,
    )
    .await
}

async fn form_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: Option<CategoryId>,
    form: CategoryForm,
    questions: &[miasto_domain::questions::Question],
    question: QuestionForm,
    errors: FieldErrors,
) -> Result<CategoryFormPage, Error> {
    let rows = questions
        .iter()
        .map(|q| QuestionRow {
            code: q.code.as_str().to_owned(),
            text: q.text.get(ctx.locale).to_owned(),
            datatype: crate::i18n::t(ctx.locale, &format!("datatype-{}", q.datatype.as_str())),
            required: q.required,
            choices: q
                .choices
                .iter()
                .map(|c| c.name.get(ctx.locale))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let datatypes = options(
        miasto_domain::questions::Datatype::ALL.iter().map(|d| {
            (
                d.as_str(),
                crate::i18n::t(ctx.locale, &format!("datatype-{}", d.as_str())),
            )
        }),
        &question.datatype,
    );
    let title = if id.is_some() {
        "admin-category-edit-title"
    } else {
        "admin-category-new-title"
    };
    let units = if id.is_none() {
        let units = reference::list_units(state.db()).await?;
        options(
            units.iter().filter(|u| u.active).map(|u| {
                (
                    u.id.to_string(),
                    format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                )
            }),
            &form.unit,
        )
    } else {
        Vec::new()
    };
    Ok(CategoryFormPage {
        page: Page::titled(ctx, title),
        id,
        kinds: options(
            ReportKind::ALL.iter().map(|k| {
                (
                    k.as_str(),
                    crate::i18n::t(ctx.locale, &format!("kind-{}", k.as_str())),
                )
            }),
            &form.kind,
        ),
        units,
        form,
        questions: rows,
        question,
        datatypes,
        errors,
    })
}

pub async fn show_new_category(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let form = CategoryForm {
        kind: ReportKind::Problem.as_str().to_owned(),
        position: "0".into(),
        active: Some("on".into()),
        ..Default::default()
    };
    Ok(
        render(&form_page(&state, &ctx, None, form, FieldErrors::new(ctx.locale)).await?)?
            .into_response(),
    )
}

async fn find_category(state: &AppState, id: &str) -> Result<Category, Error> {
    let id = CategoryId::parse(id).ok_or(Error::NotFound)?;
    reference::get_category(state.db(), id)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    /// A question to change: the question form starts filled with it.
    pub question: String,
}

pub async fn show_category(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let category = find_category(&state, &id).await?;
    let question = category
        .questions
        .iter()
        .find(|x| x.code.as_str() == q.question)
        .map(QuestionForm::from_question)
        .unwrap_or_default();
    let page = category_page(
        &state,
        &ctx,
        &category,
        question,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: Option<CategoryId>,
    form: CategoryForm,
) -> Result<Response, Error> {
    let admin = ctx.require(Permission::ManageReferenceData)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let input = form.parse(&mut errors);
    // A new category needs a unit to route to, so that every report has one.
    let unit = match (id, miasto_domain::UnitId::parse(&form.unit)) {
        (Some(_), _) => None,
        (None, Some(unit)) if reference::get_unit(state.db(), unit).await?.is_some() => Some(unit),
        (None, _) => {
            errors.add("unit", FieldError::UnitUnknown);
            None
        }
    };
    let Some(input) = input.filter(|_| errors.is_empty()) else {
        let page = form_page(state, ctx, id, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    if id.is_none() && !miasto_store::form_keys::claim(&tx, "category", &form.form_key).await? {
        return Ok(axum::response::Redirect::to("/admin/categories").into_response());
    }
    let saved = match id {
        None => reference::create_category(&tx, &input).await.map(Some),
        Some(id) => reference::update_category(&tx, id, &input).await,
    };
    let category = match saved {
        Ok(Some(category)) => category,
        Ok(None) => return Err(Error::NotFound),
        Err(SaveError::CodeTaken) => {
            errors.add_message("code", "error-code-taken");
            let page = form_page(state, ctx, id, form, errors).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(SaveError::Store(e)) => return Err(e.into()),
    };
    if let Some(unit) = unit {
        miasto_store::routing::set_rule(&tx, category.id, None, unit).await?;
    }
    let action = if id.is_some() {
        Action::CategoryUpdated
    } else {
        Action::CategoryCreated
    };
    let details = serde_json::json!({
        "code": category.code.as_str(),
        "kind": category.kind.as_str(),
        "active": category.active,
    });
    audit::record(
        &tx,
        Some(admin),
        action,
        Some(Target::category(category.id)),
        details,
    )
    .await?;
    tx.commit().await?;
    state.lookup_cache().forget();
    Ok(redirect_with_flash(ctx, "/admin/categories", "flash-saved"))
}

pub async fn create_category(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<CategoryForm>,
) -> Result<Response, Error> {
    save(&state, &ctx, None, form).await
}

pub async fn update_category(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CategoryForm>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let category = find_category(&state, &id).await?;
    save(&state, &ctx, Some(category.id), form).await
}
