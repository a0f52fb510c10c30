//! The unit records its formal and merit assessment.

use super::*;

pub async fn assess_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> Result<Response, Error> {
    let t = target(&state, &ctx, &slug, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let stage = Stage::parse(&input.stage);
    if stage.is_none() {
        errors.add_message("stage", "budget-error-stage");
    }
    let positive = match input.outcome.as_str() {
        "positive" => Some(true),
        "negative" => Some(false),
        _ => {
            errors.add_message("outcome", "budget-error-outcome");
            None
        }
    };
    let justification = errors.check(
        "justification",
        required_text(&input.justification, TEXT_MAX),
    );
    let corrected = if input.corrected_cost.trim().is_empty() {
        None
    } else {
        let parsed = parse_amount(&input.corrected_cost).filter(|a| *a > 0);
        if parsed.is_none() {
            errors.add_message("corrected_cost", "budget-error-amount");
        }
        parsed
    };
    let (Some(stage), Some(positive), Some(justification), true) =
        (stage, positive, justification, errors.is_empty())
    else {
        return refused(&state, &ctx, &t, input, errors).await;
    };
    let rule = if corrected.is_some() {
        Rule::ChangeCost
    } else {
        Rule::Assess
    };
    if let Err(why) = t.allowed(&ctx, rule) {
        return not_now(&state, &ctx, &t, input, "outcome", why).await;
    }
    let tx = miasto_store::begin(state.db()).await?;
    let assessment = Assessment {
        stage,
        positive,
        justification,
        corrected_cost: corrected,
        unit: t.project.unit,
        by: Some(t.by),
        at: miasto_store::now(),
    };
    if let Err(e) = budget::assess(&tx, t.project.id, &assessment).await {
        drop(tx);
        return not_now(&state, &ctx, &t, input, "outcome", refusal(e)?).await;
    }
    let details = serde_json::json!({
        "stage": stage.as_str(), "positive": positive, "corrected_cost": corrected,
    });
    done(
        &state,
        &ctx,
        tx,
        &t,
        Action::BudgetProjectAssessed,
        details,
        "flash-budget-assessed",
    )
    .await
}
