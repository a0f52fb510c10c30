//! Meetings and duty hours as stored. A meeting counts the places taken on its own row and
//! takes one with a conditional increment (`taken < capacity`), so two sign-ups at once
//! never overfill it; whoever finds it full waits in line, and a cancellation hands the place
//! to the first in line in the same transaction. A duty hour is cut into slots; a slot
//! points at its booking, written only while it is empty. One active registration per
//! account per meeting and one active booking per account per duty hour are unique indexes
//! over a `holder` column that is the account while active and NULL once cancelled.
//! Reminders are jobs scheduled under a key and taken back on cancellation.

use super::{ChangeError, guard};
use crate::entities::{
    consultation_bookings, consultation_duty_hours, consultation_meetings,
    consultation_registrations, consultation_slots, consultations, users,
};
use crate::{Result, StoreError, now};
use chrono::{DateTime, Utc};
use miasto_domain::consultations::Refusal;
use miasto_domain::consultations::meetings::{Booking, DutyHourPlan, Format, MeetingPlan, Mode};
use miasto_domain::reports::Phone;
use miasto_domain::{Locale, UserId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use uuid::Uuid;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub plan: MeetingPlan,
    /// Places taken (registrations not waiting).
    pub taken: u32,
    pub minutes: Option<String>,
    pub minutes_at: Option<DateTime<Utc>>,
    /// Called off, with the reason residents see.
    pub cancel_reason: Option<String>,
}

fn corrupt(table: &'static str, id: Uuid, what: &str) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: format!("{id}: {what}"),
    }
}

fn meeting_from(m: consultation_meetings::Model) -> Result<Meeting> {
    let format =
        Format::parse(&m.format).ok_or_else(|| corrupt("consultation_meetings", m.id, "format"))?;
    Ok(Meeting {
        id: m.id,
        consultation_id: m.consultation_id,
        plan: MeetingPlan {
            title: m.title,
            format,
            starts: m.starts_at,
            ends: m.ends_at,
            place: m.place,
            point: m.lat.zip(m.lon),
            link: m.link,
            agenda: m.agenda,
            capacity: m.capacity.map(|c| u32::try_from(c).unwrap_or(0)),
        },
        taken: u32::try_from(m.taken).unwrap_or(0),
        minutes: m.minutes,
        minutes_at: m.minutes_at,
        cancel_reason: m.cancelled_at.and(m.cancel_reason),
    })
}

/// Meetings and duty hours are added while the consultation has not closed (nor been called
/// off or reported).
async fn still_running(c: &impl ConnectionTrait, consultation: Uuid) -> Result<(), ChangeError> {
    use consultations::Column as C;
    guard(
        c,
        consultation,
        Condition::all()
            .add(C::CancelledAt.is_null())
            .add(C::ReportedAt.is_null())
            .add(C::ClosesAt.gt(now())),
    )
    .await
}

/// Adds a meeting to a consultation that is still running.
pub async fn add_meeting(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    plan: &MeetingPlan,
) -> std::result::Result<Meeting, ChangeError> {
    still_running(c, consultation).await?;
    let row = consultation_meetings::ActiveModel {
        id: Set(Uuid::now_v7()),
        consultation_id: Set(consultation),
        title: Set(plan.title.clone()),
        format: Set(plan.format.as_str().to_owned()),
        starts_at: Set(plan.starts),
        ends_at: Set(plan.ends),
        place: Set(plan.place.clone()),
        lat: Set(plan.point.map(|p| p.0)),
        lon: Set(plan.point.map(|p| p.1)),
        link: Set(plan.link.clone()),
        agenda: Set(plan.agenda.clone()),
        capacity: Set(plan.capacity.map(|c| c as i32)),
        taken: Set(0),
        minutes: Set(None),
        minutes_at: Set(None),
        created_at: Set(now()),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
    };
    let inserted = consultation_meetings::Entity::insert(row)
        .exec_with_returning(c)
        .await?;
    Ok(meeting_from(inserted)?)
}

