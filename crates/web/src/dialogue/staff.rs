//! Staff work on the mayor's meetings: officials plan a meeting; the contact centre types in
//! the questions asked at it or by phone and routes each to a unit (the contact centre's
//! category × district routing suggests the unit); a unit's staff draft the answers to their
//! own questions; a question that is really a problem becomes a contact-centre report in one
//! click (linked both ways); an official publishes the meeting's questions and answers
//! together, and the followers are told. The dashboard shows the questions waiting per unit,
//! oldest first. Every step is audited.

use super::{MeetingView, QuestionView, actor, find, refused, refused_write};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::dialogue::{self as rules, Action, Audience, Channel, RawMeeting, Status};
use miasto_domain::reports::intake::{self as intake_check, CategoryRef, Raw};
use miasto_domain::{CategoryId, DistrictId, Permission, UnitId};
use miasto_store::audit;
use miasto_store::dialogue::{self as store, Meeting, NewQuestion, Question};
use serde::Deserialize;
use std::collections::BTreeMap;

fn may_work(ctx: &Ctx) -> Result<(), Error> {
    let user = ctx.user.as_ref().ok_or(Error::LoginRequired)?;
    if ctx.can(Permission::RouteDialogue)
        || ctx.can(Permission::ManageDialogue)
        || user.user.role == miasto_domain::Role::UnitStaff
    {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// A unit's queue line on the dashboard.
pub struct UnitWaiting {
    pub unit: String,
    pub count: u64,
    pub since: String,
}

/// A waiting question with its meeting.
pub struct Waiting {
    pub meeting_number: i32,
    pub meeting: String,
    pub q: QuestionView,
}

#[derive(Template)]
#[template(path = "dialogue/staff_index.html")]
struct DashboardPage {
    page: Page,
    by_unit: Vec<UnitWaiting>,
    unrouted: Vec<Waiting>,
    mine: Vec<Waiting>,
    meetings: Vec<MeetingView>,
    plans: bool,
}

fn waiting_views(
    rows: Vec<(Question, Meeting)>,
    lookup: &Lookup,
    page: &Page,
    ctx: &Ctx,
) -> Vec<Waiting> {
    rows.into_iter()
        .map(|(q, m)| Waiting {
            meeting_number: m.number,
            meeting: m.plan.title,
            q: QuestionView::new(&q, lookup, page, ctx),
        })
        .collect()
}

/// `GET /staff/dialogue`: questions waiting per unit (oldest first), those not routed yet, the
/// account's unit's queue, and the meetings.
pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    may_work(&ctx)?;
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "dialogue-staff-title");
    let by_unit = store::waiting_by_unit(state.db())
        .await?
        .into_iter()
        .map(|(unit, count, since)| UnitWaiting {
            unit: lookup
                .unit(unit)
                .map(|u| page.name(&u.names).to_owned())
                .unwrap_or_default(),
            count,
            since: page.datetime(&since),
        })
        .collect();
    let unrouted = store::waiting(state.db(), None, 100).await?;
    let unit = ctx.user.as_ref().and_then(|u| u.user.unit_id);
    let mine = match unit {
        Some(u) => store::waiting(state.db(), Some(u), 100).await?,
        None => Vec::new(),
    };
    let meetings = store::meetings(state.db(), miasto_store::Page::new(None, Some(50))).await?;
    Ok(render(&DashboardPage {
        by_unit,
        unrouted: waiting_views(unrouted, &lookup, &page, &ctx),
        mine: waiting_views(mine, &lookup, &page, &ctx),
        meetings: meetings
            .items
            .iter()
            .map(|m| MeetingView::new(m, &lookup, &page))
            .collect(),
        plans: ctx.can(Permission::ManageDialogue),
        page,
    })?
    .into_response())
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    pub title: String,
    pub audience: String,
    pub starts: String,
    pub ends: String,
    pub venue: String,
    pub lat: String,
    pub lon: String,
    pub district: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "dialogue/staff_new.html")]
