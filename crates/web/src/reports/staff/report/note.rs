//! An internal note on a report.

use super::*;

pub async fn add_report_note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<ActionInput>,
) -> Result<Response, Error> {
    let (current, report) = handled_report(&state, &ctx, &year, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let note = errors.check(
        "note",
        miasto_domain::required_text(&input.note, MESSAGE_MAX),
    );
    let Some(note) = note else {
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
    reports::add_note(state.db(), report.id, current.user.id, note).await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff{}", report.number.path()),
        "flash-note-added",
    ))
}