/// A consultation's meetings, earliest first.
pub async fn meetings(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Vec<Meeting>> {
    use consultation_meetings::Column as M;
    consultation_meetings::Entity::find()
        .filter(M::ConsultationId.eq(consultation))
        .order_by_asc(M::StartsAt)
        .order_by_asc(M::Id)
        .all(c)
        .await?
        .into_iter()
        .map(meeting_from)
        .collect()
}

/// One meeting of a consultation.
pub async fn meeting(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
) -> Result<Option<Meeting>> {
    consultation_meetings::Entity::find_by_id(id)
        .filter(consultation_meetings::Column::ConsultationId.eq(consultation))
        .one(c)
        .await?
        .map(meeting_from)
        .transpose()
}

/// Publishes (or corrects) a meeting's minutes, once it has ended.
pub async fn publish_minutes(
    c: &impl ConnectionTrait,
    meeting: Uuid,
    minutes: &str,
) -> std::result::Result<(), ChangeError> {
    use consultation_meetings::Column as M;
    let at = now();
    let done = consultation_meetings::Entity::update_many()
        .col_expr(M::Minutes, Some(minutes.to_owned()).into())
        .col_expr(M::MinutesAt, Some(at).into())
        .filter(M::Id.eq(meeting))
        .filter(M::EndsAt.lte(at))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Refused(Refusal::NotYet));
    }
    Ok(())
}

/// Calls a meeting off before it begins (once), with the reason; returns the registrations
/// that were active (to tell them and take their reminders back).
pub async fn cancel_meeting(
    c: &impl ConnectionTrait,
    meeting: Uuid,
    reason: &str,
) -> std::result::Result<Vec<Registration>, ChangeError> {
    use consultation_meetings::Column as M;
    let at = now();
    let done = consultation_meetings::Entity::update_many()
        .col_expr(M::CancelledAt, Some(at).into())
        .col_expr(M::CancelReason, Some(reason.to_owned()).into())
        .filter(M::Id.eq(meeting))
        .filter(M::CancelledAt.is_null())
        .filter(M::StartsAt.gt(at))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Refused(Refusal::Begun));
    }
    use consultation_registrations::Column as R;
    Ok(consultation_registrations::Entity::find()
        .filter(R::MeetingId.eq(meeting))
        .filter(R::Holder.is_not_null())
        .all(c)
        .await?
        .into_iter()
        .map(registration_from)
        .collect())
}

/// The first still waiting for a place at a meeting.
async fn first_waiting(
    c: &impl ConnectionTrait,
    meeting: Uuid,
) -> Result<Option<consultation_registrations::Model>> {
    use consultation_registrations::Column as R;
    Ok(consultation_registrations::Entity::find()
        .filter(R::MeetingId.eq(meeting))
        .filter(R::Holder.is_not_null())
        .filter(R::Waiting.eq(true))
        .order_by_asc(R::CreatedAt)
        .order_by_asc(R::Id)
        .one(c)
        .await?)
}

/// What changing a meeting did: the active registrations (to tell of the change) and those
/// moved from the waiting list into places a larger capacity freed.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingChanged {
    pub registrations: Vec<Registration>,
    pub promoted: Vec<Uuid>,
}

