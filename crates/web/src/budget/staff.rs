//! Staff pages of the citizens' budget under `/staff/budget`: the edition's page (its state,
//! the commission, the schedule) and paper ballots typed in at voting points, each sheet
//! twice by different people, with the sheets whose keyings disagree listed first. The count
//! and its publication are in [`super::commission`].

use super::ballot::{PoolPart, Route, Typed, VoterFields};
use super::vote::{district_options, parts, read_ballot, split_pools};
use super::{EditionView, load_edition, rules};
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

pub async fn change_schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(input): Form<ScheduleInput>,
) -> Result<Response, Error> {
    let edition = load_edition(&state, &slug).await?;
    rules::require(&ctx, Rule::MoveSchedule, &edition, None)?;
    let official = ctx.require_user()?.user.id;
    let mut errors = FieldErrors::new(ctx.locale);
    let Some((schedule, results_due)) = input.read(&mut errors) else {
        let page = manage_page(&state, &ctx, &edition, input, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let tx = miasto_store::begin(state.db()).await?;
    match budget::set_schedule(&tx, &edition, &schedule, results_due).await {
        Ok(()) => {}
        Err(ScheduleChange::Schedule(_)) => {
            drop(tx);
            errors.add_message("submission_from", "budget-error-schedule-past");
            let page = manage_page(&state, &ctx, &edition, input, errors).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(ScheduleChange::Budget(e)) => return Err(e.into()),
    }
    audit::record(
        &tx,
        Some(official),
        Action::BudgetScheduleChanged,
        Some(Target::budget_edition(edition.id.0)),
        serde_json::json!({
            "submission": [input.submission_from, input.submission_to],
            "appeals": [input.appeals_from, input.appeals_to],
            "voting": [input.voting_from, input.voting_to],
            "results_due": input.results_due,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/budget/{slug}"),
        "flash-budget-schedule-saved",
    ))
}

pub struct OpenSheetView {
    pub number: String,
    pub point: String,
    pub keyings: u32,
    pub mismatch: bool,
    pub keyed_at: String,
}

#[derive(Template)]
#[template(path = "staff/budget_paper.html")]
struct PaperPage {
    page: Page,
    edition: EditionView,
    open: bool,
    outcome: Option<(bool, String)>,
    districts: Option<Vec<SelectOption>>,
    district: String,
    district_name: String,
    /// Back to the district choice, keeping the voting point.
    change_link: String,
    parts: Vec<PoolPart>,
    sheet: String,
    point: String,
    voter: VoterFields,
    sheets: Vec<OpenSheetView>,
    counted: u64,
    refused: u64,
    errors: FieldErrors,
}

#[expect(clippy::too_many_arguments, reason = "one page's inputs")]
async fn paper_page(
    state: &AppState,
    ctx: &Ctx,
    edition: &Edition,
    district: &str,
    typed: &Typed<'_>,
    keep_sheet: bool,
    outcome: Option<(bool, String)>,
    errors: FieldErrors,
) -> Result<PaperPage, Error> {
    let page = super::edition_page(ctx, "budget-paper-title", edition);
    let pools = budget::pools(state.db(), edition.id).await?;
    let (_, district_pool) = split_pools(&pools, district);
    let choose = pools.iter().any(|p| !p.is_city_wide()) && district_pool.is_none();
    let parts = if choose {
        Vec::new()
    } else {
        parts(state, &page, &pools, district, typed).await?
    };
    let sheets = budget::open_sheets(state.db(), edition.id)
        .await?
        .into_iter()
        .map(|s: OpenSheet| OpenSheetView {
            keyed_at: page.datetime(&s.first_keyed_at),
            number: s.number,
            point: s.point,
            keyings: s.keyings,
            mismatch: s.mismatch,
        })
        .collect();
    let (counted, refused) = budget::settled_sheets(state.db(), edition.id).await?;
    Ok(PaperPage {
        edition: EditionView::new(&page, edition),
        // Paper ballots are typed in while voting runs and after it closes, until the count.
        open: rules::allowed(ctx, Rule::KeyPaper, edition, None).is_ok(),
        outcome,
        districts: choose.then(|| district_options(&page, &pools, district)),
        district: district.to_owned(),
        district_name: district_pool
            .map(|p| p.name(page.lang).to_owned())
            .unwrap_or_default(),
        change_link: format!(
            "/staff/budget/{}/paper?{}",
            edition.slug,
            serde_urlencoded::to_string([("point", typed.get("point"))]).unwrap_or_default()
        ),
        parts,
        sheet: if keep_sheet {
            typed.get("sheet").to_owned()
        } else {
            String::new()
        },
        // The voting point stays filled in from one sheet to the next.
        point: typed.get("point").to_owned(),
        voter: VoterFields::typed(edition, typed, keep_sheet, false),
        sheets,
        counted,
        refused,
        errors,
        page,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaperQuery {
    pub district: String,
    pub point: String,
}

pub async fn show_paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(query): Query<PaperQuery>,
) -> Result<Response, Error> {
    ctx.require(Permission::KeyPaperBallots)?;
    let edition = load_edition(&state, &slug).await?;
    let pairs = vec![("point".to_owned(), query.point.clone())];
    let page = paper_page(
        &state,
        &ctx,
        &edition,
        &query.district,
        &Typed(&pairs),
        false,
        None,
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaperFields {
    pub district: String,
    pub sheet: String,
    pub point: String,
}

pub async fn key_paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    form: FormPairs<PaperFields>,
) -> Result<Response, Error> {
    let clerk = ctx.require(Permission::KeyPaperBallots)?.user.id;
    let edition = load_edition(&state, &slug).await?;
    let typed = Typed(&form.pairs);
    let district = form.fields.district.trim();
    if let Err(why) = rules::allowed(&ctx, Rule::KeyPaper, &edition, None) {
        let message = crate::i18n::t(ctx.locale, &format!("error-page-{}", why.code()));
        let page = paper_page(
            &state,
            &ctx,
            &edition,
            district,
            &typed,
            true,
            Some((false, message)),
            FieldErrors::new(ctx.locale),
        )
        .await?;
        let status = StatusCode::from_u16(why.http_status()).unwrap_or(StatusCode::CONFLICT);
        return Ok((status, render(&page)?).into_response());
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let number = form.fields.sheet.trim();
    if number.is_empty() || number.chars().count() > 40 {
        errors.add_message("sheet", "budget-error-sheet");
    }
    let point = form.fields.point.trim();
    if point.is_empty() || point.chars().count() > 200 {
        errors.add_message("point", "budget-error-point");
    }
    let pools = budget::pools(state.db(), edition.id).await?;
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
    let Some((identity, marks)) = read.filter(|_| errors.is_empty()) else {
        let page = paper_page(&state, &ctx, &edition, district, &typed, true, None, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let secret = state.config().secret.expose().as_bytes();
    let sheet = Sheet {
        number: number.to_owned(),
        point: point.to_owned(),
        keys: identity.keys(secret, edition.id.0),
        marks,
    };
    let tx = miasto_store::begin(state.db()).await?;
    let keying = match budget::key_paper(&tx, &edition, &sheet, clerk, secret).await {
        Ok(keying) => keying,
        Err(CastError::Refused(why)) => return Err(why.into()),
        Err(CastError::AlreadyVoted) => Keying::AlreadyVoted,
        Err(CastError::Store(e)) => return Err(e.into()),
    };
    tx.commit().await?;
    let message = crate::i18n::t_args(
        ctx.locale,
        &format!("budget-keying-{}", keying.as_str()),
        &[("sheet", number)],
    );
    // A keying to repeat keeps what was typed; a stored one clears the form for the next.
    let (status, keep, good) = match keying {
        Keying::Waiting | Keying::Counted => (StatusCode::OK, false, true),
        Keying::Mismatch | Keying::AlreadyVoted | Keying::Settled => (StatusCode::OK, false, false),
        Keying::SameKeyer => (StatusCode::CONFLICT, true, false),
    };
    let page = paper_page(
        &state,
        &ctx,
        &edition,
        district,
        &typed,
        keep,
        Some((good, message)),
        FieldErrors::new(ctx.locale),
    )
    .await?;
    Ok((status, render(&page)?).into_response())
}
