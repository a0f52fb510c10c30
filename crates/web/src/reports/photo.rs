//! Report photos. Hidden photos (personal data) are served only to staff.

use crate::context::Ctx;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_store::photos::{self, Variant};

pub async fn show_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, Error> {
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let variant = Variant::parse(&variant).ok_or(Error::NotFound)?;
    let photo = photos::get(state.db(), id).await?.ok_or(Error::NotFound)?;
    if photo.hidden && !ctx.can(Permission::ViewReports) {
        return Err(Error::NotFound);
    }
    let bytes = state
        .files()
        .get(photo.key(variant))
        .await
        .map_err(|e| Error::internal(e.to_string()))?
        .ok_or(Error::NotFound)?;
    let cache = if photo.hidden {
        "private, no-store"
    } else {
        "public, max-age=86400"
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