/// Changes a meeting that has neither begun nor been called off. A capacity below the places
/// already taken is refused (`Refusal::Taken`); a larger one moves the first in line into the
/// places it frees, in the same transaction.
pub async fn change_meeting(
    c: &impl ConnectionTrait,
    meeting: Uuid,
    plan: &MeetingPlan,
) -> std::result::Result<MeetingChanged, ChangeError> {
    use consultation_meetings::Column as M;
    let at = now();
    let mut update = consultation_meetings::Entity::update_many()
        .col_expr(M::Title, plan.title.clone().into())
        .col_expr(M::Format, plan.format.as_str().into())
        .col_expr(M::StartsAt, plan.starts.into())
        .col_expr(M::EndsAt, plan.ends.into())
        .col_expr(M::Place, plan.place.clone().into())
        .col_expr(M::Lat, plan.point.map(|p| p.0).into())
        .col_expr(M::Lon, plan.point.map(|p| p.1).into())
        .col_expr(M::Link, plan.link.clone().into())
        .col_expr(M::Agenda, plan.agenda.clone().into())
        .col_expr(M::Capacity, plan.capacity.map(|c| c as i32).into())
        .filter(M::Id.eq(meeting))
        .filter(M::CancelledAt.is_null())
        .filter(M::StartsAt.gt(at));
    if let Some(capacity) = plan.capacity {
        update = update.filter(M::Taken.lte(capacity as i32));
    }
    if update.exec(c).await?.rows_affected == 0 {
        let row = consultation_meetings::Entity::find_by_id(meeting)
            .one(c)
            .await?;
        return Err(match row {
            None => ChangeError::Stale,
            Some(m) if m.cancelled_at.is_some() || m.starts_at <= at => {
                ChangeError::Refused(Refusal::Begun)
            }
            Some(_) => ChangeError::Refused(Refusal::Taken),
        });
    }
    // Places a larger capacity freed go to the first in line.
    use consultation_registrations::Column as R;
    let mut promoted = Vec::new();
    loop {
        let Some(next) = first_waiting(c, meeting).await? else {
            break;
        };
        if !take_place(c, meeting).await? {
            break;
        }
        if set_waiting(c, next.id, false).await? == 1 {
            promoted.push(next.id);
        } else {
            // Promoted meanwhile by a cancellation: the place goes back.
            consultation_meetings::Entity::update_many()
                .col_expr(M::Taken, Expr::col(M::Taken).sub(1))
                .filter(M::Id.eq(meeting))
                .exec(c)
                .await?;
        }
    }
    let registrations = consultation_registrations::Entity::find()
        .filter(R::MeetingId.eq(meeting))
        .filter(R::Holder.is_not_null())
        .order_by_asc(R::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(registration_from)
        .collect();
    Ok(MeetingChanged {
        registrations,
        promoted,
    })
}

/// A registration for a meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub user: UserId,
    /// On the waiting list rather than holding a place.
    pub waiting: bool,
    pub created_at: DateTime<Utc>,
}

fn registration_from(r: consultation_registrations::Model) -> Registration {
    Registration {
        id: r.id,
        meeting_id: r.meeting_id,
        user: UserId(r.user_id),
        waiting: r.waiting,
        created_at: r.created_at,
    }
}

/// Takes a place at a meeting that has not begun, if one is free: the conditional increment.
async fn take_place(c: &impl ConnectionTrait, meeting: Uuid) -> Result<bool> {
    use consultation_meetings::Column as M;
    let done = consultation_meetings::Entity::update_many()
        .col_expr(M::Taken, Expr::col(M::Taken).add(1))
        .filter(M::Id.eq(meeting))
        .filter(M::StartsAt.gt(now()))
        .filter(
            Condition::any()
                .add(M::Capacity.is_null())
                .add(Expr::col(M::Taken).lt(Expr::col(M::Capacity))),
        )
        .exec(c)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Signs `user` up for a meeting that has not begun: a place if one is free, else a place in
/// line. A second active registration of the account is refused (`SignedUp`).
pub async fn register(
    c: &impl ConnectionTrait,
    meeting: &Meeting,
    user: UserId,
) -> std::result::Result<Registration, ChangeError> {
    still_running(c, meeting.consultation_id).await?;
    use consultation_meetings::Column as M;
    // The meeting must not have begun: a conditional no-op write, so the check holds at
    // commit.
    let open = consultation_meetings::Entity::update_many()
        .col_expr(M::Taken, Expr::col(M::Taken))
        .filter(M::Id.eq(meeting.id))
        .filter(M::StartsAt.gt(now()))
        .filter(M::CancelledAt.is_null())
        .exec(c)
        .await?;
    if open.rows_affected == 0 {
        return Err(ChangeError::Refused(if meeting.cancel_reason.is_some() {
            Refusal::Phase
        } else {
            Refusal::Begun
        }));
    }
    let id = Uuid::now_v7();
    let row = consultation_registrations::ActiveModel {
        id: Set(id),
        meeting_id: Set(meeting.id),
        user_id: Set(user.0),
        holder: Set(Some(user.0)),
        waiting: Set(true),
        created_at: Set(now()),
        cancelled_at: Set(None),
    };
    let inserted = match consultation_registrations::Entity::insert(row)
        .exec_with_returning(c)
        .await
    {
        Ok(r) => r,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(ChangeError::Refused(Refusal::SignedUp));
        }
        Err(e) => return Err(e.into()),
    };
    let mut registration = registration_from(inserted);
    if take_place(c, meeting.id).await? {
        set_waiting(c, id, false).await?;
        registration.waiting = false;
    }
    Ok(registration)
}

