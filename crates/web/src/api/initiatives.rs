//! Local initiatives through the API: the year's pool with the money left, and the accepted
//! and realised initiatives by year and district.

use super::{ApiError, Data, List, page_size, reply};
use crate::AppState;
use crate::reports::Lookup;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::initiatives::Status;
use miasto_store::initiatives::{self as store, Filter, Initiative};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A local initiative as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InitiativeItem {
    /// Its address: `/initiatives/{number}`.
    pub number: i32,
    /// The pool's year.
    pub year: i32,
    pub title: String,
    pub summary: String,
    /// `culture`, `sport`, `environment`, `safety`, `education`, `social` or `infrastructure`.
    pub area: String,
    /// The district's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<u16>,
    pub place: String,
    /// First and last day (`YYYY-MM-DD`).
    pub starts: String,
    pub ends: String,
    /// The city's cost, in grosze.
    pub cost: i64,
    /// `accepted`, `agreed` or `realised`.
    pub status: String,
    /// The public report, once realised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

fn item(i: &Initiative, lookup: &Lookup) -> InitiativeItem {
    let a = &i.application;
    InitiativeItem {
        number: i.number,
        year: i.year,
        title: a.title.clone(),
        summary: a.summary.clone(),
        area: a.area.as_str().to_owned(),
        district: lookup.district(a.district).map(|d| d.number),
        place: a.place.clone(),
        starts: a.starts.to_string(),
        ends: a.ends.to_string(),
        cost: a.cost,
        status: i.status.as_str().to_owned(),
        report: i.report.clone(),
    }
}

/// A year's pool.
#[derive(Debug, Serialize, ToSchema)]
pub struct PoolItem {
    pub year: i32,
    /// In grosze.
    pub amount: i64,
    pub committed: i64,
    pub remaining: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The pool's year (this year when absent).
    pub year: Option<String>,
    /// The district's number.
    pub district: Option<String>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1–100 (25 when absent).
    pub limit: Option<String>,
}

/// List local initiatives
///
/// Accepted, agreed and realised initiatives of a year, newest first.
#[utoipa::path(get, path = "/initiatives", tag = "initiatives",
    params(ListParams),
    responses(
        (status = 200, description = "The initiatives", body = List<InitiativeItem>),
        (status = 400, description = "A parameter cannot be used", body = crate::api::error::ErrorBody),
    ))]
pub async fn list_initiatives(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let year = match params.year.as_deref().map(str::trim) {
        None | Some("") => crate::initiatives::this_year(),
        Some(raw) => raw
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| ApiError::invalid("year", "year_invalid"))?,
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
    let number = match params.cursor.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (2..=miasto_store::Page::MAX_NUMBER).contains(n))
            .ok_or_else(|| ApiError::invalid("cursor", "cursor_invalid"))?,
    };
    let size = page_size(params.limit.as_deref())?;
    let filter = Filter {
        statuses: vec![Status::Accepted, Status::Agreed, Status::Realised],
        year: Some(year),
        district,
        author: None,
    };
    let paged = store::list(
        state.db(),
        &filter,
        miasto_store::Page::new(Some(number), Some(size)),
    )
    .await?;
    Ok((
        StatusCode::OK,
        axum::Json(List {
            data: paged.items.iter().map(|i| item(i, &lookup)).collect(),
            next_cursor: paged.has_next().then(|| (paged.page + 1).to_string()),
        }),
    )
        .into_response())
}

/// Show a local initiative
#[utoipa::path(get, path = "/initiatives/{number}", tag = "initiatives",
    params(("number" = String, Path, description = "The initiative's number")),
    responses(
        (status = 200, description = "The initiative", body = Data<InitiativeItem>),
        (status = 404, description = "No such initiative (or not accepted)", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_initiative(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let number: i32 = number.trim().parse().map_err(|_| ApiError::not_found())?;
    let i = store::get_by_number(state.db(), number)
        .await?
        .filter(|i| i.status.public())
        .ok_or_else(ApiError::not_found)?;
    let lookup = Lookup::load(&state).await?;
    Ok(reply(StatusCode::OK, item(&i, &lookup)))
}

/// A year's pool of money for local initiatives
#[utoipa::path(get, path = "/initiatives/pools/{year}", tag = "initiatives",
    params(("year" = String, Path, description = "The year")),
    responses(
        (status = 200, description = "The pool", body = Data<PoolItem>),
        (status = 404, description = "No pool for that year", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_pool(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> Result<Response, ApiError> {
    let year: i32 = year.trim().parse().map_err(|_| ApiError::not_found())?;
    let p = store::pool(state.db(), year)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(reply(
        StatusCode::OK,
        PoolItem {
            year: p.year,
            amount: p.amount,
            committed: p.committed,
            remaining: p.remaining(),
        },
    ))
}
