//! Meetings and expert duty hours: the public page of a meeting (where, when, agenda, places
//! left, sign up or join the waiting list, cancel, the minutes afterwards, an iCal file) and
//! of a duty hour (its free slots, booking one with a topic, cancelling), and the officials'
//! pages that add them, list who comes, publish minutes and book a slot for a resident who
//! telephoned. The rules are `domain::consultations::meetings`; places, the line and slots
//! are the store's conditional writes; confirmations and reminders are e-mails, the
//! reminders scheduled jobs taken back on cancellation.

use super::comments::{actor, refused_write};
use super::{ConsultationView, find_public};
use crate::context::{Ctx, redirect_with_flash};
use crate::form::{FieldErrors, Form};
use crate::page::{Page, SelectOption, options, render};
use crate::reports::Lookup;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Europe::Warsaw;
use miasto_domain::consultations::meetings::{
    self as rules, Format, Mode, RawDutyHour, RawMeeting,
};
use miasto_domain::consultations::{Action, Method, Refusal, may};
use miasto_domain::{Email, Locale, Permission, UserId};
use miasto_store::audit;
use miasto_store::consultations::Consultation;
use miasto_store::consultations::meetings::{self as store, DutyHour, Meeting, Registration};
use miasto_store::jobs::{self, Job};
use serde::Deserialize;
use uuid::Uuid;

/// A `datetime-local` value read as Kraków time.
pub(crate) fn parse_local(raw: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| t.and_local_timezone(Warsaw).earliest())
        .map(|t| t.with_timezone(&Utc))
}

/// "14.11.2026, 08:00–15:00" in Kraków time.
pub fn span(starts: DateTime<Utc>, ends: DateTime<Utc>, lang: Locale) -> String {
    let (a, b) = (starts.with_timezone(&Warsaw), ends.with_timezone(&Warsaw));
    let same_day = a.date_naive() == b.date_naive();
    let end = if same_day {
        b.format("%H:%M").to_string()
    } else {
        format!(
            "{}, {}",
            super::date(b.date_naive(), lang),
            b.format("%H:%M")
        )
    };
    format!(
        "{}, {}–{}",
        super::date(a.date_naive(), lang),
        a.format("%H:%M"),
        end
    )
}

/// A meeting as pages show it.
pub struct MeetingView {
    pub id: String,
    pub title: String,
    pub format: String,
    pub when: String,
    pub place: Option<String>,
    pub link: Option<String>,
    pub agenda: String,
    pub capacity: Option<u32>,
    pub taken: u32,
    /// Places left (none: no limit).
    pub free: Option<u32>,
    pub minutes: Option<String>,
    pub ended: bool,
    /// Called off: the reason.
    pub cancelled: Option<String>,
}

impl MeetingView {
    pub fn new(m: &Meeting, page: &Page) -> Self {
        let p = &m.plan;
        Self {
            id: m.id.to_string(),
            title: p.title.clone(),
            format: page.t(&format!("meeting-format-{}", p.format.as_str())),
            when: span(p.starts, p.ends, page.lang),
            place: p.place.clone(),
            link: p.link.clone(),
            agenda: p.agenda.clone(),
            capacity: p.capacity,
            taken: m.taken,
            free: p.capacity.map(|c| c.saturating_sub(m.taken)),
            minutes: m.minutes.clone(),
            ended: p.ends <= miasto_store::now(),
            cancelled: m.cancel_reason.clone(),
        }
    }
}

/// A duty hour as pages show it.
pub struct DutyView {
    pub id: String,
    pub expert: String,
    pub mode: String,
    pub phone_mode: bool,
    pub when: String,
    pub place: Option<String>,
    pub phone: Option<String>,
    pub free: usize,
    pub total: usize,
    /// Why it was called off, if it was.
    pub cancelled: Option<String>,
}

impl DutyView {
    pub fn new(d: &DutyHour, slots: &[store::Slot], page: &Page) -> Self {
        let now = miasto_store::now();
        let p = &d.plan;
        Self {
            id: d.id.to_string(),
            expert: p.expert.clone(),
            mode: page.t(&format!("duty-mode-{}", p.mode.as_str())),
            phone_mode: p.mode == Mode::Phone,
            when: span(p.starts, p.ends, page.lang),
            place: p.place.clone(),
            phone: p.phone.as_ref().map(|p| p.as_str().to_owned()),
            free: slots
                .iter()
                .filter(|s| s.booking.is_none() && s.starts > now && d.cancel_reason.is_none())
                .count(),
            total: slots.len(),
            cancelled: d.cancel_reason.clone(),
        }
    }
}

/// A consultation's meetings and duty hours, for its page.
pub async fn overview(
    state: &AppState,
    c: &Consultation,
    page: &Page,
) -> Result<(Vec<MeetingView>, Vec<DutyView>), Error> {
    let db = state.db();
    let meetings = store::meetings(db, c.id)
        .await?
        .iter()
        .map(|m| MeetingView::new(m, page))
        .collect();
    let mut hours = Vec::new();
    for d in store::duty_hours(db, c.id).await? {
        let slots = store::slots(db, d.id).await?;
        hours.push(DutyView::new(&d, &slots, page));
    }
    Ok((meetings, hours))
}

/// Whom pages ask "may one sign up?": any resident (a visitor sees the button and logs in on
/// pressing it).
const AS_RESIDENT: miasto_domain::consultations::Actor = miasto_domain::consultations::Actor {
    user: Some(UserId(Uuid::nil())),
    role: None,
};

fn parse_id(raw: &str) -> Result<Uuid, Error> {
    Uuid::try_parse(raw).map_err(|_| Error::NotFound)
}

async fn find_meeting(state: &AppState, c: &Consultation, id: &str) -> Result<Meeting, Error> {
    store::meeting(state.db(), c.id, parse_id(id)?)
        .await?
        .ok_or(Error::NotFound)
}

async fn find_duty(state: &AppState, c: &Consultation, id: &str) -> Result<DutyHour, Error> {
    store::duty_hour(state.db(), c.id, parse_id(id)?)
        .await?
        .ok_or(Error::NotFound)
}

fn t1(locale: Locale, id: &str, name: &str, value: &str) -> String {
    crate::i18n::t_args(locale, id, &[(name, value)])
}

/// What an e-mail about a meeting or slot says.
struct Notice<'a> {
    /// `meeting-registered`, `booking-reminder`…
    kind: &'a str,
    what: &'a str,
    consultation: &'a str,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    place: Option<&'a str>,
    path: &'a str,
    /// A reason, after the first line.
    note: Option<&'a str>,
}

fn notice(state: &AppState, to: &Email, locale: Locale, n: &Notice) -> Result<Job, Error> {
    let link = format!("{}{}", state.config().base_url, n.path);
    let message = crate::emails::consultation_event(
        locale,
        to,
        n.kind,
        (n.what, n.note),
        n.consultation,
        &span(n.starts, n.ends, locale),
        n.place,
        &link,
    )?;
    Ok(Job::SendEmail(message))
}

