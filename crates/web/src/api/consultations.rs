//! Consultations through the API, so that the city's app can offer them: the list, one
//! consultation with its documents and survey, its comments (anonymised, with the city's
//! answer once published), a resident's comment (the same check and store path as the web
//! form, channel `app`) and a survey response (the same `check_response`, the same one
//! response per account or code).

use super::{ApiError, Bearer, Data, FieldIssue, List, MaybeBearer, page_size, reply, time};
use crate::AppState;
use crate::reports::Lookup;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::consultations::comments::{self as comment_rules, Channel};
use miasto_domain::consultations::survey::{self as survey_rules, Audience, Kind, Raw};
use miasto_domain::consultations::{self as rules, Actor, Area, Refusal};
use miasto_store::consultations::{
    self as store, ChangeError, Consultation, Filter, NewComment, Target, answers, documents,
    survey,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A consultation in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationItem {
    /// Its address: `/consultations/{slug}`.
    pub slug: String,
    pub title: String,
    /// `standard` or `small`.
    pub kind: String,
    /// `announced`, `information`, `open`, `analysis`, `reported` or `cancelled`.
    pub phase: String,
    pub goal: String,
    pub information_from: String,
    pub opens: String,
    /// When it closes (exclusive).
    pub closes: String,
    pub report_due: String,
    pub city_wide: bool,
    /// The numbers of the districts it concerns (as `/districts` gives them; empty when
    /// city-wide).
    pub districts: Vec<u16>,
    /// `survey`, `comments`, `meetings`, `duty_hours`, `paper`.
    pub methods: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
}

fn item(c: &Consultation, lookup: &Lookup) -> ConsultationItem {
    ConsultationItem {
        slug: c.slug.clone(),
        title: c.plan.title.clone(),
        kind: c.plan.kind.as_str().to_owned(),
        phase: c.phase(miasto_store::now()).as_str().to_owned(),
        goal: c.plan.goal.clone(),
        information_from: time(c.schedule.information),
        opens: time(c.schedule.opens),
        closes: time(c.schedule.closes),
        report_due: time(c.schedule.report_due),
        city_wide: c.organisation.area == Area::CityWide,
        districts: match &c.organisation.area {
            Area::CityWide => Vec::new(),
            Area::Districts(ids) => ids
                .iter()
                .filter_map(|d| lookup.district(*d).map(|d| d.number))
                .collect(),
        },
        methods: c
            .organisation
            .methods
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        cancel_reason: c.cancel_reason.clone(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only those concerning this district (its number, as `/districts` gives it); city-wide
    /// ones concern every district.
    pub district: Option<String>,
}

/// List consultations
///
/// Published consultations, the latest to open first (at most 500).
#[utoipa::path(get, path = "/consultations", tag = "consultations",
    params(ListParams),
    responses(
        (status = 200, description = "The consultations", body = List<ConsultationItem>),
        (status = 400, description = "A parameter cannot be used", body = crate::api::error::ErrorBody),
    ))]
pub async fn list_consultations(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let district = match params.district.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<u16>()
                .ok()
                .and_then(|n| lookup.district_by_number(n))
                .ok_or_else(|| ApiError::invalid("district", "district_unknown"))?
                .id,
        ),
    };
    let all = store::list(
        state.db(),
        Filter {
            published_only: true,
            district,
            ..Filter::default()
        },
    )
    .await?;
    Ok((
        StatusCode::OK,
        axum::Json(List {
            data: all.iter().map(|c| item(c, &lookup)).collect(),
            next_cursor: None,
        }),
    )
        .into_response())
}

/// A document put out for comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentItem {
    pub id: String,
    pub title: String,
    pub version: i32,
    /// Its headings and paragraphs in the current version, in order.
    pub paragraphs: Vec<ParagraphItem>,
}

/// A paragraph (or a heading: a section) of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParagraphItem {
    /// Stable across versions: comment on it with `paragraph`.
    pub id: String,
    pub heading: bool,
    pub text: String,
}

/// A consultation with its documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationDetail {
    #[serde(flatten)]
    pub consultation: ConsultationItem,
    pub documents: Vec<DocumentItem>,
    /// It has a survey (`/consultations/{slug}/survey`).
    pub survey: bool,
}

async fn find(state: &AppState, slug: &str) -> Result<Consultation, ApiError> {
    store::get_by_slug(state.db(), slug)
        .await?
        .filter(|c| c.published_at.is_some())
        .ok_or_else(ApiError::not_found)
}

