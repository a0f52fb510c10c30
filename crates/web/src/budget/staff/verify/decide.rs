//! An official puts the project on the ballot or leaves it off.

use super::*;

/// Puts the project on the ballot or leaves it off (between submissions and voting).
pub async fn decide_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> Result<Response, Error> {
    let t = target(&state, &ctx, &slug, &number).await?;
    if let Err(why) = t.allowed(&ctx, Rule::Decide) {
        return not_now(&state, &ctx, &t, input, "decision", why).await;
    }
    let Some(status) = (match input.decision.as_str() {
        "accepted" => Some(ProjectStatus::Accepted),
        "rejected" => Some(ProjectStatus::Rejected),
        _ => None,
    }) else {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add_message("decision", "budget-error-decision");
        return refused(&state, &ctx, &t, input, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    // From the status the official saw: a withdrawal or another decision made meanwhile
    // stands.
    let seen = ProjectStatus::parse(&input.seen).unwrap_or(t.project.status);
    if let Err(e) = budget::decide(&tx, t.project.id, seen, status).await {
        drop(tx);
        return not_now(&state, &ctx, &t, input, "decision", refusal(e)?).await;
    }
    let news = if status == ProjectStatus::Accepted {
        BudgetNews::Accepted
    } else {
        BudgetNews::Rejected
    };
    crate::budget::notify_author(&state, &tx, &t.edition, &t.project, news, "").await?;
    let details = serde_json::json!({ "status": status.as_str() });
    done(
        &state,
        &ctx,
        tx,
        &t,
        Action::BudgetProjectDecided,
        details,
        "flash-budget-decided",
    )
    .await
}