/// Sends `n` now and, for a place held, schedules its reminder under `key`.
async fn tell(
    state: &AppState,
    tx: &impl miasto_store::ConnectionTrait,
    to: &Email,
    locale: Locale,
    n: &Notice<'_>,
    reminder: Option<(&str, &str)>,
) -> Result<(), Error> {
    jobs::enqueue(tx, &notice(state, to, locale, n)?).await?;
    if let Some((kind, key)) = reminder
        && let Some(at) = rules::reminder_at(n.starts, miasto_store::now())
    {
        let job = notice(state, to, locale, &Notice { kind, ..*n })?;
        jobs::enqueue_at(tx, &job, at, key).await?;
    }
    Ok(())
}

/// Where to tell someone about their booking: the e-mail they gave, else their account's
/// (none for a phone number given by a caller without an account).
async fn booking_contact(
    tx: &impl miasto_store::ConnectionTrait,
    b: &store::BookingRow,
) -> Result<Option<(Email, Locale)>, Error> {
    Ok(match Email::parse(&b.booking.contact) {
        Ok(e) => Some((e, Locale::Pl)),
        Err(_) => match b.user {
            Some(u) => store::contact_of(tx, u)
                .await?
                .and_then(|(e, l)| Email::parse(&e).ok().map(|e| (e, l))),
            None => None,
        },
    })
}

/// The reason for calling a meeting or duty hour off, if officials may now: else the page's
/// errors and status.
fn call_off_reason(
    ctx: &Ctx,
    c: &Consultation,
    form: &CallOffForm,
) -> Result<String, (FieldErrors, StatusCode)> {
    may(
        &actor(ctx),
        Action::EditMeetings,
        c.phase(miasto_store::now()),
    )
    .map_err(|refusal| refusal_errors(ctx, refusal))?;
    let mut errors = FieldErrors::new(ctx.locale);
    match miasto_domain::required_text(&form.reason, rules::LINE_MAX) {
        Ok(reason) => Ok(reason),
        Err(e) => {
            errors.add("reason", e);
            Err((errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

fn registration_key(r: &Registration) -> String {
    format!("reminder:registration:{}", r.id)
}

fn booking_key(id: Uuid) -> String {
    format!("reminder:booking:{id}")
}

/// A refusal as the form's message and the page's status.
fn refusal_errors(ctx: &Ctx, refusal: Refusal) -> (FieldErrors, StatusCode) {
    let mut errors = FieldErrors::new(ctx.locale);
    errors.add_message(FieldErrors::FORM, &format!("error-{}", refusal.code()));
    let status = StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::CONFLICT);
    (errors, status)
}

// ---------------------------------------------------------------------------------------
// A meeting's public page.

#[derive(Template)]
#[template(path = "consultations/meeting.html")]
struct MeetingPage {
    page: Page,
    c: ConsultationView,
    m: MeetingView,
    map: Option<crate::places::MapView>,
    /// The viewer's registration: (waiting, place in line).
    mine: Option<(bool, u64)>,
    /// Signing up is open to the viewer (or would be after logging in).
    may_sign_up: bool,
    /// Why not, when it is not.
    closed_reason: Option<String>,
    errors: FieldErrors,
}

async fn meeting_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    m: &Meeting,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, m.plan.title.clone());
    let now = miasto_store::now();
    let mine = match &ctx.user {
        Some(u) => match store::registration_of(state.db(), m.id, u.user.id).await? {
            Some(r) if r.waiting => Some((true, store::position(state.db(), &r).await?)),
            Some(_) => Some((false, 0)),
            None => None,
        },
        None => None,
    };
    let check = rules::may_sign_up(
        &AS_RESIDENT,
        c.phase(now),
        &c.organisation.methods,
        Method::Meetings,
        m.plan.starts,
        now,
    )
    .and(match m.cancel_reason {
        Some(_) => Err(Refusal::Phase),
        None => Ok(()),
    });
    let map = match m.plan.point {
        Some((lat, lon)) => match miasto_domain::geo::Point::new(lat, lon) {
            Ok(p) => Some(crate::places::map_view(state, p, false).await),
            Err(_) => None,
        },
        None => match &m.plan.place {
            Some(place) => crate::places::map_of_text(state, place).await,
            None => None,
        },
    };
    let body = MeetingPage {
        c: ConsultationView::new(c, &lookup, &page),
        m: MeetingView::new(m, &page),
        map,
        mine,
        may_sign_up: check.is_ok(),
        closed_reason: check.err().map(|r| page.t(&format!("error-{}", r.code()))),
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// `GET /consultations/{slug}/meetings/{id}`.
pub async fn show_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let errors = FieldErrors::new(ctx.locale);
    meeting_page(&state, &ctx, &c, &m, errors, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    /// `register` or `cancel`.
    pub action: String,
}

/// `POST /consultations/{slug}/meetings/{id}`: sign up (a place, or the waiting list when
/// full) or cancel (the place goes to the first in line, who is told).
pub async fn sign_up(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<SignUpForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let Some(current) = &ctx.user else {
        return Ok(axum::response::Redirect::to(&format!(
            "/login?next=/consultations/{slug}/meetings/{id}"
        ))
        .into_response());
    };
    let user = current.user.id;
    let now = miasto_store::now();
    let path = format!("/consultations/{slug}/meetings/{id}");
    let tx = miasto_store::begin(state.db()).await?;
    if form.action == "cancel" {
        let Some(r) = store::registration_of(&tx, m.id, user).await? else {
            tx.rollback().await?;
            return Ok(axum::response::Redirect::to(&path).into_response());
        };
        let promoted = match store::cancel_registration(&tx, &r).await {
            Ok(p) => p,
            Err(e) => {
                tx.rollback().await?;
                let mut errors = FieldErrors::new(ctx.locale);
                let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
                return meeting_page(&state, &ctx, &c, &m, errors, status).await;
            }
        };
        jobs::withdraw(&tx, &registration_key(&r)).await?;
        if let Some(p) = promoted
            && let Some((email, locale)) = store::contact_of(&tx, p.user).await?
            && let Ok(to) = Email::parse(&email)
        {
            let n = Notice {
                kind: "meeting-promoted",
                what: &m.plan.title,
                consultation: &c.plan.title,
                starts: m.plan.starts,
                ends: m.plan.ends,
                place: m.plan.place.as_deref(),
                path: &path,
                note: None,
            };
            let key = registration_key(&p);
            tell(
                &state,
                &tx,
                &to,
                locale,
                &n,
                Some(("meeting-reminder", &key)),
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(redirect_with_flash(&ctx, &path, "flash-meeting-cancelled"));
    }
    if let Err(refusal) = rules::may_sign_up(
        &actor(&ctx),
        c.phase(now),
        &c.organisation.methods,
        Method::Meetings,
        m.plan.starts,
        now,
    ) {
        tx.rollback().await?;
        let (errors, status) = refusal_errors(&ctx, refusal);
        return meeting_page(&state, &ctx, &c, &m, errors, status).await;
    }
    let r = match store::register(&tx, &m, user).await {
        Ok(r) => r,
        Err(e) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::new(ctx.locale);
            let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
            return meeting_page(&state, &ctx, &c, &m, errors, status).await;
        }
    };
    let n = Notice {
        kind: if r.waiting {
            "meeting-waiting"
        } else {
            "meeting-registered"
        },
        what: &m.plan.title,
        consultation: &c.plan.title,
        starts: m.plan.starts,
        ends: m.plan.ends,
        place: m.plan.place.as_deref(),
        path: &path,
        note: None,
    };
    let key = registration_key(&r);
    let reminder = (!r.waiting).then_some(("meeting-reminder", key.as_str()));
    tell(
        &state,
        &tx,
        &current.user.email,
        current.user.locale,
        &n,
        reminder,
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &path,
        if r.waiting {
            "flash-meeting-waiting"
        } else {
            "flash-meeting-registered"
        },
    ))
}

/// Text for an iCalendar property: backslashes, semicolons, commas and line breaks escaped.
fn ical_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (RFC 5545 §3.1), never inside a character.
fn ical_line(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        if width + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out.push_str("\r\n");
}

fn ical_time(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// One event as an iCalendar file (RFC 5545), ready to serve: `uid` names it for good
/// (`meeting-…`), `url` is its page's path.
pub(crate) struct CalendarEvent<'a> {
    pub uid: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub url: &'a str,
}

impl CalendarEvent<'_> {
    /// The `.ics` answer, offered as `{uid}.ics`.
    pub(crate) fn response(&self, base: &str) -> Response {
        let host = base
            .split("://")
            .nth(1)
            .unwrap_or(base)
            .split(['/', ':'])
            .next()
            .unwrap_or("miasto");
        let mut out = String::new();
        for line in [
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Wspolne Miasto//miasto//PL".to_owned(),
            "CALSCALE:GREGORIAN".to_owned(),
            "METHOD:PUBLISH".to_owned(),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@{host}", self.uid),
            format!("DTSTAMP:{}", ical_time(miasto_store::now())),
            format!("DTSTART:{}", ical_time(self.starts)),
            format!("DTEND:{}", ical_time(self.ends)),
            format!("SUMMARY:{}", ical_text(self.summary)),
            format!("LOCATION:{}", ical_text(self.location)),
            format!("DESCRIPTION:{}", ical_text(self.description)),
            format!("URL:{base}{}", self.url),
            "END:VEVENT".to_owned(),
            "END:VCALENDAR".to_owned(),
        ] {
            ical_line(&mut out, &line);
        }
        (
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.ics\"", self.uid),
                ),
            ],
            out,
        )
            .into_response()
    }
}

