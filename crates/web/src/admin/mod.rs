//! The admin area: users and roles, city units, report categories, the audit log and the
//! development outbox. Every action checks its permission explicitly and writes the audit log
//! in the same transaction as the change.

pub mod api_clients;
pub mod audit;
pub mod categories;
pub mod outbox;
pub mod questions;
pub mod routing;
pub mod units;
pub mod users;

use crate::context::Ctx;
use crate::page::{Page, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use miasto_domain::Permission;
use miasto_store::jobs::QueueStats;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    page: Page,
    users: u64,
    units: usize,
    categories: usize,
    districts: usize,
    jobs: QueueStats,
    outbox_mail: bool,
}

pub async fn show_dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Html<String>, Error> {
    ctx.require(Permission::ManageUsers)?;
    let db = state.db();
    let users = miasto_store::accounts::count_users(db).await?;
    render(&DashboardPage {
        page: Page::titled(&ctx, "admin-title"),
        users,
        units: miasto_store::reference::list_units(db).await?.len(),
        categories: miasto_store::reference::list_categories(db).await?.len(),
        districts: miasto_store::reference::list_districts(db).await?.len(),
        jobs: miasto_store::jobs::stats(db).await?,
        outbox_mail: state.config().outbox_mail,
    })
}

/// A page number from a query string: empty is the first page; anything but a whole number
/// from 1 to [`miasto_store::Page::MAX_NUMBER`] is a 400 naming the parameter.
pub(crate) fn page_number(raw: &str) -> Result<Option<u64>, Error> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=miasto_store::Page::MAX_NUMBER).contains(n))
            .map(Some)
            .ok_or(Error::BadRequest("page_invalid")),
    }
}

/// A checkbox is on when its field is present.
pub(crate) fn checked(value: &Option<String>) -> bool {
    value.is_some()
}