/// Read a consultation
///
/// Its plan, phase and ways to take part, with its documents paragraph by paragraph.
#[utoipa::path(get, path = "/consultations/{slug}", tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's address")),
    responses(
        (status = 200, description = "The consultation", body = Data<ConsultationDetail>),
        (status = 404, description = "No such consultation", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_consultation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let c = find(&state, &slug).await?;
    let lookup = Lookup::load(&state).await?;
    let mut docs = Vec::new();
    for d in documents::list(state.db(), c.id).await? {
        let paragraphs = documents::paragraphs(state.db(), d.id, d.current_version)
            .await?
            .into_iter()
            .map(|p| ParagraphItem {
                id: p.id.to_string(),
                heading: p.heading,
                text: p.body,
            })
            .collect();
        docs.push(DocumentItem {
            id: d.id.to_string(),
            title: d.title,
            version: d.current_version,
            paragraphs,
        });
    }
    Ok(reply(
        StatusCode::OK,
        ConsultationDetail {
            survey: c
                .organisation
                .methods
                .contains(&miasto_domain::consultations::Method::Survey),
            consultation: item(&c, &lookup),
            documents: docs,
        },
    ))
}

/// The city's answer to a comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerItem {
    /// `accepted`, `partly_accepted`, `not_accepted` or `not_applicable`.
    pub disposition: String,
    pub justification: String,
}

/// A comment, without its author.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentItem {
    pub id: String,
    /// How it came: `web`, `app`, `paper`, `email`, `letter`, `duty_hour`, `meeting`.
    pub channel: String,
    pub body: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<String>,
    /// Present once the report has published it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerItem>,
    /// It waits for a moderator before anyone else sees it (consultations moderated
    /// beforehand); lists show only comments already shown.
    pub pending: bool,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentParams {
    /// From `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 100; 25 by default.
    pub limit: Option<String>,
}

/// List a consultation's comments
///
/// Oldest first, without their authors; each with the city's answer once the report is
/// published.
#[utoipa::path(get, path = "/consultations/{slug}/comments", tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's address"), CommentParams),
    responses(
        (status = 200, description = "A page of comments", body = List<CommentItem>),
        (status = 400, description = "A parameter cannot be used", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such consultation", body = crate::api::error::ErrorBody),
    ))]
pub async fn list_comments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(params): Query<CommentParams>,
) -> Result<Response, ApiError> {
    let c = find(&state, &slug).await?;
    let limit = page_size(params.limit.as_deref())?;
    // The cursor is the number of the page to read, as the API gave it.
    let page = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(raw) => raw
            .strip_prefix('p')
            .and_then(|n| n.parse::<u64>().ok())
            .filter(|n| (2..=miasto_store::Page::MAX_NUMBER).contains(n))
            .ok_or_else(|| ApiError::invalid("cursor", "cursor_invalid"))?,
    };
    let paged = store::comments(
        state.db(),
        c.id,
        miasto_store::Page::new(Some(page), Some(limit)),
    )
    .await?;
    let ids: Vec<uuid::Uuid> = paged.items.iter().filter_map(|k| k.answer).collect();
    let published = answers::get_many(state.db(), &ids, true).await?;
    let data = paged
        .items
        .iter()
        .map(|k| CommentItem {
            id: k.id.to_string(),
            channel: k.channel.as_str().to_owned(),
            body: k.body.clone(),
            created_at: time(k.created_at),
            document: k.document.map(|(d, _)| d.to_string()),
            paragraph: k.paragraph.map(|p| p.to_string()),
            answer: k
                .answer
                .and_then(|a| published.get(&a))
                .map(|a| AnswerItem {
                    disposition: a.disposition.as_str().to_owned(),
                    justification: a.justification.clone(),
                }),
            pending: k.pending,
        })
        .collect();
    let next_cursor = paged.has_next().then(|| format!("p{}", page + 1));
    Ok((StatusCode::OK, axum::Json(List { data, next_cursor })).into_response())
}

/// A comment to send.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCommentBody {
    /// 3 to 10,000 characters.
    pub body: String,
    /// A document's id, to comment on the whole document.
    #[serde(default)]
    pub document: Option<String>,
    /// A paragraph's (or heading's) id, to comment on it.
    #[serde(default)]
    pub paragraph: Option<String>,
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

fn refused_write(e: ChangeError) -> ApiError {
    match e {
        ChangeError::Store(e) => e.into(),
        ChangeError::Target => ApiError::validation(vec![FieldIssue::new(
            "paragraph",
            "consult_target",
            "consult-error-target".into(),
        )]),
        ChangeError::Code => refusal(Refusal::Code),
        ChangeError::Answered => refusal(Refusal::Answered),
        ChangeError::Unanswered => refusal(Refusal::Unanswered),
        ChangeError::Stale => refusal(Refusal::Phase),
        ChangeError::Refused(r) => refusal(r),
    }
}