/// `GET /consultations/{slug}/meetings/{id}/calendar.ics`: the meeting for a calendar.
pub async fn calendar(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let p = &m.plan;
    let location = [p.place.as_deref(), p.link.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let description = format!("{}\n\n{}", c.plan.title, p.agenda);
    let url = format!("/consultations/{slug}/meetings/{}", m.id);
    Ok(CalendarEvent {
        uid: format!("meeting-{}", m.id),
        starts: p.starts,
        ends: p.ends,
        summary: &p.title,
        location: &location,
        description: &description,
        url: &url,
    }
    .response(&state.config().base_url))
}

// ---------------------------------------------------------------------------------------
// A duty hour's public page.

/// A slot as pages show it.
pub struct SlotView {
    pub id: String,
    pub time: String,
    pub free: bool,
    /// Staff pages: the booking in it.
    pub booking: Option<BookingView>,
    /// The booking may still be cancelled (the slot has not begun).
    pub may_cancel: bool,
}

/// A booking as staff see it.
pub struct BookingView {
    pub id: String,
    pub name: String,
    pub contact: String,
    pub topic: String,
    /// Booked by staff for a caller.
    pub by_staff: bool,
    /// The query that opens the staff's comment form for what was raised.
    pub record_query: String,
}

fn slot_views(slots: &[store::Slot], bookings: &[store::BookingRow]) -> Vec<SlotView> {
    let now = miasto_store::now();
    slots
        .iter()
        .map(|s| SlotView {
            id: s.id.to_string(),
            time: format!(
                "{}–{}",
                s.starts.with_timezone(&Warsaw).format("%H:%M"),
                s.ends.with_timezone(&Warsaw).format("%H:%M")
            ),
            free: s.booking.is_none() && s.starts > now,
            may_cancel: rules::may_cancel_booking(s.starts, now).is_ok(),
            booking: s
                .booking
                .and_then(|b| bookings.iter().find(|x| x.id == b))
                .map(|b| BookingView {
                    id: b.id.to_string(),
                    name: b.booking.name.clone(),
                    contact: b.booking.contact.clone(),
                    topic: b.booking.topic.clone(),
                    by_staff: b.booked_by.is_some(),
                    record_query: serde_urlencoded::to_string([
                        ("channel", "duty_hour"),
                        ("author_name", b.booking.name.as_str()),
                    ])
                    .unwrap_or_default(),
                }),
        })
        .collect()
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct BookForm {
    /// `book` or `cancel`.
    pub action: String,
    pub slot: String,
    pub name: String,
    pub contact: String,
    pub topic: String,
    /// Staff cancelling: which booking.
    pub booking: String,
}

#[derive(Template)]
#[template(path = "consultations/duty_hour.html")]
struct DutyPage {
    page: Page,
    c: ConsultationView,
    d: DutyView,
    slots: Vec<SlotView>,
    /// The viewer's booking: (its time, its topic, whether it may still be cancelled).
    mine: Option<(String, String, bool)>,
    may_book: bool,
    closed_reason: Option<String>,
    form: BookForm,
    errors: FieldErrors,
}

async fn duty_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    d: &DutyHour,
    mut form: BookForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, page_title(ctx.locale, d));
    let now = miasto_store::now();
    let slots = store::slots(state.db(), d.id).await?;
    let mine = match &ctx.user {
        Some(u) => store::booking_of(state.db(), d.id, u.user.id)
            .await?
            .map(|b| {
                let slot = slots.iter().find(|s| s.id == b.slot_id);
                let time = slot
                    .map(|s| span(s.starts, s.ends, ctx.locale))
                    .unwrap_or_default();
                let open = slot.is_some_and(|s| rules::may_cancel_booking(s.starts, now).is_ok());
                (time, b.booking.topic, open)
            }),
        None => None,
    };
    if form.contact.is_empty()
        && let Some(u) = &ctx.user
    {
        form.contact = u.user.email.to_string();
    }
    let first_free = slots
        .iter()
        .find(|s| s.booking.is_none() && s.starts > now)
        .map_or(d.plan.ends, |s| s.starts);
    let check = rules::may_sign_up(
        &AS_RESIDENT,
        c.phase(now),
        &c.organisation.methods,
        Method::DutyHours,
        first_free,
        now,
    )
    .and(match d.cancel_reason {
        Some(_) => Err(Refusal::Phase),
        None => Ok(()),
    });
    let body = DutyPage {
        c: ConsultationView::new(c, &lookup, &page),
        d: DutyView::new(d, &slots, &page),
        slots: slot_views(&slots, &[]),
        mine,
        may_book: check.is_ok(),
        closed_reason: check.err().map(|r| page.t(&format!("error-{}", r.code()))),
        form,
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

fn page_title(locale: Locale, d: &DutyHour) -> String {
    t1(locale, "duty-title", "expert", &d.plan.expert)
}

/// `GET /consultations/{slug}/duty-hours/{id}`.
pub async fn show_duty_hour(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_duty(&state, &c, &id).await?;
    let errors = FieldErrors::new(ctx.locale);
    duty_page(
        &state,
        &ctx,
        &c,
        &d,
        BookForm::default(),
        errors,
        StatusCode::OK,
    )
    .await
}

/// Books a slot (one check and one store path for residents and for staff booking for a
/// caller), tells the resident when there is an address, schedules the reminder.
#[expect(
    clippy::too_many_arguments,
    reason = "one booking's inputs, from two channels"
)]
async fn book_slot(
    state: &AppState,
    tx: &miasto_store::DatabaseTransaction,
    c: &Consultation,
    d: &DutyHour,
    form: &BookForm,
    user: Option<(UserId, &Email, Locale)>,
    booked_by: Option<UserId>,
    errors: &mut FieldErrors,
) -> Result<Option<StatusCode>, Error> {
    let booking = match rules::check_booking(&form.name, &form.contact, &form.topic) {
        Ok(b) => b,
        Err(problems) => {
            for (field, e) in problems {
                errors.add(field, e);
            }
            return Ok(Some(StatusCode::UNPROCESSABLE_ENTITY));
        }
    };
    let Ok(slot) = Uuid::try_parse(form.slot.trim()) else {
        errors.add("slot", miasto_domain::FieldError::Required);
        return Ok(Some(StatusCode::UNPROCESSABLE_ENTITY));
    };
    let row = match store::book(tx, d, slot, user.map(|u| u.0), &booking, booked_by).await {
        Ok(r) => r,
        Err(e) => return refused_write(e, errors, "slot").map(Some),
    };
    let slots = store::slots(tx, d.id).await?;
    let Some(s) = slots.iter().find(|s| s.id == slot) else {
        return Ok(None);
    };
    // The address to tell: the contact given when it is one, else the account's.
    let to = match Email::parse(&booking.contact) {
        Ok(e) => Some((e, user.map_or(Locale::Pl, |u| u.2))),
        Err(_) => user.map(|u| (u.1.clone(), u.2)),
    };
    if let Some((to, locale)) = to {
        let path = format!("/consultations/{}/duty-hours/{}", c.slug, d.id);
        let n = Notice {
            kind: "booking-made",
            what: &d.plan.expert,
            consultation: &c.plan.title,
            starts: s.starts,
            ends: s.ends,
            place: d
                .plan
                .place
                .as_deref()
                .or(d.plan.phone.as_ref().map(|p| p.as_str())),
            path: &path,
            note: None,
        };
        let key = booking_key(row.id);
        tell(state, tx, &to, locale, &n, Some(("booking-reminder", &key))).await?;
    }
    Ok(None)
}

