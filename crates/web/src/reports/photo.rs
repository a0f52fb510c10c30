//! Report photos. Published ones are public; those awaiting a moderator are shown to staff and,
//! through the private tracking link, to the reporter; hidden ones (personal data) only to
//! staff.

use crate::context::Ctx;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_store::photos::{self, Photo, Variant};

fn parse(id: &str, variant: &str) -> Result<(uuid::Uuid, Variant), Error> {
    let id = uuid::Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    let variant = Variant::parse(variant).ok_or(Error::NotFound)?;
    Ok((id, variant))
}

async fn serve(state: &AppState, photo: &Photo, variant: Variant) -> Result<Response, Error> {
    serve_file(state, photo.key(variant), photo.is_public()).await
}

/// A stored JPEG; public ones may be cached by anyone for a day.
pub(crate) async fn serve_file(
    state: &AppState,
    key: &str,
    public: bool,
) -> Result<Response, Error> {
    let bytes = state
        .files()
        .get(key)
        .await
        .map_err(|e| Error::internal(e.to_string()))?
        .ok_or(Error::NotFound)?;
    let cache = if public {
        "public, max-age=86400"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response())
}

/// `/photos/{id}/{variant}`: published photos for anyone, every photo for staff.
pub async fn show_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (id, variant) = parse(&id, &variant)?;
    let photo = photos::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    if !photo.is_public() && !ctx.can(Permission::ViewReports) {
        return Err(Error::NotFound);
    }
    serve(&state, &photo, variant).await
}

/// `/reports/track/{token}/photos/{id}/{variant}`: the reporter's own photos, also before a
/// moderator has looked at them (not once hidden).
pub async fn show_tracked_photo(
    State(state): State<AppState>,
    Path((token, id, variant)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let (id, variant) = parse(&id, &variant)?;
    let report = miasto_store::reports::get_by_tracking_token(state.db(), &token)
        .await?
        .ok_or(Error::NotFound)?;
    let photo = photos::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    if photo.report != report.id || photo.hidden {
        return Err(Error::NotFound);
    }
    serve(&state, &photo, variant).await
}
