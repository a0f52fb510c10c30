//! Online voting at `/budget/{slug}/vote`, signed in: the voter picks their district, then
//! fills in the ballot (identity, city-wide and district parts). One ballot per person (the
//! keyed hashes of their identity, by either route) and per account; the choices are sealed
//! to the edition's key before they are stored.

use super::ballot::{PoolPart, Route, Typed, VoterFields, read_identity, read_part};
use super::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::budget::Action;
use miasto_domain::vote::{Channel, Identity};
use miasto_store::budget::{self, CastError, Edition, Pool};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DistrictQuery {
    pub district: String,
}

/// The edition's city-wide pool and the district pool named by `code`, if any.
pub(crate) fn split_pools(pools: &[Pool], code: &str) -> (Option<Pool>, Option<Pool>) {
    let city = pools.iter().find(|p| p.is_city_wide()).cloned();
    let district = pools
        .iter()
        .find(|p| !p.is_city_wide() && p.code == code)
        .cloned();
    (city, district)
}

pub(crate) fn district_options(page: &Page, pools: &[Pool], chosen: &str) -> Vec<SelectOption> {
    let mut items = vec![(String::new(), page.t("budget-choose-district"))];
    items.extend(
        pools
            .iter()
            .filter(|p| !p.is_city_wide())
            .map(|p| (p.code.clone(), p.name(page.lang).to_owned())),
    );
    options(items, chosen)
}

/// The ballot's parts for a district (the city-wide part always).
pub(crate) async fn parts(
    state: &AppState,
    page: &Page,
    pools: &[Pool],
    district: &str,
    typed: &Typed<'_>,
) -> Result<Vec<PoolPart>, Error> {
    let (city, district) = split_pools(pools, district);
    let mut parts = Vec::new();
    for (field, pool) in [("city", city), ("district", district)] {
        if let Some(pool) = pool {
            let projects = budget::ballot_projects(state.db(), pool.id).await?;
            parts.push(PoolPart::new(page, field, &pool, &projects, typed));
        }
    }
    Ok(parts)
}

/// Reads a whole ballot: identity and both parts. None when anything is wrong (the
/// messages are in `errors`).
pub(crate) async fn read_ballot(
    state: &AppState,
    edition: &Edition,
    pools: &[Pool],
    district: &str,
    typed: &Typed<'_>,
    route: Route,
    errors: &mut FieldErrors,
) -> Result<Option<(Identity, Vec<budget::Mark>)>, Error> {
    if pools.iter().any(|p| !p.is_city_wide()) && split_pools(pools, district).1.is_none() {
        errors.add_message("district_choice", "budget-error-district");
    }
    let identity = read_identity(edition, typed, miasto_store::today(), route, errors);
    let marks = read_marks(state, pools, district, typed, errors).await?;
    Ok(identity.filter(|_| errors.is_empty()).map(|i| (i, marks)))
}

/// Reads the ballot's parts (the city-wide one and the district's), each checked against its
/// pool's rule; the messages are in `errors`.
pub(crate) async fn read_marks(
    state: &AppState,
    pools: &[Pool],
    district: &str,
    typed: &Typed<'_>,
    errors: &mut FieldErrors,
) -> Result<Vec<budget::Mark>, Error> {
    let (city, district_pool) = split_pools(pools, district);
    let mut marks = Vec::new();
    for (field, pool) in [("city", city), ("district", district_pool)] {
        if let Some(pool) = pool {
            let projects = budget::ballot_projects(state.db(), pool.id).await?;
            if let Some(m) = read_part(errors.locale(), field, &pool, &projects, typed, errors) {
                marks.extend(m);
            }
        }
    }
    Ok(marks)
}

#[derive(Template)]
#[template(path = "budget/vote.html")]
struct VotePage {
    page: Page,
    edition: EditionView,
    /// Not open, voted already: a message instead of the form.
    closed: Option<String>,
    /// Step one: the district (None once chosen, or when there are no district pools).
    districts: Option<Vec<SelectOption>>,
    district: String,
    district_name: String,
    parts: Vec<PoolPart>,
    voter: VoterFields,
    errors: FieldErrors,
}