/// `POST /consultations/{slug}/duty-hours/{id}`: book a slot or cancel one's booking.
pub async fn book(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<BookForm>,
) -> Result<Response, Error> {
    let c = find_public(&state, &slug).await?;
    let d = find_duty(&state, &c, &id).await?;
    let Some(current) = &ctx.user else {
        return Ok(axum::response::Redirect::to(&format!(
            "/login?next=/consultations/{slug}/duty-hours/{id}"
        ))
        .into_response());
    };
    let path = format!("/consultations/{slug}/duty-hours/{id}");
    let tx = miasto_store::begin(state.db()).await?;
    if form.action == "cancel" {
        if let Some(b) = store::booking_of(&tx, d.id, current.user.id).await?
            && let Err((errors, status)) = cancel(&ctx, &tx, &d, &b).await?
        {
            tx.rollback().await?;
            return duty_page(&state, &ctx, &c, &d, form, errors, status).await;
        }
        tx.commit().await?;
        return Ok(redirect_with_flash(&ctx, &path, "flash-booking-cancelled"));
    }
    let now = miasto_store::now();
    let mut errors = FieldErrors::new(ctx.locale);
    let starts = match Uuid::try_parse(form.slot.trim()) {
        Ok(slot) => store::slots(&tx, d.id)
            .await?
            .into_iter()
            .find(|s| s.id == slot)
            .map_or(now, |s| s.starts),
        Err(_) => d.plan.ends,
    };
    if let Err(refusal) = rules::may_sign_up(
        &actor(&ctx),
        c.phase(now),
        &c.organisation.methods,
        Method::DutyHours,
        starts,
        now,
    ) {
        tx.rollback().await?;
        let (errors, status) = refusal_errors(&ctx, refusal);
        return duty_page(&state, &ctx, &c, &d, form, errors, status).await;
    }
    let user = Some((current.user.id, &current.user.email, current.user.locale));
    if let Some(status) = book_slot(&state, &tx, &c, &d, &form, user, None, &mut errors).await? {
        tx.rollback().await?;
        return duty_page(&state, &ctx, &c, &d, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, &path, "flash-booking-made"))
}

// ---------------------------------------------------------------------------------------
// Officials' pages.

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    pub title: String,
    pub format: String,
    pub starts: String,
    pub ends: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub link: String,
    pub agenda: String,
    pub capacity: String,
    pub form_key: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct DutyForm {
    pub expert: String,
    pub mode: String,
    pub starts: String,
    pub ends: String,
    pub place: String,
    pub phone: String,
    pub slot_minutes: String,
    pub form_key: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_meetings.html")]
struct StaffPage {
    page: Page,
    c: ConsultationView,
    meetings: Vec<MeetingView>,
    duty_hours: Vec<DutyView>,
    may_edit: bool,
    /// The plan offers meetings / duty hours.
    offers_meetings: bool,
    offers_duty_hours: bool,
    meeting: MeetingForm,
    duty: DutyForm,
    formats: Vec<SelectOption>,
    modes: Vec<SelectOption>,
    geocoding: bool,
    errors: FieldErrors,
    /// Which form the errors belong to: `meeting` or `duty`.
    failed: String,
}

async fn find_any(state: &AppState, slug: &str) -> Result<Consultation, Error> {
    miasto_store::consultations::get_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "one page's inputs")]
