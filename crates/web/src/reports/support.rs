//! Supporting a report instead of sending a duplicate: counted once per person, and the
//! supporter hears about the report's updates. Residents with an account support with one
//! click. Others leave an e-mail address and get a link: only when it is opened (a page with
//! a button, so mail scanners that prefetch links cannot use it) is the support counted and
//! the address subscribed. The answer to leaving an address is always the same, so nobody
//! learns whether an address supports a report; requests are limited per client address and
//! per e-mail address.

use super::show::{find_by_number, report_page};
use crate::accounts::{account_key, client_key, link, too_many};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::security::ClientKey;
use crate::{AppState, Error, emails};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Email;
use miasto_store::jobs::{self, Job};
use miasto_store::rate_limit::{self, Decision};
use miasto_store::reports::{self, Supporter};
use miasto_store::support_requests;
use miasto_store::tokens::TokenError;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SupportInput {
    pub email: String,
}

pub async fn support_report(
    State(state): State<AppState>,
    ctx: Ctx,
    client: ClientKey,
    Path((year, number)): Path<(String, String)>,
    Form(input): Form<SupportInput>,
) -> Result<Response, Error> {
    let report = find_by_number(&state, &year, &number).await?;
    if report.status.is_closed() || report.merged_into.is_some() {
        return Ok(redirect_with_flash(
            &ctx,
            &report.number.path(),
            "flash-support-closed",
        ));
    }
    if let Some(current) = &ctx.user {
        let tx = miasto_store::begin(state.db()).await?;
        let added = reports::support(&tx, report.id, &Supporter::User(current.user.id)).await?;
        tx.commit().await?;
        let flash = if added {
            "flash-supported"
        } else {
            "flash-already-supported"
        };
        return Ok(redirect_with_flash(&ctx, &report.number.path(), flash));
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let email = errors.check("email", Email::parse(&input.email));
    let limits = state.config().limits;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(email) = &email {
        if let Decision::Limited { retry_after_secs } = rate_limit::hit(
            state.db(),
            &client_key("support", &client),
            limits.supports_per_ip,
        )
        .await?
        {
            too_many(&mut errors, ctx.locale, retry_after_secs);
            status = StatusCode::TOO_MANY_REQUESTS;
        } else {
            let tx = miasto_store::begin(state.db()).await?;
            // A stranger's address gets a few links an hour at most; beyond that nothing is
            // sent, and the answer is the same.
            let mail = rate_limit::hit(
                &tx,
                &account_key(&state, "support-links", email),
                limits.email_links_per_account,
            )
            .await?;
            if mail.is_allowed() {
                let token = support_requests::request(&tx, report.id, email, ctx.locale).await?;
                let url = link(&state, &format!("/supports/{token}"));
                let message =
                    emails::confirm_support(ctx.locale, email, &report.number.to_string(), &url)?;
                jobs::enqueue(&tx, &Job::SendEmail(message)).await?;
            }
            tx.commit().await?;
            state.wake_worker();
            return Ok(redirect_with_flash(
                &ctx,
                &report.number.path(),
                "flash-support-check-email",
            ));
        }
    }
    let page = report_page(&state, &ctx, &report, None, input.email, errors).await?;
    Ok((status, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "reports/support_confirm.html")]
struct ConfirmPage {
    page: Page,
    token: String,
    /// The report's number and public page, when the link works.
    report: Option<(String, String)>,
    /// Why the link does not work, translated.
    problem: Option<String>,
}

fn problem_page(ctx: &Ctx, e: TokenError) -> Result<Response, Error> {
    let status = match e {
        TokenError::Invalid => StatusCode::NOT_FOUND,
        TokenError::Expired | TokenError::Used => StatusCode::GONE,
    };
    let page = ConfirmPage {
        page: Page::titled(ctx, "support-confirm-title"),
        token: String::new(),
        report: None,
        problem: Some(crate::i18n::t(
            ctx.locale,
            &format!("error-support-{}", e.code()),
        )),
    };
    Ok((status, render(&page)?).into_response())
}

/// The link's page: which report, and a button.
pub async fn show_confirm_support(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, Error> {
    let report = match support_requests::pending(state.db(), &token).await? {
        Ok(id) => reports::get(state.db(), id).await?.ok_or(Error::NotFound)?,
        Err(e) => return problem_page(&ctx, e),
    };
    Ok(render(&ConfirmPage {
        page: Page::titled(&ctx, "support-confirm-title"),
        token,
        report: Some((report.number.to_string(), report.number.path())),
        problem: None,
    })?
    .into_response())
}

/// The button: the support counts and the address hears of updates.
pub async fn confirm_support(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(_): Form<crate::accounts::login::Empty>,
) -> Result<Response, Error> {
    let tx = miasto_store::begin(state.db()).await?;
    let (report, added) = match support_requests::confirm(&tx, &token).await? {
        Ok(done) => done,
        Err(e) => return problem_page(&ctx, e),
    };
    tx.commit().await?;
    let report = reports::get(state.db(), report)
        .await?
        .ok_or(Error::NotFound)?;
    let flash = if added {
        "flash-supported"
    } else {
        "flash-support-confirmed-again"
    };
    Ok(redirect_with_flash(&ctx, &report.number.path(), flash))
}
