//! The citizens' budget under `/budget`: editions, their projects, online voting, results with
//! the anonymised Pabulib download; and for staff under `/staff/budget`: the edition's
//! schedule, the commission's key shares, votes at a counter, paper ballots typed in twice,
//! the count with the shares and its publication. What may happen when is decided by the
//! domain's rulebook, asked through [`rules`].

pub mod appeal;
pub mod ballot;
pub mod choose;
pub mod rules;
pub mod staff;
pub mod submit;
pub mod vote;

use crate::context::Ctx;
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::Locale;
use miasto_domain::budget::{Action, Phase, format_amount};
use miasto_store::Page as PageRequest;
use miasto_store::budget::{
    self, CostItem, Edition, Milestone, Pool, PoolResult, Project, ProjectFilter, ProjectStatus,
};
use serde::Deserialize;

/// The edition named in the path, or 404.
pub(crate) async fn load_edition(state: &AppState, slug: &str) -> Result<Edition, Error> {
    budget::edition(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

/// Tells a project's author (if the account still exists) what happened to it, by e-mail in
/// their language, queued in the caller's transaction; wake the worker after the commit.
pub(crate) async fn notify_author(
    state: &AppState,
    c: &impl miasto_store::ConnectionTrait,
    edition: &Edition,
    project: &Project,
    news: crate::emails::BudgetNews,
    reason: &str,
) -> Result<(), Error> {
    let Some(author) = project.author else {
        return Ok(());
    };
    let Some(user) = miasto_store::accounts::get_user(c, author).await? else {
        return Ok(());
    };
    let link = format!(
        "{}/budget/{}/projects/{}",
        state.config().base_url,
        edition.slug,
        project.number
    );
    let message = crate::emails::budget_project(
        user.locale,
        &user.email,
        news,
        &project.title,
        reason,
        &link,
    )?;
    miasto_store::jobs::enqueue(c, &miasto_store::jobs::Job::SendEmail(message)).await?;
    Ok(())
}

/// An edition as lists and headers show it.
pub struct EditionView {
    pub slug: String,
    pub name: String,
    pub phase: Phase,
    pub phase_label: String,
    pub submission: String,
    pub appeals: String,
    pub voting: String,
    /// The day results are promised for.
    pub results_due: Option<String>,
}

impl EditionView {
    pub fn new(page: &Page, e: &Edition) -> Self {
        let phase = e.phase(miasto_store::now());
        let span = |(a, b): (DateTime<Utc>, DateTime<Utc>)| {
            // Windows close at the end of their last day: show that day.
            let last = b - chrono::Duration::seconds(1);
            format!("{} – {}", day(page.lang, a), day(page.lang, last))
        };
        Self {
            slug: e.slug.clone(),
            name: e.name(page.lang).to_owned(),
            phase,
            phase_label: page.t(&format!("budget-phase-{}", phase.as_str())),
            submission: span(e.schedule.submission),
            appeals: span(e.schedule.appeals),
            voting: span(e.schedule.voting),
            results_due: e.results_due.map(|d| date(page.lang, d)),
        }
    }

    pub fn results(&self) -> bool {
        self.phase == Phase::Results
    }
}

/// The Kraków day of an instant, as the page's language writes it.
pub(crate) fn day(lang: Locale, at: DateTime<Utc>) -> String {
    date(lang, at.with_timezone(&Warsaw).date_naive())
}

/// A date as the page's language writes it.
pub(crate) fn date(lang: Locale, d: chrono::NaiveDate) -> String {
    match lang {
        Locale::Pl => d.format("%d.%m.%Y").to_string(),
        Locale::En => d.format("%-d %b %Y").to_string(),
    }
}

pub struct PoolView {
    pub code: String,
    pub name: String,
    pub budget: String,
    pub rule: String,
}

impl PoolView {
    pub fn new(page: &Page, p: &Pool) -> Self {
        Self {
            code: p.code.clone(),
            name: p.name(page.lang).to_owned(),
            budget: format_amount(p.budget),
            rule: rule_label(page, p.rule),
        }
    }
}

/// A page of an edition, titled "<what> – <edition>".
pub(crate) fn edition_page(ctx: &Ctx, title: &str, edition: &Edition) -> Page {
    Page::new(
        ctx,
        format!(
            "{} – {}",
            crate::i18n::t(ctx.locale, title),
            edition.name(ctx.locale)
        ),
    )
}

pub(crate) fn rule_label(page: &Page, rule: miasto_domain::budget::BallotRule) -> String {
    use miasto_domain::budget::BallotRule;
    match rule {
        BallotRule::Ranked { picks } => page.t1("budget-rule-ranked", "count", picks),
        BallotRule::Approval { max } => page.t1("budget-rule-approval", "count", max),
        BallotRule::Cumulative { points, .. } => page.t1("budget-rule-cumulative", "count", points),
        BallotRule::Knapsack => page.t("budget-rule-knapsack"),
    }
}

pub struct ProjectRow {
    pub number: u32,
    pub code: String,
    pub title: String,
    pub summary: String,
    pub pool: String,
    pub cost: String,
    pub status: String,
    /// On the ballot (accepted): voters may add it.
    pub votable: bool,
}

impl ProjectRow {
    fn new(page: &Page, p: &Project, pools: &[Pool]) -> Self {
        Self {
            number: p.number,
            code: p.code.clone(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            pool: pools
                .iter()
                .find(|pool| pool.id == p.pool_id)
                .map(|pool| pool.name(page.lang).to_owned())
                .unwrap_or_default(),
            cost: format_amount(p.final_cost()),
            status: page.t(&format!("budget-status-{}", p.status.as_str())),
            votable: p.status == miasto_store::budget::ProjectStatus::Accepted,
        }
    }
}

#[derive(Template)]
#[template(path = "budget/index.html")]
struct IndexPage {
    page: Page,
    /// Each edition, and whether voting is open in it.
    editions: Vec<(EditionView, bool)>,
}

/// Whether voting is open to the visitor (or would be, once they sign in).
fn voting_open(ctx: &Ctx, edition: &Edition) -> bool {
    matches!(
        rules::allowed(ctx, Action::Vote, edition, None),
        Ok(()) | Err(miasto_domain::budget::Refusal::SignIn)
    )
}

pub async fn show_budget(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    let page = Page::titled(&ctx, "budget-title");
    let editions = budget::editions(state.db())
        .await?
        .iter()
        .map(|e| (EditionView::new(&page, e), voting_open(&ctx, e)))
        .collect();
    Ok(render(&IndexPage { page, editions })?.into_response())
}

#[derive(Template)]
#[template(path = "budget/edition.html")]
struct EditionPage {
    page: Page,
    edition: EditionView,
    pools: Vec<PoolView>,
    voted: bool,
    /// Voting is open to this visitor (or would be, once signed in).
    can_vote: bool,
    can_submit: bool,
    /// Ballots per channel, once results are published (nobody sees turnout before).
    totals: Option<budget::Totals>,
}

pub async fn show_edition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let page = Page::new(&ctx, edition.name(ctx.locale).to_owned());
    let pools = budget::pools(state.db(), edition.id)
        .await?
        .iter()
        .map(|p| PoolView::new(&page, p))
        .collect();
    let voted = match &ctx.user {
        Some(u) => budget::has_voted(state.db(), edition.id, u.user.id).await?,
        None => false,
    };
    let totals = if edition.results_published_at.is_some() {
        Some(budget::ballot_totals(state.db(), edition.id).await?)
    } else {
        None
    };
    Ok(render(&EditionPage {
        // Visitors who have not signed in see the way in; the pages ask them to sign in.
        can_vote: !voted && voting_open(&ctx, &edition),
        can_submit: matches!(
            rules::allowed(&ctx, Action::Submit, &edition, None),
            Ok(()) | Err(miasto_domain::budget::Refusal::SignIn)
        ),
        edition: EditionView::new(&page, &edition),
        page,
        pools,
        voted,
        totals,
    })?
    .into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectsQuery {
    pub pool: String,
    pub q: String,
    pub status: String,
    pub page: String,
}

#[derive(Template)]
#[template(path = "budget/projects.html")]
struct ProjectsPage {
    page: Page,
    edition: EditionView,
    query: ProjectsQuery,
    pool_options: Vec<SelectOption>,
    status_options: Vec<SelectOption>,
    rows: Vec<ProjectRow>,
    pager: Pager,
    /// The voter's ballot, while they may vote.
    ballot: Option<choose::BallotState>,
}

pub async fn list_projects(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<ProjectsQuery>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let page = edition_page(&ctx, "budget-projects-title", &edition);
    let pools = budget::pools(state.db(), edition.id).await?;
    let filter = ProjectFilter {
        pool: pools.iter().find(|p| p.code == query.pool).map(|p| p.id),
        status: ProjectStatus::parse(&query.status),
        category: None,
        text: Some(query.q.clone()),
        unit: None,
    };
    let paged = budget::projects(
        state.db(),
        edition.id,
        &filter,
        PageRequest::new(crate::admin::page_number(&query.page)?, None),
    )
    .await?;
    let pager = Pager::new(
        &paged,
        &format!("/budget/{slug}/projects"),
        &[
            ("pool", &query.pool),
            ("q", &query.q),
            ("status", &query.status),
        ],
    );
    let rows = paged
        .items
        .iter()
        .map(|p| ProjectRow::new(&page, p, &pools))
        .collect();
    let mut pool_items = vec![(String::new(), page.t("budget-all-pools"))];
    pool_items.extend(
        pools
            .iter()
            .map(|p| (p.code.clone(), p.name(page.lang).to_owned())),
    );
    let mut status_items = vec![(String::new(), page.t("budget-all-statuses"))];
    status_items.extend(ProjectStatus::ALL.iter().map(|s| {
        (
            s.as_str().to_owned(),
            page.t(&format!("budget-status-{}", s.as_str())),
        )
    }));
    let ballot = choose::ballot_state(&state, &ctx, &edition).await?;
    Ok(render(&ProjectsPage {
        ballot,
        edition: EditionView::new(&page, &edition),
        pool_options: options(pool_items, &query.pool),
        status_options: options(status_items, &query.status),
        query,
        rows,
        pager,
        page,
    })?
    .into_response())
}

pub struct MilestoneView {
    pub on: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "budget/project.html")]
struct ProjectPage {
    page: Page,
    edition: EditionView,
    project: ProjectRow,
    description: String,
    location: String,
    items: Vec<(String, String)>,
    estimate: String,
    corrected: Option<String>,
    assessments: Vec<(String, bool, String)>,
    appeal: Option<(String, Option<bool>, String)>,
    milestones: Vec<MilestoneView>,
    /// The author may still change it (submissions open).
    can_edit: bool,
    /// The author may still take it back (before voting).
    can_withdraw: bool,
    /// The author may appeal the negative result.
    can_appeal: bool,
    /// Photo ids (served at `/budget/photos/{id}/{size}`), hidden ones left out.
    photos: Vec<String>,
    /// The location on a map, when the geocoder finds it.
    map: Option<crate::places::MapView>,
    /// The voter's ballot, while they may vote.
    ballot: Option<choose::BallotState>,
}

pub async fn show_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    let number: u32 = number.parse().map_err(|_| Error::NotFound)?;
    let project = budget::project(state.db(), edition.id, number)
        .await?
        .ok_or(Error::NotFound)?;
    let page = Page::new(&ctx, project.title.clone());
    let facts = rules::facts(&state, &project).await?;
    let may = |action| rules::allowed(&ctx, action, &edition, Some(&facts)).is_ok();
    let (can_edit, can_withdraw, can_appeal) = (
        may(Action::Edit),
        may(Action::Withdraw),
        may(Action::Appeal),
    );
    let pools = budget::pools(state.db(), edition.id).await?;
    let photos = budget::photos_of(state.db(), project.id)
        .await?
        .into_iter()
        .filter(|p| !p.hidden)
        .map(|p| p.id.to_string())
        .collect();
    let items = budget::cost_items(state.db(), project.id)
        .await?
        .into_iter()
        .map(
            |CostItem {
                 description,
                 amount,
             }| (description, format_amount(amount)),
        )
        .collect();
    let assessments = budget::assessments(state.db(), project.id)
        .await?
        .into_iter()
        .map(|a| {
            (
                page.t(&format!("budget-stage-{}", a.stage.as_str())),
                a.positive,
                a.justification,
            )
        })
        .collect();
    let appeal = budget::appeal(state.db(), project.id)
        .await?
        .map(|a| (a.reason, a.upheld, a.decision_reason.unwrap_or_default()));
    let milestones = budget::milestones(state.db(), project.id)
        .await?
        .into_iter()
        .map(|m: Milestone| MilestoneView {
            on: date(page.lang, m.on),
            status: page.t(&format!("budget-realisation-{}", m.status.as_str())),
            note: m.note,
        })
        .collect();
    let point = project
        .point
        .and_then(|(lat, lon)| miasto_domain::geo::Point::new(lat, lon).ok());
    let map = match point {
        Some(point) => Some(crate::places::map_view(&state, point, false).await),
        None => crate::places::map_of_text(&state, &project.location).await,
    };
    let ballot = choose::ballot_state(&state, &ctx, &edition).await?;
    Ok(render(&ProjectPage {
        edition: EditionView::new(&page, &edition),
        map,
        ballot,
        description: project.description.clone(),
        location: project.location.clone(),
        items,
        estimate: format_amount(project.cost),
        corrected: project.corrected_cost.map(format_amount),
        project: ProjectRow::new(&page, &project, &pools),
        assessments,
        appeal,
        milestones,
        can_edit,
        can_withdraw,
        can_appeal,
        photos,
        page,
    })?
    .into_response())
}

pub struct ResultRowView {
    pub number: u32,
    pub code: String,
    pub title: String,
    pub cost: String,
    pub score: u64,
    pub voters: u64,
    pub funded: bool,
    /// Why it was funded or not ("not enough money left: …").
    pub why: String,
    /// The funded project's delivery stage, once one is recorded.
    pub realisation: Option<String>,
}

pub struct PoolResultView {
    pub code: String,
    pub name: String,
    pub budget: String,
    pub spent: String,
    pub leftover: String,
    pub online: u64,
    pub paper: u64,
    pub ballots: u64,
    /// Ballots as a share of the eligible residents officials entered ("23,4 %").
    pub turnout: Option<String>,
    pub rows: Vec<ResultRowView>,
}

impl PoolResultView {
    pub fn new(
        page: &Page,
        r: &PoolResult,
        stages: &std::collections::HashMap<miasto_domain::ProjectId, budget::Realisation>,
    ) -> Self {
        let rows: Vec<(i64, bool)> = r
            .rows
            .iter()
            .map(|row| (row.project.final_cost(), row.funded))
            .collect();
        let outcomes = miasto_domain::budget::explain(r.pool.counting, r.pool.budget, &rows);
        Self {
            code: r.pool.code.clone(),
            name: r.pool.name(page.lang).to_owned(),
            budget: format_amount(r.pool.budget),
            spent: format_amount(r.spent),
            leftover: format_amount(r.leftover()),
            online: r.online,
            paper: r.paper,
            ballots: r.ballots(),
            turnout: r.pool.eligible.filter(|n| *n > 0).map(|eligible| {
                #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
                let percent = r.ballots() as f64 * 100.0 / eligible as f64;
                let text = format!("{percent:.1}");
                let text = match page.lang {
                    miasto_domain::Locale::Pl => text.replace('.', ","),
                    miasto_domain::Locale::En => text,
                };
                format!("{text}\u{a0}%")
            }),
            rows: r
                .rows
                .iter()
                .zip(outcomes)
                .map(|(row, outcome)| ResultRowView {
                    why: outcome_text(page, outcome),
                    number: row.project.number,
                    code: row.project.code.clone(),
                    title: row.project.title.clone(),
                    cost: format_amount(row.project.final_cost()),
                    score: row.score,
                    voters: row.voters,
                    funded: row.funded,
                    realisation: stages
                        .get(&row.project.id)
                        .map(|s| page.t(&format!("budget-realisation-{}", s.as_str()))),
                })
                .collect(),
        }
    }
}

fn outcome_text(page: &Page, outcome: miasto_domain::budget::Outcome) -> String {
    use miasto_domain::budget::Outcome;
    match outcome {
        Outcome::Funded { left_after } => {
            page.t1("budget-why-funded", "left", format_amount(left_after))
        }
        Outcome::NoMoney { left, cost } => page.t2(
            "budget-why-no-money",
            "left",
            format_amount(left),
            "cost",
            format_amount(cost),
        ),
        Outcome::SharesFunded => page.t("budget-why-shares-funded"),
        Outcome::SharesShort => page.t("budget-why-shares-short"),
    }
}

/// A correction of published results, as the results page lists it.
pub struct CorrectionView {
    pub at: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "budget/results.html")]
struct ResultsPage {
    page: Page,
    edition: EditionView,
    pools: Vec<PoolResultView>,
    totals: budget::Totals,
    corrections: Vec<CorrectionView>,
    /// Paper sheets still open when the count began, per voting point.
    not_entered: Vec<(String, u64)>,
}

/// Results, turnout and the `.pb` files exist for nobody before publication — officials
/// included: two looks around one vote would reveal it.
fn published(edition: &Edition) -> Result<(), Error> {
    if edition.results_published_at.is_none() {
        return Err(Error::NotFound);
    }
    Ok(())
}

pub async fn show_results(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    published(&edition)?;
    let results = budget::results(state.db(), &edition).await?;
    let page = edition_page(&ctx, "budget-results-title", &edition);
    let totals = budget::ballot_totals(state.db(), edition.id).await?;
    let funded: Vec<miasto_domain::ProjectId> = results
        .iter()
        .flat_map(|r| {
            r.rows
                .iter()
                .filter(|row| row.funded)
                .map(|row| row.project.id)
        })
        .collect();
    let stages = budget::latest_milestones(state.db(), &funded).await?;
    let corrections = budget::counts(state.db(), edition.id)
        .await?
        .into_iter()
        .filter_map(|c| {
            Some(CorrectionView {
                at: page.datetime(&c.at),
                reason: c.reason?,
            })
        })
        .collect();
    let not_entered = budget::sheets_not_entered(state.db(), edition.id).await?;
    Ok(render(&ResultsPage {
        edition: EditionView::new(&page, &edition),
        pools: results
            .iter()
            .map(|r| PoolResultView::new(&page, r, &stages))
            .collect(),
        totals,
        corrections,
        not_entered,
        page,
    })?
    .into_response())
}

/// `/budget/{slug}/results/{pool}.pb`: the pool's ballots in the Pabulib format, voters
/// numbered in random order, so that anyone can recount with an independent tool; once the
/// results are published.
pub async fn download_pabulib(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    published(&edition)?;
    let code = file.strip_suffix(".pb").ok_or(Error::NotFound)?;
    let pool = budget::pools(state.db(), edition.id)
        .await?
        .into_iter()
        .find(|p| p.code == code)
        .ok_or(Error::NotFound)?;
    let text = budget::pabulib(state.db(), &edition, &pool)
        .await?
        .ok_or(Error::NotFound)?;
    let name = format!("budget_{}_{}.pb", edition.slug, pool.code);
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// `/budget/photos/{id}/{variant}`: a project's photo, unless staff hid it.
pub async fn show_photo(
    State(state): State<AppState>,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, Error> {
    let id = uuid::Uuid::try_parse(&id).map_err(|_| Error::NotFound)?;
    let variant = miasto_store::photos::Variant::parse(&variant).ok_or(Error::NotFound)?;
    let photo = budget::photo(state.db(), id)
        .await?
        .filter(|p| !p.hidden)
        .ok_or(Error::NotFound)?;
    crate::reports::photo::serve_file(&state, photo.key(variant), true).await
}
