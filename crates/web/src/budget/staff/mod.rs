//! Staff pages of the citizens' budget under `/staff/budget`: the edition's page (its state,
//! the commission, the schedule) and paper ballots typed in at voting points, each sheet
//! twice by different people, with the sheets whose keyings disagree listed first. The count
//! and its publication are in [`commission`].

pub mod commission;
pub mod counter;
pub mod editions;
pub mod electorate;
pub mod verify;

use crate::budget::ballot::{PoolPart, Route, Typed, VoterFields};
use crate::budget::vote::{district_options, parts, read_ballot, split_pools};
use crate::budget::{EditionView, load_edition, rules};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form, FormPairs};
use crate::page::{Page, SelectOption, render};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::Permission;
use miasto_domain::budget::{Action as Rule, Schedule, ScheduleError};
use miasto_store::audit::{self, Action, Target};
use miasto_store::budget::{self, CastError, Edition, Keying, OpenSheet, ScheduleChange, Sheet};
use serde::Deserialize;

mod paper;
mod schedule;

pub use paper::*;
pub use schedule::*;

/// Paper keying or running the edition: either lets a person into these pages.
fn require_budget_staff(ctx: &Ctx) -> Result<(), Error> {
    if ctx.can(Permission::KeyPaperBallots) || ctx.can(Permission::ManageBudget) {
        Ok(())
    } else {
        ctx.require(Permission::ManageBudget).map(|_| ())
    }
}

#[derive(Template)]
#[template(path = "staff/budget_list.html")]
struct ListPage {
    page: Page,
    editions: Vec<EditionView>,
    manage: bool,
}

pub async fn list_editions(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Error> {
    require_budget_staff(&ctx)?;
    let page = Page::titled(&ctx, "budget-staff-title");
    let editions = budget::editions(state.db())
        .await?
        .iter()
        .map(|e| EditionView::new(&page, e))
        .collect();
    Ok(render(&ListPage {
        page,
        editions,
        manage: ctx.can(Permission::ManageBudget),
    })?
    .into_response())
}

/// The schedule as the form shows it: Kraków days, the closing day inclusive.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ScheduleInput {
    pub submission_from: String,
    pub submission_to: String,
    pub appeals_from: String,
    pub appeals_to: String,
    pub voting_from: String,
    pub voting_to: String,
    /// Optional: the day results are promised for.
    pub results_due: String,
}

fn local_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&Warsaw).format("%Y-%m-%d").to_string()
}

impl ScheduleInput {
    fn of(s: &Schedule) -> Self {
        let last = |at: DateTime<Utc>| local_day(at - chrono::Duration::seconds(1));
        Self {
            submission_from: local_day(s.submission.0),
            submission_to: last(s.submission.1),
            appeals_from: local_day(s.appeals.0),
            appeals_to: last(s.appeals.1),
            voting_from: local_day(s.voting.0),
            voting_to: last(s.voting.1),
            results_due: String::new(),
        }
    }

    /// The schedule and the day results are due, or messages per field.
    pub(crate) fn read(&self, errors: &mut FieldErrors) -> Option<(Schedule, Option<NaiveDate>)> {
        let results_due = if self.results_due.trim().is_empty() {
            Ok(None)
        } else {
            NaiveDate::parse_from_str(self.results_due.trim(), "%Y-%m-%d").map(Some)
        };
        let schedule = self.read_windows(errors);
        match (schedule, results_due) {
            (Some(s), Ok(due))
                if due.is_none_or(|d| {
                    d >= s.voting.1.with_timezone(&Warsaw).date_naive() - chrono::Duration::days(1)
                }) =>
            {
                Some((s, due))
            }
            (_, Err(_)) => {
                errors.add_message("results_due", "budget-error-date");
                None
            }
            (Some(_), Ok(_)) => {
                errors.add_message("results_due", "budget-error-results-due");
                None
            }
            (None, _) => None,
        }
    }

