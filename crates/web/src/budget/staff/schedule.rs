//! Changing an edition's schedule: what already happened stays as it was.

use super::*;

pub async fn change_schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<ScheduleInput>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::MoveSchedule, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((schedule, results_due)) = input.read(&mut errors) else {
        let page = manage_page(&state, &ctx, &edition, input, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    match budget::set_schedule(&tx, &edition, &schedule, results_due).await {
        Ok(()) => {}
        Err(ScheduleChange::Schedule(_)) => {
            drop(tx);
            errors.add_message("submission_from", "budget-error-schedule-past");
            let page = manage_page(&state, &ctx, &edition, input, errors).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(ScheduleChange::Budget(e)) => return Err(e.into()),
    }
    audit::record(
        &tx,
        Some(official),
        Action::BudgetScheduleChanged,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({
            "submission": [input.submission_from, input.submission_to],
            "appeals": [input.appeals_from, input.appeals_to],
            "voting": [input.voting_from, input.voting_to],
            "results_due": input.results_due,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/budget/{slug}"),
        "flash-budget-schedule-saved",
    ))
}
