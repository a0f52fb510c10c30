//! The mayor's "Ławka dialogu" meetings through the API: the meetings, one meeting with its
//! questions (and, once published, the answers with their units), and a resident's question
//! before the meeting (the same check and store path as the web form, channel `app`).

use super::{ApiError, Bearer, Data, FieldIssue, List, page_size, reply, time};
use crate::AppState;
use crate::reports::Lookup;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::dialogue::{self as rules, Action, Actor, Channel, Phase, Refusal, Status};
use miasto_store::dialogue::{self as store, DialogueError, Meeting, NewQuestion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A meeting in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingItem {
    /// Its address: `/dialogue/{number}`.
    pub number: i32,
    pub title: String,
    /// `district`, `school`, `seniors`, `students`, `online` or `festival`.
    pub audience: String,
    pub starts: String,
    pub ends: String,
    pub venue: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// The district's number, if the meeting is for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<u16>,
    /// `upcoming` (questions welcome), `held` (answers in preparation) or `published`.
    pub phase: String,
    pub description: String,
}

fn item(m: &Meeting, lookup: &Lookup) -> MeetingItem {
    let p = &m.plan;
    MeetingItem {
        number: m.number,
        title: p.title.clone(),
        audience: p.audience.as_str().to_owned(),
        starts: time(p.starts),
        ends: time(p.ends),
        venue: p.venue.clone(),
        lat: p.point.map(|p| p.0),
        lon: p.point.map(|p| p.1),
        district: p
            .district
            .and_then(|d| lookup.district(d))
            .map(|d| d.number),
        phase: m.phase(miasto_store::now()).as_str().to_owned(),
        description: p.description.clone(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1–100 (25 when absent).
    pub limit: Option<String>,
}

/// List the mayor's meetings
///
/// The latest first.
#[utoipa::path(get, path = "/dialogue", tag = "dialogue",
    params(ListParams),
    responses(
        (status = 200, description = "The meetings", body = List<MeetingItem>),
        (status = 400, description = "A parameter cannot be used", body = crate::api::error::ErrorBody),
    ))]
pub async fn list_meetings(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let number = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (2..=miasto_store::Page::MAX_NUMBER).contains(n))
            .ok_or_else(|| ApiError::invalid("cursor", "cursor_invalid"))?,
    };
    let size = page_size(params.limit.as_deref())?;
    let paged = store::meetings(
        state.db(),
        miasto_store::Page::new(Some(number), Some(size)),
    )
    .await?;
    Ok((
        StatusCode::OK,
        axum::Json(List {
            data: paged.items.iter().map(|m| item(m, &lookup)).collect(),
            next_cursor: paged.has_next().then(|| (paged.page + 1).to_string()),
        }),
    )
        .into_response())
}

/// A question as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DialogueQuestion {
    pub id: String,
    /// 1, 2, 3… within the meeting.
    pub number: i32,
    pub body: String,
    /// `web`, `app`, `meeting` or `phone`.
    pub channel: String,
    /// The answer, once the meeting's answers are published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The unit that answered (its code), once published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    pub asked_at: String,
}

/// A meeting with its questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: MeetingItem,
    /// Asked before the meeting or at it (none while it is upcoming: each author sees their own
    /// on the web).
    pub questions: Vec<DialogueQuestion>,
}

