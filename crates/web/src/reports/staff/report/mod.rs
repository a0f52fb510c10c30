//! A report as staff see it: the reporter's contact details (for the report's unit, the
//! contact centre and moderators, each view audited), the full timeline with internal notes and assignments, and hidden photos; with the actions the
//! viewer's role allows — change status, add a note, reassign, merge into another report,
//! hide a photo or a passage of text.

use super::{can_handle, unit_scope};
use crate::context::{Ctx, CurrentUser, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::show::{PhotoView, find_by_number};
use crate::reports::{Lookup, ReportView, notify, status_label};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use miasto_domain::reports::{Status, TrackingNumber, next_statuses};
use miasto_domain::{FieldError, Permission, UnitId};
use miasto_store::reports::{self, EventKind, Report, StatusChange};
use miasto_store::{ConnectionTrait, photos};
use serde::Deserialize;

mod merge;
mod note;
mod photo;
mod reassign;
mod redact;
mod status;

pub use merge::*;
pub use note::*;
pub use photo::*;
pub use reassign::*;
pub use redact::*;
pub use status::*;

/// One line of the full timeline.
pub struct StaffEvent {
    pub at: DateTime<Utc>,
    pub who: String,
    pub what: String,
    pub public_message: Option<String>,
    pub internal_note: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/report.html")]
struct StaffReportPage {
    page: Page,
    view: ReportView,
    report: Report,
    /// The address of the reporter's account, if they reported while logged in.
    account_email: Option<String>,
    /// This viewer may see the contact details (else they are blanked in `report`).
    show_contact: bool,
    /// The reporter gave contact details or reported from an account.
    contact_given: bool,
    /// Answers to the category's questions: (question, answer).
    answers: Vec<(String, String)>,
    /// The client application that sent it (API).
    client_name: Option<String>,
    events: Vec<StaffEvent>,
    photos: Vec<PhotoView>,
    can_handle: bool,
    can_reassign: bool,
    can_moderate: bool,
    next: Vec<SelectOption>,
    units: Vec<SelectOption>,
    public_text: String,
    input: ActionInput,
    /// The exact place on a map.
    map: Option<crate::places::MapView>,
    /// Reply templates of the report's unit and shared ones, filled in with its facts.
    replies: Vec<ReplyChoice>,
    /// The template inserted into the message, if one was chosen.
    reply: String,
    /// The "Ławka dialogu" question it came from: (meeting number, question number).
    from_question: Option<(i32, i32)>,
    errors: FieldErrors,
}

/// A reply template as offered on a report.
pub struct ReplyChoice {
    pub id: String,
    pub title: String,
    /// The text filled in with the report's facts.
    pub text: String,
    /// The template's status, when this report may move to it.
    pub status: String,
}

/// `?reply=<id>`: insert that reply template into the status message (without JavaScript).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyQuery {
    pub reply: String,
}

/// Every action form's fields (each form sends the ones it has).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionInput {
    pub expected: String,
    pub status: String,
    pub message: String,
    pub note: String,
    pub unit: String,
    pub reason: String,
    pub target: String,
    pub public_text: String,
}

pub const MESSAGE_MAX: usize = 2000;

