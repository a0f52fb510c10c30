//! Votes at a city counter, under `/staff/budget/{slug}/counter`, while voting is open: for
//! people who cannot or would rather not vote online — and where the edition allows people
//! without a PESEL, the safer way for them, since staff check an identity document instead
//! of taking a declaration.
//!
//! Two steps keep the choices the voter's own: the clerk types the identity and the district
//! and confirms the document (step one); the screen then shows only the ballot, which the
//! voter fills in (step two). Between the steps the identity travels as a signed, short-lived
//! token holding only the voter's keyed hashes — never the PESEL or the name.

use crate::budget::ballot::{PoolPart, Route, Typed, VoterFields, read_identity};
use crate::budget::vote::{district_options, parts, read_marks, split_pools};
use crate::budget::{EditionView, load_edition, rules};
use crate::context::Ctx;
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, SelectOption, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::UserId;
use miasto_domain::budget::Action as Rule;
use miasto_domain::vote::{Channel, VoterKeys};
use miasto_store::audit::{self, Action, Target};
use miasto_store::budget::{self, CastError, Edition};
use serde::Deserialize;

/// How long the voter has to fill in the ballot after the clerk checked them.
const TOKEN_MINUTES: i64 = 15;

#[derive(Template)]
#[template(path = "staff/budget_counter.html")]
struct CounterPage {
    page: Page,
    edition: EditionView,
    /// Step two: the ballot, with the token; None on step one.
    token: Option<String>,
    districts: Vec<SelectOption>,
    district_name: String,
    parts: Vec<PoolPart>,
    voter: VoterFields,
    outcome: Option<String>,
    errors: FieldErrors,
}

#[expect(clippy::too_many_arguments, reason = "one page's inputs")]
async fn counter_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    typed: &Typed<'_>,
    token: Option<String>,
    keep: bool,
    outcome: Option<String>,
    errors: FieldErrors,
) -> Result<CounterPage, Error> {
    let page = crate::budget::edition_page(ctx, "budget-counter-title", edition);
    let pools = budget::pools(state.db(), edition.id).await?;
    let district = typed.get("district").to_owned();
    let district_pool = split_pools(&pools, &district).1;
    let parts = if token.is_some() {
        parts(state, &page, &pools, &district, typed).await?
    } else {
        Vec::new()
    };
    Ok(CounterPage {
        edition: EditionView::new(&page, edition),
        districts: district_options(&page, &pools, if keep { &district } else { "" }),
        district_name: district_pool
            .map(|p| p.name(page.lang).to_owned())
            .unwrap_or_default(),
        parts,
        voter: VoterFields::typed(edition, typed, keep, true),
        token,
        outcome,
        errors,
        page,
    })
}

fn open(ctx: &Ctx, edition: &Edition) -> Result<UserId, Error> {
    rules::require(ctx, Rule::CounterVote, edition, None)?;
    Ok(ctx.require_user()?.user.id)
}

