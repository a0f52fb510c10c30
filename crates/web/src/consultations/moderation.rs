//! Pre-moderation: in a consultation moderated beforehand, residents' comments wait here until
//! a moderator shows them (then they count) or refuses them with a reason their author sees.
//! The rule is `comments::held`; the store keeps waiting comments hidden from every public read.

use super::ConsultationView;
use super::comments::{CommentView, actor, views};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::consultations::{self as rules, Action, comments};
use miasto_store::audit;
use miasto_store::consultations::{self as store, Consultation};
use serde::Deserialize;

/// The most waiting comments shown at once (the oldest first).
const SHOWN: u64 = 50;

#[derive(Template)]
#[template(path = "consultations/staff_moderation.html")]
struct ModerationPage {
    page: Page,
    c: ConsultationView,
    premoderated: bool,
    waiting: Vec<CommentView>,
    total: u64,
    may_moderate: bool,
    errors: FieldErrors,
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    store::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

async fn moderation_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "moderation-title");
    let (list, total) = store::pending(state.db(), c.id, SHOWN).await?;
    let waiting = views(state, &page, c, &list, 0, false).await?;
    let body = ModerationPage {
        c: ConsultationView::new(c, &lookup, &page),
        premoderated: c.organisation.premoderated,
        waiting,
        total,
        may_moderate: rules::may(&actor(ctx), Action::Moderate, c.phase(miasto_store::now()))
            .is_ok(),
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// `GET /staff/consultations/{slug}/moderation`: the comments waiting, oldest first.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ModerateConsultations)?;
    let c = find(&state, &slug).await?;
    let errors = FieldErrors::new(ctx.locale);
    moderation_page(&state, &ctx, &c, errors, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ModerateForm {
    /// `approve` or `refuse`.
    pub action: String,
    pub comment: String,
    pub reason: String,
}

/// `POST /staff/consultations/{slug}/moderation`: shows a waiting comment, or refuses it with
/// the reason its author sees (both audited).
pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<ModerateForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ModerateConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = rules::may(&actor(&ctx), Action::Moderate, c.phase(miasto_store::now())) {
        errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
        let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
        return moderation_page(&state, &ctx, &c, errors, status).await;
    }
    let comment = uuid::Uuid::try_parse(form.comment.trim()).map_err(|_| Error::NotFound)?;
    let tx = miasto_store::begin(state.db()).await?;
    let (done, action, details, flash) = if form.action == "approve" {
        (
            store::approve(&tx, c.id, comment).await?,
            audit::Action::ConsultationCommentApproved,
            serde_json::json!({ "comment": comment.to_string() }),
            "flash-moderation-approved",
        )
    } else {
        let Ok(reason) = miasto_domain::required_text(&form.reason, comments::NAME_MAX) else {
            tx.rollback().await?;
            errors.add_message(FieldErrors::FORM, "consult-hide-reason-required");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return moderation_page(&state, &ctx, &c, errors, status).await;
        };
        (
            store::hide_comment(&tx, c.id, comment, &reason).await?,
            audit::Action::ConsultationCommentHidden,
            serde_json::json!({ "comment": comment.to_string(), "reason": reason }),
            "flash-moderation-refused",
        )
    };
    if !done {
        // Another moderator decided first.
        tx.rollback().await?;
        errors.add_message(FieldErrors::FORM, "moderation-decided");
        return moderation_page(&state, &ctx, &c, errors, StatusCode::CONFLICT).await;
    }
    audit::record(
        &tx,
        Some(current),
        action,
        Some(audit::Target::consultation(c.id)),
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/moderation"),
        flash,
    ))
}
