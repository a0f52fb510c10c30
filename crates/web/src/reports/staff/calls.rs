//! Hotline call volumes: the telephony system exports calls per day as CSV; the hotline's
//! staff upload it (or paste it) here, and the statistics show calls per month. A day
//! imported again takes the newer figure.

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, MultipartForm};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::stats::{Month, Period};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallsInput {
    /// Pasted instead of a file.
    pub text: String,
}

#[derive(Template)]
#[template(path = "staff/calls.html")]
struct CallsPage {
    page: Page,
    text: String,
    /// The last twelve months: (month, days with figures, calls).
    months: Vec<(String, usize, u64)>,
    errors: FieldErrors,
}

async fn calls_page(
    state: &AppState,
    ctx: &Ctx,
    text: String,
    errors: FieldErrors,
) -> Result<CallsPage, Error> {
    let this = Month::of(miasto_store::now());
    let period = Period::new(this.plus(-11), this).unwrap_or(Period::month(this));
    let mut months: Vec<(String, usize, u64)> =
        miasto_store::stats::hotline_months(state.db(), period)
            .await?
            .into_iter()
            .map(|(m, days, calls)| (m.to_string(), days, calls))
            .collect();
    months.reverse();
    Ok(CallsPage {
        page: Page::titled(ctx, "staff-calls-title"),
        text,
        months,
        errors,
    })
}

pub async fn show_calls(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::RecordReportsForCallers)?;
    let page = calls_page(&state, &ctx, String::new(), FieldErrors::new(ctx.locale)).await?;
    Ok(render(&page)?.into_response())
}

pub async fn import_calls(
    State(state): State<AppState>,
    ctx: Ctx,
    MultipartForm {
        fields: input,
        files,
        ..
    }: MultipartForm<CallsInput>,
) -> Result<Response, Error> {
    let staff = ctx.require(Permission::RecordReportsForCallers)?.user.id;
    let text = match files.iter().find(|f| f.field == "file") {
        Some(file) => String::from_utf8_lossy(&file.bytes).into_owned(),
        None => input.text.clone(),
    };
    let days = match miasto_domain::stats::parse_calls(&text) {
        Ok(days) => days,
        Err(problems) => {
            let mut errors = FieldErrors::new(ctx.locale);
            for p in problems.iter().take(20) {
                let message = crate::i18n::t_args(
                    ctx.locale,
                    &format!("error-{}", p.code),
                    &[("line", &p.line.to_string())],
                );
                errors.add_text("file", message);
            }
            let page = calls_page(&state, &ctx, input.text, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    let written = miasto_store::stats::import_calls(&tx, &days, Some(staff)).await?;
    tx.commit().await?;
    tracing::info!(days = written, "hotline call volumes imported");
    Ok(redirect_with_flash(
        &ctx,
        "/staff/hotline-calls",
        "flash-calls-imported",
    ))
}
