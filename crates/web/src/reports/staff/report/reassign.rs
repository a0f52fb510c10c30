//! Moving a report to another unit, with a reason.

use super::*;

pub async fn reassign_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<ActionInput>,
) -> Result<Response, Error> {
    let (current, report) = handled_report(&state, &ctx, &year, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let unit = match UnitId::parse(&input.unit) {
        Some(id)
            if miasto_store::reference::get_unit(state.db(), id)
                .await?
                .is_some_and(|u| u.active) =>
        {
            Some(id)
        }
        _ => {
            errors.add("unit", FieldError::UnitUnknown);
            None
        }
    };
    let reason = errors.check(
        "reason",
        miasto_domain::required_text(&input.reason, MESSAGE_MAX),
    );
    let (Some(unit), Some(reason)) = (unit, reason) else {
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
    if !reports::reassign(state.db(), report.id, current.user.id, unit, reason.clone()).await? {
        // Already in that unit, or changed by someone else since the page was read.
        let report = reports::get(state.db(), report.id)
            .await?
            .ok_or(Error::NotFound)?;
        if report.unit != unit {
            errors.add_message("unit", "error-report_changed_meanwhile");
            return refuse(
                &state,
                &ctx,
                &current,
                report,
                input,
                errors,
                StatusCode::CONFLICT,
            )
            .await;
        }
    }
    tracing::info!(report = %report.number, unit = %unit, "report reassigned");
    // Unit staff who pass a report on no longer handle it: back to their queue.
    let to = if can_handle(
        &current,
        &reports::get(state.db(), report.id)
            .await?
            .ok_or(Error::NotFound)?,
    ) {
        format!("/staff{}", report.number.path())
    } else {
        "/staff/queue".to_owned()
    };
    Ok(redirect_with_flash(&ctx, &to, "flash-reassigned"))
}