/// Step one, empty.
pub async fn show_counter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    open(&ctx, &edition)?;
    let page = counter_page(
        &state,
        &ctx,
        &edition,
        &Typed(&[]),
        None,
        false,
        None,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Nothing {}

/// The token carrying a checked voter from step one to step two: the keys, the district, the
/// clerk and the deadline, signed with the server secret.
fn token(
    secret: &[u8],
    edition: &Edition,
    keys: &VoterKeys,
    district: &str,
    clerk: UserId,
) -> String {
    let until = (miasto_store::now() + chrono::Duration::minutes(TOKEN_MINUTES)).timestamp();
    let payload = format!(
        "{}.{}.{district}.{clerk}.{until}",
        keys.primary,
        keys.alias.as_deref().unwrap_or("-")
    );
    format!("{payload}.{}", sign(secret, edition, &payload))
}

fn sign(secret: &[u8], edition: &Edition, payload: &str) -> String {
    miasto_domain::vote::keyed_hex(
        secret,
        &[
            b"counter-token",
            edition.id.0.as_bytes(),
            payload.as_bytes(),
        ],
    )
}

/// The voter's keys and district from a token this clerk was given, if it is genuine and
/// not expired.
fn read_token(
    secret: &[u8],
    edition: &Edition,
    raw: &str,
    clerk: UserId,
) -> Option<(VoterKeys, String)> {
    let (payload, signature) = raw.rsplit_once('.')?;
    if sign(secret, edition, payload) != signature {
        return None;
    }
    let parts: Vec<&str> = payload.split('.').collect();
    let [primary, alias, district, by, until] = parts.as_slice() else {
        return None;
    };
    let until: i64 = until.parse().ok()?;
    if *by != clerk.to_string() || miasto_store::now().timestamp() > until {
        return None;
    }
    Some((
        VoterKeys {
            primary: (*primary).to_owned(),
            alias: (*alias != "-").then(|| (*alias).to_owned()),
        },
        (*district).to_owned(),
    ))
}

/// Step one sent: the clerk's identity check; then the ballot for the voter.
pub async fn check_voter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<Nothing>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let clerk = open(&ctx, &edition)?;
    let typed = Typed(&form.pairs);
    let mut errors = FieldErrors::new(ctx.locale);
    let pools = budget::pools(state.db(), edition.id).await?;
    let district = typed.get("district");
    if pools.iter().any(|p| !p.is_city_wide()) && split_pools(&pools, district).1.is_none() {
        errors.add_message("district_choice", "budget-error-district");
    }
    let identity = read_identity(
        &edition,
        &typed,
        miasto_store::today(),
        Route::Counter,
        &mut errors,
    );
    let secret = state.config().secret.expose().as_bytes();
    let keys = identity
        .filter(|_| errors.is_empty())
        .map(|i| i.keys(secret, edition.id.0));
    let Some(keys) = keys else {
        let page = counter_page(&state, &ctx, &edition, &typed, None, true, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    if budget::identity_voted(state.db(), edition.id, &keys).await? {
        errors.add_message("pesel", "budget-error-already-voted");
        let page = counter_page(&state, &ctx, &edition, &typed, None, true, None, errors).await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    let token = token(secret, &edition, &keys, district, clerk);
    let only_district = [("district".to_owned(), district.to_owned())];
    let page = counter_page(
        &state,
        &ctx,
        &edition,
        &Typed(&only_district),
        Some(token),
        false,
        None,
        errors,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Step two sent: the voter's ballot, sealed and stored like an online one.
pub async fn cast_at_counter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<Nothing>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let clerk = open(&ctx, &edition)?;
    let typed = Typed(&form.pairs);
    let secret = state.config().secret.expose().as_bytes();
    let Some((keys, district)) = read_token(secret, &edition, typed.get("token"), clerk) else {
        let mut errors = FieldErrors::new(ctx.locale);
        errors.add_message("full_name", "budget-error-counter-expired");
        let page = counter_page(
            &state,
            &ctx,
            &edition,
            &Typed(&[]),
            None,
            false,
            None,
            errors,
        )
        .await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    };
    let pools = budget::pools(state.db(), edition.id).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    let mut with_district: Vec<(String, String)> = form
        .pairs
        .iter()
        .filter(|(k, _)| k != "district")
        .cloned()
        .collect();
    with_district.push(("district".into(), district.clone()));
    let typed = Typed(&with_district);
    let marks = read_marks(&state, &pools, &district, &typed, &mut errors).await?;
    if !errors.is_empty() {
        let token = typed.get("token").to_owned();
        let page = counter_page(
            &state,
            &ctx,
            &edition,
            &typed,
            Some(token),
            false,
            None,
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let tx = miasto_store::begin(state.db()).await?;
    let outcome =
        match budget::cast(&tx, &edition, &keys, None, Channel::Counter, &marks, secret).await {
            Ok(()) => "budget-counter-recorded",
            Err(CastError::AlreadyVoted) => "budget-error-already-voted",
            Err(CastError::Refused(why)) => return Err(why.into()),
            Err(CastError::Store(e)) => return Err(e.into()),
        };
    if outcome == "budget-counter-recorded" {
        audit::record(
            &tx,
            Some(clerk),
            Action::BudgetCounterVote,
            Some(Target::budget_edition(edition.id.0)),
            serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    let message = crate::i18n::t(ctx.locale, outcome);
    let page = counter_page(
        &state,
        &ctx,
        &edition,
        &Typed(&[]),
        None,
        false,
        Some(message),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}
