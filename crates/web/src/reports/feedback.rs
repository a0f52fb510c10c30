//! "Was it solved?": the one questionnaire sent when a problem is closed. Answering again
//! replaces the earlier answer.

use crate::context::Ctx;
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::FieldError;
use miasto_store::reports;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    pub solved: String,
    pub score: String,
}

#[derive(Template)]
#[template(path = "reports/feedback.html")]
struct FeedbackPage {
    page: Page,
    number: String,
    token: String,
    solved: String,
    score: String,
    thanks: bool,
    errors: FieldErrors,
}

async fn questionnaire(
    state: &AppState,
    token: &str,
) -> Result<(reports::Feedback, String), Error> {
    let feedback = reports::feedback_by_token(state.db(), token)
        .await?
        .ok_or(Error::NotFound)?;
    let report = reports::get(state.db(), feedback.report)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((feedback, report.number.to_string()))
}

pub async fn show_feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let (feedback, number) = questionnaire(&state, &token).await?;
    Ok(render(&FeedbackPage {
        page: Page::titled(&ctx, "feedback-title"),
        number,
        token,
        solved: feedback
            .solved
            .map(|s| if s { "yes" } else { "no" }.to_owned())
            .unwrap_or_default(),
        score: feedback.score.map(|s| s.to_string()).unwrap_or_default(),
        thanks: false,
        errors: FieldErrors::new(ctx.locale),
    })?
    .into_response())
}

pub async fn answer_feedback(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(input): Form<FeedbackInput>,
) -> Result<Response, Error> {
    let (_, number) = questionnaire(&state, &token).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let solved = match input.solved.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("solved", FieldError::Required);
            None
        }
    };
    let score = match input.score.trim().parse::<u8>() {
        Ok(s @ 1..=5) => Some(s),
        _ => {
            errors.add("score", FieldError::Required);
            None
        }
    };
    let thanks = match (solved, score) {
        (Some(solved), Some(score)) => {
            reports::answer_feedback(state.db(), &token, solved, score).await?
        }
        _ => false,
    };
    let status = if thanks {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FeedbackPage {
        page: Page::titled(&ctx, "feedback-title"),
        number,
        token,
        solved: input.solved,
        score: input.score,
        thanks,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}
