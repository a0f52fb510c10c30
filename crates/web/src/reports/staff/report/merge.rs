//! Merging a duplicate into another report of the same unit (the contact centre: any).

use super::*;

pub async fn merge_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<ActionInput>,
) -> Result<Response, Error> {
    let (current, report) = handled_report(&state, &ctx, &year, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let target = match TrackingNumber::parse(&input.target) {
        Ok(n) => reports::get_by_number(state.db(), n).await?,
        Err(e) => {
            errors.add("target", e);
            None
        }
    };
    let Some(target) = target else {
        if errors.is_empty() {
            errors.add_message("target", "error-report_not_found");
        }
        return refuse(
            &state,
            &ctx,
            &current,
            report,
            input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let merged = match reports::merge(
        &tx,
        report.id,
        target.id,
        current.user.id,
        unit_scope(&current),
    )
    .await
    {
        Ok(merged) => merged,
        Err(reports::MergeError::Store(e)) => return Err(e.into()),
        Err(e) => {
            tx.rollback().await?;
            errors.add_message("target", &format!("error-{}", e.code()));
            return refuse(
                &state,
                &ctx,
                &current,
                report,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    notify::merged(&tx, &state, &merged, &target).await?;
    tx.commit().await?;
    state.wake_worker();
    tracing::info!(report = %report.number, into = %target.number, "report merged");
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff{}", report.number.path()),
        "flash-merged",
    ))
}