struct NewPage {
    page: Page,
    audiences: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    form: MeetingForm,
    errors: FieldErrors,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    form: MeetingForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "dialogue-new-title");
    let out = NewPage {
        audiences: options(
            Audience::ALL.iter().map(|a| {
                (
                    a.as_str(),
                    page.t(&format!("dialogue-audience-{}", a.as_str())),
                )
            }),
            &form.audience,
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            &form.district,
        ),
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/dialogue/new`.
pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    ctx.require(Permission::ManageDialogue)?;
    new_page(
        &state,
        &ctx,
        MeetingForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// `POST /staff/dialogue`: an official announces a meeting.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<MeetingForm>,
) -> Result<Response, Error> {
    let by = ctx.require(Permission::ManageDialogue)?.user.id;
    let lookup = Lookup::load(&state).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let district = match form.district.trim() {
        "" => None,
        raw => {
            let d = DistrictId::parse(raw).filter(|d| lookup.district(*d).is_some());
            if d.is_none() {
                errors.add("district", miasto_domain::FieldError::DistrictUnknown);
            }
            d
        }
    };
    let point = crate::consultations::meetings::point_of(&form.lat, &form.lon);
    if point.is_none() && !(form.lat.trim().is_empty() && form.lon.trim().is_empty()) {
        errors.add("lat", miasto_domain::FieldError::NumberInvalid);
    }
    let raw = RawMeeting {
        title: &form.title,
        audience: &form.audience,
        starts: crate::consultations::meetings::parse_local(&form.starts),
        ends: crate::consultations::meetings::parse_local(&form.ends),
        venue: &form.venue,
        point,
        district,
        description: &form.description,
    };
    let plan = match rules::check_meeting(&raw) {
        Ok(plan) if errors.is_empty() => plan,
        Ok(_) => {
            return new_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(problems) => {
            for (field, e) in problems {
                errors.add(field, e);
            }
            return new_page(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    let m = store::create_meeting(&tx, &plan, Some(by)).await?;
    audit::record(
        &tx,
        Some(by),
        audit::Action::DialogueMeetingPlanned,
        Some(audit::Target::dialogue_meeting(m.id)),
        serde_json::json!({ "number": m.number }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/dialogue/{}", m.number),
        "flash-dialogue-planned",
    ))
}

/// A question on the staff page, with what the account may do with it.
pub struct StaffQuestion {
    pub q: QuestionView,
    pub may_route: bool,
    pub may_answer: bool,
    pub may_report: bool,
    pub may_hide: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    pub body: String,
    pub channel: String,
}

#[derive(Template)]
#[template(path = "dialogue/staff_show.html")]
struct ShowPage {
    page: Page,
    m: MeetingView,
    questions: Vec<StaffQuestion>,
    units: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    districts: Vec<SelectOption>,
    /// The meeting's district, preselected for a report.
    district: String,
    may_type_in: bool,
    may_publish: bool,
    unanswered: usize,
    form: QuestionForm,
    errors: FieldErrors,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    m: &Meeting,
    form: QuestionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    may_work(ctx)?;
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = format!("{} – {}", page.t("dialogue-staff-title"), m.plan.title);
    let phase = m.phase(miasto_store::now());
    let who = actor(ctx);
    let allowed = |action| rules::may(&who, action, phase).is_ok();
    let mut questions = Vec::new();
    let mut unanswered = 0;
    for q in store::questions_of(state.db(), m.id).await? {
        if matches!(q.status, Status::Received | Status::Routed) {
            unanswered += 1;
        }
        let mut view = QuestionView::new(&q, &lookup, &page, ctx);
        if let Some(report) = q.report
            && let Some(r) = miasto_store::reports::get(state.db(), report).await?
        {
            view.report = Some(format!("/staff{}", r.number.path()));
        }
        let open = q.status != Status::Hidden;
        questions.push(StaffQuestion {
            may_route: open && q.status != Status::Answered && allowed(Action::Route),
            may_answer: open && q.unit.is_some_and(|unit| allowed(Action::Answer { unit })),
            may_report: open && q.report.is_none() && allowed(Action::MakeReport),
            may_hide: open && allowed(Action::Hide),
            q: view,
        });
    }
    let out = ShowPage {
        m: MeetingView::new(m, &lookup, &page),
        units: options(
            lookup
                .units
                .iter()
                .filter(|u| u.active)
                .map(|u| (u.id.to_string(), page.name(&u.names).to_owned())),
            "",
        ),
        categories: options(
            lookup
                .categories
                .iter()
                .map(|c| (c.id.to_string(), page.name(&c.names).to_owned())),
            "",
        ),
        districts: options(
            lookup
                .districts
                .iter()
                .map(|d| (d.id.to_string(), d.label())),
            "",
        ),
        district: m.plan.district.map(|d| d.0.to_string()).unwrap_or_default(),
        may_type_in: allowed(Action::TypeIn),
        may_publish: allowed(Action::Publish),
        unanswered,
        questions,
        form,
        errors,
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /staff/dialogue/{number}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let m = find(&state, &number).await?;
    show_page(
        &state,
        &ctx,
        &m,
        QuestionForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// The page again with a refusal of the rulebook or the store.
async fn again(
    state: &AppState,
    ctx: &Ctx,
    m: &Meeting,
    form: QuestionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    show_page(state, ctx, m, form, errors, status).await
}

/// The page again with a form-level message (422).
async fn invalid(
    state: &AppState,
    ctx: &Ctx,
    m: &Meeting,
    message_id: &str,
) -> Result<Response, Error> {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(FieldErrors::FORM, message_id);
    again(
        state,
        ctx,
        m,
        QuestionForm::default(),
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The rule for `action` as a page: None when allowed.
async fn check(
    state: &AppState,
    ctx: &Ctx,
    m: &Meeting,
    action: Action,
) -> Result<Option<Response>, Error> {
    match rules::may(&actor(ctx), action, m.phase(miasto_store::now())) {
        Ok(()) => Ok(None),
        Err(rules::Refusal::SignIn) => Err(Error::LoginRequired),
        Err(rules::Refusal::Forbidden) => Err(Error::Forbidden),
        Err(refusal) => {
            let mut errors = FieldErrors::new(ctx.locale);
            let status = refused(&mut errors, refusal);
            again(state, ctx, m, QuestionForm::default(), errors, status)
                .await
                .map(Some)
        }
    }
}

/// `POST /staff/dialogue/{number}/questions`: a question asked at the meeting or by phone.
pub async fn type_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<QuestionForm>,
) -> Result<Response, Error> {
    let m = find(&state, &number).await?;
    if let Some(page) = check(&state, &ctx, &m, Action::TypeIn).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::RouteDialogue)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let channel = Channel::parse(&form.channel).filter(|c| c.by_staff());
    if channel.is_none() {
        errors.add("channel", miasto_domain::FieldError::ChannelUnknown);
    }
    let body = rules::check_question(&form.body).map_err(|e| errors.add("body", e));
    let (Some(channel), Ok(body)) = (channel, body) else {
        return again(
            &state,
            &ctx,
            &m,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    let new = NewQuestion {
        body,
        channel,
        author: None,
        recorded_by: Some(by),
        unit: None,
    };
    if let Err(e) = store::add_question(&tx, m.id, &new).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors)?;
        return again(&state, &ctx, &m, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/dialogue/{}#questions", m.number),
        "flash-dialogue-typed-in",
    ))
}

/// The question at `/staff/dialogue/questions/{id}` with its meeting.
async fn find_question(state: &AppState, id: &str) -> Result<(Question, Meeting), Error> {
    let id = uuid::Uuid::try_parse(id).map_err(|_| Error::NotFound)?;
    let q = store::question(state.db(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let m = store::meeting(state.db(), q.meeting)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((q, m))
}

fn back(ctx: &Ctx, m: &Meeting, q: &Question, flash: &str) -> Response {
    redirect_with_flash(
        ctx,
        &format!("/staff/dialogue/{}#q-{}", m.number, q.number),
        flash,
    )
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct RouteForm {
    /// A unit chosen directly…
    pub unit: String,
    /// …or a category, routed as a report of it in the meeting's district would be.
    pub category: String,
}

/// `POST /staff/dialogue/questions/{id}/route`: to the unit chosen, or to the one the contact
/// centre's routing gives for the category in the meeting's district.
pub async fn route(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<RouteForm>,
) -> Result<Response, Error> {
    let (q, m) = find_question(&state, &id).await?;
    if let Some(page) = check(&state, &ctx, &m, Action::Route).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::RouteDialogue)?.user.id;
    let lookup = Lookup::load(&state).await?;
    let unit = match UnitId::parse(&form.unit).filter(|u| lookup.unit(*u).is_some()) {
        Some(u) => Some(u),
        None => match CategoryId::parse(&form.category).filter(|c| lookup.category(*c).is_some()) {
            Some(category) => {
                miasto_store::routing::route(state.db(), category, m.plan.district).await?
            }
            None => None,
        },
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(unit) = unit else {
        return invalid(&state, &ctx, &m, "error-dialogue-route-needed").await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::route(&tx, &q, unit).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors)?;
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::DialogueQuestionRouted,
        Some(audit::Target::dialogue_meeting(m.id)),
        serde_json::json!({ "question": q.number, "unit": unit.0 }),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&ctx, &m, &q, "flash-dialogue-routed"))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub answer: String,
}

/// `POST /staff/dialogue/questions/{id}/answer`: the unit's answer (a draft until published).
pub async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, Error> {
    let (q, m) = find_question(&state, &id).await?;
    let Some(unit) = q.unit else {
        let mut errors = FieldErrors::new(ctx.locale);
        let status = refused(&mut errors, rules::Refusal::NotRouted);
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    };
    if let Some(page) = check(&state, &ctx, &m, Action::Answer { unit }).await? {
        return Ok(page);
    }
    let by = ctx.require_user()?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let text = match rules::check_answer(&form.answer) {
        Ok(t) => t,
        Err(e) => {
            return invalid(
                &state,
                &ctx,
                &m,
                &format!("error-dialogue-answer-{}", e.code()),
            )
            .await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::answer(&tx, &q, unit, &text, by).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors)?;
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::DialogueQuestionAnswered,
        Some(audit::Target::dialogue_meeting(m.id)),
        serde_json::json!({ "question": q.number, "unit": unit.0 }),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&ctx, &m, &q, "flash-dialogue-answered"))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct HideForm {
    pub reason: String,
}

/// `POST /staff/dialogue/questions/{id}/hide`: personal data or abuse, with a reason.
pub async fn hide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<HideForm>,
) -> Result<Response, Error> {
    let (q, m) = find_question(&state, &id).await?;
    if let Some(page) = check(&state, &ctx, &m, Action::Hide).await? {
        return Ok(page);
    }
    let by = ctx.require_user()?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let reason = match rules::check_reason(&form.reason) {
        Ok(r) => r,
        Err(e) => {
            return invalid(
                &state,
                &ctx,
                &m,
                &format!("error-dialogue-reason-{}", e.code()),
            )
            .await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::hide(&tx, &q, &reason).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors)?;
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::DialogueQuestionHidden,
        Some(audit::Target::dialogue_meeting(m.id)),
        serde_json::json!({ "question": q.number }),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&ctx, &m, &q, "flash-dialogue-hidden"))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub category: String,
    /// The place the question names (an address; the intake needs a place).
    pub address: String,
    pub district: String,
    pub form_key: String,
}

/// `POST /staff/dialogue/questions/{id}/report`: the question becomes a contact-centre report
/// (the same intake check as the hotline's), linked both ways.
pub async fn make_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<ReportForm>,
) -> Result<Response, Error> {
    let (q, m) = find_question(&state, &id).await?;
    if let Some(page) = check(&state, &ctx, &m, Action::MakeReport).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::RouteDialogue)?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    if q.report.is_some() {
        let status = refused(&mut errors, rules::Refusal::AlreadyReport);
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    }
    let lookup = Lookup::load(&state).await?;
    let answers = BTreeMap::new();
    let raw = Raw {
        address: &form.address,
        district: &form.district,
        description: &q.body,
        ..Raw::new(CategoryRef::Id(&form.category), &answers)
    };
    let checked = match intake_check::check(
        &raw,
        &lookup.categories,
        crate::reports::check::districts(&state, &lookup),
    ) {
        Ok(checked) => checked,
        Err(problems) => {
            let category = CategoryId::parse(&form.category).and_then(|c| lookup.category(c));
            let mut messages = FieldErrors::new(ctx.locale);
            crate::reports::check::add_to_form(&problems, category, &mut messages);
            for (_, message) in messages.iter() {
                errors.add_text(FieldErrors::FORM, message);
            }
            return again(
                &state,
                &ctx,
                &m,
                QuestionForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let filing = crate::reports::check::Filing {
        channel: miasto_domain::reports::Channel::Counter,
        client: None,
        reporter: q.author,
        recorded_by: Some(by),
        locale: ctx.locale,
        media_url: None,
        photos: Vec::new(),
        form_key: form.form_key,
        form_scope: "dialogue",
        limit: None,
        remember: None,
    };
    let created = match crate::reports::check::file(&state, checked, filing).await? {
        crate::reports::intake::Outcome::Created(created) => *created,
        _ => return Ok(back(&ctx, &m, &q, "flash-report-already-sent")),
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::link_report(&tx, &q, created.report.id).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors)?;
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::DialogueQuestionReported,
        Some(audit::Target::dialogue_meeting(m.id)),
        serde_json::json!({ "question": q.number, "report": created.report.number.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(back(&ctx, &m, &q, "flash-dialogue-reported"))
}

/// `POST /staff/dialogue/{number}/publish`: every question answered: the Q&A goes out as one
/// page and the followers are told.
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let m = find(&state, &number).await?;
    if let Some(page) = check(&state, &ctx, &m, Action::Publish).await? {
        return Ok(page);
    }
    let by = ctx.require(Permission::ManageDialogue)?.user.id;
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::publish(&tx, m.id, by).await {
        tx.rollback().await?;
        let mut errors = FieldErrors::new(ctx.locale);
        let status = refused_write(e, &mut errors)?;
        return again(&state, &ctx, &m, QuestionForm::default(), errors, status).await;
    }
    let link = format!("{}/dialogue/{}", state.config().base_url, m.number);
    let mut jobs = Vec::new();
    for (email, locale) in store::followers(&tx, m.id).await? {
        let Ok(email) = miasto_domain::Email::parse(&email) else {
            continue;
        };
        let message = crate::emails::dialogue_answers(locale, &email, &m.plan.title, &link)?;
        jobs.push(miasto_store::jobs::Job::SendEmail(message));
    }
    for chunk in jobs.chunks(500) {
        miasto_store::jobs::enqueue_many(&tx, chunk).await?;
    }
    audit::record(
        &tx,
        Some(by),
        audit::Action::DialoguePublished,
        Some(audit::Target::dialogue_meeting(m.id)),
        serde_json::json!({ "number": m.number, "told": jobs.len() }),
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        &ctx,
        &format!("/dialogue/{}", m.number),
        "flash-dialogue-published",
    ))
}
