//! Officials' work on local initiatives: the year's pool, the applications waiting, the
//! assessment (45 + 45 + 10 points, 60 needed), the decision (an acceptance commits the cost —
//! refused when the pool cannot cover it), the agreement and the realisation with its report.
//! Every step is audited and the applicant told by e-mail of the decision.

use super::{InitiativeView, actor, find, pool_line, this_year};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, MultipartForm};
use crate::page::{Page, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use miasto_domain::Permission;
use miasto_domain::initiatives::{self as rules, Action, Refusal, Status};
use miasto_store::audit;
use miasto_store::initiatives::{self as store, Filter, Initiative, InitiativeError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "initiatives/staff_index.html")]
struct QueuePage {
    page: Page,
    waiting: Vec<InitiativeView>,
    accepted: Vec<InitiativeView>,
    pool: Option<(String, String, String)>,
    year: i32,
    form: PoolForm,
    errors: FieldErrors,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PoolForm {
    pub year: String,
    pub amount: String,
}

async fn queue_page(
    state: &AppState,
    ctx: &Ctx,
    form: PoolForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageInitiatives)?;
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "initiatives-staff-title");
    let all = |statuses: Vec<Status>| Filter {
        statuses,
        ..Filter::default()
    };
    let first = miasto_store::Page::new(None, Some(miasto_store::Page::MAX_SIZE));
    let view = |items: Vec<Initiative>| -> Vec<InitiativeView> {
        items
            .iter()
            .map(|i| InitiativeView::new(i, &lookup, &page))
            .collect()
    };
    let mut waiting = store::list(
        state.db(),
        &all(vec![Status::Submitted, Status::Assessed]),
        first,
    )
    .await?
    .items;
    waiting.reverse();
    let accepted = store::list(
        state.db(),
        &all(vec![Status::Accepted, Status::Agreed]),
        first,
    )
    .await?
    .items;
    let year = this_year();
    let out = QueuePage {
        waiting: view(waiting),
        accepted: view(accepted),
        pool: pool_line(state, year).await?,
        year,
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/initiatives`: the pool and the applications waiting, oldest first.
pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    queue_page(
        &state,
        &ctx,
        PoolForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// `POST /staff/initiatives/pool`: a year's pool (never below what is committed).
pub async fn set_pool(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PoolForm>,
) -> Result<Response, Error> {
    let by = ctx.require(Permission::ManageInitiatives)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let year = form
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.add("year", miasto_domain::FieldError::NumberInvalid);
    }
    let amount = rules::check_cost(&form.amount).map_err(|e| errors.add("amount", e));
    let (Some(year), Ok(amount)) = (year, amount) else {
        return queue_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if !store::set_pool(&tx, year, amount).await? {
        tx.rollback().await?;
        errors.add_message("amount", "error-initiatives-pool-below-committed");
        return queue_page(&state, &ctx, form, errors, StatusCode::CONFLICT).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::InitiativePoolSet,
        None,
        serde_json::json!({ "year": year, "amount": amount }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        "/staff/initiatives",
        "flash-initiative-pool",
    ))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub usefulness: String,
    pub contribution: String,
    pub extra: String,
    pub note: String,
    pub reason: String,
    pub on: String,
    pub report: String,
}

#[derive(Template)]
#[template(path = "initiatives/staff_show.html")]
struct ShowPage {
    page: Page,
    i: InitiativeView,
    contact: String,
    pool: Option<(String, String, String)>,
    may_assess: bool,
    may_accept: bool,
    may_refuse: bool,
    may_agree: bool,
    may_report: bool,
    form: StepForm,
    errors: FieldErrors,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    i: &Initiative,
    mut form: StepForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageInitiatives)?;
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = format!(
        "{} – {}",
        page.t("initiatives-staff-title"),
        i.application.title
    );
    let who = actor(ctx);
    let allowed = |action| rules::may(&who, action, Some(i.status)).is_ok();
    if let (Some(s), true) = (i.score, form.usefulness.is_empty()) {
        form.usefulness = s.usefulness.to_string();
        form.contribution = s.contribution.to_string();
        form.extra = s.extra.to_string();
    }
    let a = &i.application;
    let out = ShowPage {
        contact: [Some(a.contact_email.as_str()), a.contact_phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        pool: pool_line(state, i.year).await?,
        may_assess: allowed(Action::Assess),
        may_accept: allowed(Action::Accept),
        may_refuse: allowed(Action::Refuse),
        may_agree: allowed(Action::Agree),
        may_report: allowed(Action::Report),
        i: InitiativeView::new(i, &lookup, &page),
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/initiatives/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageInitiatives)?;
    let i = find(&state, &ctx, &number).await?;
    show_page(
        &state,
        &ctx,
        &i,
        StepForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// The page again with a refusal.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    i: &Initiative,
    form: StepForm,
    refusal: Refusal,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    show_page(state, ctx, i, form, errors, status).await
}

/// Checks the rule for `action`; the page with the refusal otherwise.
async fn check(
    state: &AppState,
    ctx: &Ctx,
    i: &Initiative,
    action: Action,
    form: &StepForm,
) -> Result<Option<Response>, Error> {
    match rules::may(&actor(ctx), action, Some(i.status)) {
        Ok(()) => Ok(None),
        Err(Refusal::SignIn) => Err(Error::LoginRequired),
        Err(Refusal::Forbidden) => Err(Error::Forbidden),
        Err(r) => refused(state, ctx, i, form.clone(), r).await.map(Some),
    }
}

/// A store refusal as the page; other errors stay errors.
async fn write_refused(
    state: &AppState,
    ctx: &Ctx,
    i: &Initiative,
    form: StepForm,
    e: InitiativeError,
) -> Result<Response, Error> {
    match e {
        InitiativeError::Refused(r) => refused(state, ctx, i, form, r).await,
        InitiativeError::Store(e) => Err(e.into()),
    }
}

fn back(ctx: &Ctx, i: &Initiative, flash: &str) -> Response {
    redirect_with_flash(ctx, &format!("/staff/initiatives/{}", i.number), flash)
}

async fn record(
    tx: &miasto_store::DatabaseTransaction,
    by: miasto_domain::UserId,
    i: &Initiative,
    step: &str,
) -> Result<(), Error> {
    audit::record(
        tx,
        Some(by),
        audit::Action::InitiativeStep,
        Some(audit::Target::initiative(i.id)),
        serde_json::json!({ "number": i.number, "step": step }),
    )
    .await?;
    Ok(())
}

/// `POST /staff/initiatives/{number}/assess`: the points (and a note).
pub async fn assess(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, Error> {
    let i = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &i, Action::Assess, &form).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageInitiatives)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let score = rules::check_score(&form.usefulness, &form.contribution, &form.extra);
    let note = miasto_domain::optional_text(&form.note, rules::TEXT_MAX);
    let (Ok(score), Ok(note)) = (score, note) else {
        if let Err(problems) = rules::check_score(&form.usefulness, &form.contribution, &form.extra)
        {
            for (field, e) in problems {
                errors.add(field, e);
            }
        }
        return show_page(
            &state,
            &ctx,
            &i,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::assess(&tx, i.id, score, note.as_deref(), by).await {
        tx.rollback().await?;
        return write_refused(&state, &ctx, &i, form, e).await;
    }
    record(&tx, by, &i, "assessed").await?;
    tx.commit().await?;
    Ok(back(&ctx, &i, "flash-initiative-assessed"))
}

/// Tells the applicant (by the contact e-mail) of the decision.
async fn tell(
    state: &AppState,
    tx: &miasto_store::DatabaseTransaction,
    i: &Initiative,
    news: &str,
    reason: Option<&str>,
) -> Result<(), Error> {
    let Ok(email) = miasto_domain::Email::parse(&i.application.contact_email) else {
        return Ok(());
    };
    let link = format!("{}/initiatives/{}", state.config().base_url, i.number);
    let locale = match i.author {
        Some(a) => miasto_store::accounts::get_user(tx, a)
            .await?
            .map_or_else(Default::default, |u| u.locale),
        None => Default::default(),
    };
    let message =
        crate::emails::initiative_news(locale, &email, news, &i.application.title, reason, &link)?;
    miasto_store::jobs::enqueue(tx, &miasto_store::jobs::Job::SendEmail(message)).await?;
    Ok(())
}

/// `POST /staff/initiatives/{number}/accept`: 60 points or more, and the pool covers the cost.
pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, Error> {
    let i = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &i, Action::Accept, &form).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageInitiatives)?.user.id;
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::accept(&tx, &i, by).await {
        tx.rollback().await?;
        return write_refused(&state, &ctx, &i, form, e).await;
    }
    tell(&state, &tx, &i, "accepted", None).await?;
    record(&tx, by, &i, "accepted").await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(back(&ctx, &i, "flash-initiative-accepted"))
}

/// `POST /staff/initiatives/{number}/refuse`: with a reason the applicants see.
pub async fn refuse(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, Error> {
    let i = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &i, Action::Refuse, &form).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageInitiatives)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let reason = match miasto_domain::required_text(&form.reason, rules::TEXT_MAX) {
        Ok(r) => r,
        Err(e) => {
            errors.add("reason", e);
            return show_page(
                &state,
                &ctx,
                &i,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::refuse(&tx, i.id, &reason, by).await {
        tx.rollback().await?;
        return write_refused(&state, &ctx, &i, form, e).await;
    }
    tell(&state, &tx, &i, "refused", Some(&reason)).await?;
    record(&tx, by, &i, "refused").await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(back(&ctx, &i, "flash-initiative-refused"))
}

fn day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// `POST /staff/initiatives/{number}/agreement`: the day the agreement was signed.
pub async fn agree(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, Error> {
    let i = find(&state, &ctx, &number).await?;
    if let Some(page) = check(&state, &ctx, &i, Action::Agree, &form).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageInitiatives)?.user.id;
    let Some(on) = day(&form.on) else {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add("on", miasto_domain::FieldError::DateInvalid);
        return show_page(
            &state,
            &ctx,
            &i,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::agree(&tx, i.id, on).await {
        tx.rollback().await?;
        return write_refused(&state, &ctx, &i, form, e).await;
    }
    record(&tx, by, &i, "agreed").await?;
    tx.commit().await?;
    Ok(back(&ctx, &i, "flash-initiative-agreed"))
}

/// `POST /staff/initiatives/{number}/report`: realised on a day, with a short public report.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    form: MultipartForm<StepForm>,
) -> Result<Response, Error> {
    let i = find(&state, &ctx, &number).await?;
    let (files, form) = (form.files, form.fields);
    if let Some(page) = check(&state, &ctx, &i, Action::Report, &form).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageInitiatives)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let on = day(&form.on);
    if on.is_none() {
        errors.add("on", miasto_domain::FieldError::DateInvalid);
    }
    let text = miasto_domain::required_text(&form.report, rules::TEXT_MAX)
        .map_err(|e| errors.add("report", e));
    let count = files.iter().filter(|f| f.field == "photos").count();
    let photos = if count > store::MAX_PHOTOS {
        errors.add_text(
            "photos",
            crate::i18n::t_args(
                ctx.locale,
                "initiatives-error-photos",
                &[("count", &store::MAX_PHOTOS.to_string())],
            ),
        );
        Vec::new()
    } else if errors.is_empty() {
        crate::reports::create::process_photos(&state, files, &mut errors).await?
    } else {
        Vec::new()
    };
    let (Some(on), Ok(text), true) = (on, text, errors.is_empty()) else {
        return show_page(
            &state,
            &ctx,
            &i,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::realised(&tx, i.id, on, &text).await {
        tx.rollback().await?;
        return write_refused(&state, &ctx, &i, form, e).await;
    }
    store::attach_photos(&tx, i.id, &photos).await?;
    record(&tx, by, &i, "realised").await?;
    tx.commit().await?;
    Ok(back(&ctx, &i, "flash-initiative-realised"))
}
