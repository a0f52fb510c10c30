//! `GET /reports/{id}`: one report with its published photos and public history.

use super::*;

/// The report with this id, or a 404.
pub async fn find(state: &AppState, id: &str) -> Result<Report, ApiError> {
    let number = TrackingNumber::parse(id).map_err(|_| ApiError::not_found())?;
    reports::get_by_number(state.db(), number)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Read a report
///
/// One report with its published photos and public history. Signed in, it also says whether
/// the resident supports it.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "The report's id (`2026-000123`)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = Data<ReportDetail>),
        (status = 401, description = "A token was sent but is not valid", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such report", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_report(
    State(state): State<AppState>,
    Lang(lang): Lang,
    MaybeBearer(viewer): MaybeBearer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let report = find(&state, &id).await?;
    let writer = Writer::new(&state, lang).await?;
    let detail = writer.detail(&state, &report, viewer.as_ref()).await?;
    Ok(reply(StatusCode::OK, detail))
}