async fn set_waiting(c: &impl ConnectionTrait, id: Uuid, waiting: bool) -> Result<u64> {
    use consultation_registrations::Column as R;
    Ok(consultation_registrations::Entity::update_many()
        .col_expr(R::Waiting, waiting.into())
        .filter(R::Id.eq(id))
        .filter(R::Waiting.eq(!waiting))
        .filter(R::Holder.is_not_null())
        .exec(c)
        .await?
        .rows_affected)
}

/// The account's active registration for a meeting, if any.
pub async fn registration_of(
    c: &impl ConnectionTrait,
    meeting: Uuid,
    user: UserId,
) -> Result<Option<Registration>> {
    use consultation_registrations::Column as R;
    Ok(consultation_registrations::Entity::find()
        .filter(R::MeetingId.eq(meeting))
        .filter(R::Holder.eq(user.0))
        .one(c)
        .await?
        .map(registration_from))
}

/// Where a waiting registration stands in line (1: next).
pub async fn position(c: &impl ConnectionTrait, r: &Registration) -> Result<u64> {
    use consultation_registrations::Column as R;
    let ahead = consultation_registrations::Entity::find()
        .filter(R::MeetingId.eq(r.meeting_id))
        .filter(R::Holder.is_not_null())
        .filter(R::Waiting.eq(true))
        .filter(
            Condition::any().add(R::CreatedAt.lt(r.created_at)).add(
                Condition::all()
                    .add(R::CreatedAt.eq(r.created_at))
                    .add(R::Id.lt(r.id)),
            ),
        )
        .count(c)
        .await?;
    Ok(ahead + 1)
}

/// Cancels a registration. A place it held goes to the first in line, whose registration is
/// returned (to tell them); with nobody waiting the place is free again.
pub async fn cancel_registration(
    c: &impl ConnectionTrait,
    r: &Registration,
) -> std::result::Result<Option<Registration>, ChangeError> {
    use consultation_registrations::Column as R;
    let done = consultation_registrations::Entity::update_many()
        .col_expr(R::Holder, Option::<Uuid>::None.into())
        .col_expr(R::CancelledAt, Some(now()).into())
        .filter(R::Id.eq(r.id))
        .filter(R::Holder.is_not_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Stale);
    }
    // Whether it held a place is read again: it may have been promoted since the page.
    let held = consultation_registrations::Entity::find_by_id(r.id)
        .one(c)
        .await?
        .is_some_and(|row| !row.waiting);
    if !held {
        return Ok(None);
    }
    // Hand the place on. Under PostgreSQL's read committed another cancellation may promote
    // the same person first: then the next in line is tried.
    for _ in 0..8 {
        let Some(next) = first_waiting(c, r.meeting_id).await? else {
            break;
        };
        if set_waiting(c, next.id, false).await? == 1 {
            let mut promoted = registration_from(next);
            promoted.waiting = false;
            return Ok(Some(promoted));
        }
    }
    use consultation_meetings::Column as M;
    consultation_meetings::Entity::update_many()
        .col_expr(M::Taken, Expr::col(M::Taken).sub(1))
        .filter(M::Id.eq(r.meeting_id))
        .filter(M::Taken.gt(0))
        .exec(c)
        .await?;
    Ok(None)
}

/// Someone signed up, as staff see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendee {
    pub registration: Registration,
    pub email: String,
}

