//! Requests with signatures through the API, so that the city's app can show them and its
//! residents sign: the list with progress, one request, and a signature (the same checks —
//! PESEL, age, residency declaration — and the same store path as the web form).

use super::{ApiError, Bearer, Data, FieldIssue, List, page_size, reply, time};
use crate::AppState;
use crate::reports::Lookup;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::budget::Pesel;
use miasto_domain::requests::{self as rules, Action, Actor, Progress, Purpose, Refusal, Status};
use miasto_store::requests::{self as store, Filter, Request, RequestError, Signer, SignerKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A request with its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestItem {
    /// Its address: `/requests/{number}`.
    pub number: i32,
    /// `small_consultation`, `consultation` or `referendum`.
    pub purpose: String,
    pub title: String,
    pub description: String,
    /// The district's number (as `/districts` gives it); absent for a city-wide request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<u16>,
    /// `open` (collecting signatures), `closed` (deadline passed, waiting for a decision),
    /// `accepted` or `refused`.
    pub phase: String,
    pub residents_signed: u32,
    /// Residents needed; absent for a referendum request whose electorate is not entered yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residents_needed: Option<u32>,
    pub organisations_signed: u32,
    /// Organisations needed; absent where organisations do not sign (referenda).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisations_needed: Option<u32>,
    /// Signatures are collected until then (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub created_at: String,
}

fn item(r: &Request, progress: Progress, lookup: &Lookup) -> RequestItem {
    RequestItem {
        number: r.number,
        purpose: r.purpose.as_str().to_owned(),
        title: r.title.clone(),
        description: r.description.clone(),
        district: r
            .district
            .and_then(|d| lookup.district(d))
            .map(|d| d.number),
        phase: r.phase(miasto_store::now()).as_str().to_owned(),
        residents_signed: progress.residents,
        residents_needed: r.needed.residents,
        organisations_signed: progress.organisations,
        organisations_needed: r.needed.organisations,
        deadline: r.deadline.map(time),
        reason: r.reason.clone(),
        created_at: time(r.created_at),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `small_consultation`, `consultation` or `referendum`.
    pub purpose: Option<String>,
    /// Only those of this district (its number).
    pub district: Option<String>,
    /// `open` (collecting) or `decided`; both when absent.
    pub state: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1–100 (25 when absent).
    pub limit: Option<String>,
}

/// List requests with signatures
///
/// Requests collecting signatures and decided ones, newest first, with their progress.
#[utoipa::path(get, path = "/requests", tag = "requests",
    params(ListParams),
    responses(
        (status = 200, description = "The requests", body = List<RequestItem>),
        (status = 400, description = "A parameter cannot be used", body = crate::api::error::ErrorBody),
    ))]
pub async fn list_requests(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let purpose = match params.purpose.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            Purpose::parse(raw).ok_or_else(|| ApiError::invalid("purpose", "purpose_unknown"))?,
        ),
    };
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
    let statuses = match params.state.as_deref().map(str::trim) {
        None | Some("") => vec![Status::Collecting, Status::Accepted, Status::Refused],
        Some("open") => vec![Status::Collecting],
        Some("decided") => vec![Status::Accepted, Status::Refused],
        Some(_) => return Err(ApiError::invalid("state", "status_unknown")),
    };
    let number = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (2..=miasto_store::Page::MAX_NUMBER).contains(n))
            .ok_or_else(|| ApiError::invalid("cursor", "cursor_invalid"))?,
    };
    let size = page_size(params.limit.as_deref())?;
    let page = miasto_store::Page::new(Some(number), Some(size));
    let filter = Filter {
        statuses,
        purpose,
        district,
        author: None,
    };
    let paged = store::list(state.db(), &filter, page).await?;
    let ids: Vec<uuid::Uuid> = paged.items.iter().map(|r| r.id).collect();
    let progress = store::progress_of(state.db(), &ids).await?;
    Ok((
        StatusCode::OK,
        axum::Json(List {
            data: paged
                .items
                .iter()
                .map(|r| item(r, progress.get(&r.id).copied().unwrap_or_default(), &lookup))
                .collect(),
            next_cursor: paged.has_next().then(|| (paged.page + 1).to_string()),
        }),
    )
        .into_response())
}

