//! "Ławka dialogu" (issue 18): the mayor's meetings with residents. Public pages announce each
//! meeting (with its calendar file), take residents' questions until it starts, list the
//! questions asked once it is held, and publish the questions with the answers the city's
//! units prepared, each attributed to its unit, as one page. Residents follow questions and are
//! told when the answers are out; "My city" lists theirs. The rulebook is
//! `miasto_domain::dialogue`; the store enforces it.

pub mod staff;

use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::Permission;
use miasto_domain::dialogue::{self as rules, Action, Actor, Channel, Phase, Refusal, Status};
use miasto_store::dialogue::{self as store, DialogueError, Meeting, NewQuestion, Question};
use serde::Deserialize;

/// The rulebook's actor for the one making the request.
pub(crate) fn actor(ctx: &Ctx) -> Actor {
    ctx.user.as_ref().map_or(Actor::ANONYMOUS, |u| Actor {
        user: Some(u.user.id),
        role: Some(u.user.role),
        unit: u.user.unit_id,
    })
}

/// A meeting as pages show it.
pub struct MeetingView {
    pub number: i32,
    pub title: String,
    pub audience: String,
    pub when: String,
    pub venue: String,
    pub district: Option<String>,
    pub description: String,
    /// upcoming, held, published.
    pub phase: &'static str,
    pub phase_label: String,
}

impl MeetingView {
    pub fn new(m: &Meeting, lookup: &Lookup, page: &Page) -> Self {
        let phase = m.phase(miasto_store::now());
        let p = &m.plan;
        Self {
            number: m.number,
            title: p.title.clone(),
            audience: page.t(&format!("dialogue-audience-{}", p.audience.as_str())),
            when: crate::consultations::meetings::span(p.starts, p.ends, page.lang),
            venue: p.venue.clone(),
            district: p
                .district
                .and_then(|d| lookup.district(d))
                .map(|d| d.label()),
            description: p.description.clone(),
            phase: phase.as_str(),
            phase_label: page.t(&format!("dialogue-phase-{}", phase.as_str())),
        }
    }
}

/// A question as pages show it.
pub struct QuestionView {
    pub id: String,
    pub number: i32,
    pub body: String,
    /// The channel in words.
    pub channel: String,
    pub status: &'static str,
    pub status_label: String,
    pub unit: Option<String>,
    pub unit_id: Option<String>,
    pub answer: Option<String>,
    pub hidden_reason: Option<String>,
    /// The report it became: its path.
    pub report: Option<String>,
    pub asked: String,
    pub mine: bool,
    pub followed: bool,
}

impl QuestionView {
    pub fn new(q: &Question, lookup: &Lookup, page: &Page, ctx: &Ctx) -> Self {
        Self {
            id: q.id.to_string(),
            number: q.number,
            body: q.body.clone(),
            channel: page.t(&format!("dialogue-channel-{}", q.channel.as_str())),
            status: q.status.as_str(),
            status_label: page.t(&format!("dialogue-status-{}", q.status.as_str())),
            unit: q
                .unit
                .and_then(|u| lookup.unit(u))
                .map(|u| page.name(&u.names).to_owned()),
            unit_id: q.unit.map(|u| u.0.to_string()),
            answer: q.answer.clone(),
            hidden_reason: q.hidden_reason.clone(),
            report: None,
            asked: page.datetime(&q.created_at),
            mine: ctx
                .user
                .as_ref()
                .is_some_and(|u| q.author == Some(u.user.id)),
            followed: false,
        }
    }
}

/// The meeting at `/dialogue/{number}`.
pub(crate) async fn find(state: &AppState, number: &str) -> Result<Meeting, Error> {
    let number: i32 = number.parse().map_err(|_| Error::NotFound)?;
    store::meeting_by_number(state.db(), number)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub page: String,
}

#[derive(Template)]
#[template(path = "dialogue/index.html")]
struct IndexPage {
    page: Page,
    meetings: Vec<MeetingView>,
    pager: Pager,
}

/// `GET /dialogue`: the meetings, the latest first.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "dialogue-title");
    let number = crate::admin::page_number(&q.page)?;
    let paged = store::meetings(state.db(), miasto_store::Page::new(number, None)).await?;
    let pager = Pager::new(&paged, "/dialogue", &[]);
    Ok(render(&IndexPage {
        meetings: paged
            .items
            .iter()
            .map(|m| MeetingView::new(m, &lookup, &page))
            .collect(),
        pager,
        page,
    })?
    .into_response())
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AskForm {
    pub body: String,
}