/// A meeting's active registrations: places in the order taken, then the line.
pub async fn attendees(c: &impl ConnectionTrait, meeting: Uuid) -> Result<Vec<Attendee>> {
    use consultation_registrations::Column as R;
    let rows = consultation_registrations::Entity::find()
        .filter(R::MeetingId.eq(meeting))
        .filter(R::Holder.is_not_null())
        .order_by_asc(R::Waiting)
        .order_by_asc(R::CreatedAt)
        .order_by_asc(R::Id)
        .all(c)
        .await?;
    let emails = contacts(c, rows.iter().map(|r| r.user_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| Attendee {
            email: emails
                .iter()
                .find(|(id, ..)| *id == r.user_id)
                .map(|(_, e, _)| e.clone())
                .unwrap_or_default(),
            registration: registration_from(r),
        })
        .collect())
}

async fn contacts(c: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<Vec<(Uuid, String, Locale)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::Entity::find()
        .select_only()
        .columns([
            users::Column::Id,
            users::Column::Email,
            users::Column::Locale,
        ])
        .filter(users::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String, String)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, email, locale)| (id, email, Locale::parse(&locale).unwrap_or_default()))
        .collect())
}

/// An account's e-mail address and language (for a confirmation or a reminder).
pub async fn contact_of(
    c: &impl ConnectionTrait,
    user: UserId,
) -> Result<Option<(String, Locale)>> {
    Ok(contacts(c, vec![user.0])
        .await?
        .pop()
        .map(|(_, e, l)| (e, l)))
}

/// A duty hour as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyHour {
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub plan: DutyHourPlan,
    /// Why it was called off, if it was.
    pub cancel_reason: Option<String>,
}

fn duty_hour_from(m: consultation_duty_hours::Model) -> Result<DutyHour> {
    let bad = |what: &str| corrupt("consultation_duty_hours", m.id, what);
    Ok(DutyHour {
        id: m.id,
        consultation_id: m.consultation_id,
        plan: DutyHourPlan {
            expert: m.expert.clone(),
            mode: Mode::parse(&m.mode).ok_or_else(|| bad("mode"))?,
            starts: m.starts_at,
            ends: m.ends_at,
            place: m.place.clone(),
            phone: m
                .phone
                .as_deref()
                .map(Phone::parse)
                .transpose()
                .map_err(|_| bad("phone"))?,
            slot_minutes: i64::from(m.slot_minutes),
        },
        cancel_reason: m.cancelled_at.and(m.cancel_reason.clone()),
    })
}

/// Adds a duty hour and its slots to a consultation that is still running.
pub async fn add_duty_hour(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    plan: &DutyHourPlan,
) -> std::result::Result<DutyHour, ChangeError> {
    still_running(c, consultation).await?;
    let id = Uuid::now_v7();
    let row = consultation_duty_hours::ActiveModel {
        id: Set(id),
        consultation_id: Set(consultation),
        expert: Set(plan.expert.clone()),
        mode: Set(plan.mode.as_str().to_owned()),
        place: Set(plan.place.clone()),
        phone: Set(plan.phone.as_ref().map(|p| p.as_str().to_owned())),
        starts_at: Set(plan.starts),
        ends_at: Set(plan.ends),
        slot_minutes: Set(plan.slot_minutes as i32),
        created_at: Set(now()),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
    };
    let inserted = consultation_duty_hours::Entity::insert(row)
        .exec_with_returning(c)
        .await?;
    let slots: Vec<_> = plan
        .slots()
        .into_iter()
        .map(|(starts, ends)| consultation_slots::ActiveModel {
            id: Set(Uuid::now_v7()),
            duty_hour_id: Set(id),
            starts_at: Set(starts),
            ends_at: Set(ends),
            booking_id: Set(None),
        })
        .collect();
    if !slots.is_empty() {
        consultation_slots::Entity::insert_many(slots)
            .exec_without_returning(c)
            .await?;
    }
    Ok(duty_hour_from(inserted)?)
}

/// A consultation's duty hours, earliest first.
pub async fn duty_hours(c: &impl ConnectionTrait, consultation: Uuid) -> Result<Vec<DutyHour>> {
    use consultation_duty_hours::Column as D;
    consultation_duty_hours::Entity::find()
        .filter(D::ConsultationId.eq(consultation))
        .order_by_asc(D::StartsAt)
        .order_by_asc(D::Id)
        .all(c)
        .await?
        .into_iter()
        .map(duty_hour_from)
        .collect()
}