#[expect(clippy::too_many_arguments, reason = "one page's inputs")]
async fn vote_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    pools: &[Pool],
    district: &str,
    typed: &Typed<'_>,
    closed: Option<String>,
    errors: FieldErrors,
) -> Result<VotePage, Error> {
    let page = super::edition_page(ctx, "budget-vote-title", edition);
    let has_districts = pools.iter().any(|p| !p.is_city_wide());
    let (_, district_pool) = split_pools(pools, district);
    let choose = closed.is_none() && has_districts && district_pool.is_none();
    let parts = if closed.is_some() || choose {
        Vec::new()
    } else {
        parts(state, &page, pools, district, typed).await?
    };
    Ok(VotePage {
        edition: EditionView::new(&page, edition),
        closed,
        districts: choose.then(|| district_options(&page, pools, district)),
        district: district.to_owned(),
        district_name: district_pool
            .map(|p| p.name(page.lang).to_owned())
            .unwrap_or_default(),
        parts,
        voter: VoterFields::typed(edition, typed, true, false),
        errors,
        page,
    })
}

/// Why the form is not shown, if it is not.
async fn closed_reason(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
) -> Result<Option<String>, Error> {
    let user = ctx.require_user()?;
    Ok(
        if let Err(why) = rules::allowed(ctx, Action::Vote, edition, None) {
            Some(crate::i18n::t(
                ctx.locale,
                &format!("error-page-{}", why.code()),
            ))
        } else if budget::has_voted(state.db(), edition.id, user.user.id).await? {
            Some(crate::i18n::t(ctx.locale, "budget-vote-done"))
        } else {
            None
        },
    )
}

pub async fn show_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<DistrictQuery>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let closed = closed_reason(&state, &ctx, &edition).await?;
    let pools = budget::pools(state.db(), edition.id).await?;
    let page = vote_page(
        &state,
        &ctx,
        &edition,
        &pools,
        &query.district,
        &Typed(&[]),
        closed,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VoteFields {
    pub district: String,
}

pub async fn cast_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<VoteFields>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let user = ctx.require_user()?.user.id;
    let typed = Typed(&form.pairs);
    let district = form.fields.district.as_str();
    let pools = budget::pools(state.db(), edition.id).await?;
    if let Some(closed) = closed_reason(&state, &ctx, &edition).await? {
        let page = vote_page(
            &state,
            &ctx,
            &edition,
            &pools,
            district,
            &typed,
            Some(closed),
            FieldErrors::new(ctx.locale),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let read = read_ballot(
        &state,
        &edition,
        &pools,
        district,
        &typed,
        Route::Declared,
        &mut errors,
    )
    .await?;
    let Some((identity, marks)) = read else {
        let page = vote_page(
            &state, &ctx, &edition, &pools, district, &typed, None, errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let secret = state.config().secret.expose().as_bytes();
    let keys = identity.keys(secret, edition.id.0);
    let tx = miasto_store::begin(state.db()).await?;
    match budget::cast(
        &tx,
        &edition,
        &keys,
        Some(user),
        Channel::Online,
        &marks,
        secret,
    )
    .await
    {
        Ok(()) => tx.commit().await?,
        Err(CastError::AlreadyVoted) => {
            drop(tx);
            errors.add_message("pesel", "budget-error-already-voted");
            let page = vote_page(
                &state, &ctx, &edition, &pools, district, &typed, None, errors,
            )
            .await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(CastError::Refused(why)) => return Err(why.into()),
        Err(CastError::Store(e)) => return Err(e.into()),
    }
    Ok(redirect_with_flash(
        &ctx,
        &format!("/budget/{}", edition.slug),
        "flash-budget-voted",
    ))
}