async fn staff_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    meeting: MeetingForm,
    duty: DutyForm,
    errors: FieldErrors,
    failed: &str,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "meetings-staff-title");
    let (meetings, duty_hours) = overview(state, c, &page).await?;
    let phase = c.phase(miasto_store::now());
    let formats = options(
        Format::ALL.iter().map(|f| {
            (
                f.as_str().to_owned(),
                page.t(&format!("meeting-format-{}", f.as_str())),
            )
        }),
        &meeting.format,
    );
    let modes = options(
        Mode::ALL.iter().map(|m| {
            (
                m.as_str().to_owned(),
                page.t(&format!("duty-mode-{}", m.as_str())),
            )
        }),
        &duty.mode,
    );
    let body = StaffPage {
        c: ConsultationView::new(c, &lookup, &page),
        meetings,
        duty_hours,
        may_edit: may(&actor(ctx), Action::EditMeetings, phase).is_ok(),
        offers_meetings: c.organisation.methods.contains(&Method::Meetings),
        offers_duty_hours: c.organisation.methods.contains(&Method::DutyHours),
        meeting,
        duty,
        formats,
        modes,
        geocoding: state.geocoder().is_on(),
        errors,
        failed: failed.to_owned(),
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// `GET /staff/consultations/{slug}/meetings`.
pub async fn staff_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find_any(&state, &slug).await?;
    let errors = FieldErrors::new(ctx.locale);
    staff_page(
        &state,
        &ctx,
        &c,
        MeetingForm {
            format: Format::InPerson.as_str().into(),
            ..MeetingForm::default()
        },
        DutyForm {
            mode: Mode::InPerson.as_str().into(),
            slot_minutes: "30".into(),
            ..DutyForm::default()
        },
        errors,
        "",
        StatusCode::OK,
    )
    .await
}

pub(crate) fn point_of(lat: &str, lon: &str) -> Option<(f64, f64)> {
    let lat: f64 = lat.trim().parse().ok()?;
    let lon: f64 = lon.trim().parse().ok()?;
    miasto_domain::geo::Point::new(lat, lon).ok()?;
    Some((lat, lon))
}

/// Adds what was checked, or re-renders the page with the form as typed.
async fn refuse_edit(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    (meeting, duty): (MeetingForm, DutyForm),
    failed: &str,
) -> Result<Option<Response>, Error> {
    if let Err(refusal) = may(
        &actor(ctx),
        Action::EditMeetings,
        c.phase(miasto_store::now()),
    ) {
        let (errors, status) = refusal_errors(ctx, refusal);
        return Ok(Some(
            staff_page(state, ctx, c, meeting, duty, errors, failed, status).await?,
        ));
    }
    Ok(None)
}

/// What an official adds: a meeting or a duty hour, as typed.
enum Addition {
    Meeting(MeetingForm),
    Duty(DutyForm),
}

impl Addition {
    /// The page's two forms, this one as typed, and which failed.
    fn forms(&self) -> (MeetingForm, DutyForm, &'static str) {
        match self {
            Self::Meeting(f) => (f.clone(), DutyForm::default(), "meeting"),
            Self::Duty(f) => (MeetingForm::default(), f.clone(), "duty"),
        }
    }

    fn form_key(&self) -> (&'static str, &str) {
        match self {
            Self::Meeting(f) => ("consultation-meeting", &f.form_key),
            Self::Duty(f) => ("consultation-duty-hour", &f.form_key),
        }
    }

    /// Checks it and writes it: the audit entry's action and details, or why not (problems
    /// as (field, error), or a refused write).
    async fn write(
        &self,
        tx: &miasto_store::DatabaseTransaction,
        consultation: Uuid,
    ) -> Result<Result<(audit::Action, serde_json::Value), Refused>, Error> {
        let now = miasto_store::now();
        match self {
            Self::Meeting(form) => {
                let raw = RawMeeting {
                    title: &form.title,
                    format: &form.format,
                    starts: parse_local(&form.starts),
                    ends: parse_local(&form.ends),
                    place: &form.address,
                    point: point_of(&form.lat, &form.lon),
                    link: &form.link,
                    agenda: &form.agenda,
                    capacity: &form.capacity,
                };
                let plan = match rules::check_meeting(&raw, now) {
                    Ok(p) => p,
                    Err(problems) => return Ok(Err(Refused::Problems(problems))),
                };
                Ok(match store::add_meeting(tx, consultation, &plan).await {
                    Ok(m) => Ok((
                        audit::Action::ConsultationMeetingAdded,
                        serde_json::json!({ "meeting": m.id.to_string(), "title": plan.title }),
                    )),
                    Err(e) => Err(Refused::Write(e)),
                })
            }
            Self::Duty(form) => {
                let raw = RawDutyHour {
                    expert: &form.expert,
                    mode: &form.mode,
                    starts: parse_local(&form.starts),
                    ends: parse_local(&form.ends),
                    place: &form.place,
                    phone: &form.phone,
                    slot_minutes: &form.slot_minutes,
                };
                let plan = match rules::check_duty_hour(&raw, now) {
                    Ok(p) => p,
                    Err(problems) => return Ok(Err(Refused::Problems(problems))),
                };
                Ok(match store::add_duty_hour(tx, consultation, &plan).await {
                    Ok(d) => Ok((
                        audit::Action::ConsultationDutyHourAdded,
                        serde_json::json!({ "duty_hour": d.id.to_string(), "slots": plan.slots().len() }),
                    )),
                    Err(e) => Err(Refused::Write(e)),
                })
            }
        }
    }
}