#[derive(Template)]
#[template(path = "dialogue/show.html")]
struct ShowPage {
    page: Page,
    m: MeetingView,
    /// The venue on a small map, when its point was given.
    map: Option<crate::places::MapView>,
    /// Published: questions with their answers; held: the questions asked.
    questions: Vec<QuestionView>,
    /// The account's own questions that are hidden, with the reason.
    own_hidden: Vec<QuestionView>,
    may_ask: bool,
    login: bool,
    may_follow: bool,
    form: AskForm,
    errors: FieldErrors,
    staff: bool,
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    m: &Meeting,
    form: AskForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let mut page = Page::new(ctx, String::new());
    page.title = m.plan.title.clone();
    let view = MeetingView::new(m, &lookup, &page);
    let phase = m.phase(miasto_store::now());
    let who = actor(ctx);
    let all = store::questions_of(state.db(), m.id).await?;
    let mut questions = Vec::new();
    let mut own_hidden = Vec::new();
    for q in &all {
        let mut v = QuestionView::new(q, &lookup, &page, ctx);
        if q.status == Status::Hidden {
            if v.mine {
                own_hidden.push(v);
            }
            continue;
        }
        // Answers are shown only once the meeting's Q&A is published.
        if phase != Phase::Published {
            v.answer = None;
            v.unit = None;
        }
        // Before the meeting only the author sees a question.
        if phase == Phase::Upcoming && !v.mine {
            continue;
        }
        if let Some(u) = &ctx.user {
            v.followed = v.mine || store::follows_question(state.db(), q.id, u.user.id).await?;
        }
        questions.push(v);
    }
    let ask = rules::may(&who, Action::Ask, phase);
    let map = match m
        .plan
        .point
        .and_then(|(lat, lon)| miasto_domain::geo::Point::new(lat, lon).ok())
    {
        Some(p) => Some(crate::places::map_view(state, p, false).await),
        None => None,
    };
    let out = ShowPage {
        m: view,
        map,
        questions,
        own_hidden,
        may_ask: ask.is_ok(),
        login: ask == Err(Refusal::SignIn),
        may_follow: ctx.user.is_some() && phase == Phase::Held,
        form,
        errors,
        staff: ctx.can(Permission::RouteDialogue) || ctx.can(Permission::ManageDialogue),
        page,
    };
    Ok((status, render(&out)?).into_response())
}

/// `GET /dialogue/{number}`: the announcement, the questions and, once published, the answers.
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
        AskForm::default(),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

/// A refusal as a form error with its HTTP status.
pub(crate) fn refused(errors: &mut FieldErrors, refusal: Refusal) -> StatusCode {
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT)
}

/// A refused write as a form error; other errors stay errors.
pub(crate) fn refused_write(
    e: DialogueError,
    errors: &mut FieldErrors,
) -> Result<StatusCode, Error> {
    match e {
        DialogueError::Refused(r) => Ok(refused(errors, r)),
        DialogueError::Target => {
            errors.add_message(FieldErrors::FORM, "error-dialogue-target");
            Ok(StatusCode::CONFLICT)
        }
        DialogueError::Store(e) => Err(e.into()),
    }
}