/// Comment on a consultation
///
/// On the consultation as a whole, a document or a paragraph, while it is open and its plan
/// takes comments. One check and one store path with the web form; the channel is `app`.
#[utoipa::path(post, path = "/consultations/{slug}/comments", tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's address")),
    request_body = NewCommentBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The comment, as listed", body = Data<CommentItem>),
        (status = 400, description = "The body is not JSON of this shape", body = crate::api::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::api::error::ErrorBody),
        (status = 415, description = "The body is not JSON", body = crate::api::error::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such consultation", body = crate::api::error::ErrorBody),
        (status = 409, description = "Not open, or the plan takes no comments (`consult_phase`, `consult_no_method`)", body = crate::api::error::ErrorBody),
        (status = 422, description = "The text or the target failed their checks", body = crate::api::error::ErrorBody),
        (status = 429, description = "Too many comments from this account", body = crate::api::error::ErrorBody),
    ))]
pub async fn create_comment(
    State(state): State<AppState>,
    bearer: Bearer,
    Path(slug): Path<String>,
    super::JsonBody(body): super::JsonBody<NewCommentBody>,
) -> Result<Response, ApiError> {
    let c = find(&state, &slug).await?;
    let actor = Actor {
        user: Some(bearer.user.id),
        role: Some(bearer.user.role),
    };
    rules::may_comment(
        &actor,
        Channel::App,
        c.phase(miasto_store::now()),
        &c.organisation.methods,
    )
    .map_err(refusal)?;
    let text = comment_rules::check_text(&body.body)
        .map_err(|e| ApiError::validation(vec![FieldIssue::domain("body", e)]))?;
    let id = |field: &'static str, raw: &str| {
        uuid::Uuid::try_parse(raw.trim()).map_err(|_| {
            ApiError::validation(vec![FieldIssue::new(
                field,
                "consult_target",
                "consult-error-target".into(),
            )])
        })
    };
    let target = match (body.paragraph.as_deref(), body.document.as_deref()) {
        (Some(p), _) => Target::Paragraph(id("paragraph", p)?),
        (None, Some(d)) => Target::Document(id("document", d)?),
        (None, None) => Target::Consultation,
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Some(retry_after_secs) =
        crate::accounts::over_post_limit(&state, &tx, "consultation-comments", &bearer.user.email)
            .await?
    {
        tx.commit().await.map_err(crate::Error::from)?;
        return Err(ApiError::rate_limited(retry_after_secs));
    }
    let added = store::add_comment(
        &tx,
        c.id,
        NewComment {
            channel: Channel::App,
            author: Some(bearer.user.id),
            author_name: None,
            body: text,
            recorded_by: None,
            target,
        },
    )
    .await;
    let k = match added {
        Ok(k) => k,
        Err(e) => {
            tx.rollback().await.map_err(crate::Error::from)?;
            return Err(refused_write(e));
        }
    };
    tx.commit().await.map_err(crate::Error::from)?;
    Ok(reply(
        StatusCode::CREATED,
        CommentItem {
            id: k.id.to_string(),
            channel: k.channel.as_str().to_owned(),
            body: k.body,
            created_at: time(k.created_at),
            document: k.document.map(|(d, _)| d.to_string()),
            paragraph: k.paragraph.map(|p| p.to_string()),
            answer: None,
            pending: k.pending,
        },
    ))
}

/// A survey question.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionItem {
    /// Answers refer to it: `q1`, `q2`…
    pub key: String,
    /// `single`, `multiple`, `scale`, `ranking`, `matrix`, `short_text`, `long_text`, `file` (a photo
    /// attached on the web form; the API cannot send one, so leave it out — a required one
    /// makes the survey answerable only on the web).
    pub kind: String,
    pub text: String,
    /// The choices (a scale's points, a matrix's columns), answered by index from 0.
    pub options: Vec<String>,
    /// A matrix's rows.
    pub rows: Vec<String>,
    pub required: bool,
    /// Asked only when the answer to `question` includes option `option`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_if: Option<ShownIf>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShownIf {
    pub question: String,
    pub option: u32,
}

/// A consultation's survey.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyItem {
    /// `anyone`, `accounts`, `districts` (residents of the consultation's districts, who give
    /// `district`) or `codes` (holders of an invitation code, who give `code`).
    pub audience: String,
    /// The optional `district`, `age` and `sex` are asked.
    pub demographics: bool,
    pub questions: Vec<QuestionItem>,
    /// Whether the signed-in resident has sent a response (absent without a token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
}

