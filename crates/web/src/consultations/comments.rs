//! Comments in a consultation: residents write them on its page while it is open; staff type
//! in those that came on paper, by e-mail or letter, at a duty hour or a meeting. One check
//! (`comments::check_text`, `may_comment`), one store path (`add_comment`), the channel kept.

use super::{ConsultationView, find_public};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::consultations::comments::{self, Channel};
use miasto_domain::consultations::{self as rules, Actor, Method, Refusal};
use miasto_store::consultations::{self as store, ChangeError, Consultation, NewComment};
use serde::Deserialize;

/// A comment as the public page lists it: numbered, dated, with its channel — never its
/// author.
pub struct CommentView {
    pub id: String,
    pub number: u64,
    pub body: String,
    pub day: String,
    pub channel: String,
}

pub const PAGE_SIZE: u64 = 20;

fn actor(ctx: &Ctx) -> Actor {
    Actor {
        user: ctx.user.as_ref().map(|u| u.user.id),
        role: ctx.user.as_ref().map(|u| u.user.role),
    }
}

/// The page of comments asked for, numbered from the first comment received.
pub async fn comment_page(
    state: &AppState,
    page: &Page,
    c: &Consultation,
    number: Option<u64>,
    base: &str,
) -> Result<(Vec<CommentView>, Pager), Error> {
    let paged = store::comments(
        state.db(),
        c.id,
        miasto_store::Page::new(number, Some(PAGE_SIZE)),
    )
    .await?;
    let first = (paged.page - 1) * paged.size;
    let views = paged
        .items
        .iter()
        .enumerate()
        .map(|(i, k)| CommentView {
            id: k.id.to_string(),
            number: first + i as u64 + 1,
            body: k.body.clone(),
            day: super::day(k.created_at, page.lang),
            channel: page.t(&format!("consult-channel-{}", k.channel.as_str())),
        })
        .collect();
    let pager = Pager::new(&paged, base, &[]);
    Ok((views, pager))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
}