async fn find(state: &AppState, number: &str) -> Result<Request, ApiError> {
    let number: i32 = number.trim().parse().map_err(|_| ApiError::not_found())?;
    store::get_by_number(state.db(), number)
        .await?
        .filter(|r| r.status != Status::Submitted)
        .ok_or_else(ApiError::not_found)
}

/// Show a request
#[utoipa::path(get, path = "/requests/{number}", tag = "requests",
    params(("number" = String, Path, description = "The request's number")),
    responses(
        (status = 200, description = "The request", body = Data<RequestItem>),
        (status = 404, description = "No such request", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_request(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let r = find(&state, &number).await?;
    let lookup = Lookup::load(&state).await?;
    let progress = store::progress(state.db(), r.id).await?;
    Ok(reply(StatusCode::OK, item(&r, progress, &lookup)))
}

/// A resident's signature.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignatureBody {
    /// 11 digits; checked and kept only as a keyed hash within the request.
    pub pesel: String,
    /// The resident declares they live in the request's district (or the city).
    pub declaration: bool,
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

/// Sign a request
///
/// As the signed-in resident, while signatures are collected: one signature per person
/// (checked by the PESEL, whatever the channel), of the city's minimum age, with the residency
/// declaration.
#[utoipa::path(post, path = "/requests/{number}/signatures", tag = "requests",
    params(("number" = String, Path, description = "The request's number")),
    request_body = SignatureBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Signed: the request with its progress", body = Data<RequestItem>),
        (status = 400, description = "The body is not JSON of this shape", body = crate::api::error::ErrorBody),
        (status = 401, description = "Not signed in", body = crate::api::error::ErrorBody),
        (status = 404, description = "No such request", body = crate::api::error::ErrorBody),
        (status = 409, description = "Not collecting signatures, or this person already signed (`request_closed`, `request_already_signed`…)", body = crate::api::error::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::api::error::ErrorBody),
        (status = 415, description = "The body is not JSON", body = crate::api::error::ErrorBody),
        (status = 422, description = "The PESEL, the age or the declaration failed their checks", body = crate::api::error::ErrorBody),
    ))]
pub async fn create_signature(
    State(state): State<AppState>,
    bearer: Bearer,
    Path(number): Path<String>,
    super::JsonBody(body): super::JsonBody<SignatureBody>,
) -> Result<Response, ApiError> {
    let r = find(&state, &number).await?;
    let actor = Actor {
        user: Some(bearer.user.id),
        role: Some(bearer.user.role),
    };
    rules::may(
        &actor,
        Action::Sign,
        r.purpose,
        r.phase(miasto_store::now()),
    )
    .map_err(refusal)?;
    let pesel = Pesel::parse(&body.pesel)
        .map_err(|e| ApiError::validation(vec![FieldIssue::domain("pesel", e)]))?;
    rules::check_signer(
        &pesel,
        body.declaration,
        miasto_store::today(),
        state.request_thresholds().min_age(r.purpose),
    )
    .map_err(|e| {
        let field = match e {
            rules::SignerError::TooYoung { .. } => "pesel",
            rules::SignerError::NoDeclaration => "declaration",
        };
        ApiError::validation(vec![FieldIssue::new(
            field,
            e.code(),
            format!("error-{}", e.code()),
        )])
    })?;
    let secret = state.config().secret.expose().as_bytes();
    let signer = Signer {
        identity_hash: rules::resident_key(secret, r.id, &pesel),
        kind: SignerKind::Resident,
        user: Some(bearer.user.id),
        entered_by: None,
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::sign(&tx, r.id, &signer).await {
        tx.rollback().await.map_err(crate::Error::from)?;
        return Err(match e {
            RequestError::Refused(r) => refusal(r),
            RequestError::Store(e) => e.into(),
        });
    }
    tx.commit().await.map_err(crate::Error::from)?;
    let lookup = Lookup::load(&state).await?;
    let progress = store::progress(state.db(), r.id).await?;
    Ok(reply(StatusCode::CREATED, item(&r, progress, &lookup)))
}
