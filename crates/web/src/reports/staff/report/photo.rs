//! Hiding or publishing a report's photo.

use super::*;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PhotoInput {
    pub action: String,
    pub reason: String,
}

pub async fn set_photo_visibility(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<PhotoInput>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ModerateReports)?.clone();
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let photo = photos::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    let report = reports::get(state.db(), photo.report)
        .await?
        .ok_or(Error::NotFound)?;
    let hide = match input.action.as_str() {
        "hide" => true,
        "publish" => false,
        _ => return Err(Error::BadRequest("action_unknown")),
    };
    let reason = miasto_domain::optional_text(&input.reason, MESSAGE_MAX)
        .ok()
        .flatten();
    if hide && reason.is_none() {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("reason", FieldError::Required);
        return refuse(
            &state,
            &ctx,
            &current,
            report,
            ActionInput::default(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let tx = miasto_store::begin(state.db()).await?;
    let (decision, action) = match (hide, reason.clone()) {
        (true, Some(reason)) => (
            photos::Moderation::Hide(reason),
            miasto_store::audit::Action::PhotoHidden,
        ),
        _ => (
            photos::Moderation::Publish,
            miasto_store::audit::Action::PhotoPublished,
        ),
    };
    photos::moderate(&tx, id, decision).await?;
    miasto_store::audit::record(
        &tx,
        Some(current.user.id),
        action,
        Some(miasto_store::audit::Target::report(report.id)),
        serde_json::json!({ "number": report.number.to_string(), "photo": id.to_string(), "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff{}", report.number.path()),
        "flash-photo-moderated",
    ))
}
