//! "My city": a resident's own activity across the platform. Each area adds its section as it
//! arrives; until then the sections say plainly that there is nothing yet.

use crate::Error;
use crate::context::Ctx;
use crate::page::{Page, render};
use askama::Template;
use axum::response::Html;

#[derive(Template)]
#[template(path = "accounts/my_city.html")]
struct MyCityPage {
    page: Page,
    email: String,
    confirmed: bool,
}

pub async fn show_my_city(ctx: Ctx) -> Result<Html<String>, Error> {
    let current = ctx.require_user()?;
    render(&MyCityPage {
        page: Page::titled(&ctx, "my-title"),
        email: current.user.email.to_string(),
        confirmed: current.user.is_confirmed(),
    })
}
