//! Verification and what follows it, under `/staff/budget/{slug}/projects`: officials hand
//! each project to a city unit; the unit records a formal and a merit assessment (positive or
//! negative, with its reasons and a corrected cost); officials put the project on the ballot
//! or leave it off, decide the author's appeal, and record the funded project's realisation.
//! Every step is audited and shown on the public page (authors appeal from it: see
//! [`crate::budget::appeal`]).

use crate::budget::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::emails::BudgetNews;
use crate::form::{FieldErrors, Form};
use crate::page::{Page, Pager, SelectOption, options, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use miasto_domain::budget::{Action as Rule, ProjectFacts, Refusal, format_amount, parse_amount};
use miasto_domain::{Permission, UnitId, required_text};
use miasto_store::Page as PageRequest;
use miasto_store::audit::{self, Action, Target};
use miasto_store::budget::{
    self, Assessment, BudgetError, Edition, Milestone, Project, ProjectFilter, ProjectStatus,
    Realisation, Stage,
};
use serde::Deserialize;

mod appeal;
mod assess;
mod assign;
mod decide;
mod list;
mod milestone;

pub use appeal::*;
pub use assess::*;
pub use assign::*;
pub use decide::*;
pub use list::*;
pub use milestone::*;

pub(crate) const TEXT_MAX: usize = 5_000;

/// Officials see every project; unit staff see their own unit's.
fn scope(ctx: &Ctx) -> Result<Option<UnitId>, Error> {
    if ctx.can(Permission::ManageBudget) {
        return Ok(None);
    }
    let user = ctx.require(Permission::AssessBudgetProjects)?;
    user.user.unit_id.map(Some).ok_or(Error::Forbidden)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepInput {
    pub unit: String,
    pub stage: String,
    pub outcome: String,
    pub justification: String,
    pub corrected_cost: String,
    pub decision: String,
    pub reason: String,
    pub milestone: String,
    pub on: String,
    pub note: String,
    /// The project's status when the official's page showed it.
    pub seen: String,
}

#[derive(Template)]
#[template(path = "staff/budget_project.html")]
struct ProjectPage {
    page: Page,
    edition: EditionView,
    number: u32,
    code: String,
    summary: String,
    cost: String,
    status: String,
    /// The status as stored, for the decision forms (`seen`).
    status_code: &'static str,
    unit: String,
    manage: bool,
    /// The steps open now, by the rulebook.
    can_assign: bool,
    can_assess: bool,
    can_decide: bool,
    can_decide_appeal: bool,
    can_deliver: bool,
    units: Vec<SelectOption>,
    assessments: Vec<(String, bool, String)>,
    appeal: Option<(String, Option<bool>)>,
    milestones: Vec<String>,
    milestone_options: Vec<SelectOption>,
    input: StepInput,
    errors: FieldErrors,
}

async fn project_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    project: &Project,
    input: StepInput,
    errors: FieldErrors,
) -> Result<ProjectPage, Error> {
    let page = Page::new(ctx, project.title.clone());
    let units = unit_names(state, &page).await?;
    let mut unit_items = vec![(String::new(), page.t("budget-choose-unit"))];
    unit_items.extend(units.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let current_unit = project.unit.map(|u| u.to_string()).unwrap_or_default();
    let facts = rules::facts(state, project).await?;
    let may = |rule| rules::allowed(ctx, rule, edition, Some(&facts)).is_ok();
    let mut milestone_items = vec![(String::new(), page.t("budget-choose-milestone"))];
    milestone_items.extend(Realisation::ALL.iter().map(|r| {
        (
            r.as_str().to_owned(),
            page.t(&format!("budget-realisation-{}", r.as_str())),
        )
    }));
    Ok(ProjectPage {
        edition: EditionView::new(&page, edition),
        number: project.number,
        code: project.code.clone(),
        summary: project.summary.clone(),
        cost: format_amount(project.final_cost()),
        status: page.t(&format!("budget-status-{}", project.status.as_str())),
        status_code: project.status.as_str(),
        unit: project
            .unit
            .and_then(|u| units.iter().find(|(id, _)| *id == u))
            .map_or_else(|| page.t("budget-no-unit"), |(_, n)| n.clone()),
        manage: ctx.can(Permission::ManageBudget),
        can_assign: may(Rule::Assign),
        can_assess: may(Rule::Assess),
        can_decide: may(Rule::Decide),
        can_decide_appeal: may(Rule::DecideAppeal),
        can_deliver: may(Rule::RecordDelivery),
        units: options(
            unit_items,
            if input.unit.is_empty() {
                &current_unit
            } else {
                &input.unit
            },
        ),
        assessments: budget::assessments(state.db(), project.id)
            .await?
            .into_iter()
            .map(|a| {
                (
                    page.t(&format!("budget-stage-{}", a.stage.as_str())),
                    a.positive,
                    a.justification,
                )
            })
            .collect(),
        appeal: budget::appeal(state.db(), project.id)
            .await?
            .map(|a| (a.reason, a.upheld)),
        milestones: budget::milestones(state.db(), project.id)
            .await?
            .into_iter()
            .map(|m| {
                format!(
                    "{} – {}{}",
                    m.on.format("%Y-%m-%d"),
                    page.t(&format!("budget-realisation-{}", m.status.as_str())),
                    if m.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", m.note)
                    }
                )
            })
            .collect(),
        milestone_options: options(milestone_items, &input.milestone),
        input,
        errors,
        page,
    })
}

pub(crate) async fn load_project(
    state: &AppState,
    edition: &Edition,
    number: &str,
    unit: Option<UnitId>,
) -> Result<Project, Error> {
    let number: u32 = number.parse().map_err(|_| Error::NotFound)?;
    let project = budget::project(state.db(), edition.id, number)
        .await?
        .ok_or(Error::NotFound)?;
    if unit.is_some() && project.unit != unit {
        return Err(Error::Forbidden);
    }
    Ok(project)
}

pub async fn show_project(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, Error> {
    let unit = scope(&ctx)?;
    let edition = load_edition(&state, &slug).await?;
    let project = load_project(&state, &edition, &number, unit).await?;
    let page = project_page(
        &state,
        &ctx,
        &edition,
        &project,
        StepInput::default(),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// A project a staff step acts on, with who acts.
struct StepTarget {
    edition: Edition,
    project: Project,
    facts: ProjectFacts,
    by: miasto_domain::UserId,
}

/// Loads the project for a step, as the staff project page shows it (unit staff see only
/// their own unit's projects); whether this person may take the step is the rulebook's call
/// ([`StepTarget::allowed`]).
async fn target(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    number: &str,
) -> Result<StepTarget, Error> {
    let unit = scope(ctx)?;
    let by = ctx.require_user()?.user.id;
    let edition = load_edition(state, slug).await?;
    let project = load_project(state, &edition, number, unit).await?;
    let facts = rules::facts(state, &project).await?;
    Ok(StepTarget {
        edition,
        project,
        facts,
        by,
    })
}

impl StepTarget {
    /// Whether the rulebook lets this person take `rule` now.
    fn allowed(&self, ctx: &Ctx, rule: Rule) -> Result<(), Refusal> {
        rules::allowed(ctx, rule, &self.edition, Some(&self.facts))
    }
}

/// The project page again, with what was typed and why it was refused.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    t: &StepTarget,
    input: StepInput,
    errors: FieldErrors,
) -> Result<Response, Error> {
    let page = project_page(state, ctx, &t.edition, &t.project, input, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// The project page again with what was typed, when the rulebook refuses the step (now, or
/// in the store because someone acted first): the message at `field`, an honest status.
async fn not_now(
    state: &AppState,
    ctx: &Ctx,
    t: &StepTarget,
    input: StepInput,
    field: &'static str,
    why: Refusal,
) -> Result<Response, Error> {
    if matches!(
        why,
        Refusal::SignIn | Refusal::Forbidden | Refusal::OtherUnit
    ) {
        return Err(why.into());
    }
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(field, &format!("error-page-{}", why.code()));
    let page = project_page(state, ctx, &t.edition, &t.project, input, errors).await?;
    let status = StatusCode::from_u16(why.http_status()).unwrap_or(StatusCode::CONFLICT);
    Ok((status, render(&page)?).into_response())
}

/// The refusal in a store error, or the error itself.
fn refusal(e: BudgetError) -> Result<Refusal, Error> {
    match e {
        BudgetError::Refused(why) => Ok(why),
        BudgetError::Store(e) => Err(e.into()),
    }
}

/// Audits the step, commits, wakes the worker for any e-mail and goes back to the project.
async fn done(
    state: &AppState,
    ctx: &Ctx,
    tx: miasto_store::DatabaseTransaction,
    t: &StepTarget,
    action: Action,
    details: serde_json::Value,
    flash: &str,
) -> Result<Response, Error> {
    audit::record(
        &tx,
        Some(t.by),
        action,
        Some(Target::budget_project(t.project.id.0)),
        details,
    )
    .await?;
    tx.commit().await?;
    state.wake_worker();
    Ok(redirect_with_flash(
        ctx,
        &format!(
            "/staff/budget/{}/projects/{}",
            t.edition.slug, t.project.number
        ),
        flash,
    ))
}
