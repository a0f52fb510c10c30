//! A category's extra questions (asked on the web form, in the app and as Open311
//! attributes): admins add, change and remove them on the category's page. A question with
//! the code of an existing one replaces it. Reports keep the answers they were sent with;
//! answers to removed questions stay readable for staff by their codes.

use super::categories::category_page;
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::render;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::questions::{Choice, Datatype, Question};
use miasto_domain::reference::{Code, Names};
use miasto_domain::{CategoryId, FieldError, Permission};
use miasto_store::audit::{self, Action, Target};
use miasto_store::reference::{self, Category};
use serde::Deserialize;

/// The question form, kept as typed when it comes back with errors.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    // Prefixed in the form: the category's own form on the same page has `code`.
    #[serde(rename = "q_code")]
    pub code: String,
    pub datatype: String,
    pub required: Option<String>,
    #[serde(rename = "q_text_pl")]
    pub text_pl: String,
    #[serde(rename = "q_text_en")]
    pub text_en: String,
    #[serde(rename = "q_hint_pl")]
    pub hint_pl: String,
    #[serde(rename = "q_hint_en")]
    pub hint_en: String,
    /// One choice per line: `key | Polish name | English name`.
    pub choices: String,
}

impl QuestionForm {
    pub fn from_question(q: &Question) -> Self {
        Self {
            code: q.code.as_str().to_owned(),
            datatype: q.datatype.as_str().to_owned(),
            required: q.required.then(|| "on".to_owned()),
            text_pl: q.text.pl.clone(),
            text_en: q.text.en.clone(),
            hint_pl: q.hint.as_ref().map(|h| h.pl.clone()).unwrap_or_default(),
            hint_en: q.hint.as_ref().map(|h| h.en.clone()).unwrap_or_default(),
            choices: q
                .choices
                .iter()
                .map(|c| format!("{} | {} | {}", c.key.as_str(), c.name.pl, c.name.en))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn parse(&self, errors: &mut FieldErrors) -> Option<Question> {
        let code = errors.check("q_code", Code::parse(&self.code));
        let datatype = Datatype::parse(&self.datatype);
        if datatype.is_none() {
            errors.add("q_datatype", FieldError::KindUnknown);
        }
        let text = names(
            &self.text_pl,
            &self.text_en,
            ("q_text_pl", "q_text_en"),
            errors,
        );
        let hint = if self.hint_pl.trim().is_empty() && self.hint_en.trim().is_empty() {
            Some(None)
        } else {
            names(
                &self.hint_pl,
                &self.hint_en,
                ("q_hint_pl", "q_hint_en"),
                errors,
            )
            .map(Some)
        };
        let mut choices = Vec::new();
        for line in self.choices.lines().filter(|l| !l.trim().is_empty()) {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let parsed = match parts.as_slice() {
                [key, pl, en] => Code::parse(key)
                    .ok()
                    .zip(Names::parse(pl, en).ok())
                    .map(|(key, name)| Choice { key, name }),
                _ => None,
            };
            match parsed {
                Some(choice) if !choices.iter().any(|c: &Choice| c.key == choice.key) => {
                    choices.push(choice);
                }
                _ => {
                    let message = crate::i18n::t_args(
                        errors.locale(),
                        "error-question-choice-line",
                        &[("line", line.trim())],
                    );
                    errors.add_text("q_choices", message);
                    return None;
                }
            }
        }
        if let Some(datatype) = datatype
            && datatype.has_values() == choices.is_empty()
        {
            let id = if datatype.has_values() {
                "error-question-choices-needed"
            } else {
                "error-question-choices-only-for-lists"
            };
            errors.add_message("q_choices", id);
        }
        Some(Question {
            code: code?,
            datatype: datatype?,
            required: self.required.is_some(),
            text: text?,
            hint: hint?,
            choices,
        })
        .filter(|_| errors.is_empty())
    }
}

fn names(
    pl: &str,
    en: &str,
    fields: (&'static str, &'static str),
    errors: &mut FieldErrors,
) -> Option<Names> {
    match Names::parse(pl, en) {
        Ok(names) => Some(names),
        Err((e_pl, e_en)) => {
            e_pl.into_iter().for_each(|e| errors.add(fields.0, e));
            e_en.into_iter().for_each(|e| errors.add(fields.1, e));
            None
        }
    }
}

async fn find(state: &AppState, id: &str) -> Result<Category, Error> {
    let id = CategoryId::parse(id).ok_or(Error::NotFound)?;
    reference::get_category(state.db(), id)
        .await?
        .ok_or(Error::NotFound)
}

/// Writes the new list of questions with an audit entry, and forgets cached reference data.
async fn store(
    state: &AppState,
    ctx: &Ctx,
    category: &Category,
    questions: &[Question],
    change: serde_json::Value,
) -> Result<(), Error> {
    let admin = ctx.require(Permission::ManageReferenceData)?.user.id;
    reference::check_questions(questions).map_err(Error::internal)?;
    let tx = miasto_store::begin(state.db()).await?;
    reference::set_questions(&tx, category.id, questions).await?;
    audit::record(
        &tx,
        Some(admin),
        Action::CategoryUpdated,
        Some(Target::category(category.id)),
        serde_json::json!({ "code": category.code.as_str(), "questions": change }),
    )
    .await?;
    tx.commit().await?;
    state.lookup_cache().forget();
    Ok(())
}

/// `POST /admin/categories/{id}/questions`: adds a question, or replaces the one with its code.
pub async fn save_question(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<QuestionForm>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let category = find(&state, &id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let parsed = form.parse(&mut errors);
    let mut questions = category.questions.clone();
    if let Some(q) = &parsed
        && !questions.iter().any(|e| e.code == q.code)
        && questions.len() >= reference::QUESTIONS_MAX
    {
        errors.add_message("q_code", "error-questions-too-many");
    }
    let Some(question) = parsed.filter(|_| errors.is_empty()) else {
        let page = category_page(&state, &ctx, &category, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let code = question.code.as_str().to_owned();
    match questions.iter_mut().find(|q| q.code == question.code) {
        Some(existing) => *existing = question,
        None => questions.push(question),
    }
    store(
        &state,
        &ctx,
        &category,
        &questions,
        serde_json::json!({ "saved": code }),
    )
    .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/admin/categories/{}#questions", category.id),
        "flash-question-saved",
    ))
}

/// `POST /admin/categories/{id}/questions/{code}/delete`.
pub async fn delete_question(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageReferenceData)?;
    let category = find(&state, &id).await?;
    let mut questions = category.questions.clone();
    let before = questions.len();
    questions.retain(|q| q.code.as_str() != code);
    if questions.len() == before {
        return Err(Error::NotFound);
    }
    store(
        &state,
        &ctx,
        &category,
        &questions,
        serde_json::json!({ "removed": code }),
    )
    .await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/admin/categories/{}#questions", category.id),
        "flash-question-removed",
    ))
}
