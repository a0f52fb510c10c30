//! A reasoned correction: a recount shown on the results page.

use super::*;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CorrectInput {
    pub reason: String,
}

/// Corrects published results: a new count, with the reason shown on the results page.
pub async fn correct_results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CorrectInput>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::Correct, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let Ok(reason) = miasto_domain::required_text(&input.reason, 2_000) else {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/staff/budget/{slug}"),
            "flash-budget-correction-reason",
        ));
    };
    let tx = miasto_store::begin(state.db()).await?;
    budget::recount(&tx, &edition, Some(official), Some(&reason)).await?;
    audit::record(
        &tx,
        Some(official),
        Action::BudgetCorrected,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/budget/{slug}/results"),
        "flash-budget-corrected",
    ))
}
