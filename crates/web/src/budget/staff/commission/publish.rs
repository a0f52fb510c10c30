//! Publishing a complete count.

use super::*;

pub async fn publish_results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::Publish, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let tx = miasto_store::begin(state.db()).await?;
    budget::publish(&tx, edition.id).await?;
    let totals = budget::ballot_totals(&tx, edition.id).await?;
    audit::record(
        &tx,
        Some(official),
        Action::BudgetPublished,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({
            "online": totals.online, "paper": totals.paper, "counter": totals.counter,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/budget/{slug}/results"),
        "flash-budget-published",
    ))
}