/// One duty hour of a consultation.
pub async fn duty_hour(
    c: &impl ConnectionTrait,
    consultation: Uuid,
    id: Uuid,
) -> Result<Option<DutyHour>> {
    consultation_duty_hours::Entity::find_by_id(id)
        .filter(consultation_duty_hours::Column::ConsultationId.eq(consultation))
        .one(c)
        .await?
        .map(duty_hour_from)
        .transpose()
}

/// A slot of a duty hour.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: Uuid,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub booking: Option<Uuid>,
}

/// A duty hour's slots in order.
pub async fn slots(c: &impl ConnectionTrait, duty_hour: Uuid) -> Result<Vec<Slot>> {
    use consultation_slots::Column as S;
    Ok(consultation_slots::Entity::find()
        .filter(S::DutyHourId.eq(duty_hour))
        .order_by_asc(S::StartsAt)
        .all(c)
        .await?
        .into_iter()
        .map(|s| Slot {
            id: s.id,
            starts: s.starts_at,
            ends: s.ends_at,
            booking: s.booking_id,
        })
        .collect())
}

/// A booking of a slot.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingRow {
    pub id: Uuid,
    pub slot_id: Uuid,
    pub duty_hour_id: Uuid,
    /// The resident's account (none when staff booked for a caller without one).
    pub user: Option<UserId>,
    pub booking: Booking,
    /// The staff member who booked it for the resident.
    pub booked_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

fn booking_from(b: consultation_bookings::Model) -> BookingRow {
    BookingRow {
        id: b.id,
        slot_id: b.slot_id,
        duty_hour_id: b.duty_hour_id,
        user: b.user_id.map(UserId),
        booking: Booking {
            name: b.name,
            contact: b.contact,
            topic: b.topic,
        },
        booked_by: b.booked_by.map(UserId),
        created_at: b.created_at,
        cancelled_at: b.cancelled_at,
    }
}

/// Books `slot` of a duty hour for `user` (or, booked by staff, for a caller without an
/// account): refused when the account already holds a slot of this duty hour (`SignedUp`)
/// or someone booked the slot first or it has begun (`Taken`).
pub async fn book(
    c: &impl ConnectionTrait,
    duty_hour: &DutyHour,
    slot: Uuid,
    user: Option<UserId>,
    booking: &Booking,
    booked_by: Option<UserId>,
) -> std::result::Result<BookingRow, ChangeError> {
    let id = Uuid::now_v7();
    let row = consultation_bookings::ActiveModel {
        id: Set(id),
        slot_id: Set(slot),
        duty_hour_id: Set(duty_hour.id),
        user_id: Set(user.map(|u| u.0)),
        holder: Set(user.map(|u| u.0)),
        name: Set(booking.name.clone()),
        contact: Set(booking.contact.clone()),
        topic: Set(booking.topic.clone()),
        booked_by: Set(booked_by.map(|u| u.0)),
        created_at: Set(now()),
        cancelled_at: Set(None),
    };
    still_running(c, duty_hour.consultation_id).await?;
    // The duty hour must not be called off: a conditional no-op write on its row, so a
    // call-off and a booking at once come one after the other.
    use consultation_duty_hours::Column as D;
    let on = consultation_duty_hours::Entity::update_many()
        .col_expr(D::SlotMinutes, Expr::col(D::SlotMinutes))
        .filter(D::Id.eq(duty_hour.id))
        .filter(D::CancelledAt.is_null())
        .exec(c)
        .await?;
    if on.rows_affected == 0 {
        return Err(ChangeError::Refused(Refusal::Phase));
    }
    // The slot first: a slot of another duty hour, or one taken or begun, is refused
    // before anything is written.
    use consultation_slots::Column as S;
    let done = consultation_slots::Entity::update_many()
        .col_expr(S::BookingId, Some(id).into())
        .filter(S::Id.eq(slot))
        .filter(S::DutyHourId.eq(duty_hour.id))
        .filter(S::BookingId.is_null())
        .filter(S::StartsAt.gt(now()))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Refused(Refusal::Taken));
    }
    match consultation_bookings::Entity::insert(row)
        .exec_with_returning(c)
        .await
    {
        Ok(r) => Ok(booking_from(r)),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(ChangeError::Refused(Refusal::SignedUp))
        }
        Err(e) => Err(e.into()),
    }
}

