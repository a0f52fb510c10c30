//! The counting commission under `/staff/budget/{slug}`: each member collects their share of
//! the ballot key once (`/share`) and can check a share against its fingerprint later; after
//! voting, *k* members enter their shares to open the envelopes and count (`/count`); then an
//! official publishes (`/publish`), and a later correction is a new count with a reason shown
//! on the results page (`/correct`). The shares are never stored by these pages: the key is
//! put together in memory for the count and dropped.

use crate::budget::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, FormPairs};
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::budget::Action as Rule;
use miasto_domain::vote::shares::{Share, ShareError};
use miasto_store::audit::{self, Action, Target};
use miasto_store::budget::{self, Edition, OpenError};
use serde::Deserialize;

mod correct;
mod count;
mod publish;
mod share;

pub use correct::*;
pub use count::*;
pub use publish::*;
pub use share::*;

/// Pages with a share on them are never kept by a browser or a proxy.
fn private(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}