/// `POST /dialogue/{number}/questions`: a resident's question before the meeting.
pub async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Form(form): Form<AskForm>,
) -> Result<Response, Error> {
    let m = find(&state, &number).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    if let Err(refusal) = rules::may(&actor(&ctx), Action::Ask, m.phase(miasto_store::now())) {
        if refusal == Refusal::SignIn {
            return Err(Error::LoginRequired);
        }
        let status = refused(&mut errors, refusal);
        return show_page(&state, &ctx, &m, form, errors, status).await;
    }
    let current = ctx.require_user()?;
    let body = match rules::check_question(&form.body) {
        Ok(b) => b,
        Err(e) => {
            errors.add("body", e);
            return show_page(
                &state,
                &ctx,
                &m,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    // A flood of questions would bury the units: the comments' limit applies.
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(&state, &tx, "dialogue-questions", &current.user.email)
            .await?
    {
        tx.commit().await?;
        crate::accounts::too_many(&mut errors, ctx.locale, retry_after_secs);
        return show_page(
            &state,
            &ctx,
            &m,
            form,
            errors,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let new = NewQuestion {
        body,
        channel: Channel::Web,
        author: Some(current.user.id),
        recorded_by: None,
        unit: None,
    };
    if let Err(e) = store::add_question(&tx, m.id, &new).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors)?;
        return show_page(&state, &ctx, &m, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/dialogue/{}#questions", m.number),
        "flash-dialogue-asked",
    ))
}

/// `POST /dialogue/questions/{id}/follow`: be told when the answer is published.
pub async fn follow(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let user = ctx.require_user()?.user.id;
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let q = store::question(state.db(), id)
        .await?
        .filter(|q| q.status != Status::Hidden)
        .ok_or(Error::NotFound)?;
    let m = store::meeting(state.db(), q.meeting)
        .await?
        .ok_or(Error::NotFound)?;
    if m.phase(miasto_store::now()) == Phase::Upcoming && q.author != Some(user) {
        return Err(Error::NotFound);
    }
    if let Err(refusal) = rules::may(&actor(&ctx), Action::Follow, m.phase(miasto_store::now())) {
        let mut errors = FieldErrors::new(ctx.locale);
        let status = refused(&mut errors, refusal);
        return show_page(&state, &ctx, &m, AskForm::default(), errors, status).await;
    }
    store::follow(state.db(), q.id, user).await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/dialogue/{}#q-{}", m.number, q.number),
        "flash-dialogue-followed",
    ))
}

/// `GET /dialogue/{number}/calendar.ics`: the meeting for a calendar.
pub async fn calendar(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, Error> {
    let m = find(&state, &number).await?;
    let p = &m.plan;
    let url = format!("/dialogue/{}", m.number);
    Ok(crate::consultations::meetings::CalendarEvent {
        uid: format!("dialogue-{}", m.id),
        starts: p.starts,
        ends: p.ends,
        summary: &p.title,
        location: &p.venue,
        description: &p.description,
        url: &url,
    }
    .response(&state.config().base_url))
}

/// One row of the figures.
pub struct FigureRow {
    pub label: String,
    pub link: Option<String>,
    pub received: usize,
    pub answered: usize,
    /// Median days from the question to its answer ("–" for none).
    pub median: String,
}

#[derive(Template)]
#[template(path = "dialogue/figures.html")]
struct FiguresPage {
    page: Page,
    meetings: Vec<FigureRow>,
    units: Vec<FigureRow>,
}

fn row(label: String, link: Option<String>, facts: &[&store::Fact], page: &Page) -> FigureRow {
    let answered: Vec<i64> = facts
        .iter()
        .filter_map(|f| f.answered_at.map(|a| (a - f.created_at).num_days()))
        .collect();
    FigureRow {
        label,
        link,
        received: facts.len(),
        answered: answered.len(),
        median: rules::median_days(answered).map_or_else(|| "–".to_owned(), |d| page.decimal(d)),
    }
}

/// `GET /dialogue/figures`: per meeting and per unit, questions received, answered and the
/// median days to an answer.
pub async fn figures(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let lookup = Lookup::load(&state).await?;
    let page = Page::titled(&ctx, "dialogue-figures-title");
    let facts: Vec<store::Fact> = store::facts(state.db())
        .await?
        .into_iter()
        .filter(|f| f.status != Status::Hidden)
        .collect();
    let meetings = store::all_meetings(state.db())
        .await?
        .iter()
        .rev()
        .map(|m| {
            let of: Vec<&store::Fact> = facts.iter().filter(|f| f.meeting == m.id).collect();
            row(
                format!("{} ({})", m.plan.title, page.datetime(&m.plan.starts)),
                Some(format!("/dialogue/{}", m.number)),
                &of,
                &page,
            )
        })
        .collect();
    let mut units: Vec<FigureRow> = lookup
        .units
        .iter()
        .filter_map(|u| {
            let of: Vec<&store::Fact> = facts.iter().filter(|f| f.unit == Some(u.id)).collect();
            (!of.is_empty()).then(|| row(page.name(&u.names).to_owned(), None, &of, &page))
        })
        .collect();
    units.sort_by(|a, b| b.received.cmp(&a.received).then(a.label.cmp(&b.label)));
    Ok(render(&FiguresPage {
        meetings,
        units,
        page,
    })?
    .into_response())
}