/// Calls a duty hour off before it begins, with the reason residents see. Its active
/// bookings are cancelled in the same transaction and returned (to tell them); a booking made
/// at the same moment either lands first (and is cancelled here) or is refused.
pub async fn cancel_duty_hour(
    c: &impl ConnectionTrait,
    duty_hour: Uuid,
    reason: &str,
) -> std::result::Result<Vec<BookingRow>, ChangeError> {
    use consultation_duty_hours::Column as D;
    let at = now();
    let done = consultation_duty_hours::Entity::update_many()
        .col_expr(D::CancelledAt, Some(at).into())
        .col_expr(D::CancelReason, Some(reason.to_owned()).into())
        .filter(D::Id.eq(duty_hour))
        .filter(D::CancelledAt.is_null())
        .filter(D::StartsAt.gt(at))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(ChangeError::Refused(Refusal::Begun));
    }
    use consultation_slots::Column as S;
    consultation_slots::Entity::update_many()
        .col_expr(S::BookingId, Option::<Uuid>::None.into())
        .filter(S::DutyHourId.eq(duty_hour))
        .exec(c)
        .await?;
    let active = bookings(c, duty_hour).await?;
    use consultation_bookings::Column as B;
    consultation_bookings::Entity::update_many()
        .col_expr(B::Holder, Option::<Uuid>::None.into())
        .col_expr(B::CancelledAt, Some(at).into())
        .filter(B::DutyHourId.eq(duty_hour))
        .filter(B::CancelledAt.is_null())
        .exec(c)
        .await?;
    Ok(active)
}

/// The account's active booking in a duty hour, if any.
pub async fn booking_of(
    c: &impl ConnectionTrait,
    duty_hour: Uuid,
    user: UserId,
) -> Result<Option<BookingRow>> {
    use consultation_bookings::Column as B;
    Ok(consultation_bookings::Entity::find()
        .filter(B::DutyHourId.eq(duty_hour))
        .filter(B::Holder.eq(user.0))
        .filter(B::CancelledAt.is_null())
        .one(c)
        .await?
        .map(booking_from))
}

/// One booking of a duty hour.
pub async fn booking(
    c: &impl ConnectionTrait,
    duty_hour: Uuid,
    id: Uuid,
) -> Result<Option<BookingRow>> {
    Ok(consultation_bookings::Entity::find_by_id(id)
        .filter(consultation_bookings::Column::DutyHourId.eq(duty_hour))
        .one(c)
        .await?
        .map(booking_from))
}

/// Cancels a booking (once) and frees its slot.
pub async fn cancel_booking(
    c: &impl ConnectionTrait,
    b: &BookingRow,
) -> std::result::Result<(), ChangeError> {
    use consultation_bookings::Column as B;
    use consultation_slots::Column as S;
    let at = now();
    // Only before the slot begins (`meetings::may_cancel_booking`): afterwards the booking is
    // the record of who came.
    let ahead = sea_orm::sea_query::Query::select()
        .column(S::Id)
        .from(consultation_slots::Entity)
        .and_where(S::Id.eq(b.slot_id))
        .and_where(S::StartsAt.gt(at))
        .to_owned();
    let done = consultation_bookings::Entity::update_many()
        .col_expr(B::Holder, Option::<Uuid>::None.into())
        .col_expr(B::CancelledAt, Some(at).into())
        .filter(B::Id.eq(b.id))
        .filter(B::CancelledAt.is_null())
        .filter(B::SlotId.in_subquery(ahead))
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        let begun = consultation_slots::Entity::find_by_id(b.slot_id)
            .one(c)
            .await?
            .is_none_or(|s| s.starts_at <= at);
        return Err(if begun {
            ChangeError::Refused(Refusal::Begun)
        } else {
            ChangeError::Stale
        });
    }
    consultation_slots::Entity::update_many()
        .col_expr(S::BookingId, Option::<Uuid>::None.into())
        .filter(S::Id.eq(b.slot_id))
        .filter(S::BookingId.eq(b.id))
        .exec(c)
        .await?;
    Ok(())
}

