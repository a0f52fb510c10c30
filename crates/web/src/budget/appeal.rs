//! An author appeals a negative verification from the project's public page while appeals
//! are open (officials decide it on the staff page).

use crate::budget::staff::verify::{TEXT_MAX, load_project};
use crate::budget::{load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::Form;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::response::Response;
use miasto_domain::budget::Action as Rule;
use miasto_domain::required_text;
use miasto_store::budget;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppealInput {
    pub reason: String,
}

/// The author appeals a negative result while appeals are open.
pub async fn file_appeal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(input): Form<AppealInput>,
) -> Result<Response, Error> {
    let user = ctx.require_user()?.user.id;
    let edition = load_edition(&state, &slug).await?;
    let project = load_project(&state, &edition, &number, None).await?;
    let facts = rules::facts(&state, &project).await?;
    let back = format!("/budget/{slug}/projects/{}", project.number);
    rules::require(&ctx, Rule::Appeal, &edition, Some(&facts))?;
    let Ok(reason) = required_text(&input.reason, TEXT_MAX) else {
        return Ok(redirect_with_flash(
            &ctx,
            &back,
            "flash-budget-appeal-empty",
        ));
    };
    let tx = miasto_store::begin(state.db()).await?;
    budget::file_appeal(&tx, project.id, user, &reason).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &back,
        "flash-budget-appeal-filed",
    ))
}
