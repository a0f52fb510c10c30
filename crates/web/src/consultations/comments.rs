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
use miasto_store::consultations::{self as store, ChangeError, Consultation, NewComment, Target};
use serde::Deserialize;

/// A comment as the public page lists it: numbered, dated, with its channel — never its
/// author — what it is about, and its answer once published (staff see drafts too).
pub struct CommentView {
    pub id: String,
    pub number: u64,
    pub body: String,
    pub day: String,
    pub channel: String,
    /// What it is about (a document, a section, a paragraph), with a link.
    pub about: Option<(String, String)>,
    pub answer: Option<AnswerView>,
}

/// An answer as pages show it.
pub struct AnswerView {
    pub id: String,
    pub disposition: String,
    /// "accepted", "partly_accepted"…, for the tag's colour.
    pub kind: &'static str,
    pub justification: String,
    pub draft: bool,
}

impl AnswerView {
    pub fn new(a: &miasto_store::consultations::answers::Answer, page: &Page) -> Self {
        Self {
            id: a.id.to_string(),
            disposition: page.t(&format!("consult-disposition-{}", a.disposition.as_str())),
            kind: a.disposition.as_str(),
            justification: a.justification.clone(),
            draft: a.published_at.is_none(),
        }
    }

    /// The tag's colour.
    pub fn tag_class(&self) -> &'static str {
        disposition_class(self.kind)
    }
}

/// A disposition's tag colour class.
pub fn disposition_class(kind: &str) -> &'static str {
    match kind {
        "accepted" => "tag-closed",
        "partly_accepted" => "tag-open",
        "not_accepted" => "tag-negative",
        _ => "",
    }
}

pub const PAGE_SIZE: u64 = 20;

pub fn actor(ctx: &Ctx) -> Actor {
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
    comment_page_about(state, page, c, Target::Consultation, number, base).await
}

/// The page of comments about `target` asked for, numbered from the first one.
pub async fn comment_page_about(
    state: &AppState,
    page: &Page,
    c: &Consultation,
    target: Target,
    number: Option<u64>,
    base: &str,
) -> Result<(Vec<CommentView>, Pager), Error> {
    let paged = store::comments_about(
        state.db(),
        c.id,
        target,
        miasto_store::Page::new(number, Some(PAGE_SIZE)),
    )
    .await?;
    let staff = page.user.as_ref().is_some_and(|u| u.consults);
    let views = views(
        state,
        page,
        c,
        &paged.items,
        (paged.page - 1) * paged.size,
        !staff,
    )
    .await?;
    let pager = Pager::new(&paged, base, &[]);
    Ok((views, pager))
}

/// Comments as pages show them, numbered from `first` + 1; answers only published ones
/// unless `published_only` is false (staff).
pub async fn views(
    state: &AppState,
    page: &Page,
    c: &Consultation,
    items: &[store::Comment],
    first: u64,
    published_only: bool,
) -> Result<Vec<CommentView>, Error> {
    let ids: Vec<uuid::Uuid> = items.iter().filter_map(|k| k.answer).collect();
    let answers =
        miasto_store::consultations::answers::get_many(state.db(), &ids, published_only).await?;
    let about = super::documents::about(state, page, c, items).await?;
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, k)| CommentView {
            id: k.id.to_string(),
            number: first + i as u64 + 1,
            body: k.body.clone(),
            day: super::day(k.created_at, page.lang),
            channel: page.t(&format!("consult-channel-{}", k.channel.as_str())),
            about: about.get(&k.id).cloned(),
            answer: k
                .answer
                .and_then(|a| answers.get(&a))
                .map(|a| AnswerView::new(a, page)),
        })
        .collect())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
}

