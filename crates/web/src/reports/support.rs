//! Supporting a report instead of sending a duplicate: counted once per person, and the
//! supporter hears about the report's updates. Residents with an account support with one
//! click; others leave an e-mail address.

use super::show::{find_by_number, report_page};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::render;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Email;
use miasto_store::reports::{self, Supporter};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SupportInput {
    pub email: String,
}

pub async fn support_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<SupportInput>,
) -> Result<Response, Error> {
    let report = find_by_number(&state, &year, &number).await?;
    if report.status.is_closed() || report.merged_into.is_some() {
        return Ok(redirect_with_flash(
            &ctx,
            &report.number.path(),
            "flash-support-closed",
        ));
    }
    let supporter = match &ctx.user {
        Some(u) => Supporter::User(u.user.id),
        None => match Email::parse(&input.email) {
            Ok(email) => Supporter::Email(email),
            Err(e) => {
                let mut errors = FieldErrors::new(ctx.locale);
                errors.add("email", e);
                let page = report_page(&state, &ctx, &report, None, input.email, errors).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
            }
        },
    };
    let tx = miasto_store::begin(state.db()).await?;
    let added = reports::support(&tx, report.id, &supporter).await?;
    tx.commit().await?;
    let flash = if added {
        "flash-supported"
    } else {
        "flash-already-supported"
    };
    Ok(redirect_with_flash(&ctx, &report.number.path(), flash))
}
