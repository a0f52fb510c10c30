//! Online voting at `/budget/{slug}/vote`, signed in: the voter picks their district, then
//! fills in the ballot (identity, city-wide and district parts). One ballot per person (the
//! keyed hashes of their identity, by either route) and per account; the choices are sealed
//! to the edition's key before they are stored.

use super::ballot::{PoolPart, Route, Typed, VoterFields, read_identity, read_part};
use super::choose::{self, PartView};
use super::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, FormPairs};
use crate::page::{Page, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use miasto_domain::budget::selection::{Pick, Selection};
use miasto_domain::budget::{Action, BallotRule};
use miasto_domain::vote::{Channel, Identity};
use miasto_store::budget::{self, CastError, Edition, Pool, drafts};
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

/// The ballot's parts for a district: (field, pool, its projects on the ballot), the
/// city-wide part first.
pub(crate) async fn load_parts(
    state: &AppState,
    pools: &[Pool],
    district: &str,
) -> Result<Vec<(&'static str, Pool, Vec<budget::Project>)>, Error> {
    let (city, district_pool) = split_pools(pools, district);
    let mut parts = Vec::new();
    for (field, pool) in [("city", city), ("district", district_pool)] {
        if let Some(pool) = pool {
            let projects = budget::ballot_projects(state.db(), pool.id).await?;
            parts.push((field, pool, projects));
        }
    }
    Ok(parts)
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
    let parts = load_parts(state, pools, district).await?;
    Ok(check_marks(&parts, typed, errors))
}

/// [`read_marks`] on parts already loaded.
pub(crate) fn check_marks(
    parts: &[(&'static str, Pool, Vec<budget::Project>)],
    typed: &Typed<'_>,
    errors: &mut FieldErrors,
) -> Vec<budget::Mark> {
    let mut marks = Vec::new();
    for (field, pool, projects) in parts {
        if let Some(m) = read_part(errors.locale(), field, pool, projects, typed, errors) {
            marks.extend(m);
        }
    }
    marks
}

#[derive(Template)]
#[template(path = "budget/vote.html")]
struct VotePage {
    page: Page,
    edition: EditionView,
    /// Not open, voted already: a message instead of the ballot.
    closed: Option<String>,
    /// Step one: the district (None once chosen, or when there are no district pools).
    districts: Option<Vec<SelectOption>>,
    district_name: String,
    parts: Vec<PartView>,
    errors: FieldErrors,
}

/// Why the ballot is not shown, if it is not.
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

fn closed_page(ctx: &Ctx, edition: &Edition, closed: String) -> VotePage {
    let page = super::edition_page(ctx, "budget-vote-title", edition);
    VotePage {
        edition: EditionView::new(&page, edition),
        closed: Some(closed),
        districts: None,
        district_name: String::new(),
        parts: Vec::new(),
        errors: FieldErrors::new(ctx.locale),
        page,
    }
}

/// The ballot page for the voter's selection: the district step first when the edition has
/// district pools and none is chosen; then each part's panel and cards. 422 with `errors`.
pub(crate) async fn ballot_response(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    pools: &[Pool],
    selection: &Selection,
    errors: FieldErrors,
) -> Result<Response, Error> {
    let page = super::edition_page(ctx, "budget-vote-title", edition);
    let has_districts = pools.iter().any(|p| !p.is_city_wide());
    let district_pool = split_pools(pools, &selection.district).1;
    let choose = has_districts && district_pool.is_none();
    let mut parts = Vec::new();
    if !choose {
        for (field, pool, projects) in load_parts(state, pools, &selection.district).await? {
            parts.push(choose::part_view(state, &page, field, &pool, &projects, selection).await?);
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let vote = VotePage {
        edition: EditionView::new(&page, edition),
        closed: None,
        districts: choose.then(|| district_options(&page, pools, &selection.district)),
        district_name: district_pool
            .map(|p| p.name(page.lang).to_owned())
            .unwrap_or_default(),
        parts,
        errors,
        page,
    };
    Ok((status, render(&vote)?).into_response())
}

/// `GET /budget/{slug}/vote[?district=…]`: choosing the district changes the ballot's
/// district part (emptied, as its projects differ).
pub async fn show_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<DistrictQuery>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    if let Some(closed) = closed_reason(&state, &ctx, &edition).await? {
        return Ok(render(&closed_page(&ctx, &edition, closed))?.into_response());
    }
    let current = ctx.require_user()?;
    let pools = budget::pools(state.db(), edition.id).await?;
    let mut selection = choose::load(&state, current, &edition).await?;
    let mut errors = FieldErrors::new(ctx.locale);
    if !query.district.is_empty() && query.district != selection.district {
        if split_pools(&pools, &query.district).1.is_some() {
            selection.district = query.district.clone();
            selection.parts.remove("district");
            choose::save(&state, current, &edition, &selection).await?;
        } else if query.district != "change" {
            errors.add_message("district_choice", "budget-error-district");
        }
    }
    if query.district == "change" {
        selection.district.clear();
    }
    ballot_response(&state, &ctx, &edition, &pools, &selection, errors).await
}

/// The selection as the ballot form's fields (`city-1`…, `city`…, `city-<n>` points), the
/// format `read_ballot` reads — what the review page sends when the vote is cast.
fn selection_pairs(pools: &[Pool], selection: &Selection) -> Vec<(String, String)> {
    let mut pairs = vec![("district".to_owned(), selection.district.clone())];
    let (city, district) = split_pools(pools, &selection.district);
    for (field, pool) in [("city", city), ("district", district)] {
        let Some(pool) = pool else { continue };
        let picks = selection.parts.get(field).cloned().unwrap_or_default();
        for (i, pick) in picks.iter().enumerate() {
            let (name, value) = match pool.rule {
                BallotRule::Ranked { .. } => {
                    (format!("{field}-{}", i + 1), pick.project.to_string())
                }
                BallotRule::Approval { .. } | BallotRule::Knapsack => {
                    (field.to_owned(), pick.project.to_string())
                }
                BallotRule::Cumulative { .. } => {
                    (format!("{field}-{}", pick.project), pick.points.to_string())
                }
            };
            pairs.push((name, value));
        }
    }
    pairs
}

/// The ballot as sent back into a selection (the inverse of [`selection_pairs`]), so that a
/// vote refused for a typing mistake shows the choices that were sent.
fn selection_from_pairs(pools: &[Pool], district: &str, typed: &Typed<'_>) -> Selection {
    let mut selection = Selection {
        district: district.to_owned(),
        ..Selection::default()
    };
    let number = |raw: &str| raw.trim().parse::<u32>().ok();
    let (city, district) = split_pools(pools, district);
    for (field, pool) in [("city", city), ("district", district)] {
        let Some(pool) = pool else { continue };
        let pick = |project| Pick { project, points: 1 };
        let picks: Vec<Pick> = match pool.rule {
            BallotRule::Ranked { picks } => (1..=picks)
                .filter_map(|rank| number(typed.get(&format!("{field}-{rank}"))))
                .map(pick)
                .collect(),
            BallotRule::Approval { .. } | BallotRule::Knapsack => typed
                .all(field)
                .into_iter()
                .filter_map(number)
                .map(pick)
                .collect(),
            BallotRule::Cumulative { .. } => typed
                .0
                .iter()
                .filter_map(|(name, value)| {
                    let project = name.strip_prefix(field)?.strip_prefix('-')?.parse().ok()?;
                    let points: u16 = value.trim().parse().ok().filter(|p| *p > 0)?;
                    Some(Pick { project, points })
                })
                .collect(),
        };
        selection.parts.insert(field.to_owned(), picks);
    }
    selection
}

#[derive(Template)]
#[template(path = "budget/review.html")]
struct ReviewPage {
    page: Page,
    edition: EditionView,
    district_name: String,
    parts: Vec<PartView>,
    /// The selection as hidden fields.
    hidden: Vec<(String, String)>,
    /// The parts are complete by their rules (else the messages are in `errors`).
    complete: bool,
    voter: VoterFields,
    errors: FieldErrors,
}

/// The review page: the choices of each part checked by its rule, then the voter's identity
/// and the irreversible button. `typed` keeps what was typed when the vote came back.
#[expect(clippy::too_many_arguments, reason = "one page's inputs")]
async fn review_response(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    pools: &[Pool],
    selection: &Selection,
    typed: &Typed<'_>,
    mut errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = super::edition_page(ctx, "budget-review-title", edition);
    let hidden = selection_pairs(pools, selection);
    let mut parts_errors = FieldErrors::new(ctx.locale);
    if pools.iter().any(|p| !p.is_city_wide())
        && split_pools(pools, &selection.district).1.is_none()
    {
        parts_errors.add_message("district", "budget-error-district");
    }
    let loaded = load_parts(state, pools, &selection.district).await?;
    check_marks(&loaded, &Typed(&hidden), &mut parts_errors);
    let complete = parts_errors.is_empty();
    for (field, message) in parts_errors.iter() {
        if !errors.has(field) {
            errors.add_text(field, message);
        }
    }
    let district_pool = split_pools(pools, &selection.district).1;
    let mut parts = Vec::new();
    for (field, pool, projects) in &loaded {
        parts.push(choose::part_view(state, &page, field, pool, projects, selection).await?);
    }
    let review = ReviewPage {
        edition: EditionView::new(&page, edition),
        district_name: district_pool
            .map(|p| p.name(page.lang).to_owned())
            .unwrap_or_default(),
        parts,
        hidden,
        complete,
        voter: VoterFields::typed(edition, typed, true, false),
        errors,
        page,
    };
    Ok((status, render(&review)?).into_response())
}

/// `GET /budget/{slug}/vote/review`.
pub async fn show_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    if let Some(closed) = closed_reason(&state, &ctx, &edition).await? {
        return Ok(render(&closed_page(&ctx, &edition, closed))?.into_response());
    }
    let current = ctx.require_user()?;
    let pools = budget::pools(state.db(), edition.id).await?;
    let selection = choose::load(&state, current, &edition).await?;
    review_response(
        &state,
        &ctx,
        &edition,
        &pools,
        &selection,
        &Typed(&[]),
        FieldErrors::new(ctx.locale),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VoteFields {
    pub district: String,
}

/// `POST /budget/{slug}/vote`: casts the ballot as sent (the review page sends the
/// selection it showed); the draft is forgotten in the same transaction.
pub async fn cast_vote(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<VoteFields>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let current = ctx.require_user()?;
    let user = current.user.id;
    let typed = Typed(&form.pairs);
    let district = form.fields.district.as_str();
    let pools = budget::pools(state.db(), edition.id).await?;
    if let Some(closed) = closed_reason(&state, &ctx, &edition).await? {
        let page = closed_page(&ctx, &edition, closed);
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
        let selection = selection_from_pairs(&pools, district, &typed);
        return review_response(
            &state,
            &ctx,
            &edition,
            &pools,
            &selection,
            &typed,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
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
        Ok(()) => {
            drafts::forget(&tx, &current.session_id, edition.id).await?;
            tx.commit().await?;
        }
        Err(CastError::AlreadyVoted) => {
            drop(tx);
            errors.add_message("pesel", "budget-error-already-voted");
            let selection = selection_from_pairs(&pools, district, &typed);
            return review_response(
                &state,
                &ctx,
                &edition,
                &pools,
                &selection,
                &typed,
                errors,
                StatusCode::CONFLICT,
            )
            .await;
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
