//! Recording a funded project's realisation.

use super::*;

pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> Result<Response, Error> {
    let t = target(&state, &ctx, &slug, &number).await?;
    if let Err(why) = t.allowed(&ctx, Rule::RecordDelivery) {
        return not_now(&state, &ctx, &t, input, "milestone", why).await;
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let status = Realisation::parse(&input.milestone);
    if status.is_none() {
        errors.add_message("milestone", "budget-error-milestone");
    }
    let on = NaiveDate::parse_from_str(input.on.trim(), "%Y-%m-%d").ok();
    if on.is_none() {
        errors.add_message("on", "budget-error-date");
    }
    let note = input.note.trim().to_owned();
    if note.chars().count() > TEXT_MAX {
        errors.add("note", miasto_domain::FieldError::TooLong);
    }
    let (Some(status), Some(on), true) = (status, on, errors.is_empty()) else {
        return refused(&state, &ctx, &t, input, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let milestone = Milestone {
        status,
        note,
        on,
        by: Some(t.by),
    };
    if let Err(e) = budget::add_milestone(&tx, t.project.id, &milestone).await {
        drop(tx);
        return not_now(&state, &ctx, &t, input, "milestone", refusal(e)?).await;
    }
    let details = serde_json::json!({ "status": status.as_str(), "on": on.to_string() });
    done(
        &state,
        &ctx,
        tx,
        &t,
        Action::BudgetMilestoneAdded,
        details,
        "flash-budget-milestone-added",
    )
    .await
}