    fn read_windows(&self, errors: &mut FieldErrors) -> Option<Schedule> {
        let mut day = |field: &'static str, raw: &str, next: bool| {
            let parsed = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| if next { d.succ_opt() } else { Some(d) })
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| t.and_local_timezone(Warsaw).earliest())
                .map(|t| t.with_timezone(&Utc));
            if parsed.is_none() {
                errors.add_message(field, "budget-error-date");
            }
            parsed
        };
        let dates = (
            day("submission_from", &self.submission_from, false),
            day("submission_to", &self.submission_to, true),
            day("appeals_from", &self.appeals_from, false),
            day("appeals_to", &self.appeals_to, true),
            day("voting_from", &self.voting_from, false),
            day("voting_to", &self.voting_to, true),
        );
        let (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) = dates else {
            return None;
        };
        match Schedule::new((a, b), (c, d), (e, f)) {
            Ok(s) => Some(s),
            Err(ScheduleError::Inverted) => {
                errors.add_message("submission_from", "budget-error-schedule-inverted");
                None
            }
            Err(ScheduleError::OutOfOrder) => {
                errors.add_message("submission_from", "budget-error-schedule-order");
                None
            }
            Err(ScheduleError::PastFixed) => {
                errors.add_message("submission_from", "budget-error-schedule-past");
                None
            }
        }
    }
}

/// A member of the counting commission, as the edition's page lists them.
pub struct MemberView {
    pub number: u8,
    pub who: String,
    pub fingerprint: String,
    pub collected: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/budget_edition.html")]
struct ManagePage {
    page: Page,
    edition: EditionView,
    manage: bool,
    key_paper: bool,
    /// Votes at a counter are being taken.
    counter_open: bool,
    /// The signed-in official's share waits for them.
    my_share_waiting: bool,
    members: Vec<MemberView>,
    threshold: u8,
    /// The envelopes are opened (when, as the page writes it).
    opened: Option<String>,
    /// Sealed ballots are opened with the shares now.
    can_open: bool,
    /// The opened ballots may be counted again before publication.
    can_recount: bool,
    can_publish: bool,
    can_correct: bool,
    can_move: bool,
    schedule: ScheduleInput,
    errors: FieldErrors,
}

async fn manage_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    schedule: ScheduleInput,
    errors: FieldErrors,
) -> Result<ManagePage, Error> {
    let page = Page::new(ctx, edition.name(ctx.locale).to_owned());
    let manage = ctx.can(Permission::ManageBudget);
    let slots = budget::share_slots(state.db(), edition.id).await?;
    let me = ctx.user.as_ref().map(|u| u.user.id);
    let mut members = Vec::new();
    for slot in &slots {
        let who = match slot.member {
            Some(id) => miasto_store::accounts::get_user(state.db(), id)
                .await?
                .map_or_else(|| page.t("budget-member-deleted"), |u| u.email.to_string()),
            None => page.t("budget-member-offline"),
        };
        members.push(MemberView {
            number: slot.number,
            who,
            fingerprint: slot.fingerprint.clone(),
            collected: slot.collected_at.as_ref().map(|at| page.datetime(at)),
        });
    }
    let allowed = |rule| rules::allowed(ctx, rule, edition, None).is_ok();
    let opened = edition.opened_at.is_some();
    Ok(ManagePage {
        edition: EditionView::new(&page, edition),
        manage,
        key_paper: ctx.can(Permission::KeyPaperBallots),
        counter_open: allowed(Rule::CounterVote),
        my_share_waiting: slots
            .iter()
            .any(|s| s.waiting && s.member.is_some() && s.member == me),
        members,
        threshold: edition.threshold.unwrap_or_default(),
        opened: edition.opened_at.as_ref().map(|at| page.datetime(at)),
        can_open: allowed(Rule::Count) && !opened,
        can_recount: allowed(Rule::Count) && opened,
        can_publish: allowed(Rule::Publish),
        can_correct: allowed(Rule::Correct),
        can_move: allowed(Rule::MoveSchedule),
        schedule,
        errors,
        page,
    })
}

pub async fn show_edition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    require_budget_staff(&ctx)?;
    let edition = load_edition(&state, &slug).await?;
    let mut schedule = ScheduleInput::of(&edition.schedule);
    schedule.results_due = edition
        .results_due
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let page = manage_page(
        &state,
        &ctx,
        &edition,
        schedule,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}