/// A duty hour's active bookings, by slot.
pub async fn bookings(c: &impl ConnectionTrait, duty_hour: Uuid) -> Result<Vec<BookingRow>> {
    use consultation_bookings::Column as B;
    Ok(consultation_bookings::Entity::find()
        .filter(B::DutyHourId.eq(duty_hour))
        .filter(B::CancelledAt.is_null())
        .order_by_asc(B::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(booking_from)
        .collect())
}

/// Something an account signed up for, for "My city".
#[derive(Debug, Clone, PartialEq)]
pub struct SignUp {
    pub slug: String,
    pub consultation: String,
    /// The meeting's title or the expert's name.
    pub what: String,
    /// The page to see or cancel it on.
    pub path: String,
    pub starts: DateTime<Utc>,
    pub waiting: bool,
}

/// An account's coming meetings and duty-hour bookings, soonest first.
pub async fn sign_ups_of(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<SignUp>> {
    use consultation_bookings::Column as B;
    use consultation_registrations::Column as R;
    let at = now();
    let registrations = consultation_registrations::Entity::find()
        .filter(R::Holder.eq(user.0))
        .all(c)
        .await?;
    let meetings = if registrations.is_empty() {
        Vec::new()
    } else {
        consultation_meetings::Entity::find()
            .filter(
                consultation_meetings::Column::Id.is_in(registrations.iter().map(|r| r.meeting_id)),
            )
            .filter(consultation_meetings::Column::EndsAt.gt(at))
            .filter(consultation_meetings::Column::CancelledAt.is_null())
            .all(c)
            .await?
    };
    let bookings = consultation_bookings::Entity::find()
        .filter(B::Holder.eq(user.0))
        .filter(B::CancelledAt.is_null())
        .all(c)
        .await?;
    let slots = if bookings.is_empty() {
        Vec::new()
    } else {
        consultation_slots::Entity::find()
            .filter(consultation_slots::Column::Id.is_in(bookings.iter().map(|b| b.slot_id)))
            .filter(consultation_slots::Column::EndsAt.gt(at))
            .all(c)
            .await?
    };
    let hours = if slots.is_empty() {
        Vec::new()
    } else {
        consultation_duty_hours::Entity::find()
            .filter(consultation_duty_hours::Column::Id.is_in(slots.iter().map(|s| s.duty_hour_id)))
            .all(c)
            .await?
    };
    let ids: Vec<Uuid> = meetings
        .iter()
        .map(|m| m.consultation_id)
        .chain(hours.iter().map(|h| h.consultation_id))
        .collect();
    let owners = if ids.is_empty() {
        Vec::new()
    } else {
        consultations::Entity::find()
            .filter(consultations::Column::Id.is_in(ids))
            .all(c)
            .await?
    };
    let owner = |id: Uuid| {
        owners
            .iter()
            .find(|k| k.id == id)
            .map(|k| (k.slug.clone(), k.title.clone()))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for m in &meetings {
        let (slug, consultation) = owner(m.consultation_id);
        let waiting = registrations
            .iter()
            .find(|r| r.meeting_id == m.id)
            .is_some_and(|r| r.waiting);
        out.push(SignUp {
            path: format!("/consultations/{slug}/meetings/{}", m.id),
            slug,
            consultation,
            what: m.title.clone(),
            starts: m.starts_at,
            waiting,
        });
    }
    for s in &slots {
        let Some(h) = hours.iter().find(|h| h.id == s.duty_hour_id) else {
            continue;
        };
        let (slug, consultation) = owner(h.consultation_id);
        out.push(SignUp {
            path: format!("/consultations/{slug}/duty-hours/{}", h.id),
            slug,
            consultation,
            what: h.expert.clone(),
            starts: s.starts_at,
            waiting: false,
        });
    }
    out.sort_by_key(|s| s.starts);
    Ok(out)
}
