//! Filling in a ballot one project at a time, without JavaScript: project cards with "add to
//! my ballot" (also on the project list and each project page), and a panel per part that
//! follows the pool's rule — ranked: the order, with move up and down; approval: places left;
//! knapsack: money left; cumulative: points left. Each button is a small form; the selection
//! is kept on the server, sealed under the session (`store::budget::drafts`). The ballot is
//! cast from the review page, which sends exactly what the voter saw.

use super::vote::split_pools;
use super::{load_edition, rules};
use crate::context::{Ctx, CurrentUser, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::Page;
use crate::{AppState, Error};
use axum::extract::{Path, State};
use axum::response::Response;
use miasto_domain::budget::selection::{self, Left, Pick, Selection, Step};
use miasto_domain::budget::{Action, BallotRule, format_amount};
use miasto_store::budget::{self, Edition, Pool, Project, drafts};
use serde::Deserialize;

pub(crate) fn draft_key(current: &CurrentUser) -> drafts::DraftKey {
    drafts::DraftKey(current.draft_key)
}

/// The voter's selection for the edition (empty when none).
pub(crate) async fn load(
    state: &AppState,
    current: &CurrentUser,
    edition: &Edition,
) -> Result<Selection, Error> {
    Ok(drafts::load(
        state.db(),
        &current.session_id,
        edition.id,
        &draft_key(current),
    )
    .await?)
}

pub(crate) async fn save(
    state: &AppState,
    current: &CurrentUser,
    edition: &Edition,
    selection: &Selection,
) -> Result<(), Error> {
    Ok(drafts::save(
        state.db(),
        &current.session_id,
        edition.id,
        &draft_key(current),
        selection,
    )
    .await?)
}

/// A chosen project in a part's panel.
pub struct ChosenView {
    pub number: u32,
    pub title: String,
    pub cost: String,
    pub points: u16,
    pub first: bool,
    pub last: bool,
}

/// A project as a card.
pub struct CardView {
    pub number: u32,
    pub code: String,
    pub title: String,
    pub summary: String,
    pub cost: String,
    pub category: String,
    pub photo: Option<String>,
    pub chosen: bool,
    pub points: u16,
}

/// One part of the ballot as the selection page shows it.
pub struct PartView {
    /// `city` or `district`.
    pub field: &'static str,
    pub name: String,
    pub budget: String,
    pub rule: String,
    /// "2 of 3 places left", "120 000 zł left of 1 000 000 zł"…
    pub left: String,
    pub ranked: bool,
    pub cumulative: bool,
    pub chosen: Vec<ChosenView>,
    pub cards: Vec<CardView>,
}

pub(crate) fn left_text(page: &Page, left: Left) -> String {
    match left {
        Left::Places { left, of, exactly } => page.t2(
            if exactly {
                "budget-left-places-exactly"
            } else {
                "budget-left-places"
            },
            "left",
            left,
            "of",
            of,
        ),
        Left::Money { left, of } => page.t2(
            "budget-left-money",
            "left",
            format_amount(left),
            "of",
            format_amount(of),
        ),
        Left::Points { left, of } => page.t2("budget-left-points", "left", left, "of", of),
    }
}

fn cost_of(projects: &[Project]) -> impl Fn(u32) -> i64 + '_ {
    |number| {
        projects
            .iter()
            .find(|p| p.number == number)
            .map_or(0, Project::final_cost)
    }
}

