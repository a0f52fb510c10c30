//! An official hands a project to a city unit for verification.

use super::*;

pub async fn assign_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> Result<Response, Error> {
    let t = target(&state, &ctx, &slug, &number).await?;
    if let Err(why) = t.allowed(&ctx, Rule::Assign) {
        return not_now(&state, &ctx, &t, input, "unit", why).await;
    }
    let unit = uuid::Uuid::try_parse(&input.unit).ok().map(UnitId);
    let units = miasto_store::reference::list_units(state.db()).await?;
    let Some(unit) = unit.filter(|u| units.iter().any(|known| known.id == *u)) else {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add_message("unit", "budget-error-unit");
        return refused(&state, &ctx, &t, input, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = budget::assign(&tx, t.project.id, unit).await {
        drop(tx);
        return not_now(&state, &ctx, &t, input, "unit", refusal(e)?).await;
    }
    let details = serde_json::json!({ "unit": unit.to_string() });
    done(
        &state,
        &ctx,
        tx,
        &t,
        Action::BudgetProjectAssigned,
        details,
        "flash-budget-assigned",
    )
    .await
}