async fn survey_of(state: &AppState, c: &Consultation) -> Result<survey_rules::Survey, ApiError> {
    if !c
        .organisation
        .methods
        .contains(&miasto_domain::consultations::Method::Survey)
    {
        return Err(ApiError::not_found());
    }
    Ok(survey::get(state.db(), c.id)
        .await?
        .map(|(s, _)| s)
        .unwrap_or_default())
}

/// Read a consultation's survey
///
/// The questions, who may answer and whether the resident has.
#[utoipa::path(get, path = "/consultations/{slug}/survey", tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's address")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The survey", body = Data<SurveyItem>),
        (status = 401, description = "A token was sent but is not valid", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such consultation, or it has no survey", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_survey(
    State(state): State<AppState>,
    MaybeBearer(viewer): MaybeBearer,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let c = find(&state, &slug).await?;
    let s = survey_of(&state, &c).await?;
    let answered = match &viewer {
        Some(b) => Some(
            survey::response_of(state.db(), c.id, b.user.id)
                .await?
                .is_some_and(|r| r.submitted_at.is_some()),
        ),
        None => None,
    };
    Ok(reply(
        StatusCode::OK,
        SurveyItem {
            audience: s.audience.as_str().to_owned(),
            demographics: s.demographics,
            questions: s
                .questions
                .iter()
                .map(|q| QuestionItem {
                    key: q.key.clone(),
                    kind: q.kind.as_str().to_owned(),
                    text: q.text.clone(),
                    options: q.options.clone(),
                    rows: q.rows.clone(),
                    required: q.required,
                    shown_if: q.shown_if.as_ref().map(|(k, o)| ShownIf {
                        question: k.clone(),
                        option: u32::try_from(*o).unwrap_or(u32::MAX),
                    }),
                })
                .collect(),
            answered,
        },
    ))
}

/// A survey response.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResponseBody {
    /// By question key: an option index (single, scale), a list of indices (multiple), the
    /// option indices in order, first place first (ranking), a list with the column index
    /// (or null) of each row (matrix), or text.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// The invitation code, for a `codes` survey.
    #[serde(default)]
    pub code: Option<String>,
    /// The number of the district the resident lives in (required by a `districts` survey).
    #[serde(default)]
    pub district: Option<u16>,
    /// An age band: `0-17`, `18-24`, `25-34`, `35-44`, `45-59`, `60-74`, `75-plus`.
    #[serde(default)]
    pub age: Option<String>,
    /// `female`, `male` or `other`.
    #[serde(default)]
    pub sex: Option<String>,
}

/// The answers as the web form would have sent them, for the one check.
fn as_form(
    s: &survey_rules::Survey,
    answers: &BTreeMap<String, serde_json::Value>,
) -> Result<Raw, ApiError> {
    use serde_json::Value;
    let mut raw = Raw::new();
    let bad = |key: &str| {
        ApiError::validation(vec![FieldIssue::domain(
            format!("answers.{key}"),
            miasto_domain::FieldError::KindUnknown,
        )])
    };
    let index = |v: &Value| v.as_u64().map(|n| n.to_string());
    for (key, value) in answers {
        let Some(q) = s.question(key) else {
            return Err(bad(key));
        };
        match (q.kind, value) {
            (_, Value::Null) => {}
            (Kind::Single | Kind::Scale, v) => {
                raw.insert(key.clone(), vec![index(v).ok_or_else(|| bad(key))?]);
            }
            (Kind::Multiple, Value::Array(items)) => {
                let list: Option<Vec<String>> = items.iter().map(index).collect();
                raw.insert(key.clone(), list.ok_or_else(|| bad(key))?);
            }
            (Kind::Ranking, Value::Array(items)) => {
                for (place, v) in items.iter().enumerate() {
                    let option = v.as_u64().ok_or_else(|| bad(key))?;
                    raw.insert(format!("{key}-{option}"), vec![(place + 1).to_string()]);
                }
            }
            (Kind::Matrix, Value::Array(cells)) => {
                for (row, v) in cells.iter().enumerate() {
                    match v {
                        Value::Null => {}
                        v => {
                            raw.insert(
                                format!("{key}-{row}"),
                                vec![index(v).ok_or_else(|| bad(key))?],
                            );
                        }
                    }
                }
            }
            (Kind::ShortText | Kind::LongText, Value::String(t)) => {
                raw.insert(key.clone(), vec![t.clone()]);
            }
            _ => return Err(bad(key)),
        }
    }
    Ok(raw)
}