async fn find(state: &AppState, number: &str) -> Result<Meeting, ApiError> {
    let number: i32 = number.trim().parse().map_err(|_| ApiError::not_found())?;
    store::meeting_by_number(state.db(), number)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Show a meeting
///
/// With its questions once it is held, and the answers once published.
#[utoipa::path(get, path = "/dialogue/{number}", tag = "dialogue",
    params(("number" = String, Path, description = "The meeting's number")),
    responses(
        (status = 200, description = "The meeting", body = Data<MeetingDetail>),
        (status = 404, description = "No such meeting", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_meeting(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let m = find(&state, &number).await?;
    let lookup = Lookup::load(&state).await?;
    let phase = m.phase(miasto_store::now());
    let questions = if phase == Phase::Upcoming {
        Vec::new()
    } else {
        store::questions_of(state.db(), m.id)
            .await?
            .into_iter()
            .filter(|q| q.status != Status::Hidden)
            .map(|q| {
                let published = phase == Phase::Published;
                DialogueQuestion {
                    id: q.id.to_string(),
                    number: q.number,
                    channel: q.channel.as_str().to_owned(),
                    answer: q.answer.filter(|_| published),
                    answered_by: q
                        .unit
                        .filter(|_| published)
                        .and_then(|u| lookup.unit(u))
                        .map(|u| u.code.as_str().to_owned()),
                    asked_at: time(q.created_at),
                    body: q.body,
                }
            })
            .collect()
    };
    Ok(reply(
        StatusCode::OK,
        MeetingDetail {
            meeting: item(&m, &lookup),
            questions,
        },
    ))
}

/// A resident's question.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewQuestionBody {
    /// 10 to 2000 characters.
    pub body: String,
}

fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::SignIn => ApiError::unauthorized(),
        r => ApiError::new(
            StatusCode::from_u16(r.http_status()).unwrap_or(StatusCode::CONFLICT),
            r.code(),
        ),
    }
}

/// Ask a question before a meeting
///
/// As the signed-in resident, until the meeting starts; the resident follows it and is told
/// by e-mail when the answers are published.
#[utoipa::path(post, path = "/dialogue/{number}/questions", tag = "dialogue",
    params(("number" = String, Path, description = "The meeting's number")),
    request_body = NewQuestionBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The question", body = Data<DialogueQuestion>),
        (status = 400, description = "The body is not JSON of this shape", body = crate::api::error::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such meeting", body = crate::api::error::ErrorBody),
        (status = 409, description = "The meeting has started or its answers are published (`dialogue_started`, `dialogue_published`)", body = crate::api::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::api::error::ErrorBody),
        (status = 415, description = "The body is not JSON", body = crate::api::error::ErrorBody),
        (status = 422, description = "The question failed its checks", body = crate::api::error::ErrorBody),
        (status = 429, description = "Too many questions from this account", body = crate::api::error::ErrorBody),
    ))]
pub async fn create_question(
    State(state): State<AppState>,
    bearer: Bearer,
    Path(number): Path<String>,
    super::JsonBody(body): super::JsonBody<NewQuestionBody>,
) -> Result<Response, ApiError> {
    let m = find(&state, &number).await?;
    let actor = Actor {
        user: Some(bearer.user.id),
        role: Some(bearer.user.role),
        unit: bearer.user.unit_id,
    };
    rules::may(&actor, Action::Ask, m.phase(miasto_store::now())).map_err(refusal)?;
    let text = rules::check_question(&body.body)
        .map_err(|e| ApiError::validation(vec![FieldIssue::domain("body", e)]))?;
    let tx = miasto_store::begin(state.db()).await?;
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(&state, &tx, "dialogue-questions", &bearer.user.email)
            .await?
    {
        tx.commit().await.map_err(crate::Error::from)?;
        return Err(ApiError::rate_limited(retry_after_secs));
    }
    let new = NewQuestion {
        body: text,
        channel: Channel::App,
        author: Some(bearer.user.id),
        recorded_by: None,
        unit: None,
    };
    let q = match store::add_question(&tx, m.id, &new).await {
        Ok(q) => q,
        Err(e) => {
            tx.rollback().await.map_err(crate::Error::from)?;
            return Err(match e {
                DialogueError::Refused(r) => refusal(r),
                DialogueError::Target => refusal(Refusal::Published),
                DialogueError::Store(e) => e.into(),
            });
        }
    };
    tx.commit().await.map_err(crate::Error::from)?;
    Ok(reply(
        StatusCode::CREATED,
        DialogueQuestion {
            id: q.id.to_string(),
            number: q.number,
            channel: q.channel.as_str().to_owned(),
            answer: None,
            answered_by: None,
            asked_at: time(q.created_at),
            body: q.body,
        },
    ))
}
