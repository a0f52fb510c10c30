//! An official decides the author's appeal.

use super::*;

pub async fn decide_appeal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
    Form(input): Form<StepInput>,
) -> Result<Response, Error> {
    let t = target(&state, &ctx, &slug, &number).await?;
    if let Err(why) = t.allowed(&ctx, Rule::DecideAppeal) {
        return not_now(&state, &ctx, &t, input, "decision", why).await;
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let upheld = match input.decision.as_str() {
        "upheld" => Some(true),
        "dismissed" => Some(false),
        _ => {
            errors.add_message("decision", "budget-error-decision");
            None
        }
    };
    let reason = errors.check("reason", required_text(&input.reason, TEXT_MAX));
    let (Some(upheld), Some(reason)) = (upheld, reason) else {
        return refused(&state, &ctx, &t, input, errors).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = budget::decide_appeal(&tx, t.project.id, upheld, &reason, t.by).await {
        drop(tx);
        return not_now(&state, &ctx, &t, input, "decision", refusal(e)?).await;
    }
    let news = if upheld {
        BudgetNews::AppealUpheld
    } else {
        BudgetNews::AppealDismissed
    };
    crate::budget::notify_author(&state, &tx, &t.edition, &t.project, news, &reason).await?;
    let details = serde_json::json!({ "upheld": upheld });
    done(
        &state,
        &ctx,
        tx,
        &t,
        Action::BudgetAppealDecided,
        details,
        "flash-budget-appeal-decided",
    )
    .await
}