/// Answer a consultation's survey
///
/// Once per account (or per invitation code), while the consultation is open. The same
/// checks as the web form: required questions, questions asked only after an answer (their
/// answers are left out otherwise), who may answer.
#[utoipa::path(post, path = "/consultations/{slug}/survey/responses", tag = "consultations",
    params(("slug" = String, Path, description = "The consultation's address")),
    request_body = ResponseBody,
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Received", body = Data<ResponseReceived>),
        (status = 400, description = "The body is not JSON of this shape", body = crate::api::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::api::error::ErrorBody),
        (status = 415, description = "The body is not JSON", body = crate::api::error::ErrorBody),
        (status = 401, description = "The survey is for residents with an account", body = crate::api::error::ErrorBody),
        (status = 403, description = "Another district's resident (`consult_other_district`), or an unknown or used code (`consult_code`)", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such consultation, or it has no survey", body = crate::api::error::ErrorBody),
        (status = 409, description = "Not open (`consult_phase`), or already answered (`consult_answered`)", body = crate::api::error::ErrorBody),
        (status = 422, description = "Answers failed their checks", body = crate::api::error::ErrorBody),
        (status = 429, description = "Too many responses without an account from this address", body = crate::api::error::ErrorBody),
    ))]
pub async fn create_response(
    State(state): State<AppState>,
    MaybeBearer(viewer): MaybeBearer,
    client: crate::security::ClientKey,
    Path(slug): Path<String>,
    super::JsonBody(body): super::JsonBody<ResponseBody>,
) -> Result<Response, ApiError> {
    let c = find(&state, &slug).await?;
    let s = survey_of(&state, &c).await?;
    let lookup = Lookup::load(&state).await?;
    let district = match body.district {
        None => None,
        Some(n) => Some(
            lookup
                .district_by_number(n)
                .ok_or_else(|| {
                    ApiError::validation(vec![FieldIssue::domain(
                        "district",
                        miasto_domain::FieldError::DistrictUnknown,
                    )])
                })?
                .id,
        ),
    };
    let actor = Actor {
        user: viewer.as_ref().map(|b| b.user.id),
        role: viewer.as_ref().map(|b| b.user.role),
    };
    let declared = if s.audience == Audience::Districts {
        district
    } else {
        None
    };
    rules::may_answer_survey(
        &actor,
        c.phase(miasto_store::now()),
        &c.organisation.methods,
        s.audience,
        declared,
        &c.organisation.area,
    )
    .map_err(refusal)?;
    if s.questions.is_empty() {
        return Err(refusal(Refusal::Phase));
    }
    if viewer.is_none()
        && let Some(wait) = crate::consultations::survey::charge_anonymous(&state, &client).await?
    {
        return Err(ApiError::rate_limited(wait));
    }
    let code = body
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if s.audience == Audience::Codes && code.is_none() {
        return Err(ApiError::validation(vec![FieldIssue::domain(
            "code",
            miasto_domain::FieldError::Required,
        )]));
    }
    let (age, sex) = survey_rules::check_demographics(
        body.age.as_deref().unwrap_or(""),
        body.sex.as_deref().unwrap_or(""),
    )
    .map_err(|list| {
        ApiError::validation(
            list.into_iter()
                .map(|(f, e)| FieldIssue::domain(f, e))
                .collect(),
        )
    })?;
    let raw = as_form(&s, &body.answers)?;
    let answers = survey_rules::check_response(&s, &raw, true).map_err(|list| {
        ApiError::validation(
            list.into_iter()
                .map(|(key, e)| FieldIssue::domain(format!("answers.{key}"), e))
                .collect(),
        )
    })?;
    let new = survey::NewResponse {
        from_app: true,
        // The app sends no files: a file question is answered on the web form.
        files: Vec::new(),
        user: actor.user,
        code: (s.audience == Audience::Codes).then(|| {
            survey::CodeHash::of(
                state.config().secret.expose().as_bytes(),
                c.id,
                code.unwrap_or_default(),
            )
        }),
        district: if s.demographics || s.audience == Audience::Districts {
            district
        } else {
            None
        },
        age_band: age.filter(|_| s.demographics),
        sex: sex.filter(|_| s.demographics),
        answers,
    };
    let tx = miasto_store::begin(state.db()).await?;
    match survey::submit(&tx, c.id, &new).await {
        Ok(_) => tx.commit().await.map_err(crate::Error::from)?,
        Err(e) => {
            tx.rollback().await.map_err(crate::Error::from)?;
            return Err(refused_write(e));
        }
    }
    Ok(reply(
        StatusCode::CREATED,
        ResponseReceived { received: true },
    ))
}

/// A response received.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseReceived {
    pub received: bool,
}
