//! Static assets, embedded in the binary. Their URLs carry a content hash, so browsers may
//! cache them for a year. Leaflet is vendored from npm (`static/leaflet/`, BSD-2-Clause).

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/style.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
    (
        "forms.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/forms.js"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/map.js"),
    ),
    (
        "leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/leaflet/leaflet.js"),
    ),
    (
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/leaflet/leaflet.css"),
    ),
    (
        "leaflet/images/marker-icon.png",
        "image/png",
        include_bytes!("../static/leaflet/images/marker-icon.png"),
    ),
    (
        "leaflet/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../static/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "leaflet/images/marker-shadow.png",
        "image/png",
        include_bytes!("../static/leaflet/images/marker-shadow.png"),
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

pub async fn show_asset(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == path) {
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