/// `POST /consultations/{slug}/comments`: a resident's comment, while the consultation is
/// open and its plan takes comments.
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CommentForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let phase = c.phase(miasto_store::now());
    let mut errors = FieldErrors::new(ctx.locale);
    let status =
        match rules::may_comment(&actor(&ctx), Channel::Web, phase, &c.organisation.methods) {
            Err(Refusal::SignIn) => return Err(Error::LoginRequired),
            Err(refusal) => {
                errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
                StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT)
            }
            Ok(()) => StatusCode::UNPROCESSABLE_ENTITY,
        };
    let body = errors.check("body", comments::check_text(&input.body));
    let (Some(body), true) = (body, errors.is_empty()) else {
        return super::show_page(&state, &ctx, &c, input.body, errors, None, status).await;
    };
    let current = ctx.require_user()?;
    let user = current.user.id;
    let tx = miasto_store::begin(state.db()).await?;
    let key = crate::accounts::account_key(&state, "consultation-comments", &current.user.email);
    let limit = state.config().limits.comments_per_account;
    if let miasto_store::rate_limit::Decision::Limited { retry_after_secs } =
        miasto_store::rate_limit::hit(&tx, &key, limit).await?
    {
        tx.commit().await?;
        crate::accounts::too_many(&mut errors, ctx.locale, retry_after_secs);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return super::show_page(&state, &ctx, &c, input.body, errors, None, status).await;
    }
    let added = store::add_comment(
        &tx,
        c.id,
        NewComment {
            channel: Channel::Web,
            author: Some(user),
            author_name: None,
            body,
            recorded_by: None,
        },
    )
    .await;
    match added {
        Ok(_) => tx.commit().await?,
        Err(ChangeError::Stale) => {
            tx.rollback().await?;
            errors.add_message(FieldErrors::FORM, "error-consult_phase");
            let status = StatusCode::CONFLICT;
            return super::show_page(&state, &ctx, &c, input.body, errors, None, status).await;
        }
        Err(ChangeError::Store(e)) => return Err(e.into()),
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/consultations/{slug}#comments"),
        "flash-consult-commented",
    ))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RecordForm {
    pub channel: String,
    pub author_name: String,
    pub body: String,
    pub form_key: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub page: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_comments.html")]
struct RecordPage {
    page: Page,
    c: ConsultationView,
    form: RecordForm,
    channels: Vec<SelectOption>,
    may_record: bool,
    comments: Vec<CommentView>,
    pager: Pager,
    errors: FieldErrors,
}

async fn record_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    form: RecordForm,
    errors: FieldErrors,
    number: Option<u64>,
) -> Result<RecordPage, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, c.plan.title.clone());
    let phase = c.phase(miasto_store::now());
    let offered: Vec<Channel> = Channel::RECORDED
        .into_iter()
        .filter(|ch| rules::may_comment(&actor(ctx), *ch, phase, &c.organisation.methods).is_ok())
        .collect();
    let base = format!("/staff/consultations/{}/comments", c.slug);
    let (comments, pager) = comment_page(state, &page, c, number, &base).await?;
    Ok(RecordPage {
        c: ConsultationView::new(c, &lookup, &page),
        channels: options(
            offered.iter().map(|ch| {
                (
                    ch.as_str(),
                    page.t(&format!("consult-channel-{}", ch.as_str())),
                )
            }),
            &form.channel,
        ),
        may_record: !offered.is_empty(),
        comments,
        pager,
        form,
        errors,
        page,
    })
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    store::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn show_record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find(&state, &slug).await?;
    let number = crate::admin::page_number(&q.page)?;
    let page = record_page(
        &state,
        &ctx,
        &c,
        RecordForm::default(),
        FieldErrors::new(ctx.locale),
        number,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// `POST /staff/consultations/{slug}/comments`: a comment that came on paper, by e-mail or
/// letter, at a duty hour or a meeting, typed in by staff.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find(&state, &slug).await?;
    let phase = c.phase(miasto_store::now());
    let mut errors = FieldErrors::new(ctx.locale);
    let channel = Channel::parse(&form.channel).filter(|ch| ch.is_recorded());
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    match channel {
        None => errors.add_message("channel", "consult-error-channel"),
        Some(ch) => {
            if let Err(refusal) =
                rules::may_comment(&actor(&ctx), ch, phase, &c.organisation.methods)
            {
                errors.add_message("channel", &format!("error-{}", refusal.code()));
                status =
                    StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
            }
        }
    }
    let name = match miasto_domain::optional_text(&form.author_name, comments::NAME_MAX) {
        Ok(name) => name,
        Err(e) => {
            errors.add("author_name", e);
            None
        }
    };
    let body = errors.check("body", comments::check_text(&form.body));
    let (Some(channel), Some(body), true) = (channel, body, errors.is_empty()) else {
        let page = record_page(&state, &ctx, &c, form, errors, None).await?;
        return Ok((status, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    if !miasto_store::form_keys::claim(&tx, "consultation-comment", &form.form_key).await? {
        return Ok(
            axum::response::Redirect::to(&format!("/staff/consultations/{slug}/comments"))
                .into_response(),
        );
    }
    match store::add_comment(
        &tx,
        c.id,
        NewComment {
            channel,
            author: None,
            author_name: name,
            body,
            recorded_by: Some(current),
        },
    )
    .await
    {
        Ok(_) => tx.commit().await?,
        Err(ChangeError::Stale) => {
            tx.rollback().await?;
            errors.add_message("channel", "error-consult_phase");
            let page = record_page(&state, &ctx, &c, form, errors, None).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(ChangeError::Store(e)) => return Err(e.into()),
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/comments"),
        "flash-consult-recorded",
    ))
}

/// Whether the plan takes comments online (the public page shows the form and the list).
pub fn takes_comments(c: &Consultation) -> bool {
    c.organisation.methods.contains(&Method::Comments)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HideForm {
    pub reason: String,
}

/// `POST /consultations/{slug}/comments/{id}/hide`: a moderator hides a comment that breaks
/// the rules, with the reason its author then sees in "My city".
pub async fn hide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(input): Form<HideForm>,
) -> Result<Response, Error> {
    let current = ctx.require_user()?.user.id;
    let c = find_public(&state, &slug).await?;
    match rules::may(
        &actor(&ctx),
        rules::Action::Moderate,
        c.phase(miasto_store::now()),
    ) {
        Ok(()) => {}
        Err(Refusal::Forbidden | Refusal::SignIn) => return Err(Error::Forbidden),
        Err(_) => return Err(Error::NotFound),
    }
    let comment = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let mut errors = FieldErrors::new(ctx.locale);
    let Ok(reason) = miasto_domain::required_text(&input.reason, comments::NAME_MAX) else {
        errors.add_message(FieldErrors::FORM, "consult-hide-reason-required");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return super::show_page(&state, &ctx, &c, String::new(), errors, None, status).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if !store::hide_comment(&tx, c.id, comment, &reason).await? {
        return Err(Error::NotFound);
    }
    miasto_store::audit::record(
        &tx,
        Some(current),
        miasto_store::audit::Action::ConsultationCommentHidden,
        Some(miasto_store::audit::Target::consultation(c.id)),
        serde_json::json!({ "comment": comment.to_string(), "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/consultations/{slug}#comments"),
        "flash-consult-hidden",
    ))
}
