//! The development outbox: e-mails the platform would have sent, for admins to read when no
//! SMTP server is configured.

use super::page_number;
use crate::context::Ctx;
use crate::page::{Page, Pager, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use miasto_domain::Permission;
use miasto_store::mail::{self, OutboxMessage};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutboxQuery {
    pub to: String,
    pub page: String,
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: Page,
    messages: Vec<OutboxMessage>,
    to: String,
    outbox_mail: bool,
    pager: Pager,
}

#[derive(Template)]
#[template(path = "admin/outbox_message.html")]
struct MessagePage {
    page: Page,
    message: OutboxMessage,
}

pub async fn list_outbox(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OutboxQuery>,
) -> Result<Html<String>, Error> {
    ctx.require(Permission::ReadOutbox)?;
    let paged = mail::list_outbox(
        state.db(),
        Some(&q.to),
        miasto_store::Page::new(page_number(&q.page)?, None),
    )
    .await?;
    let pager = Pager::new(&paged, "/admin/outbox", &[("to", &q.to)]);
    render(&OutboxPage {
        page: Page::titled(&ctx, "admin-outbox-title"),
        messages: paged.items,
        to: q.to,
        outbox_mail: state.config().outbox_mail,
        pager,
    })
}

pub async fn show_outbox_message(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Html<String>, Error> {
    ctx.require(Permission::ReadOutbox)?;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let message = mail::get_outbox(state.db(), id)
        .await?
        .ok_or(Error::NotFound)?;
    render(&MessagePage {
        page: Page::new(&ctx, message.subject.clone()),
        message,
    })
}
