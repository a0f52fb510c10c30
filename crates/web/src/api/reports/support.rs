//! `POST /reports/{id}/support`: a signed-in resident supports a report.

use super::*;

/// Support a report
///
/// Counts the signed-in resident's support once and tells them about the report's updates
/// (e-mail and notifications). Closed and merged reports take no support.
#[utoipa::path(post, path = "/reports/{id}/support", tag = "reports",
    params(("id" = String, Path, description = "The report's id (`2026-000123`)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Supported (now or before)", body = Data<Supported>),
        (status = 401, description = "Not signed in", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such report", body = crate::api::error::ErrorBody),
        (status = 409, description = "The report is closed or merged (`report_closed`)", body = crate::api::error::ErrorBody),
    ))]
pub async fn support_report(
    State(state): State<AppState>,
    bearer: Bearer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let report = find(&state, &id).await?;
    if report.status.is_closed() || report.merged_into.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "report_closed"));
    }
    let tx = miasto_store::begin(state.db()).await?;
    let added = reports::support(&tx, report.id, &reports::Supporter::User(bearer.user.id)).await?;
    tx.commit().await.map_err(Error::from)?;
    Ok(reply(
        StatusCode::OK,
        Supported {
            supported: true,
            added,
            support_count: report.support_count + i32::from(added),
        },
    ))
}
