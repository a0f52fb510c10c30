//! District referenda through the API: every announced referendum, and one with its
//! questions and — once the commission has opened the ballots — the results per question,
//! the turnout and whether it is valid.

use super::{ApiError, Data, List, reply, time};
use crate::AppState;
use crate::reports::Lookup;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::referenda::Status;
use miasto_store::referenda::{self as store, Referendum, Results};
use serde::Serialize;
use utoipa::ToSchema;

/// A question on the ballot, with its count once the ballots are opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferendumQuestion {
    pub text: String,
    /// The answers in order; `["yes", "no"]` for a yes/no question.
    pub answers: Vec<String>,
    /// Votes per answer, in the same order (after the count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<Vec<u64>>,
    /// Ballots that left the question blank (after the count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blank: Option<u64>,
}

/// A district referendum.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferendumItem {
    /// Its address: `/referenda/{number}`.
    pub number: i32,
    pub title: String,
    /// The information campaign's text.
    pub description: String,
    /// The district's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<u16>,
    /// `information`, `voting`, `closed` or `counted`.
    pub phase: String,
    pub voting_opens: String,
    pub voting_closes: String,
    /// The youngest who may vote.
    pub min_age: u32,
    /// Residents entitled to vote, as an official entered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub electorate: Option<u32>,
    /// The minimum turnout in per cent for the referendum to be valid; absent: always valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_turnout: Option<u32>,
    pub questions: Vec<ReferendumQuestion>,
    /// Ballots opened (after the count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballots: Option<u64>,
    /// Whether the referendum is valid (after the count; absent when it cannot be decided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    /// The anonymised ballots as CSV (after the count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ballots_csv: Option<String>,
}

fn item(r: &Referendum, lookup: &Lookup, results: Option<&Results>) -> ReferendumItem {
    ReferendumItem {
        number: r.number,
        title: r.title.clone(),
        description: r.description.clone(),
        district: lookup.district(r.district).map(|d| d.number),
        phase: r.phase(miasto_store::now()).as_str().to_owned(),
        voting_opens: time(r.window.opens),
        voting_closes: time(r.window.closes),
        min_age: r.min_age,
        electorate: r.electorate,
        min_turnout: r.validity.percent(),
        questions: r
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let counted = results.and_then(|res| res.questions.get(i));
                ReferendumQuestion {
                    text: q.text.clone(),
                    answers: if q.is_yes_no() {
                        vec!["yes".to_owned(), "no".to_owned()]
                    } else {
                        q.options.clone()
                    },
                    votes: counted.map(|c| c.votes.clone()),
                    blank: counted.map(|c| c.blank),
                }
            })
            .collect(),
        ballots: results.map(Results::ballots),
        valid: results.and_then(|res| r.validity.holds(res.ballots(), r.electorate)),
        ballots_csv: results.map(|_| format!("/referenda/{}/ballots.csv", r.number)),
    }
}

/// List district referenda
///
/// Every announced referendum, the latest vote first.
#[utoipa::path(get, path = "/referenda", tag = "referenda",
    responses(
        (status = 200, description = "The referenda", body = List<ReferendumItem>),
    ))]
pub async fn list_referenda(State(state): State<AppState>) -> Result<Response, ApiError> {
    let lookup = Lookup::load(&state).await?;
    let all = store::list(state.db(), false).await?;
    let mut data = Vec::with_capacity(all.len());
    for r in &all {
        let results = store::results(state.db(), r).await?;
        data.push(item(r, &lookup, results.as_ref()));
    }
    Ok((
        StatusCode::OK,
        axum::Json(List {
            data,
            next_cursor: None,
        }),
    )
        .into_response())
}

/// Show a district referendum
#[utoipa::path(get, path = "/referenda/{number}", tag = "referenda",
    params(("number" = String, Path, description = "The referendum's number")),
    responses(
        (status = 200, description = "The referendum, with its results once counted", body = Data<ReferendumItem>),
        (status = 404, description = "No such referendum (or not announced)", body = crate::api::error::ErrorBody),
    ))]
pub async fn show_referendum(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let number: i32 = number.trim().parse().map_err(|_| ApiError::not_found())?;
    let r = store::by_number(state.db(), number)
        .await?
        .filter(|r| r.status != Status::Draft)
        .ok_or_else(ApiError::not_found)?;
    let lookup = Lookup::load(&state).await?;
    let results = store::results(state.db(), &r).await?;
    Ok(reply(StatusCode::OK, item(&r, &lookup, results.as_ref())))
}