/// E-mails everyone who follows a status change.
pub async fn notify_change(
    c: &impl ConnectionTrait,
    state: &AppState,
    change: &StatusChange,
    message: Option<&str>,
) -> Result<(), Error> {
    notify::status_changed(c, state, change, message).await
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    current: &CurrentUser,
    mut report: Report,
    mut input: ActionInput,
    errors: FieldErrors,
    reply: &str,
) -> Result<StaffReportPage, Error> {
    let lookup = Lookup::load(state).await?;
    // Who reported and how to reach them: for the report's unit, the contact centre and
    // moderators; every view of it is audited. Others learn only that it was given.
    let show_contact = miasto_domain::accounts::may_see_contact(
        current.user.role,
        current.user.unit_id,
        report.unit,
    );
    let contact_given = report.contact_name.is_some()
        || report.contact_email.is_some()
        || report.contact_phone.is_some()
        || report.reporter.is_some();
    if !show_contact {
        report.contact_name = None;
        report.contact_email = None;
        report.contact_phone = None;
    }
    let master = match report.merged_into {
        Some(id) => reports::get(state.db(), id).await?,
        None => None,
    };
    let view = ReportView::new(&report, &lookup, ctx.locale, master.as_ref());
    let map = match report.point {
        Some(point) => Some(crate::places::map_view(state, point, false).await),
        None => None,
    };
    let timeline = reports::timeline(state.db(), report.id, false).await?;
    let mut actors: Vec<(miasto_domain::UserId, String)> = Vec::new();
    for id in timeline.iter().filter_map(|e| e.actor) {
        if !actors.iter().any(|(a, _)| *a == id)
            && let Some(user) = miasto_store::accounts::get_user(state.db(), id).await?
        {
            actors.push((id, user.email.to_string()));
        }
    }
    let events = timeline
        .iter()
        .map(|e| StaffEvent {
            at: e.at,
            who: e
                .actor
                .and_then(|a| {
                    actors
                        .iter()
                        .find(|(id, _)| *id == a)
                        .map(|(_, email)| email.clone())
                })
                .unwrap_or_else(|| crate::i18n::t(ctx.locale, "staff-event-by-system")),
            what: describe(e, &report, &lookup, ctx),
            public_message: e.public_message.clone(),
            internal_note: e.internal_note.clone(),
        })
        .collect();
    let photos = photos::list(state.db(), report.id, photos::Audience::Staff).await?;
    let handle = can_handle(current, &report);
    if show_contact && contact_given {
        miasto_store::audit::record(
            state.db(),
            Some(current.user.id),
            miasto_store::audit::Action::ReporterContactViewed,
            Some(miasto_store::audit::Target::report(report.id)),
            serde_json::json!({ "number": report.number.to_string() }),
        )
        .await?;
    }
    let account_email = match report.reporter.filter(|_| show_contact) {
        Some(id) => miasto_store::accounts::get_user(state.db(), id)
            .await?
            .map(|u| u.email.to_string()),
        None => None,
    };
    let client_name = match report
        .client
        .as_deref()
        .and_then(|c| uuid::Uuid::try_parse(c).ok())
    {
        Some(id) => miasto_store::api_clients::get(state.db(), id)
            .await?
            .map(|c| c.name),
        None => None,
    };
    let answers = crate::reports::answer_rows(
        lookup.category(report.category),
        &report.answers,
        ctx.locale,
    );
    let next: Vec<(&str, String)> = if report.merged_into.is_none() {
        next_statuses(report.kind, report.status)
            .iter()
            .map(|s| (s.as_str(), status_label(ctx.locale, report.kind, *s)))
            .collect()
    } else {
        Vec::new()
    };
    let replies = if handle && report.merged_into.is_none() {
        reply_choices(state, &report, &lookup, map.as_ref(), &view, &next).await?
    } else {
        Vec::new()
    };
    if let Some(chosen) = replies.iter().find(|r| r.id == reply) {
        input.message = chosen.text.clone();
        if !chosen.status.is_empty() {
            input.status = chosen.status.clone();
        }
    }
    let from_question = miasto_store::dialogue::question_of_report(state.db(), report.id)
        .await?
        .map(|(q, meeting)| (meeting, q.number));
    Ok(StaffReportPage {
        from_question,
        page: Page::new(
            ctx,
            crate::i18n::t_args(ctx.locale, "report-title", &[("number", &view.number)]),
        ),
        next: options(next, &input.status),
        units: options(
            lookup
                .units
                .iter()
                .filter(|u| u.active && u.id != report.unit)
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} – {}", u.code.as_str(), u.names.get(ctx.locale)),
                    )
                }),
            &input.unit,
        ),
        public_text: if input.public_text.is_empty() {
            report.public_description().to_owned()
        } else {
            input.public_text.clone()
        },
        can_handle: handle,
        can_reassign: handle,
        can_moderate: ctx.can(Permission::ModerateReports),
        photos: photos.iter().map(|p| PhotoView::new(p, None)).collect(),
        events,
        view,
        report,
        account_email,
        show_contact,
        contact_given,
        answers,
        client_name,
        input,
        map,
        replies,
        reply: reply.to_owned(),
        errors,
    })
}