/// The picks of a part that are still on the pool's ballot (a withdrawn project drops out).
pub(crate) fn picks_of(selection: &Selection, field: &str, projects: &[Project]) -> Vec<Pick> {
    selection
        .parts
        .get(field)
        .map(|picks| {
            picks
                .iter()
                .filter(|p| projects.iter().any(|q| q.number == p.project))
                .copied()
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) async fn part_view(
    state: &AppState,
    page: &Page,
    field: &'static str,
    pool: &Pool,
    projects: &[budget::Project],
    selection: &Selection,
) -> Result<PartView, Error> {
    let picks = picks_of(selection, field, projects);
    let left = selection::left(pool.rule, &picks, pool.budget, cost_of(projects));
    let mut cards = Vec::with_capacity(projects.len());
    let ids: Vec<_> = projects.iter().map(|p| p.id).collect();
    let photos = budget::first_photos(state.db(), &ids).await?;
    for p in projects {
        let photo = photos
            .get(&p.id)
            .map(|id| format!("/budget/photos/{id}/thumb"));
        let pick = picks.iter().find(|k| k.project == p.number);
        cards.push(CardView {
            number: p.number,
            code: p.code.clone(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            cost: format_amount(p.final_cost()),
            category: page.t(&format!("budget-category-{}", p.category)),
            photo,
            chosen: pick.is_some(),
            points: pick.map_or(0, |k| k.points),
        });
    }
    let chosen = picks
        .iter()
        .enumerate()
        .filter_map(|(i, pick)| {
            let p = projects.iter().find(|p| p.number == pick.project)?;
            Some(ChosenView {
                number: p.number,
                title: p.title.clone(),
                cost: format_amount(p.final_cost()),
                points: pick.points,
                first: i == 0,
                last: i + 1 == picks.len(),
            })
        })
        .collect();
    Ok(PartView {
        field,
        name: pool.name(page.lang).to_owned(),
        budget: format_amount(pool.budget),
        rule: super::rule_label(page, pool.rule),
        left: left_text(page, left),
        ranked: matches!(pool.rule, BallotRule::Ranked { .. }),
        cumulative: matches!(pool.rule, BallotRule::Cumulative { .. }),
        chosen,
        cards,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChooseInput {
    /// The project's number in the edition.
    pub project: String,
    /// `add`, `remove`, `up`, `down`, `points`.
    pub op: String,
    pub points: String,
    /// Where to go back to: `ballot` (default) or `project` (its page).
    pub back: String,
}

/// Why a step cannot be taken, as a message for the ballot page.
fn refusal_message(locale: miasto_domain::Locale, refused: selection::Refused) -> String {
    let args = refused.args();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::i18n::t_args(
        locale,
        &format!("budget-select-{}", refused.code().replace('_', "-")),
        &args,
    )
}

/// `POST /budget/{slug}/vote/choose`: one step on the selection.
pub async fn choose_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<ChooseInput>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let current = ctx.require_user()?;
    rules::allowed(&ctx, Action::Vote, &edition, None)?;
    if budget::has_voted(state.db(), edition.id, current.user.id).await? {
        return Ok(redirect_with_flash(
            &ctx,
            &format!("/budget/{}/vote", edition.slug),
            "budget-vote-done",
        ));
    }
    let number: u32 = input.project.trim().parse().map_err(|_| Error::NotFound)?;
    let project = budget::project(state.db(), edition.id, number)
        .await?
        .ok_or(Error::NotFound)?;
    let step = Step::parse(&input.op, &input.points).ok_or(Error::BadRequest("action_unknown"))?;
    let pools = budget::pools(state.db(), edition.id).await?;
    let pool = pools
        .iter()
        .find(|p| p.id == project.pool_id)
        .ok_or(Error::NotFound)?;
    let mut selection = load(&state, current, &edition).await?;
    let field = if pool.is_city_wide() {
        "city"
    } else {
        "district"
    };
    let mut errors = FieldErrors::new(ctx.locale);
    if !pool.is_city_wide() && selection.district != pool.code {
        if selection.district.is_empty() || picks_empty(&selection, "district") {
            selection.district = pool.code.clone();
            selection.parts.remove("district");
        } else {
            let chosen = split_pools(&pools, &selection.district)
                .1
                .map(|p| p.name(ctx.locale).to_owned())
                .unwrap_or_default();
            errors.add_text(
                field,
                crate::i18n::t_args(
                    ctx.locale,
                    "budget-select-other-district",
                    &[("district", &chosen)],
                ),
            );
        }
    }
    if errors.is_empty() {
        let projects = budget::ballot_projects(state.db(), pool.id).await?;
        if !projects.iter().any(|p| p.number == number) {
            return Err(Error::NotFound);
        }
        let mut picks = picks_of(&selection, field, &projects);
        match selection::apply(
            pool.rule,
            &mut picks,
            step,
            number,
            pool.budget,
            cost_of(&projects),
        ) {
            Ok(()) => {
                selection.parts.insert(field.to_owned(), picks);
                save(&state, current, &edition, &selection).await?;
                let flash = match step {
                    Step::Remove => "flash-budget-removed",
                    _ => "flash-budget-added",
                };
                let (to, flash) = if input.back == "project" {
                    (format!("/budget/{}/projects/{number}", edition.slug), flash)
                } else if input.back == "list" {
                    (format!("/budget/{}/projects", edition.slug), flash)
                } else {
                    (
                        format!("/budget/{}/vote#{field}", edition.slug),
                        "flash-budget-ballot-changed",
                    )
                };
                return Ok(redirect_with_flash(&ctx, &to, flash));
            }
            Err(refused) => errors.add_text(field, refusal_message(ctx.locale, refused)),
        }
    }
    super::vote::ballot_response(&state, &ctx, &edition, &pools, &selection, errors).await
}

fn picks_empty(selection: &Selection, field: &str) -> bool {
    selection.parts.get(field).is_none_or(Vec::is_empty)
}

/// What a project page and the list offer a logged-in voter while voting is open.
pub(crate) struct BallotState {
    /// Numbers of the projects on the voter's ballot.
    pub chosen: Vec<u32>,
}

impl BallotState {
    pub fn has(&self, number: &u32) -> bool {
        self.chosen.contains(number)
    }
}

/// The voter's ballot as the project pages need it, when they may vote now.
pub(crate) async fn ballot_state(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
) -> Result<Option<BallotState>, Error> {
    let Some(current) = ctx.user.as_deref() else {
        return Ok(None);
    };
    if rules::allowed(ctx, Action::Vote, edition, None).is_err()
        || budget::has_voted(state.db(), edition.id, current.user.id).await?
    {
        return Ok(None);
    }
    let selection = load(state, current, edition).await?;
    Ok(Some(BallotState {
        chosen: selection
            .parts
            .values()
            .flatten()
            .map(|p| p.project)
            .collect(),
    }))
}
