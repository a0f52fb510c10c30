//! Replacing a passage of the public text that shows personal data.

use super::*;

pub async fn redact_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<ActionInput>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ModerateReports)?.clone();
    let report = find_by_number(&state, &year, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let text = errors.check(
        "public_text",
        miasto_domain::required_text(
            &input.public_text,
            miasto_domain::reports::Description::MAX_CHARS,
        ),
    );
    let reason = errors.check(
        "reason",
        miasto_domain::required_text(&input.reason, MESSAGE_MAX),
    );
    let (Some(text), Some(reason)) = (text, reason) else {
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
    let public = (text != report.description).then_some(text);
    let tx = miasto_store::begin(state.db()).await?;
    reports::redact_description(&tx, report.id, current.user.id, public, reason.clone()).await?;
    miasto_store::audit::record(
        &tx,
        Some(current.user.id),
        miasto_store::audit::Action::ReportTextModerated,
        Some(miasto_store::audit::Target::report(report.id)),
        serde_json::json!({ "number": report.number.to_string(), "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff{}", report.number.path()),
        "flash-text-moderated",
    ))
}