/// What became of a resident's comment.
pub enum Sent {
    /// Written; the message to show (shown now, or waiting for a moderator).
    Done(&'static str),
    /// Refused: the errors to show beside what was typed, and the status.
    Refused(FieldErrors, StatusCode),
}

/// A resident's comment about `target`, sent online: the one check of every channel
/// (`may_comment`, `check_text`), the hourly limit, one store write. Anonymous visitors are
/// asked to log in (their text is kept by the login's return link only when refused here).
pub async fn submit(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    target: Target,
    raw: &str,
) -> Result<Sent, Error> {
    let phase = c.phase(miasto_store::now());
    let mut errors = FieldErrors::new(ctx.locale);
    let status = match rules::may_comment(&actor(ctx), Channel::Web, phase, &c.organisation.methods)
    {
        Err(Refusal::SignIn) => return Err(Error::LoginRequired),
        Err(refusal) => {
            errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
            StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT)
        }
        Ok(()) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let body = errors.check("body", comments::check_text(raw));
    let (Some(body), true) = (body, errors.is_empty()) else {
        return Ok(Sent::Refused(errors, status));
    };
    let current = ctx.require_user()?;
    let tx = miasto_store::begin(state.db()).await?;
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(state, &tx, "consultation-comments", &current.user.email)
            .await?
    {
        tx.commit().await?;
        crate::accounts::too_many(&mut errors, ctx.locale, retry_after_secs);
        return Ok(Sent::Refused(errors, StatusCode::TOO_MANY_REQUESTS));
    }
    let added = store::add_comment(
        &tx,
        c.id,
        NewComment {
            channel: Channel::Web,
            author: Some(current.user.id),
            author_name: None,
            body,
            recorded_by: None,
            target,
        },
    )
    .await;
    match added {
        Ok(comment) => {
            tx.commit().await?;
            Ok(Sent::Done(if comment.pending {
                "flash-consult-held"
            } else {
                "flash-consult-commented"
            }))
        }
        Err(e) => {
            tx.rollback().await?;
            refused_write(e, &mut errors, FieldErrors::FORM)
                .map(|status| Sent::Refused(errors, status))
        }
    }
}

/// A refused comment write as the message beside `field` and the status; a store failure
/// is an error page.
pub fn refused_write(
    e: ChangeError,
    errors: &mut FieldErrors,
    field: &'static str,
) -> Result<StatusCode, Error> {
    let key = match e {
        ChangeError::Stale => "error-consult_phase".to_owned(),
        ChangeError::Target => "consult-error-target".to_owned(),
        ChangeError::Unanswered => "error-consult_unanswered".to_owned(),
        ChangeError::Code => "error-consult_code".to_owned(),
        ChangeError::Answered => "error-consult_answered".to_owned(),
        ChangeError::Refused(r) => {
            errors.add_message(field, &format!("error-{}", r.code()));
            return Ok(StatusCode::from_u16(r.http_status()).unwrap_or(StatusCode::CONFLICT));
        }
        ChangeError::Store(e) => return Err(e.into()),
    };
    errors.add_message(field, &key);
    Ok(StatusCode::CONFLICT)
}

/// `POST /consultations/{slug}/comments`: a resident's comment on the consultation as a
/// whole, while it is open and its plan takes comments.
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<CommentForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    match submit(&state, &ctx, &c, Target::Consultation, &input.body).await? {
        Sent::Done(flash) => Ok(redirect_with_flash(
            &ctx,
            &format!("/consultations/{slug}#comments"),
            flash,
        )),
        Sent::Refused(errors, status) => {
            super::show_page(&state, &ctx, &c, input.body, errors, None, status).await
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RecordForm {
    pub channel: String,
    /// What it is about: empty (the consultation), `d:<id>` or `p:<id>`.
    pub target: String,
    pub author_name: String,
    pub body: String,
    pub form_key: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub page: String,
    /// A channel to preselect (a duty hour's page links here with `duty_hour`).
    pub channel: String,
    /// The author's name to fill in.
    pub author_name: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_comments.html")]
struct RecordPage {
    page: Page,
    c: ConsultationView,
    form: RecordForm,
    channels: Vec<SelectOption>,
    targets: Vec<SelectOption>,
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
    let targets = super::documents::target_options(state, &page, c, &form.target).await?;
    Ok(RecordPage {
        targets,
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
    let form = RecordForm {
        channel: q.channel,
        author_name: q.author_name,
        ..RecordForm::default()
    };
    let page = record_page(&state, &ctx, &c, form, FieldErrors::new(ctx.locale), number).await?;
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
    let target = super::documents::parse_target(&form.target);
    if target.is_none() {
        errors.add_message("target", "consult-error-target");
    }
    let (Some(channel), Some(body), Some(target), true) =
        (channel, body, target, errors.is_empty())
    else {
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
            target,
        },
    )
    .await
    {
        Ok(_) => tx.commit().await?,
        Err(e) => {
            tx.rollback().await?;
            let status = refused_write(e, &mut errors, "channel")?;
            let page = record_page(&state, &ctx, &c, form, errors, None).await?;
            return Ok((status, render(&page)?).into_response());
        }
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