/// Why an addition was not written.
enum Refused {
    Problems(Vec<(&'static str, miasto_domain::FieldError)>),
    Write(miasto_store::consultations::ChangeError),
}

/// Adds a meeting or a duty hour (audited), or shows the page again with what was typed and
/// why not.
async fn add(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    addition: Addition,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_any(state, slug).await?;
    let (meeting, duty, failed) = addition.forms();
    if let Some(r) = refuse_edit(state, ctx, &c, (meeting.clone(), duty.clone()), failed).await? {
        return Ok(r);
    }
    let tx = miasto_store::begin(state.db()).await?;
    let path = format!("/staff/consultations/{slug}/meetings");
    let (kind, key) = addition.form_key();
    if !miasto_store::form_keys::claim(&tx, kind, key).await? {
        return Ok(axum::response::Redirect::to(&path).into_response());
    }
    let (action, details) = match addition.write(&tx, c.id).await? {
        Ok(done) => done,
        Err(refused) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::new(ctx.locale);
            let status = match refused {
                Refused::Problems(problems) => {
                    for (field, e) in problems {
                        // The meeting's place is the map picker's address field.
                        let field = if failed == "meeting" && field == "place" {
                            "address"
                        } else {
                            field
                        };
                        errors.add(field, e);
                    }
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                Refused::Write(e) => refused_write(e, &mut errors, FieldErrors::FORM)?,
            };
            return staff_page(state, ctx, &c, meeting, duty, errors, failed, status).await;
        }
    };
    audit::record(
        &tx,
        Some(current),
        action,
        Some(audit::Target::consultation(c.id)),
        details,
    )
    .await?;
    tx.commit().await?;
    let flash = match addition {
        Addition::Meeting(_) => "flash-meeting-added",
        Addition::Duty(_) => "flash-duty-added",
    };
    Ok(redirect_with_flash(ctx, &path, flash))
}

/// `POST /staff/consultations/{slug}/meetings`: adds a meeting.
pub async fn add_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<MeetingForm>,
) -> Result<Response, Error> {
    add(&state, &ctx, &slug, Addition::Meeting(form)).await
}

/// `POST /staff/consultations/{slug}/duty-hours`: adds a duty hour and its slots.
pub async fn add_duty_hour(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<DutyForm>,
) -> Result<Response, Error> {
    add(&state, &ctx, &slug, Addition::Duty(form)).await
}

/// Someone signed up, as the staff page lists them.
pub struct AttendeeView {
    pub email: String,
    pub waiting: bool,
    pub when: String,
}

#[derive(Template)]
#[template(path = "consultations/staff_meeting.html")]
struct StaffMeetingPage {
    page: Page,
    c: ConsultationView,
    m: MeetingView,
    attendees: Vec<AttendeeView>,
    may_minutes: bool,
    minutes: String,
    /// May be called off (not begun, not called off, the plan still editable).
    may_cancel: bool,
    errors: FieldErrors,
}

async fn staff_meeting_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    m: &Meeting,
    minutes: Option<String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, m.plan.title.clone());
    let now = miasto_store::now();
    let attendees = store::attendees(state.db(), m.id)
        .await?
        .into_iter()
        .map(|a| AttendeeView {
            email: a.email,
            waiting: a.registration.waiting,
            when: super::day(a.registration.created_at, page.lang),
        })
        .collect();
    let body = StaffMeetingPage {
        c: ConsultationView::new(c, &lookup, &page),
        m: MeetingView::new(m, &page),
        attendees,
        may_minutes: minutes_rule(ctx, c, m, now).is_ok(),
        minutes: minutes.or_else(|| m.minutes.clone()).unwrap_or_default(),
        may_cancel: m.cancel_reason.is_none()
            && m.plan.starts > now
            && may(&actor(ctx), Action::EditMeetings, c.phase(now)).is_ok(),
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// May the viewer publish this meeting's minutes now (after it, staff of the consultation's
/// unit or officials)?
fn minutes_rule(
    ctx: &Ctx,
    c: &Consultation,
    m: &Meeting,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Refusal> {
    rules::may_publish_minutes(
        &actor(ctx),
        ctx.user.as_ref().and_then(|u| u.user.unit_id),
        c.organisation.unit,
        c.phase(now),
        m.plan.ends,
        now,
    )
}

/// `GET /staff/consultations/{slug}/meetings/{id}`: who comes, and the minutes.
pub async fn staff_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find_any(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let errors = FieldErrors::new(ctx.locale);
    staff_meeting_page(&state, &ctx, &c, &m, None, errors, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MinutesForm {
    pub minutes: String,
}

/// `POST /staff/consultations/{slug}/meetings/{id}`: publishes the minutes, after the
/// meeting.
pub async fn publish_minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<MinutesForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let now = miasto_store::now();
    let typed = Some(form.minutes.clone());
    if let Err(refusal) = minutes_rule(&ctx, &c, &m, now) {
        let (errors, status) = refusal_errors(&ctx, refusal);
        return staff_meeting_page(&state, &ctx, &c, &m, typed, errors, status).await;
    }
    let mut errors = FieldErrors::new(ctx.locale);
    let Some(minutes) = errors.check("minutes", rules::check_minutes(&form.minutes)) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return staff_meeting_page(&state, &ctx, &c, &m, typed, errors, status).await;
    };
    let tx = miasto_store::begin(state.db()).await?;
    if let Err(e) = store::publish_minutes(&tx, m.id, &minutes).await {
        tx.rollback().await?;
        let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
        return staff_meeting_page(&state, &ctx, &c, &m, typed, errors, status).await;
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationMinutesPublished,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "meeting": m.id.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/meetings/{id}"),
        "flash-minutes-published",
    ))
}

#[derive(Template)]
#[template(path = "consultations/staff_duty_hour.html")]
struct StaffDutyPage {
    page: Page,
    c: ConsultationView,
    d: DutyView,
    slots: Vec<SlotView>,
    free: Vec<SelectOption>,
    may_book: bool,
    /// May be called off (not begun, not called off, the plan still editable).
    may_call_off: bool,
    form: BookForm,
    errors: FieldErrors,
}

async fn staff_duty_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    d: &DutyHour,
    form: BookForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::new(ctx, page_title(ctx.locale, d));
    let now = miasto_store::now();
    let slots = store::slots(state.db(), d.id).await?;
    let bookings = store::bookings(state.db(), d.id).await?;
    let views = slot_views(&slots, &bookings);
    let free = options(
        views
            .iter()
            .filter(|s| s.free)
            .map(|s| (s.id.clone(), s.time.clone())),
        &form.slot,
    );
    let body = StaffDutyPage {
        c: ConsultationView::new(c, &lookup, &page),
        d: DutyView::new(d, &slots, &page),
        may_call_off: d.cancel_reason.is_none()
            && d.plan.starts > now
            && may(&actor(ctx), Action::EditMeetings, c.phase(now)).is_ok(),
        may_book: !free.is_empty()
            && d.cancel_reason.is_none()
            && rules::may_book_for(
                &actor(ctx),
                c.phase(now),
                &c.organisation.methods,
                d.plan.ends,
                now,
            )
            .is_ok(),
        slots: views,
        free,
        form,
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// `GET /staff/consultations/{slug}/duty-hours/{id}`: the slots with who booked them.
pub async fn staff_duty_hour(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    ctx.require(Permission::HandleConsultations)?;
    let c = find_any(&state, &slug).await?;
    let d = find_duty(&state, &c, &id).await?;
    let errors = FieldErrors::new(ctx.locale);
    staff_duty_page(
        &state,
        &ctx,
        &c,
        &d,
        BookForm::default(),
        errors,
        StatusCode::OK,
    )
    .await
}

/// Cancels a booking (the resident's own, or by staff) if its slot has not begun, and takes
/// its reminder back; a refusal comes back as the page's errors and status.
async fn cancel(
    ctx: &Ctx,
    tx: &miasto_store::DatabaseTransaction,
    d: &DutyHour,
    b: &store::BookingRow,
) -> Result<Result<(), (FieldErrors, StatusCode)>, Error> {
    let now = miasto_store::now();
    let starts = store::slots(tx, d.id)
        .await?
        .into_iter()
        .find(|s| s.id == b.slot_id)
        .map_or(now, |s| s.starts);
    if let Err(refusal) = rules::may_cancel_booking(starts, now) {
        return Ok(Err(refusal_errors(ctx, refusal)));
    }
    if let Err(e) = store::cancel_booking(tx, b).await {
        let mut errors = FieldErrors::new(ctx.locale);
        let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
        return Ok(Err((errors, status)));
    }
    jobs::withdraw(tx, &booking_key(b.id)).await?;
    Ok(Ok(()))
}

/// `POST /staff/consultations/{slug}/duty-hours/{id}`: book a slot for a resident who
/// telephoned or came in, or cancel a booking (the resident is told when there is an
/// address).
pub async fn staff_book(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<BookForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::HandleConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    let d = find_duty(&state, &c, &id).await?;
    let path = format!("/staff/consultations/{slug}/duty-hours/{id}");
    let tx = miasto_store::begin(state.db()).await?;
    if form.action == "cancel" {
        let Some(b) = (match Uuid::try_parse(form.booking.trim()) {
            Ok(b) => store::booking(&tx, d.id, b).await?,
            Err(_) => None,
        }) else {
            tx.rollback().await?;
            return Err(Error::NotFound);
        };
        if let Err((errors, status)) = cancel(&ctx, &tx, &d, &b).await? {
            tx.rollback().await?;
            return staff_duty_page(&state, &ctx, &c, &d, form, errors, status).await;
        }
        {
            audit::record(
                &tx,
                Some(current),
                audit::Action::ConsultationBookingCancelled,
                Some(audit::Target::consultation(c.id)),
                serde_json::json!({ "duty_hour": d.id.to_string(), "booking": b.id.to_string() }),
            )
            .await?;
            let to = booking_contact(&tx, &b).await?;
            let slot = store::slots(&tx, d.id)
                .await?
                .into_iter()
                .find(|s| s.id == b.slot_id);
            if let (Some((to, locale)), Some(s)) = (to, slot) {
                let public = format!("/consultations/{slug}/duty-hours/{id}");
                let n = Notice {
                    kind: "booking-cancelled",
                    what: &d.plan.expert,
                    consultation: &c.plan.title,
                    starts: s.starts,
                    ends: s.ends,
                    place: None,
                    path: &public,
                    note: None,
                };
                tell(&state, &tx, &to, locale, &n, None).await?;
            }
        }
        tx.commit().await?;
        return Ok(redirect_with_flash(&ctx, &path, "flash-booking-cancelled"));
    }
    let now = miasto_store::now();
    if let Err(refusal) = rules::may_book_for(
        &actor(&ctx),
        c.phase(now),
        &c.organisation.methods,
        d.plan.ends,
        now,
    ) {
        tx.rollback().await?;
        let (errors, status) = refusal_errors(&ctx, refusal);
        return staff_duty_page(&state, &ctx, &c, &d, form, errors, status).await;
    }
    let mut errors = FieldErrors::new(ctx.locale);
    if let Some(status) =
        book_slot(&state, &tx, &c, &d, &form, None, Some(current), &mut errors).await?
    {
        tx.rollback().await?;
        return staff_duty_page(&state, &ctx, &c, &d, form, errors, status).await;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, &path, "flash-booking-made"))
}

#[derive(Template)]
#[template(path = "consultations/staff_meeting_edit.html")]
struct EditMeetingPage {
    page: Page,
    c: ConsultationView,
    id: String,
    title: String,
    form: MeetingForm,
    formats: Vec<SelectOption>,
    geocoding: bool,
    errors: FieldErrors,
}

impl MeetingForm {
    /// A meeting's details as its form shows them (times in Kraków's).
    fn of(m: &Meeting) -> Self {
        let local = |at: DateTime<Utc>| {
            at.with_timezone(&Warsaw)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        Self {
            title: m.plan.title.clone(),
            format: m.plan.format.as_str().to_owned(),
            starts: local(m.plan.starts),
            ends: local(m.plan.ends),
            address: m.plan.place.clone().unwrap_or_default(),
            lat: m.plan.point.map(|p| p.0.to_string()).unwrap_or_default(),
            lon: m.plan.point.map(|p| p.1.to_string()).unwrap_or_default(),
            link: m.plan.link.clone().unwrap_or_default(),
            agenda: m.plan.agenda.clone(),
            capacity: m.plan.capacity.map(|c| c.to_string()).unwrap_or_default(),
            form_key: String::new(),
        }
    }
}

async fn edit_meeting_page(
    state: &AppState,
    ctx: &Ctx,
    c: &Consultation,
    m: &Meeting,
    form: MeetingForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, Error> {
    let lookup = Lookup::load(state).await?;
    let page = Page::titled(ctx, "meetings-edit-title");
    let body = EditMeetingPage {
        c: ConsultationView::new(c, &lookup, &page),
        id: m.id.to_string(),
        title: m.plan.title.clone(),
        formats: options(
            Format::ALL.iter().map(|f| {
                (
                    f.as_str().to_owned(),
                    page.t(&format!("meeting-format-{}", f.as_str())),
                )
            }),
            &form.format,
        ),
        form,
        geocoding: state.geocoder().is_on(),
        errors,
        page,
    };
    Ok((status, render(&body)?).into_response())
}

/// May the meeting's details change now: the plan still open to changes, the meeting neither
/// begun nor called off.
fn may_change(ctx: &Ctx, c: &Consultation, m: &Meeting) -> Result<(), Refusal> {
    let now = miasto_store::now();
    may(&actor(ctx), Action::EditMeetings, c.phase(now))?;
    if m.cancel_reason.is_some() || m.plan.starts <= now {
        return Err(Refusal::Begun);
    }
    Ok(())
}

/// `GET /staff/consultations/{slug}/meetings/{id}/edit`.
pub async fn show_edit_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    ctx.require(Permission::ManageConsultations)?;
    let c = find_any(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let (errors, status) = match may_change(&ctx, &c, &m) {
        Ok(()) => (FieldErrors::new(ctx.locale), StatusCode::OK),
        Err(refusal) => refusal_errors(&ctx, refusal),
    };
    edit_meeting_page(&state, &ctx, &c, &m, MeetingForm::of(&m), errors, status).await
}

/// `POST /staff/consultations/{slug}/meetings/{id}/edit`: changes a meeting before it begins.
/// Everyone signed up is told what it is now (and reminded at the new time); places a larger
/// capacity frees go to the first in line; a capacity below the places taken is refused.
pub async fn edit_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<MeetingForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    if let Err(refusal) = may_change(&ctx, &c, &m) {
        let (errors, status) = refusal_errors(&ctx, refusal);
        return edit_meeting_page(&state, &ctx, &c, &m, form, errors, status).await;
    }
    let raw = RawMeeting {
        title: &form.title,
        format: &form.format,
        starts: parse_local(&form.starts),
        ends: parse_local(&form.ends),
        place: &form.address,
        point: point_of(&form.lat, &form.lon),
        link: &form.link,
        agenda: &form.agenda,
        capacity: &form.capacity,
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let plan = match rules::check_meeting(&raw, miasto_store::now()) {
        Ok(p) => p,
        Err(problems) => {
            for (field, e) in problems {
                errors.add(if field == "place" { "address" } else { field }, e);
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_meeting_page(&state, &ctx, &c, &m, form, errors, status).await;
        }
    };
    let tx = miasto_store::begin(state.db()).await?;
    let changed = match store::change_meeting(&tx, m.id, &plan).await {
        Ok(changed) => changed,
        Err(miasto_store::consultations::ChangeError::Refused(Refusal::Taken)) => {
            tx.rollback().await?;
            errors.add_args(
                "capacity",
                "meetings-capacity-below-taken",
                vec![("n", m.taken.to_string())],
            );
            let status = StatusCode::CONFLICT;
            return edit_meeting_page(&state, &ctx, &c, &m, form, errors, status).await;
        }
        Err(e) => {
            tx.rollback().await?;
            let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
            return edit_meeting_page(&state, &ctx, &c, &m, form, errors, status).await;
        }
    };
    let path = format!("/consultations/{slug}/meetings/{id}");
    for r in &changed.registrations {
        let key = registration_key(r);
        jobs::withdraw(&tx, &key).await?;
        if let Some((email, locale)) = store::contact_of(&tx, r.user).await?
            && let Ok(to) = Email::parse(&email)
        {
            let promoted = changed.promoted.contains(&r.id);
            let n = Notice {
                kind: if promoted {
                    "meeting-promoted"
                } else {
                    "meeting-changed"
                },
                what: &plan.title,
                consultation: &c.plan.title,
                starts: plan.starts,
                ends: plan.ends,
                place: plan.place.as_deref(),
                path: &path,
                note: None,
            };
            let waiting = r.waiting && !promoted;
            let reminder = (!waiting).then_some(("meeting-reminder", key.as_str()));
            tell(&state, &tx, &to, locale, &n, reminder).await?;
        }
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationChanged,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({
            "meeting": m.id.to_string(),
            "told": changed.registrations.len(),
            "promoted": changed.promoted.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/meetings/{id}"),
        "flash-meeting-changed",
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallOffForm {
    pub reason: String,
}

/// `POST /staff/consultations/{slug}/duty-hours/{id}/cancel`: calls a duty hour off before it
/// begins, with the reason residents see; every booking is cancelled, those who booked told
/// why (when there is an address) and their reminders taken back.
pub async fn cancel_duty_hour(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<CallOffForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    let d = find_duty(&state, &c, &id).await?;
    let page_again =
        |errors, status| staff_duty_page(&state, &ctx, &c, &d, BookForm::default(), errors, status);
    let reason = match call_off_reason(&ctx, &c, &form) {
        Ok(reason) => reason,
        Err((errors, status)) => return page_again(errors, status).await,
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let tx = miasto_store::begin(state.db()).await?;
    let slots = store::slots(&tx, d.id).await?;
    let bookings = match store::cancel_duty_hour(&tx, d.id, &reason).await {
        Ok(b) => b,
        Err(e) => {
            tx.rollback().await?;
            let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
            return page_again(errors, status).await;
        }
    };
    let path = format!("/consultations/{slug}/duty-hours/{id}");
    for b in &bookings {
        jobs::withdraw(&tx, &booking_key(b.id)).await?;
        let to = booking_contact(&tx, b).await?;
        let slot = slots.iter().find(|s| s.id == b.slot_id);
        if let (Some((to, locale)), Some(s)) = (to, slot) {
            let n = Notice {
                kind: "booking-cancelled",
                what: &d.plan.expert,
                consultation: &c.plan.title,
                starts: s.starts,
                ends: s.ends,
                place: d.plan.place.as_deref(),
                path: &path,
                note: Some(&reason),
            };
            tell(&state, &tx, &to, locale, &n, None).await?;
        }
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationMeetingCancelled,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "duty_hour": d.id.to_string(), "reason": reason, "told": bookings.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/duty-hours/{id}"),
        "flash-duty-called-off",
    ))
}

/// `POST /staff/consultations/{slug}/meetings/{id}/cancel`: calls a meeting off before it
/// begins, with the reason residents see; everyone signed up is told and their reminders are
/// taken back.
pub async fn cancel_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, String)>,
    Form(form): Form<CallOffForm>,
) -> Result<Response, Error> {
    let current = ctx.require(Permission::ManageConsultations)?.user.id;
    let c = find_any(&state, &slug).await?;
    let m = find_meeting(&state, &c, &id).await?;
    let reason = match call_off_reason(&ctx, &c, &form) {
        Ok(reason) => reason,
        Err((errors, status)) => {
            return staff_meeting_page(&state, &ctx, &c, &m, None, errors, status).await;
        }
    };
    let mut errors = FieldErrors::new(ctx.locale);
    let tx = miasto_store::begin(state.db()).await?;
    let registrations = match store::cancel_meeting(&tx, m.id, &reason).await {
        Ok(r) => r,
        Err(e) => {
            tx.rollback().await?;
            let status = refused_write(e, &mut errors, FieldErrors::FORM)?;
            return staff_meeting_page(&state, &ctx, &c, &m, None, errors, status).await;
        }
    };
    let path = format!("/consultations/{slug}/meetings/{id}");
    for r in &registrations {
        jobs::withdraw(&tx, &registration_key(r)).await?;
        if let Some((email, locale)) = store::contact_of(&tx, r.user).await?
            && let Ok(to) = Email::parse(&email)
        {
            let n = Notice {
                kind: "meeting-cancelled",
                what: &m.plan.title,
                consultation: &c.plan.title,
                starts: m.plan.starts,
                ends: m.plan.ends,
                place: m.plan.place.as_deref(),
                path: &path,
                note: Some(&reason),
            };
            tell(&state, &tx, &to, locale, &n, None).await?;
        }
    }
    audit::record(
        &tx,
        Some(current),
        audit::Action::ConsultationMeetingCancelled,
        Some(audit::Target::consultation(c.id)),
        serde_json::json!({ "meeting": m.id.to_string(), "reason": reason, "told": registrations.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        &ctx,
        &format!("/staff/consultations/{slug}/meetings/{id}"),
        "flash-meeting-called-off",
    ))
}
