//! Changing a report's status, conditional on the status the page showed.

use super::*;

pub async fn change_report_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<ActionInput>,
) -> Result<Response, Error> {
    let (current, report) = handled_report(&state, &ctx, &year, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let to = errors.check("status", Status::parse(&input.status));
    let message = optional(&input.message, "message", &mut errors);
    let note = optional(&input.note, "note", &mut errors);
    let expected = Status::parse(&input.expected).ok();
    let Some(to) = to.filter(|_| errors.is_empty()) else {
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
    let change = match reports::change_status(
        &tx,
        report.id,
        expected,
        to,
        Some(current.user.id),
        message.clone(),
        note,
    )
    .await
    {
        Ok(change) => change,
        Err(reports::ChangeError::Store(e)) => return Err(e.into()),
        Err(e) => {
            tx.rollback().await?;
            let status = match e {
                reports::ChangeError::Conflict => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            errors.add_message("status", &format!("error-{}", e.code()));
            let report = reports::get(state.db(), report.id)
                .await?
                .ok_or(Error::NotFound)?;
            return refuse(&state, &ctx, &current, report, input, errors, status).await;
        }
    };
    notify_change(&tx, &state, &change, message.as_deref()).await?;
    tx.commit().await?;
    state.wake_worker();
    tracing::info!(report = %report.number, from = %change.from, to = %to, "status changed");
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff{}", report.number.path()),
        "flash-status-changed",
    ))
}