/// The reply templates offered on `report`, filled in with its facts (in the language the
/// resident reported in).
async fn reply_choices(
    state: &AppState,
    report: &Report,
    lookup: &Lookup,
    map: Option<&crate::places::MapView>,
    view: &ReportView,
    next: &[(&str, String)],
) -> Result<Vec<ReplyChoice>, Error> {
    let templates = miasto_store::reports::replies::for_report(state.db(), report.unit).await?;
    if templates.is_empty() {
        return Ok(Vec::new());
    }
    let unit = lookup
        .unit(report.unit)
        .map(|u| u.names.get(report.locale).to_owned())
        .unwrap_or_default();
    let category = lookup
        .category(report.category)
        .map(|c| c.names.get(report.locale).to_owned())
        .unwrap_or_else(|| view.category.clone());
    let address = report
        .address
        .clone()
        .or_else(|| map.and_then(|m| m.near.clone()))
        .unwrap_or_default();
    let local = report.created_at.with_timezone(&chrono_tz::Europe::Warsaw);
    let date = match report.locale {
        miasto_domain::Locale::Pl => local.format("%d.%m.%Y").to_string(),
        miasto_domain::Locale::En => local.format("%-d %B %Y").to_string(),
    };
    let facts = miasto_domain::reports::replies::Facts {
        number: &view.number,
        category: &category,
        address: &address,
        unit: &unit,
        date: &date,
    };
    Ok(templates
        .into_iter()
        .map(|t| ReplyChoice {
            id: t.id.to_string(),
            text: miasto_domain::reports::replies::fill(&t.body, &facts),
            status: t
                .status
                .filter(|s| next.iter().any(|(n, _)| *n == s.as_str()))
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            title: t.title,
        })
        .collect())
}

fn describe(e: &reports::Event, report: &Report, lookup: &Lookup, ctx: &Ctx) -> String {
    let t = |id: &str, args: &[(&str, &str)]| crate::i18n::t_args(ctx.locale, id, args);
    match e.kind {
        EventKind::Created => t("report-event-created", &[]),
        EventKind::StatusChanged | EventKind::StatusFollowed => {
            let to =
                e.to.map(|s| status_label(ctx.locale, report.kind, s))
                    .unwrap_or_default();
            t("staff-event-status", &[("status", &to)])
        }
        EventKind::Assigned => {
            let unit = e
                .unit
                .and_then(|u| lookup.unit(u))
                .map(|u| u.code.as_str().to_owned())
                .unwrap_or_default();
            t("staff-event-assigned", &[("unit", &unit)])
        }
        EventKind::Note => t("staff-event-note", &[]),
        EventKind::Merged => t(
            "report-event-merged",
            &[("number", e.details["into"].as_str().unwrap_or_default())],
        ),
        EventKind::Supported => t("staff-event-supported", &[]),
        EventKind::PhotoHidden => t("staff-event-photo", &[]),
        EventKind::TextRedacted => t("staff-event-redacted", &[]),
    }
}

pub async fn show_staff_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, number)): Path<(String, String)>,
    Query(query): Query<ReplyQuery>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ViewReports)?;
    let report = find_by_number(&state, &year, &number).await?;
    let page = page(
        &state,
        &ctx,
        current,
        report,
        ActionInput::default(),
        FieldErrors::new(ctx.locale),
        &query.reply,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Re-renders the page with the action's input and its error.
async fn refuse(
    state: &AppState,
    ctx: &Ctx,
    current: &CurrentUser,
    report: Report,
    input: ActionInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let page = page(state, ctx, current, report, input, errors, "").await?;
    Ok((status, render(&page)?).into_response())
}

fn optional(raw: &str, field: &'static str, errors: &mut FieldErrors) -> Option<String> {
    match miasto_domain::optional_text(raw, MESSAGE_MAX) {
        Ok(text) => text,
        Err(e) => {
            errors.add(field, e);
            None
        }
    }
}

async fn handled_report(
    state: &AppState,
    ctx: &Ctx,
    year: &str,
    number: &str,
) -> Result<(CurrentUser, Report), Error> {
    let current = ctx.require(Permission::HandleReports)?.clone();
    let report = find_by_number(state, year, number).await?;
    if !can_handle(&current, &report) {
        return Err(Error::Forbidden);
    }
    Ok((current, report))
}
