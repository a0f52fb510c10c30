//! Static assets, embedded in the binary. Their URLs carry a content hash, so browsers may
//! cache them for a year.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

const FILES: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../static/style.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../static/favicon.svg"),
    ),
];

/// A short hash of all assets, appended to their URLs as `?v=`.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        FILES.hash(&mut h);
        format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
    })
}

pub async fn show_asset(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *body,
        )
            .into_response(),
        None => crate::Error::NotFound.into_response(),
    }
}
